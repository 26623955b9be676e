// The enricher between a pipeline and a fake Docker API: what a container's
// create line carries, and what listeners hear, when Docker's list answers
// before its inspect.
#include "agent/enricher.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <functional>
#include <string>
#include <thread>
#include <vector>

#include "fake_http_server.h"

namespace tracker {
namespace {

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

std::string list_json() {
  return R"([{"Id": ")" + kId + R"(", "Names": ["/web"], "Image": "busybox:latest",
      "ImageID": ")" +
         kImageId + R"(", "Created": 1795788087, "Labels": {"app": "web"}, "State": "created"}])";
}

std::string inspect_json() {
  return R"({"Id": ")" + kId + R"(", "Name": "/web", "Image": ")" + kImageId + R"(",
      "Created": "2026-11-27T14:01:27.117141106Z",
      "State": {"Pid": 4321, "StartedAt": "2026-11-27T14:01:27.542298797Z"},
      "Config": {"Image": "busybox:latest", "Labels": {"app": "web"}}})";
}

std::string image_json() {
  return R"({"Id": ")" + kImageId + R"(", "RepoDigests": ["busybox@)" + kDigest + R"("]})";
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
  void container_ready(const std::shared_ptr<ContainerRecord>& c) override {
    seen.push_back({"ready", c->info});
  }
  void container_updated(const std::shared_ptr<ContainerRecord>& c) override {
    seen.push_back({"updated", c->info});
  }
  void container_gone(const std::shared_ptr<ContainerRecord>& c) override {
    seen.push_back({"gone", c->info});
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
  void start(FakeServer::Handler handler) {
    server_ = std::make_unique<FakeServer>(std::move(handler));
    pipeline_ = std::make_unique<Pipeline>(
        PipelineOptions{}, TrackedHierarchy{CgroupLayout::v2, dir_.path().string()}, recorder_);
    pipeline_->add_listener(&recorder_);
    EnricherOptions options;
    options.enabled = true;
    options.endpoints = {{Runtime::docker, server_->path(), true}};
    enricher_ = std::make_unique<Enricher>(loop_, *pipeline_, options);
    pipeline_->add_observer(enricher_.get());
  }

  void mkdir() {
    tracker_event event{};
    event.type = TRACKER_EVENT_CGROUP_MKDIR;
    event.data.cgroup.cgroup_id = 100;
    std::string path = "/docker/" + kId;
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

  std::size_t count(const std::string& request) const {
    std::size_t n = 0;
    for (auto& r : server_->requests()) n += r.starts_with(request);
    return n;
  }

  std::shared_ptr<ContainerRecord> record() { return pipeline_->registry().find_by_id(kId); }

  TempDir dir_{"tracker-enricher-"};
  EventLoop loop_;
  Recorder recorder_;
  std::unique_ptr<FakeServer> server_;
  std::unique_ptr<Pipeline> pipeline_;
  std::unique_ptr<Enricher> enricher_;
};

// dockerd's inspect waits for the container's start; its list does not.
void slow_inspect_docker(int fd, const std::string& line, const std::atomic<bool>&) {
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

TEST_F(EnricherTest, ListAnswersFirstThenInspectCompletes) {
  start(slow_inspect_docker);
  mkdir();
  ASSERT_TRUE(run_until([&] { return recorder_.seen.size() >= 2; }));
  // The create line and ContainerAdded go out with what the list says.
  EXPECT_EQ(recorder_.whats(), (std::vector<std::string>{"ready", "container_create"}));
  for (auto& seen : recorder_.seen) {
    EXPECT_EQ(seen.info.name, "web") << seen.what;
    EXPECT_EQ(seen.info.image, "busybox:latest");
    EXPECT_EQ(seen.info.image_digest, kDigest);
    EXPECT_EQ(seen.info.labels.at("app"), "web");
    EXPECT_EQ(seen.info.init_pid, 0);
    EXPECT_EQ(seen.info.started_ns, 0);
  }
  EXPECT_TRUE(enricher_->settled());
  EXPECT_EQ(record()->enrichment, EnrichmentState::done);

  // The inspect completes the record: one update, with the pid and start time.
  ASSERT_TRUE(run_until([&] { return recorder_.seen.size() >= 3; }));
  EXPECT_EQ(recorder_.seen[2].what, "updated");
  EXPECT_EQ(recorder_.seen[2].info.init_pid, 4321);
  EXPECT_EQ(recorder_.seen[2].info.started_ns, 1795788087542298797);
  EXPECT_EQ(recorder_.seen[2].info.created_ns, 1795788087117141106);
  EXPECT_EQ(recorder_.seen[2].info.image_digest, kDigest);
  EXPECT_EQ(record()->info, recorder_.seen[2].info);

  // Nothing more is asked.
  run_until([] { return false; }, 400ms);
  EXPECT_EQ(recorder_.seen.size(), 3u);
  EXPECT_EQ(count(kListPrefix), 1u);
  EXPECT_EQ(count(kInspect), 1u);
  EXPECT_EQ(count("GET /images/"), 1u) << "the image's digest is asked once";
}

TEST_F(EnricherTest, FailedCompletionKeepsWhatTheListGave) {
  start([](int fd, const std::string& line, const std::atomic<bool>& stopping) {
    if (line == kInspect)
      send_all(fd, http_response(500, R"({"message": "boom"})"));
    else
      slow_inspect_docker(fd, line, stopping);
  });
  mkdir();
  // The inspect is retried with backoff (250 ms, then 500 ms, …).
  ASSERT_TRUE(run_until([&] { return count(kInspect) >= 2; }));
  EXPECT_EQ(recorder_.whats(), (std::vector<std::string>{"ready", "container_create"}));
  auto container = record();
  EXPECT_EQ(container->enrichment, EnrichmentState::done);
  EXPECT_EQ(container->info.name, "web");
  EXPECT_EQ(container->info.image_digest, kDigest);
  EXPECT_EQ(count(kListPrefix), 1u) << "retries are inspects";
}

TEST_F(EnricherTest, ListWithoutTheContainerFallsBackToInspect) {
  start([](int fd, const std::string& line, const std::atomic<bool>& stopping) {
    if (line.starts_with(kListPrefix))
      send_all(fd, http_response(200, "[]"));
    else
      slow_inspect_docker(fd, line, stopping);
  });
  mkdir();
  ASSERT_TRUE(run_until([&] { return recorder_.seen.size() >= 2; }));
  EXPECT_EQ(recorder_.whats(), (std::vector<std::string>{"ready", "container_create"}));
  EXPECT_EQ(recorder_.seen[0].info.init_pid, 4321);
  run_until([] { return false; }, 400ms);
  EXPECT_EQ(recorder_.seen.size(), 2u) << "a full answer needs no completion";
  EXPECT_EQ(count(kInspect), 1u);
}

// An existing container is not being started: its inspect answers at once.
TEST_F(EnricherTest, ExistingContainerIsInspected) {
  start(slow_inspect_docker);
  std::filesystem::create_directories(dir_.path() / "docker" / kId);
  std::string error;
  ASSERT_TRUE(pipeline_->scan_existing(error)) << error;
  ASSERT_TRUE(run_until([&] { return recorder_.seen.size() >= 2; }));
  EXPECT_EQ(recorder_.whats(), (std::vector<std::string>{"ready", "existing_container"}));
  EXPECT_EQ(recorder_.seen[0].info.init_pid, 4321);
  EXPECT_EQ(count(kListPrefix), 0u);
  EXPECT_EQ(count(kInspect), 1u);
}

TEST_F(EnricherTest, RemovedBeforeCompletionStopsAsking) {
  start([](int fd, const std::string& line, const std::atomic<bool>& stopping) {
    if (line == kInspect)
      send_all(fd, http_response(404, R"({"message": "No such container"})"));
    else
      slow_inspect_docker(fd, line, stopping);
  });
  mkdir();
  ASSERT_TRUE(run_until([&] { return count(kInspect) >= 1; }));
  tracker_event event{};
  event.type = TRACKER_EVENT_CGROUP_RMDIR;
  event.data.cgroup.cgroup_id = 100;
  pipeline_->on_kernel_event(event);
  run_until([] { return false; }, 600ms);
  EXPECT_EQ(count(kInspect), 1u);
  EXPECT_EQ(recorder_.whats(),
            (std::vector<std::string>{"ready", "container_create", "gone", "container_remove"}));
  EXPECT_EQ(recorder_.seen.back().info.name, "web");
}

}  // namespace
}  // namespace tracker
