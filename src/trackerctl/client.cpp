#include "trackerctl/client.h"

#include <systemd/sd-bus.h>

#include <chrono>

#include <fmt/format.h>

#include "service/dbus_names.h"
#include "trackerctl/exit_codes.h"

namespace tracker::ctl {
namespace {

std::string_view action_of(std::string_view method) {
  if (method == "Reload" || method == "SetEnrichment") return dbus_names::kActionManage;
  return dbus_names::kActionInspect;
}

bool starts_with(std::string_view text, std::string_view prefix) {
  return text.substr(0, prefix.size()) == prefix;
}

// The sd_bus_message an sdbus-c++ message wraps: a pointer to the protected
// member, formed inside a derived class (the standard way to read it without
// undefined behaviour).
struct MessageAccess : sdbus::Message {
  static void* sdbus::Message::*handle() { return &MessageAccess::msg_; }
};

}  // namespace

void allow_interactive_authorization(sdbus::IProxy& proxy) {
  // Neither the flag nor the connection's sd_bus* is in sdbus-c++ 1.2's API
  // (1.3 takes an sd_bus* of ours): a call built by the proxy knows its bus.
  auto call = proxy.createMethodCall("org.freedesktop.DBus.Peer", "Ping");
  auto* message = static_cast<sd_bus_message*>(call.*MessageAccess::handle());
  sd_bus_set_allow_interactive_authorization(sd_bus_message_get_bus(message), 1);
}

CommandError describe_error(const sdbus::Error& error, std::string_view method) {
  const auto& name = error.getName();
  const auto& message = error.getMessage();
  if (name == dbus_names::kErrorAccessDenied ||
      name == "org.freedesktop.DBus.Error.InteractiveAuthorizationRequired")
    return {kExitAccessDenied, name,
            fmt::format("Access denied: {} requires the {} authorization ({})", method,
                        action_of(method), message)};
  if (name == dbus_names::kErrorNoSuchContainer || name == dbus_names::kErrorAmbiguousId)
    return {kExitNotFound, name, message};
  if (name == dbus_names::kErrorInvalidArgs) return {kExitUsage, name, message};
  if (name == "org.freedesktop.DBus.Error.ServiceUnknown" ||
      name == "org.freedesktop.DBus.Error.NameHasNoOwner" ||
      name == "org.freedesktop.DBus.Error.Disconnected" ||
      starts_with(name, "org.freedesktop.DBus.Error.Spawn."))
    return {kExitNotRunning, name,
            fmt::format("tracker is not running: {} is not on the system bus ({})",
                        dbus_names::kBusName, message)};
  if (name == dbus_names::kErrorReloadFailed)
    return {kExitFailure, name, fmt::format("Reload failed: {}", message)};
  if (name.empty()) return {kExitFailure, name, fmt::format("{} failed: {}", method, message)};
  return {kExitFailure, name, fmt::format("{} failed: {}: {}", method, name, message)};
}

ManagerProxy::ManagerProxy(sdbus::IConnection& connection)
    : ProxyInterfaces(connection, dbus_names::kBusName, dbus_names::kManagerPath) {}

ManagerProxy::~ManagerProxy() {
  unregisterProxy();
}

void ManagerProxy::onContainerAdded(const std::string& id, const sdbus::ObjectPath& path) {
  if (on_added) on_added(id, path);
}

void ManagerProxy::onContainerRemoved(const std::string& id, const sdbus::ObjectPath& path) {
  if (on_removed) on_removed(id, path);
}

void ManagerProxy::onContainerEnriched(const std::string& id, const sdbus::ObjectPath& path) {
  if (on_enriched) on_enriched(id, path);
}

Client::Client(bool allow_interactive_authorization) {
  try {
    connection_ = sdbus::createSystemBusConnection();
  } catch (const sdbus::Error& error) {
    throw CommandError(kExitNotRunning, error.getName(),
                       fmt::format("Cannot connect to the system bus: {}", error.getMessage()));
  }
  if (allow_interactive_authorization) {
    ctl::allow_interactive_authorization(
        *sdbus::createProxy(*connection_, dbus_names::kBusName, dbus_names::kManagerPath));
    // Someone may be typing a password into a polkit agent meanwhile; the
    // daemon gives polkit 110 s (AuthorizerOptions::interactive_timeout).
    connection_->setMethodCallTimeout(std::chrono::seconds(120));
  }
  manager_ = std::make_unique<ManagerProxy>(*connection_);
}

Client::~Client() = default;

PropertyMap Client::container_properties(const sdbus::ObjectPath& path) {
  auto proxy = sdbus::createProxy(*connection_, dbus_names::kBusName, path);
  PropertyMap properties;
  invoke("GetAll", [&] {
    proxy->callMethod("GetAll")
        .onInterface("org.freedesktop.DBus.Properties")
        .withArguments(std::string(dbus_names::kContainerInterface))
        .storeResultsTo(properties);
  });
  return properties;
}

std::map<sdbus::ObjectPath, PropertyMap> Client::all_container_properties() {
  auto proxy = sdbus::createProxy(*connection_, dbus_names::kBusName, dbus_names::kManagerPath);
  std::map<sdbus::ObjectPath, std::map<std::string, PropertyMap>> objects;
  try {
    proxy->callMethod("GetManagedObjects")
        .onInterface("org.freedesktop.DBus.ObjectManager")
        .storeResultsTo(objects);
  } catch (const sdbus::Error& error) {
    // More containers than one reply may carry: what ListContainers says must do.
    if (error.getName() == dbus_names::kErrorLimitsExceeded) return {};
    throw describe_error(error, "GetManagedObjects");
  }
  std::map<sdbus::ObjectPath, PropertyMap> containers;
  for (auto& [path, interfaces] : objects) {
    auto found = interfaces.find(std::string(dbus_names::kContainerInterface));
    if (found != interfaces.end()) containers.emplace(path, std::move(found->second));
  }
  return containers;
}

}  // namespace tracker::ctl
