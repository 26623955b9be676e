#pragma once

#include <chrono>
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
  void unwatch(int fd);
  // Runs `callback` every `interval`; returns the timer fd (owned by the loop).
  int every(std::chrono::milliseconds interval, Callback callback);
  void cancel(int timer_fd);
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
