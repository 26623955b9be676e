#include "service/bus_driver.h"

#include <poll.h>
#include <sys/epoll.h>
#include <systemd/sd-bus.h>
#include <time.h>

#include <cstring>
#include <exception>
#include <stdexcept>

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

int checked(int r, const char* what) {
  if (r < 0) throw std::runtime_error(std::string(what) + ": " + std::strerror(-r));
  return r;
}

std::uint64_t monotonic_usec() {
  timespec now{};
  clock_gettime(CLOCK_MONOTONIC, &now);
  return static_cast<std::uint64_t>(now.tv_sec) * 1'000'000 +
         static_cast<std::uint64_t>(now.tv_nsec) / 1000;
}

}  // namespace

BusDriver::BusDriver(EventLoop& loop, sd_bus* bus, FailureHandler on_failure)
    : BusDriver(
          loop,
          Connection{
              [bus] {
                Wait wait;
                wait.fd = checked(sd_bus_get_fd(bus), "cannot get the bus fd");
                wait.events = static_cast<short>(
                    checked(sd_bus_get_events(bus), "cannot get the bus events"));
                std::uint64_t until = 0;
                checked(sd_bus_get_timeout(bus, &until), "cannot get the bus timeout");
                if (until != UINT64_MAX) {
                  auto now = monotonic_usec();
                  wait.timeout = std::chrono::microseconds(until > now ? until - now : 0);
                }
                return wait;
              },
              [bus] { return checked(sd_bus_process(bus, nullptr), "bus processing failed") > 0; }},
          std::move(on_failure)) {}

BusDriver::BusDriver(EventLoop& loop, sdbus::IConnection& connection, FailureHandler on_failure)
    : BusDriver(loop,
                Connection{[&connection] {
                             auto data = connection.getEventLoopPollData();
                             Wait wait;
                             wait.fd = data.fd;
                             wait.events = data.events;
                             if (auto timeout = data.getRelativeTimeout())
                               wait.timeout =
                                   std::chrono::duration_cast<std::chrono::microseconds>(*timeout);
                             return wait;
                           },
                           [&connection] { return connection.processPendingRequest(); }},
                std::move(on_failure)) {}

BusDriver::BusDriver(EventLoop& loop, Connection connection, FailureHandler on_failure)
    : loop_(loop), connection_(std::move(connection)), on_failure_(std::move(on_failure)) {
  timer_fd_ = loop_.timer([this] { process(); });
  try {
    auto wait = connection_.wait();
    events_ = epoll_events(wait.events);
    if (loop_.watch(wait.fd, events_, [this] { process(); })) fd_ = wait.fd;
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
    for (int i = 0; i < kBatch && connection_.process(); ++i) {
    }
    update();
  } catch (const std::exception& error) {
    fail(error.what());
  }
}

void BusDriver::update() {
  auto wait = connection_.wait();
  auto events = epoll_events(wait.events);
  if (events != events_ && loop_.modify(fd_, events)) events_ = events;
  if (wait.timeout)
    loop_.arm(timer_fd_, *wait.timeout);
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
