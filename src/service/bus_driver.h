#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>

struct sd_bus;

namespace sdbus {
class IConnection;
}

namespace tracker {

class EventLoop;

// Runs a bus connection (sd-bus's, or an sdbus-c++ one in trackerctl and the
// tests) on an EventLoop instead of a thread of its own: the connection's fd is
// watched for what sd-bus asks (POLLIN, and POLLOUT while messages wait to be
// written) and a one-shot timer follows sd-bus's timeout (method call timeouts,
// messages already read but not yet dispatched). Every handler, reply and
// signal of the connection thus runs on the loop's thread.
class BusDriver {
 public:
  using FailureHandler = std::function<void(const std::string& why)>;

  BusDriver(EventLoop& loop, sd_bus* bus, FailureHandler on_failure);
  BusDriver(EventLoop& loop, sdbus::IConnection& connection, FailureHandler on_failure);
  ~BusDriver();
  BusDriver(const BusDriver&) = delete;
  BusDriver& operator=(const BusDriver&) = delete;

  // Call after sending or emitting outside a bus callback: the loop flushes the
  // connection and re-reads what it waits for in its next iteration.
  void schedule();
  bool connected() const { return fd_ >= 0; }

 private:
  // What sd-bus waits for: its fd, the poll events and, if any, the time left.
  struct Wait {
    int fd = -1;
    short events = 0;
    std::optional<std::chrono::microseconds> timeout;
  };
  struct Connection {
    std::function<Wait()> wait;     // throws when the connection failed
    std::function<bool()> process;  // one message; false when idle; throws on failure
  };

  BusDriver(EventLoop& loop, Connection connection, FailureHandler on_failure);
  void process();
  void update();
  void fail(const std::string& why);

  EventLoop& loop_;
  Connection connection_;
  FailureHandler on_failure_;
  int fd_ = -1;
  std::uint32_t events_ = 0;
  int timer_fd_ = -1;
  bool scheduled_ = false;
  // Deferred callbacks outlive us in the loop's queue: they hold this flag.
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

}  // namespace tracker
