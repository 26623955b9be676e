#pragma once

#include <chrono>
#include <cstdint>

namespace tracker {

// Deadlines, intervals and timeouts are measured on the monotonic clock, which
// no NTP step or restored VM moves; the wall clock is only for timestamps that
// are printed. The two have different types so that they cannot be mixed.
using MonoTime = std::chrono::steady_clock::time_point;
using MonoDuration = std::chrono::steady_clock::duration;

class MonotonicClock {
 public:
  virtual ~MonotonicClock() = default;
  virtual MonoTime now() const { return std::chrono::steady_clock::now(); }
  // The real clock.
  static const MonotonicClock& system();
};

// CLOCK_REALTIME in nanoseconds since the Unix epoch: for printed timestamps only.
std::int64_t wall_clock_ns();

}  // namespace tracker
