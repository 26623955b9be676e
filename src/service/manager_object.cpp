#include "service/manager_object.h"

#include <exception>
#include <memory>

#include <fmt/format.h>

#include "service/authorizer.h"
#include "service/bus_util.h"
#include "service/dbus_names.h"
#include "service/object_path.h"
#include "util/log.h"

namespace tracker {
namespace {

namespace names = dbus_names;

template <auto Get>
constexpr PropertyRow<ManagerObject> property(const char* name, Emits emits) {
  return property_row<ManagerObject, Get>(name, emits);
}

// Public: anyone may read them.
constexpr PropertyRow<ManagerObject> kProperties[] = {
    property<[](ManagerObject& m) { return m.backend().version(); }>("Version", Emits::constant),
    property<[](ManagerObject& m) { return m.backend().enrichment_enabled(); }>("EnrichmentEnabled",
                                                                                Emits::change),
    property<[](ManagerObject& m) { return m.container_count(); }>("ContainerCount", Emits::change),
    property<[](ManagerObject& m) { return m.backend().events_lost(); }>("EventsLost",
                                                                         Emits::change),
    property<[](ManagerObject& m) { return m.backend().counters().lookalike_cgroups; }>(
        "LookalikeCgroups", Emits::nothing),
    property<[](ManagerObject& m) { return m.backend().counters().state_map_failures; }>(
        "StateMapFailures", Emits::nothing),
    property<[](ManagerObject& m) { return m.backend().counters().cgroup_events_lost; }>(
        "CgroupEventsLost", Emits::nothing),
    property<[](ManagerObject& m) { return m.backend().counters().process_events_lost; }>(
        "ProcessEventsLost", Emits::nothing),
    property<[](ManagerObject& m) { return m.backend().counters().events_held; }>("EventsHeld",
                                                                                  Emits::nothing),
    property<[](ManagerObject& m) { return m.backend().counters().events_released_early; }>(
        "EventsReleasedEarly", Emits::nothing),
    property<[](ManagerObject& m) { return m.backend().counters().reconciles; }>("Reconciles",
                                                                                 Emits::nothing),
    property<[](ManagerObject& m) { return m.denied_calls(); }>("DeniedCalls", Emits::nothing),
};

ManagerObject& self_of(void* userdata) {
  return *static_cast<ManagerObject*>(userdata);
}

std::string quoted(const std::string& id) {
  return fmt::format("'{}'", id);
}

MessagePtr new_reply(sd_bus_message* call) {
  sd_bus_message* reply = nullptr;
  ensure(sd_bus_message_new_method_return(call, &reply), "cannot make a reply");
  return MessagePtr(reply);
}

void send(const MessagePtr& reply) {
  ensure(sd_bus_send(nullptr, reply.get(), nullptr), "cannot send the reply");
}

// Method handlers: nothing but a D-Bus error may leave.
template <typename Body>
int guarded(sd_bus_error* error, Body&& body) {
  try {
    return body();
  } catch (const BusError& failure) {
    return sd_bus_error_set(error, failure.name().c_str(), failure.what());
  } catch (const std::exception& failure) {
    return sd_bus_error_set(error, names::kErrorFailed, failure.what());
  }
}

}  // namespace

ManagerObject::ManagerObject(ObjectContext& context, ContainerObjects& containers)
    : context_(context), containers_(containers) {
  constexpr auto kAnyone = SD_BUS_VTABLE_UNPRIVILEGED;  // polkit decides, not sd-bus
  static const sd_bus_vtable kMembers[] = {
      SD_BUS_METHOD_WITH_NAMES("ListContainers", "", "", "a(sssssssbsto)", SD_BUS_PARAM(containers),
                               &ManagerObject::list_containers, kAnyone),
      SD_BUS_METHOD_WITH_NAMES("GetContainer", "s", SD_BUS_PARAM(id), "o", SD_BUS_PARAM(container),
                               &ManagerObject::get_container, kAnyone),
      SD_BUS_METHOD_WITH_NAMES("GetContainerByPID", "u", SD_BUS_PARAM(pid), "o",
                               SD_BUS_PARAM(container), &ManagerObject::get_container_by_pid,
                               kAnyone),
      SD_BUS_METHOD_WITH_NAMES("GetContainerByCgroupId", "t", SD_BUS_PARAM(id), "o",
                               SD_BUS_PARAM(container), &ManagerObject::get_container_by_cgroup_id,
                               kAnyone),
      SD_BUS_METHOD_WITH_NAMES("ListRuntimes", "", "", "a(ssbbsttus)", SD_BUS_PARAM(runtimes),
                               &ManagerObject::list_runtimes, kAnyone),
      SD_BUS_METHOD_WITH_NAMES("GetMetrics", "", "", "s", SD_BUS_PARAM(metrics),
                               &ManagerObject::get_metrics, kAnyone),
      SD_BUS_METHOD_WITH_NAMES("Reload", "", "", "", "", &ManagerObject::reload, kAnyone),
      SD_BUS_METHOD_WITH_NAMES("SetEnrichment", "b", SD_BUS_PARAM(enabled), "", "",
                               &ManagerObject::set_enrichment, kAnyone),
      SD_BUS_SIGNAL_WITH_NAMES("ContainerAdded", "so", SD_BUS_PARAM(id) SD_BUS_PARAM(container), 0),
      SD_BUS_SIGNAL_WITH_NAMES("ContainerExited", "soiib",
                               SD_BUS_PARAM(id) SD_BUS_PARAM(container) SD_BUS_PARAM(exit_code)
                                   SD_BUS_PARAM(exit_signal) SD_BUS_PARAM(oom_killed),
                               0),
      SD_BUS_SIGNAL_WITH_NAMES("ContainerRemoved", "so", SD_BUS_PARAM(id) SD_BUS_PARAM(container),
                               0),
      SD_BUS_SIGNAL_WITH_NAMES("ContainerEnriched", "so", SD_BUS_PARAM(id) SD_BUS_PARAM(container),
                               0),
  };
  vtable_ = make_vtable<ManagerObject>(kProperties, &ManagerObject::get, kMembers);
  sd_bus_slot* slot = nullptr;
  ensure(sd_bus_add_object_vtable(context_.bus, &slot, names::kManagerPath,
                                  names::kManagerInterface, vtable_.data(), this),
         "cannot serve the manager");
  vtable_slot_.reset(slot);
  ensure(sd_bus_add_object_manager(context_.bus, &slot, names::kManagerPath),
         "cannot serve the object manager");
  object_manager_slot_.reset(slot);
  sent_enrichment_ = context_.backend.enrichment_enabled();
  sent_count_ = container_count();
  sent_events_lost_ = context_.backend.events_lost();
}

ManagerObject::~ManagerObject() = default;

std::uint32_t ManagerObject::container_count() const {
  return static_cast<std::uint32_t>(containers_.size());
}

void ManagerObject::refresh() {
  std::vector<const char*> changed;
  bool enrichment = context_.backend.enrichment_enabled();
  auto count = container_count();
  std::uint64_t events_lost = context_.backend.events_lost();
  if (enrichment != sent_enrichment_) changed.push_back("EnrichmentEnabled");
  if (count != sent_count_) changed.push_back("ContainerCount");
  if (events_lost != sent_events_lost_) changed.push_back("EventsLost");
  sent_enrichment_ = enrichment;
  sent_count_ = count;
  sent_events_lost_ = events_lost;
  if (changed.empty()) return;
  changed.push_back(nullptr);
  ensure(sd_bus_emit_properties_changed_strv(context_.bus, names::kManagerPath,
                                             names::kManagerInterface,
                                             const_cast<char**>(changed.data())),
         "cannot send PropertiesChanged");
}

void ManagerObject::emit(const char* member, const char* types, const std::string& id) {
  ensure(sd_bus_emit_signal(context_.bus, names::kManagerPath, names::kManagerInterface, member,
                            types, id.c_str(), container_object_path(id).c_str()),
         "cannot send a signal");
}

void ManagerObject::emit_container_added(const std::string& id) {
  emit("ContainerAdded", "so", id);
}

void ManagerObject::emit_container_removed(const std::string& id) {
  emit("ContainerRemoved", "so", id);
}

void ManagerObject::emit_container_enriched(const std::string& id) {
  emit("ContainerEnriched", "so", id);
}

void ManagerObject::emit_container_exited(const ContainerSnapshot& c) {
  ensure(sd_bus_emit_signal(context_.bus, names::kManagerPath, names::kManagerInterface,
                            "ContainerExited", "soiib", c.id.c_str(),
                            container_object_path(c.id).c_str(), c.exit_code, c.exit_signal,
                            static_cast<int>(c.oom_killed)),
         "cannot send ContainerExited");
}

int ManagerObject::authorized(sd_bus_message* call, const char* action, Serve serve) {
  std::shared_ptr<sd_bus_message> pending(sd_bus_message_ref(call), sd_bus_message_unref);
  // Read now, while sd-bus still dispatches the call.
  auto caller = current_caller(context_.bus);
  auto answer = [this, pending,
                 serve = std::move(serve)](const std::optional<Authorizer::Denial>& denial) {
    auto reply_error = [&](const std::string& name, const char* message) {
      ensure(sd_bus_reply_method_errorf(pending.get(), name.c_str(), "%s", message),
             "cannot send an error reply");
    };
    try {
      if (denial) {
        ++denied_calls_;
        context_.backend.call_denied();
        reply_error(denial->name, denial->message.c_str());
        return;
      }
      try {
        serve(pending.get());
      } catch (const BusError& error) {
        reply_error(error.name(), error.what());
      } catch (const std::exception& error) {
        log(LogLevel::error, "dbus", "method failed: {}", error.what());
        reply_error(names::kErrorFailed, error.what());
      }
    } catch (const std::exception& error) {
      log(LogLevel::warning, "dbus", "cannot reply: {}", error.what());
    }
  };
  try {
    context_.authorizer.check(caller.sender, caller.interactive, action, answer);
  } catch (const std::exception& error) {
    log(LogLevel::error, "dbus", "authorization check failed: {}", error.what());
    sd_bus_reply_method_errorf(call, names::kErrorFailed, "%s", error.what());
  }
  return 1;
}

std::string ManagerObject::path_of(const ServiceBackend::FindResult& found,
                                   const std::string& what) const {
  if (found.status != ServiceBackend::FindStatus::found || !containers_.contains(found.id))
    throw BusError(names::kErrorNoSuchContainer, what);
  return container_object_path(found.id);
}

int ManagerObject::list_containers(sd_bus_message* call, void* userdata, sd_bus_error*) {
  auto& self = self_of(userdata);
  return self.authorized(call, names::kActionInspect, [&self](sd_bus_message* call) {
    auto reply = new_reply(call);
    const char* what = "cannot build the list";
    ensure(sd_bus_message_open_container(reply.get(), 'a', "(sssssssbsto)"), what);
    self.context_.backend.for_each([&](const ContainerSnapshot& c) {
      if (!self.containers_.contains(c.id)) return;
      ensure(sd_bus_message_append(
                 reply.get(), "(sssssssbsto)", c.id.c_str(), c.name.c_str(), c.image.c_str(),
                 c.runtime.c_str(), c.pod_name.c_str(), c.pod_namespace.c_str(), c.origin.c_str(),
                 static_cast<int>(c.started), c.enrichment.c_str(), timestamp_usec(c.created_ns),
                 container_object_path(c.id).c_str()),
             what);
    });
    ensure(sd_bus_message_close_container(reply.get()), what);
    send(reply);
  });
}

int ManagerObject::get_container(sd_bus_message* call, void* userdata, sd_bus_error* error) {
  auto& self = self_of(userdata);
  return guarded(error, [&] {
    const char* text = nullptr;
    ensure(sd_bus_message_read(call, "s", &text), "cannot read the id");
    std::string id(text);
    if (auto why = invalid_id_reason(id); !why.empty())
      throw BusError(names::kErrorInvalidArgs, why);
    return self.authorized(call, names::kActionInspect, [&self, id](sd_bus_message* call) {
      auto found = self.context_.backend.find(id);
      if (found.status == ServiceBackend::FindStatus::ambiguous)
        throw BusError(names::kErrorAmbiguousId,
                       fmt::format("{} is a prefix of more than one container id", quoted(id)));
      auto path = self.path_of(
          found, fmt::format("No container has the id, id prefix or name {}", quoted(id)));
      ensure(sd_bus_reply_method_return(call, "o", path.c_str()), "cannot reply");
    });
  });
}

int ManagerObject::get_container_by_pid(sd_bus_message* call, void* userdata, sd_bus_error* error) {
  auto& self = self_of(userdata);
  return guarded(error, [&] {
    std::uint32_t pid = 0;
    ensure(sd_bus_message_read(call, "u", &pid), "cannot read the pid");
    if (pid == 0) throw BusError(names::kErrorInvalidArgs, "pid 0 is no process");
    return self.authorized(call, names::kActionInspect, [&self, pid](sd_bus_message* call) {
      auto found = self.context_.backend.find_by_pid(pid);
      // The same error name either way (as documented), told apart by the message.
      auto path =
          self.path_of(found, found.status == ServiceBackend::FindStatus::no_such_process
                                  ? fmt::format("No process {}", pid)
                                  : fmt::format("Process {} runs in no tracked container", pid));
      ensure(sd_bus_reply_method_return(call, "o", path.c_str()), "cannot reply");
    });
  });
}

int ManagerObject::get_container_by_cgroup_id(sd_bus_message* call, void* userdata,
                                              sd_bus_error* error) {
  auto& self = self_of(userdata);
  return guarded(error, [&] {
    std::uint64_t id = 0;
    ensure(sd_bus_message_read(call, "t", &id), "cannot read the cgroup id");
    return self.authorized(call, names::kActionInspect, [&self, id](sd_bus_message* call) {
      auto path = self.path_of(self.context_.backend.find_by_cgroup_id(id),
                               fmt::format("No tracked container has the cgroup {}", id));
      ensure(sd_bus_reply_method_return(call, "o", path.c_str()), "cannot reply");
    });
  });
}

int ManagerObject::list_runtimes(sd_bus_message* call, void* userdata, sd_bus_error*) {
  auto& self = self_of(userdata);
  return self.authorized(call, names::kActionInspect, [&self](sd_bus_message* call) {
    auto reply = new_reply(call);
    const char* what = "cannot build the list";
    ensure(sd_bus_message_open_container(reply.get(), 'a', "(ssbbsttus)"), what);
    for (const auto& r : self.context_.backend.runtimes())
      ensure(sd_bus_message_append(reply.get(), "(ssbbsttus)", r.runtime.c_str(), r.socket.c_str(),
                                   static_cast<int>(r.configured), static_cast<int>(r.up),
                                   r.last_error.c_str(), r.lookups, r.found, r.owner_uid,
                                   r.stream.c_str()),
             what);
    ensure(sd_bus_message_close_container(reply.get()), what);
    send(reply);
  });
}

int ManagerObject::get_metrics(sd_bus_message* call, void* userdata, sd_bus_error*) {
  auto& self = self_of(userdata);
  return self.authorized(call, names::kActionInspect, [&self](sd_bus_message* call) {
    ensure(sd_bus_reply_method_return(call, "s", self.context_.backend.metrics().c_str()),
           "cannot reply");
  });
}

int ManagerObject::reload(sd_bus_message* call, void* userdata, sd_bus_error*) {
  auto& self = self_of(userdata);
  return self.authorized(call, names::kActionManage, [&self](sd_bus_message* call) {
    auto refused = self.context_.backend.reload();
    self.refresh();
    if (!refused.empty()) throw BusError(names::kErrorReloadFailed, refused);
    ensure(sd_bus_reply_method_return(call, nullptr), "cannot reply");
  });
}

int ManagerObject::set_enrichment(sd_bus_message* call, void* userdata, sd_bus_error* error) {
  auto& self = self_of(userdata);
  return guarded(error, [&] {
    int enabled = 0;
    ensure(sd_bus_message_read(call, "b", &enabled), "cannot read the argument");
    return self.authorized(call, names::kActionManage, [&self, enabled](sd_bus_message* call) {
      self.context_.backend.set_enrichment(enabled != 0);
      self.refresh();
      ensure(sd_bus_reply_method_return(call, nullptr), "cannot reply");
    });
  });
}

int ManagerObject::get(sd_bus* bus, const char*, const char*, const char*, sd_bus_message* reply,
                       void* userdata, sd_bus_error* error) {
  auto* self = static_cast<ManagerObject*>(sd_bus_slot_get_userdata(sd_bus_get_current_slot(bus)));
  if (!self) return sd_bus_error_set(error, names::kErrorFailed, "no manager is served");
  return append_property(row_of<ManagerObject>(userdata), reply, *self, error);
}

}  // namespace tracker
