#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "config/options.h"
#include "events/event.h"
#include "events/printer.h"
#include "events/scope.h"

namespace tracker {

// What the config files (or the environment) set. Every field starts out
// unset; an empty assignment ("Key=") sets it back to unset, so the default
// or a lower layer applies. List keys (the sockets, Scope=, Events=)
// accumulate over lines and files; the others keep their last value.
struct Settings {
  // [Enrichment]
  std::optional<bool> enrichment;                    // Enabled=
  std::vector<CriSocket> sockets;                    // DockerSocket=, ContainerdSocket=, ...
  std::optional<std::chrono::milliseconds> timeout;  // Timeout=
  // [Output]
  std::optional<OutputFormat> format;      // Format=
  std::optional<std::string> output_path;  // Path=
  // [Scope]
  std::vector<std::string> scopes;  // Scope=, each valid with the others
  std::optional<EventSet> events;   // Events=
  // [Cgroup]
  std::optional<std::string> cgroup_hierarchy;  // Hierarchy=
  // [Kernel]
  std::optional<std::uint32_t> buffer_kib;  // BufferSize=
  // [Metrics]
  std::optional<std::string> metrics_path;                    // Path=
  std::optional<std::chrono::milliseconds> metrics_interval;  // Interval=
};

}  // namespace tracker
