#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace tracker {

// "2024-05-01T12:00:00.123456789Z" or "...+02:00" to Unix epoch nanoseconds.
// nullopt when malformed or outside what int64 nanoseconds hold (docker's
// "0001-01-01T00:00:00Z" means "never" and lands there too).
std::optional<std::int64_t> parse_rfc3339_ns(std::string_view text);

}  // namespace tracker
