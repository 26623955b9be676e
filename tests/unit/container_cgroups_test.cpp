// Which container a pid runs in, and a container's figures and processes,
// over a fake cgroupfs tree and a fake /proc.
#include "agent/container_cgroups.h"

#include <gtest/gtest.h>
#include <stdlib.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>

namespace tracker {
namespace {

namespace fs = std::filesystem;

const std::string kId = "3cfaa5502403c9a029e90998854937971a5a318ac0045b1285dcd2fc016af5dd";
using Status = ContainerCgroups::PidResult::Status;

class ContainerCgroupsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char pattern[] = "/tmp/tracker-container-cgroups-XXXXXX";
    root_ = mkdtemp(pattern);
  }
  void TearDown() override { fs::remove_all(root_); }

  std::string at(const std::string& relative) const { return (root_ / relative).string(); }
  void put(const std::string& relative, const std::string& file, const std::string& text) {
    fs::create_directories(root_ / relative);
    std::ofstream(root_ / relative / file) << text;
  }
  std::uint64_t inode(const std::string& relative) {
    fs::create_directories(root_ / relative);
    struct stat st {};
    EXPECT_EQ(stat(at(relative).c_str(), &st), 0);
    return st.st_ino;
  }
  // A container registered as the walker would: the cgroup id is the inode.
  std::shared_ptr<ContainerRecord> add(const std::string& mount, const std::string& path) {
    auto added = registry_.add_cgroup(inode(mount + path), path, ContainerOrigin::existing, 0);
    return added.container;
  }
  void process(std::uint32_t pid, const std::string& cgroup, std::uint32_t ppid = 1,
               const std::string& comm = "sh") {
    put("proc/" + std::to_string(pid), "cgroup", cgroup);
    put("proc/" + std::to_string(pid), "stat",
        std::to_string(pid) + " (" + comm + ") S " + std::to_string(ppid) + " 0 0 0\n");
  }
  ContainerCgroups hybrid() {
    TrackedHierarchy tracked{CgroupLayout::hybrid, at("unified"), 0, V1Controller::none, "/"};
    return ContainerCgroups(
        registry_, tracked,
        {{at("memory"), "/", false, {"memory"}}, {at("unified"), "/", true, {}}}, at("proc"));
  }

  fs::path root_;
  Registry registry_;
};

TEST_F(ContainerCgroupsTest, APidInTheContainersCgroup) {
  auto container = add("unified", "/docker/" + kId);
  ASSERT_TRUE(container);
  process(100, "4:memory:/docker/" + kId + "\n0::/docker/" + kId + "\n");
  auto found = hybrid().container_of_pid(100);
  EXPECT_EQ(found.status, Status::container);
  EXPECT_EQ(found.container, container);
}

TEST_F(ContainerCgroupsTest, APidInASubCgroupTrackerNeverSaw) {
  auto container = add("unified", "/docker/" + kId);
  inode("unified/docker/" + kId + "/app/worker");  // made, never registered
  process(101, "0::/docker/" + kId + "/app/worker\n");
  auto found = hybrid().container_of_pid(101);
  EXPECT_EQ(found.status, Status::container);
  EXPECT_EQ(found.container, container);
}

TEST_F(ContainerCgroupsTest, APidOnTheHost) {
  add("unified", "/docker/" + kId);
  inode("unified/user.slice");
  process(1, "0::/user.slice\n");
  process(2, "0::/\n");
  EXPECT_EQ(hybrid().container_of_pid(1).status, Status::host);
  EXPECT_EQ(hybrid().container_of_pid(2).status, Status::host);
}

TEST_F(ContainerCgroupsTest, APidThatDoesNotExist) {
  EXPECT_EQ(hybrid().container_of_pid(4242).status, Status::no_process);
}

TEST_F(ContainerCgroupsTest, APidOnAV1TrackedHierarchy) {
  auto container =
      add("memory", "/kubepods/besteffort/pod21471a9b-8ad8-4156-90c4-098b6b9130c4/" + kId);
  process(102, "4:memory:/kubepods/besteffort/pod21471a9b-8ad8-4156-90c4-098b6b9130c4/" + kId +
                   "\n1:cpu:/\n");
  TrackedHierarchy tracked{CgroupLayout::v1, at("memory"), 4, V1Controller::memory, "/"};
  ContainerCgroups cgroups(registry_, tracked, {{at("memory"), "/", false, {"memory"}}},
                           at("proc"));
  auto found = cgroups.container_of_pid(102);
  EXPECT_EQ(found.status, Status::container);
  EXPECT_EQ(found.container, container);
}

TEST_F(ContainerCgroupsTest, FiguresAndProcessesOfAContainer) {
  const std::string path = "/docker/" + kId;
  auto container = add("unified", path);
  put("unified" + path, "cgroup.procs", "100\n");
  put("unified" + path + "/sub", "cgroup.procs", "101\n");
  put("unified" + path, "cpu.stat", "usage_usec 5\n");
  put("memory" + path, "memory.usage_in_bytes", "4096\n");
  process(100, "4:memory:" + path + "\n0::" + path + "\n", 50, "init");
  process(101, "4:memory:" + path + "\n0::" + path + "/sub\n", 100, "worker");
  auto cgroups = hybrid();
  auto figures = cgroups.figures(*container);
  EXPECT_EQ(figures.memory_current, 4096u);
  EXPECT_EQ(figures.cpu_usage_nsec, 5000u);
  auto processes = cgroups.processes(*container);
  ASSERT_EQ(processes.size(), 2u);
  EXPECT_EQ(processes[0].comm, "init");
  EXPECT_EQ(processes[1].ppid, 100u);
}

}  // namespace
}  // namespace tracker
