#include "agent/container_cgroups.h"

#include <sys/stat.h>

#include <cerrno>
#include <system_error>

#include "cgroup/proc_cgroup.h"
#include "util/files.h"

namespace tracker {

ContainerCgroups::ContainerCgroups(const Registry& registry, TrackedHierarchy tracked,
                                   std::vector<CgroupMount> mounts, std::string proc_root)
    : registry_(registry),
      tracked_(std::move(tracked)),
      mounts_(std::move(mounts)),
      proc_root_(std::move(proc_root)) {}

std::vector<CgroupMount> ContainerCgroups::current_mounts() {
  return parse_cgroup_mounts(read_file("/proc/self/mountinfo").value_or(""));
}

ContainerCgroups::PidResult ContainerCgroups::container_of_pid(std::uint32_t pid) const {
  int error = 0;
  auto text = read_file(proc_root_ + "/" + std::to_string(pid) + "/cgroup", &error);
  if (!text) {
    if (error == ENOENT || error == ESRCH) return {PidResult::Status::no_process, nullptr};
    throw std::system_error(error, std::generic_category(),
                            "cannot read the cgroup of process " + std::to_string(pid));
  }
  auto path = cgroup_path_in_hierarchy(*text, tracked_.hierarchy_id);
  // Walk up: a process may sit in a sub-cgroup tracker did not register (made
  // while events were lost, or below a cgroup it only knows as the root).
  for (auto at = path; at; at = parent_cgroup(*at)) {
    auto directory = cgroup_directory(tracked_.mount_point, tracked_.mount_root, *at);
    if (!directory) break;  // above what the mount shows
    struct stat st {};
    if (stat(directory->c_str(), &st) != 0) continue;
    if (auto container = registry_.find_by_cgroup(st.st_ino))
      return {PidResult::Status::container, container};
  }
  return {PidResult::Status::host, nullptr};
}

std::string ContainerCgroups::tracked_directory(const ContainerRecord& container) const {
  return cgroup_directory(tracked_.mount_point, tracked_.mount_root, container.cgroup_path)
      .value_or("");
}

CgroupFigures ContainerCgroups::figures(const ContainerRecord& container) const {
  std::string member;
  auto directory = tracked_directory(container);
  if (!directory.empty())
    if (auto pid = first_cgroup_process(directory))
      member = read_file(proc_root_ + "/" + std::to_string(*pid) + "/cgroup").value_or("");
  return read_cgroup_figures(locate_cgroup(mounts_, container.cgroup_path, member));
}

std::vector<CgroupProcess> ContainerCgroups::processes(const ContainerRecord& container) const {
  auto directory = tracked_directory(container);
  if (directory.empty()) return {};
  return read_cgroup_processes(directory, proc_root_);
}

}  // namespace tracker
