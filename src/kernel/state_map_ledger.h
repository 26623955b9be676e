#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <unordered_map>

#include "bpf/tracker_events.h"

namespace tracker {

// User space's account of the container-state map's failed updates. The
// kernel counts its own failures (after the cgroup event that carries the
// flag TRACKER_FLAG_STATE_UNRECORDED, and as "unreported" as well when that
// event found no room in the ring) and passes the events of cgroups without
// an entry to user space until user space says every failure is dealt with.
// A failure is dealt with once its flagged event has been read (the pipeline
// has then classified the cgroup and recorded it if it must) or, when its
// event was lost, once a walk of cgroupfs that began after it has ended. The
// cgroups user space could not record itself are kept here to try again.
class StateMapLedger {
 public:
  using Entries = std::unordered_map<std::uint64_t, tracker_container_value>;

  // An update of `cgroup_id` failed; true the first time (it is counted then).
  bool failed(std::uint64_t cgroup_id, const tracker_container_value& value);
  // `cgroup_id` was recorded or forgotten: nothing is outstanding for it.
  // Returns whether it was unrecorded.
  bool settled(std::uint64_t cgroup_id) { return unrecorded_.erase(cgroup_id) != 0; }
  const Entries& unrecorded() const { return unrecorded_; }
  Entries& unrecorded() { return unrecorded_; }
  std::uint64_t failures() const { return failures_; }  // user space's own

  void flagged_event_read() { ++flagged_events_read_; }
  // A walk that began when the kernel's unreported count was `unreported_mark` has ended.
  void walked(std::uint64_t unreported_mark);

  // Given the kernel's counters (`failures` read before `unreported`), the
  // value that tells the kernel every failure so far is dealt with, or
  // nullopt while one is outstanding, including a cgroup user space could not record.
  std::optional<std::uint64_t> all_dealt_with(std::uint64_t kernel_failures,
                                              std::uint64_t kernel_unreported) const;

 private:
  Entries unrecorded_;
  std::uint64_t failures_ = 0;
  std::uint64_t flagged_events_read_ = 0;
  std::uint64_t walked_unreported_ = 0;
};

}  // namespace tracker
