// The user-space pipeline on synthetic kernel events (Google Benchmark, no
// root): decode → registry lookup → scope filter → printer, with a null
// printer and with the JSON printer writing to /dev/null; the registry's
// lookup with many containers against a bare hash map; and the heap the
// registry spends per container.
//
// The events are a fork/exec/exit mix: each "spawn" is a fork of the parent,
// an exec and an exit of the child, half of them inside one of the registered
// containers, half on the host.

#include <benchmark/benchmark.h>
#include <fcntl.h>
#include <malloc.h>
#include <unistd.h>

#include <cstring>
#include <memory>
#include <random>
#include <string>
#include <unordered_map>
#include <vector>

#include "agent/pipeline.h"
#include "events/output_stream.h"
#include "events/printer.h"
#include "registry/registry.h"

namespace tracker {
namespace {

constexpr std::uint64_t kFirstContainerCgroup = 100'000;
constexpr std::uint64_t kHostCgroup = 42;
constexpr std::uint32_t kHostMntNs = 4026531840;
constexpr std::uint32_t kContainerMntNs = 4026532500;

std::string hex_id(std::mt19937_64& random) {
  static const char* digits = "0123456789abcdef";
  std::string id;
  for (int i = 0; i < 64; ++i) id += digits[random() % 16];
  return id;
}

tracker_task_context context(std::uint64_t cgroup_id, std::uint32_t pid, bool in_container,
                             const char* comm) {
  tracker_task_context c{};
  c.timestamp_ns = 1'000'000'000 + pid;
  c.cgroup_id = cgroup_id;
  c.host_pid = c.host_tid = pid;
  c.host_ppid = pid - 1;
  c.pid = c.tid = in_container ? pid % 1000 + 2 : pid;
  c.ppid = in_container ? 1 : pid - 1;
  c.uid = in_container ? 0 : 1000;
  c.mnt_ns = in_container ? kContainerMntNs : kHostMntNs;
  c.pid_ns = in_container ? 4026532501 : 4026531836;
  std::strncpy(c.comm, comm, sizeof(c.comm) - 1);
  return c;
}

tracker_event mkdir_event(std::uint64_t cgroup_id, const std::string& path) {
  tracker_event e{};
  e.type = TRACKER_EVENT_CGROUP_MKDIR;
  e.ctx = context(1, 1, false, "runc:[2:INIT]");
  e.data.cgroup.cgroup_id = cgroup_id;
  std::strncpy(e.data.cgroup.path, path.c_str(), sizeof(e.data.cgroup.path) - 1);
  return e;
}

// `spawns` × (fork, exec, exit); one in two in a container of `containers`.
std::vector<tracker_event> process_events(std::size_t spawns, std::size_t containers) {
  std::mt19937_64 random(7);
  std::vector<tracker_event> events;
  static const char kArgv[] = "git\0status\0--short\0--branch";
  for (std::size_t i = 0; i < spawns; ++i) {
    bool inside = containers > 0 && i % 2 == 1;
    std::uint64_t cgroup = inside ? kFirstContainerCgroup + random() % containers : kHostCgroup;
    auto parent = static_cast<std::uint32_t>(10'000 + 2 * i);

    tracker_event fork{};
    fork.type = TRACKER_EVENT_PROCESS_FORK;
    fork.ctx = context(cgroup, parent, inside, "bash");
    fork.data.fork.child_host_pid = fork.data.fork.child_host_tid = parent + 1;
    fork.data.fork.child_pid = fork.data.fork.child_tid =
        inside ? (parent + 1) % 1000 + 2 : parent + 1;
    events.push_back(fork);

    tracker_event exec{};
    exec.type = TRACKER_EVENT_PROCESS_EXEC;
    exec.ctx = context(cgroup, parent + 1, inside, "git");
    std::strcpy(exec.data.exec.filename, "/usr/bin/git");
    std::memcpy(exec.data.exec.argv, kArgv, sizeof(kArgv));
    exec.data.exec.argv_len = sizeof(kArgv);
    events.push_back(exec);

    tracker_event exit{};
    exit.type = TRACKER_EVENT_PROCESS_EXIT;
    exit.ctx = context(cgroup, parent + 1, inside, "git");
    exit.data.exit.exit_code = 0;
    exit.data.exit.group_exit = 1;
    events.push_back(exit);
  }
  return events;
}

class NullPrinter : public Printer {
 public:
  void print(const Event& event) override { benchmark::DoNotOptimize(event.type); }
};

// A pipeline whose registry holds `containers` docker containers.
struct Setup {
  explicit Setup(std::size_t containers, bool json)
      : devnull(open("/dev/null", O_WRONLY | O_CLOEXEC)), out(devnull) {
    if (json)
      printer = make_printer(PrinterOptions{OutputFormat::json, false, false}, out);
    else
      printer = std::make_unique<NullPrinter>();
    pipeline = std::make_unique<Pipeline>(PipelineOptions{}, TrackedHierarchy{}, *printer);
    std::mt19937_64 random(1);
    for (std::size_t i = 0; i < containers; ++i)
      pipeline->on_kernel_event(
          mkdir_event(kFirstContainerCgroup + i, "/docker/" + hex_id(random)));
    out.flush();
  }
  ~Setup() {
    out.flush();
    close(devnull);
  }

  int devnull;
  OutputStream out;
  std::unique_ptr<Printer> printer;
  std::unique_ptr<Pipeline> pipeline;
};

// Pipeline::on_kernel_event over the mix; arg 0: 1 = JSON printer to /dev/null.
void BM_Pipeline(benchmark::State& state) {
  bool json = state.range(0) == 1;
  Setup setup(1000, json);
  auto events = process_events(3000, 1000);
  std::size_t i = 0;
  for (auto _ : state) {
    setup.pipeline->on_kernel_event(events[i]);
    if (++i == events.size()) i = 0;
  }
  state.SetItemsProcessed(state.iterations());
  state.SetLabel(json ? "json" : "null printer");
}
BENCHMARK(BM_Pipeline)->Arg(0)->Arg(1)->ArgName("json");

// The same, per kind of event: 0 fork, 1 exec, 2 exit; with the JSON printer.
void BM_PipelineJsonByType(benchmark::State& state) {
  Setup setup(1000, true);
  auto all = process_events(3000, 1000);
  std::vector<tracker_event> events;
  for (std::size_t k = static_cast<std::size_t>(state.range(0)); k < all.size(); k += 3)
    events.push_back(all[k]);
  std::size_t i = 0;
  for (auto _ : state) {
    setup.pipeline->on_kernel_event(events[i]);
    if (++i == events.size()) i = 0;
  }
  state.SetItemsProcessed(state.iterations());
  static const char* names[] = {"fork", "exec", "exit"};
  state.SetLabel(names[state.range(0)]);
}
BENCHMARK(BM_PipelineJsonByType)->DenseRange(0, 2)->ArgName("type");

// 4096 cgroup ids, alternately one of the n containers and a host cgroup.
std::vector<std::uint64_t> lookup_keys(std::size_t n, std::mt19937_64& random) {
  std::vector<std::uint64_t> keys;
  for (std::size_t i = 0; i < 4096; ++i)
    keys.push_back(i % 2 ? kFirstContainerCgroup + random() % n : kHostCgroup + i);
  return keys;
}

// Registry::find_by_cgroup with N containers, hits and misses alternating.
void BM_RegistryFindByCgroup(benchmark::State& state) {
  auto n = static_cast<std::size_t>(state.range(0));
  Registry registry;
  std::mt19937_64 random(3);
  for (std::size_t i = 0; i < n; ++i)
    registry.add_cgroup(kFirstContainerCgroup + i, "/docker/" + hex_id(random),
                        ContainerOrigin::existing, 0);
  auto keys = lookup_keys(n, random);
  std::size_t i = 0;
  for (auto _ : state) {
    auto found = registry.find_by_cgroup(keys[i]);
    benchmark::DoNotOptimize(found);
    i = (i + 1) & 4095;
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_RegistryFindByCgroup)->Arg(100)->Arg(10000)->ArgName("containers");

// The floor for the above: a bare std::unordered_map<uint64_t, shared_ptr> lookup.
void BM_BareHashMapFind(benchmark::State& state) {
  auto n = static_cast<std::size_t>(state.range(0));
  std::unordered_map<std::uint64_t, std::shared_ptr<int>> map;
  std::mt19937_64 random(3);
  for (std::size_t i = 0; i < n; ++i) map[kFirstContainerCgroup + i] = std::make_shared<int>(1);
  auto keys = lookup_keys(n, random);
  std::size_t i = 0;
  for (auto _ : state) {
    auto it = map.find(keys[i]);
    std::shared_ptr<int> found = it == map.end() ? nullptr : it->second;
    benchmark::DoNotOptimize(found);
    i = (i + 1) & 4095;
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_BareHashMapFind)->Arg(100)->Arg(10000)->ArgName("containers");

// Heap the registry takes per container (mallinfo2 before and after adding N).
void BM_RegistryHeapPerContainer(benchmark::State& state) {
  auto n = static_cast<std::size_t>(state.range(0));
  std::mt19937_64 random(5);
  std::vector<std::string> paths;
  for (std::size_t i = 0; i < n; ++i) paths.push_back("/docker/" + hex_id(random));
  double bytes_per_container = 0;
  for (auto _ : state) {
    auto before = mallinfo2().uordblks;
    auto registry = std::make_unique<Registry>();
    for (std::size_t i = 0; i < n; ++i)
      registry->add_cgroup(kFirstContainerCgroup + i, paths[i], ContainerOrigin::existing, 0);
    auto after = mallinfo2().uordblks;
    bytes_per_container = static_cast<double>(after - before) / static_cast<double>(n);
    benchmark::DoNotOptimize(registry);
  }
  state.counters["bytes_per_container"] = bytes_per_container;
  state.SetItemsProcessed(state.iterations() * n);
}
BENCHMARK(BM_RegistryHeapPerContainer)
    ->Arg(10000)
    ->ArgName("containers")
    ->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace tracker

BENCHMARK_MAIN();
