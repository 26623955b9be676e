#pragma once

// tracker's own metrics: whether it can be trusted right now. What happens
// (lookups, their latency, mkdir → enriched, denied calls) is counted here as
// it happens; what the daemon already counts (events lost, held, reconciles,
// the registry, the runtime sockets and their streams) is handed in when the
// text is rendered.

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <unordered_set>
#include <vector>

#include "agent/pipeline.h"
#include "enrich/runtime_client.h"
#include "util/prometheus.h"

namespace tracker {

// How a runtime lookup ended, as the metrics count it.
enum class LookupOutcome { found, not_found, failed, timed_out };
std::string_view to_string(LookupOutcome outcome);
// A lookup that reached its deadline timed out, whatever the client reported
// (curl and gRPC both end it as "unavailable"); an unreachable socket or a
// garbled reply failed.
LookupOutcome lookup_outcome(LookupStatus status, std::chrono::microseconds took,
                             std::chrono::milliseconds deadline);

// The figures the daemon keeps itself, read when the metrics are rendered.
struct MetricsFigures {
  std::string version;
  bool enrichment_enabled = false;
  std::uint64_t containers = 0;  // in the registry
  PipelineStats pipeline;
  std::uint64_t events_held_now = 0;
  // Events lost in the ring buffer by kind ("cgroup", "process").
  std::map<std::string, std::uint64_t> events_lost;
  std::uint64_t state_map_failures = 0;
  std::uint64_t lookalike_cgroups = 0;
  struct RuntimeFigures {
    std::string runtime;
    std::string socket;
    bool up = false;
    std::string stream;  // "" none, connecting, up, down, unsupported
    std::uint64_t stream_reconnects = 0;
  };
  std::vector<RuntimeFigures> runtimes;
};

class Metrics : public ContainerListener {
 public:
  // `wall_clock_ns`: CLOCK_REALTIME, the clock of ContainerRecord::created_ns.
  explicit Metrics(std::function<std::int64_t()> wall_clock_ns = {});

  // `runtime` as ListRuntimes names it ("docker", ..., "machined").
  void lookup_done(std::string_view runtime, LookupStatus status, std::chrono::microseconds took,
                   std::chrono::milliseconds deadline);
  void call_denied() { ++denied_calls_; }
  std::uint64_t denied_calls() const { return denied_calls_; }

  // For mkdir → enriched: a created container's first full or partial answer.
  void container_added(const std::shared_ptr<ContainerRecord>& container) override;
  void container_changed(const std::shared_ptr<ContainerRecord>& container) override;
  void container_exited(const std::shared_ptr<ContainerRecord>&) override {}
  void container_removed(const std::shared_ptr<ContainerRecord>& container) override;

  // Every metric in the Prometheus text format.
  std::string render(const MetricsFigures& figures) const;

 private:
  struct PerRuntime {
    std::map<LookupOutcome, std::uint64_t> lookups;
    Histogram latency;
    PerRuntime();
  };
  PerRuntime& per_runtime(std::string_view runtime);
  void enriched_now(const ContainerRecord& container);

  std::function<std::int64_t()> wall_clock_ns_;
  std::map<std::string, PerRuntime, std::less<>> runtimes_;
  Histogram mkdir_to_enriched_;
  std::unordered_set<std::string> awaiting_answer_;  // created containers, no answer yet
  std::uint64_t denied_calls_ = 0;
};

}  // namespace tracker
