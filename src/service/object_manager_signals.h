#pragma once

#include <string>

#include "service/backend.h"

struct sd_bus;

namespace tracker {

// org.freedesktop.DBus.ObjectManager.InterfacesAdded for a container object,
// sent from the manager. It carries only the constant properties (Id,
// Runtime, Origin, CgroupPath, CgroupId), which /proc/PID/cgroup shows any
// local user anyway: what enrichment finds is read with an authorized Get or
// GetAll. Returns a negative errno on failure.
int emit_container_added(sd_bus* bus, const std::string& path, const ContainerSnapshot& container);
// InterfacesRemoved for a container object.
int emit_container_removed(sd_bus* bus, const std::string& path);

}  // namespace tracker
