#pragma once

#include <cstdint>
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

// Whether the cgroup at `path` lies strictly below the one at `ancestor`, compared component by
// component ("/docker/abc" is not below "/docker/ab"), both through relative_cgroup_path().
bool cgroup_path_below(std::string_view path, std::string_view ancestor);
// Whether `a` and `b` name the same cgroup ("/docker/x" and "/docker/x/" do).
bool same_cgroup_path(std::string_view a, std::string_view b);
// The path of the cgroup's parent, a view into `path`; "" for the hierarchy root and its children.
std::string_view parent_cgroup_path(std::string_view path);

// The outermost user manager (user@<uid>.service) that `path` passes through. systemd delegates
// the subtree below it to that user, who may make any cgroup there, with any name.
struct UserManager {
  std::uint32_t uid = 0;
  std::string_view above;  // the path of the cgroup it lies in, a view into `path`
};
std::optional<UserManager> outermost_user_manager(std::string_view path);

}  // namespace tracker
