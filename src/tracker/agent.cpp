#include "tracker/agent.h"

#include <signal.h>
#include <systemd/sd-daemon.h>
#include <unistd.h>

#include <cstdlib>
#include <string_view>

#include "agent/enricher.h"
#include "agent/pipeline.h"
#include "cgroup/hierarchy.h"
#include "kernel/probes.h"
#include "util/event_loop.h"
#include "util/log.h"

namespace tracker {
namespace {

constexpr int kFailureExit = 1;

bool enrichment_requested(const Options& options) {
  const char* env = std::getenv("CONTAINERS_ENRICHMENT");
  std::string_view value = env ? env : "";
  return options.containers || value == "1" || value == "yes" || value == "true";
}

EnricherOptions enricher_options(const Options& options, bool enabled) {
  EnricherOptions result;
  result.enabled = enabled;
  for (auto& socket : options.cri_sockets)
    result.endpoints.push_back({*runtime_from_string(socket.runtime), socket.path, true});
  return result;
}

}  // namespace

int run_agent(const Options& options) {
  if (options.verbose) set_log_level(LogLevel::debug);
  signal(SIGPIPE, SIG_IGN);

  if (auto missing = check_bpf_prerequisites(); !missing.empty()) {
    log(LogLevel::error, "kernel", "{}", missing);
    return kFailureExit;
  }
  auto choice = detect_hierarchy(options.cgroup_hierarchy);
  if (!choice.hierarchy) {
    log(LogLevel::error, "cgroup", "{}", choice.error);
    return kFailureExit;
  }
  const TrackedHierarchy& hierarchy = *choice.hierarchy;
  log(LogLevel::info, "cgroup", "{} cgroups: tracking {} at {}", to_string(hierarchy.layout),
      to_string(hierarchy.controller), hierarchy.mount_point);

  OutputStream out(STDOUT_FILENO);
  bool enrich = enrichment_requested(options);
  PrinterOptions printer_options;
  printer_options.format =
      options.output.value_or(out.is_terminal() ? OutputFormat::table : OutputFormat::json);
  printer_options.container_columns = options.scope.has_container_filter();
  printer_options.image_column = printer_options.container_columns && enrich;
  auto printer = make_printer(printer_options, out);

  PipelineOptions pipeline_options;
  pipeline_options.events = options.events;
  pipeline_options.scope = options.scope;
  auto enrich_options = enricher_options(options, enrich);
  pipeline_options.hold_timeout_ns = (enrich_options.timeout.count() + 500) * 1'000'000;
  Pipeline pipeline(pipeline_options, hierarchy, *printer);
  EventLoop loop;
  Enricher enricher(loop, pipeline, enrich_options);
  pipeline.add_observer(&enricher);

  ProbeOptions probe_options;
  probe_options.hierarchy = hierarchy;
  probe_options.ring_buffer_bytes = options.buffer_kib * 1024;
  probe_options.force_raw_tracepoints = options.raw_tracepoints;
  std::string error;
  auto probes = Probes::load(probe_options, pipeline, error);
  if (!probes) {
    log(LogLevel::error, "kernel", "{}", error);
    return kFailureExit;
  }
  probes->configure(options.scope.kernel_mode(), options.events.kernel_mask());
  pipeline.set_state_map(probes.get(), probes->host_mount_namespace());
  log(LogLevel::info, "kernel", "attached {} tracepoints", probes->attach_kind());

  printer->print_header();
  if (!pipeline.scan_existing(error)) {
    log(LogLevel::error, "cgroup", "cannot walk the cgroup hierarchy: {}", error);
    return kFailureExit;
  }
  out.flush();

  // Ready once the existing containers were enriched, or the enrichment deadline passed.
  bool ready = false;
  auto ready_deadline = std::chrono::steady_clock::now() + enrich_options.timeout;
  auto announce_ready = [&] {
    if (ready || (!enricher.settled() && std::chrono::steady_clock::now() < ready_deadline)) return;
    ready = true;
    sd_notifyf(0, "READY=1\nSTATUS=Watching %zu containers", pipeline.registry().size());
    log(LogLevel::info, "agent", "ready: {} containers", pipeline.registry().size());
  };
  announce_ready();
  std::uint64_t lost_seen = 0;
  auto drain = [&] {
    probes->consume();
    announce_ready();
    out.flush();
    if (out.broken()) loop.stop();
  };
  loop.watch(probes->ring_buffer_fd(), drain);
  loop.on_signal(SIGINT, [&] { loop.stop(); });
  loop.on_signal(SIGTERM, [&] { loop.stop(); });
  loop.every(std::chrono::milliseconds(100), [&] {
    announce_ready();
    pipeline.release_expired();
    std::uint64_t lost = probes->events_lost();
    if (lost != lost_seen) {
      log(LogLevel::warning, "kernel",
          "{} events lost in the ring buffer; reconciling with cgroupfs", lost - lost_seen);
      lost_seen = lost;
      probes->consume();
      pipeline.reconcile();
    }
    out.flush();
    if (out.broken()) loop.stop();
  });
  loop.every(std::chrono::seconds(60), [&] { pipeline.clock().refresh(); });
  loop.run();

  sd_notify(0, "STOPPING=1");
  probes->consume();
  out.flush();
  return 0;
}

}  // namespace tracker
