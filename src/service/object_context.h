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
};

}  // namespace tracker
