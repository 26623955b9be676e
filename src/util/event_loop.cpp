#include "util/event_loop.h"

#include <signal.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <sys/timerfd.h>

#include <algorithm>
#include <cerrno>
#include <vector>

namespace tracker {

EventLoop::EventLoop() : epoll_(epoll_create1(EPOLL_CLOEXEC)) {}

bool EventLoop::watch(int fd, Callback on_readable) {
  return watch(fd, EPOLLIN, std::move(on_readable));
}

bool EventLoop::watch(int fd, std::uint32_t events, Callback on_ready) {
  epoll_event event{};
  event.events = events;
  event.data.fd = fd;
  if (epoll_ctl(epoll_.get(), EPOLL_CTL_ADD, fd, &event) != 0) return false;
  fds_[fd] = std::move(on_ready);
  return true;
}

bool EventLoop::modify(int fd, std::uint32_t events) {
  epoll_event event{};
  event.events = events;
  event.data.fd = fd;
  return epoll_ctl(epoll_.get(), EPOLL_CTL_MOD, fd, &event) == 0;
}

void EventLoop::unwatch(int fd) {
  epoll_ctl(epoll_.get(), EPOLL_CTL_DEL, fd, nullptr);
  fds_.erase(fd);
}

int EventLoop::every(std::chrono::milliseconds interval, Callback callback) {
  int fd = timer(std::move(callback));
  if (fd < 0) return -1;
  itimerspec spec{};
  spec.it_interval.tv_sec = interval.count() / 1000;
  spec.it_interval.tv_nsec = (interval.count() % 1000) * 1'000'000;
  spec.it_value = spec.it_interval;
  timerfd_settime(fd, 0, &spec, nullptr);
  return fd;
}

int EventLoop::timer(Callback callback) {
  UniqueFd timer(timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK));
  if (!timer) return -1;
  int fd = timer.get();
  watch(fd, [fd, callback = std::move(callback)] {
    std::uint64_t expirations;
    if (read(fd, &expirations, sizeof(expirations)) > 0) callback();
  });
  timers_[fd] = std::move(timer);
  return fd;
}

bool EventLoop::arm(int timer_fd, std::chrono::nanoseconds delay) {
  // A zero it_value disarms: the shortest arming is one nanosecond.
  auto ns = std::max<std::int64_t>(delay.count(), 1);
  itimerspec spec{};
  spec.it_value.tv_sec = ns / 1'000'000'000;
  spec.it_value.tv_nsec = ns % 1'000'000'000;
  return timerfd_settime(timer_fd, 0, &spec, nullptr) == 0;
}

void EventLoop::disarm(int timer_fd) {
  itimerspec spec{};
  timerfd_settime(timer_fd, 0, &spec, nullptr);
}

void EventLoop::cancel(int timer_fd) {
  if (timers_.count(timer_fd) == 0) return;
  unwatch(timer_fd);
  timers_.erase(timer_fd);
}

bool EventLoop::on_signal(int signal, Callback callback) {
  signals_[signal] = std::move(callback);
  sigset_t mask;
  sigemptyset(&mask);
  for (auto& [number, unused] : signals_) sigaddset(&mask, number);
  if (sigprocmask(SIG_BLOCK, &mask, nullptr) != 0) return false;
  int fd = signalfd(signal_fd_.valid() ? signal_fd_.get() : -1, &mask, SFD_CLOEXEC | SFD_NONBLOCK);
  if (fd < 0) return false;
  if (!signal_fd_.valid()) {
    signal_fd_.reset(fd);
    watch(fd, [this] { dispatch_signals(); });
  }
  return true;
}

void EventLoop::dispatch_signals() {
  signalfd_siginfo info{};
  while (read(signal_fd_.get(), &info, sizeof(info)) == sizeof(info)) {
    auto handler = signals_.find(static_cast<int>(info.ssi_signo));
    if (handler != signals_.end()) handler->second();
  }
}

void EventLoop::defer(Callback callback) {
  deferred_.push_back(std::move(callback));
}

void EventLoop::run() {
  running_ = true;
  std::vector<epoll_event> ready(16);
  while (running_) {
    while (!deferred_.empty()) {
      auto pending = std::move(deferred_);
      deferred_.clear();
      for (auto& callback : pending) callback();
    }
    if (!running_) break;
    int count = epoll_wait(epoll_.get(), ready.data(), static_cast<int>(ready.size()), -1);
    if (count < 0) {
      if (errno == EINTR) continue;
      break;
    }
    for (int i = 0; i < count && running_; ++i) {
      auto handler = fds_.find(ready[i].data.fd);
      if (handler != fds_.end()) {
        auto callback = handler->second;  // the callback may unwatch itself
        callback();
      }
    }
  }
}

}  // namespace tracker
