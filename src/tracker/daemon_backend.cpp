// The daemon as the D-Bus service and its listeners see it.
#include <algorithm>
#include <optional>

#include "agent/snapshot.h"
#include "enrich/sanitize.h"
#include "tracker/daemon.h"
#include "tracker_config.h"

namespace tracker {

std::vector<ContainerSnapshot> Daemon::containers() const {
  std::vector<ContainerSnapshot> result;
  result.reserve(pipeline_->registry().size());
  pipeline_->registry().for_each([&](const std::shared_ptr<ContainerRecord>& c) {
    if (c->announced()) result.push_back(snapshot_of(*c));
  });
  std::sort(result.begin(), result.end(),
            [](const ContainerSnapshot& a, const ContainerSnapshot& b) { return a.id < b.id; });
  return result;
}

std::optional<ContainerSnapshot> Daemon::container(const std::string& id) const {
  auto record = pipeline_->registry().find_by_id(id);
  if (!record || !record->announced()) return std::nullopt;
  return snapshot_of(*record);
}

void Daemon::for_each(const std::function<void(const ContainerSnapshot&)>& visit) const {
  pipeline_->registry().for_each_with_prefix("", [&](const std::shared_ptr<ContainerRecord>& c) {
    if (c->announced()) visit(snapshot_of(*c));
    return true;
  });
}

// A full id wins over a name, a name over an id prefix; only announced
// containers count. Each is O(1) or O(log n).
ServiceBackend::FindResult Daemon::find(const std::string& text) const {
  if (text.empty()) return {};
  const auto& registry = pipeline_->registry();
  auto exact = registry.find_by_id(text);
  if (exact && exact->announced()) return {FindStatus::found, exact->id()};
  auto decide = [](const std::vector<std::string>& ids) -> std::optional<FindResult> {
    if (ids.size() == 1) return FindResult{FindStatus::found, ids.front()};
    if (ids.size() > 1) return FindResult{FindStatus::ambiguous, {}};
    return std::nullopt;
  };
  std::vector<std::string> named;
  for (auto id : names_.ids(text)) named.emplace_back(id);
  if (auto found = decide(named)) return *found;
  std::vector<std::string> prefixed;
  registry.for_each_with_prefix(text, [&](const std::shared_ptr<ContainerRecord>& c) {
    if (c->announced()) prefixed.push_back(c->id());
    return prefixed.size() < 2;
  });
  if (auto found = decide(prefixed)) return *found;
  return {};
}

ServiceBackend::FindResult Daemon::find_by_pid(std::uint32_t pid) const {
  auto found = cgroups_->container_of_pid(pid);
  using Status = ContainerCgroups::PidResult::Status;
  if (found.status == Status::no_process) return {FindStatus::no_such_process, {}};
  if (found.status == Status::container && found.container->announced())
    return {FindStatus::found, found.container->id()};
  return {};
}

ServiceBackend::FindResult Daemon::find_by_cgroup_id(std::uint64_t cgroup_id) const {
  auto container = pipeline_->registry().find_by_cgroup(cgroup_id);
  if (container && container->announced()) return {FindStatus::found, container->id()};
  return {};
}

CgroupStats Daemon::cgroup_stats(const std::string& id) const {
  CgroupStats stats;
  auto container = pipeline_->registry().find_by_id(id);
  if (!container) return stats;
  auto figures = cgroups_->figures(*container);
  auto known = [](const std::optional<std::uint64_t>& value) {
    return value.value_or(CgroupStats::kUnknown);
  };
  stats.tasks_current = known(figures.tasks_current);
  stats.tasks_max = known(figures.tasks_max);
  stats.memory_current = known(figures.memory_current);
  stats.memory_peak = known(figures.memory_peak);
  stats.memory_max = known(figures.memory_max);
  stats.cpu_usage_nsec = known(figures.cpu_usage_nsec);
  return stats;
}

// A process names itself: its comm may hold any bytes but NUL.
constexpr std::size_t kMaxCommBytes = 64;

std::vector<ProcessSnapshot> Daemon::processes(const std::string& id) const {
  std::vector<ProcessSnapshot> result;
  auto container = pipeline_->registry().find_by_id(id);
  if (!container) return result;
  for (auto& process : cgroups_->processes(*container))
    result.push_back({process.pid, process.ppid, sanitize_string(process.comm, kMaxCommBytes)});
  return result;
}

ServiceCounters Daemon::counters() const {
  ServiceCounters counters;
  const auto& stats = pipeline_->stats();
  counters.events_held = pipeline_->held_now();
  counters.events_released_early = stats.held_released_early;
  counters.reconciles = stats.reconciles;
  counters.lookalike_cgroups = pipeline_->lookalike_cgroups();
  if (probes_) {
    counters.state_map_failures = probes_->state_map_failures();
    counters.cgroup_events_lost = probes_->cgroup_events_lost();
    counters.process_events_lost = probes_->process_events_lost();
  }
  return counters;
}

MetricsFigures Daemon::metrics_figures() const {
  MetricsFigures figures;
  figures.version = TRACKER_VERSION;
  figures.enrichment_enabled = enricher_->enabled();
  figures.containers = pipeline_->registry().size();
  figures.pipeline = pipeline_->stats();
  figures.events_held_now = pipeline_->held_now();
  auto service = counters();
  figures.events_lost = {{"cgroup", service.cgroup_events_lost},
                         {"process", service.process_events_lost}};
  figures.state_map_failures = service.state_map_failures;
  figures.lookalike_cgroups = service.lookalike_cgroups;
  for (const auto& runtime : runtimes())
    figures.runtimes.push_back(
        {runtime.runtime, runtime.socket, runtime.up, runtime.stream, runtime.stream_reconnects});
  return figures;
}

std::string Daemon::metrics() const {
  return metrics_.render(metrics_figures());
}

void Daemon::call_denied() {
  metrics_.call_denied();
}

std::vector<RuntimeSnapshot> Daemon::runtimes() const {
  std::vector<RuntimeSnapshot> result;
  for (auto& endpoint : enricher_->endpoints()) {
    bool machined = endpoint.runtime == Runtime::nspawn;
    auto socket =
        machined && endpoint.socket.empty() ? "/run/dbus/system_bus_socket" : endpoint.socket;
    result.push_back({std::string(endpoint_name(endpoint.runtime)), socket, endpoint.configured,
                      endpoint.up, endpoint.last_error, endpoint.lookups, endpoint.found,
                      endpoint.speaks_for, endpoint.stream, endpoint.stream_reconnects});
  }
  return result;
}

bool Daemon::enrichment_enabled() const {
  return enricher_->enabled();
}

std::uint64_t Daemon::events_lost() const {
  return probes_ ? probes_->events_lost() : 0;
}

std::string Daemon::version() const {
  return TRACKER_VERSION;
}

void Daemon::container_added(const std::shared_ptr<ContainerRecord>& container) {
  ++announced_;
  names_.set(container->id(), container->info.name);
  if (service_events_) service_events_->container_added(snapshot_of(*container));
}

void Daemon::container_changed(const std::shared_ptr<ContainerRecord>& container) {
  names_.set(container->id(), container->info.name);
  if (service_events_) service_events_->container_changed(snapshot_of(*container));
}

void Daemon::container_exited(const std::shared_ptr<ContainerRecord>& container) {
  if (service_events_) service_events_->container_exited(snapshot_of(*container));
}

void Daemon::container_removed(const std::shared_ptr<ContainerRecord>& container) {
  --announced_;
  names_.set(container->id(), "");
  if (service_events_) service_events_->container_removed(snapshot_of(*container));
}

}  // namespace tracker
