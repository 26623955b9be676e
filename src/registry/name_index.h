#pragma once

#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace tracker {

// Container ids by container name, for lookups by name in O(1). Names are
// set by enrichment outside the registry, so whoever hears of changes (the
// daemon, as a ContainerListener) keeps this up to date with set().
class NameIndex {
 public:
  NameIndex() = default;
  NameIndex(const NameIndex&) = delete;
  NameIndex& operator=(const NameIndex&) = delete;

  // The container `id` is named `name` now; "" forgets it.
  void set(const std::string& id, const std::string& name);
  // The ids of the containers named `name`.
  std::vector<std::string_view> ids(std::string_view name) const;
  std::size_t size() const { return names_.size(); }

 private:
  std::unordered_map<std::string, std::string> names_;  // id → name
  // name → id, views of the nodes of names_ (which stay put until erased).
  std::unordered_multimap<std::string_view, std::string_view> ids_;
};

}  // namespace tracker
