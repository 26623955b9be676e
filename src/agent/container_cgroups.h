#pragma once

// What cgroupfs and /proc say about the containers of the registry right
// now: which one a process runs in, and a container's figures and processes.
// Read whenever asked, never cached; on the loop thread (the reads are of
// kernfs and procfs files, which never block).

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "cgroup/cgroup_stats.h"
#include "cgroup/hierarchy.h"
#include "registry/registry.h"

namespace tracker {

class ContainerCgroups {
 public:
  // `mounts`: every mounted cgroup hierarchy (parse_cgroup_mounts).
  ContainerCgroups(const Registry& registry, TrackedHierarchy tracked,
                   std::vector<CgroupMount> mounts, std::string proc_root = "/proc");
  // The mounts of this process's mount namespace.
  static std::vector<CgroupMount> current_mounts();

  struct PidResult {
    enum class Status { container, host, no_process } status = Status::host;
    std::shared_ptr<ContainerRecord> container;
  };
  // The container whose cgroup is the process's cgroup in the tracked
  // hierarchy or the nearest ancestor of it. "host" when none is.
  PidResult container_of_pid(std::uint32_t pid) const;

  CgroupFigures figures(const ContainerRecord& container) const;
  std::vector<CgroupProcess> processes(const ContainerRecord& container) const;

 private:
  // The container's directory in the tracked hierarchy, "" if it shows none.
  std::string tracked_directory(const ContainerRecord& container) const;

  const Registry& registry_;
  TrackedHierarchy tracked_;
  std::vector<CgroupMount> mounts_;
  std::string proc_root_;
};

}  // namespace tracker
