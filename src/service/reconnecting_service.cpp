#include "service/reconnecting_service.h"

#include <sys/eventfd.h>
#include <unistd.h>

#include <algorithm>
#include <exception>
#include <mutex>
#include <system_error>
#include <thread>

#include "util/event_loop.h"
#include "util/log.h"
#include "util/unique_fd.h"

namespace tracker {

std::chrono::milliseconds Backoff::next() {
  auto wait = next_;
  next_ = std::min(next_ * 2, most_);
  return wait;
}

// One connection being opened on a worker thread. The thread holds it too, so
// the service may go away meanwhile: the thread then closes what it opened.
struct ReconnectingService::Attempt {
  UniqueFd done{eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK)};  // readable once `result` is set
  std::mutex mutex;
  BusConnection result;
};

ReconnectingService::ReconnectingService(EventLoop& loop, ServiceBackend& backend,
                                         DbusServiceOptions options, Connect connect,
                                         ReconnectOptions reconnect)
    : loop_(loop),
      backend_(backend),
      options_(std::move(options)),
      connect_(std::move(connect)),
      backoff_(reconnect.first_delay, reconnect.max_delay) {
  retry_timer_ = loop_.timer([this] { attempt(); });
}

ReconnectingService::~ReconnectingService() {
  *alive_ = false;
  if (attempt_) loop_.unwatch(attempt_->done.get());
  if (retry_timer_ >= 0) loop_.cancel(retry_timer_);
  service_.reset();
}

std::string ReconnectingService::start() {
  if (state_ != State::off) return {};
  BusConnection bus;
  try {
    bus = connect_();
  } catch (const std::exception& error) {
    bus.error = error.what();
  }
  if (!bus.connection) return bus.error;
  return serve(std::move(bus.connection));
}

std::string ReconnectingService::status() const {
  return state_ == State::reconnecting ? "D-Bus: reconnecting" : "";
}

std::string ReconnectingService::serve(BusPtr connection) {
  auto options = options_;
  options.on_disconnect = [this](const std::string& why) { lost(why); };
  auto service =
      std::make_unique<DbusService>(loop_, std::move(connection), backend_, std::move(options));
  if (auto error = service->start(); !error.empty()) return error;
  service_ = std::move(service);
  state_ = State::serving;
  return {};
}

// Called from inside the lost service's bus callback: it is destroyed later.
void ReconnectingService::lost(const std::string& why) {
  if (state_ != State::serving) return;
  state_ = State::reconnecting;
  log(LogLevel::warning, "dbus", "serving nothing until the bus is back; reconnecting");
  if (options_.on_disconnect) options_.on_disconnect(why);
  loop_.defer([this, alive = alive_] {
    if (!*alive) return;
    service_.reset();
    retry_later();
  });
}

void ReconnectingService::retry_later() {
  auto wait = backoff_.next();
  log(LogLevel::debug, "dbus", "next attempt to reach the bus in {} ms", wait.count());
  loop_.arm(retry_timer_, wait);
}

void ReconnectingService::attempt() {
  if (state_ != State::reconnecting || attempt_) return;
  auto attempt = std::make_shared<Attempt>();
  if (!attempt->done || !loop_.watch(attempt->done.get(), [this] { attempted(); })) {
    log(LogLevel::error, "dbus", "cannot wait for a bus connection: no eventfd");
    retry_later();
    return;
  }
  attempt_ = attempt;
  try {
    std::thread([attempt, connect = connect_] {
      BusConnection bus;
      try {
        bus = connect();
      } catch (const std::exception& error) {
        bus.error = error.what();
      }
      std::lock_guard lock(attempt->mutex);
      attempt->result = std::move(bus);
      std::uint64_t one = 1;
      [[maybe_unused]] auto written = write(attempt->done.get(), &one, sizeof(one));
    }).detach();
  } catch (const std::system_error& error) {
    log(LogLevel::error, "dbus", "cannot start a thread to reach the bus: {}", error.what());
    loop_.unwatch(attempt->done.get());
    attempt_.reset();
    retry_later();
  }
}

void ReconnectingService::attempted() {
  auto attempt = std::move(attempt_);
  if (!attempt) return;
  loop_.unwatch(attempt->done.get());
  BusConnection bus;
  {
    std::lock_guard lock(attempt->mutex);
    bus = std::move(attempt->result);
  }
  auto error = bus.connection ? serve(std::move(bus.connection)) : bus.error;
  if (error.empty()) {
    log(LogLevel::notice, "dbus", "back on the bus, at attempt {}", failures_ + 1);
    failures_ = 0;
    backoff_.reset();
    return;
  }
  // The first failure is worth a line; the bus may take a while to come back.
  log(failures_++ == 0 ? LogLevel::warning : LogLevel::debug, "dbus",
      "cannot reach the bus yet: {}", error);
  retry_later();
}

void ReconnectingService::container_added(const ContainerSnapshot& container) {
  if (state_ == State::serving) service_->container_added(container);
}

void ReconnectingService::container_exited(const ContainerSnapshot& container) {
  if (state_ == State::serving) service_->container_exited(container);
}

void ReconnectingService::container_removed(const ContainerSnapshot& container) {
  if (state_ == State::serving) service_->container_removed(container);
}

void ReconnectingService::container_changed(const ContainerSnapshot& container) {
  if (state_ == State::serving) service_->container_changed(container);
}

void ReconnectingService::manager_changed() {
  if (state_ == State::serving) service_->manager_changed();
}

}  // namespace tracker
