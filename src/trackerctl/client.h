#pragma once

#include <map>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>

#include <sdbus-c++/sdbus-c++.h>

#include "dbus/tracker1_proxy.h"

namespace tracker::ctl {

// A failed command: what to print and the exit code (exit_codes.h).
class CommandError : public std::runtime_error {
 public:
  CommandError(int exit_code, std::string name, const std::string& message)
      : std::runtime_error(message), exit_code_(exit_code), name_(std::move(name)) {}
  int exit_code() const { return exit_code_; }
  const std::string& name() const { return name_; }  // D-Bus error name, or ""

 private:
  int exit_code_;
  std::string name_;
};

// Lets polkit ask the user for a password (sd-bus's allow-interactive-
// authorization flag) in every later call on the connection `proxy` uses.
void allow_interactive_authorization(sdbus::IProxy& proxy);

// A D-Bus error of `method` as a CommandError with a message for people.
CommandError describe_error(const sdbus::Error& error, std::string_view method);

class ManagerProxy final : public sdbus::ProxyInterfaces<org::khulnasoft::Tracker1::Manager_proxy,
                                                         sdbus::Properties_proxy> {
 public:
  using ContainerList = decltype(std::declval<Manager_proxy&>().ListContainers());
  using RuntimeList = decltype(std::declval<Manager_proxy&>().ListRuntimes());

  explicit ManagerProxy(sdbus::IConnection& connection);
  ~ManagerProxy();
  // Subscribes to the signals (AddMatch): only `monitor` needs them.
  void follow_signals() { registerProxy(); }

  std::function<void(const std::string&id, const sdbus::ObjectPath&path)> on_added, on_removed,
      on_enriched;

 private:
  void onContainerAdded(const std::string& id, const sdbus::ObjectPath& path) override;
  void onContainerRemoved(const std::string& id, const sdbus::ObjectPath& path) override;
  void onContainerEnriched(const std::string& id, const sdbus::ObjectPath& path) override;
  void onContainerExited(const std::string&, const sdbus::ObjectPath&, const int32_t&,
                         const int32_t&, const bool&) override {}
  void onPropertiesChanged(const std::string&, const std::map<std::string, sdbus::Variant>&,
                           const std::vector<std::string>&) override {}
};

using PropertyMap = std::map<std::string, sdbus::Variant>;

// The connection to tracker on the system bus ($DBUS_SYSTEM_BUS_ADDRESS).
class Client {
 public:
  // Throws CommandError (kExitNotRunning) when there is no system bus.
  explicit Client(bool allow_interactive_authorization);
  ~Client();

  sdbus::IConnection& connection() { return *connection_; }
  ManagerProxy& manager() { return *manager_; }
  // Every property of the container at `path` (org.khulnasoft.Tracker1.Container).
  PropertyMap container_properties(const sdbus::ObjectPath& path);
  // The properties of every container by object path, in one call
  // (ObjectManager.GetManagedObjects). Needs a passed inspect check first,
  // e.g. ListContainers. Empty when there are more containers than one reply
  // may carry (LimitsExceeded).
  std::map<sdbus::ObjectPath, PropertyMap> all_container_properties();

  // Runs `call`, turning a D-Bus error of `method` into a CommandError.
  template <typename Call>
  auto invoke(std::string_view method, Call&& call) {
    try {
      return call();
    } catch (const sdbus::Error& error) {
      throw describe_error(error, method);
    }
  }

 private:
  std::unique_ptr<sdbus::IConnection> connection_;
  std::unique_ptr<ManagerProxy> manager_;
};

// A property from a GetAll reply, or `fallback` when absent or of another type.
template <typename T>
T property(const PropertyMap& properties, const std::string& name, T fallback = {}) {
  auto found = properties.find(name);
  if (found == properties.end() || !found->second.containsValueOfType<T>()) return fallback;
  return found->second.get<T>();
}

}  // namespace tracker::ctl
