#pragma once

#include <cstddef>
#include <cstdint>

#include "bpf/tracker_events.h"

namespace tracker {

// The bytes a record of `type` takes in the ring buffer (for a cgroup event,
// one whose path has `path_len` bytes before its NUL); 0 for an unknown type.
std::size_t record_size(std::uint32_t type, std::uint32_t path_len = 0);

// Whether the `size` bytes at `data` hold a whole record as the BPF side
// writes it: its type's data and, for a cgroup event, its path up to a NUL.
// What passes may be read as a tracker_event up to the end of its type's data.
bool record_is_whole(const void* data, std::size_t size);

}  // namespace tracker
