#include "config/options.h"

#include <fmt/format.h>
#include <CLI/CLI.hpp>

#include <cstdio>

#include "config/values.h"
#include "tracker_config.h"

namespace tracker {
namespace {

constexpr int kUsageExit = 2;

std::vector<std::string_view> split_list(std::string_view text) {
  std::vector<std::string_view> parts;
  while (!text.empty()) {
    auto comma = text.find(',');
    auto part = text.substr(0, comma);
    if (!part.empty()) parts.push_back(part);
    if (comma == std::string_view::npos) break;
    text.remove_prefix(comma + 1);
  }
  return parts;
}

std::string parse_events(const std::vector<std::string>& values, EventSet& events) {
  if (values.empty()) return {};
  events = EventSet{};
  for (auto& value : values) {
    for (auto name : split_list(value)) {
      auto type = event_from_name(name);
      if (!type) return unknown_event_message(name);
      events.add(*type);
    }
  }
  if (events.empty()) return "--events needs at least one event name";
  return {};
}

std::string parse_cri(const std::vector<std::string>& values, std::vector<CriSocket>& sockets) {
  for (auto& value : values) {
    auto colon = value.find(':');
    if (colon == std::string::npos || colon == 0 || colon + 1 == value.size())
      return fmt::format("invalid --cri '{}': expected <runtime>:<socket path>", value);
    std::string runtime = value.substr(0, colon);
    if (!is_runtime_name(runtime))
      return fmt::format("unknown runtime '{}' in --cri (docker, containerd, crio, podman)",
                         runtime);
    std::string path = value.substr(colon + 1);
    if (path.starts_with("unix://")) path = path.substr(7);
    sockets.push_back({runtime, path});
  }
  return {};
}

}  // namespace

ParseResult parse_command_line(int argc, char** argv) {
  CLI::App app{"tracker - follows every container on this host from the kernel up", "tracker"};
  app.set_version_flag("-V,--version", TRACKER_VERSION);
  app.get_formatter()->column_width(34);

  Options options;
  std::string output;
  std::vector<std::string> events, scopes, cri;
  app.add_option("-o,--output", output, "Output format: table (default on a terminal) or json")
      ->check(CLI::IsMember({"table", "json"}));
  app.add_option("-e,--events", events,
                 "Events to show, comma separated (default: all): container_create, "
                 "container_remove, container_exit, existing_container, sched_process_exec, "
                 "sched_process_exit, sched_process_fork");
  app.add_option("-s,--scope", scopes,
                 "Only events of: container, container=new, container=started, "
                 "container=<id prefix>, not-container (repeatable)");
  app.add_flag("-c,--containers", options.containers,
               "Enrich containers with what their runtime knows (also CONTAINERS_ENRICHMENT=1)");
  app.add_option("--cri", cri,
                 "Runtime socket, <runtime>:<path> with runtime docker, containerd, crio or "
                 "podman (repeatable; default: the standard sockets)");
  app.add_option("--cgroup-hierarchy", options.cgroup_hierarchy,
                 "Cgroup hierarchy to track: auto, unified, or a v1 controller (memory, cpuset, "
                 "pids, cpu)")
      ->capture_default_str();
  app.add_option("--buffer-size", options.buffer_kib,
                 "Kernel ring buffer size in KiB, a power of two >= 4")
      ->capture_default_str();
  app.add_flag("--raw-tracepoints", options.raw_tracepoints,
               "Use raw_tp programs even where tp_btf works");
  app.add_flag("-v,--verbose", options.verbose, "Log debug messages");
  app.add_option("--config", options.config_file,
                 "Configuration file instead of /etc/tracker/tracker.conf; its drop-ins are "
                 "then read from FILE.d/ only");

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return {std::nullopt, app.exit(e)};
  } catch (const CLI::CallForVersion& e) {
    return {std::nullopt, app.exit(e)};
  } catch (const CLI::ParseError& e) {
    std::fprintf(stderr, "tracker: %s\nTry 'tracker --help' for more information.\n", e.what());
    return {std::nullopt, kUsageExit};
  }

  auto& given = options.given;
  given.output = app.count("--output") > 0;
  given.events = app.count("--events") > 0;
  given.scope = app.count("--scope") > 0;
  given.containers = app.count("--containers") > 0;
  given.cri = app.count("--cri") > 0;
  given.cgroup_hierarchy = app.count("--cgroup-hierarchy") > 0;
  given.buffer_size = app.count("--buffer-size") > 0;

  std::string error;
  if (!output.empty()) options.output = output == "json" ? OutputFormat::json : OutputFormat::table;
  if (error.empty()) error = parse_events(events, options.events);
  for (auto& scope : scopes) {
    if (!error.empty()) break;
    error = options.scope.add(scope);
  }
  if (error.empty()) error = parse_cri(cri, options.cri_sockets);
  if (error.empty() && !is_valid_buffer_kib(options.buffer_kib))
    error = fmt::format("invalid --buffer-size {}: {}", options.buffer_kib, kBufferSizeRule);
  if (!error.empty()) {
    std::fprintf(stderr, "tracker: %s\n", error.c_str());
    return {std::nullopt, kUsageExit};
  }
  return {std::move(options), 0};
}

}  // namespace tracker
