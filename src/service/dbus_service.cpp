#include "service/dbus_service.h"

#include <exception>

#include <fmt/format.h>

#include <sdbus-c++/sdbus-c++.h>

#include "service/bus_driver.h"
#include "service/bus_util.h"
#include "service/container_object.h"
#include "service/manager_object.h"
#include "service/object_context.h"
#include "util/log.h"

namespace tracker {

BusConnection open_bus(const std::string& address) {
  BusConnection bus;
  try {
    bus.connection = address.empty() ? sdbus::createSystemBusConnection()
                                     : sdbus::createSessionBusConnectionWithAddress(address);
  } catch (const std::exception& error) {
    bus.error = error.what();
  }
  return bus;
}

DbusService::DbusService(EventLoop& loop, std::unique_ptr<sdbus::IConnection> connection,
                         ServiceBackend& backend, DbusServiceOptions options)
    : loop_(loop),
      backend_(backend),
      options_(std::move(options)),
      connection_(std::move(connection)) {
  driver_ = std::make_unique<BusDriver>(loop_, *connection_, [this](const std::string& why) {
    started_ = false;
    if (options_.on_disconnect) options_.on_disconnect(why);
  });
  authorizer_ = std::make_unique<Authorizer>(*connection_, options_.authorization);
  context_.reset(new ObjectContext{raw_bus(*connection_), backend_, *authorizer_, {}});
}

DbusService::~DbusService() = default;

bool DbusService::running() const {
  return started_ && driver_->connected();
}

std::string DbusService::start() {
  if (started_) return {};
  if (!driver_->connected()) return "the bus connection cannot be watched";
  try {
    manager_ = std::make_unique<ManagerObject>(*connection_, *context_);
    for (auto& container : backend_.containers()) add(std::move(container));
    manager_->refresh();
    connection_->requestName(options_.bus_name);
  } catch (const std::exception& error) {
    // Nothing stays exported: a later start() begins afresh.
    context_->containers.clear();
    manager_.reset();
    return fmt::format("cannot own {} on the bus: {}", options_.bus_name, error.what());
  }
  started_ = true;
  driver_->schedule();
  log(LogLevel::info, "dbus", "serving {} with {} containers", options_.bus_name,
      context_->containers.size());
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

void DbusService::add(ContainerSnapshot container) {
  auto [slot, inserted] = context_->containers.try_emplace(container.id);
  if (!inserted) {
    slot->second->update(container);
    return;
  }
  try {
    slot->second = std::make_unique<ContainerObject>(*connection_, *context_, std::move(container));
  } catch (...) {
    context_->containers.erase(slot);
    throw;
  }
}

void DbusService::container_added(const ContainerSnapshot& container) {
  guarded("cannot export an added container", [&] {
    bool known = context_->containers.count(container.id) > 0;
    add(container);
    if (known) return;
    auto& object = *context_->containers.at(container.id);
    object.announce();
    manager_->emitContainerAdded(container.id, object.getObjectPath());
    manager_->refresh();
  });
}

void DbusService::container_exited(const ContainerSnapshot& container) {
  guarded("cannot announce an exited container", [&] {
    auto found = context_->containers.find(container.id);
    if (found == context_->containers.end()) return;
    bool known = found->second->snapshot().state == "exited";
    found->second->update(container);
    if (!known)
      manager_->emitContainerExited(container.id, found->second->getObjectPath(),
                                    container.exit_code, container.exit_signal,
                                    container.oom_killed);
  });
}

void DbusService::container_removed(const ContainerSnapshot& container) {
  guarded("cannot withdraw a removed container", [&] {
    auto found = context_->containers.find(container.id);
    if (found == context_->containers.end()) return;
    auto path = found->second->getObjectPath();
    // Every container ends with ContainerExited before ContainerRemoved,
    // even when its exit was not seen.
    if (found->second->snapshot().state != "exited")
      manager_->emitContainerExited(container.id, path, container.exit_code, container.exit_signal,
                                    container.oom_killed);
    found->second->withdraw();
    context_->containers.erase(found);
    manager_->emitContainerRemoved(container.id, path);
    manager_->refresh();
  });
}

void DbusService::container_changed(const ContainerSnapshot& container) {
  guarded("cannot announce a changed container", [&] {
    auto found = context_->containers.find(container.id);
    if (found == context_->containers.end()) {
      container_added(container);
      return;
    }
    auto before = found->second->snapshot().enrichment;
    found->second->update(container);
    // Once per outcome: the first answer (partial or complete), or giving up.
    auto answered = [](const std::string& state) { return state == "partial" || state == "done"; };
    bool told = (answered(container.enrichment) && !answered(before)) ||
                (container.enrichment == "failed" && before != "failed");
    if (told)
      manager_->emitContainerEnriched(container.id, found->second->getObjectPath());
  });
}

void DbusService::manager_changed() {
  guarded("cannot announce changed properties", [&] { manager_->refresh(); });
}

}  // namespace tracker
