#include "cgroup/container_path.h"

#include <algorithm>
#include <cstddef>

namespace tracker {
namespace {

constexpr std::size_t kHexIdLength = 64;
constexpr std::size_t kMaxContainerdIdLength = 76;

bool is_hex_digit(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
}
bool is_digit(char c) {
  return c >= '0' && c <= '9';
}
bool is_alnum(char c) {
  return is_digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

// Runtimes write ids in lower-case hex; anything else is not theirs.
bool is_hex_id(std::string_view s) {
  return s.size() == kHexIdLength && std::all_of(s.begin(), s.end(), is_hex_digit);
}

// 'x' in `shape` stands for a lower-case hex digit, any other character for itself.
bool has_shape(std::string_view s, std::string_view shape) {
  if (s.size() != shape.size()) return false;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (shape[i] == 'x' ? !is_hex_digit(s[i]) : s[i] != shape[i]) return false;
  }
  return true;
}

constexpr std::string_view kUuidShape = "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx";
constexpr std::string_view kGardenShape = "xxxxxxxx-xxxx-xxxx-xxxx-xxxx";
constexpr std::string_view kStaticPodUidShape = "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx";

bool is_garden_id(std::string_view s) {
  return has_shape(s, kGardenShape) || has_shape(s, kUuidShape);
}

bool is_containerd_identifier(std::string_view s) {
  return !s.empty() && s.size() <= kMaxContainerdIdLength && is_alnum(s.front()) &&
         std::all_of(s.begin(), s.end(),
                     [](char c) { return is_alnum(c) || c == '_' || c == '.' || c == '-'; });
}

// "<prefix><id><suffix>" names a container of `runtime` when the id is 64 hex digits. The
// runtimes' monitors (crio-conmon-<id>, libpod-conmon-<id>) fail that test and fall through.
struct AffixRule {
  std::string_view prefix;
  std::string_view suffix;
  bool suffix_required;
  Runtime runtime;
};

constexpr AffixRule kAffixRules[] = {
    {"docker-", ".scope", true, Runtime::docker},
    {"cri-containerd-", ".scope", true, Runtime::containerd},
    {"nerdctl-", ".scope", true, Runtime::containerd},
    {"crio-", ".scope", false, Runtime::crio},
    {"libpod-", ".scope", false, Runtime::podman},
};

constexpr std::string_view kCriContainerdInfix = ":cri-containerd:";

// containerd namespaces whose containers may have names rather than hex ids.
constexpr std::string_view kWellKnownNamespaces[] = {"default", "k8s.io", "moby", "buildkit"};

// Parents of a bare 64-hex component that belong to layouts of their own, not containerd's.
constexpr std::string_view kNotNamespaces[] = {"kubepods", "garden", "libpod_parent"};

template <typename Range>
bool contains(const Range& range, std::string_view value) {
  return std::find(std::begin(range), std::end(range), value) != std::end(range);
}

bool is_systemd_unit(std::string_view name) {
  return name.ends_with(".slice") || name.ends_with(".scope") || name.ends_with(".service");
}

bool is_containerd_namespace(std::string_view name) {
  return is_containerd_identifier(name) && !is_systemd_unit(name) &&
         !contains(kNotNamespaces, name);
}

// "pod<uid>" with a UUID, or the md5 hex kubelet gives static pods.
bool is_pod_cgroup(std::string_view name) {
  if (!name.starts_with("pod")) return false;
  name.remove_prefix(3);
  return has_shape(name, kUuidShape) || has_shape(name, kStaticPodUidShape);
}

// A component and its nearest ancestors; an ancestor above the hierarchy root is "".
struct Window {
  std::string_view name;
  std::string_view parent;
  std::string_view grandparent;
  std::string_view great_grandparent;
};

bool is_kubepods_container(const Window& w) {
  if (!is_pod_cgroup(w.parent)) return false;
  if (w.grandparent == "kubepods") return true;  // guaranteed QoS
  return (w.grandparent == "burstable" || w.grandparent == "besteffort") &&
         w.great_grandparent == "kubepods";
}

struct Match {
  Runtime runtime;
  std::string_view id;
};

std::optional<Match> match_component(const Window& w) {
  for (const auto& rule : kAffixRules) {
    std::string_view id = w.name;
    if (!id.starts_with(rule.prefix)) continue;
    id.remove_prefix(rule.prefix.size());
    if (id.ends_with(rule.suffix)) {
      id.remove_suffix(rule.suffix.size());
    } else if (rule.suffix_required) {
      continue;
    }
    if (is_hex_id(id)) return Match{rule.runtime, id};
  }
  if (auto pos = w.name.rfind(kCriContainerdInfix); pos != std::string_view::npos) {
    auto id = w.name.substr(pos + kCriContainerdInfix.size());
    if (is_hex_id(id)) return Match{Runtime::containerd, id};
  }

  if (w.parent == "docker" || w.parent == "actions_job") {
    if (is_hex_id(w.name)) return Match{Runtime::docker, w.name};
  } else if (w.parent == "garden") {
    if (is_garden_id(w.name)) return Match{Runtime::garden, w.name};
  } else if (is_kubepods_container(w)) {
    if (is_hex_id(w.name)) return Match{Runtime::unknown, w.name};
  } else if (w.grandparent.empty() && is_containerd_namespace(w.parent)) {
    if (is_hex_id(w.name) ||
        (contains(kWellKnownNamespaces, w.parent) && is_containerd_identifier(w.name))) {
      return Match{Runtime::containerd, w.name};
    }
  }
  return std::nullopt;
}

// Removes and returns the last non-empty component of `path`, or "" when none is left.
std::string_view pop_last(std::string_view& path) {
  while (!path.empty() && path.back() == '/') path.remove_suffix(1);
  auto slash = path.rfind('/');
  auto name = slash == std::string_view::npos ? path : path.substr(slash + 1);
  path.remove_suffix(name.size());
  return name;
}

// "<hierarchy id>:<controllers>:<path>", a line of /proc/<pid>/cgroup.
std::string_view strip_proc_line_prefix(std::string_view line) {
  auto first = line.find(':');
  if (first == 0 || first == std::string_view::npos ||
      !std::all_of(line.begin(), line.begin() + first, is_digit)) {
    return line;
  }
  auto second = line.find(':', first + 1);
  if (second == std::string_view::npos ||
      line.substr(first + 1, second - first - 1).find('/') != std::string_view::npos) {
    return line;
  }
  return line.substr(second + 1);
}

constexpr std::string_view kCgroupfsRoot = "/sys/fs/cgroup";

constexpr std::string_view kV1Controllers[] = {
    "cpu",      "cpuacct", "cpuset",     "memory",  "devices", "freezer", "net_cls",
    "net_prio", "blkio",   "perf_event", "hugetlb", "pids",    "rdma",    "misc",
};

// A v1 hierarchy's mount directory: "memory", "cpu,cpuacct", "systemd", "unified", ...
bool is_v1_mount_name(std::string_view name) {
  if (name == "unified" || name == "systemd" || name.starts_with("name=")) return true;
  for (;;) {
    auto comma = name.find(',');
    if (!contains(kV1Controllers, name.substr(0, comma))) return false;
    if (comma == std::string_view::npos) return true;
    name.remove_prefix(comma + 1);
  }
}

std::string_view strip_cgroupfs_mount(std::string_view path) {
  if (!path.starts_with(kCgroupfsRoot)) return path;
  auto rest = path.substr(kCgroupfsRoot.size());
  if (!rest.empty() && rest.front() != '/') return path;  // e.g. "/sys/fs/cgroupx"
  auto inner = rest;
  while (inner.starts_with('/')) inner.remove_prefix(1);
  auto first = inner.substr(0, inner.find('/'));
  return is_v1_mount_name(first) ? inner.substr(first.size()) : rest;
}

}  // namespace

std::string_view to_string(Runtime runtime) {
  switch (runtime) {
    case Runtime::docker:
      return "docker";
    case Runtime::containerd:
      return "containerd";
    case Runtime::crio:
      return "crio";
    case Runtime::podman:
      return "podman";
    case Runtime::garden:
      return "garden";
    case Runtime::unknown:
      break;
  }
  return "unknown";
}

std::optional<Runtime> runtime_from_string(std::string_view name) {
  if (name == "docker") return Runtime::docker;
  if (name == "containerd") return Runtime::containerd;
  if (name == "crio" || name == "cri-o") return Runtime::crio;
  if (name == "podman") return Runtime::podman;
  if (name == "garden") return Runtime::garden;
  return std::nullopt;
}

std::string_view relative_cgroup_path(std::string_view path) {
  if (path.ends_with('\n')) path.remove_suffix(1);
  return strip_cgroupfs_mount(strip_proc_line_prefix(path));
}

std::optional<ContainerRef> container_from_cgroup_path(std::string_view path) {
  auto rest = relative_cgroup_path(path);
  for (bool innermost = true;; innermost = false) {
    Window w;
    w.name = pop_last(rest);
    if (w.name.empty()) return std::nullopt;
    auto above = rest;
    w.parent = pop_last(above);
    w.grandparent = pop_last(above);
    w.great_grandparent = pop_last(above);
    if (auto match = match_component(w)) {
      return ContainerRef{match->runtime, std::string(match->id), innermost};
    }
  }
}

}  // namespace tracker
