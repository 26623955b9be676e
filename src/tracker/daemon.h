#pragma once

#include <memory>
#include <string>

#include "agent/container_cgroups.h"
#include "agent/enricher.h"
#include "agent/journal.h"
#include "agent/kernel_recovery.h"
#include "agent/metrics.h"
#include "agent/pipeline.h"
#include "agent/readiness.h"
#include "cgroup/hierarchy.h"
#include "config/config.h"
#include "config/options.h"
#include "events/output_stream.h"
#include "kernel/probes.h"
#include "registry/name_index.h"
#include "service/backend.h"
#include "service/reconnecting_service.h"
#include "util/event_loop.h"
#include "util/unique_fd.h"

namespace tracker {

// tracker itself: kernel probes → pipeline → output, enrichment, the journal
// and the D-Bus face, all on one event loop.
class Daemon : public ServiceBackend, public ContainerListener {
 public:
  Daemon(Options command_line, Options effective);
  ~Daemon() override;
  int run();  // until SIGINT/SIGTERM; the exit code

  // ServiceBackend
  std::vector<ContainerSnapshot> containers() const override;
  std::optional<ContainerSnapshot> container(const std::string& id) const override;
  void for_each(const std::function<void(const ContainerSnapshot&)>& visit) const override;
  std::size_t count() const override { return announced_; }
  FindResult find(const std::string& id_prefix_or_name) const override;
  FindResult find_by_pid(std::uint32_t pid) const override;
  FindResult find_by_cgroup_id(std::uint64_t cgroup_id) const override;
  CgroupStats cgroup_stats(const std::string& id) const override;
  std::vector<ProcessSnapshot> processes(const std::string& id) const override;
  ServiceCounters counters() const override;
  std::string metrics() const override;
  void call_denied() override;
  std::vector<RuntimeSnapshot> runtimes() const override;
  bool enrichment_enabled() const override;
  std::uint64_t events_lost() const override;
  std::string version() const override;
  std::string reload() override;
  void set_enrichment(bool enabled) override;

  // ContainerListener
  void container_added(const std::shared_ptr<ContainerRecord>& container) override;
  void container_changed(const std::shared_ptr<ContainerRecord>& container) override;
  void container_exited(const std::shared_ptr<ContainerRecord>& container) override;
  void container_removed(const std::shared_ptr<ContainerRecord>& container) override;

 private:
  bool start();
  bool open_output(const Options& options, std::string& error);
  EventSet events_worth_reading(const Options& options) const;
  void apply(const Options& options);
  void on_ring_readable();
  void drain();
  void tick();
  void notify_ready_when_settled();
  void update_status();
  EnricherOptions enricher_options(const Options& options);
  void start_dbus();
  MetricsFigures metrics_figures() const;
  // [Metrics] Path=: (re)arms the timer that writes it every Interval=.
  void schedule_metrics();
  void write_metrics();

  Options command_line_;
  Options options_;
  EventLoop loop_;
  TrackedHierarchy hierarchy_;
  UniqueFd output_file_;
  std::unique_ptr<OutputStream> out_;
  std::unique_ptr<Printer> printer_;
  std::unique_ptr<Pipeline> pipeline_;
  std::unique_ptr<Probes> probes_;
  std::unique_ptr<Enricher> enricher_;
  std::unique_ptr<JournalListener> journal_;
  std::unique_ptr<ReconnectingService> dbus_;
  ServiceEvents* service_events_ = nullptr;
  std::unique_ptr<Readiness> readiness_;
  std::unique_ptr<KernelRecovery> recovery_;
  bool output_discarded_ = false;  // the output is /dev/null
  // The containers the listeners were told of (ServiceBackend's), and their names.
  std::size_t announced_ = 0;
  NameIndex names_;
  std::chrono::steady_clock::time_point last_drain_;
  int drain_timer_ = -1;
  Metrics metrics_;
  std::unique_ptr<ContainerCgroups> cgroups_;
  int metrics_timer_ = -1;
  std::string metrics_written_;  // the file written last, removed at exit
  std::string metrics_error_;    // the last failure to write it, logged once
};

}  // namespace tracker
