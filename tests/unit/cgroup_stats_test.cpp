// /proc/PID/cgroup and /proc/PID/stat parsing, and a cgroup's figures and
// processes read from fake cgroupfs trees of each layout (v2, v1, hybrid).
#include "cgroup/cgroup_stats.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>

#include "cgroup/proc_cgroup.h"

namespace tracker {
namespace {

namespace fs = std::filesystem;

// ---- /proc/PID/cgroup ---------------------------------------------------------

const char* kHybridProcCgroup =
    "9:name=systemd:/docker/abc\n"
    "8:pids:/docker/abc\n"
    "4:memory:/docker/abc\n"
    "2:cpu,cpuacct:/docker/abc\n"
    "0::/docker/abc\n";

TEST(ProcCgroup, ParsesEveryLine) {
  auto lines = parse_proc_pid_cgroup(kHybridProcCgroup);
  ASSERT_EQ(lines.size(), 5u);
  EXPECT_EQ(lines[0].hierarchy_id, 9u);
  EXPECT_EQ(lines[0].controllers, std::vector<std::string>{"name=systemd"});
  EXPECT_EQ(lines[3].controllers, (std::vector<std::string>{"cpu", "cpuacct"}));
  EXPECT_EQ(lines[4].hierarchy_id, 0u);
  EXPECT_TRUE(lines[4].controllers.empty());
  EXPECT_EQ(lines[4].path, "/docker/abc");
}

struct HierarchyCase {
  const char* name;
  const char* text;
  std::uint32_t hierarchy_id;
  std::optional<std::string> path;
};

class CgroupPathInHierarchy : public ::testing::TestWithParam<HierarchyCase> {};

TEST_P(CgroupPathInHierarchy, FindsTheLineOfTheHierarchy) {
  EXPECT_EQ(cgroup_path_in_hierarchy(GetParam().text, GetParam().hierarchy_id), GetParam().path);
}

INSTANTIATE_TEST_SUITE_P(
    Cases, CgroupPathInHierarchy,
    ::testing::Values(
        HierarchyCase{"unified_on_v2", "0::/system.slice/docker-abc.scope\n", 0,
                      "/system.slice/docker-abc.scope"},
        HierarchyCase{"unified_on_hybrid", kHybridProcCgroup, 0, "/docker/abc"},
        HierarchyCase{"memory_on_v1", "4:memory:/kubepods/pod1/abc\n1:cpu,cpuacct:/x\n", 4,
                      "/kubepods/pod1/abc"},
        HierarchyCase{"no_unified_on_v1", "4:memory:/a\n", 0, std::nullopt},
        HierarchyCase{"colons_in_the_name", "0::/machine.slice/a:b:c\n", 0, "/machine.slice/a:b:c"},
        HierarchyCase{"no_newline_at_the_end", "0::/host", 0, "/host"},
        HierarchyCase{"garbage_lines_skipped", "junk\nx:y:z\n0::/ok\n", 0, "/ok"},
        HierarchyCase{"empty", "", 0, std::nullopt}),
    [](const auto& info) { return std::string(info.param.name); });

struct DirectoryCase {
  const char* name;
  const char* mount_point;
  const char* mount_root;
  const char* path;
  std::optional<std::string> directory;
};

class CgroupDirectory : public ::testing::TestWithParam<DirectoryCase> {};

TEST_P(CgroupDirectory, JoinsMountAndPath) {
  const auto& c = GetParam();
  EXPECT_EQ(cgroup_directory(c.mount_point, c.mount_root, c.path), c.directory);
}

INSTANTIATE_TEST_SUITE_P(
    Cases, CgroupDirectory,
    ::testing::Values(
        DirectoryCase{"whole_hierarchy", "/sys/fs/cgroup/unified", "/", "/docker/abc",
                      "/sys/fs/cgroup/unified/docker/abc"},
        DirectoryCase{"the_root", "/sys/fs/cgroup", "/", "/", "/sys/fs/cgroup"},
        DirectoryCase{"subtree_mount", "/sys/fs/cgroup", "/kubepods", "/kubepods/pod1/abc",
                      "/sys/fs/cgroup/pod1/abc"},
        DirectoryCase{"subtree_root_itself", "/sys/fs/cgroup", "/kubepods", "/kubepods",
                      "/sys/fs/cgroup"},
        DirectoryCase{"outside_the_subtree", "/sys/fs/cgroup", "/kubepods", "/docker/abc",
                      std::nullopt},
        DirectoryCase{"prefix_is_not_a_parent", "/sys/fs/cgroup", "/kube", "/kubepods/abc",
                      std::nullopt},
        DirectoryCase{"relative_path", "/sys/fs/cgroup", "/", "docker/abc", std::nullopt},
        DirectoryCase{"trailing_slashes", "/mnt/cg/", "/", "/docker/", "/mnt/cg/docker"}),
    [](const auto& info) { return std::string(info.param.name); });

TEST(ProcCgroup, ParentsWalkUpToTheRoot) {
  EXPECT_EQ(parent_cgroup("/a/b/c"), "/a/b");
  EXPECT_EQ(parent_cgroup("/a"), "/");
  EXPECT_EQ(parent_cgroup("/"), std::nullopt);
  EXPECT_EQ(parent_cgroup("relative"), std::nullopt);
}

TEST(ProcStat, ReadsPidParentAndName) {
  auto stat = parse_proc_stat("1234 (sleep) S 1200 1234 1234 0 -1 4194560 100 0");
  ASSERT_TRUE(stat);
  EXPECT_EQ(stat->pid, 1234u);
  EXPECT_EQ(stat->ppid, 1200u);
  EXPECT_EQ(stat->comm, "sleep");
}

TEST(ProcStat, NameMayHoldSpacesAndParentheses) {
  auto stat = parse_proc_stat("77 (a) (b) c) R 1 77 77 0");
  ASSERT_TRUE(stat);
  EXPECT_EQ(stat->comm, "a) (b) c");
  EXPECT_EQ(stat->ppid, 1u);
}

TEST(ProcStat, RefusesWhatIsNotAStatLine) {
  EXPECT_FALSE(parse_proc_stat(""));
  EXPECT_FALSE(parse_proc_stat("12 sleep S 1"));
  EXPECT_FALSE(parse_proc_stat("x (sleep) S 1"));
  EXPECT_FALSE(parse_proc_stat("12 (sleep)"));
}

// ---- fake cgroupfs trees --------------------------------------------------------

class FakeTree : public ::testing::Test {
 protected:
  void SetUp() override {
    char pattern[] = "/tmp/tracker-cgroup-stats-XXXXXX";
    root_ = mkdtemp(pattern);
  }
  void TearDown() override { fs::remove_all(root_); }

  // `file` with `text` under `relative`, making the directories.
  void put(const std::string& relative, const std::string& file, const std::string& text) {
    fs::create_directories(root_ / relative);
    std::ofstream(root_ / relative / file) << text;
  }
  std::string at(const std::string& relative) const { return (root_ / relative).string(); }
  CgroupMount v2(const std::string& relative) const { return {at(relative), "/", true, {}}; }
  CgroupMount v1(const std::string& relative, std::vector<std::string> controllers) const {
    return {at(relative), "/", false, std::move(controllers)};
  }

  fs::path root_;
};

TEST_F(FakeTree, UnifiedOnly) {
  const std::string c = "cg/docker/abc";
  put(c, "pids.current", "3\n");
  put(c, "pids.max", "100\n");
  put(c, "memory.current", "1048576\n");
  put(c, "memory.peak", "2097152\n");
  put(c, "memory.max", "max\n");
  put(c, "cpu.stat", "usage_usec 1500\nuser_usec 1000\nsystem_usec 500\n");
  auto dirs = locate_cgroup({v2("cg")}, "/docker/abc");
  EXPECT_EQ(dirs.unified, at(c));
  EXPECT_TRUE(dirs.v1.empty());
  auto f = read_cgroup_figures(dirs);
  EXPECT_EQ(f.tasks_current, 3u);
  EXPECT_EQ(f.tasks_max, 100u);
  EXPECT_EQ(f.memory_current, 1048576u);
  EXPECT_EQ(f.memory_peak, 2097152u);
  EXPECT_EQ(f.memory_max, std::nullopt);  // "max": no limit
  EXPECT_EQ(f.cpu_usage_nsec, 1'500'000u);
}

TEST_F(FakeTree, V1Controllers) {
  const std::string path = "kubepods/pod1/abc";
  put("memory/" + path, "memory.usage_in_bytes", "4096\n");
  put("memory/" + path, "memory.max_usage_in_bytes", "8192\n");
  put("memory/" + path, "memory.limit_in_bytes", "536870912\n");
  put("pids/" + path, "pids.current", "2\n");
  put("pids/" + path, "pids.max", "max\n");
  put("cpu,cpuacct/" + path, "cpuacct.usage", "123456789\n");
  auto dirs = locate_cgroup(
      {v1("memory", {"memory"}), v1("pids", {"pids"}), v1("cpu,cpuacct", {"cpu", "cpuacct"})},
      "/" + path);
  EXPECT_TRUE(dirs.unified.empty());
  EXPECT_EQ(dirs.v1.at("memory"), at("memory/" + path));
  EXPECT_EQ(dirs.v1.at("cpuacct"), at("cpu,cpuacct/" + path));
  auto f = read_cgroup_figures(dirs);
  EXPECT_EQ(f.tasks_current, 2u);
  EXPECT_EQ(f.tasks_max, std::nullopt);
  EXPECT_EQ(f.memory_current, 4096u);
  EXPECT_EQ(f.memory_peak, 8192u);
  EXPECT_EQ(f.memory_max, 536870912u);
  EXPECT_EQ(f.cpu_usage_nsec, 123456789u);
}

// This machine's layout: every controller on v1, cgroup2 at unified with
// only the core files (cpu.stat, cgroup.threads).
TEST_F(FakeTree, Hybrid) {
  const std::string path = "docker/abc";
  put("unified/" + path, "cpu.stat", "usage_usec 42\n");
  put("unified/" + path, "cgroup.threads", "10\n11\n");
  put("memory/" + path, "memory.usage_in_bytes", "4096\n");
  put("memory/" + path, "memory.max_usage_in_bytes", "8192\n");
  put("memory/" + path, "memory.limit_in_bytes", "9223372036854771712\n");  // no limit
  put("pids/" + path, "pids.current", "2\n");
  put("pids/" + path, "pids.max", "64\n");
  put("cpuacct/" + path, "cpuacct.usage", "999\n");
  auto dirs = locate_cgroup(
      {v1("memory", {"memory"}), v1("pids", {"pids"}), v1("cpuacct", {"cpuacct"}), v2("unified")},
      "/" + path);
  EXPECT_EQ(dirs.unified, at("unified/" + path));
  auto f = read_cgroup_figures(dirs);
  EXPECT_EQ(f.tasks_current, 2u);  // pids.current beats counting threads
  EXPECT_EQ(f.tasks_max, 64u);
  EXPECT_EQ(f.memory_current, 4096u);
  EXPECT_EQ(f.memory_max, std::nullopt);
  EXPECT_EQ(f.cpu_usage_nsec, 42'000u);  // the unified hierarchy's own accounting
}

TEST_F(FakeTree, TasksWithoutAPidsControllerAreTheThreadsOfTheSubtree) {
  put("unified/docker/abc", "cgroup.threads", "10\n11\n");
  put("unified/docker/abc/sub", "cgroup.threads", "12\n");
  auto f = read_cgroup_figures(locate_cgroup({v2("unified")}, "/docker/abc"));
  EXPECT_EQ(f.tasks_current, 3u);
  EXPECT_EQ(f.tasks_max, std::nullopt);
  EXPECT_EQ(f.memory_current, std::nullopt);
}

TEST_F(FakeTree, AMemberProcessSaysWhereEachHierarchyPutTheCgroup) {
  put("unified/system.slice/docker-abc.scope", "cpu.stat", "usage_usec 1\n");
  put("memory/docker/abc", "memory.usage_in_bytes", "77\n");
  auto dirs =
      locate_cgroup({v2("unified"), v1("memory", {"memory"})}, "/system.slice/docker-abc.scope",
                    "4:memory:/docker/abc\n0::/system.slice/docker-abc.scope\n");
  EXPECT_EQ(dirs.v1.at("memory"), at("memory/docker/abc"));
  EXPECT_EQ(read_cgroup_figures(dirs).memory_current, 77u);
}

TEST_F(FakeTree, NothingKnownOfAMissingCgroup) {
  auto f = read_cgroup_figures(locate_cgroup({v2("unified")}, "/docker/gone"));
  EXPECT_EQ(f.tasks_current, std::nullopt);
  EXPECT_EQ(f.memory_current, std::nullopt);
  EXPECT_EQ(f.cpu_usage_nsec, std::nullopt);
}

TEST_F(FakeTree, ProcessesOfTheCgroupAndBelow) {
  put("unified/docker/abc", "cgroup.procs", "300\n100\n");
  put("unified/docker/abc/sub", "cgroup.procs", "200\n");
  put("proc/100", "stat", "100 (init) S 90 100 100 0\n");
  put("proc/200", "stat", "200 (worker one) S 100 100 100 0\n");
  // 300 ended before its stat was read.
  auto processes = read_cgroup_processes(at("unified/docker/abc"), at("proc"));
  ASSERT_EQ(processes.size(), 2u);
  EXPECT_EQ(processes[0].pid, 100u);
  EXPECT_EQ(processes[0].ppid, 90u);
  EXPECT_EQ(processes[0].comm, "init");
  EXPECT_EQ(processes[1].pid, 200u);
  EXPECT_EQ(processes[1].ppid, 100u);
  EXPECT_EQ(processes[1].comm, "worker one");
  EXPECT_EQ(first_cgroup_process(at("unified/docker/abc")), 300u);
  EXPECT_EQ(first_cgroup_process(at("unified/docker/none")), std::nullopt);
}

TEST_F(FakeTree, ProcessListIsCapped) {
  put("unified/x", "cgroup.procs", "1\n2\n3\n");
  for (int pid : {1, 2, 3})
    put("proc/" + std::to_string(pid), "stat", std::to_string(pid) + " (p) S 0 0 0 0\n");
  EXPECT_EQ(read_cgroup_processes(at("unified/x"), at("proc"), 2).size(), 2u);
}

}  // namespace
}  // namespace tracker
