#pragma once

#include <cstdint>
#include <optional>
#include <span>

#include "service/backend.h"
#include "service/property_rows.h"

namespace tracker {

// One container as the getters of org.khulnasoft.Tracker1.Container read it:
// its snapshot, and what is read from the backend when read (the cgroup
// figures, once per reading). A reading that is not `live` reads nothing from
// the backend (what is read when read is then unknown): for announcing
// changes and estimating sizes.
class ContainerReading {
 public:
  ContainerReading(const ServiceBackend& backend, const ContainerSnapshot& container, bool live)
      : backend_(backend), container_(container), live_(live) {}

  const ContainerSnapshot& container() const { return container_; }
  const CgroupStats& stats();
  const std::vector<ProcessSnapshot>& processes();

 private:
  const ServiceBackend& backend_;
  const ContainerSnapshot& container_;
  bool live_;
  std::optional<CgroupStats> stats_;
  std::optional<std::vector<ProcessSnapshot>> processes_;
};

using ContainerProperty = PropertyRow<ContainerReading>;

// The properties of org.khulnasoft.Tracker1.Container, in the order of
// dbus/org.khulnasoft.Tracker1.xml.
std::span<const ContainerProperty> container_properties();

// Epoch nanoseconds to the microseconds of a D-Bus timestamp (0: unknown).
std::uint64_t timestamp_usec(std::int64_t epoch_ns);

}  // namespace tracker
