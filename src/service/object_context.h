#pragma once

struct sd_bus;

namespace tracker {

class Authorizer;
class ServiceBackend;

// What the exported objects share; owned by DbusService, used on the loop thread.
struct ObjectContext {
  sd_bus* bus = nullptr;
  ServiceBackend& backend;
  Authorizer& authorizer;
};

}  // namespace tracker
