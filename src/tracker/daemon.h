#pragma once

#include <memory>
#include <string>

#include "agent/enricher.h"
#include "agent/journal.h"
#include "agent/pipeline.h"
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
  FindResult find_by_cgroup_id(std::uint64_t cgroup_id) const override;
  std::vector<RuntimeSnapshot> runtimes() const override;
  bool enrichment_enabled() const override;
  std::uint64_t events_lost() const override;
  std::string version() const override;
  std::string reload() override;
  void set_enrichment(bool enabled) override;

  // ContainerListener
  void container_added(const std::shared_ptr<ContainerRecord>& container) override;
  void container_changed(const std::shared_ptr<ContainerRecord>& container) override;
  void container_removed(const std::shared_ptr<ContainerRecord>& container) override;

 private:
  bool start();
  bool open_output(const Options& options, std::string& error);
  void apply(const Options& options);
  void on_ring_readable();
  void drain();
  void tick();
  void notify_ready_when_settled();
  void update_status();
  EnricherOptions enricher_options(const Options& options) const;
  void start_dbus();

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
  // The containers the listeners were told of (ServiceBackend's), and their names.
  std::size_t announced_ = 0;
  NameIndex names_;
  bool ready_ = false;
  std::chrono::steady_clock::time_point ready_deadline_;
  std::uint64_t lost_seen_ = 0;
  std::string last_status_;
  std::chrono::steady_clock::time_point last_drain_;
  int drain_timer_ = -1;
};

}  // namespace tracker
