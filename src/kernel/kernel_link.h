#pragma once

#include <cstdint>

namespace tracker {

// The loop's view of the kernel side beyond its events: what it could not
// deliver or record, and the means to make up for it. Probes is the real one.
class KernelLink {
 public:
  virtual ~KernelLink() = default;
  // Hands every queued event to the sink; returns how many, or -errno.
  virtual int consume() = 0;
  // Records that found no room in the ring buffer, by kind.
  virtual std::uint64_t cgroup_events_lost() const = 0;
  virtual std::uint64_t process_events_lost() const = 0;
  // Failed updates of the container-state map, the kernel's and user space's.
  virtual std::uint64_t state_map_failures() const = 0;
  // Whether a failure is outstanding: meanwhile the kernel passes the events of
  // cgroups it has no entry for to user space instead of dropping them.
  virtual bool state_map_degraded() const = 0;
  // Taken before a walk of cgroupfs that records every container cgroup it
  // finds, handed back after it: failures whose cgroup events were lost before
  // the mark are then dealt with.
  virtual std::uint64_t walk_mark() const = 0;
  virtual void walked(std::uint64_t mark) = 0;
  // Records again, when `retry`, the cgroups that could not be recorded, and
  // ends the degraded mode once every failure is dealt with.
  virtual void maintain_state_map(bool retry) = 0;
};

}  // namespace tracker
