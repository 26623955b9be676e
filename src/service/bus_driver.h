#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

namespace sdbus {
class IConnection;
}

namespace tracker {

class EventLoop;

// Runs an sdbus-c++ connection on an EventLoop instead of a thread of its own:
// the connection's fd is watched for what sd-bus asks (POLLIN, and POLLOUT while
// messages wait to be written) and a one-shot timer follows sd-bus's timeout
// (method call timeouts, messages already read but not yet dispatched). Every
// handler, reply and signal of the connection thus runs on the loop's thread.
class BusDriver {
 public:
  using FailureHandler = std::function<void(const std::string& why)>;

  BusDriver(EventLoop& loop, sdbus::IConnection& connection, FailureHandler on_failure);
  ~BusDriver();
  BusDriver(const BusDriver&) = delete;
  BusDriver& operator=(const BusDriver&) = delete;

  // Call after sending or emitting outside a bus callback: the loop flushes the
  // connection and re-reads what it waits for in its next iteration.
  void schedule();
  bool connected() const { return fd_ >= 0; }

 private:
  void process();
  void update();
  void fail(const std::string& why);

  EventLoop& loop_;
  sdbus::IConnection& connection_;
  FailureHandler on_failure_;
  int fd_ = -1;
  std::uint32_t events_ = 0;
  int timer_fd_ = -1;
  bool scheduled_ = false;
  // Deferred callbacks outlive us in the loop's queue: they hold this flag.
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

}  // namespace tracker
