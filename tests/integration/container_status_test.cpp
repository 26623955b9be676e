// "Which container is this?" and what its cgroup says, on the real daemon
// and a real Docker container: GetContainerByPID / GetContainerByCgroupId,
// the on-demand cgroup figures and processes (hybrid cgroups here: limits on
// v1, the container's cgroup id from v2), and trackerctl's views of them.
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <set>

#include "harness.h"

namespace tracker::testing {
namespace {

namespace fs = std::filesystem;

const std::string kBusctl = "busctl --system ";
const std::string kManager =
    "org.khulnasoft.Tracker1 /org/khulnasoft/Tracker1 org.khulnasoft.Tracker1.Manager ";
const std::string kContainerInterface = "org.khulnasoft.Tracker1.Container";

Json::Value parse(const std::string& text) {
  Json::Value value;
  Json::CharReaderBuilder builder;
  std::string errors;
  std::unique_ptr<Json::CharReader> reader(builder.newCharReader());
  EXPECT_TRUE(reader->parse(text.data(), text.data() + text.size(), &value, &errors))
      << errors << "\n"
      << text;
  return value;
}

// A pid no process has right now.
std::uint32_t unused_pid() {
  for (std::uint32_t pid = 4'000'000; pid > 1; --pid)
    if (kill(static_cast<pid_t>(pid), 0) != 0 && errno == ESRCH) return pid;
  return 0;
}

// "t 42" → 42
std::uint64_t busctl_number(const std::string& output) {
  return std::stoull(output.substr(output.find(' ') + 1));
}

class ContainerStatusTest : public ::testing::Test {
 protected:
  void SetUp() override {
    REQUIRE_PREREQUISITE(geteuid() == 0, "root");
    REQUIRE_PREREQUISITE(system_bus_answers(), "the system bus (tests/fixtures/runtimes.sh start)");
    REQUIRE_PREREQUISITE(command_succeeds("docker image inspect " + test_image()), "docker");
    policy_ = std::make_unique<InstalledBusPolicy>();
  }
  void TearDown() override { policy_.reset(); }

  std::unique_ptr<InstalledBusPolicy> policy_;
};

TEST_F(ContainerStatusTest, PidsFiguresAndProcessesOfADockerContainer) {
  Cleanup cleanup;
  std::string name = "status-" + random_hex_id(8);
  // Two processes: sh's child `sleep 1000`, and sh itself exec'd into `sleep 1001`.
  auto docker = run("docker run -d --network none --runtime runc" + kLimits +
                    "--memory 64m --pids-limit 50 --name " + name + " " + test_image() +
                    " sh -c 'sleep 1000 & exec sleep 1001'");
  ASSERT_EQ(docker.status, 0);
  const std::string id = docker.output;
  cleanup.add("docker rm -f " + id);
  auto init_pid = run("docker inspect -f '{{.State.Pid}}' " + id).output;
  std::string child_pid;
  for (int i = 0; i < 50 && child_pid.empty(); ++i, usleep(100'000))
    child_pid = run("pgrep -P " + init_pid).output;
  ASSERT_FALSE(child_pid.empty());

  TrackerProcess tracker({"--containers", "--output", "json", "--events", "container_create"});
  ASSERT_TRUE(tracker.wait_ready()) << tracker.stderr_text();
  ASSERT_TRUE(command_succeeds(kBusctl + "status org.khulnasoft.Tracker1"));

  // trackerctl pid: both processes are the container's, pid 1 is the host's.
  auto pids = run(trackerctl_binary() + " pid --json " + init_pid + " " + child_pid + " 1");
  ASSERT_EQ(pids.status, 0) << pids.output;
  auto answers = parse(pids.output)["processes"];
  ASSERT_EQ(answers.size(), 3u) << pids.output;
  EXPECT_EQ(answers[0]["id"].asString(), id);
  EXPECT_EQ(answers[0]["name"].asString(), name);
  EXPECT_EQ(answers[1]["id"].asString(), id);
  EXPECT_TRUE(answers[2]["host"].asBool());

  // A pid that does not exist: the documented error, with its own message.
  auto missing = std::to_string(unused_pid());
  auto by_missing =
      run_with_stderr(kBusctl + "call " + kManager + "GetContainerByPID u " + missing);
  EXPECT_NE(by_missing.status, 0);
  EXPECT_NE(by_missing.output.find("No process " + missing), std::string::npos)
      << by_missing.output;
  auto ctl_missing = run_with_stderr(trackerctl_binary() + " pid " + missing);
  EXPECT_EQ(ctl_missing.status, 3) << ctl_missing.output;
  EXPECT_NE(ctl_missing.output.find("No process " + missing), std::string::npos)
      << ctl_missing.output;

  // By cgroup id: the inode of the container's cgroup in the tracked hierarchy.
  struct stat st {};
  ASSERT_EQ(stat((unified_mount() + "/docker/" + id).c_str(), &st), 0);
  auto path = run(kBusctl + "call " + kManager + "GetContainer s " + id).output;
  auto by_cgroup =
      run(kBusctl + "call " + kManager + "GetContainerByCgroupId t " + std::to_string(st.st_ino));
  ASSERT_EQ(by_cgroup.status, 0);
  EXPECT_EQ(by_cgroup.output, path);
  std::string object = path.substr(path.find('"') + 1);
  object.pop_back();

  // The figures, read when read: the limits docker set, and the live counts.
  auto property = [&](const std::string& name) {
    auto got = run(kBusctl + "get-property org.khulnasoft.Tracker1 " + object + " " +
                   kContainerInterface + " " + name);
    EXPECT_EQ(got.status, 0) << name;
    return got.status == 0 ? busctl_number(got.output) : 0;
  };
  EXPECT_EQ(property("TasksCurrent"), 2u);
  EXPECT_EQ(property("TasksMax"), 50u);
  EXPECT_EQ(property("MemoryMax"), 64u << 20);
  auto memory = property("MemoryCurrent");
  EXPECT_GT(memory, 0u);
  EXPECT_NE(memory, UINT64_MAX);
  EXPECT_GE(property("MemoryPeak"), memory);
  auto cpu = property("CPUUsageNSec");
  EXPECT_GT(cpu, 0u);
  EXPECT_NE(cpu, UINT64_MAX);
  // Never cached: one more task shows at once.
  ASSERT_TRUE(command_succeeds("docker exec -d " + id + " sleep 1002"));
  auto until = std::chrono::steady_clock::now() + 5s;
  while (property("TasksCurrent") != 3 && std::chrono::steady_clock::now() < until) usleep(100'000);
  EXPECT_EQ(property("TasksCurrent"), 3u);

  // trackerctl container: the systemctl-status-like view and the JSON.
  auto shown = run(trackerctl_binary() + " container --no-pager " + name);
  ASSERT_EQ(shown.status, 0) << shown.output;
  for (const std::string& expected :
       {std::string("Tasks: 3 (limit: 50)"), std::string("limit: 64.0M)"), std::string("CPU: "),
        std::string("Processes: 3"), "─" + init_pid + " sleep", "─" + child_pid + " sleep"})
    EXPECT_NE(shown.output.find(expected), std::string::npos) << expected << " not in\n"
                                                              << shown.output;
  auto json = parse(run(trackerctl_binary() + " container --json " + name).output);
  std::set<std::string> listed;
  for (const auto& process : json["processes"]) {
    listed.insert(std::to_string(process["pid"].asUInt()));
    EXPECT_EQ(process["comm"].asString(), "sleep");
  }
  EXPECT_TRUE(listed.count(init_pid) && listed.count(child_pid)) << json["processes"];
  EXPECT_EQ(json["tasksMax"].asUInt64(), 50u);

  // trackerctl metrics: the lookup that enriched it.
  auto metrics = run(trackerctl_binary() + " metrics");
  ASSERT_EQ(metrics.status, 0);
  EXPECT_NE(
      metrics.output.find("tracker_runtime_lookups_total{runtime=\"docker\",outcome=\"found\"} "),
      std::string::npos)
      << metrics.output;
  EXPECT_EQ(metrics.output.find(
                "tracker_runtime_lookups_total{runtime=\"docker\",outcome=\"found\"} 0\n"),
            std::string::npos)
      << metrics.output;
}

}  // namespace
}  // namespace tracker::testing
