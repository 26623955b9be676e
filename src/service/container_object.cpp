#include "service/container_object.h"

#include <systemd/sd-bus.h>

#include <algorithm>
#include <exception>

#include <fmt/format.h>

#include "service/authorizer.h"
#include "service/dbus_names.h"
#include "service/object_manager_signals.h"
#include "service/object_path.h"

namespace tracker {

std::uint64_t timestamp_usec(std::int64_t epoch_ns) {
  return epoch_ns > 0 ? static_cast<std::uint64_t>(epoch_ns / 1000) : 0;
}

ContainerObject::ContainerObject(sdbus::IConnection& connection, ObjectContext& context,
                                 ContainerSnapshot snapshot)
    : AdaptorInterfaces(connection, container_object_path(snapshot.id)),
      context_(context),
      snapshot_(std::move(snapshot)) {
  registerAdaptor();
}

ContainerObject::~ContainerObject() {
  unregisterAdaptor();
}

void ContainerObject::announce() {
  if (int r = emit_container_added(context_.bus, getObjectPath(), snapshot_); r < 0)
    throw sdbus::createError(-r, "cannot send InterfacesAdded");
}

void ContainerObject::withdraw() {
  if (int r = emit_container_removed(context_.bus, getObjectPath()); r < 0)
    throw sdbus::createError(-r, "cannot send InterfacesRemoved");
}

std::vector<std::string> ContainerObject::update(const ContainerSnapshot& next) {
  std::vector<std::string> changed;
  const auto& now = snapshot_;
  auto note = [&changed](bool differs, const char* name) {
    if (differs) changed.emplace_back(name);
  };
  // Id, Runtime, Origin, CgroupPath and CgroupId are constant.
  note(now.name != next.name, "Name");
  note(now.image != next.image, "Image");
  note(now.image_digest != next.image_digest, "ImageDigest");
  note(now.image_id != next.image_id, "ImageId");
  note(now.started != next.started, "Started");
  note(now.enrichment != next.enrichment, "Enrichment");
  note(timestamp_usec(now.created_ns) != timestamp_usec(next.created_ns), "CreatedTimestamp");
  note(timestamp_usec(now.started_ns) != timestamp_usec(next.started_ns), "StartedTimestamp");
  note(now.init_pid != next.init_pid, "InitPid");
  note(now.labels != next.labels, "Labels");
  note(now.pod_name != next.pod_name, "PodName");
  note(now.pod_namespace != next.pod_namespace, "PodNamespace");
  note(now.pod_uid != next.pod_uid, "PodUID");
  note(now.pod_sandbox != next.pod_sandbox, "PodSandbox");
  note(now.state != next.state, "State");
  note(now.exit_code != next.exit_code, "ExitCode");
  note(now.exit_signal != next.exit_signal, "ExitSignal");
  note(now.oom_killed != next.oom_killed, "OOMKilled");
  note(now.health != next.health, "Health");
  note(now.restart_count != next.restart_count, "RestartCount");
  note(now.compose_project != next.compose_project, "ComposeProject");
  note(now.compose_service != next.compose_service, "ComposeService");
  note(now.repo_digests != next.repo_digests, "RepoDigests");
  note(now.owner_uid != next.owner_uid, "OwnerUID");
  snapshot_ = next;
  if (!changed.empty()) emitPropertiesChangedSignal(dbus_names::kContainerInterface, changed);
  return changed;
}

// GetAll and GetManagedObjects read every figure in one message: the cgroup is
// read once per message, never kept for the next one.
CgroupStats ContainerObject::cgroup_stats() {
  auto* message = sd_bus_get_current_message(context_.bus);
  std::uint64_t cookie = 0;
  if (!message || sd_bus_message_get_cookie(message, &cookie) < 0)
    return context_.backend.cgroup_stats(snapshot_.id);
  const char* sender = sd_bus_message_get_sender(message);
  std::string key = fmt::format("{} {}", sender ? sender : "", cookie);
  if (key != stats_message_) {
    stats_ = context_.backend.cgroup_stats(snapshot_.id);
    stats_message_ = std::move(key);
  }
  return stats_;
}

// Every getter: only for authorized readers, and nothing but sdbus::Error may
// leave (sdbus-c++ 1.2 catches nothing else).
template <typename Read>
auto ContainerObject::guarded(Read&& read) {
  bool allowed = false;
  try {
    allowed = context_.authorizer.may_read_containers(sd_bus_get_current_message(context_.bus));
  } catch (const std::exception& error) {
    throw sdbus::Error(dbus_names::kErrorFailed, error.what());
  }
  if (!allowed)
    throw sdbus::Error(dbus_names::kErrorAccessDenied,
                       "Reading container properties requires the "
                       "org.khulnasoft.tracker1.inspect authorization: call GetContainer or "
                       "ListContainers first");
  try {
    return read();
  } catch (const sdbus::Error&) {
    throw;
  } catch (const std::exception& error) {
    throw sdbus::Error(dbus_names::kErrorFailed, error.what());
  }
}

std::string ContainerObject::Id() {
  return guarded([this] { return snapshot_.id; });
}
std::string ContainerObject::Name() {
  return guarded([this] { return snapshot_.name; });
}
std::string ContainerObject::Image() {
  return guarded([this] { return snapshot_.image; });
}
std::string ContainerObject::ImageDigest() {
  return guarded([this] { return snapshot_.image_digest; });
}
std::string ContainerObject::ImageId() {
  return guarded([this] { return snapshot_.image_id; });
}
std::string ContainerObject::Runtime() {
  return guarded([this] { return snapshot_.runtime; });
}
std::string ContainerObject::Origin() {
  return guarded([this] { return snapshot_.origin; });
}
bool ContainerObject::Started() {
  return guarded([this] { return snapshot_.started; });
}
std::string ContainerObject::Enrichment() {
  return guarded([this] { return snapshot_.enrichment; });
}
std::string ContainerObject::CgroupPath() {
  return guarded([this] { return snapshot_.cgroup_path; });
}
uint64_t ContainerObject::CgroupId() {
  return guarded([this] { return snapshot_.cgroup_id; });
}
uint64_t ContainerObject::CreatedTimestamp() {
  return guarded([this] { return timestamp_usec(snapshot_.created_ns); });
}
uint64_t ContainerObject::StartedTimestamp() {
  return guarded([this] { return timestamp_usec(snapshot_.started_ns); });
}
uint32_t ContainerObject::InitPid() {
  return guarded([this] { return static_cast<uint32_t>(std::max(snapshot_.init_pid, 0)); });
}
std::map<std::string, std::string> ContainerObject::Labels() {
  return guarded([this] { return snapshot_.labels; });
}
std::string ContainerObject::PodName() {
  return guarded([this] { return snapshot_.pod_name; });
}
std::string ContainerObject::PodNamespace() {
  return guarded([this] { return snapshot_.pod_namespace; });
}
std::string ContainerObject::PodUID() {
  return guarded([this] { return snapshot_.pod_uid; });
}
bool ContainerObject::PodSandbox() {
  return guarded([this] { return snapshot_.pod_sandbox; });
}
std::string ContainerObject::State() {
  return guarded([this] { return snapshot_.state; });
}
int32_t ContainerObject::ExitCode() {
  return guarded([this] { return snapshot_.exit_code; });
}
int32_t ContainerObject::ExitSignal() {
  return guarded([this] { return snapshot_.exit_signal; });
}
bool ContainerObject::OOMKilled() {
  return guarded([this] { return snapshot_.oom_killed; });
}
std::string ContainerObject::Health() {
  return guarded([this] { return snapshot_.health; });
}
uint32_t ContainerObject::RestartCount() {
  return guarded([this] { return snapshot_.restart_count; });
}
std::string ContainerObject::ComposeProject() {
  return guarded([this] { return snapshot_.compose_project; });
}
std::string ContainerObject::ComposeService() {
  return guarded([this] { return snapshot_.compose_service; });
}
std::vector<std::string> ContainerObject::RepoDigests() {
  return guarded([this] { return snapshot_.repo_digests; });
}
uint32_t ContainerObject::OwnerUID() {
  return guarded([this] { return snapshot_.owner_uid; });
}
uint64_t ContainerObject::TasksCurrent() {
  return guarded([this] { return cgroup_stats().tasks_current; });
}
uint64_t ContainerObject::TasksMax() {
  return guarded([this] { return cgroup_stats().tasks_max; });
}
uint64_t ContainerObject::MemoryCurrent() {
  return guarded([this] { return cgroup_stats().memory_current; });
}
uint64_t ContainerObject::MemoryPeak() {
  return guarded([this] { return cgroup_stats().memory_peak; });
}
uint64_t ContainerObject::MemoryMax() {
  return guarded([this] { return cgroup_stats().memory_max; });
}
uint64_t ContainerObject::CPUUsageNSec() {
  return guarded([this] { return cgroup_stats().cpu_usage_nsec; });
}
std::vector<sdbus::Struct<uint32_t, uint32_t, std::string>> ContainerObject::Processes() {
  return guarded([this] {
    std::vector<sdbus::Struct<uint32_t, uint32_t, std::string>> list;
    for (auto& process : context_.backend.processes(snapshot_.id))
      list.emplace_back(process.pid, process.ppid, std::move(process.comm));
    return list;
  });
}

}  // namespace tracker
