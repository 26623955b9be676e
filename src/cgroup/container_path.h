#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace tracker {

enum class Runtime { unknown, docker, containerd, crio, podman, garden };

std::string_view to_string(Runtime runtime);
std::optional<Runtime> runtime_from_string(std::string_view name);

// What a cgroup path says about the container it belongs to.
struct ContainerRef {
  Runtime runtime = Runtime::unknown;
  std::string id;        // full container id, as the runtime knows it
  bool is_root = false;  // the path is the container's own cgroup, not a sub-cgroup of it

  bool operator==(const ContainerRef&) const = default;
};

// Maps a cgroup path (relative to the hierarchy root, like "/docker/<id>", or an
// absolute cgroupfs path such as "/sys/fs/cgroup/unified/docker/<id>") to the
// innermost container it belongs to. Returns nullopt for paths of no container.
std::optional<ContainerRef> container_from_cgroup_path(std::string_view path);

// The part of `path` that lies inside the cgroup hierarchy: drops the "N:controllers:" prefix of a
// /proc/<pid>/cgroup line, and a "/sys/fs/cgroup" mount point together with its v1 hierarchy name
// ("memory", "cpu,cpuacct", "unified", "systemd", ...). Other paths come back unchanged.
std::string_view relative_cgroup_path(std::string_view path);

}  // namespace tracker
