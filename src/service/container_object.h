#pragma once

#include <string>
#include <vector>

#include "dbus/tracker1_adaptor.h"
#include "service/backend.h"
#include "service/object_context.h"

namespace tracker {

// /org/khulnasoft/Tracker1/container/<id>: read-only properties of one container.
class ContainerObject final
    : public sdbus::AdaptorInterfaces<org::khulnasoft::Tracker1::Container_adaptor,
                                      sdbus::ManagedObject_adaptor, sdbus::Properties_adaptor> {
 public:
  ContainerObject(sdbus::IConnection& connection, ObjectContext& context,
                  ContainerSnapshot snapshot);
  ~ContainerObject();

  // ObjectManager.InterfacesAdded / InterfacesRemoved for this object.
  void announce();
  void withdraw();
  // Takes the new state and sends PropertiesChanged (invalidations) for what
  // differs; returns the names of those properties.
  std::vector<std::string> update(const ContainerSnapshot& snapshot);

  const ContainerSnapshot& snapshot() const { return snapshot_; }

 private:
  template <typename Read>
  auto guarded(Read&& read);
  CgroupStats cgroup_stats();

  std::string Id() override;
  std::string Name() override;
  std::string Image() override;
  std::string ImageDigest() override;
  std::string ImageId() override;
  std::string Runtime() override;
  std::string Origin() override;
  bool Started() override;
  std::string Enrichment() override;
  std::string CgroupPath() override;
  uint64_t CgroupId() override;
  uint64_t CreatedTimestamp() override;
  uint64_t StartedTimestamp() override;
  uint32_t InitPid() override;
  std::map<std::string, std::string> Labels() override;
  std::string PodName() override;
  std::string PodNamespace() override;
  std::string PodUID() override;
  bool PodSandbox() override;
  std::string State() override;
  int32_t ExitCode() override;
  int32_t ExitSignal() override;
  bool OOMKilled() override;
  std::string Health() override;
  uint32_t RestartCount() override;
  std::string ComposeProject() override;
  std::string ComposeService() override;
  std::vector<std::string> RepoDigests() override;
  uint32_t OwnerUID() override;
  uint64_t TasksCurrent() override;
  uint64_t TasksMax() override;
  uint64_t MemoryCurrent() override;
  uint64_t MemoryPeak() override;
  uint64_t MemoryMax() override;
  uint64_t CPUUsageNSec() override;
  std::vector<sdbus::Struct<uint32_t, uint32_t, std::string>> Processes() override;

  ObjectContext& context_;
  ContainerSnapshot snapshot_;
  CgroupStats stats_;          // read for the message named by stats_message_
  std::string stats_message_;  // "sender cookie"
};

// Epoch nanoseconds to the microseconds of a D-Bus timestamp (0: unknown).
std::uint64_t timestamp_usec(std::int64_t epoch_ns);

}  // namespace tracker
