#pragma once

#include <cstdint>

namespace tracker {

// Kernel events carry CLOCK_BOOTTIME; output wants the Unix epoch. The offset
// follows the wall clock when refreshed (a step of the wall clock shows in
// printed timestamps from the next refresh on, never in deadlines).
class BootClock {
 public:
  BootClock() { refresh(); }
  void refresh();
  std::int64_t to_epoch_ns(std::uint64_t boot_ns) const {
    return static_cast<std::int64_t>(boot_ns) + offset_ns_;
  }

 private:
  std::int64_t offset_ns_ = 0;
};

}  // namespace tracker
