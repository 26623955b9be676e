#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "events/event.h"

// Parsers for the values that both the command line and the config files take.
namespace tracker {

// systemd's booleans: 1/yes/y/true/t/on and 0/no/n/false/f/off, any case.
std::optional<bool> parse_boolean(std::string_view text);

// A systemd time span: "2s", "500ms", "1.5s", "1min 30s"; a number without a
// unit is seconds. Units: us, ms, s, min (m), h, d, with their long spellings.
std::optional<std::chrono::microseconds> parse_timespan(std::string_view text);

// Adds the event names in `text`, separated by commas and/or whitespace, to
// `events`. Returns an error message naming the first unknown name, or "".
std::string add_event_names(std::string_view text, EventSet& events);
std::string unknown_event_message(std::string_view name);

bool is_runtime_name(std::string_view name);    // docker, containerd, crio, podman
bool is_hierarchy_name(std::string_view name);  // auto, unified, memory, cpuset, pids, cpu
bool is_valid_buffer_kib(std::uint64_t kib);    // a power of two from 4 to 1 GiB
inline constexpr std::string_view kBufferSizeRule = "a power of two from 4 to 1048576 (KiB)";

std::string_view trim(std::string_view text);

}  // namespace tracker
