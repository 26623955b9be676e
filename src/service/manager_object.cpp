#include "service/manager_object.h"

#include <exception>
#include <memory>

#include <fmt/format.h>

#include "service/authorizer.h"
#include "service/backend.h"
#include "service/bus_util.h"
#include "service/container_object.h"
#include "service/dbus_names.h"
#include "service/object_path.h"
#include "util/log.h"

namespace tracker {
namespace {

sdbus::Error failed(const std::exception& error) {
  return sdbus::Error(dbus_names::kErrorFailed, error.what());
}

// Property getters: nothing but sdbus::Error may leave.
template <typename Read>
auto guarded(Read&& read) {
  try {
    return read();
  } catch (const sdbus::Error&) {
    throw;
  } catch (const std::exception& error) {
    throw failed(error);
  }
}

std::string quoted(const std::string& id) {
  return fmt::format("'{}'", id);
}

}  // namespace

ManagerObject::ManagerObject(sdbus::IConnection& connection, ObjectContext& context)
    : AdaptorInterfaces(connection, dbus_names::kManagerPath), context_(context) {
  registerAdaptor();
  sent_enrichment_ = context_.backend.enrichment_enabled();
  sent_count_ = static_cast<uint32_t>(context_.containers.size());
  sent_events_lost_ = context_.backend.events_lost();
}

ManagerObject::~ManagerObject() {
  unregisterAdaptor();
}

void ManagerObject::refresh() {
  std::vector<std::string> changed;
  bool enrichment = context_.backend.enrichment_enabled();
  auto count = static_cast<uint32_t>(context_.containers.size());
  uint64_t events_lost = context_.backend.events_lost();
  if (enrichment != sent_enrichment_) changed.emplace_back("EnrichmentEnabled");
  if (count != sent_count_) changed.emplace_back("ContainerCount");
  if (events_lost != sent_events_lost_) changed.emplace_back("EventsLost");
  sent_enrichment_ = enrichment;
  sent_count_ = count;
  sent_events_lost_ = events_lost;
  if (!changed.empty()) emitPropertiesChangedSignal(dbus_names::kManagerInterface, changed);
}

// Answers `result` once the caller is authorized for `action`: with `serve`'s
// results, or with the error it throws. The caller is read now, while sd-bus
// still dispatches its call.
template <typename... Results, typename Serve>
void ManagerObject::authorized(sdbus::Result<Results...>&& result, const char* action,
                               Serve&& serve) {
  auto pending = std::make_shared<sdbus::Result<Results...>>(std::move(result));
  auto caller = current_caller(context_.bus);
  auto answer = [this, pending, serve = std::forward<Serve>(serve)](
                    const std::optional<Authorizer::Denial>& denial) {
    try {
      if (denial) {
        ++denied_calls_;
        context_.backend.call_denied();
        pending->returnError(sdbus::Error(denial->name, denial->message));
        return;
      }
      try {
        std::apply([&](const auto&... values) { pending->returnResults(values...); }, serve());
      } catch (const sdbus::Error& error) {
        pending->returnError(error);
      } catch (const std::exception& error) {
        log(LogLevel::error, "dbus", "method failed: {}", error.what());
        pending->returnError(failed(error));
      }
    } catch (const std::exception& error) {
      log(LogLevel::warning, "dbus", "cannot reply: {}", error.what());
    }
  };
  try {
    context_.authorizer.check(caller.sender, caller.interactive, action, answer);
  } catch (const std::exception& error) {
    log(LogLevel::error, "dbus", "authorization check failed: {}", error.what());
    try {
      pending->returnError(failed(error));
    } catch (...) {
    }
  }
}

void ManagerObject::ListContainers(sdbus::Result<ContainerList>&& result) {
  authorized(std::move(result), dbus_names::kActionInspect, [this] {
    ContainerList list;
    list.reserve(context_.containers.size());
    for (const auto& [id, object] : context_.containers) {
      const auto& c = object->snapshot();
      list.emplace_back(c.id, c.name, c.image, c.runtime, c.pod_name, c.pod_namespace, c.origin,
                        c.started, c.enrichment, timestamp_usec(c.created_ns),
                        sdbus::ObjectPath(object->getObjectPath()));
    }
    return std::make_tuple(std::move(list));
  });
}

void ManagerObject::GetContainer(sdbus::Result<sdbus::ObjectPath>&& result, std::string id) {
  try {
    if (auto why = invalid_id_reason(id); !why.empty()) {
      result.returnError(sdbus::Error(dbus_names::kErrorInvalidArgs, why));
      return;
    }
  } catch (const std::exception& error) {
    log(LogLevel::warning, "dbus", "cannot reply: {}", error.what());
    return;
  }
  authorized(std::move(result), dbus_names::kActionInspect, [this, id] {
    auto found = context_.backend.find(id);
    if (found.status == ServiceBackend::FindStatus::ambiguous)
      throw sdbus::Error(dbus_names::kErrorAmbiguousId,
                         fmt::format("{} is a prefix of more than one container id", quoted(id)));
    return std::make_tuple(
        path_of(found, fmt::format("No container has the id, id prefix or name {}", quoted(id))));
  });
}

sdbus::ObjectPath ManagerObject::path_of(const ServiceBackend::FindResult& found,
                                         const std::string& what) {
  auto object = context_.containers.find(found.id);
  if (found.status != ServiceBackend::FindStatus::found || object == context_.containers.end())
    throw sdbus::Error(dbus_names::kErrorNoSuchContainer, what);
  return sdbus::ObjectPath(object->second->getObjectPath());
}

void ManagerObject::GetContainerByPID(sdbus::Result<sdbus::ObjectPath>&& result, uint32_t pid) {
  if (pid == 0) {
    try {
      result.returnError(sdbus::Error(dbus_names::kErrorInvalidArgs, "pid 0 is no process"));
    } catch (const std::exception& error) {
      log(LogLevel::warning, "dbus", "cannot reply: {}", error.what());
    }
    return;
  }
  authorized(std::move(result), dbus_names::kActionInspect, [this, pid] {
    auto found = context_.backend.find_by_pid(pid);
    // The same error name either way (as documented), told apart by the message.
    return std::make_tuple(
        path_of(found, found.status == ServiceBackend::FindStatus::no_such_process
                           ? fmt::format("No process {}", pid)
                           : fmt::format("Process {} runs in no tracked container", pid)));
  });
}

void ManagerObject::GetContainerByCgroupId(sdbus::Result<sdbus::ObjectPath>&& result, uint64_t id) {
  authorized(std::move(result), dbus_names::kActionInspect, [this, id] {
    return std::make_tuple(path_of(context_.backend.find_by_cgroup_id(id),
                                   fmt::format("No tracked container has the cgroup {}", id)));
  });
}

void ManagerObject::GetMetrics(sdbus::Result<std::string>&& result) {
  authorized(std::move(result), dbus_names::kActionInspect,
             [this] { return std::make_tuple(context_.backend.metrics()); });
}

void ManagerObject::ListRuntimes(sdbus::Result<RuntimeList>&& result) {
  authorized(std::move(result), dbus_names::kActionInspect, [this] {
    RuntimeList list;
    for (const auto& r : context_.backend.runtimes())
      list.emplace_back(r.runtime, r.socket, r.configured, r.up, r.last_error, r.lookups, r.found,
                        r.owner_uid, r.stream);
    return std::make_tuple(std::move(list));
  });
}

void ManagerObject::Reload(sdbus::Result<>&& result) {
  authorized(std::move(result), dbus_names::kActionManage, [this] {
    auto refused = context_.backend.reload();
    refresh();
    if (!refused.empty()) throw sdbus::Error(dbus_names::kErrorReloadFailed, refused);
    return std::tuple<>();
  });
}

void ManagerObject::SetEnrichment(sdbus::Result<>&& result, bool enabled) {
  authorized(std::move(result), dbus_names::kActionManage, [this, enabled] {
    context_.backend.set_enrichment(enabled);
    refresh();
    return std::tuple<>();
  });
}

std::string ManagerObject::Version() {
  return guarded([this] { return context_.backend.version(); });
}

bool ManagerObject::EnrichmentEnabled() {
  return guarded([this] { return context_.backend.enrichment_enabled(); });
}

uint32_t ManagerObject::ContainerCount() {
  return guarded([this] { return static_cast<uint32_t>(context_.containers.size()); });
}

uint64_t ManagerObject::EventsLost() {
  return guarded([this] { return context_.backend.events_lost(); });
}

uint64_t ManagerObject::LookalikeCgroups() {
  return guarded([this] { return context_.backend.counters().lookalike_cgroups; });
}

uint64_t ManagerObject::StateMapFailures() {
  return guarded([this] { return context_.backend.counters().state_map_failures; });
}

uint64_t ManagerObject::CgroupEventsLost() {
  return guarded([this] { return context_.backend.counters().cgroup_events_lost; });
}

uint64_t ManagerObject::ProcessEventsLost() {
  return guarded([this] { return context_.backend.counters().process_events_lost; });
}

uint64_t ManagerObject::EventsHeld() {
  return guarded([this] { return context_.backend.counters().events_held; });
}

uint64_t ManagerObject::EventsReleasedEarly() {
  return guarded([this] { return context_.backend.counters().events_released_early; });
}

uint64_t ManagerObject::Reconciles() {
  return guarded([this] { return context_.backend.counters().reconciles; });
}

uint64_t ManagerObject::DeniedCalls() {
  return denied_calls_;
}

}  // namespace tracker
