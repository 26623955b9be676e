#pragma once

// What a cgroup says about itself right now: tasks, memory, CPU time and its
// processes, read from cgroupfs on v2, v1 and hybrid hosts whenever asked,
// never cached.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cgroup/hierarchy.h"

namespace tracker {

// Where one cgroup's files are, hierarchy by hierarchy.
struct CgroupDirectories {
  std::string unified;                    // "" when no v2 hierarchy shows it
  std::map<std::string, std::string> v1;  // v1 controller → directory
};

// The directories of the cgroup `path` (as the kernel names it) in every
// mounted hierarchy that shows it. Runtimes give a container the same path in
// every hierarchy; `member_cgroups`, the /proc/PID/cgroup of a process in the
// cgroup when it has one, says where each hierarchy put it when they differ.
CgroupDirectories locate_cgroup(const std::vector<CgroupMount>& mounts, std::string_view path,
                                std::string_view member_cgroups = {});

// nullopt: not known (no hierarchy has the controller, or the file is
// missing); for a limit also when none is set.
struct CgroupFigures {
  std::optional<std::uint64_t> tasks_current;
  std::optional<std::uint64_t> tasks_max;
  std::optional<std::uint64_t> memory_current;
  std::optional<std::uint64_t> memory_peak;
  std::optional<std::uint64_t> memory_max;
  std::optional<std::uint64_t> cpu_usage_nsec;
};

// Each figure from the unified hierarchy where it has the controller
// (pids.current, memory.current, memory.peak, cpu.stat usage_usec, ...),
// else from the v1 controller's hierarchy (memory.usage_in_bytes,
// memory.max_usage_in_bytes, cpuacct.usage, ...). Tasks without a pids
// controller are the threads of the cgroup and every cgroup below it.
CgroupFigures read_cgroup_figures(const CgroupDirectories& directories);

struct CgroupProcess {
  std::uint32_t pid = 0;
  std::uint32_t ppid = 0;
  std::string comm;  // raw bytes from the kernel: sanitize before showing
};

// The processes of the cgroup at `directory` and of every cgroup below it
// (cgroup.procs), with their parent and name from `proc_root`/PID/stat,
// sorted by pid. A process that ends meanwhile is left out. At most `limit`.
std::vector<CgroupProcess> read_cgroup_processes(const std::string& directory,
                                                 const std::string& proc_root = "/proc",
                                                 std::size_t limit = 4096);

// The first process of the cgroup at `directory` itself, if any.
std::optional<std::uint32_t> first_cgroup_process(const std::string& directory);

}  // namespace tracker
