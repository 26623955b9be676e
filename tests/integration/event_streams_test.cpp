// Docker's and Podman's event streams against the real daemons: a container
// that exits with a code, one the OOM killer ends, each told from creation
// to removal as the runtime says it.
//
// Needs root and the daemons of tests/fixtures/runtimes.sh with the image of
// tests/fixtures/busybox-image.sh. Without them the tests skip, except under
// CI=true where they fail.
#include <gtest/gtest.h>

#include <unistd.h>

#include <chrono>
#include <condition_variable>
#include <functional>
#include <iostream>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "enrich/runtime_client.h"
#include "enrich/runtime_event_json.h"
#include "enrich/runtime_events.h"
#include "harness.h"

namespace tracker {

void PrintTo(RuntimeEvent::Kind kind, std::ostream* os) {
  *os << to_string(kind);
}

namespace {

using namespace std::chrono_literals;
using testing::Cleanup;
using testing::kDocker;
using testing::kDockerSocket;
using testing::kLimits;
using testing::kPodman;
using testing::kPodmanSocket;
using testing::run;
using testing::test_image;
using Kind = RuntimeEvent::Kind;

constexpr auto kWait = 30s;

std::string unique_name(const char* what) {
  return std::string("events-it-") + what + "-" + std::to_string(getpid()) + "-" +
         std::to_string(std::chrono::steady_clock::now().time_since_epoch().count() % 100000);
}

// follow() on a thread of its own, for as long as it lives.
class Follower {
 public:
  explicit Follower(std::unique_ptr<RuntimeEventStream> stream) : stream_(std::move(stream)) {
    thread_ = std::thread([this] {
      auto end = stream_->follow(
          [this](RuntimeEvent event) {
            std::lock_guard lock(mutex_);
            events_.push_back(std::move(event));
            changed_.notify_all();
          },
          cancel_);
      std::lock_guard lock(mutex_);
      end_ = end;
      ended_ = true;
      changed_.notify_all();
    });
  }
  ~Follower() { stop(); }

  StreamEnd stop() {
    cancel_.cancel();
    if (thread_.joinable()) thread_.join();
    return end_;
  }

  // The events of one container so far.
  std::vector<RuntimeEvent> of(const std::string& id) {
    std::lock_guard lock(mutex_);
    std::vector<RuntimeEvent> found;
    for (const auto& event : events_)
      if (event.container_id == id) found.push_back(event);
    return found;
  }

  // Waits until `id` has an event of `kind` (true), the stream ends or kWait passes.
  bool wait_for(const std::string& id, Kind kind) {
    std::unique_lock lock(mutex_);
    return changed_.wait_for(lock, kWait, [&] {
      if (ended_) return true;
      for (const auto& event : events_)
        if (event.container_id == id && event.kind == kind) return true;
      return false;
    }) && !ended_;
  }

  std::string why_ended() {
    std::lock_guard lock(mutex_);
    return ended_ ? "the stream ended: " + end_.error : "";
  }

 private:
  std::unique_ptr<RuntimeEventStream> stream_;
  Cancellation cancel_;
  std::mutex mutex_;
  std::condition_variable changed_;
  std::vector<RuntimeEvent> events_;
  bool ended_ = false;
  StreamEnd end_;
  std::thread thread_;
};

std::vector<Kind> kinds(const std::vector<RuntimeEvent>& events) {
  std::vector<Kind> all;
  for (const auto& event : events) all.push_back(event.kind);
  return all;
}

struct Cli {
  std::string command;  // "docker -H …" or "podman --runtime runc …"
  std::string remove;   // rm flags that never wait
};
const Cli kDockerCli{kDocker, "rm -f "};
const Cli kPodmanCli{kPodman, "rm -f -t 0 "};

// The stream only reports what happens after the runtime took the request:
// a throwaway container is made and removed until its creation shows.
bool wait_until_subscribed(Follower& follower, const Cli& cli) {
  for (int attempt = 0; attempt < 10; ++attempt) {
    auto name = unique_name("probe");
    auto id =
        run(cli.command + "create --network none" + kLimits + "--name " + name + " " + test_image())
            .output;
    run(cli.command + cli.remove + name);
    if (id.size() >= 64) id = id.substr(id.size() - 64);
    std::this_thread::sleep_for(500ms);
    if (!follower.of(id).empty()) return true;
  }
  return false;
}

void expect_recent(std::int64_t ns) {
  auto now = testing::epoch_ns();
  EXPECT_GT(ns, now - std::int64_t{3600} * 1'000'000'000);
  EXPECT_LE(ns, now + 1'000'000'000);
}

class EventStreams : public ::testing::Test {
 protected:
  void SetUp() override {
    REQUIRE_PREREQUISITE(geteuid() == 0, "root");
    REQUIRE_PREREQUISITE(make_docker_client(kDockerSocket)->ping(2s),
                         "dockerd at " + kDockerSocket + " (tests/fixtures/runtimes.sh start)");
    REQUIRE_PREREQUISITE(make_podman_client(kPodmanSocket)->ping(2s),
                         "podman's API service at " + kPodmanSocket);
    REQUIRE_PREREQUISITE(run(kDocker + "image inspect " + test_image()).status == 0 &&
                             run(kPodman + "image exists " + test_image()).status == 0,
                         "image " + test_image() + " (tests/fixtures/busybox-image.sh)");
  }

  // Runs `sh -c script` in a new container to its end and removes it; the
  // container's events, once its removal showed.
  std::vector<RuntimeEvent> lifecycle(Follower& follower, const Cli& cli, const std::string& name,
                                      const std::string& flags, const std::string& script,
                                      std::string& id) {
    Cleanup cleanup;
    cleanup.add(cli.command + cli.remove + name);
    id = run(cli.command + "run -d --network none" + kLimits + flags + " --name " + name +
             " --label tracker.test=events --label com.docker.compose.project=demo " +
             test_image() + " sh -c '" + script + "'")
             .output;
    if (id.size() < 64) {
      ADD_FAILURE() << "run failed: " << id;
      return {};
    }
    id = id.substr(id.size() - 64);
    std::cout << "[ waited   ] exit " << run(cli.command + "wait " + id).output << "\n";
    EXPECT_TRUE(follower.wait_for(id, Kind::exited)) << follower.why_ended();
    run(cli.command + "rm " + id);
    EXPECT_TRUE(follower.wait_for(id, Kind::destroyed)) << follower.why_ended();
    return follower.of(id);
  }
};

void expect_created(const RuntimeEvent& created, Runtime runtime, const std::string& name) {
  EXPECT_EQ(created.runtime, runtime);
  EXPECT_EQ(created.info.name, name);
  EXPECT_EQ(created.info.image, test_image());
  EXPECT_EQ(created.info.labels.count("tracker.test"), 1u);
  EXPECT_EQ(created.info.labels.count("com.docker.compose.project"), 1u);
  EXPECT_EQ(created.info.labels.count("name"), 0u) << "attributes are not labels";
  expect_recent(created.time_ns);
}

TEST_F(EventStreams, DockerContainerExitingWith7) {
  Follower follower(make_docker_event_stream(kDockerSocket));
  ASSERT_TRUE(wait_until_subscribed(follower, kDockerCli)) << follower.why_ended();
  std::string id;
  auto name = unique_name("d7");
  auto events = lifecycle(follower, kDockerCli, name, " --runtime runc", "exit 7", id);
  ASSERT_EQ(kinds(events),
            (std::vector<Kind>{Kind::created, Kind::started, Kind::exited, Kind::destroyed}));
  expect_created(events[0], Runtime::docker, name);
  EXPECT_EQ(events[2].exit_code, 7);
  for (std::size_t i = 1; i < events.size(); ++i)
    EXPECT_GE(events[i].time_ns, events[i - 1].time_ns);
  EXPECT_EQ(follower.stop().why, StreamEnd::Why::cancelled);
}

TEST_F(EventStreams, PodmanContainerExitingWith3) {
  Follower follower(make_podman_event_stream(kPodmanSocket));
  ASSERT_TRUE(wait_until_subscribed(follower, kPodmanCli)) << follower.why_ended();
  std::string id;
  auto name = unique_name("p3");
  auto events = lifecycle(follower, kPodmanCli, name, "", "exit 3", id);
  ASSERT_EQ(kinds(events),
            (std::vector<Kind>{Kind::created, Kind::started, Kind::exited, Kind::destroyed}));
  expect_created(events[0], Runtime::podman, name);
  EXPECT_EQ(events[2].exit_code, 3);
  EXPECT_EQ(follower.stop().why, StreamEnd::Why::cancelled);
}

// 64 MiB into a shell variable under a 32 MiB limit without swap.
const std::string kAllocate = "x=$(head -c 64m /dev/zero | tr \"\\\\0\" a); echo ${#x}";

TEST_F(EventStreams, DockerContainerKilledByTheOomKiller) {
  Follower follower(make_docker_event_stream(kDockerSocket));
  ASSERT_TRUE(wait_until_subscribed(follower, kDockerCli)) << follower.why_ended();
  std::string id;
  auto events = lifecycle(follower, kDockerCli, unique_name("doom"),
                          " --runtime runc -m 32m --memory-swap 32m", kAllocate, id);
  // The OOM killer may strike more than once before the init dies: one oom
  // event each time.
  auto seen = kinds(events);
  ASSERT_GE(seen.size(), 5u) << ::testing::PrintToString(seen);
  EXPECT_EQ(std::vector<Kind>(seen.begin(), seen.begin() + 2),
            (std::vector<Kind>{Kind::created, Kind::started}));
  EXPECT_EQ(std::vector<Kind>(seen.end() - 2, seen.end()),
            (std::vector<Kind>{Kind::exited, Kind::destroyed}));
  for (auto kind = seen.begin() + 2; kind != seen.end() - 2; ++kind) EXPECT_EQ(*kind, Kind::oom);
  EXPECT_EQ(events[events.size() - 2].exit_code, 137);
  std::cout << "[ oom      ] " << seen.size() - 4 << " oom event(s)\n";
}

// A healthcheck that fails from the start: Docker says "unhealthy" once the
// first check fails (with --health-retries 1), and no event before.
TEST_F(EventStreams, DockerHealthcheckFailing) {
  Follower follower(make_docker_event_stream(kDockerSocket));
  ASSERT_TRUE(wait_until_subscribed(follower, kDockerCli)) << follower.why_ended();
  auto name = unique_name("dh");
  Cleanup cleanup;
  cleanup.add(kDocker + "rm -f " + name);
  auto id = run(kDocker + "run -d --network none --runtime runc" + kLimits + "--name " + name +
                " --health-cmd false --health-interval 1s --health-retries 1 " + test_image())
                .output;
  ASSERT_EQ(id.size(), 64u) << "docker run failed";
  ASSERT_TRUE(follower.wait_for(id, Kind::health)) << follower.why_ended();
  auto events = follower.of(id);
  ASSERT_EQ(kinds(events), (std::vector<Kind>{Kind::created, Kind::started, Kind::health}));
  EXPECT_EQ(events[2].health, "unhealthy");
  auto inspected = make_docker_client(kDockerSocket)->inspect(id, 2s);
  ASSERT_EQ(inspected.status, LookupStatus::found) << inspected.error;
  EXPECT_EQ(inspected.info.health, "unhealthy") << "the inspect agrees";
}

}  // namespace
}  // namespace tracker
