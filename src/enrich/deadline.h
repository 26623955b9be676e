#pragma once

#include <algorithm>
#include <chrono>

namespace tracker {

// One budget shared by every request a lookup makes.
class Deadline {
 public:
  explicit Deadline(std::chrono::milliseconds budget)
      : at_(std::chrono::steady_clock::now() + budget) {}

  std::chrono::milliseconds remaining() const {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        at_ - std::chrono::steady_clock::now());
    return std::max(left, std::chrono::milliseconds(0));
  }
  bool expired() const { return remaining().count() <= 0; }
  // gRPC takes deadlines on the system clock.
  std::chrono::system_clock::time_point system_time() const {
    return std::chrono::system_clock::now() + remaining();
  }

 private:
  std::chrono::steady_clock::time_point at_;
};

}  // namespace tracker
