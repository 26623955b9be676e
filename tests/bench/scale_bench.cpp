// Scale (root, the fixtures' runtimes and system bus).
//
// Synthetic: N empty cgroups named like Docker's containers
// (<unified mount>/tracker-bench/docker/<64 hex>), removed afterwards.
//  - the start-up walk: the least any walk must do (list every directory,
//    fstatat() each cgroup, open only those with subdirectories: the floor),
//    tracker's walk_cgroups alone, and Pipeline::scan_existing (walk, registry,
//    JSON lines to /dev/null), in process; and tracker's start → READY=1 with
//    and without them;
//  - memory: heap of the in-process registry per container (mallinfo2), and
//    tracker's RSS with the N containers minus without, per container, with
//    its D-Bus objects (bus policy installed) and without a bus;
//  - lookup: Registry::find_by_cgroup over the populated registry;
//  - GetManagedObjects on the tracker with the N containers, timed.
// Large: L synthetic containers (100 000), tracker on the bus only: start →
// READY=1, RSS per container, GetManagedObjects (answered or refused, timed),
// GetContainer by full id, id prefix and an unknown name over the bus; and in
// process over a registry of L: lookups by id, by id prefix (the sorted ids)
// and by name (NameIndex), against the scans of every container they replace.
// Real: M containers (half Docker, half Podman) started before tracker
// --containers; time from tracker's start to READY=1, to the last enriched
// existing_container line and to the last ContainerAdded signal, against the
// runtimes' clients inspecting the same containers with tracker's concurrency
// (2 workers per runtime).
//
//   scale_bench [--cgroups=10000] [--large=100000] [--existing=200] [--runs=2] [--out=FILE]
//               [--log=FILE]

#include <dirent.h>
#include <fcntl.h>
#include <malloc.h>
#include <sys/stat.h>
#include <systemd/sd-bus.h>
#include <unistd.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <random>
#include <set>
#include <stdexcept>

#include "agent/pipeline.h"
#include "bench_util.h"
#include "cgroup/hierarchy.h"
#include "cgroup/walker.h"
#include "enrich/runtime_client.h"
#include "events/output_stream.h"
#include "events/printer.h"
#include "registry/name_index.h"
#include "registry/registry.h"

namespace tracker::bench {
namespace {

double ms_between(std::int64_t a, std::int64_t b) {
  return (b - a) / 1e6;
}

// N synthetic container cgroups, removed by the destructor.
class SyntheticCgroups {
 public:
  explicit SyntheticCgroups(const std::string& root) : root_(root) {}
  ~SyntheticCgroups() { remove(); }

  double create(std::size_t n) {
    std::int64_t start = monotonic_ns();
    mkdir(root_.c_str(), 0755);
    mkdir((root_ + "/docker").c_str(), 0755);
    for (std::size_t i = 0; i < n; ++i) {
      std::string dir = root_ + "/docker/" + random_hex();
      if (mkdir(dir.c_str(), 0755) != 0)
        throw std::runtime_error("mkdir " + dir + ": " + std::strerror(errno));
      dirs_.push_back(dir);
    }
    return ms_between(start, monotonic_ns());
  }

  void remove() {
    for (auto it = dirs_.rbegin(); it != dirs_.rend(); ++it) rmdir(it->c_str());
    dirs_.clear();
    rmdir((root_ + "/docker").c_str());
    rmdir(root_.c_str());
  }

  // The container ids, one per cgroup.
  std::vector<std::string> ids() const {
    std::vector<std::string> ids;
    for (const auto& dir : dirs_) ids.push_back(dir.substr(dir.rfind('/') + 1));
    return ids;
  }

 private:
  std::string root_;
  std::vector<std::string> dirs_;
};

// The least a walk can do to learn every cgroup's id and ctime: list each
// directory, fstatat() each subdirectory, and open only those that have
// subdirectories of their own (kernfs: st_nlink = 2 + subdirectories).
std::size_t minimal_walk(int dir_fd) {
  DIR* dir = fdopendir(dir_fd);
  if (!dir) {
    close(dir_fd);
    return 0;
  }
  std::size_t count = 0;
  while (dirent* entry = readdir(dir)) {
    if (entry->d_type != DT_DIR) continue;
    std::string_view name = entry->d_name;
    if (name == "." || name == "..") continue;
    struct stat st {};
    if (fstatat(dirfd(dir), entry->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0) continue;
    ++count;
    if (st.st_nlink <= 2) continue;
    int child = openat(dirfd(dir), entry->d_name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (child >= 0) count += minimal_walk(child);
  }
  closedir(dir);
  return count;
}

// A call to tracker on the system bus, timed: "" or the D-Bus error name.
struct Timed {
  std::string error;
  double ms = 0;
};

class SystemBus {
 public:
  SystemBus() {
    if (sd_bus_open_system(&bus_) < 0) throw std::runtime_error("cannot connect to the system bus");
  }
  ~SystemBus() { sd_bus_flush_close_unref(bus_); }

  Timed call(const char* path, const char* interface, const char* member,
             const std::string& argument = {}) {
    sd_bus_message* call = nullptr;
    sd_bus_message* reply = nullptr;
    sd_bus_error error = SD_BUS_ERROR_NULL;
    sd_bus_message_new_method_call(bus_, &call, "org.khulnasoft.Tracker1", path, interface, member);
    if (!argument.empty()) sd_bus_message_append(call, "s", argument.c_str());
    std::int64_t start = monotonic_ns();
    int r = sd_bus_call(bus_, call, 60'000'000, &error, &reply);
    Timed timed{r < 0 ? (error.name ? error.name : "failed") : "",
                ms_between(start, monotonic_ns())};
    sd_bus_error_free(&error);
    sd_bus_message_unref(reply);
    sd_bus_message_unref(call);
    return timed;
  }
  Timed managed_objects() {
    return call("/org/khulnasoft/Tracker1", "org.freedesktop.DBus.ObjectManager",
                "GetManagedObjects");
  }
  // GetContainer for each key; the median in µs and the errors seen.
  Json::Value get_container(const std::vector<std::string>& keys) {
    std::vector<double> us;
    std::set<std::string> errors;
    for (const auto& key : keys) {
      auto timed =
          call("/org/khulnasoft/Tracker1", "org.khulnasoft.Tracker1.Manager", "GetContainer", key);
      us.push_back(timed.ms * 1000);
      errors.insert(timed.error.empty() ? "found" : timed.error);
    }
    Json::Value result = summary(us);
    for (const auto& error : errors) result["answers"].append(error);
    return result;
  }

 private:
  sd_bus* bus_ = nullptr;
};

struct TrackerRun {
  double ready_ms = 0;
  long rss_kib = 0;
  long container_count = -1;
  Timed managed_objects;
};

TrackerRun tracker_run(bool dbus, const std::string& log) {
  TrackerOptions options;
  options.args = {"--output", "json"};
  options.capture_stdout = false;
  options.stderr_path = log;
  if (!dbus) options.env = {"DBUS_SYSTEM_BUS_ADDRESS=unix:path=/nonexistent/tracker-bench"};
  std::unique_ptr<Tracker> tracker;
  bool owns = false;
  if (dbus) {
    tracker = start_tracker_on_bus(options, owns);
    if (tracker && !owns) throw std::runtime_error("tracker could not own its bus name");
  } else {
    tracker = std::make_unique<Tracker>(options);
  }
  auto ready = tracker ? tracker->wait_ready(180s) : std::nullopt;
  if (!ready) throw std::runtime_error("tracker did not get ready; see " + log);
  TrackerRun run;
  run.ready_ms = ms_between(tracker->started_ns(), *ready);
  sleep(1);
  run.rss_kib = rss_kib(tracker->pid());
  if (owns) {
    run.container_count = BusWatcher::container_count();
    run.managed_objects = SystemBus().managed_objects();
  }
  tracker->stop();
  return run;
}

class NullPrinter : public Printer {
 public:
  void print(const Event&) override {}
};

Json::Value synthetic(const Args& args, const std::string& log) {
  auto n = static_cast<std::size_t>(args.number("cgroups", 10000));
  long runs = args.number("runs", 2);
  auto choice = detect_hierarchy("auto");
  if (!choice.hierarchy) throw std::runtime_error(choice.error);
  auto hierarchy = *choice.hierarchy;

  Json::Value result;
  result["cgroups"] = static_cast<Json::UInt64>(n);
  std::map<std::string, std::vector<TrackerRun>> runs_by;
  {
    InstalledBusPolicy policy;
    for (long r = 0; r < runs; ++r) {
      runs_by["baseline dbus"].push_back(tracker_run(true, log));
      runs_by["baseline no bus"].push_back(tracker_run(false, log));
    }
    SyntheticCgroups cgroups(hierarchy.mount_point + "/tracker-bench");
    say("creating " + std::to_string(n) + " cgroups");
    result["mkdir_ms"] = cgroups.create(n);
    for (long r = 0; r < runs; ++r) {
      runs_by["synthetic dbus"].push_back(tracker_run(true, log));
      runs_by["synthetic no bus"].push_back(tracker_run(false, log));
    }

    // In process: the bare walk, then the pipeline's scan, each 3 times.
    std::vector<double> walk_ms, scan_ms, heap_per_container, minimal_ms;
    std::size_t walked = 0, registered = 0, minimal = 0;
    for (int rep = 0; rep < 3; ++rep) {
      std::int64_t start = monotonic_ns();
      minimal =
          minimal_walk(open(hierarchy.mount_point.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
      minimal_ms.push_back(ms_between(start, monotonic_ns()));
    }
    for (int rep = 0; rep < 3; ++rep) {
      std::string error;
      std::size_t dirs = 0;
      std::int64_t start = monotonic_ns();
      if (!walk_cgroups(
              hierarchy.mount_point, hierarchy.mount_root, [&](const CgroupDir&) { ++dirs; },
              error))
        throw std::runtime_error(error);
      walk_ms.push_back(ms_between(start, monotonic_ns()));
      walked = dirs;
    }
    std::vector<std::uint64_t> ids;
    for (int rep = 0; rep < 3; ++rep) {
      int devnull = open("/dev/null", O_WRONLY | O_CLOEXEC);
      {
        OutputStream out(devnull);
        auto printer = make_printer(PrinterOptions{OutputFormat::json, false, false}, out);
        auto heap_before = mallinfo2().uordblks;
        auto pipeline = std::make_unique<Pipeline>(PipelineOptions{}, hierarchy, *printer);
        std::string error;
        std::int64_t start = monotonic_ns();
        if (!pipeline->scan_existing(error)) throw std::runtime_error(error);
        out.flush();
        scan_ms.push_back(ms_between(start, monotonic_ns()));
        auto heap_after = mallinfo2().uordblks;
        registered = pipeline->registry().size();
        heap_per_container.push_back(static_cast<double>(heap_after - heap_before) /
                                     static_cast<double>(registered));
        if (rep == 2) {
          // Lookups over the real ids, one in two a miss.
          pipeline->registry().for_each(
              [&](const std::shared_ptr<ContainerRecord>& c) { ids.push_back(c->cgroup_id); });
          std::mt19937_64 random(9);
          std::vector<std::uint64_t> keys;
          for (int i = 0; i < 4096; ++i)
            keys.push_back(i % 2 ? ids[random() % ids.size()] : (1ull << 60) + i);
          constexpr int kLookups = 4'000'000;
          std::size_t hits = 0;
          std::int64_t lookup_start = monotonic_ns();
          for (int i = 0; i < kLookups; ++i)
            hits += pipeline->registry().find_by_cgroup(keys[i & 4095]) != nullptr;
          double ns = static_cast<double>(monotonic_ns() - lookup_start) / kLookups;
          result["lookup_ns"] = ns;
          result["lookup_hits"] = static_cast<Json::UInt64>(hits);
        }
      }
      close(devnull);
    }
    result["walked_cgroups"] = static_cast<Json::UInt64>(walked);
    result["registered_containers"] = static_cast<Json::UInt64>(registered);
    result["walk_ms"] = summary(walk_ms);
    result["minimal_walk_ms"] = summary(minimal_ms);
    result["minimal_walk_cgroups"] = static_cast<Json::UInt64>(minimal);
    result["scan_ms"] = summary(scan_ms);
    result["heap_bytes_per_container"] = median(heap_per_container);
    say("removing the synthetic cgroups");
  }

  for (auto& [name, list] : runs_by) {
    std::vector<double> ready, rss, count, managed;
    std::string managed_error;
    for (auto& run : list) {
      ready.push_back(run.ready_ms);
      rss.push_back(static_cast<double>(run.rss_kib));
      count.push_back(static_cast<double>(run.container_count));
      managed.push_back(run.managed_objects.ms);
      if (!run.managed_objects.error.empty()) managed_error = run.managed_objects.error;
    }
    Json::Value r;
    r["ready_ms"] = summary(ready);
    r["rss_kib"] = summary(rss);
    r["container_count"] = summary(count);
    if (list.front().container_count >= 0) {
      r["managed_objects_ms"] = summary(managed);
      r["managed_objects_error"] = managed_error;
    }
    result["tracker"][name] = r;
  }
  for (std::string bus : {"dbus", "no bus"}) {
    auto& with = result["tracker"]["synthetic " + bus];
    auto& without = result["tracker"]["baseline " + bus];
    double rss_delta = with["rss_kib"]["p50"].asDouble() - without["rss_kib"]["p50"].asDouble();
    result["rss_bytes_per_container " + bus] = rss_delta * 1024 / static_cast<double>(n);
    result["walk_ready_delta_ms " + bus] =
        with["ready_ms"]["p50"].asDouble() - without["ready_ms"]["p50"].asDouble();
  }
  return result;
}

// ns per call of `lookup`, over `reps` calls.
template <typename Lookup>
double ns_per(long reps, Lookup&& lookup) {
  std::int64_t start = monotonic_ns();
  std::size_t sink = 0;
  for (long i = 0; i < reps; ++i) sink += lookup(i);
  double ns = static_cast<double>(monotonic_ns() - start) / static_cast<double>(reps);
  if (sink == 42424242) say("");  // keeps the lookups from being optimised away
  return ns;
}

// Lookups by id, prefix and name in a registry of the large run's ids, each
// way the daemon answers GetContainer now and the scan it did before.
Json::Value lookups(const std::vector<std::string>& ids) {
  Registry registry;
  NameIndex names;
  std::uint64_t cgroup = 1;
  for (std::size_t i = 0; i < ids.size(); ++i) {
    auto added = registry.add_cgroup(++cgroup, "/docker/" + ids[i], ContainerOrigin::existing, 0);
    if (!added.container) continue;
    added.container->info.name = "bench-" + std::to_string(i);
    names.set(ids[i], added.container->info.name);
  }
  auto key = [&](long i) { return static_cast<std::size_t>(i * 7919) % ids.size(); };
  auto scan = [&](const std::function<bool(const ContainerRecord&)>& match) {
    std::size_t found = 0;
    registry.for_each([&](const std::shared_ptr<ContainerRecord>& c) { found += match(*c); });
    return found;
  };
  Json::Value r;
  r["containers"] = static_cast<Json::UInt64>(registry.size());
  r["by_id_ns"] =
      ns_per(1'000'000, [&](long i) { return registry.find_by_id(ids[key(i)]) ? 1 : 0; });
  r["by_prefix_ns"] = ns_per(1'000'000, [&](long i) {
    std::string_view prefix = std::string_view(ids[key(i)]).substr(0, 12);
    std::size_t found = 0;
    registry.for_each_with_prefix(
        prefix, [&](const std::shared_ptr<ContainerRecord>&) { return ++found < 2; });
    return found;
  });
  r["by_name_ns"] = ns_per(
      1'000'000, [&](long i) { return names.ids("bench-" + std::to_string(key(i))).size(); });
  r["scan_prefix_ns"] = ns_per(30, [&](long i) {
    std::string_view prefix = std::string_view(ids[key(i)]).substr(0, 12);
    return scan([&](const ContainerRecord& c) { return c.id().starts_with(prefix); });
  });
  r["scan_name_ns"] = ns_per(30, [&](long i) {
    std::string name = "bench-" + std::to_string(key(i));
    return scan([&](const ContainerRecord& c) { return c.info.name == name; });
  });
  return r;
}

Json::Value large(const Args& args, const std::string& log) {
  auto n = static_cast<std::size_t>(args.number("large", 100000));
  auto choice = detect_hierarchy("auto");
  if (!choice.hierarchy) throw std::runtime_error(choice.error);
  Json::Value result;
  result["containers"] = static_cast<Json::UInt64>(n);
  InstalledBusPolicy policy;
  auto baseline = tracker_run(true, log);
  SyntheticCgroups cgroups(choice.hierarchy->mount_point + "/tracker-bench-large");
  say("creating " + std::to_string(n) + " cgroups");
  result["mkdir_ms"] = cgroups.create(n);
  auto ids = cgroups.ids();

  TrackerOptions options;
  options.args = {"--output", "json"};
  options.capture_stdout = false;
  options.stderr_path = log;
  bool owns = false;
  auto tracker = start_tracker_on_bus(options, owns);
  if (!tracker || !owns)
    throw std::runtime_error("tracker did not get ready on the bus; see " + log);
  auto ready = tracker->wait_ready(180s);
  result["ready_ms"] = ms_between(tracker->started_ns(), *ready);
  sleep(1);
  auto rss = rss_kib(tracker->pid());
  result["rss_kib"] = static_cast<Json::Int64>(rss);
  result["baseline_rss_kib"] = static_cast<Json::Int64>(baseline.rss_kib);
  result["rss_bytes_per_container"] =
      static_cast<double>(rss - baseline.rss_kib) * 1024 / static_cast<double>(n);
  result["container_count"] = static_cast<Json::Int64>(BusWatcher::container_count());
  {
    SystemBus bus;
    auto managed = bus.managed_objects();
    result["managed_objects_ms"] = managed.ms;
    result["managed_objects_error"] = managed.error;
    std::vector<std::string> full, prefixes, unknown;
    for (std::size_t i = 0; i < 200; ++i) {
      const auto& id = ids[(i * 7919) % ids.size()];
      full.push_back(id);
      prefixes.push_back(id.substr(0, 12));
      unknown.push_back("no-such-container-" + std::to_string(i));
    }
    result["get_container_us"]["id"] = bus.get_container(full);
    result["get_container_us"]["prefix"] = bus.get_container(prefixes);
    result["get_container_us"]["unknown name"] = bus.get_container(unknown);
  }
  result["rss_after_calls_kib"] = static_cast<Json::Int64>(rss_kib(tracker->pid()));
  tracker->stop();
  say("lookups in process over " + std::to_string(n) + " containers");
  result["lookups"] = lookups(ids);
  say("removing the synthetic cgroups");
  return result;
}

Json::Value existing(const Args& args, const std::string& log) {
  long m = args.number("existing", 200);
  Janitor janitor;
  std::vector<std::pair<Runtime, std::string>> containers;
  std::mutex mutex;
  say("starting " + std::to_string(m) + " containers (half Docker, half Podman)");
  std::int64_t start = monotonic_ns();
  {
    std::atomic<long> next{0};
    std::vector<std::thread> workers;
    for (int w = 0; w < 4; ++w)
      workers.emplace_back([&] {
        for (long i; (i = next++) < m;) {
          Runtime runtime = i % 2 ? Runtime::podman : Runtime::docker;
          auto id = start_container(runtime);
          if (id.empty()) continue;
          janitor.add(runtime, id);
          std::lock_guard lock(mutex);
          containers.emplace_back(runtime, id);
        }
      });
    for (auto& w : workers) w.join();
  }
  Json::Value result;
  result["containers"] = static_cast<Json::UInt64>(containers.size());
  result["start_all_s"] = ms_between(start, monotonic_ns()) / 1000;
  if (static_cast<long>(containers.size()) != m)
    say("warning: only " + std::to_string(containers.size()) + " containers started");

  {
    InstalledBusPolicy policy;
    BusWatcher bus;
    if (!bus.ok()) throw std::runtime_error(bus.error());
    TrackerOptions options;
    options.args = {"--containers", "--output", "json", "--events",
                    "existing_container,container_create,container_remove"};
    options.stderr_path = log;
    bool dbus = false;
    auto started = start_tracker_on_bus(options, dbus);
    auto ready = started ? started->wait_ready(180s) : std::nullopt;
    if (!ready) throw std::runtime_error("tracker did not get ready; see " + log);
    Tracker& tracker = *started;
    result["ready_ms"] = ms_between(tracker.started_ns(), *ready);
    result["dbus"] = dbus;

    std::set<std::string> wanted;
    for (auto& [runtime, id] : containers) wanted.insert(id);
    tracker.wait_until(
        [&](const std::vector<Line>& lines) {
          std::size_t seen = 0;
          for (auto& line : lines)
            seen += line.event["eventName"] == "existing_container" &&
                    wanted.count(line.event["containerId"].asString());
          return seen >= wanted.size();
        },
        180s);
    std::int64_t last_json = 0;
    std::size_t seen = 0, enriched = 0;
    for (auto& line : tracker.lines()) {
      if (line.event["eventName"] != "existing_container" ||
          !wanted.count(line.event["containerId"].asString()))
        continue;
      ++seen;
      enriched += !line.event["container"]["name"].asString().empty();
      last_json = std::max(last_json, line.received_ns);
    }
    result["json_lines"] = static_cast<Json::UInt64>(seen);
    result["enriched"] = static_cast<Json::UInt64>(enriched);
    result["all_json_ms"] = ms_between(tracker.started_realtime_ns(), last_json);
    if (dbus) {
      std::int64_t last_signal = 0;
      std::size_t signals = 0;
      for (auto& id : wanted)
        if (auto s = bus.wait_for("ContainerAdded", id, 60s)) {
          ++signals;
          last_signal = std::max(last_signal, s->received_ns);
        }
      result["dbus_signals"] = static_cast<Json::UInt64>(signals);
      result["all_dbus_ms"] = ms_between(tracker.started_realtime_ns(), last_signal);
    }
    tracker.stop();
  }

  // The floor: the runtimes' clients inspecting the same containers, 2 workers per runtime.
  {
    std::int64_t floor_start = monotonic_ns();
    std::vector<std::thread> workers;
    std::atomic<long> failures{0};
    for (auto runtime : {Runtime::docker, Runtime::podman}) {
      std::vector<std::string> ids;
      for (auto& [r, id] : containers)
        if (r == runtime) ids.push_back(id);
      auto shared = std::make_shared<std::vector<std::string>>(ids);
      auto next = std::make_shared<std::atomic<std::size_t>>(0);
      for (int w = 0; w < 2; ++w)
        workers.emplace_back([runtime, shared, next, &failures] {
          auto client = runtime == Runtime::docker ? make_docker_client(socket_of(runtime))
                                                   : make_podman_client(socket_of(runtime));
          for (std::size_t i; (i = (*next)++) < shared->size();)
            if (client->inspect((*shared)[i], 5000ms).status != LookupStatus::found) ++failures;
        });
    }
    for (auto& w : workers) w.join();
    result["clients_inspect_all_ms"] = ms_between(floor_start, monotonic_ns());
    result["clients_inspect_failures"] = static_cast<Json::Int64>(failures.load());
  }

  say("removing the containers");
  {
    std::atomic<std::size_t> next{0};
    std::vector<std::thread> workers;
    for (int w = 0; w < 4; ++w)
      workers.emplace_back([&] {
        for (std::size_t i; (i = next++) < containers.size();) {
          remove_container(containers[i].first, containers[i].second);
          janitor.done(containers[i].second);
        }
      });
    for (auto& w : workers) w.join();
  }
  return result;
}

int run(const Args& args) {
  std::string log = args.get("log", "/tmp/tracker-bench-scale.log");
  std::ofstream(log, std::ios::trunc).flush();
  Json::Value result;
  if (args.number("cgroups", 10000) > 0) result["synthetic"] = synthetic(args, log);
  if (args.number("large", 100000) > 0) result["large"] = large(args, log);
  if (args.number("existing", 200) > 0) result["existing"] = existing(args, log);
  write_result(args, result);
  return 0;
}

}  // namespace
}  // namespace tracker::bench

int main(int argc, char** argv) {
  return tracker::bench::bench_main(argc, argv, tracker::bench::run);
}
