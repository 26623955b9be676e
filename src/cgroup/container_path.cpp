#include "cgroup/container_path.h"

#include <algorithm>
#include <charconv>
#include <cstddef>

#include "cgroup/path_rule.h"

namespace tracker {
namespace path_rule {

bool is_hex_id(std::string_view s) {
  return s.size() == kHexIdLength && std::all_of(s.begin(), s.end(), is_hex_digit);
}

bool all_digits(std::string_view s) {
  return std::all_of(s.begin(), s.end(), is_digit);
}

}  // namespace path_rule

namespace {

using namespace path_rule;

constexpr std::size_t kMaxContainerdIdLength = 76;
constexpr std::size_t kEcsTaskIdLength = 32;
constexpr std::size_t kMaxEcsSuffixDigits = 20;
constexpr std::string_view kScope = ".scope";

// 'x' in `shape` stands for a lower-case hex digit, any other character for itself.
bool has_shape(std::string_view s, std::string_view shape) {
  if (s.size() != shape.size()) return false;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (shape[i] == 'x' ? !is_hex_digit(s[i]) : s[i] != shape[i]) return false;
  }
  return true;
}

constexpr std::string_view kUuidShape = "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx";
constexpr std::string_view kSystemdUuidShape = "xxxxxxxx_xxxx_xxxx_xxxx_xxxxxxxxxxxx";
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

// A 64-hex id, bare or as "<id>.scope".
std::string_view hex_id_of(std::string_view s) {
  if (s.ends_with(kScope)) s.remove_suffix(kScope.size());
  return is_hex_id(s) ? s : std::string_view{};
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
    {"cri-containerd-", ".scope", false, Runtime::containerd},
    {"nerdctl-", ".scope", true, Runtime::containerd},
    {"crio-", ".scope", false, Runtime::crio},
    {"libpod-", ".scope", false, Runtime::podman},
    // cephadm runs each Ceph daemon as podman --cgroups=split inside its own service.
    {"libpod-payload-", ".scope", false, Runtime::podman},
};

constexpr std::string_view kCriContainerdInfix = ":cri-containerd:";

// containerd namespaces whose containers may have names rather than hex ids.
constexpr std::string_view kWellKnownNamespaces[] = {"default", "k8s.io", "moby", "buildkit"};

// Parents of a bare 64-hex component that belong to layouts of their own, not containerd's.
constexpr std::string_view kNotNamespaces[] = {"kubepods", "garden", "libpod_parent", "ecs"};

template <typename Range>
bool contains(const Range& range, std::string_view value) {
  return std::find(std::begin(range), std::end(range), value) != std::end(range);
}

bool is_systemd_unit(std::string_view name) {
  return name.ends_with(".slice") || name.ends_with(".scope") || name.ends_with(".service") ||
         name.ends_with(".mount");
}

bool is_containerd_namespace(std::string_view name) {
  return is_containerd_identifier(name) && !is_systemd_unit(name) &&
         !contains(kNotNamespaces, name);
}

// "pod<uid>" with a UUID, or the md5 hex kubelet gives static pods.
bool is_pod_uid(std::string_view uid) {
  return has_shape(uid, kUuidShape) || has_shape(uid, kStaticPodUidShape);
}

bool is_pod_cgroup(std::string_view name) {
  return name.starts_with("pod") && is_pod_uid(name.substr(3));
}

// The systemd driver's "kubepods[-<qos>]-pod<uid>.slice" ("-" in the uid escaped as "_"),
// also with kind's "kubelet-" in front.
bool is_pod_slice(std::string_view name) {
  if (!name.ends_with(".slice") || !(name.starts_with("kubepods") || name.starts_with("kubelet-")))
    return false;
  name.remove_suffix(6);
  auto pod = name.rfind("-pod");
  if (pod == std::string_view::npos) return false;
  auto uid = name.substr(pod + 4);
  return has_shape(uid, kSystemdUuidShape) || has_shape(uid, kStaticPodUidShape);
}

bool is_kubepods_container(const Position& at) {
  if (!is_pod_cgroup(at.ancestor(1))) return false;
  auto qos = at.ancestor(2);
  if (qos == "kubepods") return true;  // guaranteed QoS
  return (qos == "burstable" || qos == "besteffort") && at.ancestor(3) == "kubepods";
}

// AWS Fargate (platform 1.4+) names a task's containers "<task id>-<number>".
bool is_fargate_container_id(std::string_view s) {
  auto dash = s.find('-');
  if (dash != kEcsTaskIdLength || !has_shape(s.substr(0, dash), kStaticPodUidShape)) return false;
  auto digits = s.substr(dash + 1);
  return !digits.empty() && digits.size() <= kMaxEcsSuffixDigits && all_digits(digits);
}

Verdict match_affix(std::string_view name) {
  for (const auto& rule : kAffixRules) {
    std::string_view id = name;
    if (!id.starts_with(rule.prefix)) continue;
    id.remove_prefix(rule.prefix.size());
    if (id.ends_with(rule.suffix)) {
      id.remove_suffix(rule.suffix.size());
    } else if (rule.suffix_required) {
      continue;
    }
    if (is_hex_id(id)) return Verdict::found(rule.runtime, id);
  }
  if (auto pos = name.rfind(kCriContainerdInfix); pos != std::string_view::npos) {
    auto id = name.substr(pos + kCriContainerdInfix.size());
    if (is_hex_id(id)) return Verdict::found(Runtime::containerd, id);
  }
  return Verdict::none();
}

// Layouts known by the component's parents.
Verdict match_parents(const Position& at) {
  auto name = at.name();
  auto parent = at.ancestor(1);
  if (parent == "docker" || parent == "actions_job") {
    if (auto id = hex_id_of(name); !id.empty()) return Verdict::found(Runtime::docker, id);
  } else if (parent == "garden") {
    if (is_garden_id(name)) return Verdict::found(Runtime::garden, name);
  } else if (is_kubepods_container(at) || is_pod_slice(parent)) {
    if (is_hex_id(name)) return Verdict::found(Runtime::unknown, name);
  } else if (at.at == 1 && is_containerd_namespace(parent)) {
    if (is_hex_id(name) || (contains(kWellKnownNamespaces, parent) &&
                            is_containerd_identifier(name) && !is_systemd_unit(name))) {
      return Verdict::found(Runtime::containerd, name);
    }
  }
  // Amazon ECS gives each task a cgroup parent below /ecs ("/ecs/<task>/<id>", older agents
  // "/ecs/<cluster>/<task>/<id>"): Docker's ids on EC2, Fargate's own below 1.4.
  if (at.at > 0 && at.parts.front() == "ecs") {
    if (auto id = hex_id_of(name); !id.empty()) return Verdict::found(Runtime::docker, id);
    if (is_fargate_container_id(name)) return Verdict::found(Runtime::unknown, name);
  }
  return Verdict::none();
}

Verdict match_component(const Position& at) {
  // Slices group units; mount units hold no processes.
  if (at.name().ends_with(".slice") || at.name().ends_with(".mount")) return Verdict::none();
  if (auto verdict = match_affix(at.name()); verdict.kind != Verdict::Kind::none) return verdict;
  if (auto verdict = match_machine(at); verdict.kind != Verdict::Kind::none) return verdict;
  return match_parents(at);
}

// The id of a component that may be a container below a parent no rule knows: a 64-hex id,
// bare, as "<id>.scope" or as "<prefix>-<id>.scope" (runc's "runc-<id>.scope", custom
// runtimes); never a runtime's monitor.
std::string_view candidate_id(std::string_view name) {
  if (is_hex_id(name)) return name;
  if (!name.ends_with(kScope)) return {};
  name.remove_suffix(kScope.size());
  if (is_hex_id(name)) return name;
  if (name.size() <= kHexIdLength + 1 || name[name.size() - kHexIdLength - 1] != '-') return {};
  auto prefix = name.substr(0, name.size() - kHexIdLength - 1);
  if (prefix.ends_with("conmon")) return {};
  auto id = name.substr(name.size() - kHexIdLength);
  return is_hex_id(id) ? id : std::string_view{};
}

// Never below a login session or a system service: what lives there is the host's.
// The user manager (user@<uid>.service) is where rootless runtimes put their containers.
bool may_hold_candidate(const Position& at) {
  for (std::size_t i = 0; i < at.at; ++i) {
    auto part = at.parts[i];
    if (part.starts_with("session-") && part.ends_with(kScope)) return false;
    if (part == "init.scope") return false;
    if (part.ends_with(".service") && !part.starts_with("user@")) return false;
  }
  return true;
}

// Removes and returns the last non-empty component of `path`, or "" when none is left.
std::string_view pop_last(std::string_view& path) {
  while (!path.empty() && path.back() == '/') path.remove_suffix(1);
  auto slash = path.rfind('/');
  auto name = slash == std::string_view::npos ? path : path.substr(slash + 1);
  path.remove_suffix(name.size());
  return name;
}

Components split(std::string_view path) {
  Components parts;
  for (auto name = pop_last(path); !name.empty(); name = pop_last(path)) parts.push_back(name);
  std::reverse(parts.begin(), parts.end());
  return parts;
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

// The uid of "user@<uid>.service".
std::optional<std::uint32_t> user_manager_uid(std::string_view name) {
  constexpr std::string_view kPrefix = "user@";
  constexpr std::string_view kService = ".service";
  if (!name.starts_with(kPrefix) || !name.ends_with(kService)) return std::nullopt;
  auto digits = name.substr(kPrefix.size(), name.size() - kPrefix.size() - kService.size());
  std::uint32_t uid = 0;
  auto [end, error] = std::from_chars(digits.data(), digits.data() + digits.size(), uid);
  if (digits.empty() || !all_digits(digits) || error != std::errc{} ||
      end != digits.data() + digits.size())
    return std::nullopt;
  return uid;
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
    case Runtime::nspawn:
      return "nspawn";
    case Runtime::libvirt_lxc:
      return "libvirt-lxc";
    case Runtime::lxc:
      return "lxc";
    case Runtime::unknown:
      break;
  }
  return "unknown";
}

std::optional<Runtime> runtime_from_string(std::string_view name) {
  for (auto runtime : {Runtime::docker, Runtime::containerd, Runtime::crio, Runtime::podman,
                       Runtime::garden, Runtime::nspawn, Runtime::libvirt_lxc, Runtime::lxc}) {
    if (name == to_string(runtime)) return runtime;
  }
  if (name == "cri-o") return Runtime::crio;
  return std::nullopt;
}

std::string_view relative_cgroup_path(std::string_view path) {
  if (path.ends_with('\n')) path.remove_suffix(1);
  return strip_cgroupfs_mount(strip_proc_line_prefix(path));
}

std::optional<ContainerRef> container_from_cgroup_path(std::string_view path,
                                                       Candidates candidates) {
  auto parts = split(relative_cgroup_path(path));
  std::optional<ContainerRef> candidate;
  for (std::size_t i = parts.size(); i-- > 0;) {
    Position at{parts, i};
    bool innermost = i + 1 == parts.size();
    auto verdict = match_component(at);
    if (verdict.kind == Verdict::Kind::not_container) return std::nullopt;
    if (verdict.kind == Verdict::Kind::container) {
      return ContainerRef{verdict.runtime, std::move(verdict.id), innermost,
                          std::move(verdict.name), false};
    }
    if (candidates == Candidates::include && !candidate) {
      if (auto id = candidate_id(at.name()); !id.empty() && may_hold_candidate(at))
        candidate = ContainerRef{Runtime::unknown, std::string(id), innermost, {}, true};
    }
  }
  return candidate;
}

bool cgroup_path_below(std::string_view path, std::string_view ancestor) {
  auto parts = split(relative_cgroup_path(path));
  auto above = split(relative_cgroup_path(ancestor));
  return above.size() < parts.size() && std::equal(above.begin(), above.end(), parts.begin());
}

bool same_cgroup_path(std::string_view a, std::string_view b) {
  return split(relative_cgroup_path(a)) == split(relative_cgroup_path(b));
}

std::string_view parent_cgroup_path(std::string_view path) {
  path = relative_cgroup_path(path);
  pop_last(path);
  while (!path.empty() && path.back() == '/') path.remove_suffix(1);
  return path;
}

std::optional<UserManager> outermost_user_manager(std::string_view path) {
  for (auto part : split(relative_cgroup_path(path))) {
    if (auto uid = user_manager_uid(part)) {
      auto above = path.substr(0, static_cast<std::size_t>(part.data() - path.data()));
      while (!above.empty() && above.back() == '/') above.remove_suffix(1);
      return UserManager{*uid, above};
    }
  }
  return std::nullopt;
}

}  // namespace tracker
