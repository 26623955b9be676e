#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "config/settings.h"

namespace tracker {

bool is_config_section(std::string_view section);

struct ConfigKeyName {
  std::string_view section;
  std::string_view name;
};
// Every key tracker knows, section by section.
std::vector<ConfigKeyName> config_key_names();

struct ConfigKey;
// The key `name` of `section`, or nullptr when tracker does not know it.
const ConfigKey* find_config_key(std::string_view section, std::string_view name);

// Applies `value` ("" resets the key) to `settings`; returns what is wrong
// with the value, or "".
std::string apply_config_key(const ConfigKey& key, std::string_view value, Settings& settings);

}  // namespace tracker
