#pragma once

#include <cstdint>
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
};

struct RuntimeSnapshot {
  std::string runtime;
  std::string socket;
  bool configured = false;  // named in the config or on the command line
  bool up = false;
  std::string last_error;
  std::uint64_t lookups = 0;
  std::uint64_t found = 0;
};

// The daemon, as the D-Bus service sees it. Called on the event loop thread.
class ServiceBackend {
 public:
  virtual ~ServiceBackend() = default;
  virtual std::vector<ContainerSnapshot> containers() const = 0;
  virtual std::optional<ContainerSnapshot> container(const std::string& id) const = 0;

  enum class FindStatus { found, not_found, ambiguous };
  struct FindResult {
    FindStatus status = FindStatus::not_found;
    std::string id;  // the full id when found
  };
  // By full id, unique id prefix, or name.
  virtual FindResult find(const std::string& id_prefix_or_name) const = 0;

  virtual std::vector<RuntimeSnapshot> runtimes() const = 0;
  virtual bool enrichment_enabled() const = 0;
  virtual std::uint64_t events_lost() const = 0;
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
  virtual void container_removed(const ContainerSnapshot& container) = 0;
  virtual void container_changed(const ContainerSnapshot& container) = 0;  // enrichment completed
  virtual void manager_changed() = 0;  // EnrichmentEnabled, ContainerCount or EventsLost changed
};

}  // namespace tracker
