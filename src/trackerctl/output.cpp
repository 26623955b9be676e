#include "trackerctl/output.h"

#include <locale.h>
#include <time.h>

#include <algorithm>
#include <cwchar>
#include <iostream>
#include <iterator>

#include <fmt/format.h>
#include <json/writer.h>

#include "util/text.h"

namespace tracker::ctl {

namespace {

// C.UTF-8 for wcwidth(), whatever the caller's locale: the daemon's text is
// UTF-8. Null when the C library has no such locale.
locale_t utf8_locale() {
  static locale_t locale = newlocale(LC_CTYPE_MASK, "C.UTF-8", static_cast<locale_t>(0));
  return locale;
}

}  // namespace

std::size_t display_width(std::string_view text) {
  locale_t utf8 = utf8_locale();
  if (!utf8)
    return static_cast<std::size_t>(std::count_if(text.begin(), text.end(), [](char byte) {
      return (static_cast<unsigned char>(byte) & 0xc0) != 0x80;
    }));
  locale_t previous = uselocale(utf8);
  std::size_t width = 0;
  std::mbstate_t state{};
  for (std::size_t i = 0; i < text.size();) {
    wchar_t code_point = 0;
    std::size_t length = std::mbrtowc(&code_point, text.data() + i, text.size() - i, &state);
    if (length == static_cast<std::size_t>(-1) || length == static_cast<std::size_t>(-2)) {
      state = {};  // not UTF-8: a column per byte
      length = 1;
      code_point = L'?';
    }
    int columns = wcwidth(code_point);
    width += columns < 0 ? 1 : static_cast<std::size_t>(columns);
    i += std::max<std::size_t>(length, 1);
  }
  uselocale(previous);
  return width;
}

Table::Table(std::vector<std::string> headers) : headers_(std::move(headers)) {}

void Table::add_row(const std::vector<std::string>& cells) {
  std::vector<std::string> row(headers_.size());
  for (std::size_t i = 0; i < row.size() && i < cells.size(); ++i)
    row[i] = escape_for_display(cells[i]);
  for (auto& cell : row)
    if (cell.empty()) cell.push_back('-');
  rows_.push_back(std::move(row));
}

void Table::print(std::FILE* out, bool header) const {
  std::vector<std::size_t> widths(headers_.size(), 0);
  auto measure = [&widths](const std::vector<std::string>& cells) {
    for (std::size_t i = 0; i < cells.size(); ++i)
      widths[i] = std::max(widths[i], display_width(cells[i]));
  };
  if (header) measure(headers_);
  for (const auto& row : rows_) measure(row);
  auto line = [&](const std::vector<std::string>& cells) {
    std::string text;
    for (std::size_t i = 0; i < cells.size(); ++i) {
      text += cells[i];
      if (i + 1 < cells.size()) text.append(widths[i] - display_width(cells[i]) + 1, ' ');
    }
    fmt::print(out, "{}\n", text);
  };
  if (header) line(headers_);
  for (const auto& row : rows_) line(row);
}

void print_json(const Json::Value& value, bool compact) {
  Json::StreamWriterBuilder builder;
  builder["indentation"] = compact ? "" : "  ";
  builder["emitUTF8"] = true;
  std::cout << Json::writeString(builder, value) << std::endl;
}

std::string format_timestamp(std::uint64_t usec) {
  if (usec == 0) return {};
  time_t seconds = static_cast<time_t>(usec / 1'000'000);
  struct tm local {};
  if (!localtime_r(&seconds, &local)) return {};
  char text[64];
  if (strftime(text, sizeof(text), "%a %Y-%m-%d %H:%M:%S %Z", &local) == 0) return {};
  return text;
}

std::string format_relative(std::uint64_t usec, std::uint64_t now) {
  if (usec == 0) return {};
  if (usec > now) return "in the future";
  std::uint64_t seconds = (now - usec) / 1'000'000;
  if (seconds < 60) return fmt::format("{}s ago", seconds);
  std::uint64_t minutes = seconds / 60;
  if (minutes < 60) return fmt::format("{}min ago", minutes);
  std::uint64_t hours = minutes / 60;
  if (hours < 24) return fmt::format("{}h {}min ago", hours, minutes % 60);
  std::uint64_t days = hours / 24;
  if (days < 7) return fmt::format("{} day{} {}h ago", days, days == 1 ? "" : "s", hours % 24);
  return fmt::format("{} days ago", days);
}

std::uint64_t now_usec() {
  struct timespec now {};
  clock_gettime(CLOCK_REALTIME, &now);
  return static_cast<std::uint64_t>(now.tv_sec) * 1'000'000 +
         static_cast<std::uint64_t>(now.tv_nsec) / 1000;
}

std::string format_bytes(std::uint64_t bytes) {
  static constexpr const char* kUnits[] = {"K", "M", "G", "T", "P", "E"};
  if (bytes < 1024) return fmt::format("{}B", bytes);
  double value = static_cast<double>(bytes) / 1024;
  std::size_t unit = 0;
  while (value >= 1024 && unit + 1 < std::size(kUnits)) {
    value /= 1024;
    ++unit;
  }
  return fmt::format("{:.1f}{}", value, kUnits[unit]);
}

std::string format_cpu_time(std::uint64_t nsec) {
  std::uint64_t msec = nsec / 1'000'000;
  std::uint64_t seconds = msec / 1000, minutes = seconds / 60, hours = minutes / 60;
  if (hours > 0) return fmt::format("{}h {}min", hours, minutes % 60);
  if (minutes > 0) return fmt::format("{}min {}.{:03}s", minutes, seconds % 60, msec % 1000);
  return fmt::format("{}.{:03}s", seconds, msec % 1000);
}

std::string short_id(const std::string& id) {
  return id.substr(0, 12);
}

}  // namespace tracker::ctl
