#include "config/config_keys.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <charconv>

#include "config/values.h"

namespace tracker {

struct ConfigKey {
  std::string_view section;
  std::string_view name;
  std::string (*apply)(const ConfigKey& key, std::string_view value, Settings& settings);
  std::string_view runtime = {};  // the socket keys
};

namespace {

using std::chrono::milliseconds;

constexpr milliseconds kMinTimeout{1};
constexpr milliseconds kMaxTimeout = std::chrono::hours(1);

std::string apply_enabled(const ConfigKey&, std::string_view value, Settings& settings) {
  if (value.empty()) {
    settings.enrichment.reset();
    return {};
  }
  auto enabled = parse_boolean(value);
  if (!enabled) return "not a boolean (yes/no, true/false, on/off, 1/0)";
  settings.enrichment = enabled;
  return {};
}

std::string apply_socket(const ConfigKey& key, std::string_view value, Settings& settings) {
  auto& sockets = settings.sockets;
  if (value.empty()) {
    std::erase_if(sockets, [&](const CriSocket& socket) { return socket.runtime == key.runtime; });
    return {};
  }
  if (value.starts_with("unix://")) value.remove_prefix(7);
  if (!value.starts_with('/')) return "not an absolute path";
  sockets.push_back({std::string(key.runtime), std::string(value)});
  return {};
}

std::string apply_timeout(const ConfigKey&, std::string_view value, Settings& settings) {
  if (value.empty()) {
    settings.timeout.reset();
    return {};
  }
  auto span = parse_timespan(value);
  if (!span) return "not a time span (e.g. 2s, 500ms, 1.5s; a bare number is seconds)";
  auto timeout = std::chrono::duration_cast<milliseconds>(*span);
  if (timeout < kMinTimeout || timeout > kMaxTimeout) return "must be from 1ms to 1h";
  settings.timeout = timeout;
  return {};
}

std::string apply_format(const ConfigKey&, std::string_view value, Settings& settings) {
  if (value.empty())
    settings.format.reset();
  else if (value == "table")
    settings.format = OutputFormat::table;
  else if (value == "json")
    settings.format = OutputFormat::json;
  else
    return "unknown format (table or json)";
  return {};
}

// "" when `value` names a file by an absolute path, else what is wrong with it.
std::string file_path_problem(std::string_view value) {
  if (!value.starts_with('/')) return "not an absolute path";
  if (value.ends_with('/')) return "names a directory, not a file";
  return {};
}

std::string apply_path(const ConfigKey&, std::string_view value, Settings& settings) {
  if (value.empty()) {
    settings.output_path.reset();
    return {};
  }
  if (auto problem = file_path_problem(value); !problem.empty()) return problem;
  settings.output_path = std::string(value);
  return {};
}

std::string apply_scope(const ConfigKey&, std::string_view value, Settings& settings) {
  if (value.empty()) {
    settings.scopes.clear();
    return {};
  }
  Scope scope;
  for (auto& earlier : settings.scopes) scope.add(earlier);
  if (auto error = scope.add(value); !error.empty()) return error;
  settings.scopes.emplace_back(value);
  return {};
}

std::string apply_events(const ConfigKey&, std::string_view value, Settings& settings) {
  if (value.empty()) {
    settings.events.reset();
    return {};
  }
  EventSet events = settings.events.value_or(EventSet{});
  if (auto error = add_event_names(value, events); !error.empty()) return error;
  if (events.empty()) return "no event names";
  settings.events = events;
  return {};
}

std::string apply_hierarchy(const ConfigKey&, std::string_view value, Settings& settings) {
  if (value.empty()) {
    settings.cgroup_hierarchy.reset();
    return {};
  }
  if (!is_hierarchy_name(value))
    return "unknown hierarchy (auto, unified, memory, cpuset, pids or cpu)";
  settings.cgroup_hierarchy = std::string(value);
  return {};
}

std::string apply_buffer_size(const ConfigKey&, std::string_view value, Settings& settings) {
  if (value.empty()) {
    settings.buffer_kib.reset();
    return {};
  }
  std::uint64_t kib = 0;
  auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), kib);
  if (ec != std::errc() || end != value.data() + value.size() || !is_valid_buffer_kib(kib))
    return std::string(kBufferSizeRule);
  settings.buffer_kib = static_cast<std::uint32_t>(kib);
  return {};
}

constexpr milliseconds kMinMetricsInterval = std::chrono::seconds(1);
constexpr milliseconds kMaxMetricsInterval = std::chrono::hours(1);

std::string apply_metrics_path(const ConfigKey&, std::string_view value, Settings& settings) {
  if (value.empty()) {
    settings.metrics_path.reset();
    return {};
  }
  if (auto problem = file_path_problem(value); !problem.empty()) return problem;
  settings.metrics_path = std::string(value);
  return {};
}

std::string apply_metrics_interval(const ConfigKey&, std::string_view value, Settings& settings) {
  if (value.empty()) {
    settings.metrics_interval.reset();
    return {};
  }
  auto span = parse_timespan(value);
  if (!span) return "not a time span (e.g. 15s, 1min; a bare number is seconds)";
  auto interval = std::chrono::duration_cast<milliseconds>(*span);
  if (interval < kMinMetricsInterval || interval > kMaxMetricsInterval)
    return "must be from 1s to 1h";
  settings.metrics_interval = interval;
  return {};
}

constexpr std::array<std::string_view, 6> kSections = {"Enrichment", "Output", "Scope",
                                                       "Cgroup",     "Kernel", "Metrics"};

constexpr std::array<ConfigKey, 14> kKeys = {{
    {"Enrichment", "Enabled", apply_enabled},
    {"Enrichment", "DockerSocket", apply_socket, "docker"},
    {"Enrichment", "ContainerdSocket", apply_socket, "containerd"},
    {"Enrichment", "CrioSocket", apply_socket, "crio"},
    {"Enrichment", "PodmanSocket", apply_socket, "podman"},
    {"Enrichment", "Timeout", apply_timeout},
    {"Output", "Format", apply_format},
    {"Output", "Path", apply_path},
    {"Scope", "Scope", apply_scope},
    {"Scope", "Events", apply_events},
    {"Cgroup", "Hierarchy", apply_hierarchy},
    {"Kernel", "BufferSize", apply_buffer_size},
    {"Metrics", "Path", apply_metrics_path},
    {"Metrics", "Interval", apply_metrics_interval},
}};

}  // namespace

bool is_config_section(std::string_view section) {
  return std::find(kSections.begin(), kSections.end(), section) != kSections.end();
}

std::vector<ConfigKeyName> config_key_names() {
  std::vector<ConfigKeyName> names;
  for (auto& key : kKeys) names.push_back({key.section, key.name});
  return names;
}

const ConfigKey* find_config_key(std::string_view section, std::string_view name) {
  for (auto& key : kKeys)
    if (key.section == section && key.name == name) return &key;
  return nullptr;
}

std::string apply_config_key(const ConfigKey& key, std::string_view value, Settings& settings) {
  auto problem = key.apply(key, value, settings);
  if (problem.empty()) return {};
  return fmt::format("{}={}: {}", key.name, value, problem);
}

}  // namespace tracker
