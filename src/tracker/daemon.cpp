#include "tracker/daemon.h"

#include <sdbus-c++/IConnection.h>

#include <fcntl.h>
#include <signal.h>
#include <sys/epoll.h>
#include <systemd/sd-daemon.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>

#include "agent/readiness.h"
#include "agent/reload_plan.h"
#include "agent/snapshot.h"
#include "agent/time_budgets.h"
#include "tracker_config.h"
#include "util/detached_workers.h"
#include "util/log.h"

namespace tracker {

constexpr int kFailureExit = 1;

Daemon::Daemon(Options command_line, Options effective)
    : command_line_(std::move(command_line)), options_(std::move(effective)) {}

Daemon::~Daemon() = default;

EnricherOptions Daemon::enricher_options(const Options& options) {
  EnricherOptions result;
  result.enabled = options.containers;
  result.endpoints.call_timeout = time_budgets(options.enrichment_timeout).call;
  result.endpoints.machined = true;
  for (auto& socket : options.cri_sockets)
    if (auto runtime = runtime_from_string(socket.runtime))
      result.endpoints.configured.push_back({*runtime, socket.path, true});
  result.on_lookup = [this, deadline = result.endpoints.call_timeout](
                         Runtime runtime, const LookupResult& lookup,
                         std::chrono::microseconds took) {
    metrics_.lookup_done(endpoint_name(runtime), lookup.status, took, deadline);
  };
  return result;
}

// What nobody reads is not asked of the kernel: with the output discarded,
// only container lifecycle events (listeners hear of containers regardless).
EventSet Daemon::events_worth_reading(const Options& options) const {
  return output_discarded_ ? options.events.lifecycle_only() : options.events;
}

bool Daemon::open_output(const Options& options, std::string& error) {
  UniqueFd file;
  int fd = STDOUT_FILENO;
  if (!options.output_path.empty()) {
    // O_NONBLOCK: a FIFO nobody reads is an error (ENXIO), not a loop that hangs in open().
    file.reset(open(options.output_path.c_str(),
                    O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC | O_NONBLOCK, 0640));
    if (file) fcntl(file.get(), F_SETFL, fcntl(file.get(), F_GETFL) & ~O_NONBLOCK);
    if (!file) {
      error = options.output_path + ": " + std::strerror(errno);
      return false;
    }
    fd = file.get();
  }
  if (out_) out_->flush();
  auto out = std::make_unique<OutputStream>(fd);
  PrinterOptions printer_options;
  printer_options.format =
      options.output.value_or(out->is_terminal() ? OutputFormat::table : OutputFormat::json);
  printer_options.container_columns = options.scope.has_container_filter();
  printer_options.image_column = printer_options.container_columns && options.containers;
  auto printer = make_printer(printer_options, *out);
  bool discarded = out->is_discarded();
  if (discarded && !output_discarded_)
    log(LogLevel::info, "output",
        "events go to /dev/null: process events are not asked of the kernel");
  output_discarded_ = discarded;
  bool new_target = !out_ || options.output_path != options_.output_path;
  bool new_format = !printer_ || options.output != options_.output;
  out_ = std::move(out);
  printer_ = std::move(printer);
  output_file_ = std::move(file);
  if (pipeline_) pipeline_->set_printer(*printer_);
  if (new_target || new_format) printer_->print_header();
  return true;
}

bool Daemon::start() {
  if (auto missing = check_bpf_prerequisites(); !missing.empty()) {
    log(LogLevel::error, "kernel", "{}", missing);
    return false;
  }
  auto choice = detect_hierarchy(options_.cgroup_hierarchy);
  if (!choice.hierarchy) {
    log(LogLevel::error, "cgroup", "{}", choice.error);
    return false;
  }
  hierarchy_ = *choice.hierarchy;
  log(LogLevel::info, "cgroup", "{} cgroups: tracking {} at {}", to_string(hierarchy_.layout),
      to_string(hierarchy_.controller), hierarchy_.mount_point);

  std::string error;
  if (!open_output(options_, error)) {
    log(LogLevel::error, "output", "cannot open {}", error);
    return false;
  }
  PipelineOptions pipeline_options;
  pipeline_options.events = events_worth_reading(options_);
  pipeline_options.scope = options_.scope;
  pipeline_options.hold_timeout = time_budgets(options_.enrichment_timeout).hold;
  pipeline_ = std::make_unique<Pipeline>(pipeline_options, hierarchy_, *printer_);
  enricher_ = std::make_unique<Enricher>(loop_, *pipeline_, enricher_options(options_));
  pipeline_->set_enrichment(enricher_.get());
  pipeline_->add_listener(this);
  pipeline_->add_listener(&metrics_);
  cgroups_ = std::make_unique<ContainerCgroups>(pipeline_->registry(), hierarchy_,
                                                ContainerCgroups::current_mounts());
  if (JournalListener::running_under_systemd()) {
    journal_ = std::make_unique<JournalListener>();
    pipeline_->add_listener(journal_.get());
  }

  ProbeOptions probe_options;
  probe_options.hierarchy = hierarchy_;
  probe_options.ring_buffer_bytes = options_.buffer_kib * 1024;
  probe_options.force_raw_tracepoints = options_.raw_tracepoints;
  probes_ = Probes::load(probe_options, *pipeline_, error);
  if (!probes_) {
    log(LogLevel::error, "kernel", "{}", error);
    return false;
  }
  probes_->configure(options_.scope.kernel_mode(), events_worth_reading(options_).kernel_mask());
  pipeline_->set_state_map(probes_.get(), probes_->host_mount_namespace());
  recovery_ = std::make_unique<KernelRecovery>(*probes_, *pipeline_);
  log(LogLevel::info, "kernel", "attached {} tracepoints", probes_->attach_kind());

  if (!pipeline_->scan_existing(error)) {
    log(LogLevel::error, "cgroup", "cannot walk the cgroup hierarchy: {}", error);
    return false;
  }
  out_->flush();
  return true;
}

int Daemon::run() {
  if (options_.verbose) set_log_level(LogLevel::debug);
  signal(SIGPIPE, SIG_IGN);
  // Blocked before start() makes the lookup workers: threads inherit the mask,
  // so these signals only ever reach the loop's signalfd.
  sigset_t handled;
  sigemptyset(&handled);
  for (int number : {SIGINT, SIGTERM, SIGHUP}) sigaddset(&handled, number);
  pthread_sigmask(SIG_BLOCK, &handled, nullptr);
  sd_notify(0, "STATUS=Loading BPF programs");
  if (!start()) return kFailureExit;

  loop_.watch(probes_->ring_buffer_fd(), [this] { on_ring_readable(); });
  drain_timer_ = loop_.timer([this] {
    loop_.modify(probes_->ring_buffer_fd(), EPOLLIN);
    drain();
  });
  loop_.on_signal(SIGINT, [this] { loop_.stop(); });
  loop_.on_signal(SIGTERM, [this] { loop_.stop(); });
  loop_.on_signal(SIGHUP, [this] {
    if (auto error = reload(); !error.empty()) log(LogLevel::error, "config", "{}", error);
  });
  loop_.every(std::chrono::milliseconds(100), [this] { tick(); });
  loop_.every(std::chrono::seconds(60), [this] { pipeline_->clock().refresh(); });
  std::uint64_t watchdog_usec = 0;
  if (sd_watchdog_enabled(0, &watchdog_usec) > 0)
    loop_.every(std::chrono::milliseconds(watchdog_usec / 2000),
                [] { sd_notify(0, "WATCHDOG=1"); });

  start_dbus();
  schedule_metrics();
  readiness_ = std::make_unique<Readiness>(MonotonicClock::system().now() +
                                           time_budgets(options_.enrichment_timeout).ready);
  notify_ready_when_settled();
  loop_.run();

  service_events_ = nullptr;
  dbus_.reset();
  // Stale figures would look like a tracker that runs and sees nothing happen.
  if (!metrics_written_.empty()) unlink(metrics_written_.c_str());

  sd_notify(0, "STOPPING=1\nSTATUS=Stopping");
  probes_->consume();
  out_->flush();
  pipeline_->set_enrichment(nullptr);
  enricher_.reset();  // cancels the lookups in flight
  if (!wait_for_detached_workers(std::chrono::seconds(2)))
    log(LogLevel::debug, "enrich", "lookups still running at exit");
  // A reader of stdout that went away is a normal end; a file we cannot write is not.
  return out_->broken() && !options_.output_path.empty() ? kFailureExit : 0;
}

void Daemon::start_dbus() {
  dbus_ = std::make_unique<ReconnectingService>(loop_, *this, DbusServiceOptions{},
                                                [] { return open_bus(); });
  if (auto error = dbus_->start(); !error.empty()) {
    log(JournalListener::running_under_systemd() ? LogLevel::warning : LogLevel::notice, "dbus",
        "no D-Bus API: {}", error);
    dbus_.reset();
    return;
  }
  service_events_ = dbus_.get();
  log(LogLevel::info, "dbus", "serving org.khulnasoft.Tracker1 on the system bus");
}

// The kernel wakes the reader of the ring buffer for a record only when every
// record before it has been read. Reading at most once per kDrainInterval lets
// a burst (a fork/exec storm) pile up in the ring meanwhile, so that it costs
// one wake-up per interval instead of one per event; the first event after a
// quiet spell is still read at once.
constexpr auto kDrainInterval = std::chrono::milliseconds(10);

void Daemon::on_ring_readable() {
  auto next = last_drain_ + kDrainInterval;
  auto now = std::chrono::steady_clock::now();
  if (now >= next) {
    drain();
    return;
  }
  loop_.modify(probes_->ring_buffer_fd(), 0);  // until the timer drains
  loop_.arm(drain_timer_, next - now);
}

void Daemon::drain() {
  last_drain_ = std::chrono::steady_clock::now();
  probes_->consume();
  notify_ready_when_settled();
  out_->flush();
  if (out_->broken()) {
    if (options_.output_path.empty()) {
      loop_.stop();  // the reader of our stdout went away
    } else {
      log(LogLevel::error, "output", "cannot write to {}", options_.output_path);
      loop_.stop();
    }
  }
}

void Daemon::tick() {
  notify_ready_when_settled();
  pipeline_->release_expired();
  if (recovery_->tick(std::chrono::steady_clock::now()) && service_events_)
    service_events_->manager_changed();
  out_->flush();
  if (out_->broken()) loop_.stop();
  update_status();
}

void Daemon::notify_ready_when_settled() {
  if (!readiness_ || readiness_->ready()) return;
  auto message = readiness_->check(enricher_->settled(), MonotonicClock::system().now());
  if (message.empty()) return;
  update_status();
  sd_notify(0, message.c_str());
  log(LogLevel::info, "agent", "ready: {} containers", pipeline_->registry().size());
}

void Daemon::update_status() {
  if (!readiness_) return;
  auto message = readiness_->status(
      status_line({pipeline_->registry().size(), enricher_->enabled(), probes_->events_lost(),
                   dbus_ ? dbus_->status() : std::string()}));
  if (!message.empty()) sd_notify(0, message.c_str());
}

void Daemon::apply(const Options& options) {
  auto plan = plan_reload(options_, options);
  std::string error;
  if (plan.reopen_output && !open_output(options, error))
    log(LogLevel::error, "output", "cannot open {}", error);
  if (plan.needs_restart)
    log(LogLevel::notice, "config",
        "cgroup hierarchy, buffer size and tracepoint kind take effect on restart");
  PipelineOptions pipeline_options = pipeline_->options();
  pipeline_options.events = events_worth_reading(options);
  pipeline_options.scope = options.scope;
  pipeline_options.hold_timeout = time_budgets(options.enrichment_timeout).hold;
  pipeline_->set_options(pipeline_options);
  probes_->configure(options.scope.kernel_mode(), events_worth_reading(options).kernel_mask());
  options_ = options;
  if (plan.reconfigure_enrichment) enricher_->reconfigure(enricher_options(options_));
  if (plan.reschedule_metrics) schedule_metrics();
  if (options_.verbose) set_log_level(LogLevel::debug);
  if (service_events_) service_events_->manager_changed();
  update_status();
}

std::string Daemon::reload() {
  if (auto message = readiness_->reload_started(); !message.empty()) sd_notify(0, message.c_str());
  auto result =
      resolve_options(command_line_, config_paths_for(command_line_), process_environment());
  for (auto& warning : result.diagnostics.warnings)
    log(LogLevel::warning, "config", "{}", warning.text());
  std::string error;
  if (!result.ok()) {
    for (auto& diagnostic : result.diagnostics.errors) {
      log(LogLevel::error, "config", "{}", diagnostic.text());
      if (error.empty()) error = diagnostic.text();
    }
    error = "configuration not reloaded, the previous one stays in force: " + error;
  } else {
    apply(*result.options);
    log(LogLevel::info, "config", "configuration reloaded");
  }
  readiness_->forget_status();
  update_status();
  if (auto message = readiness_->reload_done(); !message.empty()) sd_notify(0, message.c_str());
  return error;
}

void Daemon::set_enrichment(bool enabled) {
  if (enabled == options_.containers) return;
  Options options = options_;
  options.containers = enabled;
  apply(options);
  log(LogLevel::info, "enrich", "enrichment turned {}", enabled ? "on" : "off");
}

}  // namespace tracker
