#include "config/config.h"

#include <cstdlib>

#include "config/config_parser.h"
#include "config/values.h"

namespace tracker {

Environment process_environment() {
  Environment env;
  for (const char* name : kEnvironmentVariables)
    if (const char* value = std::getenv(name)) env.emplace(name, value);
  return env;
}

LoadedSettings load_settings(const ConfigPaths& paths) {
  LoadedSettings loaded;
  for (auto& file : list_config_files(paths, loaded.diagnostics)) {
    auto text = read_config_file(file, loaded.diagnostics);
    if (text) parse_config_text(file, *text, loaded.settings, loaded.diagnostics);
  }
  return loaded;
}

Settings environment_settings(const Environment& env, Diagnostics& diagnostics) {
  Settings settings;
  if (auto it = env.find("CONTAINERS_ENRICHMENT"); it != env.end() && !it->second.empty()) {
    settings.enrichment = parse_boolean(trim(it->second));
    if (!settings.enrichment)
      diagnostics.errors.push_back(
          {"$CONTAINERS_ENRICHMENT", 0,
           "'" + it->second + "' is not a boolean (yes/no, true/false, on/off, 1/0)"});
  }
  return settings;
}

Options merge_options(const Options& cli, const Settings& env, const Settings& files) {
  Options options = cli;
  const auto& given = cli.given;
  if (!given.output && files.format) options.output = files.format;
  if (!given.events && files.events) options.events = *files.events;
  if (!given.scope) {
    options.scope = Scope{};
    for (auto& scope : files.scopes) options.scope.add(scope);
  }
  if (!given.containers)
    options.containers = env.enrichment.value_or(files.enrichment.value_or(false));
  if (!given.cri) options.cri_sockets = files.sockets;
  if (!given.cgroup_hierarchy && files.cgroup_hierarchy)
    options.cgroup_hierarchy = *files.cgroup_hierarchy;
  if (!given.buffer_size && files.buffer_kib) options.buffer_kib = *files.buffer_kib;
  if (files.output_path) options.output_path = *files.output_path;
  if (files.timeout) options.enrichment_timeout = *files.timeout;
  if (files.metrics_path) options.metrics_path = *files.metrics_path;
  if (files.metrics_interval) options.metrics_interval = *files.metrics_interval;
  return options;
}

ConfigPaths config_paths_for(const Options& cli) {
  return cli.config_file.empty() ? ConfigPaths::standard() : ConfigPaths::for_file(cli.config_file);
}

ConfigResult resolve_options(const Options& cli, const ConfigPaths& paths, const Environment& env) {
  ConfigResult result;
  auto loaded = load_settings(paths);
  result.diagnostics = std::move(loaded.diagnostics);
  auto env_layer = environment_settings(env, result.diagnostics);
  if (result.diagnostics.errors.empty())
    result.options = merge_options(cli, env_layer, loaded.settings);
  return result;
}

}  // namespace tracker
