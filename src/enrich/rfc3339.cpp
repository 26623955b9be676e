#include "enrich/rfc3339.h"

#include <charconv>
#include <chrono>

namespace tracker {
namespace {

// Reads exactly `width` digits at `pos`.
bool read_digits(std::string_view text, std::size_t pos, std::size_t width, int& out) {
  if (pos + width > text.size()) return false;
  auto first = text.data() + pos;
  auto last = first + width;
  auto [ptr, ec] = std::from_chars(first, last, out);
  return ec == std::errc() && ptr == last;
}

}  // namespace

std::optional<std::int64_t> parse_rfc3339_ns(std::string_view text) {
  int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
  if (text.size() < 20 || !read_digits(text, 0, 4, year) || text[4] != '-' ||
      !read_digits(text, 5, 2, month) || text[7] != '-' || !read_digits(text, 8, 2, day) ||
      (text[10] != 'T' && text[10] != 't' && text[10] != ' ') || !read_digits(text, 11, 2, hour) ||
      text[13] != ':' || !read_digits(text, 14, 2, minute) || text[16] != ':' ||
      !read_digits(text, 17, 2, second))
    return std::nullopt;

  std::size_t pos = 19;
  std::int64_t fraction_ns = 0;
  if (text[pos] == '.') {
    ++pos;
    std::int64_t scale = 100'000'000;
    std::size_t digits = 0;
    while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') {
      fraction_ns += (text[pos] - '0') * scale;
      scale /= 10;
      ++pos;
      ++digits;
    }
    if (digits == 0) return std::nullopt;
  }

  int offset_seconds = 0;
  if (pos < text.size() && (text[pos] == 'Z' || text[pos] == 'z')) {
    ++pos;
  } else if (pos < text.size() && (text[pos] == '+' || text[pos] == '-')) {
    int offset_hours = 0, offset_minutes = 0;
    if (!read_digits(text, pos + 1, 2, offset_hours) || pos + 3 >= text.size() ||
        text[pos + 3] != ':' || !read_digits(text, pos + 4, 2, offset_minutes))
      return std::nullopt;
    offset_seconds = (offset_hours * 60 + offset_minutes) * 60;
    if (text[pos] == '-') offset_seconds = -offset_seconds;
    pos += 6;
  } else {
    return std::nullopt;
  }
  if (pos != text.size()) return std::nullopt;

  using namespace std::chrono;
  year_month_day date{std::chrono::year(year), std::chrono::month(static_cast<unsigned>(month)),
                      std::chrono::day(static_cast<unsigned>(day))};
  if (!date.ok() || hour > 23 || minute > 59 || second > 60) return std::nullopt;
  // int64 nanoseconds reach from 1677 to 2262; anything before the epoch is "unknown" here.
  if (year < 1970 || year > 2261) return std::nullopt;

  std::int64_t seconds = sys_days(date).time_since_epoch() / std::chrono::seconds(1);
  seconds += hour * 3600 + minute * 60 + second - offset_seconds;
  if (seconds < 0) return std::nullopt;
  return seconds * 1'000'000'000 + fraction_ns;
}

}  // namespace tracker
