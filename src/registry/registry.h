#pragma once

#include <cstdint>
#include <functional>
#include <map>
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
  std::string cgroup_path;  // valid UTF-8, to store and show (sanitize_cgroup_path)
  // The user whose manager (user@<uid>.service) holds the container's cgroup: a rootless
  // container, which only that user's runtime may describe. Unset for the system's.
  std::optional<std::uint32_t> owner_uid;
  ContainerOrigin origin = ContainerOrigin::created;
  bool started = false;
  std::int64_t created_ns = 0;  // Unix epoch: cgroup creation
  std::vector<std::uint64_t> sub_cgroups;
  ContainerInfo info;  // what the runtime said; info.id is empty until then
  EnrichmentState enrichment = EnrichmentState::off;
  bool removed = false;
  // How it ended, from the kernel: its init's exit status, and whether the OOM
  // killer struck inside it. Known with enrichment off.
  struct Exit {
    std::int32_t code = -1;   // as the runtimes report it: the status, or 128 + signal; -1 unknown
    std::int32_t signal = 0;  // 0: none
    bool oom_killed = false;
  } exit;
  bool exited = false;              // its init is gone (the cgroup may linger)
  std::uint32_t init_host_pid = 0;  // the process whose exec started it (host pid), 0 unknown
  // What the pipeline's listeners (D-Bus, journal) were told: added, exited,
  // removed, each once and in that order (Pipeline::tell_listeners).
  enum class Told { nothing, added, exited, removed } told = Told::nothing;
  bool announced() const { return told != Told::nothing; }

  const std::string& id() const { return ref.id; }
  Runtime runtime() const { return info.runtime != Runtime::unknown ? info.runtime : ref.runtime; }
};

// Every container tracker knows, by id and by each of its cgroups. Lives on
// the event loop's thread.
//
// A cgroup's name is anyone's to choose where they may make cgroups: in a
// user's delegated subtree (user@<uid>.service), or inside a container. So a
// cgroup is a container's sub-cgroup only if it lies below that container's
// cgroup; a second cgroup that claims a known id elsewhere is a look-alike:
// logged, counted, and no container's. When the two claims come in the other
// order, a claim where only root makes cgroups takes the id from one where
// others may (the earlier is then the look-alike); between equals the first
// stays. Paths are compared as the kernel gave them, not as shown.
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
    // The cgroup claims a known container's id but lies outside its cgroup: it is no
    // container's (its processes are the host's).
    bool lookalike = false;
    // The container that held the id before: its cgroup is gone (this one has its path, its
    // rmdir was lost) or was a look-alike (it lay where others than root make cgroups, this
    // one where only root does). It left the registry; its cgroups (cgroup_id, sub_cgroups)
    // are no container's now.
    std::shared_ptr<ContainerRecord> displaced;
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
  // The containers whose id starts with `prefix` (every one for ""), in id
  // order, until `visit` returns false: O(log n) to the first.
  void for_each_with_prefix(
      std::string_view prefix,
      const std::function<bool(const std::shared_ptr<ContainerRecord>&)>& visit) const;

  // Look-alike cgroups seen so far (each counted once while it exists).
  std::uint64_t lookalike_cgroups() const { return lookalike_count_; }
  // Forgets the look-alikes that `present` (after a walk of cgroupfs) no longer holds.
  void prune_lookalikes(const std::function<bool(std::uint64_t cgroup_id)>& present);

 private:
  struct CgroupEntry {
    std::shared_ptr<ContainerRecord> container;
    bool is_root = false;
  };
  struct Known {
    std::shared_ptr<ContainerRecord> record;
    std::string root_path;  // as the kernel gave it
  };
  std::optional<ContainerRef> classify(std::string_view path) const;
  std::optional<std::string_view> claimed_root(std::string_view path,
                                               const ContainerRef& ref) const;
  bool others_may_make(std::string_view root_path) const;
  std::optional<std::uint32_t> owner_uid(std::string_view root_path) const;
  void add_lookalike(std::uint64_t cgroup_id, std::string_view path);
  std::shared_ptr<ContainerRecord> drop(const std::string& id);

  std::unordered_map<std::uint64_t, CgroupEntry> cgroups_;
  std::unordered_map<std::string, Known> by_id_;
  std::map<std::string_view, const Known*> sorted_;  // by_id_ in id order (its keys, its values)
  std::unordered_map<std::uint64_t, std::string> lookalikes_;  // cgroup id → path
  std::uint64_t lookalike_count_ = 0;
  std::optional<ContainerdTasks> containerd_tasks_;
};

}  // namespace tracker
