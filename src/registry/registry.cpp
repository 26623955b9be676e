#include "registry/registry.h"

#include <algorithm>

#include "enrich/sanitize.h"
#include "util/log.h"
#include "util/text.h"

namespace tracker {
namespace {

using Added = Registry::Added;

Added of_container(std::shared_ptr<ContainerRecord> container, bool already_known) {
  Added added;
  added.container = std::move(container);
  added.already_known = already_known;
  return added;
}

// No container's cgroup, for the reason `flag` names (orphan, lookalike).
Added none_because(bool Added::*flag) {
  Added added;
  added.*flag = true;
  return added;
}

}  // namespace

std::optional<ContainerRef> Registry::classify(std::string_view path) const {
  auto ref = container_from_cgroup_path(path);
  if (!ref && containerd_tasks_) ref = containerd_tasks_->from_cgroup_path(path);
  return ref;
}

// The root cgroup of the container `ref` that `path` says it lies in: `path`
// itself, or the nearest ancestor that the rules call that container's root.
std::optional<std::string_view> Registry::claimed_root(std::string_view path,
                                                       const ContainerRef& ref) const {
  if (ref.is_root) return path;
  for (auto at = parent_cgroup_path(path); !at.empty(); at = parent_cgroup_path(at)) {
    auto outer = classify(at);
    if (!outer || outer->id != ref.id) return std::nullopt;
    if (outer->is_root) return at;
  }
  return std::nullopt;
}

// A user manager below a container's cgroup is that container's doing, not systemd's.
std::optional<std::uint32_t> Registry::owner_uid(std::string_view root_path) const {
  auto manager = outermost_user_manager(root_path);
  if (!manager || classify(manager->above)) return std::nullopt;
  return manager->uid;
}

// Whether someone other than root may make a cgroup at `root_path`: a user
// below their own manager, whatever runs in a container below its cgroup.
bool Registry::others_may_make(std::string_view root_path) const {
  if (auto owner = owner_uid(root_path); owner && *owner != 0) return true;
  return classify(parent_cgroup_path(root_path)).has_value();
}

void Registry::add_lookalike(std::uint64_t cgroup_id, std::string_view path) {
  lookalikes_[cgroup_id] = std::string(path);
  ++lookalike_count_;
}

std::shared_ptr<ContainerRecord> Registry::drop(const std::string& id) {
  auto known = by_id_.find(id);
  auto record = std::move(known->second.record);
  sorted_.erase(known->first);
  by_id_.erase(known);
  cgroups_.erase(record->cgroup_id);
  for (auto sub : record->sub_cgroups) cgroups_.erase(sub);
  record->removed = true;
  return record;
}

Registry::Added Registry::add_cgroup(std::uint64_t cgroup_id, std::string_view path,
                                     ContainerOrigin origin, std::int64_t created_ns) {
  if (auto known = cgroups_.find(cgroup_id); known != cgroups_.end())
    return of_container(known->second.container, true);
  if (auto seen = lookalikes_.find(cgroup_id); seen != lookalikes_.end()) {
    if (seen->second == path) return none_because(&Added::lookalike);
    lookalikes_.erase(seen);  // the id names another cgroup now
  }

  auto ref = classify(path);
  if (!ref) return {};

  Added added;
  if (auto existing = by_id_.find(ref->id); existing != by_id_.end()) {
    const auto& [record, root_path] = existing->second;
    if (cgroup_path_below(path, root_path)) {
      record->sub_cgroups.push_back(cgroup_id);
      cgroups_[cgroup_id] = {record, false};
      return of_container(record, false);
    }
    auto claimed = claimed_root(path, *ref);
    if (claimed && same_cgroup_path(*claimed, root_path)) {
      // A path names one cgroup at a time: the container's went, its rmdir unseen.
      added.displaced = drop(ref->id);
    } else if (claimed && others_may_make(root_path) && !others_may_make(*claimed)) {
      if (!ref->is_root)
        return none_because(&Added::orphan);  // its root takes the id once it is seen
      log(LogLevel::warning, "cgroup",
          "{} claims container {} where only root makes cgroups: {}, which claimed it first "
          "where others may, is a look-alike",
          escape_for_display(path), escape_for_display(ref->id), escape_for_display(root_path));
      add_lookalike(record->cgroup_id, root_path);
      added.displaced = drop(ref->id);
    } else {
      log(LogLevel::warning, "cgroup",
          "look-alike cgroup {}: it claims container {} but does not lie below its cgroup {}; "
          "its processes are not the container's",
          escape_for_display(path), escape_for_display(ref->id), escape_for_display(root_path));
      add_lookalike(cgroup_id, path);
      return none_because(&Added::lookalike);
    }
  }
  if (!ref->is_root) return none_because(&Added::orphan);

  auto record = std::make_shared<ContainerRecord>();
  record->ref = *ref;
  record->cgroup_id = cgroup_id;
  record->cgroup_path = sanitize_cgroup_path(path);
  record->owner_uid = owner_uid(path);
  record->origin = origin;
  record->created_ns = created_ns;
  auto entry = by_id_.insert_or_assign(record->ref.id, Known{record, std::string(path)}).first;
  sorted_[entry->first] = &entry->second;
  cgroups_[cgroup_id] = {record, true};
  added.container = record;
  added.new_container = true;
  return added;
}

Registry::Removed Registry::remove_cgroup(std::uint64_t cgroup_id) {
  auto entry = cgroups_.find(cgroup_id);
  if (entry == cgroups_.end()) {
    lookalikes_.erase(cgroup_id);
    return {};
  }
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
  if (auto known = by_id_.find(record->ref.id); known != by_id_.end()) {
    sorted_.erase(known->first);
    by_id_.erase(known);
  }
  return {record, true};
}

std::shared_ptr<ContainerRecord> Registry::find_by_cgroup(std::uint64_t cgroup_id) const {
  auto entry = cgroups_.find(cgroup_id);
  return entry == cgroups_.end() ? nullptr : entry->second.container;
}

std::shared_ptr<ContainerRecord> Registry::find_by_id(const std::string& id) const {
  auto entry = by_id_.find(id);
  return entry == by_id_.end() ? nullptr : entry->second.record;
}

bool Registry::is_root_cgroup(std::uint64_t cgroup_id) const {
  auto entry = cgroups_.find(cgroup_id);
  return entry != cgroups_.end() && entry->second.is_root;
}

void Registry::for_each(
    const std::function<void(const std::shared_ptr<ContainerRecord>&)>& visit) const {
  for (auto& [id, known] : by_id_) visit(known.record);
}

void Registry::for_each_with_prefix(
    std::string_view prefix,
    const std::function<bool(const std::shared_ptr<ContainerRecord>&)>& visit) const {
  for (auto it = sorted_.lower_bound(prefix); it != sorted_.end() && it->first.starts_with(prefix);
       ++it)
    if (!visit(it->second->record)) return;
}

void Registry::prune_lookalikes(const std::function<bool(std::uint64_t cgroup_id)>& present) {
  std::erase_if(lookalikes_, [&](const auto& entry) { return !present(entry.first); });
}

}  // namespace tracker
