#include "registry/name_index.h"

namespace tracker {

void NameIndex::set(const std::string& id, const std::string& name) {
  auto known = names_.find(id);
  if (known != names_.end()) {
    if (known->second == name) return;
    auto [first, last] = ids_.equal_range(known->second);
    for (auto it = first; it != last; ++it)
      if (it->second == known->first) {
        ids_.erase(it);
        break;
      }
    names_.erase(known);
  }
  if (name.empty()) return;
  auto entry = names_.emplace(id, name).first;
  ids_.emplace(entry->second, entry->first);
}

std::vector<std::string_view> NameIndex::ids(std::string_view name) const {
  std::vector<std::string_view> found;
  auto [first, last] = ids_.equal_range(name);
  for (auto it = first; it != last; ++it) found.push_back(it->second);
  return found;
}

}  // namespace tracker
