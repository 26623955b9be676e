#pragma once

#include <functional>
#include <memory>
#include <string>

#include "service/authorizer.h"
#include "service/backend.h"
#include "service/sd_bus_handles.h"

namespace tracker {

class BusDriver;
class ContainerObjects;
class EventLoop;
class ManagerObject;
struct ObjectContext;

struct DbusServiceOptions {
  std::string bus_name = "org.khulnasoft.Tracker1";
  AuthorizerOptions authorization;
  // The largest reply tracker sends: dbus-daemon's max_message_size on the
  // system bus (32 MiB). GetManagedObjects is refused beyond it.
  std::size_t max_reply_bytes = 32 * 1024 * 1024;
  // Called once, on the loop thread, when the bus connection is lost.
  std::function<void(const std::string& why)> on_disconnect;
};

// The result of opening a bus: a connection, or why there is none.
struct BusConnection {
  BusPtr connection;
  std::string error;
};
// The system bus ($DBUS_SYSTEM_BUS_ADDRESS is honoured), or the bus at
// `address`. No name is requested: DbusService::start() does that last.
BusConnection open_bus(const std::string& address = "");

// tracker's face on the system bus, served with sd-bus: exports
// /org/khulnasoft/Tracker1 and an object per container (read from the backend
// when asked, see ContainerObjects), authorizes callers with polkit, and turns
// the daemon's ServiceEvents into signals and PropertiesChanged. It runs the
// connection on `loop` (see BusDriver): construct, call, and destroy it on the
// loop thread.
class DbusService final : public ServiceEvents {
 public:
  DbusService(EventLoop& loop, BusPtr connection, ServiceBackend& backend,
              DbusServiceOptions options = {});
  ~DbusService() override;
  DbusService(const DbusService&) = delete;
  DbusService& operator=(const DbusService&) = delete;

  // Exports the manager and the current containers, then requests the bus
  // name. "" on success, else why the service cannot run.
  std::string start();
  bool running() const;

  void container_added(const ContainerSnapshot& container) override;
  void container_exited(const ContainerSnapshot& container) override;
  void container_removed(const ContainerSnapshot& container) override;
  void container_changed(const ContainerSnapshot& container) override;
  void manager_changed() override;

 private:
  template <typename Work>
  void guarded(const char* what, Work&& work);

  EventLoop& loop_;
  ServiceBackend& backend_;
  DbusServiceOptions options_;
  BusPtr connection_;
  std::unique_ptr<BusDriver> driver_;
  std::unique_ptr<Authorizer> authorizer_;
  std::unique_ptr<ObjectContext> context_;
  std::unique_ptr<ContainerObjects> containers_;
  std::unique_ptr<ManagerObject> manager_;
  bool started_ = false;
};

}  // namespace tracker
