#include "util/clock.h"

#include <time.h>

namespace tracker {

const MonotonicClock& MonotonicClock::system() {
  static const MonotonicClock clock;
  return clock;
}

std::int64_t wall_clock_ns() {
  timespec ts{};
  clock_gettime(CLOCK_REALTIME, &ts);
  return static_cast<std::int64_t>(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec;
}

}  // namespace tracker
