#include "service/bus_driver.h"

#include <poll.h>
#include <sys/epoll.h>

#include <exception>

#include <sdbus-c++/IConnection.h>

#include "util/event_loop.h"
#include "util/log.h"

namespace tracker {
namespace {

// Messages dispatched per wake-up before the other fds of the loop get a turn;
// sd-bus reports a zero timeout while more are queued, so none is forgotten.
constexpr int kBatch = 64;

std::uint32_t epoll_events(short poll_events) {
  std::uint32_t events = 0;
  if (poll_events & POLLIN) events |= EPOLLIN;
  if (poll_events & POLLOUT) events |= EPOLLOUT;
  return events;
}

}  // namespace

BusDriver::BusDriver(EventLoop& loop, sdbus::IConnection& connection, FailureHandler on_failure)
    : loop_(loop), connection_(connection), on_failure_(std::move(on_failure)) {
  timer_fd_ = loop_.timer([this] { process(); });
  try {
    auto data = connection_.getEventLoopPollData();
    events_ = epoll_events(data.events);
    if (loop_.watch(data.fd, events_, [this] { process(); })) fd_ = data.fd;
  } catch (const std::exception& error) {
    log(LogLevel::error, "dbus", "cannot watch the bus connection: {}", error.what());
  }
  if (fd_ < 0) return;
  schedule();
}

BusDriver::~BusDriver() {
  *alive_ = false;
  if (fd_ >= 0) loop_.unwatch(fd_);
  if (timer_fd_ >= 0) loop_.cancel(timer_fd_);
}

void BusDriver::schedule() {
  if (scheduled_ || fd_ < 0) return;
  scheduled_ = true;
  loop_.defer([this, alive = alive_] {
    if (!*alive) return;
    scheduled_ = false;
    process();
  });
}

void BusDriver::process() {
  if (fd_ < 0) return;
  try {
    for (int i = 0; i < kBatch && connection_.processPendingRequest(); ++i) {
    }
    update();
  } catch (const std::exception& error) {
    fail(error.what());
  }
}

void BusDriver::update() {
  auto data = connection_.getEventLoopPollData();
  auto events = epoll_events(data.events);
  if (events != events_ && loop_.modify(fd_, events)) events_ = events;
  if (auto timeout = data.getRelativeTimeout())
    loop_.arm(timer_fd_, *timeout);
  else
    loop_.disarm(timer_fd_);
}

void BusDriver::fail(const std::string& why) {
  log(LogLevel::error, "dbus", "bus connection lost: {}", why);
  loop_.unwatch(fd_);
  loop_.disarm(timer_fd_);
  fd_ = -1;
  if (on_failure_) on_failure_(why);
}

}  // namespace tracker
