// Container identity that cannot be borrowed (issue 12), on the real kernel:
// a cgroup in a user's delegated subtree that names a running container's id
// is not that container, and a cgroup path that is not UTF-8 breaks neither
// the D-Bus API nor trackerctl.
#include <unistd.h>

#include <filesystem>
#include <functional>
#include <memory>
#include <sstream>

#include "harness.h"

namespace tracker::testing {
namespace {

namespace fs = std::filesystem;

// Where systemd puts user 1000's manager: the subtree it delegates to that user.
const std::string kUserManager = "/user.slice/user-1000.slice/user@1000.service";
const std::string kReplacement = "\xef\xbf\xbd";  // U+FFFD

bool argv_has(const Json::Value& event, const std::string& word) {
  for (const auto& a : event["args"])
    if (a["name"].asString() == "argv")
      for (const auto& v : a["value"])
        if (v.asString() == word) return true;
  return false;
}

std::function<bool(const Json::Value&)> exec_of(const std::string& word) {
  return [word](const Json::Value& e) {
    return e["eventName"].asString() == "sched_process_exec" && argv_has(e, word);
  };
}

// Moves a shell into the cgroup at `directory`, then execs `command` there.
bool exec_in(const fs::path& directory, const std::string& command) {
  return command_succeeds("sh -c 'echo $$ > " + directory.string() + "/cgroup.procs; exec " +
                          command + "'");
}

// A process that sleeps in the cgroup at `directory` until the object goes.
class ProcessIn {
 public:
  explicit ProcessIn(const fs::path& directory) : procs_(directory / "cgroup.procs") {
    pid_ =
        run("sh -c 'echo $$ > " + procs_.string() +
            "; exec sleep 600' >/dev/null 2>&1 & pid=$!; for i in $(seq 100); do grep -qx $pid " +
            procs_.string() + " && break; sleep 0.05; done; echo $pid")
            .output;
  }
  ~ProcessIn() {
    if (pid_.empty()) return;
    // Gone from cgroup.procs before the cgroup is removed.
    run("kill -9 " + pid_ + "; for i in $(seq 100); do [ -s " + procs_.string() +
        " ] || break; sleep 0.05; done");
  }
  bool running() const {
    return !pid_.empty() && command_succeeds("grep -qx " + pid_ + " " + procs_.string());
  }

 private:
  fs::path procs_;
  std::string pid_;
};

// When the look-alike appears: after tracker knows the container (a mkdir event), or
// before tracker starts (the start-up walk meets both, in an order of the kernel's choosing).
enum class LookalikeMade { after_start, before_start };

class LookalikeTest : public ::testing::TestWithParam<LookalikeMade> {
 protected:
  void SetUp() override { REQUIRE_PREREQUISITE(geteuid() == 0, "root"); }
};

TEST_P(LookalikeTest, ExecInALookalikeIsNotTheContainers) {
  std::string id = random_hex_id();
  std::string real_path = "/docker/" + id;
  std::string lookalike_path = kUserManager + "/docker-" + id + ".scope";
  SyntheticCgroup real(unified_mount(), "/docker", id);
  ASSERT_TRUE(real.exists());
  ProcessIn running(real.path());
  ASSERT_TRUE(running.running()) << "no process in " << real.path();

  std::unique_ptr<SyntheticCgroup> lookalike;
  auto make_lookalike = [&] {
    lookalike =
        std::make_unique<SyntheticCgroup>(unified_mount(), kUserManager, "docker-" + id + ".scope");
  };
  if (GetParam() == LookalikeMade::before_start) make_lookalike();
  TrackerProcess scoped({"--output", "json", "--scope", "container=" + id.substr(0, 12), "--events",
                         "sched_process_exec"});
  TrackerProcess all({"--output", "json", "--events",
                      "sched_process_exec,container_create,container_remove,existing_container"});
  ASSERT_TRUE(scoped.wait_ready()) << scoped.stderr_text();
  ASSERT_TRUE(all.wait_ready()) << all.stderr_text();
  if (GetParam() == LookalikeMade::after_start) make_lookalike();
  ASSERT_TRUE(lookalike->exists()) << lookalike->path();

  std::string marker = "tracker-lookalike-" + random_hex_id(8);
  std::string sentinel = "tracker-real-" + random_hex_id(8);
  ASSERT_TRUE(exec_in(lookalike->path(), "/bin/echo " + marker));
  ASSERT_TRUE(exec_in(real.path(), "/bin/echo " + sentinel));  // after the look-alike's exec

  // Everything before the sentinel has been read once it is out.
  auto in_container = all.wait_for(exec_of(sentinel), 5s);
  ASSERT_TRUE(in_container) << all.stderr_text();
  EXPECT_EQ((*in_container)["containerId"].asString(), id);
  auto borrowed = all.matching(exec_of(marker));
  ASSERT_EQ(borrowed.size(), 1u) << all.stderr_text();
  EXPECT_EQ(borrowed.front()["containerId"].asString(), "") << borrowed.front().toStyledString();
  EXPECT_EQ(borrowed.front()["container"]["id"].asString(), "");

  ASSERT_TRUE(scoped.wait_for(exec_of(sentinel), 5s)) << scoped.stderr_text();
  EXPECT_TRUE(scoped.matching(exec_of(marker)).empty())
      << "--scope container=<id> let the look-alike's exec through";

  // One container with that id, announced once; the warning names both cgroups.
  all.collect_for(200ms);
  auto announced = all.matching(is_event("existing_container", id)).size() +
                   all.matching(is_event("container_create", id)).size();
  auto removed = all.matching(is_event("container_remove", id)).size();
  EXPECT_EQ(announced - removed, 1u);
  auto log = all.stderr_text();
  EXPECT_NE(log.find("look-alike"), std::string::npos) << log;
  EXPECT_NE(log.find(real_path), std::string::npos) << log;
  EXPECT_NE(log.find(lookalike_path), std::string::npos) << log;
  EXPECT_TRUE(all.bad_lines().empty());
}

INSTANTIATE_TEST_SUITE_P(Order, LookalikeTest,
                         ::testing::Values(LookalikeMade::after_start, LookalikeMade::before_start),
                         [](const ::testing::TestParamInfo<LookalikeMade>& info) {
                           return info.param == LookalikeMade::after_start
                                      ? std::string("MadeAfterStart")
                                      : std::string("MadeBeforeStart");
                         });

// ---- a cgroup path that is not UTF-8, served on the system bus ---------------

const std::string kBusctl = "busctl --system ";

class NonUtf8PathTest : public ::testing::Test {
 protected:
  void SetUp() override {
    REQUIRE_PREREQUISITE(geteuid() == 0, "root");
    REQUIRE_PREREQUISITE(system_bus_answers(), "the system bus (tests/fixtures/runtimes.sh start)");
    REQUIRE_PREREQUISITE(fs::exists(source_file("dbus/org.khulnasoft.Tracker1.conf")),
                         "the bus policy (TRACKER_SOURCE_ROOT)");
    REQUIRE_PREREQUISITE(command_succeeds(trackerctl_binary() + " --help"), "trackerctl");
    policy_ = std::make_unique<InstalledBusPolicy>();
  }
  void TearDown() override { policy_.reset(); }

  std::unique_ptr<InstalledBusPolicy> policy_;
};

Json::Value parse(const std::string& text) {
  Json::Value value;
  Json::CharReaderBuilder builder;
  std::string errors;
  std::istringstream in(text);
  if (!Json::parseFromStream(builder, in, &value, &errors)) ADD_FAILURE() << errors << "\n" << text;
  return value;
}

// Bytes 0xff 0xfe in a directory above a Docker-form cgroup: one container found by the
// start-up walk, one by its mkdir event.
TEST_F(NonUtf8PathTest, ContainerIsServedWithItsPathAsUtf8) {
  const std::string parent = "/tracker-test-\xff\xfe";
  const std::string shown_parent = "/tracker-test-" + kReplacement + kReplacement;
  std::string existing_id = random_hex_id();
  std::string created_id = random_hex_id();
  SyntheticCgroup before(unified_mount(), parent, "docker-" + existing_id + ".scope");
  ASSERT_TRUE(before.exists()) << before.path();

  TrackerProcess tracker(
      {"--output", "json", "--events", "existing_container,container_create,container_remove"});
  ASSERT_TRUE(tracker.wait_ready()) << tracker.stderr_text();
  ASSERT_TRUE(command_succeeds(kBusctl + "status org.khulnasoft.Tracker1"))
      << tracker.stderr_text();
  SyntheticCgroup after(unified_mount(), parent, "docker-" + created_id + ".scope");
  ASSERT_TRUE(after.exists()) << after.path();
  ASSERT_TRUE(tracker.wait_for(is_event("existing_container", existing_id), 5s));
  ASSERT_TRUE(tracker.wait_for(is_event("container_create", created_id), 5s));

  auto objects =
      run_with_stderr(kBusctl +
                      "call org.khulnasoft.Tracker1 /org/khulnasoft/Tracker1 "
                      "org.freedesktop.DBus.ObjectManager GetManagedObjects --json=short");
  ASSERT_EQ(objects.status, 0) << objects.output;
  for (const auto& id : {existing_id, created_id}) {
    EXPECT_NE(objects.output.find(id), std::string::npos) << id << " not in GetManagedObjects";

    auto json = run_with_stderr(trackerctl_binary() + " container " + id + " --json --no-pager");
    ASSERT_EQ(json.status, 0) << json.output;
    auto container = parse(json.output);
    EXPECT_EQ(container["id"].asString(), id);
    EXPECT_EQ(container["runtime"].asString(), "docker");
    EXPECT_EQ(container["cgroupPath"].asString(), shown_parent + "/docker-" + id + ".scope");

    auto table = run_with_stderr(trackerctl_binary() + " container " + id + " --no-pager");
    EXPECT_EQ(table.status, 0) << table.output;
    EXPECT_NE(table.output.find(shown_parent + "/docker-" + id + ".scope"), std::string::npos)
        << table.output;
  }
  EXPECT_TRUE(tracker.bad_lines().empty());
}

}  // namespace
}  // namespace tracker::testing
