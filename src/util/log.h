#pragma once

#include <fmt/format.h>

#include <string_view>

namespace tracker {

// syslog priorities, as journald reads them from a "<N>" prefix.
enum class LogLevel { error = 3, warning = 4, notice = 5, info = 6, debug = 7 };

void set_log_level(LogLevel max_level);
bool log_enabled(LogLevel level);
void log_line(LogLevel level, std::string_view topic, std::string_view message);

template <typename... Args>
void log(LogLevel level, std::string_view topic, fmt::format_string<Args...> format,
         Args&&... args) {
  if (log_enabled(level)) log_line(level, topic, fmt::format(format, std::forward<Args>(args)...));
}

}  // namespace tracker
