#pragma once

// What /proc/PID/cgroup and /proc/PID/stat say of a process, and where a
// cgroup named by the kernel lives in a mounted hierarchy. Pure: the callers
// read the files.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace tracker {

// One line of /proc/PID/cgroup: "ID:CONTROLLERS:PATH". The unified hierarchy
// is "0::PATH"; a v1 hierarchy lists its controllers ("4:cpu,cpuacct:/x",
// "1:name=systemd:/x" for a named one).
struct ProcCgroupLine {
  std::uint32_t hierarchy_id = 0;
  std::vector<std::string> controllers;
  std::string path;
};

// Lines that do not have the three fields are skipped. A path holds
// everything after the second colon (cgroup names may contain colons).
std::vector<ProcCgroupLine> parse_proc_pid_cgroup(std::string_view text);

// The path of the process's cgroup in hierarchy `hierarchy_id` (0: the unified
// one), or nullopt when no line names that hierarchy.
std::optional<std::string> cgroup_path_in_hierarchy(std::string_view proc_pid_cgroup,
                                                    std::uint32_t hierarchy_id);

// The directory of the cgroup `path` (as the kernel names it, from the
// hierarchy's root) under a mount of that hierarchy at `mount_point` that
// shows the cgroup `mount_root` ("/" normally). nullopt when the mount does not
// show it (it lies outside `mount_root`) or `path` is not absolute.
std::optional<std::string> cgroup_directory(std::string_view mount_point,
                                            std::string_view mount_root, std::string_view path);

// "/a/b/c" → "/a/b", "/a" → "/", "/" → nullopt.
std::optional<std::string> parent_cgroup(std::string_view path);

// /proc/PID/stat: "PID (COMM) STATE PPID ...". COMM may hold spaces and
// parentheses, so it ends at the last ')'.
struct ProcStat {
  std::uint32_t pid = 0;
  std::uint32_t ppid = 0;
  std::string comm;  // as the kernel has it: any bytes but NUL, at most 15
};
std::optional<ProcStat> parse_proc_stat(std::string_view text);

}  // namespace tracker
