// How containers end, from the kernel alone (enrichment off, no process
// events asked for): the init's exit status, the signal that ended it, and
// whether the OOM killer struck, on Docker, Podman and containerd (ctr).
#include <unistd.h>

#include "harness.h"

namespace tracker::testing {
namespace {

// Only lifecycle events: the kernel still tells tracker how each container ended.
const std::vector<std::string> kLifecycleOnly = {
    "--output",  "json",     "--scope",
    "container", "--events", "container_create,container_exit,container_remove"};

const std::string kAllocate = "x=$(head -c 64m /dev/zero | tr \"\\\\0\" a); echo ${#x}";

struct Ending {
  std::int64_t code = -2;
  std::int64_t signal = -2;
  bool oom = false;
};

Json::Value arg_json(const Json::Value& event, const std::string& name) {
  for (const auto& a : event["args"])
    if (a["name"].asString() == name) return a["value"];
  return Json::Value();
}

Ending ending_of(const Json::Value& event) {
  return {arg_json(event, "exit_code").asInt64(), arg_json(event, "exit_signal").asInt64(),
          arg_json(event, "oom_killed").asBool()};
}

class LifecycleTest : public ::testing::Test {
 protected:
  void SetUp() override { REQUIRE_PREREQUISITE(geteuid() == 0, "root"); }
  void TearDown() override {
    for (auto& cleanup : cleanups_) run(cleanup);
  }
  // Runs `command` (which prints the container's id, or is named `id`) and
  // waits for its container_exit and container_remove.
  void expect_ending(const std::string& runtime_ready, const std::string& command,
                     const std::string& cleanup, const Ending& expected,
                     const std::string& known_id = "") {
    REQUIRE_PREREQUISITE(command_succeeds(runtime_ready),
                         runtime_ready + " (tests/fixtures/runtimes.sh start; busybox-image.sh)");
    TrackerProcess tracker(kLifecycleOnly);
    ASSERT_TRUE(tracker.wait_ready()) << tracker.stderr_text();
    auto result = run(command);
    std::string id = known_id;
    if (id.empty()) id = result.output.substr(result.output.rfind('\n') + 1);
    cleanups_.push_back(fill_id(cleanup, id));
    ASSERT_FALSE(id.empty()) << command << ": " << result.output;
    auto exited = tracker.wait_for(is_event("container_exit", id), 30s);
    ASSERT_TRUE(exited) << "no container_exit for " << id << "\n" << tracker.stderr_text();
    auto ending = ending_of(*exited);
    EXPECT_EQ(ending.code, expected.code) << exited->toStyledString();
    EXPECT_EQ(ending.signal, expected.signal);
    EXPECT_EQ(ending.oom, expected.oom);
    run(fill_id(cleanup, id));
    auto removed = tracker.wait_for(is_event("container_remove", id), 15s);
    ASSERT_TRUE(removed) << "no container_remove for " << id;
    auto at_removal = ending_of(*removed);
    EXPECT_EQ(at_removal.code, expected.code);
    EXPECT_EQ(at_removal.oom, expected.oom);
    EXPECT_EQ(tracker.matching(is_event("container_exit", id)).size(), 1u);
    EXPECT_TRUE(tracker.matching(is_event("sched_process_exit")).empty());
  }
  static std::string fill_id(std::string text, const std::string& id) {
    for (auto at = text.find("{id}"); at != std::string::npos; at = text.find("{id}", at))
      text.replace(at, 4, id);
    return text;
  }
  std::vector<std::string> cleanups_;
};

const std::string kDockerReady = "docker image inspect " + test_image() + " >/dev/null";
const std::string kDockerRun = "docker run -d --network none --runtime runc " + kLimits;

TEST_F(LifecycleTest, DockerExitStatus) {
  expect_ending(kDockerReady, kDockerRun + test_image() + " sh -c 'exit 7'", "docker rm -f {id}",
                {7, 0, false});
}

TEST_F(LifecycleTest, DockerKilledByTheOomKiller) {
  expect_ending(
      kDockerReady,
      kDockerRun + "-m 32m --memory-swap 32m " + test_image() + " sh -c '" + kAllocate + "'",
      "docker rm -f {id}", {137, 9, true});
}

TEST_F(LifecycleTest, DockerKillIsSigkillNotOom) {
  expect_ending(kDockerReady,
                kDockerRun + test_image() + " sleep 600 >/tmp/tracker-kill-$$ && docker kill " +
                    "$(cat /tmp/tracker-kill-$$) >/dev/null; cat /tmp/tracker-kill-$$; rm -f " +
                    "/tmp/tracker-kill-$$",
                "docker rm -f {id}", {137, 9, false});
}

TEST_F(LifecycleTest, PodmanExitStatus) {
  expect_ending("podman image exists " + test_image(),
                kPodman + "run -d --network none " + kLimits + test_image() + " sh -c 'exit 3'",
                kPodman + "rm -f -t 0 {id}", {3, 0, false});
}

TEST_F(LifecycleTest, ContainerdExitStatus) {
  std::string id = "tracker-it-" + random_hex_id(12);
  expect_ending(
      "ctr -n tracker-test image check name==" + test_image() + " | grep -q complete",
      "ctr -n tracker-test run -d --null-io " + test_image() + " " + id + " sh -c 'exit 5'",
      "ctr -n tracker-test tasks rm -f {id}; ctr -n tracker-test containers rm {id}", {5, 0, false},
      id);
}

}  // namespace
}  // namespace tracker::testing
