#include "util/event_loop.h"

#include <signal.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <sys/timerfd.h>

#include <cerrno>
#include <vector>

namespace tracker {

EventLoop::EventLoop() : epoll_(epoll_create1(EPOLL_CLOEXEC)) {}

bool EventLoop::watch(int fd, Callback on_readable) {
  epoll_event event{};
  event.events = EPOLLIN;
  event.data.fd = fd;
  if (epoll_ctl(epoll_.get(), EPOLL_CTL_ADD, fd, &event) != 0) return false;
  fds_[fd] = std::move(on_readable);
  return true;
}

void EventLoop::unwatch(int fd) {
  epoll_ctl(epoll_.get(), EPOLL_CTL_DEL, fd, nullptr);
  fds_.erase(fd);
}

int EventLoop::every(std::chrono::milliseconds interval, Callback callback) {
  UniqueFd timer(timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK));
  if (!timer) return -1;
  itimerspec spec{};
  spec.it_interval.tv_sec = interval.count() / 1000;
  spec.it_interval.tv_nsec = (interval.count() % 1000) * 1'000'000;
  spec.it_value = spec.it_interval;
  timerfd_settime(timer.get(), 0, &spec, nullptr);
  int fd = timer.get();
  watch(fd, [fd, callback = std::move(callback)] {
    std::uint64_t expirations;
    if (read(fd, &expirations, sizeof(expirations)) > 0) callback();
  });
  timers_[fd] = std::move(timer);
  return fd;
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
