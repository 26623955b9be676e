#pragma once

// What the root-only benchmarks share: clocks, shell commands, figures,
// tracker as a child process (its JSON lines time-stamped on receipt), a
// watcher of its D-Bus signals, and the container runtimes' command lines.

#include <json/json.h>
#include <sys/types.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace tracker::bench {

using namespace std::chrono_literals;

// ---- clocks ----------------------------------------------------------------
std::int64_t realtime_ns();
std::int64_t monotonic_ns();
std::int64_t thread_cpu_ns();

// ---- command line of a benchmark: --key=value ------------------------------
class Args {
 public:
  Args(int argc, char** argv);
  std::string get(const std::string& key, const std::string& fallback) const;
  long number(const std::string& key, long fallback) const;
  bool flag(const std::string& key) const { return values_.count(key) != 0; }

 private:
  std::map<std::string, std::string> values_;
};

// ---- shell -------------------------------------------------------------------
struct Shell {
  int status = -1;
  std::string out;  // stdout, trailing whitespace trimmed
};
// `command` through /bin/sh; stderr goes to ours.
Shell sh(const std::string& command);
// Same, but failing is fatal (the message names the command).
std::string must(const std::string& command);
std::string shell_quote(const std::string& text);
// The non-empty fields of `text` between `separator`s.
std::vector<std::string> split(const std::string& text, char separator);

// ---- figures -----------------------------------------------------------------
// Nearest-rank percentile (p in [0, 100]) of `values`; 0 when empty.
double percentile(std::vector<double> values, double p);
double median(std::vector<double> values);
double mean(const std::vector<double>& values);
Json::Value summary(const std::vector<double>& values);  // n, min, p50, p99, max, mean
void write_json(const std::string& path, const Json::Value& value);
void write_result(const Args& args, const Json::Value& result);  // to --out=FILE, if given
void say(const std::string& text);  // progress on stderr, prefixed with the program name

// The main() of a benchmark: `run` with the parsed command line; an exception
// is reported and exits 1.
int bench_main(int argc, char** argv, int (*run)(const Args&));

// ---- environment ---------------------------------------------------------------
std::string source_root();     // TRACKER_SOURCE_ROOT, else the source tree this was built from
std::string tracker_binary();  // TRACKER_BIN, else the tracker of this build
std::string test_image();      // TRACKER_TEST_IMAGE, else localhost/tracker-test/busybox:latest
std::string unified_mount();   // /sys/fs/cgroup/unified on hybrid hosts, else /sys/fs/cgroup
long rss_kib(pid_t pid);       // VmRSS, -1 when gone
std::int64_t process_cpu_ns(pid_t pid);  // run time of its live threads (schedstat)
std::string random_hex(std::size_t length = 64);
// PIDs of processes named "tracker" other than `except` (others' tests, a service).
std::vector<pid_t> other_trackers(pid_t except = 0);
// Waits up to `timeout` for other_trackers() to be empty; whether it is.
bool wait_for_no_other_tracker(std::chrono::seconds timeout);

// The project's bus policy in /etc/dbus-1/system.d for the run (the bus
// reloaded), the previous file put back and the bus reloaded afterwards.
class InstalledBusPolicy {
 public:
  InstalledBusPolicy();
  ~InstalledBusPolicy();
  InstalledBusPolicy(const InstalledBusPolicy&) = delete;
  InstalledBusPolicy& operator=(const InstalledBusPolicy&) = delete;

 private:
  std::optional<std::string> backup_;
};

// ---- tracker -----------------------------------------------------------------
struct Line {
  std::int64_t received_ns = 0;  // CLOCK_REALTIME when the reader got it
  Json::Value event;
};

struct TrackerOptions {
  std::vector<std::string> args;
  bool capture_stdout = true;    // false: stdout is /dev/null
  std::string stderr_path;       // where its log goes ("" = /dev/null)
  std::vector<std::string> env;  // NAME=VALUE added to its environment
};

// tracker as a child process, with an empty configuration file of its own,
// READY=1 read from its NOTIFY_SOCKET and, when captured, every JSON line
// parsed and time-stamped by a reader thread. Stopped by PID.
class Tracker {
 public:
  explicit Tracker(TrackerOptions options);
  ~Tracker();
  Tracker(const Tracker&) = delete;
  Tracker& operator=(const Tracker&) = delete;

  pid_t pid() const { return pid_; }
  std::int64_t started_ns() const { return started_ns_; }  // CLOCK_MONOTONIC before fork
  std::int64_t started_realtime_ns() const { return started_realtime_ns_; }
  // Waits for READY=1; the CLOCK_MONOTONIC time it arrived, or nullopt.
  std::optional<std::int64_t> wait_ready(std::chrono::milliseconds timeout = 60s);
  // Waits until `match` holds for the lines received so far (called under the lock).
  bool wait_until(const std::function<bool(const std::vector<Line>&)>& match,
                  std::chrono::milliseconds timeout);
  std::vector<Line> lines() const;
  std::size_t bad_lines() const;
  int stop();  // SIGTERM (KILL after 20 s); the exit status

 private:
  void read_stdout();
  void read_notify();  // always drained: a full queue would block tracker's sd_notify()

  TrackerOptions options_;
  pid_t pid_ = -1;
  int stdout_fd_ = -1;
  int notify_fd_ = -1;
  std::string notify_dir_;
  std::string config_path_;
  std::int64_t started_ns_ = 0;
  std::int64_t started_realtime_ns_ = 0;
  std::optional<std::int64_t> ready_ns_;
  std::thread reader_;
  std::thread notify_reader_;
  std::atomic<bool> stopping_{false};
  mutable std::mutex mutex_;
  std::condition_variable changed_;
  std::vector<Line> lines_;
  std::size_t bad_lines_ = 0;
};

// tracker started once org.khulnasoft.Tracker1 is free (this machine may run
// other trackers: tests), READY, and owning the name; tries `attempts` times.
// `owns` tells whether it got the name in the end. nullptr if it never got ready.
std::unique_ptr<Tracker> start_tracker_on_bus(const TrackerOptions& options, bool& owns,
                                              int attempts = 5);

// "<event name> <container id>" lines of `lines`, each with its count.
std::map<std::string, int> count_lifecycle(const std::vector<Line>& lines);

// ---- D-Bus -----------------------------------------------------------------------
struct Signal {
  std::string member;  // ContainerAdded, ContainerRemoved, ContainerEnriched
  std::string id;
  std::int64_t received_ns = 0;  // CLOCK_REALTIME
};

// Every signal of org.khulnasoft.Tracker1.Manager on the system bus, time-stamped
// on receipt, on a connection and thread of its own.
class BusWatcher {
 public:
  BusWatcher();
  ~BusWatcher();
  BusWatcher(const BusWatcher&) = delete;
  BusWatcher& operator=(const BusWatcher&) = delete;

  bool ok() const { return ok_; }
  const std::string& error() const { return error_; }
  std::optional<Signal> wait_for(const std::string& member, const std::string& id,
                                 std::chrono::milliseconds timeout);
  bool wait_count(const std::string& member, std::size_t count, std::chrono::milliseconds timeout);
  std::vector<Signal> signals() const;

  // The PID owning org.khulnasoft.Tracker1, 0 when nobody does.
  static pid_t name_owner_pid();
  // Manager.ContainerCount, -1 when it cannot be read.
  static long container_count();

 private:
  void run();
  static int on_message(void* message, void* self, void* error);

  void* bus_ = nullptr;   // sd_bus*
  void* slot_ = nullptr;  // sd_bus_slot*
  bool ok_ = false;
  std::string error_;
  std::atomic<bool> stopping_{false};
  std::thread thread_;
  mutable std::mutex mutex_;
  std::condition_variable changed_;
  std::vector<Signal> signals_;
};

// ---- container runtimes ------------------------------------------------------------
enum class Runtime { docker, podman, containerd };
const char* name(Runtime runtime);
std::optional<Runtime> runtime_named(const std::string& name);
// The socket tracker and the clients talk to.
std::string socket_of(Runtime runtime);

// Creates a container of the test image (--network none, runc, the rlimits these
// machines need) running `command` (default: the image's sleep), optionally with
// `mounts` ("host:container[:ro]"); the full id, or "" (the CLI's error on stderr).
std::string create_container(Runtime runtime, const std::vector<std::string>& command = {},
                             const std::vector<std::string>& mounts = {});
// Starts a created container (detached).
bool start_created(Runtime runtime, const std::string& id);
// Both: create and start.
std::string start_container(Runtime runtime, const std::vector<std::string>& command = {},
                            const std::vector<std::string>& mounts = {});
// The container's cgroup directory (its root cgroup in the tracked hierarchy).
std::string cgroup_dir_of(Runtime runtime, const std::string& id);
// Removes it, running or not.
bool remove_container(Runtime runtime, const std::string& id);
// Waits for a container started with a command of its own to exit.
bool wait_container(Runtime runtime, const std::string& id, std::chrono::seconds timeout);

// The containers a benchmark started; whatever is still listed when it goes
// (an error cut the run short) is removed. Thread-safe.
class Janitor {
 public:
  Janitor() = default;
  ~Janitor();
  Janitor(const Janitor&) = delete;
  Janitor& operator=(const Janitor&) = delete;
  void add(Runtime runtime, const std::string& id);
  void done(const std::string& id);  // removed by the benchmark itself

 private:
  std::mutex mutex_;
  std::vector<std::pair<Runtime, std::string>> ids_;
};

}  // namespace tracker::bench
