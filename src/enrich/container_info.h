#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "cgroup/container_path.h"

namespace tracker {

struct PodInfo {
  std::string name;
  std::string namespace_name;
  std::string uid;
  bool sandbox = false;

  bool operator==(const PodInfo&) const = default;
};

// A runtime's own grouping of containers that is not a Kubernetes pod: a
// podman pod. Kubernetes pods are PodInfo, read from io.kubernetes.* only.
struct RuntimePod {
  std::string id;
  std::string name;
  bool infra = false;  // the pod's infra container, which holds its namespaces

  bool operator==(const RuntimePod&) const = default;
};

// What a container runtime says about one container.
struct ContainerInfo {
  Runtime runtime = Runtime::unknown;
  std::string id;
  std::string name;
  std::string image;         // as the user named it, e.g. "docker.io/library/nginx:1.25"
  std::string image_digest;  // repo digest "sha256:…", empty when the image has none
  std::string image_id;      // "sha256:…" config digest
  std::map<std::string, std::string> labels;
  std::int64_t created_ns = 0;  // Unix epoch nanoseconds, 0 when unknown
  std::int64_t started_ns = 0;
  std::int32_t init_pid = 0;
  PodInfo pod;
  RuntimePod runtime_pod;
  std::string health;               // Docker/Podman healthcheck: "", starting, healthy, unhealthy
  std::uint32_t restart_count = 0;  // restarts by the runtime's restart policy
  // The image's digests as the registries know them ("repo@sha256:…"); none
  // for an image that was never pushed or pulled.
  std::vector<std::string> repo_digests;

  bool operator==(const ContainerInfo&) const = default;
};

}  // namespace tracker
