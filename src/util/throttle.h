#pragma once

#include <chrono>

namespace tracker {

// Something costly that is asked for often and must run at most once per
// interval: a request within the interval after a run is kept for its end, so
// however many requests come, one run follows the last of them.
class Throttle {
 public:
  using Clock = std::chrono::steady_clock;
  explicit Throttle(Clock::duration interval) : interval_(interval) {}

  void request() { requested_ = true; }
  bool requested() const { return requested_; }
  // Whether to run now; if so, the request is taken and the interval starts.
  bool due(Clock::time_point now) {
    if (!requested_ || (ran_ && now - last_run_ < interval_)) return false;
    requested_ = false;
    ran_ = true;
    last_run_ = now;
    return true;
  }

 private:
  Clock::duration interval_;
  Clock::time_point last_run_{};
  bool ran_ = false;
  bool requested_ = false;
};

}  // namespace tracker
