// A pipeline with an enricher and fake runtimes, shared by the enricher tests.
#pragma once

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "agent/enricher.h"
#include "fake_http_server.h"

namespace tracker {

using namespace std::chrono_literals;
using test_support::FakeServer;
using test_support::http_response;
using test_support::send_all;
using test_support::TempDir;

const std::string kId = "a9d91818a0506095ee03a400625710a5072a55043cb6a5e2afdc66f0ed15acf5";
const std::string kImageId =
    "sha256:6266d2ecfb874170ee06cda5fbd982d656b91d11d975f53be1e13389aaba4ce1";
const std::string kDigest =
    "sha256:d9d84bcb167d7235bfe8c7e96a155b61638878b7e325b180fb631ee977699ca9";
const std::string kListPrefix = "GET /containers/json?";
const std::string kInspect = "GET /containers/" + kId + "/json HTTP/1.1";

inline std::string list_json() {
  return R"([{"Id": ")" + kId + R"(", "Names": ["/web"], "Image": "busybox:latest",
      "ImageID": ")" +
         kImageId + R"(", "Created": 1795788087, "Labels": {"app": "web"}, "State": "created"}])";
}

inline std::string inspect_json() {
  return R"({"Id": ")" + kId + R"(", "Name": "/web", "Image": ")" + kImageId + R"(",
      "Created": "2026-11-27T14:01:27.117141106Z",
      "State": {"Pid": 4321, "StartedAt": "2026-11-27T14:01:27.542298797Z"},
      "Config": {"Image": "busybox:latest", "Labels": {"app": "web"}}})";
}

inline std::string image_json() {
  return R"({"Id": ")" + kImageId + R"(", "RepoDigests": ["busybox@)" + kDigest + R"("]})";
}

// dockerd's inspect waits for the container's start; its list does not.
inline void slow_inspect_docker(int fd, const std::string& line, const std::atomic<bool>&) {
  if (line.starts_with(kListPrefix)) {
    send_all(fd, http_response(200, list_json()));
  } else if (line == kInspect) {
    std::this_thread::sleep_for(200ms);
    send_all(fd, http_response(200, inspect_json()));
  } else if (line == "GET /images/" + kImageId + "/json HTTP/1.1") {
    send_all(fd, http_response(200, image_json()));
  } else if (line == "GET /_ping HTTP/1.1") {
    send_all(fd, http_response(200, "OK", "text/plain"));
  } else {
    send_all(fd, http_response(404, R"({"message": "page not found"})"));
  }
}

// What a listener or the printer saw of the container at that moment.
struct Seen {
  std::string what;
  ContainerInfo info;
};

class Recorder : public Printer, public ContainerListener {
 public:
  void print(const Event& event) override {
    if (event.container)
      seen.push_back({std::string(event_name(event.type)), event.container->info});
  }
  void container_added(const std::shared_ptr<ContainerRecord>& c) override {
    seen.push_back({"ready", c->info});
  }
  void container_changed(const std::shared_ptr<ContainerRecord>& c) override {
    seen.push_back({"updated", c->info});
  }
  void container_exited(const std::shared_ptr<ContainerRecord>& c) override {
    seen.push_back({"exited", c->info});
  }
  void container_removed(const std::shared_ptr<ContainerRecord>& c) override {
    seen.push_back({"gone", c->info});
  }
  void container_health(const std::shared_ptr<ContainerRecord>& c) override {
    seen.push_back({"health", c->info});
  }
  std::vector<std::string> whats() const {
    std::vector<std::string> result;
    for (auto& s : seen) result.push_back(s.what);
    return result;
  }
  std::vector<Seen> seen;
};

// A pipeline with an enricher whose only runtime is the fake docker.
class EnricherTest : public ::testing::Test {
 protected:
  EnricherOptions options_for(const std::string& docker_socket) {
    EnricherOptions options;
    options.enabled = true;
    options.endpoints.configured = {{Runtime::docker, docker_socket, true}};
    return options;
  }

  void start(FakeServer::Handler handler) {
    server_ = std::make_unique<FakeServer>(std::move(handler));
    start_with(options_for(server_->path()));
  }

  void start_with(EnricherOptions options) {
    pipeline_ = std::make_unique<Pipeline>(
        PipelineOptions{}, TrackedHierarchy{CgroupLayout::v2, dir_.path().string()}, recorder_);
    pipeline_->add_listener(&recorder_);
    enricher_ = std::make_unique<Enricher>(loop_, *pipeline_, std::move(options), clock_);
    pipeline_->set_enrichment(enricher_.get());
  }

  void mkdir(const std::string& path = "/docker/" + kId, std::uint64_t cgroup_id = 100) {
    tracker_event event{};
    event.type = TRACKER_EVENT_CGROUP_MKDIR;
    event.data.cgroup.cgroup_id = cgroup_id;
    path.copy(event.data.cgroup.path, sizeof(event.data.cgroup.path) - 1);
    pipeline_->on_kernel_event(event);
  }

  // Runs the loop until `done` or the timeout; false on timeout.
  bool run_until(const std::function<bool()>& done, std::chrono::milliseconds timeout = 3s) {
    auto until = std::chrono::steady_clock::now() + timeout;
    bool met = done();
    int timer = loop_.every(5ms, [&] {
      met = done();
      if (met || std::chrono::steady_clock::now() > until) loop_.stop();
    });
    if (!met) loop_.run();
    loop_.cancel(timer);
    return met;
  }

  std::size_t count(const std::string& request) const { return count_in(*server_, request); }
  static std::size_t count_in(FakeServer& server, const std::string& request) {
    std::size_t n = 0;
    for (auto& r : server.requests()) n += r.starts_with(request);
    return n;
  }

  std::shared_ptr<ContainerRecord> record() { return pipeline_->registry().find_by_id(kId); }

  // Monotonic time for the enricher: the real clock plus what a test adds.
  // Monotonic time for the enricher: the real clock, or a frozen instant a test moves.
  struct TestClock : MonotonicClock {
    MonoTime now() const override { return frozen ? *frozen : std::chrono::steady_clock::now(); }
    std::optional<MonoTime> frozen;
  } clock_;
  TempDir dir_{"tracker-enricher-"};
  EventLoop loop_;
  Recorder recorder_;
  std::unique_ptr<FakeServer> server_;
  std::unique_ptr<Pipeline> pipeline_;
  std::unique_ptr<Enricher> enricher_;
};

}  // namespace tracker
