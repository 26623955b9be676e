#include "cgroup/proc_cgroup.h"

#include <charconv>

namespace tracker {
namespace {

template <typename Number>
std::optional<Number> number(std::string_view text) {
  Number value{};
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || text.empty()) return std::nullopt;
  return value;
}

std::string_view without_trailing_slashes(std::string_view path) {
  while (path.size() > 1 && path.back() == '/') path.remove_suffix(1);
  return path;
}

}  // namespace

std::vector<ProcCgroupLine> parse_proc_pid_cgroup(std::string_view text) {
  std::vector<ProcCgroupLine> lines;
  while (!text.empty()) {
    auto end = text.find('\n');
    auto line = text.substr(0, end);
    text.remove_prefix(end == std::string_view::npos ? text.size() : end + 1);
    auto first = line.find(':');
    if (first == std::string_view::npos) continue;
    auto second = line.find(':', first + 1);
    if (second == std::string_view::npos) continue;
    auto id = number<std::uint32_t>(line.substr(0, first));
    if (!id) continue;
    ProcCgroupLine parsed;
    parsed.hierarchy_id = *id;
    auto controllers = line.substr(first + 1, second - first - 1);
    while (!controllers.empty()) {
      auto comma = controllers.find(',');
      parsed.controllers.emplace_back(controllers.substr(0, comma));
      controllers.remove_prefix(comma == std::string_view::npos ? controllers.size() : comma + 1);
    }
    parsed.path = std::string(line.substr(second + 1));
    lines.push_back(std::move(parsed));
  }
  return lines;
}

std::optional<std::string> cgroup_path_in_hierarchy(std::string_view proc_pid_cgroup,
                                                    std::uint32_t hierarchy_id) {
  for (auto& line : parse_proc_pid_cgroup(proc_pid_cgroup))
    if (line.hierarchy_id == hierarchy_id) return line.path;
  return std::nullopt;
}

std::optional<std::string> cgroup_directory(std::string_view mount_point,
                                            std::string_view mount_root, std::string_view path) {
  if (!path.starts_with('/') || mount_point.empty()) return std::nullopt;
  mount_root = without_trailing_slashes(mount_root.empty() ? "/" : mount_root);
  path = without_trailing_slashes(path);
  mount_point = without_trailing_slashes(mount_point);
  std::string_view rest;
  if (mount_root == "/") {
    rest = path;
  } else if (path == mount_root) {
    rest = "/";
  } else if (path.starts_with(mount_root) && path[mount_root.size()] == '/') {
    rest = path.substr(mount_root.size());
  } else {
    return std::nullopt;
  }
  std::string directory(mount_point);
  if (rest != "/") {
    if (directory == "/") directory.clear();
    directory += rest;
  }
  return directory;
}

std::optional<std::string> parent_cgroup(std::string_view path) {
  path = without_trailing_slashes(path);
  if (!path.starts_with('/') || path == "/") return std::nullopt;
  auto slash = path.rfind('/');
  return slash == 0 ? std::string("/") : std::string(path.substr(0, slash));
}

std::optional<ProcStat> parse_proc_stat(std::string_view text) {
  auto open = text.find(" (");
  auto close = text.rfind(')');
  if (open == std::string_view::npos || close == std::string_view::npos || close < open + 2)
    return std::nullopt;
  auto pid = number<std::uint32_t>(text.substr(0, open));
  // ") S PPID "
  auto after = text.substr(close + 1);
  if (after.size() < 4 || after[0] != ' ' || after[2] != ' ') return std::nullopt;
  after.remove_prefix(3);
  auto ppid = number<std::uint32_t>(after.substr(0, after.find(' ')));
  if (!pid || !ppid) return std::nullopt;
  return ProcStat{*pid, *ppid, std::string(text.substr(open + 2, close - open - 2))};
}

}  // namespace tracker
