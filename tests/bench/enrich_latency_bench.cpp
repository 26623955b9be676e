// Enrichment latency per runtime (root, the fixtures' runtimes and system bus).
//
// tracker runs with --containers --output json and owns org.khulnasoft.Tracker1
// (the project's bus policy is installed for the run). For each of N container
// starts: the kernel's cgroup_mkdir time (the JSON `timestamp` of
// container_create) to the receipt of the enriched container_create line and
// of the D-Bus ContainerAdded signal (CLOCK_REALTIME on both sides). Then, on
// the same container, the runtime's own inspect round trip: one container
// inspect on its API (Docker/Podman: GET /containers/<id>/json over the unix
// socket; containerd: one Containers/Get gRPC call), and the full lookup of
// src/enrich's client (container + image inspect), each the median of 5.
// tracker's log (--verbose) tells how long its own lookup took. And what the
// runtime answers while it starts the container: the moment the cgroup
// directory appears, the same two lookups are made, and for Docker and Podman a
// container list filtered to the id (all measured from the mkdir). Docker and
// Podman hold the container's lock for the whole start; Docker's list is served
// from a lock-free snapshot.
//
//   enrich_latency_bench [--count=20] [--runtimes=docker,podman,containerd] [--out=FILE]
//   [--log=FILE]

#include <signal.h>
#include <unistd.h>

#include <fstream>
#include <regex>
#include <stdexcept>

#include "bench_util.h"
#include "enrich/containerd_containers.grpc.pb.h"
#include "enrich/grpc_util.h"
#include "enrich/http_unix.h"
#include "enrich/runtime_client.h"

namespace tracker::bench {
namespace {

constexpr int kRepeats = 5;

double ms_since(std::int64_t start_ns) {
  return (monotonic_ns() - start_ns) / 1e6;
}

// One container inspect on the runtime's API, in ms; negative on failure.
class RawInspect {
 public:
  explicit RawInspect(Runtime runtime) : runtime_(runtime), socket_(socket_of(runtime)) {
    if (runtime == Runtime::containerd) {
      channel_ = make_unix_channel(socket_);
      stub_ = containerd::services::containers::v1::Containers::NewStub(channel_);
    }
  }

  double once(const std::string& id) {
    std::int64_t start = monotonic_ns();
    switch (runtime_) {
      case Runtime::docker:
      case Runtime::podman: {
        std::string prefix = runtime_ == Runtime::podman ? "/v4.0.0/libpod" : "";
        auto reply =
            http_get_unix(socket_, prefix + "/containers/" + id + "/json", 2000ms, 4 * 1024 * 1024);
        if (reply.outcome != HttpOutcome::reply || reply.code != 200) return -1;
        break;
      }
      case Runtime::containerd: {
        containerd::services::containers::v1::GetContainerRequest request;
        request.set_id(id);
        containerd::services::containers::v1::GetContainerResponse response;
        auto context = make_context(Deadline(2000ms), "tracker-test");
        if (!stub_->Get(context.get(), request, &response).ok()) return -1;
        break;
      }
    }
    return ms_since(start);
  }

  // Docker and Podman: the container list filtered to this id, in ms
  // (Docker serves it from a lock-free snapshot, Podman locks the container).
  double list_once(const std::string& id) {
    if (runtime_ == Runtime::containerd) return -1;
    std::string prefix = runtime_ == Runtime::podman ? "/v4.0.0/libpod" : "";
    std::int64_t start = monotonic_ns();
    auto reply = http_get_unix(
        socket_,
        prefix + "/containers/json?all=true&filters=%7B%22id%22%3A%5B%22" + id + "%22%5D%7D",
        2000ms, 4 * 1024 * 1024);
    if (reply.outcome != HttpOutcome::reply || reply.code != 200 ||
        reply.body.find(id) == std::string::npos)
      return -1;
    return ms_since(start);
  }

 private:
  Runtime runtime_;
  std::string socket_;
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<containerd::services::containers::v1::Containers::Stub> stub_;
};

std::unique_ptr<RuntimeClient> client_for(Runtime runtime);

// What the runtime answers while it starts the container: waits for the
// container's cgroup directory to appear, then asks at once, in parallel, with
// one container inspect and with src/enrich's client. The earliest an
// inspect-based enrichment can have its answer.
class StartProbe {
 public:
  StartProbe(Runtime runtime, const std::string& id) {
    std::string dir = cgroup_dir_of(runtime, id);
    thread_ = std::thread([this, runtime, id, dir] {
      while (!stop_ && access(dir.c_str(), F_OK) != 0) usleep(250);
      if (stop_) return;
      seen_ns = realtime_ns();
      std::thread client_thread([&] {
        auto client = client_for(runtime);
        client_ok = client->inspect(id, 5000ms).status == LookupStatus::found;
        client_ns = realtime_ns();
      });
      std::thread list_thread([&] {
        RawInspect raw(runtime);
        list_ok = raw.list_once(id) >= 0;
        list_ns = realtime_ns();
      });
      RawInspect raw(runtime);
      raw_ok = raw.once(id) >= 0;
      raw_ns = realtime_ns();
      client_thread.join();
      list_thread.join();
    });
  }
  ~StartProbe() { join(); }
  void join() {
    stop_ = true;
    if (thread_.joinable()) thread_.join();
  }

  std::int64_t seen_ns = 0, raw_ns = 0, client_ns = 0, list_ns = 0;
  bool raw_ok = false, client_ok = false, list_ok = false;

 private:
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

std::unique_ptr<RuntimeClient> client_for(Runtime runtime) {
  switch (runtime) {
    case Runtime::docker:
      return make_docker_client(socket_of(runtime));
    case Runtime::podman:
      return make_podman_client(socket_of(runtime));
    case Runtime::containerd:
      return make_containerd_client(socket_of(runtime));
  }
  return nullptr;
}

// tracker's "enrich: <runtime> <id>: <name> in <N> us" debug lines: id → ms.
std::map<std::string, double> lookups_in_log(const std::string& path) {
  std::map<std::string, double> result;
  std::ifstream log(path);
  std::string line;
  static const std::regex pattern(R"(enrich: \w+ (\S+): .* in (\d+) us$)");
  std::smatch m;
  while (std::getline(log, line))
    if (std::regex_search(line, m, pattern)) result[m[1]] = std::stod(m[2]) / 1000.0;
  return result;
}

int run(const Args& args) {
  long count = args.number("count", 20);
  std::string log = args.get("log", "/tmp/tracker-bench-enrich.log");
  std::vector<Runtime> runtimes;
  for (auto& word : split(args.get("runtimes", "docker,podman,containerd"), ',')) {
    auto runtime = runtime_named(word);
    if (!runtime) throw std::runtime_error("unknown runtime " + word);
    runtimes.push_back(*runtime);
  }
  std::ofstream(log, std::ios::trunc).flush();

  InstalledBusPolicy policy;
  BusWatcher bus;
  if (!bus.ok()) throw std::runtime_error(bus.error());
  TrackerOptions options;
  options.args = {
      "--containers", "--output", "json", "--events", "container_create,container_remove",
      "--verbose"};
  options.stderr_path = log;
  bool dbus = false;
  auto started = start_tracker_on_bus(options, dbus);
  if (!started) throw std::runtime_error("tracker did not get ready; see " + log);
  Tracker& tracker = *started;
  if (!dbus) say("warning: tracker does not own org.khulnasoft.Tracker1: no D-Bus figures");

  Janitor janitor;
  Json::Value result;
  result["count"] = static_cast<Json::Int64>(count);
  result["dbus"] = dbus;
  Json::Value per_runtime;
  std::vector<std::pair<Runtime, std::string>> ids;
  std::map<std::string, std::vector<double>> json_ms, dbus_ms, raw_ms, client_ms;
  std::map<std::string, std::vector<double>> at_start_raw_ms, at_start_client_ms, probe_seen_ms,
      at_start_list_ms;
  std::map<std::string, int> not_enriched, missing;
  for (auto runtime : runtimes) {
    std::string rt = name(runtime);
    RawInspect raw(runtime);
    auto client = client_for(runtime);
    say(rt + ": " + std::to_string(count) + " container starts");
    for (long i = 0; i < count; ++i) {
      auto id = create_container(runtime);
      if (id.empty()) throw std::runtime_error("cannot create a " + rt + " container");
      ids.emplace_back(runtime, id);
      janitor.add(runtime, id);
      StartProbe probe(runtime, id);
      if (!start_created(runtime, id))
        throw std::runtime_error("cannot start a " + rt + " container");
      std::optional<Line> created;
      tracker.wait_until(
          [&](const std::vector<Line>& lines) {
            for (auto& line : lines)
              if (line.event["eventName"] == "container_create" &&
                  line.event["containerId"] == id) {
                created = line;
                return true;
              }
            return false;
          },
          20s);
      std::optional<Signal> added;
      if (dbus) added = bus.wait_for("ContainerAdded", id, 20s);
      probe.join();
      if (!created) {
        ++missing[rt];
      } else {
        std::int64_t mkdir_ns = created->event["timestamp"].asInt64();
        json_ms[rt].push_back((created->received_ns - mkdir_ns) / 1e6);
        if (added) dbus_ms[rt].push_back((added->received_ns - mkdir_ns) / 1e6);
        if (created->event["container"]["image"].asString().empty()) ++not_enriched[rt];
        if (probe.raw_ok) at_start_raw_ms[rt].push_back((probe.raw_ns - mkdir_ns) / 1e6);
        if (probe.client_ok) at_start_client_ms[rt].push_back((probe.client_ns - mkdir_ns) / 1e6);
        if (probe.seen_ns) probe_seen_ms[rt].push_back((probe.seen_ns - mkdir_ns) / 1e6);
        if (probe.list_ok) at_start_list_ms[rt].push_back((probe.list_ns - mkdir_ns) / 1e6);
      }
      std::vector<double> raw_once, client_once;
      for (int k = 0; k < kRepeats; ++k) {
        raw_once.push_back(raw.once(id));
        std::int64_t start = monotonic_ns();
        auto found = client->inspect(id, 2000ms);
        client_once.push_back(found.status == LookupStatus::found ? ms_since(start) : -1);
      }
      raw_ms[rt].push_back(median(raw_once));
      client_ms[rt].push_back(median(client_once));
      remove_container(runtime, id);
      janitor.done(id);
      tracker.wait_until(
          [&](const std::vector<Line>& lines) {
            for (auto& line : lines)
              if (line.event["eventName"] == "container_remove" && line.event["containerId"] == id)
                return true;
            return false;
          },
          20s);
    }
  }
  bool alive = kill(tracker.pid(), 0) == 0;
  result["tracker_exit_status"] = tracker.stop();
  result["tracker_alive_at_end"] = alive;
  if (!alive) say("warning: tracker died during the run; see " + log);

  auto lookups = lookups_in_log(log);
  for (auto runtime : runtimes) {
    std::string rt = name(runtime);
    std::vector<double> tracker_lookup;
    for (auto& [r, id] : ids)
      if (r == runtime && lookups.count(id)) tracker_lookup.push_back(lookups[id]);
    Json::Value r;
    r["json_ms"] = summary(json_ms[rt]);
    r["dbus_ms"] = summary(dbus_ms[rt]);
    r["inspect_round_trip_ms"] = summary(raw_ms[rt]);
    r["client_lookup_ms"] = summary(client_ms[rt]);
    r["tracker_lookup_ms"] = summary(tracker_lookup);
    r["inspect_at_start_ms"] = summary(at_start_raw_ms[rt]);
    r["client_lookup_at_start_ms"] = summary(at_start_client_ms[rt]);
    r["probe_saw_cgroup_ms"] = summary(probe_seen_ms[rt]);
    r["list_at_start_ms"] = summary(at_start_list_ms[rt]);
    r["not_enriched"] = not_enriched[rt];
    r["missing"] = missing[rt];
    double round_trip = median(raw_ms[rt]);
    double target = 1.5 * round_trip + 2.0;
    r["target_ms"] = target;
    r["json_ratio"] = round_trip > 0 ? percentile(json_ms[rt], 50) / round_trip : 0;
    r["dbus_ratio"] = round_trip > 0 ? percentile(dbus_ms[rt], 50) / round_trip : 0;
    r["met"] = percentile(json_ms[rt], 50) <= target &&
               (!dbus || percentile(dbus_ms[rt], 50) <= target) && missing[rt] == 0;
    per_runtime[rt] = r;
    say(rt + ": JSON p50 " + std::to_string(percentile(json_ms[rt], 50)) + " ms, D-Bus p50 " +
        std::to_string(percentile(dbus_ms[rt], 50)) + " ms, inspect " + std::to_string(round_trip) +
        " ms");
  }
  result["runtimes"] = per_runtime;
  write_result(args, result);
  return 0;
}

}  // namespace
}  // namespace tracker::bench

int main(int argc, char** argv) {
  return tracker::bench::bench_main(argc, argv, tracker::bench::run);
}
