#include "cgroup/containerd_tasks.h"

#include <unistd.h>

namespace tracker {
namespace {

bool plain_name(std::string_view name) {
  return !name.empty() && name.size() <= 76 && name != "." && name != ".." &&
         name.find('/') == std::string_view::npos;
}

}  // namespace

ContainerdTasks::ContainerdTasks(std::string state_dir) : state_dir_(std::move(state_dir)) {}

std::optional<ContainerRef> ContainerdTasks::from_cgroup_path(std::string_view path) const {
  path = relative_cgroup_path(path);
  if (!path.starts_with('/')) return std::nullopt;
  path.remove_prefix(1);
  auto slash = path.find('/');
  if (slash == std::string_view::npos) return std::nullopt;
  auto ns = path.substr(0, slash);
  auto id = path.substr(slash + 1);
  bool is_root = true;
  if (auto below = id.find('/'); below != std::string_view::npos) {
    is_root = id.find_first_not_of('/', below) == std::string_view::npos;
    id = id.substr(0, below);
  }
  if (!plain_name(ns) || !plain_name(id)) return std::nullopt;
  for (const char* runtime : {"io.containerd.runtime.v2.task", "io.containerd.runtime.v1.linux"}) {
    std::string task_dir =
        state_dir_ + "/" + runtime + "/" + std::string(ns) + "/" + std::string(id);
    if (access(task_dir.c_str(), F_OK) == 0)
      return ContainerRef{Runtime::containerd, std::string(id), is_root};
  }
  return std::nullopt;
}

}  // namespace tracker
