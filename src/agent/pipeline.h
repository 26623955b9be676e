#pragma once

#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "agent/clock.h"
#include "cgroup/hierarchy.h"
#include "events/event.h"
#include "events/printer.h"
#include "events/scope.h"
#include "kernel/cgroup_state_map.h"
#include "kernel/probes.h"
#include "registry/registry.h"
#include "util/clock.h"

namespace tracker {

// What the pipeline asks of enrichment (the Enricher).
class EnrichmentSource {
 public:
  virtual ~EnrichmentSource() = default;
  // A new container: the state its enrichment starts in (pending holds its
  // events until Pipeline::enrichment_progress says otherwise).
  virtual EnrichmentState track(const std::shared_ptr<ContainerRecord>& container) = 0;
  // The container is gone.
  virtual void forget(const std::shared_ptr<ContainerRecord>& container) = 0;
};

// Told about containers once what is known of them is settled, in this order
// and from one place (Pipeline::tell_listeners): added after the first
// enrichment answer (or at once without enrichment), changed when a later
// answer or the kernel brings more, exited when its init's end is seen,
// removed last. For D-Bus and the journal.
class ContainerListener {
 public:
  virtual ~ContainerListener() = default;
  virtual void container_added(const std::shared_ptr<ContainerRecord>& container) = 0;
  virtual void container_changed(const std::shared_ptr<ContainerRecord>& container) = 0;
  // Its init exited (ContainerRecord::exit); not told when the end was not seen.
  virtual void container_exited(const std::shared_ptr<ContainerRecord>& container) = 0;
  virtual void container_removed(const std::shared_ptr<ContainerRecord>& container) = 0;
  // Its healthcheck changed state (info.health); told after container_changed.
  virtual void container_health(const std::shared_ptr<ContainerRecord>&) {}
};

struct PipelineOptions {
  EventSet events = EventSet::all();
  Scope scope;
  std::chrono::milliseconds hold_timeout{2500};  // longest an event waits for enrichment
  std::size_t hold_limit = 4096;                 // most events held per container
  std::size_t hold_total_limit = 65536;          // most events held, all containers together
};

struct PipelineStats {
  std::uint64_t kernel_events = 0;
  std::uint64_t printed = 0;
  std::uint64_t reconciles = 0;
  std::uint64_t held = 0;                 // events that waited for enrichment
  std::uint64_t held_released_early = 0;  // let out before enrichment completed
  // Cgroup paths the kernel cut: read from cgroupfs by id, or (gone) not classified.
  std::uint64_t cgroup_paths_resolved = 0;
  std::uint64_t cgroup_paths_unresolved = 0;
};

// decode → registry → scope → (wait for enrichment) → printer, on the loop thread.
class Pipeline : public KernelEventSink {
 public:
  Pipeline(PipelineOptions options, TrackedHierarchy hierarchy, Printer& printer,
           const MonotonicClock& clock = MonotonicClock::system());

  void set_state_map(CgroupStateMap* map, std::uint32_t host_mnt_ns);
  void set_enrichment(EnrichmentSource* enrichment) { enrichment_ = enrichment; }
  void add_listener(ContainerListener* listener) { listeners_.push_back(listener); }
  // What is known of `container` changed (a later enrichment answer, its start).
  void updated(const std::shared_ptr<ContainerRecord>& container);
  void set_options(PipelineOptions options) { options_ = std::move(options); }
  void set_printer(Printer& printer) { printer_ = &printer; }
  const PipelineOptions& options() const { return options_; }

  void on_kernel_event(const tracker_event& event) override;
  // Registers what the hierarchy holds now, reporting each container as existing.
  bool scan_existing(std::string& error);
  // After lost events: make the registry equal what cgroupfs shows; false
  // when the hierarchy could not be walked.
  bool reconcile();
  // Whether events asked for a reconcile since the last call (a sub-cgroup of
  // an unknown container, a renamed container): the caller runs it, rate-limited.
  bool take_reconcile_request() { return std::exchange(reconcile_requested_, false); }
  // How a cgroup's path is found when the kernel cut it (default: by its id in cgroupfs).
  using PathResolver = std::function<std::optional<std::string>(std::uint64_t cgroup_id)>;
  void set_path_resolver(PathResolver resolver) { resolve_path_ = std::move(resolver); }

  // What enrichment learnt of `container` (`info`, when an answer came) and
  // the state it is in now. Unless pending, its held events go out, and the
  // listeners hear of the container, or of the change.
  void enrichment_progress(const std::shared_ptr<ContainerRecord>& container, EnrichmentState state,
                           const ContainerInfo* info);
  // A runtime's event stream says the container's init ended (`exit_code` as
  // the runtimes report it): for ends the kernel did not show (an init whose
  // start was not seen, events it did not deliver).
  void runtime_exited(const std::shared_ptr<ContainerRecord>& container, int exit_code);
  // The OOM killer struck inside the container (the kernel or its runtime says so).
  void runtime_oom(const std::shared_ptr<ContainerRecord>& container);
  // The runtime's healthcheck moved to `health` ("starting", "healthy", "unhealthy").
  void runtime_health(const std::shared_ptr<ContainerRecord>& container, const std::string& health);
  // Lets out whatever waited longer than the hold timeout.
  void release_expired();

  Registry& registry() { return registry_; }
  // Cgroups that claimed a known container's id outside its cgroup (Registry).
  std::uint64_t lookalike_cgroups() const { return registry_.lookalike_cgroups(); }
  const PipelineStats& stats() const { return stats_; }
  // Events waiting for their container's enrichment right now.
  std::size_t held_now() const { return held_total_; }
  BootClock& clock() { return clock_; }

 private:
  void on_cgroup_mkdir(const tracker_event& event);
  void on_cgroup_rmdir(const tracker_event& event);
  void on_cgroup_rename(const tracker_event& event);
  std::optional<std::string> event_path(const tracker_event& event);
  void on_process_event(const tracker_event& event);
  void mark_started(const std::shared_ptr<ContainerRecord>& container);
  static bool is_init_exit(const ContainerRecord& container, const tracker_event& raw);
  void init_exited(const std::shared_ptr<ContainerRecord>& container, const tracker_event& raw);
  void end(const std::shared_ptr<ContainerRecord>& container, const tracker_task_context& context,
           std::int64_t timestamp_ns);
  void set_container_state(const ContainerRecord& container);
  tracker_container_state kernel_state(const ContainerRecord& container) const;
  void announce(const std::shared_ptr<ContainerRecord>& container, EventType type,
                const tracker_task_context& context, std::int64_t timestamp_ns);
  void remove(const std::shared_ptr<ContainerRecord>& container,
              const tracker_task_context& context, std::int64_t timestamp_ns);
  static bool apply_info(ContainerRecord& container, ContainerInfo info);
  void displace(const std::shared_ptr<ContainerRecord>& container,
                const tracker_task_context& context, std::int64_t timestamp_ns);
  void emit(Event event);
  void hold(Event event);
  void print_held(const std::string& container_id);
  void release_oldest_held();
  void tell_listeners(const std::shared_ptr<ContainerRecord>& container);

  PipelineOptions options_;
  TrackedHierarchy hierarchy_;
  Printer* printer_;
  const MonotonicClock& monotonic_;
  CgroupStateMap* state_map_ = nullptr;
  EnrichmentSource* enrichment_ = nullptr;
  std::vector<ContainerListener*> listeners_;
  std::uint32_t host_mnt_ns_ = 0;
  Registry registry_;
  BootClock clock_;
  PipelineStats stats_;

  struct Held {
    std::deque<Event> events;
    MonoTime deadline{};
  };
  std::unordered_map<std::string, Held> held_;
  std::size_t held_total_ = 0;
  bool reconcile_requested_ = false;
  PathResolver resolve_path_;
};

}  // namespace tracker
