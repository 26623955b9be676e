#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>

namespace tracker {

// The container runtimes, and the machine managers whose containers systemd-machined lists.
enum class Runtime { unknown, docker, containerd, crio, podman, garden, nspawn, libvirt_lxc, lxc };

std::string_view to_string(Runtime runtime);
std::optional<Runtime> runtime_from_string(std::string_view name);

// What a cgroup path says about the container it belongs to.
struct ContainerRef {
  ContainerRef(Runtime runtime = Runtime::unknown, std::string id = {}, bool is_root = false,
               std::string name = {}, bool needs_confirmation = false)
      : runtime(runtime),
        id(std::move(id)),
        is_root(is_root),
        name(std::move(name)),
        needs_confirmation(needs_confirmation) {}

  Runtime runtime = Runtime::unknown;
  std::string id;        // full container id, as the runtime knows it
  bool is_root = false;  // the path is the container's own cgroup, not a sub-cgroup of it
  // The machine's name as the path spells it (nspawn, libvirt-lxc, lxc); empty for runtimes
  // whose paths carry only an id. libvirt's id ("lxc-4242-web") is not its domain name ("web").
  std::string name;
  // A candidate: a 64-hex id that no rule claims (a custom --cgroup-parent). It is a container
  // only once a runtime confirms the id; its runtime is unknown until then.
  bool needs_confirmation = false;

  bool operator==(const ContainerRef&) const = default;
};

// Whether container_from_cgroup_path() returns candidates (ContainerRef::needs_confirmation).
enum class Candidates { exclude, include };

// Maps a cgroup path (relative to the hierarchy root, like "/docker/<id>", or an
// absolute cgroupfs path such as "/sys/fs/cgroup/unified/docker/<id>") to the
// innermost container it belongs to. Returns nullopt for paths of no container.
std::optional<ContainerRef> container_from_cgroup_path(std::string_view path,
                                                       Candidates candidates = Candidates::exclude);

// The part of `path` that lies inside the cgroup hierarchy: drops the "N:controllers:" prefix of a
// /proc/<pid>/cgroup line, and a "/sys/fs/cgroup" mount point together with its v1 hierarchy name
// ("memory", "cpu,cpuacct", "unified", "systemd", ...). Other paths come back unchanged.
std::string_view relative_cgroup_path(std::string_view path);

}  // namespace tracker
