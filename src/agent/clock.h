#pragma once

#include <cstdint>

namespace tracker {

// Kernel events carry CLOCK_BOOTTIME; output wants the Unix epoch.
class BootClock {
 public:
  BootClock() { refresh(); }
  void refresh();
  std::int64_t to_epoch_ns(std::uint64_t boot_ns) const {
    return static_cast<std::int64_t>(boot_ns) + offset_ns_;
  }
  static std::int64_t now_epoch_ns();

 private:
  std::int64_t offset_ns_ = 0;
};

}  // namespace tracker
