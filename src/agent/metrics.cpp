#include "agent/metrics.h"

#include <set>

#include "util/clock.h"

namespace tracker {
namespace {

using Type = PrometheusText::Type;

constexpr LookupOutcome kOutcomes[] = {LookupOutcome::found, LookupOutcome::not_found,
                                       LookupOutcome::failed, LookupOutcome::timed_out};

// A runtime answers a unix socket in about a millisecond; the default
// deadline is 2 s, the longest allowed an hour.
std::vector<double> lookup_buckets() {
  return {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};
}

// A container's first answer usually comes within milliseconds of its
// mkdir; a runtime that is down delays it for as long as it stays down.
std::vector<double> enrichment_buckets() {
  return {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300};
}

bool answered(EnrichmentState state) {
  return state == EnrichmentState::done || state == EnrichmentState::partial;
}

bool awaiting(EnrichmentState state) {
  return state == EnrichmentState::pending || state == EnrichmentState::retrying;
}

}  // namespace

std::string_view to_string(LookupOutcome outcome) {
  switch (outcome) {
    case LookupOutcome::found:
      return "found";
    case LookupOutcome::not_found:
      return "not_found";
    case LookupOutcome::failed:
      return "failed";
    case LookupOutcome::timed_out:
      return "timed_out";
  }
  return "failed";
}

LookupOutcome lookup_outcome(LookupStatus status, std::chrono::microseconds took,
                             std::chrono::milliseconds deadline) {
  switch (status) {
    case LookupStatus::found:
      return LookupOutcome::found;
    case LookupStatus::not_found:
      return LookupOutcome::not_found;
    case LookupStatus::unavailable:
    case LookupStatus::bad_reply:
      break;
  }
  if (deadline.count() > 0 && took >= deadline) return LookupOutcome::timed_out;
  return LookupOutcome::failed;
}

Metrics::PerRuntime::PerRuntime() : latency(lookup_buckets()) {}

Metrics::Metrics(std::function<std::int64_t()> wall_clock)
    : wall_clock_ns_(wall_clock ? std::move(wall_clock) : std::function<std::int64_t()>([] {
        return tracker::wall_clock_ns();
      })),
      mkdir_to_enriched_(enrichment_buckets()) {}

Metrics::PerRuntime& Metrics::per_runtime(std::string_view runtime) {
  auto found = runtimes_.find(runtime);
  if (found == runtimes_.end()) found = runtimes_.emplace(std::string(runtime), PerRuntime()).first;
  return found->second;
}

void Metrics::lookup_done(std::string_view runtime, LookupStatus status,
                          std::chrono::microseconds took, std::chrono::milliseconds deadline) {
  auto& counts = per_runtime(runtime);
  ++counts.lookups[lookup_outcome(status, took, deadline)];
  counts.latency.observe(std::chrono::duration<double>(took).count());
}

void Metrics::enriched_now(const ContainerRecord& container) {
  if (container.created_ns <= 0) return;
  auto elapsed_ns = std::max<std::int64_t>(0, wall_clock_ns_() - container.created_ns);
  mkdir_to_enriched_.observe(static_cast<double>(elapsed_ns) / 1e9);
}

// Only containers whose mkdir tracker saw count: an existing one was made
// before tracker started.
void Metrics::container_added(const std::shared_ptr<ContainerRecord>& container) {
  if (container->origin != ContainerOrigin::created) return;
  if (answered(container->enrichment))
    enriched_now(*container);
  else if (awaiting(container->enrichment))
    awaiting_answer_.insert(container->id());
}

void Metrics::container_changed(const std::shared_ptr<ContainerRecord>& container) {
  auto found = awaiting_answer_.find(container->id());
  if (found == awaiting_answer_.end()) return;
  if (answered(container->enrichment)) {
    enriched_now(*container);
    awaiting_answer_.erase(found);
  } else if (!awaiting(container->enrichment)) {
    awaiting_answer_.erase(found);  // failed, or enrichment turned off
  }
}

void Metrics::container_removed(const std::shared_ptr<ContainerRecord>& container) {
  awaiting_answer_.erase(container->id());
}

std::string Metrics::render(const MetricsFigures& f) const {
  PrometheusText out;
  out.family("tracker_build_info", Type::gauge, "The running tracker's version; always 1.");
  out.sample("tracker_build_info", {{"version", f.version}}, std::uint64_t{1});
  out.family("tracker_enrichment_enabled", Type::gauge,
             "Whether containers are enriched with what their runtime knows (1) or not (0).");
  out.sample("tracker_enrichment_enabled", {}, std::uint64_t{f.enrichment_enabled ? 1u : 0u});
  out.family("tracker_containers", Type::gauge, "Containers tracked right now.");
  out.sample("tracker_containers", {}, f.containers);

  std::set<std::string> names;
  for (const auto& [name, counts] : runtimes_) names.insert(name);
  for (const auto& runtime : f.runtimes) names.insert(runtime.runtime);

  out.family("tracker_runtime_up", Type::gauge,
             "Whether the runtime socket answered the last lookup or ping (1) or not (0).");
  for (const auto& r : f.runtimes)
    out.sample("tracker_runtime_up", {{"runtime", r.runtime}, {"socket", r.socket}},
               std::uint64_t{r.up ? 1u : 0u});

  out.family("tracker_runtime_lookups_total", Type::counter,
             "Container lookups made of each runtime, by outcome: found, not_found (the runtime "
             "does not know the container), failed (unreachable or a bad reply), timed_out.");
  for (const auto& name : names) {
    auto counts = runtimes_.find(name);
    for (auto outcome : kOutcomes) {
      std::uint64_t value = 0;
      if (counts != runtimes_.end())
        if (auto n = counts->second.lookups.find(outcome); n != counts->second.lookups.end())
          value = n->second;
      out.sample("tracker_runtime_lookups_total",
                 {{"runtime", name}, {"outcome", std::string(to_string(outcome))}}, value);
    }
  }

  out.family("tracker_runtime_lookup_duration_seconds", Type::histogram,
             "How long each container lookup of a runtime took, whatever its outcome.");
  const Histogram empty_latency(lookup_buckets());
  for (const auto& name : names) {
    auto counts = runtimes_.find(name);
    out.histogram("tracker_runtime_lookup_duration_seconds", {{"runtime", name}},
                  counts == runtimes_.end() ? empty_latency : counts->second.latency);
  }

  out.family("tracker_runtime_event_stream", Type::gauge,
             "The state of each runtime socket's event stream (1 for the current state): none "
             "(not followed), connecting, up, down, unsupported.");
  for (const auto& r : f.runtimes)
    out.sample("tracker_runtime_event_stream",
               {{"runtime", r.runtime},
                {"socket", r.socket},
                {"state", r.stream.empty() ? std::string("none") : r.stream}},
               std::uint64_t{1});
  out.family("tracker_runtime_event_stream_reconnects_total", Type::counter,
             "Times a runtime socket's event stream was opened again after it broke (from 0 "
             "again when the sockets are reconfigured).");
  for (const auto& r : f.runtimes)
    out.sample("tracker_runtime_event_stream_reconnects_total",
               {{"runtime", r.runtime}, {"socket", r.socket}}, r.stream_reconnects);

  out.family("tracker_mkdir_to_enriched_seconds", Type::histogram,
             "From a container cgroup's creation to the first answer of its runtime.");
  out.histogram("tracker_mkdir_to_enriched_seconds", {}, mkdir_to_enriched_);

  const auto& p = f.pipeline;
  out.family("tracker_kernel_events_total", Type::counter,
             "Events read from the kernel's ring buffer.");
  out.sample("tracker_kernel_events_total", {}, p.kernel_events);
  out.family("tracker_events_printed_total", Type::counter, "Events written to the event stream.");
  out.sample("tracker_events_printed_total", {}, p.printed);
  out.family("tracker_events_lost_total", Type::counter,
             "Kernel events lost in the ring buffer, by kind (cgroup, process); each loss of a "
             "cgroup event leads to a reconcile.");
  for (const auto& [kind, lost] : f.events_lost)
    out.sample("tracker_events_lost_total", {{"kind", kind}}, lost);
  out.family("tracker_events_held", Type::gauge,
             "Events waiting for their container's enrichment right now.");
  out.sample("tracker_events_held", {}, f.events_held_now);
  out.family("tracker_events_held_total", Type::counter,
             "Events that waited for their container's enrichment.");
  out.sample("tracker_events_held_total", {}, p.held);
  out.family("tracker_events_released_early_total", Type::counter,
             "Held events let out before their container was enriched (hold time or limit).");
  out.sample("tracker_events_released_early_total", {}, p.held_released_early);
  out.family("tracker_reconciles_total", Type::counter,
             "Reconciles of the container registry against cgroupfs.");
  out.sample("tracker_reconciles_total", {}, p.reconciles);
  out.family("tracker_state_map_failures_total", Type::counter,
             "Failed updates of the kernel's container-state map.");
  out.sample("tracker_state_map_failures_total", {}, f.state_map_failures);
  out.family("tracker_lookalike_cgroups_total", Type::counter,
             "Cgroups that claim a known container's id outside its cgroup (never merged).");
  out.sample("tracker_lookalike_cgroups_total", {}, f.lookalike_cgroups);
  out.family("tracker_dbus_calls_denied_total", Type::counter,
             "D-Bus calls refused: not authorized, or too many authorization checks pending.");
  out.sample("tracker_dbus_calls_denied_total", {}, denied_calls_);
  return out.text();
}

}  // namespace tracker
