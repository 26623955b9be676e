// Pipeline throughput on real kernel events, against a bare libbpf ring-buffer
// consumer on the very same events (root).
//
// Three copies of tracker's BPF programs are attached at once, each with its
// own ring buffer, so each ring receives the same events: one drained by a
// sink that only counts (the bare consumer), one by the Pipeline with a null
// printer, one by the Pipeline with the JSON printer writing to /dev/null.
// Each round makes a fork/exec storm — `spawn` on the host and, at the same
// time, in a Docker container (its creation, start and removal included) —
// while nobody reads, then drains each ring on this thread, timing it with
// CLOCK_THREAD_CPUTIME_ID. Rings are sized so that nothing is lost; a loss is
// reported.
//
// Then reconcile under loss: one more copy with a tiny ring, read by a thread
// that runs the daemon's loop (drain every 10 ms, KernelRecovery every 100 ms)
// during four host fork/exec storms at once while a cgroup comes and goes. It
// counts the reconciles, the ticks that saw a loss of any kind (what was
// reconciled before losses were told apart), and the loop's CPU time.
//
//   ringbuf_bench --spawn=PATH [--rounds=3] [--spawns=15000] [--ring-mib=128]
//                 [--tiny-ring-kib=4] [--out=FILE]

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <stdexcept>
#include <thread>

#include "agent/kernel_recovery.h"
#include "agent/pipeline.h"
#include "bench_util.h"
#include "cgroup/hierarchy.h"
#include "events/output_stream.h"
#include "events/printer.h"
#include "kernel/event_record.h"
#include "kernel/probes.h"

namespace tracker::bench {
namespace {

class CountingSink : public KernelEventSink {
 public:
  void on_kernel_event(const tracker_event& event) override {
    ++count;
    ++by_type[event.type & 7];
    // What the record took in the ring: an 8-byte header, then its data to 8 bytes.
    bool cgroup = event.type == TRACKER_EVENT_CGROUP_MKDIR ||
                  event.type == TRACKER_EVENT_CGROUP_RMDIR ||
                  event.type == TRACKER_EVENT_CGROUP_RENAME;
    ring_bytes +=
        8 + ((record_size(event.type, cgroup ? event.data.cgroup.path_len : 0) + 7) & ~7u);
  }
  std::uint64_t count = 0;
  std::uint64_t by_type[8] = {};
  std::uint64_t ring_bytes = 0;
};

class NullPrinter : public Printer {
 public:
  void print(const Event& event) override {
    printed += event.type == EventType::sched_process_exec;
  }
  std::uint64_t printed = 0;
};

struct Consumer {
  std::string name;
  std::unique_ptr<Probes> probes;
  std::function<std::uint64_t()> count;  // events handled so far
  std::uint64_t events = 0;
  std::int64_t cpu_ns = 0;
  std::int64_t wall_ns = 0;
  std::uint64_t lost_before = 0;
};

std::int64_t drain(Consumer& consumer) {
  std::uint64_t before = consumer.count();
  std::int64_t cpu = thread_cpu_ns(), wall = monotonic_ns();
  while (true) {
    int n = consumer.probes->consume();
    if (n < 0) throw std::runtime_error("ring_buffer__consume failed");
    if (n == 0) break;
  }
  consumer.cpu_ns += thread_cpu_ns() - cpu;
  consumer.wall_ns += monotonic_ns() - wall;
  auto handled = consumer.count() - before;
  consumer.events += handled;
  return static_cast<std::int64_t>(handled);
}

pid_t start_host_storm(const std::string& spawn, long spawns) {
  pid_t pid = fork();
  if (pid == 0) {
    int null = open("/dev/null", O_WRONLY);
    dup2(null, STDOUT_FILENO);
    std::string n = std::to_string(spawns);
    execl(spawn.c_str(), spawn.c_str(), "-n", n.c_str(), "-p", "/bin/true",
          static_cast<char*>(nullptr));
    _exit(127);
  }
  return pid;
}

// The daemon's loop over a tiny ring during a storm: see the top of this file.
Json::Value reconcile_under_loss(const std::string& spawn, long spawns, std::uint32_t ring_kib,
                                 const TrackedHierarchy& hierarchy) {
  NullPrinter printer;
  Pipeline pipeline(PipelineOptions{}, hierarchy, printer);
  ProbeOptions options;
  options.hierarchy = hierarchy;
  options.ring_buffer_bytes = ring_kib * 1024;
  std::string error;
  auto probes = Probes::load(options, pipeline, error);
  if (!probes) throw std::runtime_error(error);
  probes->configure(TRACKER_SCOPE_ALL, EventSet::all().kernel_mask());
  pipeline.set_state_map(probes.get(), probes->host_mount_namespace());
  if (!pipeline.scan_existing(error)) throw std::runtime_error(error);
  KernelRecovery recovery(*probes, pipeline);

  std::atomic<bool> storming{true};
  std::uint64_t ticks = 0, lossy_ticks = 0;
  std::int64_t loop_cpu_ns = 0;
  std::thread loop([&] {
    std::int64_t cpu = thread_cpu_ns();
    auto next_tick = std::chrono::steady_clock::now();
    std::uint64_t lost_seen = probes->events_lost();
    while (storming) {
      probes->consume();
      auto now = std::chrono::steady_clock::now();
      if (now >= next_tick) {
        ++ticks;
        if (probes->events_lost() != lost_seen) ++lossy_ticks;
        lost_seen = probes->events_lost();
        recovery.tick(now);
        next_tick += 100ms;
      }
      std::this_thread::sleep_for(10ms);
    }
    loop_cpu_ns = thread_cpu_ns() - cpu;
  });

  std::string parent = hierarchy.mount_point + "/tracker-bench-storm-" + random_hex(8);
  mkdir(parent.c_str(), 0755);
  std::int64_t start = monotonic_ns();
  std::vector<pid_t> storms;
  for (int i = 0; i < 4; ++i) storms.push_back(start_host_storm(spawn, spawns / 4));
  for (pid_t storm : storms) {
    int status = 0;
    while (waitpid(storm, &status, WNOHANG) == 0) {  // a cgroup comes and goes meanwhile
      std::string cgroup = parent + "/" + random_hex();
      mkdir(cgroup.c_str(), 0755);
      std::this_thread::sleep_for(50ms);
      rmdir(cgroup.c_str());
    }
  }
  std::int64_t storm_ns = monotonic_ns() - start;
  std::this_thread::sleep_for(1500ms);  // the trailing reconcile
  storming = false;
  loop.join();
  rmdir(parent.c_str());

  Json::Value r;
  r["ring_kib"] = ring_kib;
  r["storm_s"] = storm_ns / 1e9;
  r["process_events_lost"] = static_cast<Json::UInt64>(probes->process_events_lost());
  r["cgroup_events_lost"] = static_cast<Json::UInt64>(probes->cgroup_events_lost());
  r["ticks"] = static_cast<Json::UInt64>(ticks);
  r["ticks_with_any_loss"] = static_cast<Json::UInt64>(lossy_ticks);
  r["reconciles"] = static_cast<Json::UInt64>(pipeline.stats().reconciles);
  r["loop_cpu_s"] = loop_cpu_ns / 1e9;
  say("tiny ring (" + std::to_string(ring_kib) +
      " KiB): " + std::to_string(probes->process_events_lost()) + " process and " +
      std::to_string(probes->cgroup_events_lost()) + " cgroup events lost; " +
      std::to_string(pipeline.stats().reconciles) + " reconciles in " + std::to_string(ticks) +
      " ticks, " + std::to_string(lossy_ticks) + " of which saw a loss; loop CPU " +
      std::to_string(loop_cpu_ns / 1'000'000) + " ms");
  return r;
}

int run(const Args& args) {
  std::string spawn = args.get("spawn", "");
  if (spawn.empty()) throw std::runtime_error("--spawn=PATH (the static spawn helper) is required");
  long rounds = args.number("rounds", 3);
  long spawns = args.number("spawns", 15000);
  auto ring_bytes = static_cast<std::uint32_t>(args.number("ring-mib", 128) * 1024 * 1024);

  auto choice = detect_hierarchy("auto");
  if (!choice.hierarchy) throw std::runtime_error(choice.error);
  auto hierarchy = *choice.hierarchy;
  ProbeOptions probe_options;
  probe_options.hierarchy = hierarchy;
  probe_options.ring_buffer_bytes = ring_bytes;

  int devnull = open("/dev/null", O_WRONLY | O_CLOEXEC);
  OutputStream json_out(devnull);
  NullPrinter null_printer;
  auto json_printer = make_printer(PrinterOptions{OutputFormat::json, false, false}, json_out);
  Pipeline null_pipeline(PipelineOptions{}, hierarchy, null_printer);
  Pipeline json_pipeline(PipelineOptions{}, hierarchy, *json_printer);
  CountingSink bare;

  std::vector<Consumer> consumers(3);
  consumers[0].name = "bare libbpf consumer";
  consumers[0].count = [&] { return bare.count; };
  consumers[1].name = "pipeline, null printer";
  consumers[1].count = [&] { return null_pipeline.stats().kernel_events; };
  consumers[2].name = "pipeline, JSON to /dev/null";
  consumers[2].count = [&] { return json_pipeline.stats().kernel_events; };
  KernelEventSink* sinks[] = {&bare, &null_pipeline, &json_pipeline};
  for (std::size_t i = 0; i < consumers.size(); ++i) {
    std::string error;
    consumers[i].probes = Probes::load(probe_options, *sinks[i], error);
    if (!consumers[i].probes) throw std::runtime_error(error);
    consumers[i].probes->configure(TRACKER_SCOPE_ALL, EventSet::all().kernel_mask());
  }
  std::string error;
  for (auto* pipeline : {&null_pipeline, &json_pipeline}) {
    auto* probes = consumers[pipeline == &null_pipeline ? 1 : 2].probes.get();
    pipeline->set_state_map(probes, probes->host_mount_namespace());
    if (!pipeline->scan_existing(error)) throw std::runtime_error(error);
  }
  say("attached 3 x " + std::string(consumers[0].probes->attach_kind()) + "; registry holds " +
      std::to_string(null_pipeline.registry().size()) + " containers");
  for (auto& c : consumers) drain(c);  // what came before: not counted
  for (auto& c : consumers) c.events = c.cpu_ns = c.wall_ns = 0;
  json_out.flush();

  std::string spawn_dir = spawn.substr(0, spawn.rfind('/'));
  Json::Value round_results(Json::arrayValue);
  std::uint64_t lost_total = 0;
  Janitor janitor;
  for (long round = 0; round < rounds; ++round) {
    for (auto& c : consumers) c.lost_before = c.probes->events_lost();
    std::int64_t storm_start = monotonic_ns();
    auto container = start_container(
        Runtime::docker, {"/bench/spawn", "-n", std::to_string(spawns), "-p", "/bin/true"},
        {spawn_dir + ":/bench:ro"});
    if (container.empty()) throw std::runtime_error("cannot start the storm container");
    janitor.add(Runtime::docker, container);
    pid_t host = start_host_storm(spawn, spawns);
    int status = 0;
    waitpid(host, &status, 0);
    wait_container(Runtime::docker, container, std::chrono::seconds(600));
    remove_container(Runtime::docker, container);
    janitor.done(container);
    usleep(300'000);  // the container's cgroup goes away
    std::int64_t storm_ns = monotonic_ns() - storm_start;

    Json::Value r;
    r["storm_s"] = storm_ns / 1e9;
    // Alternate the order, so no consumer always goes first.
    for (std::size_t k = 0; k < consumers.size(); ++k) {
      auto& c = consumers[(k + static_cast<std::size_t>(round)) % consumers.size()];
      auto cpu_before = c.cpu_ns;
      auto handled = drain(c);
      auto lost = c.probes->events_lost() - c.lost_before;
      lost_total += lost;
      Json::Value one;
      one["events"] = static_cast<Json::Int64>(handled);
      one["cpu_s"] = (c.cpu_ns - cpu_before) / 1e9;
      one["lost"] = static_cast<Json::UInt64>(lost);
      r[c.name] = one;
    }
    json_out.flush();
    round_results.append(r);
    say("round " + std::to_string(round + 1) + ": " + std::to_string(bare.count) +
        " events so far, storm " + std::to_string(storm_ns / 1'000'000) + " ms");
  }

  Json::Value result;
  result["rounds"] = round_results;
  result["spawns_per_round"] = static_cast<Json::Int64>(2 * spawns);
  result["ring_mib"] = static_cast<Json::UInt64>(ring_bytes >> 20);
  result["attach_kind"] = consumers[0].probes->attach_kind();
  result["registry_containers"] = static_cast<Json::UInt64>(null_pipeline.registry().size());
  result["events_lost"] = static_cast<Json::UInt64>(lost_total);
  Json::Value mix;
  mix["fork"] = static_cast<Json::UInt64>(bare.by_type[TRACKER_EVENT_PROCESS_FORK]);
  mix["exec"] = static_cast<Json::UInt64>(bare.by_type[TRACKER_EVENT_PROCESS_EXEC]);
  mix["exit"] = static_cast<Json::UInt64>(bare.by_type[TRACKER_EVENT_PROCESS_EXIT]);
  mix["cgroup_mkdir"] = static_cast<Json::UInt64>(bare.by_type[TRACKER_EVENT_CGROUP_MKDIR]);
  mix["cgroup_rmdir"] = static_cast<Json::UInt64>(bare.by_type[TRACKER_EVENT_CGROUP_RMDIR]);
  result["mix"] = mix;
  if (bare.count) {
    double per_event = static_cast<double>(bare.ring_bytes) / static_cast<double>(bare.count);
    result["ring_bytes_per_event"] = per_event;
    result["events_per_4mib_ring"] = static_cast<Json::UInt64>(4.0 * 1024 * 1024 / per_event);
    say("ring buffer: " + std::to_string(static_cast<long>(per_event)) + " bytes per event, " +
        std::to_string(static_cast<long>(4.0 * 1024 * 1024 / per_event)) +
        " events in a 4 MiB ring");
  }
  Json::Value totals;
  for (auto& c : consumers) {
    Json::Value t;
    t["events"] = static_cast<Json::UInt64>(c.events);
    t["cpu_s"] = c.cpu_ns / 1e9;
    t["wall_s"] = c.wall_ns / 1e9;
    t["events_per_cpu_s"] = c.cpu_ns ? c.events / (c.cpu_ns / 1e9) : 0.0;
    totals[c.name] = t;
    say(c.name + ": " + std::to_string(c.events) + " events, " +
        std::to_string(static_cast<long>(t["events_per_cpu_s"].asDouble())) +
        " events per CPU second");
  }
  result["consumers"] = totals;
  result["printed_json"] = static_cast<Json::UInt64>(json_pipeline.stats().printed);
  consumers.clear();  // their programs off, before the next copy is attached
  result["reconcile_under_loss"] = reconcile_under_loss(
      spawn, spawns, static_cast<std::uint32_t>(args.number("tiny-ring-kib", 4)), hierarchy);
  write_result(args, result);
  json_out.flush();
  return lost_total ? 3 : 0;
}

}  // namespace
}  // namespace tracker::bench

int main(int argc, char** argv) {
  return tracker::bench::bench_main(argc, argv, tracker::bench::run);
}
