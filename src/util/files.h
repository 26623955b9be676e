#pragma once

#include <sys/types.h>

#include <optional>
#include <string>
#include <string_view>

namespace tracker {

// The whole file at `path` (procfs, cgroupfs and other small files), or
// nullopt with `*error` set to the errno when it cannot be read.
std::optional<std::string> read_file(const std::string& path, int* error = nullptr);

// Replaces the file at `path` with `content` so that a reader sees either the
// old file or the new one, never a part: written to a temporary file beside it
// (named `path`.tmp-XXXXXX, which node-exporter's textfile collector, reading
// only *.prom, ignores), given `mode` whatever the umask, then renamed over
// `path`. "" on success, else why not (the old file is left as it was).
std::string write_file_atomically(const std::string& path, std::string_view content,
                                  mode_t mode = 0644);

}  // namespace tracker
