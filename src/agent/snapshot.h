#pragma once

#include "registry/registry.h"
#include "service/backend.h"

namespace tracker {

ContainerSnapshot snapshot_of(const ContainerRecord& container);
std::string_view to_string(EnrichmentState state);

}  // namespace tracker
