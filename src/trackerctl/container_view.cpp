#include "trackerctl/container_view.h"

#include <string.h>

#include <functional>
#include <limits>
#include <map>
#include <set>
#include <vector>

#include <fmt/format.h>

#include "trackerctl/commands.h"
#include "util/text.h"

namespace tracker::ctl {
namespace {

using Labels = std::map<std::string, std::string>;

constexpr std::uint64_t kUnknown = std::numeric_limits<std::uint64_t>::max();

Json::Value figure(const PropertyMap& p, const std::string& name) {
  auto value = property<std::uint64_t>(p, name, kUnknown);
  return value == kUnknown ? Json::Value() : Json::Value(Json::UInt64(value));
}

std::string signal_name(std::int32_t signal) {
  const char* abbrev = sigabbrev_np(signal);
  return abbrev ? fmt::format("SIG{}", abbrev) : fmt::format("signal {}", signal);
}

}  // namespace

std::string format_state(const StateView& view) {
  std::vector<std::string> details;
  if (view.state == "exited") {
    if (view.exit_code >= 0)
      details.push_back(std::to_string(view.exit_code));
    else if (view.exit_signal > 0)
      details.push_back(signal_name(view.exit_signal));
    if (view.oom_killed) details.emplace_back("oom");
  } else if (view.state == "running" && !view.health.empty()) {
    details.push_back(view.health);
  }
  if (details.empty()) return view.state;
  return fmt::format("{} ({})", view.state, fmt::join(details, ", "));
}

StateView state_of(const PropertyMap& p, const std::string& fallback_state) {
  StateView view;
  view.state = property<std::string>(p, "State", fallback_state);
  view.exit_code = property<std::int32_t>(p, "ExitCode", -1);
  view.exit_signal = property<std::int32_t>(p, "ExitSignal");
  view.oom_killed = property<bool>(p, "OOMKilled");
  view.health = property<std::string>(p, "Health");
  return view;
}

ContainerFacts facts_of(const PropertyMap& p) {
  return {property<std::string>(p, "Runtime"), property<std::string>(p, "Image"),
          property<std::string>(p, "Name"), property<std::string>(p, "PodNamespace"),
          property<Labels>(p, "Labels")};
}

std::optional<std::vector<ProcessRow>> processes_of(const PropertyMap& p) {
  using Wire = std::vector<sdbus::Struct<std::uint32_t, std::uint32_t, std::string>>;
  auto found = p.find("Processes");
  if (found == p.end() || !found->second.containsValueOfType<Wire>()) return std::nullopt;
  std::vector<ProcessRow> rows;
  for (const auto& process : found->second.get<Wire>())
    rows.push_back({process.get<0>(), process.get<1>(), process.get<2>()});
  return rows;
}

std::vector<std::string> process_tree(const std::vector<ProcessRow>& processes) {
  std::map<std::uint32_t, const ProcessRow*> by_pid;
  for (const auto& process : processes) by_pid.emplace(process.pid, &process);
  std::map<std::uint32_t, std::vector<const ProcessRow*>> children;  // by parent pid
  std::vector<const ProcessRow*> roots;
  for (const auto& [pid, process] : by_pid) {
    if (process->ppid != pid && by_pid.count(process->ppid))
      children[process->ppid].push_back(process);
    else
      roots.push_back(process);
  }
  std::vector<std::string> lines;
  // Depth first; a parent loop cannot happen among real processes, but the
  // depth is bounded all the same (each pid is drawn once).
  std::set<std::uint32_t> drawn;
  std::function<void(const ProcessRow&, const std::string&, bool)> draw =
      [&](const ProcessRow& process, const std::string& indent, bool last) {
        if (!drawn.insert(process.pid).second) return;
        lines.push_back(fmt::format("{}{}{} {}", indent, last ? "└─" : "├─", process.pid,
                                    escape_for_display(process.comm)));
        auto below = children.find(process.pid);
        if (below == children.end()) return;
        const auto& list = below->second;
        for (std::size_t i = 0; i < list.size(); ++i)
          draw(*list[i], indent + (last ? "  " : "│ "), i + 1 == list.size());
      };
  for (std::size_t i = 0; i < roots.size(); ++i) draw(*roots[i], "", i + 1 == roots.size());
  return lines;
}

Json::Value container_json(const PropertyMap& p, const std::string& path) {
  Json::Value c;
  auto origin = property<std::string>(p, "Origin");
  auto started = property<bool>(p, "Started");
  c["id"] = property<std::string>(p, "Id");
  c["name"] = property<std::string>(p, "Name");
  c["image"] = property<std::string>(p, "Image");
  c["imageDigest"] = property<std::string>(p, "ImageDigest");
  c["imageId"] = property<std::string>(p, "ImageId");
  Json::Value digests(Json::arrayValue);
  for (const auto& digest : property<std::vector<std::string>>(p, "RepoDigests"))
    digests.append(digest);
  c["repoDigests"] = digests;
  c["runtime"] = property<std::string>(p, "Runtime");
  c["origin"] = origin;
  c["started"] = started;
  c["state"] = property<std::string>(p, "State", container_state(origin, started));
  c["exitCode"] = property<std::int32_t>(p, "ExitCode", -1);
  c["exitSignal"] = property<std::int32_t>(p, "ExitSignal");
  c["oomKilled"] = property<bool>(p, "OOMKilled");
  c["health"] = property<std::string>(p, "Health");
  c["restartCount"] = Json::UInt(property<std::uint32_t>(p, "RestartCount"));
  c["composeProject"] = property<std::string>(p, "ComposeProject");
  c["composeService"] = property<std::string>(p, "ComposeService");
  c["ownerUid"] = Json::UInt(property<std::uint32_t>(p, "OwnerUID"));
  c["enrichment"] = property<std::string>(p, "Enrichment");
  c["cgroupPath"] = property<std::string>(p, "CgroupPath");
  c["cgroupId"] = Json::UInt64(property<std::uint64_t>(p, "CgroupId"));
  c["createdTimestamp"] = Json::UInt64(property<std::uint64_t>(p, "CreatedTimestamp"));
  c["startedTimestamp"] = Json::UInt64(property<std::uint64_t>(p, "StartedTimestamp"));
  c["initPid"] = Json::UInt(property<std::uint32_t>(p, "InitPid"));
  Json::Value labels(Json::objectValue);
  for (const auto& [key, value] : property<Labels>(p, "Labels")) labels[key] = value;
  c["labels"] = labels;
  c["podName"] = property<std::string>(p, "PodName");
  c["podNamespace"] = property<std::string>(p, "PodNamespace");
  c["podUID"] = property<std::string>(p, "PodUID");
  c["podSandbox"] = property<bool>(p, "PodSandbox");
  c["tasksCurrent"] = figure(p, "TasksCurrent");
  c["tasksMax"] = figure(p, "TasksMax");
  c["memoryCurrent"] = figure(p, "MemoryCurrent");
  c["memoryPeak"] = figure(p, "MemoryPeak");
  c["memoryMax"] = figure(p, "MemoryMax");
  c["cpuUsageNSec"] = figure(p, "CPUUsageNSec");
  if (auto processes = processes_of(p)) {
    Json::Value list(Json::arrayValue);
    for (const auto& process : *processes) {
      Json::Value item;
      item["pid"] = Json::UInt(process.pid);
      item["ppid"] = Json::UInt(process.ppid);
      item["comm"] = process.comm;
      list.append(item);
    }
    c["processes"] = list;
  } else {
    c["processes"] = Json::Value();
  }
  c["objectPath"] = path;
  return c;
}

}  // namespace tracker::ctl
