#pragma once

#include <chrono>
#include <cstdint>

#include "agent/pipeline.h"
#include "kernel/kernel_link.h"
#include "util/throttle.h"

namespace tracker {

struct KernelRecoveryOptions {
  std::chrono::milliseconds reconcile_interval{1000};  // between two reconciles
  std::chrono::milliseconds retry_interval{1000};      // between retries of the state map
  std::chrono::milliseconds log_interval{10000};       // between two lines on one trouble
};

// What the loop does, once per tick, about what the kernel could not deliver
// or record. A lost cgroup event, or a sub-cgroup whose container is unknown,
// asks for a reconcile with cgroupfs, which runs at most once per interval (a
// burst of losses costs one walk then one more); a lost process event leaves
// nothing to reconcile. Cgroups the container-state map could not hold are
// tried again. Each kind of trouble is logged at most once per log interval,
// with how much of it there was since the line before.
class KernelRecovery {
 public:
  using Clock = std::chrono::steady_clock;
  KernelRecovery(KernelLink& kernel, Pipeline& pipeline, KernelRecoveryOptions options = {});

  // Returns whether a reconcile ran (the registry may have changed).
  bool tick(Clock::time_point now);

 private:
  // A growing counter, logged at most once per interval.
  struct CounterLog {
    std::uint64_t logged = 0;
    Clock::time_point next{};
    // Whether to log now; `grown` is then the growth since the last line.
    bool due(std::uint64_t value, Clock::time_point now, Clock::duration interval,
             std::uint64_t& grown);
  };

  KernelLink& kernel_;
  Pipeline& pipeline_;
  KernelRecoveryOptions options_;
  Throttle reconcile_;
  Throttle retry_;
  std::uint64_t cgroup_lost_seen_ = 0;
  CounterLog cgroup_lost_log_;
  CounterLog process_lost_log_;
  CounterLog state_map_log_;
};

}  // namespace tracker
