#include "kernel/key_scan.h"

#include <unordered_set>

namespace tracker {

std::vector<std::uint64_t> scan_keys(const NextKey& next_key, std::size_t max_keys) {
  std::vector<std::uint64_t> keys;
  std::unordered_set<std::uint64_t> seen;
  std::size_t calls_left = 4 * max_keys + 64;
  std::uint64_t current = 0, next = 0;
  const std::uint64_t* previous = nullptr;
  while (keys.size() < max_keys && calls_left-- > 0 && next_key(previous, next)) {
    if (seen.insert(next).second) keys.push_back(next);
    current = next;
    previous = &current;
  }
  return keys;
}

}  // namespace tracker
