// The enricher between a pipeline and a fake Docker API: what a container's
// create line carries, and what listeners hear, when Docker's list answers
// before its inspect.
#include "enricher_fixture.h"

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
using test_support::http_response;
using test_support::send_all;

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
  EXPECT_EQ(record()->enrichment, EnrichmentState::partial);

  // The inspect completes the record: one update, with the pid and start time.
  ASSERT_TRUE(run_until([&] { return recorder_.seen.size() >= 3; }));
  EXPECT_EQ(recorder_.seen[2].what, "updated");
  EXPECT_EQ(recorder_.seen[2].info.init_pid, 4321);
  EXPECT_EQ(recorder_.seen[2].info.started_ns, 1795788087542298797);
  EXPECT_EQ(recorder_.seen[2].info.created_ns, 1795788087117141106);
  EXPECT_EQ(recorder_.seen[2].info.image_digest, kDigest);
  EXPECT_EQ(record()->info, recorder_.seen[2].info);
  EXPECT_EQ(record()->enrichment, EnrichmentState::done);

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
  EXPECT_EQ(container->enrichment, EnrichmentState::partial);
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
