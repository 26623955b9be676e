#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <unordered_map>

#include "util/unique_fd.h"

namespace tracker {

// A single-threaded epoll loop: fds with callbacks, periodic timers and
// signals delivered as events (never handled in signal context).
class EventLoop {
 public:
  using Callback = std::function<void()>;

  EventLoop();
  bool watch(int fd, Callback on_readable);
  // Like watch(), for an epoll event mask (EPOLLIN, EPOLLOUT, ...); modify() changes the mask.
  bool watch(int fd, std::uint32_t events, Callback on_ready);
  bool modify(int fd, std::uint32_t events);
  void unwatch(int fd);
  // Runs `callback` every `interval`; returns the timer fd (owned by the loop).
  int every(std::chrono::milliseconds interval, Callback callback);
  // A one-shot timer, disarmed until arm(); returns the timer fd (owned by the loop).
  int timer(Callback callback);
  // Fires the timer once after `delay` (at once if it is zero or negative), replacing any
  // earlier arming.
  bool arm(int timer_fd, std::chrono::nanoseconds delay);
  void disarm(int timer_fd);
  void cancel(int timer_fd);  // frees a timer of every() or timer()
  // Blocks `signal` for the whole process and runs `callback` in the loop when it arrives.
  bool on_signal(int signal, Callback callback);
  // Runs `callback` once, in the next loop iteration (after the current callbacks).
  void defer(Callback callback);

  void run();  // until stop()
  void stop() { running_ = false; }
  bool running() const { return running_; }

 private:
  void dispatch_signals();

  UniqueFd epoll_;
  UniqueFd signal_fd_;
  std::unordered_map<int, Callback> fds_;
  std::unordered_map<int, UniqueFd> timers_;
  std::unordered_map<int, Callback> signals_;
  std::vector<Callback> deferred_;
  bool running_ = false;
};

}  // namespace tracker
