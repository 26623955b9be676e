// The daemon as the D-Bus service and its listeners see it.
#include <algorithm>
#include <optional>

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

ServiceBackend::FindResult Daemon::find_by_cgroup_id(std::uint64_t cgroup_id) const {
  auto record = pipeline_->registry().find_by_cgroup(cgroup_id);
  if (!record || !record->announced()) return {};
  return {FindStatus::found, record->id()};
}

std::vector<RuntimeSnapshot> Daemon::runtimes() const {
  std::vector<RuntimeSnapshot> result;
  for (auto& endpoint : enricher_->endpoints()) {
    bool machined = endpoint.runtime == Runtime::nspawn;
    auto socket =
        machined && endpoint.socket.empty() ? "/run/dbus/system_bus_socket" : endpoint.socket;
    result.push_back({machined ? "machined" : std::string(to_string(endpoint.runtime)), socket,
                      endpoint.configured, endpoint.up, endpoint.last_error, endpoint.lookups,
                      endpoint.found, endpoint.speaks_for, ""});
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

void Daemon::container_removed(const std::shared_ptr<ContainerRecord>& container) {
  --announced_;
  names_.set(container->id(), "");
  if (service_events_) service_events_->container_removed(snapshot_of(*container));
}

}  // namespace tracker
