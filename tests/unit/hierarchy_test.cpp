#include "cgroup/hierarchy.h"

#include <gtest/gtest.h>

#include <optional>
#include <ostream>
#include <string>
#include <utility>
#include <vector>

namespace tracker {

bool operator==(const TrackedHierarchy& a, const TrackedHierarchy& b) {
  return a.layout == b.layout && a.mount_point == b.mount_point &&
         a.hierarchy_id == b.hierarchy_id && a.controller == b.controller;
}

void PrintTo(const TrackedHierarchy& h, std::ostream* os) {
  *os << "{" << to_string(h.layout) << ", " << h.mount_point << ", id " << h.hierarchy_id << ", "
      << to_string(h.controller) << "}";
}

namespace {

// This machine (a hybrid host): v1 controllers, a named systemd hierarchy, cgroup2 at unified.
const std::string kHybridHereMountinfo =
    "22 27 0:21 / /proc rw,relatime - proc proc rw\n"
    "23 27 0:22 / /sys rw,relatime - sysfs sysfs rw\n"
    "27 1 254:0 / / rw,relatime - ext4 /dev/vda rw,discard\n"
    "31 23 0:28 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755\n"
    "32 31 0:29 / /sys/fs/cgroup/cpu rw,relatime - cgroup cgroup rw,cpu\n"
    "33 31 0:30 / /sys/fs/cgroup/cpuacct rw,relatime - cgroup cgroup rw,cpuacct\n"
    "34 31 0:31 / /sys/fs/cgroup/cpuset rw,relatime - cgroup cgroup rw,cpuset\n"
    "35 31 0:32 / /sys/fs/cgroup/memory rw,relatime - cgroup cgroup rw,memory\n"
    "36 31 0:33 / /sys/fs/cgroup/devices rw,relatime - cgroup cgroup rw,devices\n"
    "37 31 0:34 / /sys/fs/cgroup/freezer rw,relatime - cgroup cgroup rw,freezer\n"
    "38 31 0:35 / /sys/fs/cgroup/blkio rw,relatime - cgroup cgroup rw,blkio\n"
    "39 31 0:36 / /sys/fs/cgroup/pids rw,relatime - cgroup cgroup rw,pids\n"
    "40 31 0:37 / /sys/fs/cgroup/systemd rw,relatime - cgroup cgroup rw,name=systemd\n"
    "41 31 0:38 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw\n"
    "42 23 0:39 / /sys/fs/bpf rw,relatime - bpf bpf rw\n";

const std::string kHybridHereProcCgroups =
    "#subsys_name\thierarchy\tnum_cgroups\tenabled\n"
    "cpuset\t3\t5\t1\n"
    "cpu\t1\t5\t1\n"
    "cpuacct\t2\t5\t1\n"
    "blkio\t7\t5\t1\n"
    "memory\t4\t37\t1\n"
    "devices\t5\t5\t1\n"
    "freezer\t6\t5\t1\n"
    "net_cls\t0\t4\t1\n"
    "perf_event\t0\t4\t1\n"
    "net_prio\t0\t4\t1\n"
    "hugetlb\t0\t4\t1\n"
    "pids\t8\t5\t1\n";

// Ubuntu 20.04, systemd's hybrid mode: optional "shared:N" fields, cpu,cpuacct co-mounted,
// and the named systemd hierarchy with the xattr flag.
const std::string kHybridUbuntuMountinfo =
    "24 30 0:22 / /sys rw,nosuid,nodev,noexec,relatime shared:7 - sysfs sysfs rw\n"
    "30 1 8:1 / / rw,relatime shared:1 - ext4 /dev/sda1 rw\n"
    "34 24 0:29 / /sys/fs/cgroup ro,nosuid,nodev,noexec shared:9 - tmpfs tmpfs ro,mode=755\n"
    "35 34 0:30 / /sys/fs/cgroup/unified rw,nosuid,nodev,noexec,relatime shared:10 - cgroup2 "
    "cgroup2 rw,nsdelegate\n"
    "36 34 0:31 / /sys/fs/cgroup/systemd rw,nosuid,nodev,noexec,relatime shared:11 - cgroup "
    "cgroup rw,xattr,name=systemd\n"
    "40 34 0:35 / /sys/fs/cgroup/memory rw,nosuid,nodev,noexec,relatime shared:15 - cgroup "
    "cgroup rw,memory\n"
    "41 34 0:36 / /sys/fs/cgroup/cpu,cpuacct rw,nosuid,nodev,noexec,relatime shared:16 - cgroup "
    "cgroup rw,cpu,cpuacct\n"
    "42 34 0:37 / /sys/fs/cgroup/pids rw,nosuid,nodev,noexec,relatime shared:17 - cgroup "
    "cgroup rw,pids\n";

const std::string kHybridUbuntuProcCgroups =
    "#subsys_name\thierarchy\tnum_cgroups\tenabled\n"
    "cpu\t6\t120\t1\n"
    "cpuacct\t6\t120\t1\n"
    "memory\t5\t160\t1\n"
    "pids\t7\t130\t1\n";

// Ubuntu 22.04, Fedora, Debian 12: the unified hierarchy alone.
const std::string kPureV2Mountinfo =
    "24 30 0:22 / /sys rw,nosuid,nodev,noexec,relatime shared:7 - sysfs sysfs rw\n"
    "30 1 8:1 / / rw,relatime shared:1 - ext4 /dev/sda1 rw\n"
    "35 24 0:30 / /sys/fs/cgroup rw,nosuid,nodev,noexec,relatime shared:9 - cgroup2 cgroup2 "
    "rw,nsdelegate,memory_recursiveprot\n"
    "36 24 0:31 / /sys/fs/bpf rw,nosuid,nodev,noexec,relatime shared:10 - bpf bpf rw,mode=700\n";

const std::string kPureV2ProcCgroups =
    "#subsys_name\thierarchy\tnum_cgroups\tenabled\n"
    "cpuset\t0\t153\t1\n"
    "cpu\t0\t153\t1\n"
    "memory\t0\t153\t1\n"
    "pids\t0\t153\t1\n";

// CentOS 7: v1 only, no cgroup2 anywhere.
const std::string kPureV1Mountinfo =
    "18 61 0:17 / /sys rw,nosuid,nodev,noexec,relatime shared:6 - sysfs sysfs rw\n"
    "24 18 0:20 / /sys/fs/cgroup ro,nosuid,nodev,noexec shared:8 - tmpfs tmpfs ro,mode=755\n"
    "25 24 0:21 / /sys/fs/cgroup/systemd rw,nosuid,nodev,noexec,relatime shared:9 - cgroup "
    "cgroup rw,xattr,release_agent=/usr/lib/systemd/systemd-cgroups-agent,name=systemd\n"
    "28 24 0:24 / /sys/fs/cgroup/cpuset rw,nosuid,nodev,noexec,relatime shared:10 - cgroup "
    "cgroup rw,cpuset\n"
    "29 24 0:25 / /sys/fs/cgroup/cpu,cpuacct rw,nosuid,nodev,noexec,relatime shared:11 - cgroup "
    "cgroup rw,cpuacct,cpu\n"
    "30 24 0:26 / /sys/fs/cgroup/memory rw,nosuid,nodev,noexec,relatime shared:12 - cgroup "
    "cgroup rw,memory\n"
    "31 24 0:27 / /sys/fs/cgroup/pids rw,nosuid,nodev,noexec,relatime shared:13 - cgroup "
    "cgroup rw,pids\n"
    "61 1 253:0 / / rw,relatime shared:1 - xfs /dev/mapper/centos-root rw,attr2\n";

const std::string kPureV1ProcCgroups =
    "#subsys_name\thierarchy\tnum_cgroups\tenabled\n"
    "cpuset\t5\t6\t1\n"
    "cpu\t4\t98\t1\n"
    "cpuacct\t4\t98\t1\n"
    "memory\t9\t98\t1\n"
    "pids\t2\t98\t1\n";

// CentOS 7 booted with cgroup_disable=memory: no memory hierarchy.
const std::string kV1NoMemoryMountinfo =
    "24 18 0:20 / /sys/fs/cgroup ro,nosuid,nodev,noexec shared:8 - tmpfs tmpfs ro,mode=755\n"
    "28 24 0:24 / /sys/fs/cgroup/cpuset rw,nosuid,nodev,noexec,relatime shared:10 - cgroup "
    "cgroup rw,cpuset\n"
    "29 24 0:25 / /sys/fs/cgroup/cpu,cpuacct rw,nosuid,nodev,noexec,relatime shared:11 - cgroup "
    "cgroup rw,cpuacct,cpu\n"
    "31 24 0:27 / /sys/fs/cgroup/pids rw,nosuid,nodev,noexec,relatime shared:13 - cgroup "
    "cgroup rw,pids\n";

const std::string kV1NoMemoryProcCgroups =
    "#subsys_name\thierarchy\tnum_cgroups\tenabled\n"
    "cpuset\t5\t6\t1\n"
    "cpu\t4\t98\t1\n"
    "cpuacct\t4\t98\t1\n"
    "memory\t0\t1\t0\n"
    "pids\t2\t98\t1\n";

const std::string kNoCgroupMountinfo =
    "22 27 0:21 / /proc rw,relatime - proc proc rw\n"
    "23 27 0:22 / /sys rw,relatime - sysfs sysfs rw\n"
    "27 1 254:0 / / rw,relatime - ext4 /dev/vda rw\n";

// cgroup2 mounted where a blank is part of the path.
const std::string kEscapedBlankMountinfo =
    "30 1 8:1 / / rw,relatime shared:1 - ext4 /dev/sda1 rw\n"
    "90 30 0:30 / /run/my\\040cgroups rw,relatime shared:40 - cgroup2 cgroup2 rw\n";

const std::string kContainerId = "3cfaa5502403c9a029e90998854937971a5a318ac0045b1285dcd2fc016af5dd";

// Inside a container that shares the host's cgroup namespace: /sys/fs/cgroup shows only the
// container's own subtree, the host's whole hierarchy is bind-mounted at /host/sys/fs/cgroup.
const std::string kSubtreeAndHostMountinfo =
    "600 500 0:30 /docker/" + kContainerId +
    " /sys/fs/cgroup ro,nosuid,nodev,noexec,relatime - cgroup2 cgroup rw,nsdelegate\n"
    "610 500 0:30 / /host/sys/fs/cgroup rw,nosuid,nodev,noexec,relatime - cgroup2 cgroup2 "
    "rw,nsdelegate\n";

TrackedHierarchy unified(CgroupLayout layout, std::string mount_point) {
  return {layout, std::move(mount_point), 0, V1Controller::none};
}
TrackedHierarchy controller(CgroupLayout layout, std::string mount_point, std::uint32_t id,
                            V1Controller which) {
  return {layout, std::move(mount_point), id, which};
}

struct ChoiceCase {
  std::string name;
  std::string mountinfo;
  std::string proc_cgroups;
  std::string preference;
  std::optional<TrackedHierarchy> want;
  std::string want_error;  // the exact error when `want` is empty
};

void PrintTo(const ChoiceCase& c, std::ostream* os) {
  *os << c.name << " (preference " << c.preference << ")";
}

const std::vector<ChoiceCase> kChoiceCases = {
    {"PureV2TracksSysFsCgroup", kPureV2Mountinfo, kPureV2ProcCgroups, "auto",
     unified(CgroupLayout::v2, "/sys/fs/cgroup"), ""},
    {"HybridHereTracksUnified", kHybridHereMountinfo, kHybridHereProcCgroups, "auto",
     unified(CgroupLayout::hybrid, "/sys/fs/cgroup/unified"), ""},
    {"HybridUbuntuTracksUnified", kHybridUbuntuMountinfo, kHybridUbuntuProcCgroups, "auto",
     unified(CgroupLayout::hybrid, "/sys/fs/cgroup/unified"), ""},
    {"PureV1TracksMemoryWithItsHierarchyId", kPureV1Mountinfo, kPureV1ProcCgroups, "auto",
     controller(CgroupLayout::v1, "/sys/fs/cgroup/memory", 9, V1Controller::memory), ""},
    {"V1WithoutMemoryFallsBackToCpuset", kV1NoMemoryMountinfo, kV1NoMemoryProcCgroups, "auto",
     controller(CgroupLayout::v1, "/sys/fs/cgroup/cpuset", 5, V1Controller::cpuset), ""},
    {"EscapedBlankInMountPoint", kEscapedBlankMountinfo, kPureV2ProcCgroups, "auto",
     unified(CgroupLayout::v2, "/run/my cgroups"), ""},
    // Explicit preferences.
    {"UnifiedOnHybrid", kHybridHereMountinfo, kHybridHereProcCgroups, "unified",
     unified(CgroupLayout::hybrid, "/sys/fs/cgroup/unified"), ""},
    {"MemoryOnHybrid", kHybridHereMountinfo, kHybridHereProcCgroups, "memory",
     controller(CgroupLayout::hybrid, "/sys/fs/cgroup/memory", 4, V1Controller::memory), ""},
    {"PidsOnHybrid", kHybridHereMountinfo, kHybridHereProcCgroups, "pids",
     controller(CgroupLayout::hybrid, "/sys/fs/cgroup/pids", 8, V1Controller::pids), ""},
    {"CpuCoMountedWithCpuacct", kPureV1Mountinfo, kPureV1ProcCgroups, "cpu",
     controller(CgroupLayout::v1, "/sys/fs/cgroup/cpu,cpuacct", 4, V1Controller::cpu), ""},
    {"PidsOnPureV1", kPureV1Mountinfo, kPureV1ProcCgroups, "pids",
     controller(CgroupLayout::v1, "/sys/fs/cgroup/pids", 2, V1Controller::pids), ""},
    {"UnifiedOnPureV1IsAnError", kPureV1Mountinfo, kPureV1ProcCgroups, "unified", std::nullopt,
     "no cgroup2 (unified) hierarchy is mounted"},
    {"MemoryOnPureV2IsAnError", kPureV2Mountinfo, kPureV2ProcCgroups, "memory", std::nullopt,
     "cgroup controller 'memory' is not mounted as cgroup v1"},
    {"MemoryWhenNotMountedIsAnError", kV1NoMemoryMountinfo, kV1NoMemoryProcCgroups, "memory",
     std::nullopt, "cgroup controller 'memory' is not mounted as cgroup v1"},
    {"MountedButDisabledControllerIsAnError", kPureV1Mountinfo, kV1NoMemoryProcCgroups, "memory",
     std::nullopt, "cgroup controller 'memory' is not enabled"},
    {"BogusPreferenceIsNamed", kHybridHereMountinfo, kHybridHereProcCgroups, "bogus", std::nullopt,
     "unknown cgroup hierarchy 'bogus' (auto, unified, memory, cpuset, pids, cpu)"},
    {"EmptyPreferenceIsNamed", kPureV2Mountinfo, kPureV2ProcCgroups, "", std::nullopt,
     "unknown cgroup hierarchy '' (auto, unified, memory, cpuset, pids, cpu)"},
    // Nothing to track.
    {"NoCgroupMountsAtAll", kNoCgroupMountinfo, kHybridHereProcCgroups, "auto", std::nullopt,
     "no cgroup filesystem is mounted"},
    {"NoCgroupMountsEvenWhenUnifiedAsked", kNoCgroupMountinfo, "", "unified", std::nullopt,
     "no cgroup filesystem is mounted"},
    {"EmptyMountinfo", "", "", "auto", std::nullopt, "no cgroup filesystem is mounted"},
    {"V1WithoutProcCgroupsHasNoUsableController", kPureV1Mountinfo, "", "auto", std::nullopt,
     "no usable cgroup hierarchy: cgroup controller 'memory' is not enabled; cgroup controller "
     "'cpuset' is not enabled; cgroup controller 'pids' is not enabled; cgroup controller 'cpu' "
     "is not enabled"},
    // Regression (choose_hierarchy): a cgroup2 mount that shows only a
    // subtree (root "/docker/<id>") wins over one showing the whole hierarchy because it sits
    // at /sys/fs/cgroup; kernel paths are whole-hierarchy paths, so the walk misses the host.
    {"WholeHierarchyWinsOverSubtreeAtSysFsCgroup", kSubtreeAndHostMountinfo, kPureV2ProcCgroups,
     "auto", unified(CgroupLayout::v2, "/host/sys/fs/cgroup"), ""},
};

class ChooseHierarchyTest : public testing::TestWithParam<ChoiceCase> {};

TEST_P(ChooseHierarchyTest, ChoosesOrExplains) {
  const auto& row = GetParam();
  auto choice = choose_hierarchy(row.mountinfo, row.proc_cgroups, row.preference);
  EXPECT_EQ(choice.hierarchy, row.want);
  EXPECT_EQ(choice.error, row.want_error);
}

INSTANTIATE_TEST_SUITE_P(RealHosts, ChooseHierarchyTest, testing::ValuesIn(kChoiceCases),
                         [](const testing::TestParamInfo<ChoiceCase>& row) {
                           return row.param.name;
                         });

struct MountView {
  std::string mount_point;
  std::string root;
  bool v2;
  std::vector<std::string> controllers;

  bool operator==(const MountView&) const = default;
};

void PrintTo(const MountView& m, std::ostream* os) {
  *os << "{" << m.mount_point << " root " << m.root << (m.v2 ? " v2" : " v1") << " [";
  for (auto& c : m.controllers) *os << c << " ";
  *os << "]}";
}

std::vector<MountView> view(const std::vector<CgroupMount>& mounts) {
  std::vector<MountView> result;
  for (auto& m : mounts) result.push_back({m.mount_point, m.root, m.v2, m.controllers});
  return result;
}

struct MountsCase {
  std::string name;
  std::string mountinfo;
  std::vector<MountView> want;
};

void PrintTo(const MountsCase& c, std::ostream* os) {
  *os << c.name;
}

const std::vector<MountsCase> kMountsCases = {
    {"PureV2", kPureV2Mountinfo, {{"/sys/fs/cgroup", "/", true, {}}}},
    {"HybridHere",
     kHybridHereMountinfo,
     {{"/sys/fs/cgroup/cpu", "/", false, {"cpu"}},
      {"/sys/fs/cgroup/cpuacct", "/", false, {"cpuacct"}},
      {"/sys/fs/cgroup/cpuset", "/", false, {"cpuset"}},
      {"/sys/fs/cgroup/memory", "/", false, {"memory"}},
      {"/sys/fs/cgroup/devices", "/", false, {"devices"}},
      {"/sys/fs/cgroup/freezer", "/", false, {"freezer"}},
      {"/sys/fs/cgroup/blkio", "/", false, {"blkio"}},
      {"/sys/fs/cgroup/pids", "/", false, {"pids"}},
      {"/sys/fs/cgroup/systemd", "/", false, {}},
      {"/sys/fs/cgroup/unified", "/", true, {}}}},
    {"CoMountedControllersInOptionOrder",
     "29 24 0:25 / /sys/fs/cgroup/cpu,cpuacct rw,relatime shared:11 - cgroup cgroup "
     "rw,cpuacct,cpu\n",
     {{"/sys/fs/cgroup/cpu,cpuacct", "/", false, {"cpuacct", "cpu"}}}},
    {"EscapedBlanksInMountPointAndRoot",
     "90 30 0:30 /my\\040group /run/my\\040cgroups\\011tab rw - cgroup2 cgroup2 rw\n",
     {{"/run/my cgroups\ttab", "/my group", true, {}}}},
    {"BackslashNotFollowedByOctalStays",
     "90 30 0:30 / /run/a\\b\\08x rw - cgroup2 cgroup2 rw\n",
     {{"/run/a\\b\\08x", "/", true, {}}}},
    {"CgroupNamespaceRoot",
     "600 500 0:30 /docker/" + kContainerId +
         " /sys/fs/cgroup ro,nosuid,nodev,noexec,relatime - cgroup2 cgroup rw,nsdelegate\n",
     {{"/sys/fs/cgroup", "/docker/" + kContainerId, true, {}}}},
    {"V1CgroupNamespaceRoot",
     "700 500 0:32 /kubepods/besteffort /sys/fs/cgroup/memory ro,nosuid - cgroup cgroup "
     "ro,memory\n",
     {{"/sys/fs/cgroup/memory", "/kubepods/besteffort", false, {"memory"}}}},
    {"NonCgroupFilesystemsAreSkipped", kNoCgroupMountinfo, {}},
    {"TruncatedLinesAreSkipped",
     "41 31 0:38 / /sys/fs/cgroup/unified rw,relatime - cgroup2\n"
     "41 31 0:38 / /sys/fs/cgroup/unified rw,relatime cgroup2 cgroup2 rw\n"
     "41 31\n"
     "\n",
     {}},
    // Regression (parse_cgroup_mounts): every super option without '=' is
    // taken for a controller, so mount flags (xattr, none, noprefix, clone_children) show up
    // as controllers and a v2 host with a named hierarchy is reported as hybrid.
    {"NamedHierarchyFlagsAreNotControllers",
     "36 34 0:31 / /sys/fs/cgroup/systemd rw,relatime shared:11 - cgroup cgroup "
     "rw,xattr,name=systemd\n"
     "37 34 0:32 / /sys/fs/cgroup/elogind rw,relatime - cgroup cgroup rw,none,name=elogind\n"
     "38 34 0:33 / /sys/fs/cgroup/cpuset rw,relatime - cgroup cgroup "
     "rw,noprefix,clone_children,cpuset\n",
     {{"/sys/fs/cgroup/systemd", "/", false, {}},
      {"/sys/fs/cgroup/elogind", "/", false, {}},
      {"/sys/fs/cgroup/cpuset", "/", false, {"cpuset"}}}},
};

class ParseCgroupMountsTest : public testing::TestWithParam<MountsCase> {};

TEST_P(ParseCgroupMountsTest, ListsCgroupMounts) {
  EXPECT_EQ(view(parse_cgroup_mounts(GetParam().mountinfo)), GetParam().want);
}

INSTANTIATE_TEST_SUITE_P(RealMountinfo, ParseCgroupMountsTest, testing::ValuesIn(kMountsCases),
                         [](const testing::TestParamInfo<MountsCase>& row) {
                           return row.param.name;
                         });

using ControllerIds = std::vector<std::pair<std::string, std::uint32_t>>;

struct ProcCgroupsCase {
  std::string name;
  std::string text;
  ControllerIds want;
};

void PrintTo(const ProcCgroupsCase& c, std::ostream* os) {
  *os << c.name;
}

const std::vector<ProcCgroupsCase> kProcCgroupsCases = {
    {"HybridHere",
     kHybridHereProcCgroups,
     {{"cpuset", 3},
      {"cpu", 1},
      {"cpuacct", 2},
      {"blkio", 7},
      {"memory", 4},
      {"devices", 5},
      {"freezer", 6},
      {"net_cls", 0},
      {"perf_event", 0},
      {"net_prio", 0},
      {"hugetlb", 0},
      {"pids", 8}}},
    {"PureV2AllOnHierarchyZero",
     kPureV2ProcCgroups,
     {{"cpuset", 0}, {"cpu", 0}, {"memory", 0}, {"pids", 0}}},
    {"DisabledControllerIsLeftOut",
     kV1NoMemoryProcCgroups,
     {{"cpuset", 5}, {"cpu", 4}, {"cpuacct", 4}, {"pids", 2}}},
    {"GarbageLinesAreSkipped",
     "#subsys_name\thierarchy\tnum_cgroups\tenabled\n"
     "memory 4 37 1\n"
     "cpu\tx\t5\t1\n"
     "pids\t8\t5\n"
     "\n"
     "blkio\t7\t5\t1",
     {{"blkio", 7}}},
    {"Empty", "", {}},
};

class ParseProcCgroupsTest : public testing::TestWithParam<ProcCgroupsCase> {};

TEST_P(ParseProcCgroupsTest, MapsEnabledControllersToHierarchyIds) {
  EXPECT_EQ(parse_proc_cgroups(GetParam().text), GetParam().want);
}

INSTANTIATE_TEST_SUITE_P(RealProcCgroups, ParseProcCgroupsTest,
                         testing::ValuesIn(kProcCgroupsCases),
                         [](const testing::TestParamInfo<ProcCgroupsCase>& row) {
                           return row.param.name;
                         });

TEST(HierarchyNames, LayoutsAndControllers) {
  EXPECT_EQ(to_string(CgroupLayout::v2), "v2");
  EXPECT_EQ(to_string(CgroupLayout::hybrid), "hybrid");
  EXPECT_EQ(to_string(CgroupLayout::v1), "v1");
  EXPECT_EQ(to_string(V1Controller::none), "unified");
  EXPECT_EQ(to_string(V1Controller::memory), "memory");
  EXPECT_EQ(to_string(V1Controller::cpuset), "cpuset");
  EXPECT_EQ(to_string(V1Controller::pids), "pids");
  EXPECT_EQ(to_string(V1Controller::cpu), "cpu");
}

}  // namespace
}  // namespace tracker
