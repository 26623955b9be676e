#include "agent/clock.h"

#include <time.h>

#include "util/clock.h"

namespace tracker {

void BootClock::refresh() {
  timespec before{}, after{};
  clock_gettime(CLOCK_BOOTTIME, &before);
  std::int64_t real = wall_clock_ns();
  clock_gettime(CLOCK_BOOTTIME, &after);
  auto ns = [](const timespec& ts) {
    return static_cast<std::int64_t>(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec;
  };
  offset_ns_ = real - (ns(before) + (ns(after) - ns(before)) / 2);
}

}  // namespace tracker
