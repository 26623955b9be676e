#include "events/event.h"

#include <array>

namespace tracker {
namespace {

constexpr std::array<std::string_view, kEventTypeCount> kNames = {
    "container_create",   "container_remove",   "container_exit",     "existing_container",
    "sched_process_exec", "sched_process_exit", "sched_process_fork",
};

}  // namespace

std::string_view event_name(EventType type) {
  return kNames[static_cast<std::size_t>(type)];
}

std::optional<EventType> event_from_name(std::string_view name) {
  for (std::size_t i = 0; i < kNames.size(); ++i)
    if (kNames[i] == name) return static_cast<EventType>(i);
  return std::nullopt;
}

const std::vector<EventType>& all_event_types() {
  static const std::vector<EventType> types = [] {
    std::vector<EventType> result;
    for (std::size_t i = 0; i < kEventTypeCount; ++i) result.push_back(static_cast<EventType>(i));
    return result;
  }();
  return types;
}

EventSet EventSet::all() {
  EventSet set;
  for (auto type : all_event_types()) set.add(type);
  return set;
}

EventSet EventSet::lifecycle_only() const {
  EventSet lifecycle;
  for (auto type : {EventType::container_create, EventType::container_remove,
                    EventType::container_exit, EventType::existing_container})
    if (contains(type)) lifecycle.add(type);
  return lifecycle;
}

std::uint32_t EventSet::kernel_mask() const {
  std::uint32_t mask = 0;
  if (contains(EventType::sched_process_fork)) mask |= TRACKER_MASK(TRACKER_EVENT_PROCESS_FORK);
  if (contains(EventType::sched_process_exec)) mask |= TRACKER_MASK(TRACKER_EVENT_PROCESS_EXEC);
  if (contains(EventType::sched_process_exit)) mask |= TRACKER_MASK(TRACKER_EVENT_PROCESS_EXIT);
  return mask;
}

}  // namespace tracker
