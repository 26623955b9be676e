#include <fmt/format.h>

#include <limits>

#include "trackerctl/commands.h"
#include "trackerctl/container_view.h"
#include "util/text.h"

namespace tracker::ctl {
namespace {

using Labels = std::map<std::string, std::string>;

constexpr std::uint64_t kUnknown = std::numeric_limits<std::uint64_t>::max();

std::string when(uint64_t usec) {
  if (usec == 0) return "";
  return fmt::format("{}; {}", format_timestamp(usec), format_relative(usec, now_usec()));
}

// "3 (limit: 100)", "1.5M (peak: 2.0M, limit: 512.0M)"; "" when not known.
std::string usage(std::uint64_t current, std::uint64_t peak, std::uint64_t limit,
                  std::string (*format)(std::uint64_t)) {
  if (current == kUnknown) return "";
  std::vector<std::string> details;
  if (peak != kUnknown) details.push_back("peak: " + format(peak));
  if (limit != kUnknown) details.push_back("limit: " + format(limit));
  if (details.empty()) return format(current);
  return fmt::format("{} ({})", format(current), fmt::join(details, ", "));
}

std::string count(std::uint64_t n) {
  return std::to_string(n);
}

// machinectl status style: right-aligned field names, empty fields left out,
// every value escaped (it comes from a runtime or a cgroup name).
void print_status(const PropertyMap& p, const std::string& path) {
  auto id = property<std::string>(p, "Id");
  auto name = property<std::string>(p, "Name");
  fmt::print("{}{}\n", escape_for_display(short_id(id)),
             name.empty() ? "" : fmt::format(" ({})", escape_for_display(name)));
  auto field = [](const char* label, const std::string& value) {
    if (!value.empty()) fmt::print("{:>13}: {}\n", label, escape_for_display(value));
  };
  auto list = [](const char* label, const std::vector<std::string>& values) {
    for (const auto& value : values) {
      fmt::print("{:>13}{} {}\n", label, *label ? ":" : " ", escape_for_display(value));
      label = "";
    }
  };
  auto origin = property<std::string>(p, "Origin");
  auto started = property<bool>(p, "Started");
  field("Id", id);
  field("Name", name);
  field("Image", property<std::string>(p, "Image"));
  field("Image Digest", property<std::string>(p, "ImageDigest"));
  field("Image Id", property<std::string>(p, "ImageId"));
  list("Repo Digests", property<std::vector<std::string>>(p, "RepoDigests"));
  field("Runtime", property<std::string>(p, "Runtime"));
  auto owner = property<uint32_t>(p, "OwnerUID");
  field("Owner UID", owner ? std::to_string(owner) : "");
  field("State", format_state(state_of(p, container_state(origin, started))));
  field("Origin", origin == "existing" ? "found at start-up" : "created while tracker ran");
  auto restarts = property<uint32_t>(p, "RestartCount");
  field("Restarts", restarts ? std::to_string(restarts) : "");
  auto project = property<std::string>(p, "ComposeProject");
  auto service = property<std::string>(p, "ComposeService");
  if (!project.empty() || !service.empty())
    field("Compose", fmt::format("{} (service {})", project, service.empty() ? "-" : service));
  field("Enrichment", property<std::string>(p, "Enrichment"));
  field("Created", when(property<uint64_t>(p, "CreatedTimestamp")));
  field("Started", when(property<uint64_t>(p, "StartedTimestamp")));
  auto pid = property<uint32_t>(p, "InitPid");
  field("Init PID", pid ? std::to_string(pid) : "");
  field("Tasks", usage(property<uint64_t>(p, "TasksCurrent", kUnknown), kUnknown,
                       property<uint64_t>(p, "TasksMax", kUnknown), count));
  field("Memory", usage(property<uint64_t>(p, "MemoryCurrent", kUnknown),
                        property<uint64_t>(p, "MemoryPeak", kUnknown),
                        property<uint64_t>(p, "MemoryMax", kUnknown), format_bytes));
  auto cpu = property<uint64_t>(p, "CPUUsageNSec", kUnknown);
  field("CPU", cpu == kUnknown ? "" : format_cpu_time(cpu));
  field("Cgroup", property<std::string>(p, "CgroupPath"));
  auto cgroup_id = property<uint64_t>(p, "CgroupId");
  field("Cgroup Id", cgroup_id ? std::to_string(cgroup_id) : "");
  if (auto processes = processes_of(p)) {
    field("Processes", std::to_string(processes->size()));
    for (const auto& line : process_tree(*processes)) fmt::print("{:>13}  {}\n", "", line);
  }
  auto pod = property<std::string>(p, "PodName");
  if (!pod.empty()) {
    field("Pod", fmt::format("{}/{}{}", property<std::string>(p, "PodNamespace"), pod,
                             property<bool>(p, "PodSandbox") ? " (sandbox)" : ""));
    field("Pod UID", property<std::string>(p, "PodUID"));
  }
  std::vector<std::string> labels;
  for (const auto& [key, value] : property<Labels>(p, "Labels"))
    labels.push_back(fmt::format("{}={}", key, value));
  list("Labels", labels);
  field("Object Path", path);
}

}  // namespace

int container_command(Context& context, const std::string& id) {
  auto path = context.client.invoke("GetContainer",
                                    [&] { return context.client.manager().GetContainer(id); });
  auto properties = context.client.container_properties(path);
  if (context.output.json) {
    print_json(container_json(properties, path));
    return 0;
  }
  Pager pager(context.output.pager);
  print_status(properties, path);
  return 0;
}

}  // namespace tracker::ctl
