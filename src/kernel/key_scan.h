#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <vector>

namespace tracker {

// One BPF_MAP_GET_NEXT_KEY: the key after `key` (the first key when `key` is
// null) into `next`; false at the end of the map or on an error.
using NextKey = std::function<bool(const std::uint64_t* key, std::uint64_t& next)>;

// The keys of a BPF hash map while the kernel adds and deletes keys meanwhile.
// When the key last read has vanished, the kernel starts again from the first
// key: keys already seen are skipped rather than repeated, and the scan makes
// at most 4 * max_keys + 64 calls and keeps at most max_keys keys, so it
// always ends. Keys added or deleted during the scan may be missing.
std::vector<std::uint64_t> scan_keys(const NextKey& next_key, std::size_t max_keys);

}  // namespace tracker
