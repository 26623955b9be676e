#include "config/values.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <cstdint>
#include <utility>

namespace tracker {
namespace {

constexpr std::string_view kSpace = " \t\n\r\f\v";

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return (x | 0x20) == (y | 0x20);
         });
}

std::optional<std::int64_t> unit_microseconds(std::string_view unit) {
  static constexpr std::int64_t kSecond = 1'000'000;
  static constexpr std::array<std::pair<std::string_view, std::int64_t>, 20> kUnits = {{
      {"", kSecond},
      {"us", 1},
      {"usec", 1},
      {"ms", 1000},
      {"msec", 1000},
      {"s", kSecond},
      {"sec", kSecond},
      {"second", kSecond},
      {"seconds", kSecond},
      {"m", 60 * kSecond},
      {"min", 60 * kSecond},
      {"minute", 60 * kSecond},
      {"minutes", 60 * kSecond},
      {"h", 3600 * kSecond},
      {"hr", 3600 * kSecond},
      {"hour", 3600 * kSecond},
      {"hours", 3600 * kSecond},
      {"d", 86400 * kSecond},
      {"day", 86400 * kSecond},
      {"days", 86400 * kSecond},
  }};
  for (auto& [name, us] : kUnits)
    if (name == unit) return us;
  return std::nullopt;
}

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}
bool is_alpha(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

}  // namespace

std::string_view trim(std::string_view text) {
  auto first = text.find_first_not_of(kSpace);
  if (first == std::string_view::npos) return {};
  auto last = text.find_last_not_of(kSpace);
  return text.substr(first, last - first + 1);
}

std::optional<bool> parse_boolean(std::string_view text) {
  for (auto word : {"1", "yes", "y", "true", "t", "on"})
    if (iequals(text, word)) return true;
  for (auto word : {"0", "no", "n", "false", "f", "off"})
    if (iequals(text, word)) return false;
  return std::nullopt;
}

std::optional<std::chrono::microseconds> parse_timespan(std::string_view text) {
  text = trim(text);
  if (text.empty()) return std::nullopt;
  std::int64_t total = 0;
  while (!text.empty()) {
    std::size_t at = 0;
    while (at < text.size() && is_digit(text[at])) ++at;
    std::string_view whole = text.substr(0, at), fraction;
    if (at < text.size() && text[at] == '.') {
      std::size_t start = ++at;
      while (at < text.size() && is_digit(text[at])) ++at;
      fraction = text.substr(start, at - start);
    }
    if (whole.empty() && fraction.empty()) return std::nullopt;
    while (at < text.size() && (text[at] == ' ' || text[at] == '\t')) ++at;
    std::size_t unit_start = at;
    while (at < text.size() && is_alpha(text[at])) ++at;
    auto unit = unit_microseconds(text.substr(unit_start, at - unit_start));
    if (!unit) return std::nullopt;

    std::int64_t number = 0, part = 0;
    if (!whole.empty() &&
        std::from_chars(whole.data(), whole.data() + whole.size(), number).ec != std::errc())
      return std::nullopt;
    if (__builtin_mul_overflow(number, *unit, &part) || __builtin_add_overflow(total, part, &total))
      return std::nullopt;
    // Digits beyond the microsecond cannot matter; adding them one by one keeps this exact.
    std::int64_t scale = *unit;
    for (char digit : fraction) {
      scale /= 10;
      total += (digit - '0') * scale;
    }
    text = trim(text.substr(at));
  }
  return std::chrono::microseconds(total);
}

std::string unknown_event_message(std::string_view name) {
  std::string known;
  for (auto type : all_event_types())
    known += (known.empty() ? "" : ", ") + std::string(event_name(type));
  return fmt::format("unknown event '{}' (known: {})", name, known);
}

std::string add_event_names(std::string_view text, EventSet& events) {
  constexpr std::string_view kSeparators = ", \t";
  while (!text.empty()) {
    auto start = text.find_first_not_of(kSeparators);
    if (start == std::string_view::npos) break;
    text.remove_prefix(start);
    auto name = text.substr(0, text.find_first_of(kSeparators));
    text.remove_prefix(name.size());
    auto type = event_from_name(name);
    if (!type) return unknown_event_message(name);
    events.add(*type);
  }
  return {};
}

bool is_runtime_name(std::string_view name) {
  return name == "docker" || name == "containerd" || name == "crio" || name == "podman";
}

bool is_hierarchy_name(std::string_view name) {
  return name == "auto" || name == "unified" || name == "memory" || name == "cpuset" ||
         name == "pids" || name == "cpu";
}

bool is_valid_buffer_kib(std::uint64_t kib) {
  return kib >= 4 && kib <= 1024 * 1024 && (kib & (kib - 1)) == 0;
}

}  // namespace tracker
