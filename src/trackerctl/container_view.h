#pragma once

// What trackerctl makes of a container's properties
// (org.khulnasoft.Tracker1.Container), for every command that shows one.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <json/value.h>

#include "trackerctl/client.h"
#include "trackerctl/filter.h"

namespace tracker::ctl {

// How a container runs or ended, as the State column shows it:
// "running", "running (unhealthy)", "exited (137, oom)", "exited (SIGKILL)".
struct StateView {
  std::string state;  // created, running, exited
  std::int32_t exit_code = -1;
  std::int32_t exit_signal = 0;
  bool oom_killed = false;
  std::string health;
};
std::string format_state(const StateView& view);

// The State, ExitCode, ... properties; `fallback_state` when State is absent.
StateView state_of(const PropertyMap& properties, const std::string& fallback_state);

ContainerFacts facts_of(const PropertyMap& properties);

// One entry of the Processes property.
struct ProcessRow {
  std::uint32_t pid = 0;
  std::uint32_t ppid = 0;
  std::string comm;
};
// nullopt when the daemon does not have the property.
std::optional<std::vector<ProcessRow>> processes_of(const PropertyMap& properties);

// The processes as a tree by parent pid, one line each, as systemctl status
// draws a cgroup: "├─1234 sleep", "│ └─1300 sh", "└─1400 top". A process
// whose parent is not in the list is a root; siblings go by pid. Names are
// escaped for the terminal.
std::vector<std::string> process_tree(const std::vector<ProcessRow>& processes);

// Every property, under the keys trackerctl(1) documents for
// `container --json`. Cgroup figures that are not known are null.
Json::Value container_json(const PropertyMap& properties, const std::string& path);

}  // namespace tracker::ctl
