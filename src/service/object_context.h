#pragma once

#include <map>
#include <memory>
#include <string>

struct sd_bus;

namespace tracker {

class Authorizer;
class ContainerObject;
class ServiceBackend;

// What the exported objects share; owned by DbusService, used on the loop thread.
struct ObjectContext {
  sd_bus* bus = nullptr;
  ServiceBackend& backend;
  Authorizer& authorizer;
  // Exported containers by full id (sorted, as ListContainers returns them).
  std::map<std::string, std::unique_ptr<ContainerObject>> containers;
  // Set while the service itself reads properties to put them in a signal.
  bool emitting = false;
};

// Marks the service's own property reads (InterfacesAdded) for the getters.
class EmittingScope {
 public:
  explicit EmittingScope(ObjectContext& context) : context_(context) { context_.emitting = true; }
  ~EmittingScope() { context_.emitting = false; }
  EmittingScope(const EmittingScope&) = delete;
  EmittingScope& operator=(const EmittingScope&) = delete;

 private:
  ObjectContext& context_;
};

}  // namespace tracker
