#include "service/object_manager_signals.h"

#include <systemd/sd-bus.h>

#include <memory>

#include "service/dbus_names.h"

namespace tracker {
namespace {

// The interfaces sd-bus implements on every object.
constexpr const char* kStandardInterfaces[] = {"org.freedesktop.DBus.Peer",
                                               "org.freedesktop.DBus.Introspectable",
                                               "org.freedesktop.DBus.Properties"};

struct MessageUnref {
  void operator()(sd_bus_message* message) const { sd_bus_message_unref(message); }
};
using Message = std::unique_ptr<sd_bus_message, MessageUnref>;

Message signal(sd_bus* bus, const char* member, int& r) {
  sd_bus_message* message = nullptr;
  r = sd_bus_message_new_signal(bus, &message, dbus_names::kManagerPath,
                                "org.freedesktop.DBus.ObjectManager", member);
  return Message(r < 0 ? nullptr : message);
}

}  // namespace

int emit_container_added(sd_bus* bus, const std::string& path, const ContainerSnapshot& container) {
  int r = 0;
  auto message = signal(bus, "InterfacesAdded", r);
  if (r < 0) return r;
  sd_bus_message* m = message.get();
  if ((r = sd_bus_message_append(m, "o", path.c_str())) < 0) return r;
  if ((r = sd_bus_message_open_container(m, 'a', "{sa{sv}}")) < 0) return r;
  for (const char* interface : kStandardInterfaces)
    if ((r = sd_bus_message_append(m, "{sa{sv}}", interface, 0)) < 0) return r;
  if ((r = sd_bus_message_open_container(m, 'e', "sa{sv}")) < 0) return r;
  if ((r = sd_bus_message_append(m, "s", dbus_names::kContainerInterface)) < 0) return r;
  r = sd_bus_message_append(m, "a{sv}", 5, "Id", "s", container.id.c_str(), "Runtime", "s",
                            container.runtime.c_str(), "Origin", "s", container.origin.c_str(),
                            "CgroupPath", "s", container.cgroup_path.c_str(), "CgroupId", "t",
                            container.cgroup_id);
  if (r < 0) return r;
  if ((r = sd_bus_message_close_container(m)) < 0) return r;
  if ((r = sd_bus_message_close_container(m)) < 0) return r;
  return sd_bus_send(bus, m, nullptr);
}

int emit_container_removed(sd_bus* bus, const std::string& path) {
  int r = 0;
  auto message = signal(bus, "InterfacesRemoved", r);
  if (r < 0) return r;
  sd_bus_message* m = message.get();
  if ((r = sd_bus_message_append(m, "o", path.c_str())) < 0) return r;
  r = sd_bus_message_append(m, "as", 4, kStandardInterfaces[0], kStandardInterfaces[1],
                            kStandardInterfaces[2], dbus_names::kContainerInterface);
  if (r < 0) return r;
  return sd_bus_send(bus, m, nullptr);
}

}  // namespace tracker
