#pragma once

#include <functional>
#include <memory>
#include <string>

#include <sdbus-c++/IConnection.h>

#include "service/authorizer.h"
#include "service/backend.h"

namespace tracker {

class BusDriver;
class EventLoop;
class ManagerObject;
struct ObjectContext;

struct DbusServiceOptions {
  std::string bus_name = "org.khulnasoft.Tracker1";
  AuthorizerOptions authorization;
  // Called once, on the loop thread, when the bus connection is lost.
  std::function<void(const std::string& why)> on_disconnect;
};

// The result of opening a bus: a connection, or why there is none.
struct BusConnection {
  std::unique_ptr<sdbus::IConnection> connection;
  std::string error;
};
// The system bus ($DBUS_SYSTEM_BUS_ADDRESS is honoured), or the bus at
// `address`. No name is requested: DbusService::start() does that last.
BusConnection open_bus(const std::string& address = "");

// tracker's face on the system bus: exports /org/khulnasoft/Tracker1 and one
// object per container, authorizes callers with polkit, and turns the
// daemon's ServiceEvents into objects, signals and PropertiesChanged. It runs
// the connection on `loop` (see BusDriver): construct, call, and destroy it
// on the loop thread.
class DbusService final : public ServiceEvents {
 public:
  DbusService(EventLoop& loop, std::unique_ptr<sdbus::IConnection> connection,
              ServiceBackend& backend, DbusServiceOptions options = {});
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
  void add(ContainerSnapshot container);
  template <typename Work>
  void guarded(const char* what, Work&& work);

  EventLoop& loop_;
  ServiceBackend& backend_;
  DbusServiceOptions options_;
  std::unique_ptr<sdbus::IConnection> connection_;
  std::unique_ptr<BusDriver> driver_;
  std::unique_ptr<Authorizer> authorizer_;
  std::unique_ptr<ObjectContext> context_;
  std::unique_ptr<ManagerObject> manager_;
  bool started_ = false;
};

}  // namespace tracker
