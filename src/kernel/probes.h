#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "bpf/tracker_events.h"
#include "cgroup/hierarchy.h"
#include "kernel/cgroup_state_map.h"

struct tracker_bpf;
struct ring_buffer;

namespace tracker {

class KernelEventSink {
 public:
  virtual ~KernelEventSink() = default;
  virtual void on_kernel_event(const tracker_event& event) = 0;
};

struct ProbeOptions {
  TrackedHierarchy hierarchy;
  std::uint32_t ring_buffer_bytes = 4 * 1024 * 1024;
  bool force_raw_tracepoints = false;
};

// The loaded and attached BPF programs, their maps and ring buffer.
class Probes : public CgroupStateMap {
 public:
  static std::unique_ptr<Probes> load(const ProbeOptions& options, KernelEventSink& sink,
                                      std::string& error);
  ~Probes() override;
  Probes(const Probes&) = delete;
  Probes& operator=(const Probes&) = delete;

  const char* attach_kind() const { return attach_kind_; }
  int ring_buffer_fd() const;
  // Hands every queued event to the sink; returns how many, or -errno.
  int consume();

  void configure(tracker_scope_mode scope, std::uint32_t event_mask);
  std::uint32_t host_mount_namespace() const { return host_mnt_ns_; }
  std::uint64_t events_lost() const;

  bool set(std::uint64_t cgroup_id, tracker_container_state state,
           std::uint64_t root_cgroup_id) override;
  void forget(std::uint64_t cgroup_id) override;
  std::optional<tracker_container_value> get(std::uint64_t cgroup_id) const override;
  std::vector<std::uint64_t> ids() const override;

 private:
  Probes() = default;

  tracker_bpf* skel_ = nullptr;
  ring_buffer* ring_ = nullptr;
  const char* attach_kind_ = "";
  std::uint32_t host_mnt_ns_ = 0;
};

// Why BPF cannot run here, or empty when the basics are in place.
std::string check_bpf_prerequisites();

}  // namespace tracker
