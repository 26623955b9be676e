#include "agent/kernel_recovery.h"

#include "util/log.h"

namespace tracker {

KernelRecovery::KernelRecovery(KernelLink& kernel, Pipeline& pipeline,
                               KernelRecoveryOptions options)
    : kernel_(kernel),
      pipeline_(pipeline),
      options_(options),
      reconcile_(options.reconcile_interval),
      retry_(options.retry_interval) {}

bool KernelRecovery::CounterLog::due(std::uint64_t value, Clock::time_point now,
                                     Clock::duration interval, std::uint64_t& grown) {
  if (value == logged || now < next) return false;
  grown = value - logged;
  logged = value;
  next = now + interval;
  return true;
}

bool KernelRecovery::tick(Clock::time_point now) {
  std::uint64_t grown = 0;
  std::uint64_t cgroup_lost = kernel_.cgroup_events_lost();
  if (cgroup_lost != cgroup_lost_seen_) {
    cgroup_lost_seen_ = cgroup_lost;
    reconcile_.request();
  }
  if (pipeline_.take_reconcile_request()) reconcile_.request();
  if (cgroup_lost_log_.due(cgroup_lost, now, options_.log_interval, grown))
    log(LogLevel::warning, "kernel",
        "{} cgroup events lost in the ring buffer; reconciling with cgroupfs", grown);
  if (process_lost_log_.due(kernel_.process_events_lost(), now, options_.log_interval, grown))
    log(LogLevel::warning, "kernel",
        "{} process events lost in the ring buffer (a larger BufferSize= keeps more)", grown);

  bool reconciled = false;
  if (reconcile_.due(now)) {
    kernel_.consume();  // what the ring holds comes before the walk
    auto mark = kernel_.walk_mark();
    if (pipeline_.reconcile()) kernel_.walked(mark);
    reconciled = true;
  }

  if (kernel_.state_map_degraded()) retry_.request();
  kernel_.maintain_state_map(retry_.due(now));
  if (state_map_log_.due(kernel_.state_map_failures(), now, options_.log_interval, grown))
    log(LogLevel::warning, "kernel",
        "{} updates of the kernel's container-state map failed (is it full?); until their "
        "cgroups are recorded, the kernel passes the events of cgroups it does not know on",
        grown);
  return reconciled;
}

}  // namespace tracker
