#pragma once

#include <algorithm>
#include <chrono>

#include "enrich/cancellation.h"

namespace tracker {

// One budget shared by every request a lookup makes, and the client's
// cancellation, which ends the budget early.
class Deadline {
 public:
  explicit Deadline(std::chrono::milliseconds budget, Cancellation* cancellation = nullptr)
      : at_(std::chrono::steady_clock::now() + budget), cancellation_(cancellation) {}

  std::chrono::milliseconds remaining() const {
    if (cancelled()) return std::chrono::milliseconds(0);
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        at_ - std::chrono::steady_clock::now());
    return std::max(left, std::chrono::milliseconds(0));
  }
  bool expired() const { return remaining().count() <= 0; }
  bool cancelled() const { return cancellation_ && cancellation_->cancelled(); }
  Cancellation* cancellation() const { return cancellation_; }
  // gRPC takes deadlines on the system clock.
  std::chrono::system_clock::time_point system_time() const {
    return std::chrono::system_clock::now() + remaining();
  }

 private:
  std::chrono::steady_clock::time_point at_;
  Cancellation* cancellation_;
};

}  // namespace tracker
