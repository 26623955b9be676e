// The daemon as the D-Bus service and its listeners see it.
#include <algorithm>

#include "agent/snapshot.h"
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

ServiceBackend::FindResult Daemon::find(const std::string& text) const {
  if (text.empty()) return {};
  auto exact = pipeline_->registry().find_by_id(text);
  if (exact && exact->announced()) return {FindStatus::found, exact->id()};
  std::vector<std::string> by_prefix, by_name;
  pipeline_->registry().for_each([&](const std::shared_ptr<ContainerRecord>& c) {
    if (!c->announced()) return;
    if (c->id().starts_with(text)) by_prefix.push_back(c->id());
    if (c->info.name == text) by_name.push_back(c->id());
  });
  if (by_name.size() == 1) return {FindStatus::found, by_name.front()};
  if (by_name.size() > 1) return {FindStatus::ambiguous, {}};
  if (by_prefix.size() == 1) return {FindStatus::found, by_prefix.front()};
  if (by_prefix.size() > 1) return {FindStatus::ambiguous, {}};
  return {};
}

std::vector<RuntimeSnapshot> Daemon::runtimes() const {
  std::vector<RuntimeSnapshot> result;
  for (auto& endpoint : enricher_->endpoints()) {
    bool machined = endpoint.runtime == Runtime::nspawn;
    auto socket =
        machined && endpoint.socket.empty() ? "/run/dbus/system_bus_socket" : endpoint.socket;
    result.push_back({machined ? "machined" : std::string(to_string(endpoint.runtime)), socket,
                      endpoint.configured, endpoint.up, endpoint.last_error, endpoint.lookups,
                      endpoint.found, endpoint.speaks_for, endpoint.stream});
  }
  return result;
}

bool Daemon::enrichment_enabled() const {
  return enricher_->enabled();
}

std::uint64_t Daemon::events_lost() const {
  return probes_ ? probes_->events_lost() : 0;
}

ServiceCounters Daemon::counters() const {
  ServiceCounters c;
  c.lookalike_cgroups = pipeline_->lookalike_cgroups();
  if (probes_) {
    c.state_map_failures = probes_->state_map_failures();
    c.cgroup_events_lost = probes_->cgroup_events_lost();
    c.process_events_lost = probes_->process_events_lost();
  }
  const auto& stats = pipeline_->stats();
  c.events_held = stats.held;
  c.events_released_early = stats.held_released_early;
  c.reconciles = stats.reconciles;
  return c;
}

std::string Daemon::version() const {
  return TRACKER_VERSION;
}

void Daemon::container_added(const std::shared_ptr<ContainerRecord>& container) {
  if (service_events_) service_events_->container_added(snapshot_of(*container));
}

void Daemon::container_changed(const std::shared_ptr<ContainerRecord>& container) {
  if (service_events_) service_events_->container_changed(snapshot_of(*container));
}

void Daemon::container_exited(const std::shared_ptr<ContainerRecord>& container) {
  if (service_events_) service_events_->container_exited(snapshot_of(*container));
}

void Daemon::container_removed(const std::shared_ptr<ContainerRecord>& container) {
  if (service_events_) service_events_->container_removed(snapshot_of(*container));
}

}  // namespace tracker
