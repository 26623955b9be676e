#pragma once

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

namespace tracker {

// Told about containers as they come and go (enrichment, D-Bus, journal).
class ContainerObserver {
 public:
  virtual ~ContainerObserver() = default;
  virtual void container_added(const std::shared_ptr<ContainerRecord>& container) = 0;
  virtual void container_removed(const std::shared_ptr<ContainerRecord>& container) = 0;
};

// Told about containers once what is known of them is settled: added after
// the first enrichment answer (or at once without enrichment), updated when a
// later answer brings more, gone after added. For D-Bus and the journal.
class ContainerListener {
 public:
  virtual ~ContainerListener() = default;
  virtual void container_ready(const std::shared_ptr<ContainerRecord>& container) = 0;
  virtual void container_updated(const std::shared_ptr<ContainerRecord>& container) = 0;
  virtual void container_gone(const std::shared_ptr<ContainerRecord>& container) = 0;
};

struct PipelineOptions {
  EventSet events = EventSet::all();
  Scope scope;
  std::int64_t hold_timeout_ns = 3'000'000'000;  // longest an event waits for enrichment
  std::size_t hold_limit = 4096;                 // most events held per container
};

struct PipelineStats {
  std::uint64_t kernel_events = 0;
  std::uint64_t printed = 0;
  std::uint64_t reconciles = 0;
  std::uint64_t held_released_early = 0;  // let out before enrichment completed
  // Cgroup paths the kernel cut: read from cgroupfs by id, or (gone) not classified.
  std::uint64_t cgroup_paths_resolved = 0;
  std::uint64_t cgroup_paths_unresolved = 0;
};

// decode → registry → scope → (wait for enrichment) → printer, on the loop thread.
class Pipeline : public KernelEventSink {
 public:
  Pipeline(PipelineOptions options, TrackedHierarchy hierarchy, Printer& printer);

  void set_state_map(CgroupStateMap* map, std::uint32_t host_mnt_ns);
  void add_observer(ContainerObserver* observer) { observers_.push_back(observer); }
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

  // Enrichment of `container` finished (successfully or not): its held events go out.
  void release(const std::shared_ptr<ContainerRecord>& container);
  // Lets out whatever waited longer than the hold timeout.
  void release_expired();

  Registry& registry() { return registry_; }
  const PipelineStats& stats() const { return stats_; }
  BootClock& clock() { return clock_; }

 private:
  void on_cgroup_mkdir(const tracker_event& event);
  void on_cgroup_rmdir(const tracker_event& event);
  void on_cgroup_rename(const tracker_event& event);
  std::optional<std::string> event_path(const tracker_event& event);
  void on_process_event(const tracker_event& event);
  void mark_started(const std::shared_ptr<ContainerRecord>& container);
  void set_container_state(const ContainerRecord& container);
  tracker_container_state kernel_state(const ContainerRecord& container) const;
  void announce(const std::shared_ptr<ContainerRecord>& container, EventType type,
                const tracker_task_context& context, std::int64_t timestamp_ns);
  void remove(const std::shared_ptr<ContainerRecord>& container,
              const tracker_task_context& context, std::int64_t timestamp_ns);
  void emit(Event event);
  void print_held(const std::string& container_id);
  void notify_ready(const std::shared_ptr<ContainerRecord>& container);

  PipelineOptions options_;
  TrackedHierarchy hierarchy_;
  Printer* printer_;
  CgroupStateMap* state_map_ = nullptr;
  std::vector<ContainerObserver*> observers_;
  std::vector<ContainerListener*> listeners_;
  std::uint32_t host_mnt_ns_ = 0;
  Registry registry_;
  BootClock clock_;
  PipelineStats stats_;

  struct Held {
    std::deque<Event> events;
    std::int64_t deadline_ns = 0;
  };
  std::unordered_map<std::string, Held> held_;

  bool reconcile_requested_ = false;
  PathResolver resolve_path_;
};

}  // namespace tracker
