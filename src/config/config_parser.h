#pragma once

#include <string>
#include <string_view>

#include "config/diagnostic.h"
#include "config/settings.h"

namespace tracker {

// Applies the assignments in `text`, the contents of the config file `file`,
// to `settings`, in order. systemd-style INI: [Section] headers, Key=Value
// lines, comments starting with '#' or ';', blank lines; whitespace around
// keys and values is dropped. Unlike inih's defaults there are no inline
// comments, no continuation lines and no "Key: Value".
// Problems go to `diagnostics`, each naming "file:line".
void parse_config_text(const std::string& file, std::string_view text, Settings& settings,
                       Diagnostics& diagnostics);

}  // namespace tracker
