#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>

#include "config/config_files.h"
#include "config/diagnostic.h"
#include "config/options.h"
#include "config/settings.h"

// The effective configuration, from (highest first): the command line, the
// environment, the drop-ins, the main config file, the built-in defaults.
// Everything here is a pure function of its arguments, so a reload (SIGHUP,
// D-Bus Reload) calls resolve_options() again with the same command line and
// environment and applies the result only when it succeeded.
namespace tracker {

// The environment variables tracker reads; nothing else is looked at.
//   CONTAINERS_ENRICHMENT  a boolean (1/0, yes/no, true/false, on/off):
//                          [Enrichment] Enabled=
inline constexpr const char* kEnvironmentVariables[] = {"CONTAINERS_ENRICHMENT"};

using Environment = std::map<std::string, std::string, std::less<>>;

// Those of kEnvironmentVariables that this process has.
Environment process_environment();

// The config files of `paths`, applied in order (see list_config_files).
struct LoadedSettings {
  Settings settings;
  Diagnostics diagnostics;
  bool ok() const { return diagnostics.errors.empty(); }
};
LoadedSettings load_settings(const ConfigPaths& paths);

// The environment as a layer of settings; problems name the variable.
Settings environment_settings(const Environment& env, Diagnostics& diagnostics);

// `cli` with every option it did not give (cli.given) taken from `env`, else
// from `files`, else left at its default.
Options merge_options(const Options& cli, const Settings& env, const Settings& files);

// The files a command line asks for: --config FILE, or the standard ones.
ConfigPaths config_paths_for(const Options& cli);

struct ConfigResult {
  std::optional<Options> options;  // empty when there was any error
  Diagnostics diagnostics;
  bool ok() const { return options.has_value(); }
};

// Reads the files of `paths` and merges them with `env` and `cli`.
ConfigResult resolve_options(const Options& cli, const ConfigPaths& paths, const Environment& env);

}  // namespace tracker
