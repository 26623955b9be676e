#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

namespace tracker {

struct CgroupDir {
  std::string path;  // relative to the hierarchy root, "/" for the root itself
  std::uint64_t cgroup_id = 0;
};

// Visits every cgroup below `mount_point` (parents before children). The
// cgroup id is the directory's inode number, as the kernel reports it.
// Returns false with `error` set when the root cannot be read; unreadable
// sub-directories (removed while walking) are skipped.
bool walk_cgroups(const std::string& mount_point,
                  const std::function<void(const CgroupDir&)>& visit, std::string& error);

// ctime of a cgroup directory in Unix epoch nanoseconds, 0 when it is gone.
std::int64_t cgroup_ctime_ns(const std::string& mount_point, std::string_view path);

}  // namespace tracker
