// Kernel overhead: a fork + execve(/bin/true) + wait loop, timed without
// tracker and with tracker attached (default options, JSON to /dev/null), in
// alternating order over several rounds; the median of the per-round ratios.
// A second configuration, --scope container, shows the probes' own cost when
// the kernel filters every host event out (root).
//
//   overhead_bench --spawn=PATH [--rounds=15] [--spawns=2000] [--out=FILE] [--log=FILE]

#include <sys/wait.h>
#include <unistd.h>

#include <stdexcept>

#include "bench_util.h"

namespace tracker::bench {
namespace {

struct Loop {
  double wall_ns = 0;  // per spawn
  double cpu_ns = 0;   // per spawn: user + system time of the loop and its children
};

// One `spawn -n N` run.
Loop spawn_loop(const std::string& spawn, long spawns) {
  auto out = must(shell_quote(spawn) + " -n " + std::to_string(spawns));
  auto field = [&](const std::string& key) {
    auto at = out.find(key + "=");
    if (at == std::string::npos) throw std::runtime_error("spawn said: " + out);
    return std::stod(out.substr(at + key.size() + 1)) / static_cast<double>(spawns);
  };
  return {field("elapsed_ns"), field("cpu_ns")};
}

struct Config {
  std::string name;
  std::vector<std::string> args;
  std::vector<double> ratios;
  std::vector<double> cpu_ratios;
  std::vector<double> off_ns;
  std::vector<double> on_ns;
  std::vector<double> off_cpu_ns;
  std::vector<double> on_cpu_ns;
  std::vector<double> tracker_cpu_ns_per_spawn;
};

int run(const Args& args) {
  std::string spawn = args.get("spawn", "");
  if (spawn.empty()) throw std::runtime_error("--spawn=PATH is required");
  long rounds = args.number("rounds", 15);
  long spawns = args.number("spawns", 2000);
  std::string log = args.get("log", "");

  std::vector<Config> configs = {
      {"default options", {"--output", "json"}, {}, {}, {}, {}, {}, {}, {}},
      {"--scope container (host events filtered in the kernel)",
       {"--output", "json", "--scope", "container"},
       {},
       {},
       {},
       {},
       {},
       {},
       {}},
  };
  spawn_loop(spawn, spawns / 4);  // warm the page cache and the allocator

  std::size_t disturbed = 0;  // rounds during which another tracker ran
  for (auto& config : configs) {
    for (long round = 0; round < rounds; ++round) {
      // Another tracker's probes would slow the loop "without tracker" too.
      if (!wait_for_no_other_tracker(std::chrono::seconds(120))) ++disturbed;
      auto with_tracker = [&] {
        TrackerOptions options;
        options.args = config.args;
        options.capture_stdout = false;
        options.stderr_path = log;
        Tracker tracker(options);
        if (!tracker.wait_ready(60s)) throw std::runtime_error("tracker did not get ready");
        usleep(200'000);
        auto cpu_before = process_cpu_ns(tracker.pid());
        auto loop = spawn_loop(spawn, spawns);
        usleep(100'000);  // let it drain what is queued
        auto cpu = process_cpu_ns(tracker.pid()) - cpu_before;
        config.tracker_cpu_ns_per_spawn.push_back(static_cast<double>(cpu) / spawns);
        tracker.stop();
        return loop;
      };
      Loop off, on;
      if (round % 2 == 0) {
        off = spawn_loop(spawn, spawns);
        on = with_tracker();
      } else {
        on = with_tracker();
        off = spawn_loop(spawn, spawns);
      }
      config.off_ns.push_back(off.wall_ns);
      config.on_ns.push_back(on.wall_ns);
      config.off_cpu_ns.push_back(off.cpu_ns);
      config.on_cpu_ns.push_back(on.cpu_ns);
      config.ratios.push_back(on.wall_ns / off.wall_ns);
      config.cpu_ratios.push_back(on.cpu_ns / off.cpu_ns);
      say(config.name + " round " + std::to_string(round + 1) + ": " +
          std::to_string(static_cast<long>(off.wall_ns)) + " ns without, " +
          std::to_string(static_cast<long>(on.wall_ns)) + " ns with tracker (CPU " +
          std::to_string(static_cast<long>(off.cpu_ns)) + " / " +
          std::to_string(static_cast<long>(on.cpu_ns)) + " ns)");
    }
  }

  Json::Value result;
  result["spawns_per_run"] = static_cast<Json::Int64>(spawns);
  result["rounds_with_another_tracker"] = static_cast<Json::UInt64>(disturbed);
  result["rounds"] = static_cast<Json::Int64>(rounds);
  Json::Value list(Json::arrayValue);
  for (auto& config : configs) {
    Json::Value c;
    c["name"] = config.name;
    Json::Value tracker_args(Json::arrayValue);
    for (auto& a : config.args) tracker_args.append(a);
    c["tracker_args"] = tracker_args;
    c["ns_per_spawn_without"] = summary(config.off_ns);
    c["ns_per_spawn_with"] = summary(config.on_ns);
    c["ratio"] = summary(config.ratios);
    c["median_ratio"] = median(config.ratios);
    c["cpu_ns_per_spawn_without"] = summary(config.off_cpu_ns);
    c["cpu_ns_per_spawn_with"] = summary(config.on_cpu_ns);
    c["cpu_ratio"] = summary(config.cpu_ratios);
    c["median_cpu_ratio"] = median(config.cpu_ratios);
    c["tracker_cpu_ns_per_spawn"] = summary(config.tracker_cpu_ns_per_spawn);
    list.append(c);
  }
  result["configs"] = list;
  write_result(args, result);
  return 0;
}

}  // namespace
}  // namespace tracker::bench

int main(int argc, char** argv) {
  return tracker::bench::bench_main(argc, argv, tracker::bench::run);
}
