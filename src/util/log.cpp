#include "util/log.h"

#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <mutex>
#include <string>

namespace tracker {
namespace {

std::atomic<int> max_level{static_cast<int>(LogLevel::info)};

// journald sets JOURNAL_STREAM=<dev>:<ino> when our stderr is its stream.
bool stderr_is_journal() {
  const char* stream = std::getenv("JOURNAL_STREAM");
  if (!stream) return false;
  struct stat st {};
  if (fstat(STDERR_FILENO, &st) != 0) return false;
  return std::string(stream) == fmt::format("{}:{}", st.st_dev, st.st_ino);
}

std::string_view level_word(LogLevel level) {
  switch (level) {
    case LogLevel::error:
      return "error";
    case LogLevel::warning:
      return "warning";
    case LogLevel::notice:
      return "notice";
    case LogLevel::info:
      return "info";
    case LogLevel::debug:
      return "debug";
  }
  return "";
}

}  // namespace

void set_log_level(LogLevel level) {
  max_level = static_cast<int>(level);
}

bool log_enabled(LogLevel level) {
  return static_cast<int>(level) <= max_level;
}

void log_line(LogLevel level, std::string_view topic, std::string_view message) {
  static const bool journal = stderr_is_journal();
  static std::mutex mutex;
  std::string line = journal
                         ? fmt::format("<{}>{}: {}\n", static_cast<int>(level), topic, message)
                         : fmt::format("tracker: {}: {}: {}\n", level_word(level), topic, message);
  std::lock_guard lock(mutex);
  std::fwrite(line.data(), 1, line.size(), stderr);
}

}  // namespace tracker
