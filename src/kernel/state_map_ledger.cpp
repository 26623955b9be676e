#include "kernel/state_map_ledger.h"

#include <algorithm>

namespace tracker {

bool StateMapLedger::failed(std::uint64_t cgroup_id, const tracker_container_value& value) {
  auto [entry, added] = unrecorded_.insert_or_assign(cgroup_id, value);
  if (added) ++failures_;
  return added;
}

void StateMapLedger::walked(std::uint64_t unreported_mark) {
  walked_unreported_ = std::max(walked_unreported_, unreported_mark);
}

std::optional<std::uint64_t> StateMapLedger::all_dealt_with(std::uint64_t kernel_failures,
                                                            std::uint64_t kernel_unreported) const {
  if (!unrecorded_.empty() || kernel_unreported != walked_unreported_ ||
      flagged_events_read_ + kernel_unreported != kernel_failures)
    return std::nullopt;
  return kernel_failures;
}

}  // namespace tracker
