#pragma once

#include <cstdint>
#include <functional>
#include <limits>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace tracker {

// What the D-Bus API shows of one container: a copy, safe to keep.
struct ContainerSnapshot {
  std::string id;
  std::string name;
  std::string image;
  std::string image_digest;
  std::string image_id;
  std::string runtime;     // docker, containerd, crio, podman, garden, unknown
  std::string origin;      // "existing" (found at start-up) or "created"
  bool started = false;    // its first process exec'd (created containers only)
  std::string enrichment;  // off, pending, done, failed
  std::string cgroup_path;
  std::uint64_t cgroup_id = 0;
  std::int64_t created_ns = 0;  // Unix epoch ns; 0 when unknown
  std::int64_t started_ns = 0;
  std::int32_t init_pid = 0;
  std::map<std::string, std::string> labels;
  std::string pod_name;
  std::string pod_namespace;
  std::string pod_uid;
  bool pod_sandbox = false;
  // How it runs and how it ended (from the kernel, known with enrichment off).
  std::string state = "running";  // created, running, exited
  std::int32_t exit_code = -1;    // as the runtimes report it (128 + signal); -1 unknown
  std::int32_t exit_signal = 0;   // 0: none
  bool oom_killed = false;
  // From the runtime.
  std::string health;  // "", starting, healthy, unhealthy
  std::uint32_t restart_count = 0;
  std::string compose_project;  // com.docker.compose.project
  std::string compose_service;  // com.docker.compose.service
  std::vector<std::string> repo_digests;
  std::uint32_t owner_uid = 0;  // 0: root's runtime
};

// What the container's cgroup says right now, read when asked, never cached.
struct CgroupStats {
  static constexpr std::uint64_t kUnknown = std::numeric_limits<std::uint64_t>::max();
  std::uint64_t tasks_current = kUnknown;
  std::uint64_t tasks_max = kUnknown;  // kUnknown also when there is no limit
  std::uint64_t memory_current = kUnknown;
  std::uint64_t memory_peak = kUnknown;
  std::uint64_t memory_max = kUnknown;  // kUnknown also when there is no limit
  std::uint64_t cpu_usage_nsec = kUnknown;
};

// One process of a container (its cgroup or one below), read when asked.
struct ProcessSnapshot {
  std::uint32_t pid = 0;   // as the host sees it
  std::uint32_t ppid = 0;  // may lie outside the container (its runtime's shim)
  std::string comm;        // valid UTF-8
};

// tracker's own counters, as the Manager's properties show them.
struct ServiceCounters {
  std::uint64_t lookalike_cgroups = 0;
  std::uint64_t state_map_failures = 0;
  std::uint64_t cgroup_events_lost = 0;
  std::uint64_t process_events_lost = 0;
  std::uint64_t events_held = 0;
  std::uint64_t events_released_early = 0;
  std::uint64_t reconciles = 0;
};

struct RuntimeSnapshot {
  std::string runtime;
  std::string socket;
  bool configured = false;  // named in the config or on the command line
  bool up = false;
  std::string last_error;
  std::uint64_t lookups = 0;
  std::uint64_t found = 0;
  std::uint32_t owner_uid = 0;          // the uid the socket speaks for
  std::string stream;                   // "" none, connecting, up, down, unsupported
  std::uint64_t stream_reconnects = 0;  // the stream opened again after it broke
};

// The daemon, as the D-Bus service sees it. Called on the event loop thread.
// The calls with a default here are meant to be overridden with indexed
// lookups; the defaults copy every container and are O(n).
class ServiceBackend {
 public:
  virtual ~ServiceBackend() = default;
  // Every container the API shows, sorted by id.
  virtual std::vector<ContainerSnapshot> containers() const = 0;
  virtual std::optional<ContainerSnapshot> container(const std::string& id) const = 0;
  // The containers of containers(), in id order, without copying them all.
  virtual void for_each(const std::function<void(const ContainerSnapshot&)>& visit) const {
    for (const auto& container : containers()) visit(container);
  }
  virtual std::size_t count() const { return containers().size(); }

  // no_such_process: find_by_pid() was given a pid that does not exist.
  enum class FindStatus { found, not_found, ambiguous, no_such_process };
  struct FindResult {
    FindStatus status = FindStatus::not_found;
    std::string id;  // the full id when found
  };
  // By full id, unique id prefix, or name.
  virtual FindResult find(const std::string& id_prefix_or_name) const = 0;
  // The container a process runs in (its cgroup in the tracked hierarchy,
  // from /proc/PID/cgroup), and the one whose cgroup or a cgroup below it has
  // this id.
  virtual FindResult find_by_pid(std::uint32_t /*pid*/) const { return {}; }
  virtual FindResult find_by_cgroup_id(std::uint64_t cgroup_id) const {
    for (const auto& container : containers())
      if (container.cgroup_id == cgroup_id) return {FindStatus::found, container.id};
    return {};
  }
  virtual CgroupStats cgroup_stats(const std::string& /*id*/) const { return {}; }
  // The container's processes, sorted by pid.
  virtual std::vector<ProcessSnapshot> processes(const std::string& /*id*/) const { return {}; }

  virtual std::vector<RuntimeSnapshot> runtimes() const = 0;
  virtual bool enrichment_enabled() const = 0;
  virtual std::uint64_t events_lost() const = 0;
  virtual ServiceCounters counters() const { return {}; }
  // tracker's metrics in the Prometheus text format.
  virtual std::string metrics() const { return {}; }
  // A call of the API was refused (polkit said no, or too many checks pending).
  virtual void call_denied() {}
  virtual std::string version() const = 0;

  // Re-reads the configuration; "" on success, else why it was refused
  // (the previous configuration stays in force).
  virtual std::string reload() = 0;
  virtual void set_enrichment(bool enabled) = 0;
};

// What the daemon tells the D-Bus service, on the event loop thread.
class ServiceEvents {
 public:
  virtual ~ServiceEvents() = default;
  virtual void container_added(const ContainerSnapshot& container) = 0;
  // The container's last process is gone (state "exited"); comes before
  // container_removed, which announces the exit itself if this never came.
  virtual void container_exited(const ContainerSnapshot& container) = 0;
  virtual void container_removed(const ContainerSnapshot& container) = 0;
  // Any property changed (enrichment completed, started, health, ...).
  virtual void container_changed(const ContainerSnapshot& container) = 0;
  // EnrichmentEnabled or EventsLost changed (the counters are read when read).
  virtual void manager_changed() = 0;
};

}  // namespace tracker
