#include "registry/registry.h"

#include <algorithm>

namespace tracker {

Registry::Added Registry::add_cgroup(std::uint64_t cgroup_id, std::string_view path,
                                     ContainerOrigin origin, std::int64_t created_ns) {
  if (auto known = cgroups_.find(cgroup_id); known != cgroups_.end())
    return {known->second.container, false, true, false};

  auto ref = container_from_cgroup_path(path);
  if (!ref && containerd_tasks_) ref = containerd_tasks_->from_cgroup_path(path);
  if (!ref) return {};

  auto existing = by_id_.find(ref->id);
  if (existing != by_id_.end()) {
    existing->second->sub_cgroups.push_back(cgroup_id);
    cgroups_[cgroup_id] = {existing->second, false};
    return {existing->second, false, false, false};
  }
  if (!ref->is_root) return {nullptr, false, false, true};

  auto record = std::make_shared<ContainerRecord>();
  record->ref = *ref;
  record->cgroup_id = cgroup_id;
  record->cgroup_path = std::string(path);
  record->origin = origin;
  record->created_ns = created_ns;
  by_id_[record->ref.id] = record;
  cgroups_[cgroup_id] = {record, true};
  return {record, true, false, false};
}

Registry::Removed Registry::remove_cgroup(std::uint64_t cgroup_id) {
  auto entry = cgroups_.find(cgroup_id);
  if (entry == cgroups_.end()) return {};
  auto record = entry->second.container;
  bool is_root = entry->second.is_root;
  cgroups_.erase(entry);
  if (!is_root) {
    std::erase(record->sub_cgroups, cgroup_id);
    return {nullptr, true};
  }
  for (auto sub : record->sub_cgroups) cgroups_.erase(sub);
  record->sub_cgroups.clear();
  record->removed = true;
  by_id_.erase(record->ref.id);
  return {record, true};
}

std::shared_ptr<ContainerRecord> Registry::find_by_cgroup(std::uint64_t cgroup_id) const {
  auto entry = cgroups_.find(cgroup_id);
  return entry == cgroups_.end() ? nullptr : entry->second.container;
}

std::shared_ptr<ContainerRecord> Registry::find_by_id(const std::string& id) const {
  auto entry = by_id_.find(id);
  return entry == by_id_.end() ? nullptr : entry->second;
}

bool Registry::is_root_cgroup(std::uint64_t cgroup_id) const {
  auto entry = cgroups_.find(cgroup_id);
  return entry != cgroups_.end() && entry->second.is_root;
}

void Registry::for_each(
    const std::function<void(const std::shared_ptr<ContainerRecord>&)>& visit) const {
  for (auto& [id, record] : by_id_) visit(record);
}

}  // namespace tracker
