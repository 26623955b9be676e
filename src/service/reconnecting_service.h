#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <string>

#include "service/backend.h"
#include "service/dbus_service.h"

namespace tracker {

class EventLoop;

// Waits between attempts: `first`, doubled after every failure up to `most`.
class Backoff {
 public:
  Backoff(std::chrono::milliseconds first, std::chrono::milliseconds most)
      : first_(first), most_(most), next_(first) {}
  std::chrono::milliseconds next();  // the wait before the next attempt
  void reset() { next_ = first_; }

 private:
  std::chrono::milliseconds first_;
  std::chrono::milliseconds most_;
  std::chrono::milliseconds next_;
};

struct ReconnectOptions {
  std::chrono::milliseconds first_delay{1000};
  std::chrono::milliseconds max_delay{30'000};
};

// tracker's face on the bus, kept there: a DbusService that, when its bus
// connection is lost (the bus daemon restarted), is replaced by a new one on
// a new connection, with the name taken back and every object exported again
// from the ServiceBackend. Attempts back off from 1 s to 30 s. Connecting
// blocks (sd-bus waits for the bus daemon to answer, and a socket-activated
// bus accepts before its daemon runs), so `connect` runs on a thread of its
// own and the loop never waits for it. Construct, call and destroy on the
// loop thread.
class ReconnectingService final : public ServiceEvents {
 public:
  // Opens a new bus connection. Runs on a worker thread: it must not touch
  // the loop's state.
  using Connect = std::function<BusConnection()>;
  enum class State { off, serving, reconnecting };

  // `options.on_disconnect` is called (on the loop thread) when the bus is lost.
  ReconnectingService(EventLoop& loop, ServiceBackend& backend, DbusServiceOptions options,
                      Connect connect, ReconnectOptions reconnect = {});
  ~ReconnectingService() override;
  ReconnectingService(const ReconnectingService&) = delete;
  ReconnectingService& operator=(const ReconnectingService&) = delete;

  // Connects and serves at once, on the calling thread (at start-up, before
  // the loop runs). "" on success, else why not; nothing is retried then:
  // reconnecting starts only once the service has served.
  std::string start();
  State state() const { return state_; }
  // For STATUS= lines: "" while serving (or off), "D-Bus: reconnecting" otherwise.
  std::string status() const;

  // Passed on while serving; dropped while reconnecting, as the next service
  // reads every container from the backend anew.
  void container_added(const ContainerSnapshot& container) override;
  void container_exited(const ContainerSnapshot& container) override;
  void container_removed(const ContainerSnapshot& container) override;
  void container_changed(const ContainerSnapshot& container) override;
  void manager_changed() override;

 private:
  struct Attempt;
  std::string serve(BusPtr connection);
  void lost(const std::string& why);
  void retry_later();
  void attempt();
  void attempted();

  EventLoop& loop_;
  ServiceBackend& backend_;
  DbusServiceOptions options_;
  Connect connect_;
  Backoff backoff_;
  State state_ = State::off;
  std::unique_ptr<DbusService> service_;
  std::shared_ptr<Attempt> attempt_;  // a connection being opened on a worker thread
  int retry_timer_ = -1;
  unsigned failures_ = 0;
  // Deferred callbacks outlive us in the loop's queue: they hold this flag.
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

}  // namespace tracker
