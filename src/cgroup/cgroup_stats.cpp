#include "cgroup/cgroup_stats.h"

#include <unistd.h>

#include <algorithm>
#include <charconv>

#include "cgroup/proc_cgroup.h"
#include "cgroup/walker.h"
#include "util/files.h"

namespace tracker {
namespace {

std::string_view trimmed(std::string_view text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.remove_suffix(1);
  return text;
}

std::optional<std::uint64_t> parse_number(std::string_view text) {
  std::uint64_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

// A file holding one number; "max" (no limit) and anything else are nullopt.
std::optional<std::uint64_t> number_in(const std::string& directory, const char* file) {
  if (directory.empty()) return std::nullopt;
  auto text = read_file(directory + "/" + file);
  if (!text) return std::nullopt;
  return parse_number(trimmed(*text));
}

// A "key value" line of a flat-keyed file such as cpu.stat.
std::optional<std::uint64_t> keyed_number_in(const std::string& directory, const char* file,
                                             std::string_view key) {
  if (directory.empty()) return std::nullopt;
  auto text = read_file(directory + "/" + file);
  if (!text) return std::nullopt;
  std::string_view rest = *text;
  while (!rest.empty()) {
    auto end = rest.find('\n');
    auto line = rest.substr(0, end);
    rest.remove_prefix(end == std::string_view::npos ? rest.size() : end + 1);
    if (line.starts_with(key) && line.size() > key.size() && line[key.size()] == ' ')
      return parse_number(trimmed(line.substr(key.size() + 1)));
  }
  return std::nullopt;
}

template <typename... Candidates>
std::optional<std::uint64_t> first_known(Candidates... candidates) {
  std::optional<std::uint64_t> value;
  ((value = value ? value : candidates()), ...);
  return value;
}

std::string v1_directory(const CgroupDirectories& directories, const std::string& controller) {
  auto found = directories.v1.find(controller);
  return found == directories.v1.end() ? std::string() : found->second;
}

// v1 has no "max": an unlimited memory cgroup reads as PAGE_COUNTER_MAX pages,
// just under 2^63 bytes whatever the page size. No real limit comes near 2^62.
constexpr std::uint64_t kV1NoMemoryLimit = std::uint64_t{1} << 62;

// The lines of `file` in the cgroup at `directory` and every cgroup below it.
std::uint64_t count_lines_below(const std::string& directory, const char* file) {
  std::uint64_t lines = 0;
  std::string error;
  walk_cgroups(
      directory, "/",
      [&](const CgroupDir& dir) {
        if (auto text = read_file(dir.directory + "/" + file))
          lines += static_cast<std::uint64_t>(std::count(text->begin(), text->end(), '\n'));
      },
      error);
  return lines;
}

}  // namespace

CgroupDirectories locate_cgroup(const std::vector<CgroupMount>& mounts, std::string_view path,
                                std::string_view member_cgroups) {
  auto member = parse_proc_pid_cgroup(member_cgroups);
  std::vector<const CgroupMount*> ranked;
  for (auto& mount : mounts) ranked.push_back(&mount);
  std::stable_sort(ranked.begin(), ranked.end(), [](const CgroupMount* a, const CgroupMount* b) {
    return mount_rank(*a) > mount_rank(*b);
  });

  CgroupDirectories result;
  for (const auto* mount : ranked) {
    if (!mount->v2 && mount->controllers.empty()) continue;  // a named hierarchy
    std::string in_hierarchy(path);
    for (auto& line : member) {
      bool same = mount->v2 ? line.hierarchy_id == 0 && line.controllers.empty()
                            : std::find(line.controllers.begin(), line.controllers.end(),
                                        mount->controllers.front()) != line.controllers.end();
      if (same) in_hierarchy = line.path;
    }
    auto directory = cgroup_directory(mount->mount_point, mount->root, in_hierarchy);
    if (!directory) continue;
    if (mount->v2) {
      if (result.unified.empty()) result.unified = *directory;
    } else {
      for (auto& controller : mount->controllers) result.v1.try_emplace(controller, *directory);
    }
  }
  return result;
}

CgroupFigures read_cgroup_figures(const CgroupDirectories& d) {
  const auto& unified = d.unified;
  auto pids = v1_directory(d, "pids");
  auto memory = v1_directory(d, "memory");
  auto cpuacct = v1_directory(d, "cpuacct");

  CgroupFigures figures;
  figures.tasks_current = first_known(
      [&] { return number_in(unified, "pids.current"); },
      [&] { return number_in(pids, "pids.current"); },
      [&]() -> std::optional<std::uint64_t> {
        if (!unified.empty() && access((unified + "/cgroup.threads").c_str(), R_OK) == 0)
          return count_lines_below(unified, "cgroup.threads");
        for (auto& [controller, directory] : d.v1)
          if (access((directory + "/tasks").c_str(), R_OK) == 0)
            return count_lines_below(directory, "tasks");
        return std::nullopt;
      });
  figures.tasks_max = first_known([&] { return number_in(unified, "pids.max"); },
                                  [&] { return number_in(pids, "pids.max"); });
  figures.memory_current = first_known([&] { return number_in(unified, "memory.current"); },
                                       [&] { return number_in(memory, "memory.usage_in_bytes"); });
  figures.memory_peak = first_known([&] { return number_in(unified, "memory.peak"); },
                                    [&] { return number_in(memory, "memory.max_usage_in_bytes"); });
  figures.memory_max = first_known([&] { return number_in(unified, "memory.max"); },
                                   [&]() -> std::optional<std::uint64_t> {
                                     auto limit = number_in(memory, "memory.limit_in_bytes");
                                     if (limit && *limit >= kV1NoMemoryLimit) return std::nullopt;
                                     return limit;
                                   });
  figures.cpu_usage_nsec = first_known(
      [&]() -> std::optional<std::uint64_t> {
        auto usec = keyed_number_in(unified, "cpu.stat", "usage_usec");
        if (usec) return *usec * 1000;
        return std::nullopt;
      },
      [&] { return number_in(cpuacct, "cpuacct.usage"); });
  return figures;
}

std::vector<CgroupProcess> read_cgroup_processes(const std::string& directory,
                                                 const std::string& proc_root, std::size_t limit) {
  std::vector<std::uint32_t> pids;
  std::string error;
  walk_cgroups(
      directory, "/",
      [&](const CgroupDir& dir) {
        auto text = read_file(dir.directory + "/cgroup.procs");
        if (!text) return;
        std::string_view rest = *text;
        while (!rest.empty() && pids.size() < limit) {
          auto end = rest.find('\n');
          if (auto pid = parse_number(rest.substr(0, end)); pid && *pid <= UINT32_MAX)
            pids.push_back(static_cast<std::uint32_t>(*pid));
          rest.remove_prefix(end == std::string_view::npos ? rest.size() : end + 1);
        }
      },
      error);
  std::sort(pids.begin(), pids.end());
  pids.erase(std::unique(pids.begin(), pids.end()), pids.end());

  std::vector<CgroupProcess> processes;
  processes.reserve(pids.size());
  for (auto pid : pids) {
    auto text = read_file(proc_root + "/" + std::to_string(pid) + "/stat");
    if (!text) continue;  // ended meanwhile
    auto stat = parse_proc_stat(trimmed(*text));
    if (!stat || stat->pid != pid) continue;
    processes.push_back({pid, stat->ppid, std::move(stat->comm)});
  }
  return processes;
}

std::optional<std::uint32_t> first_cgroup_process(const std::string& directory) {
  auto text = read_file(directory + "/cgroup.procs");
  if (!text) return std::nullopt;
  std::string_view first = *text;
  auto pid = parse_number(first.substr(0, first.find('\n')));
  if (!pid || *pid > UINT32_MAX) return std::nullopt;
  return static_cast<std::uint32_t>(*pid);
}

}  // namespace tracker
