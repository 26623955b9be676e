#include "service/container_objects.h"

#include <cstdlib>
#include <cstring>
#include <exception>
#include <string_view>

#include <fmt/format.h>

#include "service/authorizer.h"
#include "service/dbus_names.h"
#include "service/object_path.h"

namespace tracker {
namespace {

namespace names = dbus_names;

// The interfaces sd-bus implements on every object, as InterfacesAdded and
// InterfacesRemoved list them (GetManagedObjects adds the ObjectManager).
constexpr const char* kStandardInterfaces[] = {"org.freedesktop.DBus.Peer",
                                               "org.freedesktop.DBus.Introspectable",
                                               "org.freedesktop.DBus.Properties"};

bool announces_changes(const ContainerProperty& property) {
  return property.emits == Emits::change || property.emits == Emits::invalidation;
}

// Whether the children of `prefix` include the container objects: the
// enumerator is asked for every path at or below its own.
bool lists_containers(std::string_view prefix) {
  std::string_view containers = names::kContainerPathPrefix;
  if (prefix == "/") return true;
  return containers.starts_with(prefix) &&
         (containers.size() == prefix.size() || containers[prefix.size()] == '/');
}

// Builds a signal of the ObjectManager at the manager's path.
MessagePtr object_manager_signal(sd_bus* bus, const char* member) {
  sd_bus_message* message = nullptr;
  ensure(sd_bus_message_new_signal(bus, &message, names::kManagerPath,
                                   "org.freedesktop.DBus.ObjectManager", member),
         "cannot make a signal");
  return MessagePtr(message);
}

}  // namespace

ContainerObjects::ContainerObjects(ObjectContext& context, std::size_t max_reply_bytes)
    : context_(context), max_reply_bytes_(max_reply_bytes) {
  vtable_ = make_vtable<ContainerReading>(container_properties(), &ContainerObjects::get);
  sd_bus_slot* slot = nullptr;
  ensure(sd_bus_add_fallback_vtable(context_.bus, &slot, names::kContainerPathPrefix,
                                    names::kContainerInterface, vtable_.data(),
                                    &ContainerObjects::find, this),
         "cannot serve the container objects");
  vtable_slot_.reset(slot);
  ensure(sd_bus_add_node_enumerator(context_.bus, &slot, names::kContainerPathPrefix,
                                    &ContainerObjects::enumerate, this),
         "cannot list the container objects");
  enumerator_slot_.reset(slot);
}

ContainerObjects::~ContainerObjects() = default;

ContainerObjects::Outcome ContainerObjects::outcome_of(const std::string& enrichment) {
  if (enrichment == "partial" || enrichment == "done") return Outcome::answered;
  if (enrichment == "failed") return Outcome::failed;
  return Outcome::none;
}

std::optional<ContainerObjects::Told> ContainerObjects::told(const std::string& id) const {
  auto found = exported_.find(id);
  if (found == exported_.end()) return std::nullopt;
  return found->second.told;
}

ContainerObjects::Exported ContainerObjects::describe(const ContainerSnapshot& container) const {
  Exported exported;
  ContainerReading reading(context_.backend, container, /*live=*/false);
  // The entry {o a{sa{sv}}}: the path, the standard interfaces with no
  // properties, and the Container interface with all of them.
  std::size_t bytes = 8 + 4 + container_object_path(container.id).size() + 1 + 4 + 4;
  for (const char* interface : kStandardInterfaces) bytes += 8 + 4 + std::strlen(interface) + 1 + 4;
  bytes += 8 + 4 + std::strlen("org.freedesktop.DBus.ObjectManager") + 1 + 4;
  bytes += 8 + 4 + std::strlen(names::kContainerInterface) + 1 + 4 + 4;
  for (const auto& property : container_properties()) {
    bytes += entry_overhead(property) + property.size(reading);
    if (announces_changes(property)) exported.hashes.push_back(property.hash(reading));
  }
  exported.reply_bytes = static_cast<std::uint32_t>(std::min<std::size_t>(bytes, UINT32_MAX));
  exported.told = {container.state == "exited", outcome_of(container.enrichment)};
  return exported;
}

bool ContainerObjects::add(const ContainerSnapshot& container) {
  if (contains(container.id)) return false;
  auto exported = describe(container);
  reply_bytes_ += exported.reply_bytes;
  exported_.emplace(container.id, std::move(exported));
  return true;
}

std::vector<std::string> ContainerObjects::update(const ContainerSnapshot& container) {
  std::vector<std::string> changed;
  auto found = exported_.find(container.id);
  if (found == exported_.end()) return changed;
  auto next = describe(container);
  auto& now = found->second;
  std::size_t slot = 0;
  for (const auto& property : container_properties()) {
    if (!announces_changes(property)) continue;
    if (now.hashes[slot] != next.hashes[slot]) changed.emplace_back(property.name);
    ++slot;
  }
  reply_bytes_ = reply_bytes_ - now.reply_bytes + next.reply_bytes;
  now = std::move(next);
  if (changed.empty()) return changed;
  std::vector<char*> list;
  for (auto& name : changed) list.push_back(name.data());
  list.push_back(nullptr);
  ensure(
      sd_bus_emit_properties_changed_strv(context_.bus, container_object_path(container.id).c_str(),
                                          names::kContainerInterface, list.data()),
      "cannot send PropertiesChanged");
  return changed;
}

void ContainerObjects::announce(const ContainerSnapshot& container) {
  auto message = object_manager_signal(context_.bus, "InterfacesAdded");
  sd_bus_message* m = message.get();
  auto path = container_object_path(container.id);
  ContainerReading reading(context_.backend, container, /*live=*/false);
  const char* what = "cannot build InterfacesAdded";
  ensure(sd_bus_message_append(m, "o", path.c_str()), what);
  ensure(sd_bus_message_open_container(m, 'a', "{sa{sv}}"), what);
  for (const char* interface : kStandardInterfaces)
    ensure(sd_bus_message_append(m, "{sa{sv}}", interface, 0), what);
  ensure(sd_bus_message_open_container(m, 'e', "sa{sv}"), what);
  ensure(sd_bus_message_append(m, "s", names::kContainerInterface), what);
  ensure(sd_bus_message_open_container(m, 'a', "{sv}"), what);
  // Only what never changes, which /proc/PID/cgroup shows any local user
  // anyway: what enrichment finds is read with an authorized Get or GetAll.
  for (const auto& property : container_properties()) {
    if (property.emits != Emits::constant) continue;
    ensure(sd_bus_message_open_container(m, 'e', "sv"), what);
    ensure(sd_bus_message_append(m, "s", property.name), what);
    ensure(sd_bus_message_open_container(m, 'v', property.signature), what);
    ensure(property.append(m, reading), what);
    ensure(sd_bus_message_close_container(m), what);
    ensure(sd_bus_message_close_container(m), what);
  }
  ensure(sd_bus_message_close_container(m), what);
  ensure(sd_bus_message_close_container(m), what);
  ensure(sd_bus_message_close_container(m), what);
  ensure(sd_bus_send(context_.bus, m, nullptr), "cannot send InterfacesAdded");
}

void ContainerObjects::remove(const std::string& id) {
  auto found = exported_.find(id);
  if (found == exported_.end()) return;
  reply_bytes_ -= found->second.reply_bytes;
  exported_.erase(found);
  auto message = object_manager_signal(context_.bus, "InterfacesRemoved");
  sd_bus_message* m = message.get();
  const char* what = "cannot build InterfacesRemoved";
  ensure(sd_bus_message_append(m, "o", container_object_path(id).c_str()), what);
  ensure(sd_bus_message_append(m, "as", 4, kStandardInterfaces[0], kStandardInterfaces[1],
                               kStandardInterfaces[2], names::kContainerInterface),
         what);
  ensure(sd_bus_send(context_.bus, m, nullptr), "cannot send InterfacesRemoved");
}

bool ContainerObjects::may_read(sd_bus_message* call, sd_bus_error* error) {
  const char* sender = call ? sd_bus_message_get_sender(call) : nullptr;
  std::uint64_t cookie = 0;
  bool checked = sender && sd_bus_message_get_cookie(call, &cookie) >= 0 &&
                 cookie == read_check_.cookie && read_check_.sender == sender;
  if (!checked) {
    try {
      read_check_ = {sender ? sender : "", cookie, context_.authorizer.may_read_containers(call)};
    } catch (const std::exception& failure) {
      sd_bus_error_set(error, names::kErrorFailed, failure.what());
      return false;
    }
  }
  if (read_check_.allowed) return true;
  sd_bus_error_set(error, names::kErrorAccessDenied,
                   "Reading container properties requires the org.khulnasoft.tracker1.inspect "
                   "authorization: call GetContainer or ListContainers first");
  return false;
}

int ContainerObjects::find(sd_bus*, const char* path, const char*, void* userdata, void** found,
                           sd_bus_error* error) {
  auto& self = *static_cast<ContainerObjects*>(userdata);
  try {
    auto id = container_id_from_path(path);
    if (!id || !self.contains(*id)) return 0;
    auto snapshot = self.context_.backend.container(*id);
    if (!snapshot) return 0;
    self.reading_.reset();
    self.snapshot_ = std::move(*snapshot);
    self.reading_.emplace(self.context_.backend, *self.snapshot_, /*live=*/true);
    *found = &self;  // the getters' userdata is their row (SD_BUS_VTABLE_ABSOLUTE_OFFSET)
    return 1;
  } catch (const std::exception& failure) {
    return sd_bus_error_set(error, names::kErrorFailed, failure.what());
  }
}

int ContainerObjects::get(sd_bus* bus, const char*, const char*, const char*, sd_bus_message* reply,
                          void* userdata, sd_bus_error* error) {
  auto* self =
      static_cast<ContainerObjects*>(sd_bus_slot_get_userdata(sd_bus_get_current_slot(bus)));
  if (!self || !self->reading_)
    return sd_bus_error_set(error, names::kErrorFailed, "no container is being read");
  if (!self->may_read(sd_bus_get_current_message(bus), error)) return -EACCES;
  return append_property(row_of<ContainerReading>(userdata), reply, *self->reading_, error);
}

int ContainerObjects::enumerate(sd_bus* bus, const char* prefix, void* userdata, char*** nodes,
                                sd_bus_error* error) {
  auto& self = *static_cast<ContainerObjects*>(userdata);
  *nodes = nullptr;
  if (!lists_containers(prefix)) return 0;
  // GetManagedObjects reads every property of every container: refused at
  // once when the caller may not read them, or when the reply is too large.
  sd_bus_message* call = sd_bus_get_current_message(bus);
  if (call && sd_bus_message_is_method_call(call, "org.freedesktop.DBus.ObjectManager",
                                            "GetManagedObjects") > 0) {
    if (!self.may_read(call, error)) return -EACCES;
    if (self.reply_bytes_ > self.max_reply_bytes_)
      return sd_bus_error_set(
          error, names::kErrorLimitsExceeded,
          fmt::format("The properties of all {} containers take up to {} bytes, more than a bus "
                      "message may ({} bytes): use ListContainers, and GetAll on the containers "
                      "of interest",
                      self.size(), self.reply_bytes_, self.max_reply_bytes_)
              .c_str());
  }
  auto* list = static_cast<char**>(std::calloc(self.exported_.size() + 1, sizeof(char*)));
  if (!list) return -ENOMEM;
  std::size_t i = 0;
  for (const auto& [id, exported] : self.exported_) {
    if (sd_bus_path_encode(names::kContainerPathPrefix, id.c_str(), &list[i]) < 0) continue;
    ++i;
  }
  *nodes = list;
  return 0;
}

}  // namespace tracker
