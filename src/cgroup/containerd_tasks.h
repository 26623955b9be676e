#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "cgroup/container_path.h"

namespace tracker {

// containerd's default cgroup layout is /<namespace>/<id>, with any namespace
// and any id: the path alone cannot tell it from other cgroups. The shim's
// task directory (/run/containerd/io.containerd.runtime.v2.task/<ns>/<id>)
// exists before runc makes the cgroup, so it settles the question.
class ContainerdTasks {
 public:
  explicit ContainerdTasks(std::string state_dir = "/run/containerd");
  std::optional<ContainerRef> from_cgroup_path(std::string_view path) const;

 private:
  std::string state_dir_;
};

}  // namespace tracker
