#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace tracker {

// The one cgroup hierarchy tracker follows. On v2 and hybrid hosts it is the
// unified (v2) hierarchy, whose cgroup ids the kernel reports for every task;
// on pure v1 hosts it is one controller's hierarchy (memory, else cpuset,
// pids, cpu), since there is no unified one. The choice is made only here.
enum class CgroupLayout { v2, hybrid, v1 };

enum class V1Controller : std::uint32_t { none = 0, memory = 1, cpuset = 2, pids = 3, cpu = 4 };

struct TrackedHierarchy {
  CgroupLayout layout = CgroupLayout::v2;
  std::string mount_point;         // e.g. /sys/fs/cgroup/unified
  std::uint32_t hierarchy_id = 0;  // 0 for the unified hierarchy
  V1Controller controller = V1Controller::none;
  // The cgroup the mount shows: "/" normally; a subtree when only a bind mount
  // or a mount from inside a cgroup namespace is there. Kernel paths are
  // relative to the hierarchy's root, so walked paths get this prefix.
  std::string mount_root = "/";
};

std::string_view to_string(CgroupLayout layout);
std::string_view to_string(V1Controller controller);

struct CgroupMount {
  std::string mount_point;
  std::string root;  // the cgroup this mount shows, "/" outside a cgroup namespace
  bool v2 = false;
  std::vector<std::string> controllers;  // v1 controllers (super options)
};

std::vector<CgroupMount> parse_cgroup_mounts(std::string_view mountinfo);
// Which of several mounts of one hierarchy to use, the highest first: a mount
// of the whole hierarchy beats a subtree; the standard place breaks ties.
int mount_rank(const CgroupMount& mount);
// /proc/cgroups: controller name → hierarchy id (enabled controllers only)
std::vector<std::pair<std::string, std::uint32_t>> parse_proc_cgroups(std::string_view text);

struct HierarchyChoice {
  std::optional<TrackedHierarchy> hierarchy;
  std::string error;
};

// `preference`: "auto", "unified", or a v1 controller name.
HierarchyChoice choose_hierarchy(std::string_view mountinfo, std::string_view proc_cgroups,
                                 std::string_view preference);
HierarchyChoice detect_hierarchy(std::string_view preference);

}  // namespace tracker
