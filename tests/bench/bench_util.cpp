#include "bench_util.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <systemd/sd-bus.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <random>
#include <sstream>
#include <stdexcept>

#ifndef TRACKER_BENCH_SOURCE_ROOT
#define TRACKER_BENCH_SOURCE_ROOT "."
#endif
#ifndef TRACKER_BENCH_TRACKER
#define TRACKER_BENCH_TRACKER "tracker"
#endif

namespace tracker::bench {
namespace {

std::int64_t clock_ns(clockid_t clock) {
  timespec ts{};
  clock_gettime(clock, &ts);
  return static_cast<std::int64_t>(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec;
}

std::string read_text(const std::string& path) {
  std::ifstream file(path);
  std::stringstream text;
  text << file.rdbuf();
  return text.str();
}

std::string env_or(const char* name, const std::string& fallback) {
  const char* value = std::getenv(name);
  return value && *value ? value : fallback;
}

constexpr const char* kBusName = "org.khulnasoft.Tracker1";
constexpr const char* kManagerPath = "/org/khulnasoft/Tracker1";
constexpr const char* kManagerInterface = "org.khulnasoft.Tracker1.Manager";
constexpr const char* kBusPolicy = "/etc/dbus-1/system.d/org.khulnasoft.Tracker1.conf";

void reload_bus() {
  sh("dbus-send --system --print-reply --dest=org.freedesktop.DBus /org/freedesktop/DBus "
     "org.freedesktop.DBus.ReloadConfig >/dev/null 2>&1");
}

}  // namespace

std::int64_t realtime_ns() {
  return clock_ns(CLOCK_REALTIME);
}
std::int64_t monotonic_ns() {
  return clock_ns(CLOCK_MONOTONIC);
}
std::int64_t thread_cpu_ns() {
  return clock_ns(CLOCK_THREAD_CPUTIME_ID);
}

Args::Args(int argc, char** argv) {
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (!arg.starts_with("--")) continue;
    arg.erase(0, 2);
    auto equals = arg.find('=');
    if (equals == std::string::npos)
      values_[arg] = "";
    else
      values_[arg.substr(0, equals)] = arg.substr(equals + 1);
  }
}

std::string Args::get(const std::string& key, const std::string& fallback) const {
  auto found = values_.find(key);
  return found == values_.end() ? fallback : found->second;
}

long Args::number(const std::string& key, long fallback) const {
  auto found = values_.find(key);
  return found == values_.end() ? fallback : std::stol(found->second);
}

Shell sh(const std::string& command) {
  Shell result;
  FILE* pipe = popen(command.c_str(), "r");
  if (!pipe) return result;
  char buffer[4096];
  std::size_t n;
  while ((n = fread(buffer, 1, sizeof(buffer), pipe)) > 0) result.out.append(buffer, n);
  int status = pclose(pipe);
  result.status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  while (!result.out.empty() && std::isspace(static_cast<unsigned char>(result.out.back())))
    result.out.pop_back();
  return result;
}

std::string must(const std::string& command) {
  auto result = sh(command);
  if (result.status != 0)
    throw std::runtime_error("command failed (" + std::to_string(result.status) + "): " + command);
  return result.out;
}

std::string shell_quote(const std::string& text) {
  std::string quoted = "'";
  for (char c : text) {
    if (c == '\'')
      quoted += "'\\''";
    else
      quoted += c;
  }
  return quoted + "'";
}

double percentile(std::vector<double> values, double p) {
  if (values.empty()) return 0;
  std::sort(values.begin(), values.end());
  auto rank = static_cast<std::size_t>(std::ceil(p / 100.0 * values.size()));
  rank = std::clamp<std::size_t>(rank, 1, values.size());
  return values[rank - 1];
}

double median(std::vector<double> values) {
  if (values.empty()) return 0;
  std::sort(values.begin(), values.end());
  std::size_t n = values.size();
  return n % 2 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
}

double mean(const std::vector<double>& values) {
  if (values.empty()) return 0;
  double sum = 0;
  for (double v : values) sum += v;
  return sum / values.size();
}

Json::Value summary(const std::vector<double>& values) {
  Json::Value s;
  s["n"] = static_cast<Json::UInt64>(values.size());
  s["min"] = values.empty() ? 0 : *std::min_element(values.begin(), values.end());
  s["p50"] = percentile(values, 50);
  s["p99"] = percentile(values, 99);
  s["max"] = values.empty() ? 0 : *std::max_element(values.begin(), values.end());
  s["mean"] = mean(values);
  return s;
}

void write_json(const std::string& path, const Json::Value& value) {
  Json::StreamWriterBuilder builder;
  builder["indentation"] = "  ";
  std::ofstream file(path);
  file << Json::writeString(builder, value) << '\n';
  if (!file) throw std::runtime_error("cannot write " + path);
}

std::vector<std::string> split(const std::string& text, char separator) {
  std::vector<std::string> parts;
  std::size_t start = 0;
  while (start <= text.size()) {
    auto end = text.find(separator, start);
    if (end == std::string::npos) end = text.size();
    if (end > start) parts.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  return parts;
}

void write_result(const Args& args, const Json::Value& result) {
  std::string out = args.get("out", "");
  if (!out.empty()) write_json(out, result);
}

int bench_main(int argc, char** argv, int (*run)(const Args&)) {
  try {
    return run(Args(argc, argv));
  } catch (const std::exception& error) {
    say(std::string("error: ") + error.what());
    return 1;
  }
}

void say(const std::string& text) {
  static const std::string program = program_invocation_short_name;
  std::cerr << program << ": " << text << std::endl;
}

std::string source_root() {
  return env_or("TRACKER_SOURCE_ROOT", TRACKER_BENCH_SOURCE_ROOT);
}

std::string tracker_binary() {
  return env_or("TRACKER_BIN", TRACKER_BENCH_TRACKER);
}

std::string test_image() {
  return env_or("TRACKER_TEST_IMAGE", "localhost/tracker-test/busybox:latest");
}

std::string unified_mount() {
  return access("/sys/fs/cgroup/unified/cgroup.procs", F_OK) == 0 ? "/sys/fs/cgroup/unified"
                                                                  : "/sys/fs/cgroup";
}

long rss_kib(pid_t pid) {
  std::ifstream status("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(status, line))
    if (line.starts_with("VmRSS:")) return std::stol(line.substr(6));
  return -1;
}

std::int64_t process_cpu_ns(pid_t pid) {
  // The first field of each thread's schedstat: its run time in ns.
  std::int64_t total = 0;
  std::error_code error;
  for (auto& task :
       std::filesystem::directory_iterator("/proc/" + std::to_string(pid) + "/task", error)) {
    std::ifstream schedstat(task.path() / "schedstat");
    std::int64_t ns = 0;
    if (schedstat >> ns) total += ns;
  }
  return total;
}

std::string random_hex(std::size_t length) {
  static std::mt19937_64 random{std::random_device{}()};
  static const char* digits = "0123456789abcdef";
  std::string id;
  for (std::size_t i = 0; i < length; ++i) id += digits[random() % 16];
  return id;
}

std::vector<pid_t> other_trackers(pid_t except) {
  std::vector<pid_t> pids;
  for (auto& entry : std::filesystem::directory_iterator("/proc")) {
    auto name = entry.path().filename().string();
    if (name.empty() || !std::all_of(name.begin(), name.end(), ::isdigit)) continue;
    pid_t pid = std::stoi(name);
    if (pid == except || pid == getpid()) continue;
    auto comm = read_text(entry.path().string() + "/comm");
    if (comm == "tracker\n") pids.push_back(pid);
  }
  return pids;
}

bool wait_for_no_other_tracker(std::chrono::seconds timeout) {
  auto deadline = monotonic_ns() + std::chrono::nanoseconds(timeout).count();
  bool told = false;
  while (!other_trackers().empty()) {
    if (!told) say("another tracker runs (a test?): waiting for it to end");
    told = true;
    if (monotonic_ns() > deadline) return false;
    usleep(200'000);
  }
  return true;
}

InstalledBusPolicy::InstalledBusPolicy() {
  namespace fs = std::filesystem;
  if (fs::exists(kBusPolicy)) backup_ = read_text(kBusPolicy);
  fs::create_directories(fs::path(kBusPolicy).parent_path());
  std::ofstream(kBusPolicy) << read_text(source_root() + "/dbus/org.khulnasoft.Tracker1.conf");
  reload_bus();
}

InstalledBusPolicy::~InstalledBusPolicy() {
  if (backup_)
    std::ofstream(kBusPolicy) << *backup_;
  else
    std::filesystem::remove(kBusPolicy);
  reload_bus();
}

// ---- Tracker -----------------------------------------------------------------------

Tracker::Tracker(TrackerOptions options) : options_(std::move(options)) {
  char dir_template[] = "/tmp/tracker-bench-XXXXXX";
  notify_dir_ = mkdtemp(dir_template);
  std::string notify_path = notify_dir_ + "/notify";
  config_path_ = notify_dir_ + "/tracker.conf";
  std::ofstream(config_path_) << "# empty: built-in defaults and the command line only\n";
  notify_fd_ = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  std::snprintf(address.sun_path, sizeof(address.sun_path), "%s", notify_path.c_str());
  if (bind(notify_fd_, reinterpret_cast<sockaddr*>(&address), sizeof(address)) != 0)
    throw std::runtime_error("cannot bind " + notify_path);

  int out[2] = {-1, -1};
  if (options_.capture_stdout && pipe2(out, O_CLOEXEC) != 0)
    throw std::runtime_error("pipe2 failed");
  std::vector<std::string> args = {tracker_binary(), "--config", config_path_};
  args.insert(args.end(), options_.args.begin(), options_.args.end());
  started_ns_ = monotonic_ns();
  started_realtime_ns_ = realtime_ns();
  pid_ = fork();
  if (pid_ == 0) {
    int null = open("/dev/null", O_RDWR);
    dup2(null, STDIN_FILENO);
    dup2(options_.capture_stdout ? out[1] : null, STDOUT_FILENO);
    int err = options_.stderr_path.empty()
                  ? null
                  : open(options_.stderr_path.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
    dup2(err, STDERR_FILENO);
    setenv("NOTIFY_SOCKET", notify_path.c_str(), 1);
    unsetenv("CONTAINERS_ENRICHMENT");
    for (auto& entry : options_.env) putenv(entry.data());
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    execv(argv[0], argv.data());
    _exit(127);
  }
  if (options_.capture_stdout) {
    close(out[1]);
    stdout_fd_ = out[0];
    reader_ = std::thread([this] { read_stdout(); });
  }
  notify_reader_ = std::thread([this] { read_notify(); });
}

Tracker::~Tracker() {
  stop();
  stopping_ = true;
  if (notify_reader_.joinable()) notify_reader_.join();
  if (reader_.joinable()) reader_.join();
  if (stdout_fd_ >= 0) close(stdout_fd_);
  if (notify_fd_ >= 0) close(notify_fd_);
  std::filesystem::remove_all(notify_dir_);
}

void Tracker::read_stdout() {
  std::string partial;
  char buffer[65536];
  Json::CharReaderBuilder builder;
  std::unique_ptr<Json::CharReader> reader(builder.newCharReader());
  while (true) {
    ssize_t n = read(stdout_fd_, buffer, sizeof(buffer));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    std::int64_t now = realtime_ns();
    partial.append(buffer, static_cast<std::size_t>(n));
    std::vector<Line> batch;
    std::size_t bad = 0, start = 0, newline;
    while ((newline = partial.find('\n', start)) != std::string::npos) {
      Line line;
      line.received_ns = now;
      std::string errors;
      if (reader->parse(partial.data() + start, partial.data() + newline, &line.event, &errors) &&
          line.event.isObject())
        batch.push_back(std::move(line));
      else
        ++bad;
      start = newline + 1;
    }
    partial.erase(0, start);
    if (batch.empty() && bad == 0) continue;
    std::lock_guard lock(mutex_);
    for (auto& line : batch) lines_.push_back(std::move(line));
    bad_lines_ += bad;
    changed_.notify_all();
  }
  std::lock_guard lock(mutex_);
  changed_.notify_all();
}

void Tracker::read_notify() {
  char buffer[4096];
  while (!stopping_) {
    pollfd fd{notify_fd_, POLLIN, 0};
    if (poll(&fd, 1, 50) <= 0) continue;
    ssize_t n;
    while ((n = recv(notify_fd_, buffer, sizeof(buffer) - 1, 0)) > 0) {
      buffer[n] = '\0';
      if (!std::strstr(buffer, "READY=1")) continue;
      std::lock_guard lock(mutex_);
      if (!ready_ns_) ready_ns_ = monotonic_ns();
      changed_.notify_all();
    }
  }
}

std::optional<std::int64_t> Tracker::wait_ready(std::chrono::milliseconds timeout) {
  auto deadline = monotonic_ns() + std::chrono::nanoseconds(timeout).count();
  std::unique_lock lock(mutex_);
  while (!ready_ns_) {
    changed_.wait_for(lock, 20ms);
    if (ready_ns_) break;
    int status;
    if (pid_ > 0 && waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      return std::nullopt;
    }
    if (monotonic_ns() > deadline) return std::nullopt;
  }
  return ready_ns_;
}

bool Tracker::wait_until(const std::function<bool(const std::vector<Line>&)>& match,
                         std::chrono::milliseconds timeout) {
  std::unique_lock lock(mutex_);
  return changed_.wait_for(lock, timeout, [&] { return match(lines_); });
}

std::vector<Line> Tracker::lines() const {
  std::lock_guard lock(mutex_);
  return lines_;
}

std::size_t Tracker::bad_lines() const {
  std::lock_guard lock(mutex_);
  return bad_lines_;
}

int Tracker::stop() {
  if (pid_ <= 0) return -1;
  kill(pid_, SIGTERM);
  int status = 0;
  auto deadline = monotonic_ns() + 20'000'000'000;
  while (waitpid(pid_, &status, WNOHANG) == 0) {
    if (monotonic_ns() > deadline) {
      kill(pid_, SIGKILL);
      waitpid(pid_, &status, 0);
      break;
    }
    usleep(10'000);
  }
  pid_ = -1;
  if (reader_.joinable()) reader_.join();
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

std::unique_ptr<Tracker> start_tracker_on_bus(const TrackerOptions& options, bool& owns,
                                              int attempts) {
  owns = false;
  std::unique_ptr<Tracker> tracker;
  for (int attempt = 0; attempt < attempts; ++attempt) {
    auto deadline = monotonic_ns() + 300'000'000'000;
    bool told = false;
    while (pid_t other = BusWatcher::name_owner_pid()) {
      if (!told)
        say("org.khulnasoft.Tracker1 is owned by pid " + std::to_string(other) + " (" +
            sh("tr '\\0' ' ' < /proc/" + std::to_string(other) +
               "/cmdline 2>/dev/null | cut -c1-120")
                .out +
            "): waiting for it to go");
      told = true;
      if (monotonic_ns() > deadline) break;
      usleep(200'000);
    }
    tracker = std::make_unique<Tracker>(options);
    if (!tracker->wait_ready(180s)) return nullptr;
    if (BusWatcher::name_owner_pid() == tracker->pid()) {
      owns = true;
      return tracker;
    }
    if (attempt + 1 < attempts) {
      say("another tracker took org.khulnasoft.Tracker1 first: trying again");
      tracker.reset();
    }
  }
  return tracker;
}

std::map<std::string, int> count_lifecycle(const std::vector<Line>& lines) {
  std::map<std::string, int> counts;
  for (auto& line : lines) {
    auto name = line.event["eventName"].asString();
    if (name == "container_create" || name == "container_remove" || name == "existing_container")
      ++counts[name + " " + line.event["containerId"].asString()];
  }
  return counts;
}

// ---- BusWatcher ----------------------------------------------------------------------

BusWatcher::BusWatcher() {
  sd_bus* bus = nullptr;
  int r = sd_bus_open_system(&bus);
  if (r < 0) {
    error_ = std::string("cannot connect to the system bus: ") + std::strerror(-r);
    return;
  }
  bus_ = bus;
  sd_bus_slot* slot = nullptr;
  std::string rule = std::string("type='signal',interface='") + kManagerInterface + "',path='" +
                     kManagerPath + "'";
  r = sd_bus_add_match(
      bus, &slot, rule.c_str(),
      [](sd_bus_message* m, void* self, sd_bus_error* e) { return on_message(m, self, e); }, this);
  if (r < 0) {
    error_ = std::string("cannot add a match: ") + std::strerror(-r);
    return;
  }
  slot_ = slot;
  ok_ = true;
  thread_ = std::thread([this] { run(); });
}

BusWatcher::~BusWatcher() {
  stopping_ = true;
  if (thread_.joinable()) thread_.join();
  if (slot_) sd_bus_slot_unref(static_cast<sd_bus_slot*>(slot_));
  if (bus_) sd_bus_flush_close_unref(static_cast<sd_bus*>(bus_));
}

int BusWatcher::on_message(void* message, void* self, void*) {
  auto* m = static_cast<sd_bus_message*>(message);
  auto* watcher = static_cast<BusWatcher*>(self);
  Signal signal;
  signal.received_ns = realtime_ns();
  const char* member = sd_bus_message_get_member(m);
  signal.member = member ? member : "";
  const char* id = nullptr;
  const char* path = nullptr;
  if (sd_bus_message_read(m, "so", &id, &path) < 0 || !id) return 0;
  signal.id = id;
  std::lock_guard lock(watcher->mutex_);
  watcher->signals_.push_back(std::move(signal));
  watcher->changed_.notify_all();
  return 0;
}

void BusWatcher::run() {
  auto* bus = static_cast<sd_bus*>(bus_);
  while (!stopping_) {
    int r = sd_bus_process(bus, nullptr);
    if (r < 0) break;
    if (r > 0) continue;
    sd_bus_wait(bus, 100'000);
  }
}

std::optional<Signal> BusWatcher::wait_for(const std::string& member, const std::string& id,
                                           std::chrono::milliseconds timeout) {
  std::unique_lock lock(mutex_);
  std::optional<Signal> found;
  changed_.wait_for(lock, timeout, [&] {
    for (auto& s : signals_)
      if (s.member == member && s.id == id) {
        found = s;
        return true;
      }
    return false;
  });
  return found;
}

bool BusWatcher::wait_count(const std::string& member, std::size_t count,
                            std::chrono::milliseconds timeout) {
  std::unique_lock lock(mutex_);
  return changed_.wait_for(lock, timeout, [&] {
    return static_cast<std::size_t>(std::count_if(signals_.begin(), signals_.end(), [&](auto& s) {
             return s.member == member;
           })) >= count;
  });
}

std::vector<Signal> BusWatcher::signals() const {
  std::lock_guard lock(mutex_);
  return signals_;
}

pid_t BusWatcher::name_owner_pid() {
  sd_bus* bus = nullptr;
  if (sd_bus_open_system(&bus) < 0) return 0;
  sd_bus_creds* creds = nullptr;
  pid_t pid = 0;
  if (sd_bus_get_name_creds(bus, kBusName, SD_BUS_CREDS_PID, &creds) >= 0) {
    sd_bus_creds_get_pid(creds, &pid);
    sd_bus_creds_unref(creds);
  }
  sd_bus_flush_close_unref(bus);
  return pid;
}

long BusWatcher::container_count() {
  sd_bus* bus = nullptr;
  if (sd_bus_open_system(&bus) < 0) return -1;
  sd_bus_error error = SD_BUS_ERROR_NULL;
  std::uint32_t count = 0;
  int r = sd_bus_get_property_trivial(bus, kBusName, kManagerPath, kManagerInterface,
                                      "ContainerCount", &error, 'u', &count);
  sd_bus_error_free(&error);
  sd_bus_flush_close_unref(bus);
  return r < 0 ? -1 : static_cast<long>(count);
}

// ---- runtimes ------------------------------------------------------------------------

const char* name(Runtime runtime) {
  switch (runtime) {
    case Runtime::docker:
      return "docker";
    case Runtime::podman:
      return "podman";
    case Runtime::containerd:
      return "containerd";
  }
  return "?";
}

std::optional<Runtime> runtime_named(const std::string& text) {
  for (auto runtime : {Runtime::docker, Runtime::podman, Runtime::containerd})
    if (text == name(runtime)) return runtime;
  return std::nullopt;
}

std::string socket_of(Runtime runtime) {
  switch (runtime) {
    case Runtime::docker:
      return "/var/run/docker.sock";
    case Runtime::podman:
      return "/run/podman/podman.sock";
    case Runtime::containerd:
      return "/run/containerd/containerd.sock";
  }
  return "";
}

namespace {

constexpr const char* kContainerdNamespace = "tracker-test";

std::string joined(const std::vector<std::string>& words) {
  std::string text;
  for (auto& w : words) {
    text += ' ';
    text += shell_quote(w);
  }
  return text;
}

}  // namespace

std::string create_container(Runtime runtime, const std::vector<std::string>& command,
                             const std::vector<std::string>& mounts) {
  std::string image = shell_quote(test_image());
  std::string cmd;
  switch (runtime) {
    case Runtime::docker: {
      cmd =
          "docker create --network none --runtime runc --ulimit nofile=1024:1024 "
          "--ulimit nproc=1024:1024";
      for (auto& m : mounts) cmd += " -v " + shell_quote(m);
      cmd += " " + image + joined(command);
      break;
    }
    case Runtime::podman: {
      cmd =
          "podman --runtime runc --cgroup-manager cgroupfs create --network none "
          "--ulimit nofile=1024:1024 --ulimit nproc=1024:1024";
      for (auto& m : mounts) cmd += " -v " + shell_quote(m);
      cmd += " " + image + joined(command);
      break;
    }
    case Runtime::containerd: {
      std::string id = random_hex();
      cmd = std::string("ctr -n ") + kContainerdNamespace + " containers create";
      for (auto& m : mounts) {
        auto colon = m.find(':');
        auto rest = m.substr(colon + 1);
        auto second = rest.find(':');
        std::string options = "rbind:" + std::string(second != std::string::npos ? "ro" : "rw");
        cmd += " --mount " + shell_quote("type=bind,src=" + m.substr(0, colon) +
                                         ",dst=" + rest.substr(0, second) + ",options=" + options);
      }
      cmd += " " + image + " " + id + joined(command);
      auto result = sh(cmd + " >/dev/null");
      return result.status == 0 ? id : "";
    }
  }
  auto result = sh(cmd);
  if (result.status != 0) return "";
  auto newline = result.out.rfind('\n');
  return newline == std::string::npos ? result.out : result.out.substr(newline + 1);
}

bool start_created(Runtime runtime, const std::string& id) {
  std::string quoted = shell_quote(id);
  switch (runtime) {
    case Runtime::docker:
      return sh("docker start " + quoted + " >/dev/null").status == 0;
    case Runtime::podman:
      return sh("podman --runtime runc --cgroup-manager cgroupfs start " + quoted + " >/dev/null")
                 .status == 0;
    case Runtime::containerd:
      return sh(std::string("ctr -n ") + kContainerdNamespace + " tasks start -d --null-io " +
                quoted + " >/dev/null")
                 .status == 0;
  }
  return false;
}

std::string start_container(Runtime runtime, const std::vector<std::string>& command,
                            const std::vector<std::string>& mounts) {
  auto id = create_container(runtime, command, mounts);
  if (id.empty()) return "";
  if (!start_created(runtime, id)) {
    remove_container(runtime, id);
    return "";
  }
  return id;
}

std::string cgroup_dir_of(Runtime runtime, const std::string& id) {
  switch (runtime) {
    case Runtime::docker:
      return unified_mount() + "/docker/" + id;
    case Runtime::podman:
      return unified_mount() + "/libpod_parent/libpod-" + id;
    case Runtime::containerd:
      return unified_mount() + "/" + kContainerdNamespace + "/" + id;
  }
  return "";
}

bool remove_container(Runtime runtime, const std::string& id) {
  std::string quoted = shell_quote(id);
  switch (runtime) {
    case Runtime::docker:
      return sh("docker rm -f " + quoted + " >/dev/null").status == 0;
    case Runtime::podman:
      return sh("podman --runtime runc --cgroup-manager cgroupfs rm -f -t 0 " + quoted +
                " >/dev/null")
                 .status == 0;
    case Runtime::containerd:
      sh(std::string("ctr -n ") + kContainerdNamespace + " tasks rm -f " + quoted +
         " >/dev/null 2>&1");
      return sh(std::string("ctr -n ") + kContainerdNamespace + " containers rm " + quoted +
                " >/dev/null")
                 .status == 0;
  }
  return false;
}

bool wait_container(Runtime runtime, const std::string& id, std::chrono::seconds timeout) {
  std::string quoted = shell_quote(id);
  std::string limit = "timeout " + std::to_string(timeout.count()) + " ";
  switch (runtime) {
    case Runtime::docker:
      return sh(limit + "docker wait " + quoted + " >/dev/null").status == 0;
    case Runtime::podman:
      return sh(limit + "podman --runtime runc --cgroup-manager cgroupfs wait " + quoted +
                " >/dev/null")
                 .status == 0;
    case Runtime::containerd: {
      auto deadline = monotonic_ns() + std::chrono::nanoseconds(timeout).count();
      while (monotonic_ns() < deadline) {
        auto status = sh(std::string("ctr -n ") + kContainerdNamespace + " tasks ls 2>/dev/null" +
                         " | awk -v id=" + quoted + " '$1 == id {print $3}'");
        if (status.out.empty() || status.out == "STOPPED") return true;
        usleep(200'000);
      }
      return false;
    }
  }
  return false;
}

Janitor::~Janitor() {
  std::lock_guard lock(mutex_);
  if (!ids_.empty()) say("removing " + std::to_string(ids_.size()) + " containers left behind");
  for (auto& [runtime, id] : ids_) remove_container(runtime, id);
}

void Janitor::add(Runtime runtime, const std::string& id) {
  std::lock_guard lock(mutex_);
  ids_.emplace_back(runtime, id);
}

void Janitor::done(const std::string& id) {
  std::lock_guard lock(mutex_);
  std::erase_if(ids_, [&](const auto& entry) { return entry.second == id; });
}

}  // namespace tracker::bench
