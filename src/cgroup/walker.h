#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

namespace tracker {

struct CgroupDir {
  std::string path;       // in the hierarchy, as the kernel names it ("/" for its root)
  std::string directory;  // where it is in the filesystem
  std::uint64_t cgroup_id = 0;
  std::int64_t ctime_ns = 0;  // the directory's ctime, Unix epoch nanoseconds
};

// Visits every cgroup below `mount_point` (parents before children); the
// mount shows the hierarchy's cgroup `mount_root`. The cgroup id is the
// directory's inode number, as the kernel reports it. `visit` gets a
// reference valid only during the call. Returns false with
// `error` set when the root cannot be read; sub-directories removed while
// walking are skipped.
bool walk_cgroups(const std::string& mount_point, const std::string& mount_root,
                  const std::function<void(const CgroupDir&)>& visit, std::string& error);

// ctime of a cgroup directory in Unix epoch nanoseconds, 0 when it is gone.
std::int64_t cgroup_ctime_ns(const std::string& directory);
// Whether any process is in the cgroup at `directory`.
bool cgroup_has_processes(const std::string& directory);

}  // namespace tracker
