#include "config/config.h"
#include "config/options.h"
#include "tracker/daemon.h"
#include "util/log.h"

int main(int argc, char** argv) {
  auto parsed = tracker::parse_command_line(argc, argv);
  if (!parsed.options) return parsed.exit_code;
  const auto& cli = *parsed.options;
  auto config =
      tracker::resolve_options(cli, tracker::config_paths_for(cli), tracker::process_environment());
  for (auto& warning : config.diagnostics.warnings)
    tracker::log(tracker::LogLevel::warning, "config", "{}", warning.text());
  if (!config.ok()) {
    for (auto& error : config.diagnostics.errors)
      tracker::log(tracker::LogLevel::error, "config", "{}", error.text());
    return 1;
  }
  tracker::Daemon daemon(cli, *config.options);
  return daemon.run();
}
