// Churn (root, the fixtures' runtimes and system bus): W workers create and
// remove real containers in parallel (Docker, Podman and containerd in turn),
// first without tracker (the machine's own rate, the floor), then with tracker
// --containers --output json owning org.khulnasoft.Tracker1. Every container
// must be reported added once and removed once, in the JSON stream and on
// D-Bus, and ContainerCount must come back to where it was.
//
//   churn_bench [--workers=6] [--per-worker=24] [--runtimes=docker,podman,containerd]
//               [--out=FILE] [--log=FILE]

#include <unistd.h>

#include <fstream>
#include <set>
#include <stdexcept>

#include "bench_util.h"

namespace tracker::bench {
namespace {

struct Churn {
  std::vector<std::pair<Runtime, std::string>> ids;
  double seconds = 0;
  long failures = 0;
};

Churn churn(const std::vector<Runtime>& runtimes, long workers, long per_worker, Janitor& janitor) {
  Churn result;
  std::mutex mutex;
  std::atomic<long> failures{0};
  std::int64_t start = monotonic_ns();
  std::vector<std::thread> threads;
  for (long w = 0; w < workers; ++w)
    threads.emplace_back([&, w] {
      for (long i = 0; i < per_worker; ++i) {
        Runtime runtime = runtimes[static_cast<std::size_t>(w + i) % runtimes.size()];
        auto id = start_container(runtime);
        if (id.empty()) {
          ++failures;
          continue;
        }
        janitor.add(runtime, id);
        if (!remove_container(runtime, id)) ++failures;
        janitor.done(id);
        std::lock_guard lock(mutex);
        result.ids.emplace_back(runtime, id);
      }
    });
  for (auto& t : threads) t.join();
  result.seconds = (monotonic_ns() - start) / 1e9;
  result.failures = failures;
  return result;
}

int run(const Args& args) {
  long workers = args.number("workers", 6);
  long per_worker = args.number("per-worker", 24);
  std::string log = args.get("log", "/tmp/tracker-bench-churn.log");
  std::ofstream(log, std::ios::trunc).flush();
  std::vector<Runtime> runtimes;
  for (auto& word : split(args.get("runtimes", "docker,podman,containerd"), ',')) {
    auto runtime = runtime_named(word);
    if (!runtime) throw std::runtime_error("unknown runtime " + word);
    runtimes.push_back(*runtime);
  }
  Janitor janitor;
  Json::Value result;
  result["workers"] = static_cast<Json::Int64>(workers);
  result["per_worker"] = static_cast<Json::Int64>(per_worker);

  say("without tracker: " + std::to_string(workers) + " workers x " + std::to_string(per_worker));
  auto bare = churn(runtimes, workers, per_worker, janitor);
  result["without"]["containers"] = static_cast<Json::UInt64>(bare.ids.size());
  result["without"]["seconds"] = bare.seconds;
  result["without"]["per_second"] = bare.ids.size() / bare.seconds;
  result["without"]["failures"] = static_cast<Json::Int64>(bare.failures);

  InstalledBusPolicy policy;
  BusWatcher bus;
  if (!bus.ok()) throw std::runtime_error(bus.error());
  TrackerOptions options;
  options.args = {"--containers", "--output", "json", "--events",
                  "container_create,container_remove,existing_container"};
  options.stderr_path = log;
  bool dbus = false;
  auto started = start_tracker_on_bus(options, dbus);
  if (!started) throw std::runtime_error("tracker did not get ready; see " + log);
  Tracker& tracker = *started;
  if (!dbus) say("warning: tracker does not own org.khulnasoft.Tracker1: no D-Bus checks");
  long count_before = dbus ? BusWatcher::container_count() : -1;
  result["dbus"] = dbus;

  say("with tracker");
  auto tracked = churn(runtimes, workers, per_worker, janitor);
  result["with"]["containers"] = static_cast<Json::UInt64>(tracked.ids.size());
  result["with"]["seconds"] = tracked.seconds;
  result["with"]["per_second"] = tracked.ids.size() / tracked.seconds;
  result["with"]["failures"] = static_cast<Json::Int64>(tracked.failures);

  // Every remove seen (or 60 s), then 3 s more for duplicates to show.
  std::set<std::string> ours;
  for (auto& [runtime, id] : tracked.ids) ours.insert(id);
  tracker.wait_until(
      [&](const std::vector<Line>& lines) {
        std::size_t removed = 0;
        for (auto& line : lines)
          removed += line.event["eventName"] == "container_remove" &&
                     ours.count(line.event["containerId"].asString());
        return removed >= ours.size();
      },
      60s);
  if (dbus) bus.wait_count("ContainerRemoved", ours.size(), 30s);
  sleep(3);
  long count_after = dbus ? BusWatcher::container_count() : -1;
  auto lines = tracker.lines();
  auto signals = bus.signals();
  tracker.stop();

  auto counts = count_lifecycle(lines);
  std::map<std::string, int> added, removed;
  for (auto& s : signals) {
    if (s.member == "ContainerAdded") ++added[s.id];
    if (s.member == "ContainerRemoved") ++removed[s.id];
  }
  long json_ok = 0, dbus_ok = 0;
  Json::Value wrong(Json::arrayValue);
  for (auto& id : ours) {
    int c = counts["container_create " + id], r = counts["container_remove " + id];
    bool j = c == 1 && r == 1;
    bool d = !dbus || (added[id] == 1 && removed[id] == 1);
    json_ok += j;
    dbus_ok += d;
    if ((!j || !d) && wrong.size() < 20) {
      Json::Value w;
      w["id"] = id;
      w["json_create"] = c;
      w["json_remove"] = r;
      w["dbus_added"] = added[id];
      w["dbus_removed"] = removed[id];
      wrong.append(w);
    }
  }
  result["checked"] = static_cast<Json::UInt64>(ours.size());
  result["json_exactly_once"] = static_cast<Json::Int64>(json_ok);
  result["dbus_exactly_once"] = static_cast<Json::Int64>(dbus_ok);
  result["wrong"] = wrong;
  result["container_count_before"] = static_cast<Json::Int64>(count_before);
  result["container_count_after"] = static_cast<Json::Int64>(count_after);
  result["bad_lines"] = static_cast<Json::UInt64>(tracker.bad_lines());
  bool ok = json_ok == static_cast<long>(ours.size()) &&
            dbus_ok == static_cast<long>(ours.size()) && (!dbus || count_after == count_before) &&
            tracked.failures == 0;
  result["met"] = ok;
  result["ratio"] = tracked.ids.size() / tracked.seconds / (bare.ids.size() / bare.seconds);
  say(std::string("churn: ") + (ok ? "every container added once and removed once" : "FAILED") +
      "; " + std::to_string(tracked.ids.size() / tracked.seconds) + " containers/s with tracker");
  write_result(args, result);
  return 0;
}

}  // namespace
}  // namespace tracker::bench

int main(int argc, char** argv) {
  return tracker::bench::bench_main(argc, argv, tracker::bench::run);
}
