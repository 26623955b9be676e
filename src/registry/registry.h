#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "cgroup/container_path.h"
#include "cgroup/containerd_tasks.h"
#include "enrich/container_info.h"

namespace tracker {

enum class ContainerOrigin { existing, created };
// How far the runtimes' answer about a container got: off (not asked:
// enrichment off, or no runtime client for it), pending (asked; its events
// wait), retrying (no answer yet; its events went out, lookups go on),
// partial (a quick answer that full inspects complete), done, failed (no
// runtime knew it, or it went before an answer came).
enum class EnrichmentState { off, pending, retrying, partial, done, failed };

struct ContainerRecord {
  ContainerRef ref;  // runtime and id, as the cgroup path tells them
  std::uint64_t cgroup_id = 0;
  std::string cgroup_path;
  ContainerOrigin origin = ContainerOrigin::created;
  bool started = false;
  std::int64_t created_ns = 0;  // Unix epoch: cgroup creation
  std::vector<std::uint64_t> sub_cgroups;
  ContainerInfo info;  // what the runtime said; info.id is empty until then
  EnrichmentState enrichment = EnrichmentState::off;
  bool removed = false;
  // What the pipeline's listeners (D-Bus, journal) were told: added, then
  // removed, each once (Pipeline::tell_listeners).
  enum class Told { nothing, added, removed } told = Told::nothing;
  bool announced() const { return told != Told::nothing; }

  const std::string& id() const { return ref.id; }
  Runtime runtime() const { return info.runtime != Runtime::unknown ? info.runtime : ref.runtime; }
};

// Every container tracker knows, by id and by each of its cgroups. Lives on
// the event loop's thread.
class Registry {
 public:
  // Also recognise containerd's /<namespace>/<id> cgroups by the shim's task directories.
  void set_containerd_tasks(std::optional<ContainerdTasks> tasks) {
    containerd_tasks_ = std::move(tasks);
  }

  struct Added {
    std::shared_ptr<ContainerRecord> container;  // null: the cgroup is no container's
    bool new_container = false;  // this cgroup is the root of a container not seen before
    bool already_known = false;  // the cgroup was registered before
    bool orphan = false;         // a sub-cgroup of a container whose root is unknown
  };
  Added add_cgroup(std::uint64_t cgroup_id, std::string_view path, ContainerOrigin origin,
                   std::int64_t created_ns);

  struct Removed {
    std::shared_ptr<ContainerRecord> container;  // set when a container's root went away
    bool was_known = false;
  };
  Removed remove_cgroup(std::uint64_t cgroup_id);

  std::shared_ptr<ContainerRecord> find_by_cgroup(std::uint64_t cgroup_id) const;
  std::shared_ptr<ContainerRecord> find_by_id(const std::string& id) const;
  bool is_root_cgroup(std::uint64_t cgroup_id) const;

  std::size_t size() const { return by_id_.size(); }
  void for_each(const std::function<void(const std::shared_ptr<ContainerRecord>&)>& visit) const;

 private:
  struct CgroupEntry {
    std::shared_ptr<ContainerRecord> container;
    bool is_root = false;
  };
  std::unordered_map<std::uint64_t, CgroupEntry> cgroups_;
  std::unordered_map<std::string, std::shared_ptr<ContainerRecord>> by_id_;
  std::optional<ContainerdTasks> containerd_tasks_;
};

}  // namespace tracker
