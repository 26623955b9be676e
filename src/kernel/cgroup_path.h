#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace tracker {

// The path in the hierarchy (as walk_cgroups() and the kernel name it, e.g.
// "/docker/<id>") of the cgroup whose id is `cgroup_id`, in the hierarchy
// mounted at `mount_point`, which shows its cgroup `mount_root`. Found by the
// id itself (a kernfs file handle, open_by_handle_at), not by a path the
// kernel may have cut; nullopt when the cgroup is gone or the path cannot be
// read (it is longer than PATH_MAX, say). Needs CAP_DAC_READ_SEARCH.
std::optional<std::string> cgroup_path_of_id(const std::string& mount_point,
                                             const std::string& mount_root,
                                             std::uint64_t cgroup_id);

}  // namespace tracker
