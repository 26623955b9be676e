#include "service/container_object.h"

#include <algorithm>

namespace tracker {
namespace {

template <auto Get>
constexpr ContainerProperty computed(const char* name, Emits emits) {
  return property_row<ContainerReading, Get>(name, emits);
}

// A property that is a field of the snapshot.
template <auto Member>
constexpr ContainerProperty field(const char* name, Emits emits) {
  return computed < [](ContainerReading & r) -> const auto& {
    return r.container().*Member;
  }
  > (name, emits);
}

// What enrichment finds is announced as invalidated, never sent in a
// broadcast; the cgroup figures are read when read and not announced.
constexpr ContainerProperty kProperties[] = {
    field<&ContainerSnapshot::id>("Id", Emits::constant),
    field<&ContainerSnapshot::name>("Name", Emits::invalidation),
    field<&ContainerSnapshot::image>("Image", Emits::invalidation),
    field<&ContainerSnapshot::image_digest>("ImageDigest", Emits::invalidation),
    field<&ContainerSnapshot::image_id>("ImageId", Emits::invalidation),
    field<&ContainerSnapshot::runtime>("Runtime", Emits::constant),
    field<&ContainerSnapshot::origin>("Origin", Emits::constant),
    field<&ContainerSnapshot::started>("Started", Emits::invalidation),
    field<&ContainerSnapshot::enrichment>("Enrichment", Emits::invalidation),
    field<&ContainerSnapshot::cgroup_path>("CgroupPath", Emits::constant),
    field<&ContainerSnapshot::cgroup_id>("CgroupId", Emits::constant),
    computed<[](ContainerReading& r) { return timestamp_usec(r.container().created_ns); }>(
        "CreatedTimestamp", Emits::invalidation),
    computed<[](ContainerReading& r) { return timestamp_usec(r.container().started_ns); }>(
        "StartedTimestamp", Emits::invalidation),
    computed<[](ContainerReading& r) {
      return static_cast<std::uint32_t>(std::max(r.container().init_pid, 0));
    }>("InitPid", Emits::invalidation),
    field<&ContainerSnapshot::labels>("Labels", Emits::invalidation),
    field<&ContainerSnapshot::pod_name>("PodName", Emits::invalidation),
    field<&ContainerSnapshot::pod_namespace>("PodNamespace", Emits::invalidation),
    field<&ContainerSnapshot::pod_uid>("PodUID", Emits::invalidation),
    field<&ContainerSnapshot::pod_sandbox>("PodSandbox", Emits::invalidation),
    field<&ContainerSnapshot::state>("State", Emits::invalidation),
    field<&ContainerSnapshot::exit_code>("ExitCode", Emits::invalidation),
    field<&ContainerSnapshot::exit_signal>("ExitSignal", Emits::invalidation),
    field<&ContainerSnapshot::oom_killed>("OOMKilled", Emits::invalidation),
    field<&ContainerSnapshot::health>("Health", Emits::invalidation),
    field<&ContainerSnapshot::restart_count>("RestartCount", Emits::invalidation),
    field<&ContainerSnapshot::compose_project>("ComposeProject", Emits::invalidation),
    field<&ContainerSnapshot::compose_service>("ComposeService", Emits::invalidation),
    field<&ContainerSnapshot::repo_digests>("RepoDigests", Emits::invalidation),
    field<&ContainerSnapshot::owner_uid>("OwnerUID", Emits::invalidation),
    computed<[](ContainerReading& r) { return r.stats().tasks_current; }>("TasksCurrent",
                                                                          Emits::nothing),
    computed<[](ContainerReading& r) { return r.stats().tasks_max; }>("TasksMax", Emits::nothing),
    computed<[](ContainerReading& r) { return r.stats().memory_current; }>("MemoryCurrent",
                                                                           Emits::nothing),
    computed<[](ContainerReading& r) { return r.stats().memory_peak; }>("MemoryPeak",
                                                                        Emits::nothing),
    computed<[](ContainerReading& r) { return r.stats().memory_max; }>("MemoryMax", Emits::nothing),
    computed<[](ContainerReading& r) { return r.stats().cpu_usage_nsec; }>("CPUUsageNSec",
                                                                           Emits::nothing),
    computed < [](ContainerReading& r) -> const auto& {return r.processes();
}  // namespace
> ("Processes", Emits::nothing),
};  // namespace tracker

}  // namespace

const CgroupStats& ContainerReading::stats() {
  if (!stats_) stats_ = live_ ? backend_.cgroup_stats(container_.id) : CgroupStats{};
  return *stats_;
}

const std::vector<ProcessSnapshot>& ContainerReading::processes() {
  if (!processes_)
    processes_ = live_ ? backend_.processes(container_.id) : std::vector<ProcessSnapshot>{};
  return *processes_;
}

std::span<const ContainerProperty> container_properties() {
  return kProperties;
}

std::uint64_t timestamp_usec(std::int64_t epoch_ns) {
  return epoch_ns > 0 ? static_cast<std::uint64_t>(epoch_ns / 1000) : 0;
}

}  // namespace tracker
