// Real containers from dockerd, podman and containerd (ctr), built from the
// local busybox test image (tests/fixtures/busybox-image.sh).
#include <unistd.h>

#include "harness.h"

namespace tracker::testing {
namespace {

struct Runtime {
  std::string name;    // as tracker reports it
  std::string ready;   // answers when the runtime and the image are there
  std::string run;     // prints the full id; {name} is a fresh name
  std::string exec;    // {id}: runs /bin/true inside
  std::string remove;  // {id}
  bool prints_id = true;
};

std::string fill(std::string text, const std::string& key, const std::string& value) {
  for (auto at = text.find(key); at != std::string::npos; at = text.find(key, at + value.size()))
    text.replace(at, key.size(), value);
  return text;
}

const std::vector<Runtime>& runtimes() {
  static const std::vector<Runtime> all = {
      {"docker", "docker image inspect " + test_image(),
       "docker run -d --network none --runtime runc " + kLimits + " --name {name} " + test_image(),
       "docker exec {id} /bin/true", "docker rm -f {id}"},
      {"podman", "podman image exists " + test_image(),
       kPodman + "run -d --network none " + kLimits + " --name {name} " + test_image(),
       kPodman + "exec {id} /bin/true", kPodman + "rm -f -t 0 {id}"},
      {"containerd",
       "ctr -n tracker-test image check name==" + test_image() + " | grep -q complete",
       "ctr -n tracker-test run -d --null-io " + test_image() + " {name}",
       "ctr -n tracker-test tasks exec --exec-id probe {id} /bin/true",
       "ctr -n tracker-test tasks rm -f {id}; ctr -n tracker-test containers rm {id}", false},
  };
  return all;
}

void PrintTo(const Runtime& runtime, std::ostream* os) {
  *os << runtime.name;
}

// Starts a container; its id, or "" when the run failed.
std::string start_container(const Runtime& runtime, const std::string& name) {
  auto result = run(fill(runtime.run, "{name}", name));
  if (result.status != 0) return "";
  return runtime.prints_id ? result.output.substr(result.output.rfind('\n') + 1) : name;
}

class RealRuntimeTest : public ::testing::TestWithParam<Runtime> {
 protected:
  void SetUp() override {
    REQUIRE_PREREQUISITE(geteuid() == 0, "root");
    REQUIRE_PREREQUISITE(command_succeeds(GetParam().ready),
                         GetParam().name + " answering with image " + test_image() +
                             " (tests/fixtures/runtimes.sh start; busybox-image.sh)");
  }
  void TearDown() override {
    for (auto& id : started_) run(fill(GetParam().remove, "{id}", id));
  }
  std::string start(const std::string& name) {
    std::string id = start_container(GetParam(), name);
    if (!id.empty()) started_.push_back(id);
    return id;
  }
  void remove(const std::string& id) {
    run(fill(GetParam().remove, "{id}", id));
    std::erase(started_, id);
  }
  std::vector<std::string> started_;
};

TEST_P(RealRuntimeTest, ContainerLifecycleAndProcessesCarryTheFullId) {
  const Runtime& runtime = GetParam();
  TrackerProcess inside({"--output", "json", "--scope", "container"});
  TrackerProcess outside(
      {"--output", "json", "--scope", "not-container", "--events", "sched_process_exec"});
  ASSERT_TRUE(inside.wait_ready()) << inside.stderr_text();
  ASSERT_TRUE(outside.wait_ready()) << outside.stderr_text();

  std::string id = start("tracker-it-" + random_hex_id(12));
  ASSERT_FALSE(id.empty()) << "could not start a " << runtime.name << " container";
  auto returned = std::chrono::steady_clock::now();
  auto created = inside.wait_for(is_event("container_create", id), 10s);
  ASSERT_TRUE(created) << "no container_create for " << id << "\n" << inside.stderr_text();
  auto latency = std::chrono::duration_cast<std::chrono::milliseconds>(
      std::chrono::steady_clock::now() - returned);
  RecordProperty("create_seen_after_run_returned_ms", static_cast<int>(latency.count()));
  EXPECT_EQ(arg(*created, "runtime"), runtime.name);
  EXPECT_EQ(arg(*created, "container_id"), id);

  ASSERT_TRUE(command_succeeds(fill(runtime.exec, "{id}", id)));
  auto exec = inside.wait_for(
      [&](const Json::Value& e) {
        return is_event("sched_process_exec", id)(e) && e["processName"].asString() == "true";
      },
      5s);
  ASSERT_TRUE(exec) << "no sched_process_exec of /bin/true in " << id;
  EXPECT_EQ((*exec)["container"]["id"].asString(), id);

  remove(id);
  ASSERT_TRUE(inside.wait_for(is_event("container_remove", id), 10s));
  EXPECT_EQ(inside.matching(is_event("container_create", id)).size(), 1u);
  EXPECT_EQ(inside.matching(is_event("container_remove", id)).size(), 1u);

  outside.collect_for(500ms);
  EXPECT_TRUE(
      outside.matching([&](const Json::Value& e) { return e["containerId"].asString() == id; })
          .empty());
  EXPECT_FALSE(outside.events().empty()) << "the host's execs are in scope for not-container";
}

TEST_P(RealRuntimeTest, ContainerStartedBeforeTrackerIsExisting) {
  std::string id = start("tracker-it-" + random_hex_id(12));
  ASSERT_FALSE(id.empty());
  {
    TrackerProcess tracker({"--output", "json", "--scope", "container"});
    ASSERT_TRUE(tracker.wait_ready()) << tracker.stderr_text();
    auto existing = tracker.wait_for(is_event("existing_container", id), 3s);
    ASSERT_TRUE(existing);
    EXPECT_EQ(arg(*existing, "runtime"), GetParam().name);
  }
  TrackerProcess fresh_only({"--output", "json", "--scope", "container=new"});
  ASSERT_TRUE(fresh_only.wait_ready()) << fresh_only.stderr_text();
  ASSERT_TRUE(command_succeeds(fill(GetParam().exec, "{id}", id)));
  remove(id);
  fresh_only.collect_for(1s);
  EXPECT_TRUE(
      fresh_only.matching([&](const Json::Value& e) { return e["containerId"].asString() == id; })
          .empty());
}

INSTANTIATE_TEST_SUITE_P(Runtimes, RealRuntimeTest, ::testing::ValuesIn(runtimes()),
                         [](const ::testing::TestParamInfo<Runtime>& info) {
                           return info.param.name;
                         });

}  // namespace
}  // namespace tracker::testing
