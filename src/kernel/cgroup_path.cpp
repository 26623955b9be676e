#include "kernel/cgroup_path.h"

#include <fcntl.h>
#include <limits.h>
#include <unistd.h>

#include <cstring>
#include <string_view>

#include "util/unique_fd.h"

namespace tracker {
namespace {

// include/linux/exportfs.h: a kernfs node's handle is its 64-bit id.
constexpr int kFileIdKernfs = 0xfe;

struct KernfsHandle {
  struct file_handle handle;
  std::uint64_t id;
};

}  // namespace

std::optional<std::string> cgroup_path_of_id(const std::string& mount_point,
                                             const std::string& mount_root,
                                             std::uint64_t cgroup_id) {
  UniqueFd mount(open(mount_point.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!mount) return std::nullopt;
  KernfsHandle fid{};
  fid.handle.handle_bytes = sizeof(fid.id);
  fid.handle.handle_type = kFileIdKernfs;
  std::memcpy(fid.handle.f_handle, &cgroup_id, sizeof(cgroup_id));
  UniqueFd dir(open_by_handle_at(mount.get(), &fid.handle, O_PATH | O_DIRECTORY | O_CLOEXEC));
  if (!dir) return std::nullopt;

  char link[PATH_MAX + 1];
  std::string proc = "/proc/self/fd/" + std::to_string(dir.get());
  ssize_t length = readlink(proc.c_str(), link, sizeof(link));
  if (length <= 0 || static_cast<std::size_t>(length) >= sizeof(link)) return std::nullopt;
  std::string_view directory(link, static_cast<std::size_t>(length));
  if (directory.ends_with(" (deleted)")) return std::nullopt;

  std::string_view mount_view = mount_point;
  while (!mount_view.empty() && mount_view.back() == '/') mount_view.remove_suffix(1);
  if (!directory.starts_with(mount_view)) return std::nullopt;
  std::string_view below = directory.substr(mount_view.size());
  if (!below.empty() && below.front() != '/') return std::nullopt;  // a sibling of the mount

  std::string path = mount_root.empty() || mount_root == "/" ? "" : mount_root;
  path += below;
  if (path.empty()) path = "/";
  return path;
}

}  // namespace tracker
