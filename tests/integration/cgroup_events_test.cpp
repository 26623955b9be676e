// Synthetic container cgroups: directories shaped like each runtime's, made
// under the tracked hierarchy, must come out as container_create/remove.
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>

#include "harness.h"

namespace tracker::testing {
namespace {

struct Layout {
  std::string name;
  std::string parents;  // made first; none of them is a container
  std::string leaf;     // {id} is replaced by a fresh id
  std::string runtime;
};

void PrintTo(const Layout& layout, std::ostream* os) {
  *os << layout.name;
}

std::string with_id(std::string text, const std::string& id) {
  auto at = text.find("{id}");
  if (at != std::string::npos) text.replace(at, 4, id);
  return text;
}

class CgroupLayoutTest : public ::testing::TestWithParam<Layout> {
 protected:
  static void SetUpTestSuite() {
    if (geteuid() != 0) return;
    tracker_ = new TrackerProcess({"--output", "json", "--scope", "container", "--events",
                                   "container_create,container_remove"});
    ready_ = tracker_->wait_ready();
  }
  static void TearDownTestSuite() {
    delete tracker_;
    tracker_ = nullptr;
  }
  static TrackerProcess* tracker_;
  static bool ready_;
};
TrackerProcess* CgroupLayoutTest::tracker_ = nullptr;
bool CgroupLayoutTest::ready_ = false;

TEST_P(CgroupLayoutTest, CreateAndRemoveAreReportedWithRuntimeAndFullId) {
  REQUIRE_PREREQUISITE(geteuid() == 0, "root");
  ASSERT_TRUE(ready_) << tracker_->stderr_text();
  const Layout& layout = GetParam();
  std::string id = random_hex_id();
  SyntheticCgroup cgroup(unified_mount(), layout.parents, with_id(layout.leaf, id));
  ASSERT_TRUE(cgroup.exists()) << cgroup.path();

  auto created = tracker_->wait_for(is_event("container_create", id), 5s);
  ASSERT_TRUE(created) << "no container_create for " << cgroup.path();
  EXPECT_EQ(arg(*created, "runtime"), layout.runtime);
  EXPECT_EQ(arg(*created, "container_id"), id);
  EXPECT_EQ((*created)["container"]["id"].asString(), id);

  cgroup.remove();
  auto removed = tracker_->wait_for(is_event("container_remove", id), 5s);
  ASSERT_TRUE(removed) << "no container_remove for " << cgroup.path();
  EXPECT_EQ(arg(*removed, "runtime"), layout.runtime);
  EXPECT_EQ(tracker_->matching(is_event("container_create", id)).size(), 1u);
  EXPECT_TRUE(tracker_->bad_lines().empty());
}

INSTANTIATE_TEST_SUITE_P(
    Runtimes, CgroupLayoutTest,
    ::testing::Values(Layout{"docker_cgroupfs", "/docker", "{id}", "docker"},
                      Layout{"docker_systemd", "/system.slice", "docker-{id}.scope", "docker"},
                      Layout{"podman_cgroupfs", "/libpod_parent", "libpod-{id}", "podman"},
                      Layout{"podman_rootless",
                             "/user.slice/user-1000.slice/user@1000.service/user.slice",
                             "libpod-{id}.scope", "podman"},
                      Layout{"containerd_namespace", "/tracker-test", "{id}", "containerd"},
                      Layout{"cri_containerd_systemd",
                             "/kubepods.slice/kubepods-besteffort.slice/"
                             "kubepods-besteffort-pod0f6a3a2e_1111_4a6f_9d55_2b2a8d7c9e01.slice",
                             "cri-containerd-{id}.scope", "containerd"},
                      Layout{"crio_systemd",
                             "/kubepods.slice/kubepods-burstable.slice/"
                             "kubepods-burstable-pod7d1d8b52_2222_4c1e_8f0e_0e6a1c9b3f02.slice",
                             "crio-{id}.scope", "crio"},
                      Layout{"kubepods_cgroupfs",
                             "/kubepods/besteffort/pod3c8e1f6a-3333-4d2b-9a7e-5f4b2c1d0e03", "{id}",
                             "unknown"},
                      Layout{"nerdctl", "/system.slice", "nerdctl-{id}.scope", "containerd"},
                      Layout{"docker_in_docker", "/docker/" + std::string(64, 'e') + "/docker",
                             "{id}", "docker"}),
    [](const ::testing::TestParamInfo<Layout>& info) { return info.param.name; });

TEST(CgroupEvents, NonContainerCgroupsAreNotReported) {
  REQUIRE_PREREQUISITE(geteuid() == 0, "root");
  TrackerProcess tracker({"--output", "json", "--events", "container_create,container_remove"});
  ASSERT_TRUE(tracker.wait_ready()) << tracker.stderr_text();
  {
    SyntheticCgroup slice(unified_mount(), "/tracker-test.slice", "not-a-container.scope");
    SyntheticCgroup conmon(unified_mount(), "/libpod_parent", "libpod-conmon-" + random_hex_id());
    tracker.collect_for(1s);
  }
  tracker.collect_for(500ms);
  EXPECT_TRUE(tracker.events().empty()) << tracker.events().front().toStyledString();
}

TEST(CgroupEvents, ExistingContainersAreReportedOnceAndExcludedByContainerNew) {
  REQUIRE_PREREQUISITE(geteuid() == 0, "root");
  std::string id = random_hex_id();
  SyntheticCgroup cgroup(unified_mount(), "/docker", id);
  {
    TrackerProcess tracker({"--output", "json", "--scope", "container"});
    ASSERT_TRUE(tracker.wait_ready()) << tracker.stderr_text();
    auto existing = tracker.wait_for(is_event("existing_container", id), 3s);
    ASSERT_TRUE(existing);
    EXPECT_EQ(arg(*existing, "runtime"), "docker");
    EXPECT_NE(arg(*existing, "ctime"), "0");
    tracker.collect_for(300ms);
    EXPECT_EQ(tracker.matching(is_event("existing_container", id)).size(), 1u);
    EXPECT_TRUE(tracker.matching(is_event("container_create", id)).empty());
  }
  {
    TrackerProcess tracker({"--output", "json", "--scope", "container=new"});
    ASSERT_TRUE(tracker.wait_ready()) << tracker.stderr_text();
    // A process of the existing container is out of scope too.
    ASSERT_TRUE(command_succeeds("sh -c 'echo $$ > " + cgroup.path().string() +
                                 "/cgroup.procs; exec /bin/true'"));
    cgroup.remove();
    tracker.collect_for(1s);
    EXPECT_TRUE(tracker.matching(is_event("existing_container", id)).empty());
    EXPECT_TRUE(tracker.matching(is_event("container_remove", id)).empty());
    EXPECT_TRUE(tracker.matching(is_event("sched_process_exec", id)).empty());
  }
}

// The process events of a container carry its id; not-container excludes them.
TEST(CgroupEvents, ProcessEventsFollowTheScope) {
  REQUIRE_PREREQUISITE(geteuid() == 0, "root");
  REQUIRE_PREREQUISITE(command_succeeds("command -v unshare"), "unshare (util-linux)");
  TrackerProcess inside({"--output", "json", "--scope", "container=started"});
  TrackerProcess outside({"--output", "json", "--scope", "not-container"});
  ASSERT_TRUE(inside.wait_ready()) << inside.stderr_text();
  ASSERT_TRUE(outside.wait_ready()) << outside.stderr_text();
  std::string id = random_hex_id();
  SyntheticCgroup cgroup(unified_mount(), "/docker", id);
  std::string procs = cgroup.path().string() + "/cgroup.procs";
  // Not started yet: the exec happens in the host's mount namespace.
  ASSERT_TRUE(command_succeeds("sh -c 'echo $$ > " + procs + "; exec /bin/echo before-start'"));
  // The first exec in a new mount namespace starts the container.
  ASSERT_TRUE(command_succeeds("sh -c 'echo $$ > " + procs +
                               "; exec unshare --mount /bin/echo tracker-started'"));
  ASSERT_TRUE(command_succeeds("sh -c 'echo $$ > " + procs + "; exec /bin/echo after-start'"));

  auto argv_has = [](const Json::Value& event, const std::string& word) {
    for (auto& a : event["args"])
      if (a["name"].asString() == "argv")
        for (auto& v : a["value"])
          if (v.asString() == word) return true;
    return false;
  };
  auto started = inside.wait_for(
      [&](const Json::Value& e) {
        return is_event("sched_process_exec", id)(e) && argv_has(e, "after-start");
      },
      5s);
  ASSERT_TRUE(started) << inside.stderr_text();
  EXPECT_EQ((*started)["container"]["id"].asString(), id);
  EXPECT_TRUE(
      inside.wait_for([&](const Json::Value& e) { return argv_has(e, "tracker-started"); }, 2s));
  EXPECT_TRUE(
      inside.matching([&](const Json::Value& e) { return argv_has(e, "before-start"); }).empty());

  outside.collect_for(1s);
  EXPECT_TRUE(
      outside.matching([&](const Json::Value& e) { return e["containerId"].asString() == id; })
          .empty());
  EXPECT_FALSE(outside.matching(is_event("sched_process_exec")).empty());
}

// The same through raw_tp programs, and with a v1 controller hierarchy tracked.
struct Variant {
  std::string name;
  std::vector<std::string> flags;
  std::string mount;
};

void PrintTo(const Variant& variant, std::ostream* os) {
  *os << variant.name;
}

class TrackingVariantTest : public ::testing::TestWithParam<Variant> {};

TEST_P(TrackingVariantTest, ContainerLifecycleIsSeen) {
  REQUIRE_PREREQUISITE(geteuid() == 0, "root");
  const Variant& variant = GetParam();
  REQUIRE_PREREQUISITE(access((variant.mount + "/cgroup.procs").c_str(), F_OK) == 0,
                       variant.mount + " mounted");
  std::vector<std::string> args = {"--output", "json", "--scope", "container"};
  args.insert(args.end(), variant.flags.begin(), variant.flags.end());
  TrackerProcess tracker(args);
  ASSERT_TRUE(tracker.wait_ready()) << tracker.stderr_text();
  std::string id = random_hex_id();
  {
    SyntheticCgroup cgroup(variant.mount, "/docker", id);
    ASSERT_TRUE(tracker.wait_for(is_event("container_create", id), 5s)) << tracker.stderr_text();
    ASSERT_TRUE(command_succeeds("sh -c 'echo $$ > " + cgroup.path().string() +
                                 "/cgroup.procs; exec /bin/true'"));
    ASSERT_TRUE(tracker.wait_for(is_event("sched_process_exec", id), 5s));
  }
  EXPECT_TRUE(tracker.wait_for(is_event("container_remove", id), 5s));
}

INSTANTIATE_TEST_SUITE_P(
    Kernel, TrackingVariantTest,
    ::testing::Values(
        Variant{"raw_tracepoints", {"--raw-tracepoints"}, unified_mount()},
        Variant{"v1_memory_hierarchy", {"--cgroup-hierarchy", "memory"}, "/sys/fs/cgroup/memory"}),
    [](const ::testing::TestParamInfo<Variant>& info) { return info.param.name; });

}  // namespace
}  // namespace tracker::testing

namespace tracker::testing {
namespace {

// A one-page ring buffer and an exec storm force losses; after each storm the
// containers made or removed meanwhile are still reported once each.
TEST(CgroupEvents, LostEventsAreReconciledWithCgroupfs) {
  REQUIRE_PREREQUISITE(geteuid() == 0, "root");
  TrackerProcess tracker({"--output", "json", "--buffer-size", "4"});
  ASSERT_TRUE(tracker.wait_ready()) << tracker.stderr_text();
  const std::string storm =
      "for j in 1 2; do (i=0; while [ $i -lt 3000 ]; do /bin/true; i=$((i+1)); done) & done; wait";

  std::vector<std::unique_ptr<SyntheticCgroup>> cgroups;
  std::vector<std::string> ids;
  {
    FILE* load = popen(storm.c_str(), "r");
    for (int i = 0; i < 30; ++i) {
      ids.push_back(random_hex_id());
      cgroups.push_back(std::make_unique<SyntheticCgroup>(unified_mount(), "/docker", ids.back()));
      usleep(20'000);
    }
    pclose(load);
  }
  tracker.collect_for(3s);
  ASSERT_NE(tracker.stderr_text().find("events lost"), std::string::npos)
      << "the storm did not overflow the ring buffer";
  for (auto& id : ids)
    EXPECT_EQ(tracker.matching(is_event("container_create", id)).size(), 1u) << id;

  {
    FILE* load = popen(storm.c_str(), "r");
    for (int i = 0; i < 15; ++i) {
      cgroups[i]->remove();
      usleep(20'000);
    }
    pclose(load);
  }
  tracker.collect_for(3s);
  for (int i = 0; i < 30; ++i)
    EXPECT_EQ(tracker.matching(is_event("container_remove", ids[i])).size(), i < 15 ? 1u : 0u)
        << ids[i];
  EXPECT_TRUE(tracker.bad_lines().empty());
}

}  // namespace
}  // namespace tracker::testing
