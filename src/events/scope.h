#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "bpf/tracker_events.h"

namespace tracker {

struct ContainerRecord;

// Which events are shown, by the container they come from.
//   container            every container
//   container=new        containers created while tracker runs
//   container=started    new containers once their first process exec'd
//   container=<prefix>   containers whose id starts with <prefix>
//   not-container        only the host
class Scope {
 public:
  enum class Mode { all, container, container_new, container_started, not_container };

  // Adds one --scope value; returns an error message naming it, or "".
  std::string add(std::string_view text);

  Mode mode() const { return mode_; }
  const std::vector<std::string>& id_prefixes() const { return prefixes_; }
  tracker_scope_mode kernel_mode() const;
  bool has_container_filter() const { return mode_ != Mode::all && mode_ != Mode::not_container; }

  // Process events: the container the task is in, nullptr for the host.
  bool matches_task(const ContainerRecord* container) const;
  // Lifecycle events (create/remove/existing) of `container`.
  bool matches_lifecycle(const ContainerRecord& container) const;

 private:
  bool matches_id(const ContainerRecord& container) const;

  Mode mode_ = Mode::all;
  std::vector<std::string> prefixes_;
};

}  // namespace tracker
