#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "bpf/tracker_events.h"
#include "cgroup/hierarchy.h"
#include "kernel/cgroup_state_map.h"
#include "kernel/kernel_link.h"
#include "kernel/state_map_ledger.h"

struct tracker_bpf;
struct ring_buffer;
struct bpf_link;

namespace tracker {

class KernelEventSink {
 public:
  virtual ~KernelEventSink() = default;
  // `event` holds its type's data only (see tracker_events.h), not sizeof(tracker_event).
  virtual void on_kernel_event(const tracker_event& event) = 0;
};

struct ProbeOptions {
  TrackedHierarchy hierarchy;
  std::uint32_t ring_buffer_bytes = 4 * 1024 * 1024;
  std::uint32_t state_map_entries = 131072;  // cgroups the container-state map holds
  bool force_raw_tracepoints = false;
};

// The loaded and attached BPF programs, their maps and ring buffer.
class Probes : public CgroupStateMap, public KernelLink {
 public:
  static std::unique_ptr<Probes> load(const ProbeOptions& options, KernelEventSink& sink,
                                      std::string& error);
  ~Probes() override;
  Probes(const Probes&) = delete;
  Probes& operator=(const Probes&) = delete;

  const char* attach_kind() const { return attach_kind_; }
  // Whether OOM kills are seen (the oom/mark_victim tracepoint attached).
  bool sees_oom_kills() const { return oom_link_ != nullptr; }
  int ring_buffer_fd() const;
  int consume() override;

  void configure(tracker_scope_mode scope, std::uint32_t event_mask);
  std::uint32_t host_mount_namespace() const { return host_mnt_ns_; }

  // Counters, for D-Bus: every lost record, and the same by kind.
  std::uint64_t events_lost() const { return cgroup_events_lost() + process_events_lost(); }
  std::uint64_t cgroup_events_lost() const override;
  std::uint64_t process_events_lost() const override;
  std::uint64_t state_map_failures() const override;
  // Records the ring buffer handed over that were not whole (never expected).
  std::uint64_t malformed_records() const { return malformed_records_; }
  std::uint32_t state_map_entries() const { return state_map_entries_; }

  bool state_map_degraded() const override;
  std::uint64_t walk_mark() const override;
  void walked(std::uint64_t mark) override;
  void maintain_state_map(bool retry) override;

  bool set(std::uint64_t cgroup_id, tracker_container_state state,
           std::uint64_t root_cgroup_id) override;
  void forget(std::uint64_t cgroup_id) override;
  std::optional<tracker_container_value> get(std::uint64_t cgroup_id) const override;
  std::vector<std::uint64_t> ids() const override;

 private:
  Probes() = default;
  static int on_record(void* context, void* data, std::size_t size);
  bool update(std::uint64_t cgroup_id, const tracker_container_value& value);
  void publish_unrecorded();

  tracker_bpf* skel_ = nullptr;
  bpf_link* oom_link_ = nullptr;
  ring_buffer* ring_ = nullptr;
  KernelEventSink* sink_ = nullptr;
  const char* attach_kind_ = "";
  std::uint32_t host_mnt_ns_ = 0;
  std::uint32_t state_map_entries_ = 0;
  std::uint64_t malformed_records_ = 0;
  StateMapLedger ledger_;
};

// Why BPF cannot run here, or empty when the basics are in place.
std::string check_bpf_prerequisites();

}  // namespace tracker
