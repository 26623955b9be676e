#pragma once

#include <optional>
#include <string>
#include <vector>

#include "config/diagnostic.h"

namespace tracker {

// Where the configuration is read from.
struct ConfigPaths {
  std::string main_file;
  bool main_file_required = false;       // a missing main file is an error, not "no settings"
  std::vector<std::string> dropin_dirs;  // highest priority first

  // /etc/tracker/tracker.conf, and drop-ins in /etc, /run and /usr/lib
  // tracker/tracker.conf.d/, each under `root` ("" but in tests).
  static ConfigPaths standard(const std::string& root = "");
  // `tracker --config FILE`: FILE, which must exist, and drop-ins in FILE.d/ only.
  static ConfigPaths for_file(const std::string& file);
};

// The files to read, in the order their settings apply: the main file (when
// it exists), then every drop-in "*.conf" of every drop-in directory, sorted by
// file name. Of drop-ins with the same name only the one in the directory
// listed first counts; one that is a symlink to /dev/null hides the
// others and is not read. Missing directories are skipped; unreadable ones are
// errors.
std::vector<std::string> list_config_files(const ConfigPaths& paths, Diagnostics& diagnostics);

inline constexpr std::size_t kMaxConfigFileSize = 1024 * 1024;

// The contents of a config file, or nothing after adding an error: a file that
// cannot be opened, is not a regular file, or is larger than 1 MiB. /dev/null
// reads as empty.
std::optional<std::string> read_config_file(const std::string& path, Diagnostics& diagnostics);

}  // namespace tracker
