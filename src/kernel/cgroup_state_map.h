#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "bpf/tracker_events.h"

namespace tracker {

// The kernel's cgroup id → container state map, as the pipeline sees it.
class CgroupStateMap {
 public:
  virtual ~CgroupStateMap() = default;
  virtual bool set(std::uint64_t cgroup_id, tracker_container_state state,
                   std::uint64_t root_cgroup_id) = 0;
  virtual void forget(std::uint64_t cgroup_id) = 0;
  virtual std::optional<tracker_container_value> get(std::uint64_t cgroup_id) const = 0;
  virtual std::vector<std::uint64_t> ids() const = 0;
};

}  // namespace tracker
