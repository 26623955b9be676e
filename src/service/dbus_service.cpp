#include "service/dbus_service.h"

#include <cstring>
#include <exception>

#include <fmt/format.h>

#include "service/bus_driver.h"
#include "service/container_objects.h"
#include "service/manager_object.h"
#include "service/object_context.h"
#include "util/log.h"

namespace tracker {
namespace {

int open(const std::string& address, sd_bus** bus) {
  if (address.empty()) return sd_bus_open_system(bus);
  int r = sd_bus_new(bus);
  if (r < 0) return r;
  if ((r = sd_bus_set_address(*bus, address.c_str())) < 0) return r;
  if ((r = sd_bus_set_bus_client(*bus, 1)) < 0) return r;
  return sd_bus_start(*bus);
}

}  // namespace

BusConnection open_bus(const std::string& address) {
  BusConnection result;
  sd_bus* bus = nullptr;
  int r = open(address, &bus);
  BusPtr connection(bus);
  // Until the bus daemon answered Hello(), the connection may still fail.
  const char* unique_name = nullptr;
  if (r >= 0) r = sd_bus_get_unique_name(bus, &unique_name);
  if (r < 0) {
    result.error =
        fmt::format("cannot connect to the {}: {}",
                    address.empty() ? "system bus" : "bus at " + address, std::strerror(-r));
    return result;
  }
  result.connection = std::move(connection);
  return result;
}

DbusService::DbusService(EventLoop& loop, BusPtr connection, ServiceBackend& backend,
                         DbusServiceOptions options)
    : loop_(loop),
      backend_(backend),
      options_(std::move(options)),
      connection_(std::move(connection)) {
  driver_ = std::make_unique<BusDriver>(loop_, connection_.get(), [this](const std::string& why) {
    started_ = false;
    if (options_.on_disconnect) options_.on_disconnect(why);
  });
  authorizer_ = std::make_unique<Authorizer>(connection_.get(), options_.authorization);
  context_.reset(new ObjectContext{connection_.get(), backend_, *authorizer_});
}

DbusService::~DbusService() = default;

bool DbusService::running() const {
  return started_ && driver_->connected();
}

std::string DbusService::start() {
  if (started_) return {};
  if (!driver_->connected()) return "the bus connection cannot be watched";
  try {
    containers_ = std::make_unique<ContainerObjects>(*context_, options_.max_reply_bytes);
    manager_ = std::make_unique<ManagerObject>(*context_, *containers_);
    backend_.for_each([this](const ContainerSnapshot& container) { containers_->add(container); });
    manager_->refresh();
    int r = sd_bus_request_name(connection_.get(), options_.bus_name.c_str(), 0);
    if (r < 0) throw std::runtime_error(std::strerror(-r));
  } catch (const std::exception& error) {
    // Nothing stays exported: a later start() begins afresh.
    manager_.reset();
    containers_.reset();
    return fmt::format("cannot own {} on the bus: {}", options_.bus_name, error.what());
  }
  started_ = true;
  driver_->schedule();
  log(LogLevel::info, "dbus", "serving {} with {} containers", options_.bus_name,
      containers_->size());
  return {};
}

template <typename Work>
void DbusService::guarded(const char* what, Work&& work) {
  if (!started_) return;
  try {
    work();
  } catch (const std::exception& error) {
    log(LogLevel::warning, "dbus", "{}: {}", what, error.what());
  }
  driver_->schedule();
}

void DbusService::container_added(const ContainerSnapshot& container) {
  guarded("cannot export an added container", [&] {
    if (!containers_->add(container)) {
      containers_->update(container);
      return;
    }
    // The ObjectManager's signal first, so a client that reacts to
    // ContainerAdded finds the object.
    containers_->announce(container);
    manager_->emit_container_added(container.id);
    manager_->refresh();
  });
}

void DbusService::container_exited(const ContainerSnapshot& container) {
  guarded("cannot announce an exited container", [&] {
    auto told = containers_->told(container.id);
    if (!told) return;
    containers_->update(container);
    if (!told->exited) manager_->emit_container_exited(container);
  });
}

void DbusService::container_removed(const ContainerSnapshot& container) {
  guarded("cannot withdraw a removed container", [&] {
    auto told = containers_->told(container.id);
    if (!told) return;
    // Every container ends with ContainerExited before ContainerRemoved,
    // even when its exit was not seen.
    if (!told->exited) manager_->emit_container_exited(container);
    containers_->remove(container.id);
    manager_->emit_container_removed(container.id);
    manager_->refresh();
  });
}

void DbusService::container_changed(const ContainerSnapshot& container) {
  guarded("cannot announce a changed container", [&] {
    auto told = containers_->told(container.id);
    if (!told) {
      container_added(container);
      return;
    }
    containers_->update(container);
    // Once per outcome: the first answer (partial or complete), or giving up.
    using Outcome = ContainerObjects::Outcome;
    auto now = ContainerObjects::outcome_of(container.enrichment);
    bool first = (now == Outcome::answered && told->outcome != Outcome::answered) ||
                 (now == Outcome::failed && told->outcome != Outcome::failed);
    if (first) manager_->emit_container_enriched(container.id);
  });
}

void DbusService::manager_changed() {
  guarded("cannot announce changed properties", [&] { manager_->refresh(); });
}

}  // namespace tracker
