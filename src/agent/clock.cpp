#include "agent/clock.h"

#include <time.h>

namespace tracker {
namespace {

std::int64_t read_ns(clockid_t clock) {
  timespec ts{};
  clock_gettime(clock, &ts);
  return static_cast<std::int64_t>(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec;
}

}  // namespace

void BootClock::refresh() {
  std::int64_t boot_before = read_ns(CLOCK_BOOTTIME);
  std::int64_t real = read_ns(CLOCK_REALTIME);
  std::int64_t boot_after = read_ns(CLOCK_BOOTTIME);
  offset_ns_ = real - (boot_before + (boot_after - boot_before) / 2);
}

std::int64_t BootClock::now_epoch_ns() {
  return read_ns(CLOCK_REALTIME);
}

}  // namespace tracker
