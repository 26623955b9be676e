#pragma once

// A ServiceBackend made of plain data, for the D-Bus service tests and the
// test server of the polkit integration test.

#include <algorithm>
#include <map>
#include <string>
#include <vector>

#include "service/backend.h"

namespace tracker::testing {

class FakeBackend : public ServiceBackend {
 public:
  std::vector<ContainerSnapshot> containers() const override {
    std::vector<ContainerSnapshot> list;
    for (const auto& [id, container] : containers_) list.push_back(container);
    return list;
  }

  std::optional<ContainerSnapshot> container(const std::string& id) const override {
    auto found = containers_.find(id);
    if (found == containers_.end()) return std::nullopt;
    return found->second;
  }

  // A full id wins over a name, a name over an id prefix.
  FindResult find(const std::string& key) const override {
    if (containers_.count(key)) return {FindStatus::found, key};
    std::vector<std::string> named, prefixed;
    for (const auto& [id, container] : containers_) {
      if (container.name == key) named.push_back(id);
      if (id.rfind(key, 0) == 0) prefixed.push_back(id);
    }
    for (const auto* matches : {&named, &prefixed}) {
      if (matches->size() == 1) return {FindStatus::found, matches->front()};
      if (matches->size() > 1) return {FindStatus::ambiguous, ""};
    }
    return {FindStatus::not_found, ""};
  }

  FindResult find_by_pid(std::uint32_t pid) const override {
    if (pid == kNoSuchPid) return {FindStatus::no_such_process, ""};
    auto found = pids_.find(pid);
    if (found == pids_.end() || !containers_.count(found->second)) return {};
    return {FindStatus::found, found->second};
  }

  CgroupStats cgroup_stats(const std::string& id) const override {
    ++stats_reads_;
    auto found = stats_.find(id);
    return found == stats_.end() ? CgroupStats{} : found->second;
  }

  std::vector<ProcessSnapshot> processes(const std::string& id) const override {
    auto found = processes_.find(id);
    return found == processes_.end() ? std::vector<ProcessSnapshot>{} : found->second;
  }
  void call_denied() override { ++denied_; }

  std::vector<RuntimeSnapshot> runtimes() const override { return runtimes_; }
  bool enrichment_enabled() const override { return enrichment_; }
  std::uint64_t events_lost() const override { return events_lost_; }
  ServiceCounters counters() const override { return counters_; }
  std::string metrics() const override { return metrics_; }
  std::string version() const override { return version_; }

  std::string reload() override {
    ++reloads_;
    return reload_error_;
  }
  void set_enrichment(bool enabled) override {
    enrichment_ = enabled;
    enrichment_calls_.push_back(enabled);
  }

  void put(const ContainerSnapshot& container) { containers_[container.id] = container; }
  void erase(const std::string& id) { containers_.erase(id); }

  std::map<std::string, ContainerSnapshot> containers_;
  std::map<std::uint32_t, std::string> pids_;  // pid → container id
  static constexpr std::uint32_t kNoSuchPid = 999999;
  std::map<std::string, CgroupStats> stats_;
  std::map<std::string, std::vector<ProcessSnapshot>> processes_;
  int denied_ = 0;
  mutable int stats_reads_ = 0;
  std::vector<RuntimeSnapshot> runtimes_;
  bool enrichment_ = true;
  std::uint64_t events_lost_ = 0;
  ServiceCounters counters_;
  std::string metrics_;
  std::string version_ = "0.1.0-test";
  std::string reload_error_;
  int reloads_ = 0;
  std::vector<bool> enrichment_calls_;
};

// A 64-hex id made of `seed` and a running counter.
inline std::string hex_id(const std::string& seed) {
  std::string id = seed;
  while (id.size() < 64) id += "0123456789abcdef"[id.size() % 16];
  return id.substr(0, 64);
}

inline ContainerSnapshot enriched_container(const std::string& id, const std::string& name) {
  ContainerSnapshot c;
  c.id = id;
  c.name = name;
  c.image = "docker.io/library/" + name + ":1.25";
  c.image_digest = "sha256:" + hex_id("d1");
  c.image_id = "sha256:" + hex_id("e2");
  c.runtime = "docker";
  c.origin = "existing";
  c.enrichment = "done";
  c.cgroup_path = "/docker/" + id;
  c.cgroup_id = 4242;
  c.created_ns = 1'714'000'000'123'456'789;
  c.started_ns = 1'714'000'001'000'000'000;
  c.init_pid = 4321;
  c.labels = {{"com.example.team", "blue"}, {"maintainer", "ops@example.com"}};
  return c;
}

inline ContainerSnapshot pending_container(const std::string& id) {
  ContainerSnapshot c;
  c.id = id;
  c.runtime = "containerd";
  c.origin = "created";
  c.enrichment = "pending";
  c.cgroup_path = "/k8s.io/" + id;
  c.cgroup_id = 777;
  return c;
}

// The containers and runtimes every test starts with: a running docker
// container, a pod container, and one created but not started.
inline void fill_sample(FakeBackend& backend) {
  backend.put(enriched_container(hex_id("abc1"), "nginx"));
  auto pod = enriched_container(hex_id("abc2"), "web");
  pod.runtime = "containerd";
  pod.origin = "created";
  pod.started = true;
  pod.pod_name = "web-7d9f";
  pod.pod_namespace = "shop";
  pod.pod_uid = "0b7c7b8e-1f0e-4a7b-9d4e-2f2b1e0f9a11";
  pod.labels["io.kubernetes.pod.name"] = "web-7d9f";
  pod.health = "healthy";
  pod.restart_count = 2;
  pod.compose_project = "shop";
  pod.compose_service = "web";
  pod.repo_digests = {"docker.io/library/web@sha256:" + hex_id("d1")};
  backend.put(pod);
  backend.put(pending_container(hex_id("f00d")));
  backend.runtimes_ = {
      {"docker", "/var/run/docker.sock", false, true, "", 12, 3, 0, "up"},
      {"podman", "/run/podman/podman.sock", true, false, "connection refused", 4, 0, 1000, "down"},
  };
}

}  // namespace tracker::testing
