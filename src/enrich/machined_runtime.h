#pragma once

#include <memory>
#include <string>

#include "enrich/runtime_client.h"

namespace tracker {

// systemd-machined as a runtime client for the machine managers' containers
// (nspawn, libvirt-LXC, LXC): a container id is the machine's name as machined
// registered it. `bus_address` as MachinedClient takes it ("" for the system
// bus). runtime() says nspawn; it answers for all three.
std::unique_ptr<RuntimeClient> make_machined_client(std::string bus_address);

}  // namespace tracker
