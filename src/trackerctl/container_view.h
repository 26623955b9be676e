#pragma once

// What trackerctl makes of a container's properties
// (org.khulnasoft.Tracker1.Container), for every command that shows one.

#include <cstdint>
#include <string>

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

// Every property, under the keys trackerctl(1) documents for
// `container --json`. Cgroup figures that are not known are null.
Json::Value container_json(const PropertyMap& properties, const std::string& path);

}  // namespace tracker::ctl
