#include "cgroup/hierarchy.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <fstream>
#include <sstream>

namespace tracker {
namespace {

std::vector<std::string_view> split(std::string_view text, char separator) {
  std::vector<std::string_view> parts;
  while (true) {
    auto at = text.find(separator);
    parts.push_back(text.substr(0, at));
    if (at == std::string_view::npos) break;
    text.remove_prefix(at + 1);
  }
  return parts;
}

// mountinfo escapes blanks in paths as \040 and the like.
std::string unescape(std::string_view text) {
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\\' && i + 3 < text.size()) {
      auto digits = text.substr(i + 1, 3);
      if (digits.size() == 3 &&
          std::all_of(digits.begin(), digits.end(), [](char c) { return c >= '0' && c <= '7'; })) {
        out.push_back(
            static_cast<char>((digits[0] - '0') * 64 + (digits[1] - '0') * 8 + (digits[2] - '0')));
        i += 3;
        continue;
      }
    }
    out.push_back(text[i]);
  }
  return out;
}

constexpr std::array<std::pair<std::string_view, V1Controller>, 4> kV1Preference = {{
    {"memory", V1Controller::memory},
    {"cpuset", V1Controller::cpuset},
    {"pids", V1Controller::pids},
    {"cpu", V1Controller::cpu},
}};

bool is_v1_controller(std::string_view option) {
  static constexpr std::array<std::string_view, 15> kControllers = {
      "cpu",   "cpuacct",    "cpuset",  "memory", "devices", "freezer", "net_cls", "net_prio",
      "blkio", "perf_event", "hugetlb", "pids",   "rdma",    "misc",    "debug"};
  return std::find(kControllers.begin(), kControllers.end(), option) != kControllers.end();
}

std::string read_file(const char* path) {
  std::ifstream in(path);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

}  // namespace

int mount_rank(const CgroupMount& mount) {
  return (mount.root == "/" ? 2 : 0) + (mount.mount_point.starts_with("/sys/fs/cgroup") ? 1 : 0);
}

std::string_view to_string(CgroupLayout layout) {
  switch (layout) {
    case CgroupLayout::v2:
      return "v2";
    case CgroupLayout::hybrid:
      return "hybrid";
    case CgroupLayout::v1:
      return "v1";
  }
  return "?";
}

std::string_view to_string(V1Controller controller) {
  for (auto& [name, value] : kV1Preference)
    if (value == controller) return name;
  return "unified";
}

std::vector<CgroupMount> parse_cgroup_mounts(std::string_view mountinfo) {
  std::vector<CgroupMount> mounts;
  for (auto line : split(mountinfo, '\n')) {
    // id parent major:minor root mount-point options [optional...] - fstype source super-options
    auto fields = split(line, ' ');
    auto dash = std::find(fields.begin(), fields.end(), "-");
    if (fields.size() < 5 || dash == fields.end() || dash + 3 > fields.end()) continue;
    std::string_view fstype = *(dash + 1);
    if (fstype != "cgroup" && fstype != "cgroup2") continue;
    CgroupMount mount;
    mount.root = unescape(fields[3]);
    mount.mount_point = unescape(fields[4]);
    mount.v2 = fstype == "cgroup2";
    if (!mount.v2) {
      for (auto option : split(*(dash + 3), ','))
        if (is_v1_controller(option)) mount.controllers.emplace_back(option);
    }
    mounts.push_back(std::move(mount));
  }
  return mounts;
}

std::vector<std::pair<std::string, std::uint32_t>> parse_proc_cgroups(std::string_view text) {
  std::vector<std::pair<std::string, std::uint32_t>> result;
  for (auto line : split(text, '\n')) {
    if (line.empty() || line.front() == '#') continue;
    auto fields = split(line, '\t');
    if (fields.size() < 4 || fields[3] != "1") continue;
    std::uint32_t id = 0;
    auto [ptr, ec] = std::from_chars(fields[1].data(), fields[1].data() + fields[1].size(), id);
    if (ec != std::errc{}) continue;
    result.emplace_back(std::string(fields[0]), id);
  }
  return result;
}

HierarchyChoice choose_hierarchy(std::string_view mountinfo, std::string_view proc_cgroups,
                                 std::string_view preference) {
  auto mounts = parse_cgroup_mounts(mountinfo);
  const CgroupMount* unified = nullptr;
  bool any_v1_controller = false;
  for (auto& mount : mounts) {
    if (mount.v2 && (!unified || mount_rank(mount) > mount_rank(*unified))) unified = &mount;
    if (!mount.v2 && !mount.controllers.empty()) any_v1_controller = true;
  }
  CgroupLayout layout = !any_v1_controller ? CgroupLayout::v2
                        : unified          ? CgroupLayout::hybrid
                                           : CgroupLayout::v1;
  if (mounts.empty()) return {std::nullopt, "no cgroup filesystem is mounted"};

  auto track_unified = [&]() -> HierarchyChoice {
    if (!unified) return {std::nullopt, "no cgroup2 (unified) hierarchy is mounted"};
    return {TrackedHierarchy{layout, unified->mount_point, 0, V1Controller::none, unified->root},
            {}};
  };
  auto track_controller = [&](std::string_view name, V1Controller controller) -> HierarchyChoice {
    auto ids = parse_proc_cgroups(proc_cgroups);
    auto id =
        std::find_if(ids.begin(), ids.end(), [&](auto& entry) { return entry.first == name; });
    const CgroupMount* best = nullptr;
    for (auto& mount : mounts) {
      if (mount.v2 || std::find(mount.controllers.begin(), mount.controllers.end(), name) ==
                          mount.controllers.end())
        continue;
      if (!best || mount_rank(mount) > mount_rank(*best)) best = &mount;
    }
    if (best) {
      if (id == ids.end() || id->second == 0)
        return {std::nullopt, fmt::format("cgroup controller '{}' is not enabled", name)};
      return {TrackedHierarchy{layout, best->mount_point, id->second, controller, best->root}, {}};
    }
    return {std::nullopt, fmt::format("cgroup controller '{}' is not mounted as cgroup v1", name)};
  };

  if (preference == "unified") return track_unified();
  for (auto& [name, controller] : kV1Preference)
    if (preference == name) return track_controller(name, controller);
  if (preference != "auto")
    return {std::nullopt,
            fmt::format("unknown cgroup hierarchy '{}' (auto, unified, memory, cpuset, pids, cpu)",
                        preference)};

  if (unified) return track_unified();
  std::string errors;
  for (auto& [name, controller] : kV1Preference) {
    auto choice = track_controller(name, controller);
    if (choice.hierarchy) return choice;
    errors += (errors.empty() ? "" : "; ") + choice.error;
  }
  return {std::nullopt, "no usable cgroup hierarchy: " + errors};
}

HierarchyChoice detect_hierarchy(std::string_view preference) {
  return choose_hierarchy(read_file("/proc/self/mountinfo"), read_file("/proc/cgroups"),
                          preference);
}

}  // namespace tracker
