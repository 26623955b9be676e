#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "bpf/tracker_events.h"

namespace tracker {

struct ContainerRecord;

enum class EventType : std::uint8_t {
  container_create,
  container_remove,
  container_exit,  // the container's init exited (its cgroup may linger)
  existing_container,
  sched_process_exec,
  sched_process_exit,
  sched_process_fork,
};

constexpr std::size_t kEventTypeCount = 7;

std::string_view event_name(EventType type);
std::optional<EventType> event_from_name(std::string_view name);
const std::vector<EventType>& all_event_types();

// A set of event types.
class EventSet {
 public:
  static EventSet all();
  void add(EventType type) { bits_ |= bit(type); }
  bool contains(EventType type) const { return bits_ & bit(type); }
  bool empty() const { return bits_ == 0; }
  // The bits the kernel filters process events with (tracker_config.event_mask).
  std::uint32_t kernel_mask() const;
  // Only the container lifecycle events of this set (no process events).
  EventSet lifecycle_only() const;

 private:
  static std::uint32_t bit(EventType type) { return 1u << static_cast<unsigned>(type); }
  std::uint32_t bits_ = 0;
};

struct Arg {
  using Value =
      std::variant<std::int64_t, std::uint64_t, bool, std::string, std::vector<std::string>>;
  std::string_view name;
  std::string_view type;  // the C type, as Tracee-style consumers expect it
  Value value;
};

// One event as it is printed: the task context, the container it belongs to
// (if any), and its arguments.
struct Event {
  EventType type = EventType::sched_process_exec;
  std::int64_t timestamp_ns = 0;  // Unix epoch
  tracker_task_context context{};
  std::shared_ptr<const ContainerRecord> container;
  std::vector<Arg> args;
};

}  // namespace tracker
