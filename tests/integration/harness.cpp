#include "harness.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>

namespace tracker::testing {

namespace {

CommandResult capture(const std::string& shell_command) {
  CommandResult result;
  FILE* pipe = popen(shell_command.c_str(), "r");
  if (!pipe) return result;
  char buffer[4096];
  size_t n;
  while ((n = fread(buffer, 1, sizeof(buffer), pipe)) > 0) result.output.append(buffer, n);
  int status = pclose(pipe);
  result.status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  while (!result.output.empty() && isspace(static_cast<unsigned char>(result.output.back())))
    result.output.pop_back();
  return result;
}

}  // namespace

CommandResult run(const std::string& shell_command) {
  return capture(shell_command + " 2>/dev/null");
}

CommandResult run_with_stderr(const std::string& shell_command) {
  return capture("{ " + shell_command + "\n} 2>&1");
}

bool command_succeeds(const std::string& shell_command) {
  return run(shell_command + " >/dev/null").status == 0;
}

std::string tracker_binary() {
  const char* path = std::getenv("TRACKER_BIN");
  return path ? path : "tracker";
}

std::string trackerctl_binary() {
  const char* path = std::getenv("TRACKERCTL_BIN");
  return path ? path : "trackerctl";
}

std::string source_file(const std::string& relative) {
  const char* root = std::getenv("TRACKER_SOURCE_ROOT");
  return std::string(root ? root : ".") + "/" + relative;
}

std::string test_image() {
  const char* image = std::getenv("TRACKER_TEST_IMAGE");
  return image ? image : "localhost/tracker-test/busybox:latest";
}

std::string read_file(const std::string& path) {
  std::ifstream file(path);
  std::stringstream text;
  text << file.rdbuf();
  return text.str();
}

bool system_bus_answers() {
  return command_succeeds(
      "timeout 5 dbus-send --system --print-reply --dest=org.freedesktop.DBus "
      "/org/freedesktop/DBus org.freedesktop.DBus.GetId");
}

void reload_bus_config() {
  run("dbus-send --system --print-reply --dest=org.freedesktop.DBus /org/freedesktop/DBus "
      "org.freedesktop.DBus.ReloadConfig");
}

InstalledFile::InstalledFile(std::string path, const std::string& content)
    : path_(std::move(path)) {
  namespace fs = std::filesystem;
  if (fs::exists(path_)) backup_ = read_file(path_);
  fs::create_directories(fs::path(path_).parent_path());
  std::ofstream(path_) << content;
}

InstalledFile::~InstalledFile() {
  if (backup_)
    std::ofstream(path_) << *backup_;
  else
    std::filesystem::remove(path_);
}

InstalledBusPolicy::InstalledBusPolicy()
    : file_("/etc/dbus-1/system.d/org.khulnasoft.Tracker1.conf",
            read_file(source_file("dbus/org.khulnasoft.Tracker1.conf"))) {
  reload_bus_config();
}

InstalledBusPolicy::~InstalledBusPolicy() {
  reload_bus_config();
}

std::chrono::milliseconds since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() -
                                                               start);
}

std::int64_t epoch_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string random_hex_id(std::size_t length) {
  static std::mt19937_64 random{std::random_device{}()};
  static const char* digits = "0123456789abcdef";
  std::string id;
  for (std::size_t i = 0; i < length; ++i) id += digits[random() % 16];
  return id;
}

std::string unified_mount() {
  return access("/sys/fs/cgroup/unified/cgroup.procs", F_OK) == 0 ? "/sys/fs/cgroup/unified"
                                                                  : "/sys/fs/cgroup";
}

SyntheticContainer::SyntheticContainer(const std::string& form, std::string id)
    : id_(std::move(id)) {
  std::string relative = form;
  relative.replace(relative.find("{id}"), 4, id_);
  path_ = unified_mount() + "/" + relative;
  std::error_code ec;
  created_ = std::filesystem::create_directories(path_, ec);
}

void SyntheticContainer::remove() {
  if (!created_) return;
  std::error_code ignored;
  std::filesystem::remove(path_, ignored);
  created_ = false;
}

SyntheticCgroup::SyntheticCgroup(const std::string& mount, const std::string& parents,
                                 const std::string& leaf) {
  std::filesystem::path path = mount;
  for (auto& part : std::filesystem::path(parents)) {
    if (part == "/" || part.empty()) continue;
    path /= part;
    if (mkdir(path.c_str(), 0755) == 0) made_.push_back(path);
  }
  leaf_ = path / leaf;
  if (mkdir(leaf_.c_str(), 0755) == 0) made_.push_back(leaf_);
}

void SyntheticCgroup::remove() {
  for (auto it = made_.rbegin(); it != made_.rend(); ++it) rmdir(it->c_str());
  made_.clear();
}

bool SyntheticCgroup::exists() const {
  std::error_code ignored;
  return std::filesystem::exists(leaf_, ignored);
}

TrackerProcess::TrackerProcess(std::vector<std::string> args, std::vector<std::string> env) {
  char dir_template[] = "/tmp/tracker-notify-XXXXXX";
  std::string dir = mkdtemp(dir_template);
  notify_path_ = dir + "/notify";
  notify_fd_ = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  std::snprintf(address.sun_path, sizeof(address.sun_path), "%s", notify_path_.c_str());
  bind(notify_fd_, reinterpret_cast<sockaddr*>(&address), sizeof(address));

  int out[2], err[2];
  if (pipe2(out, O_CLOEXEC) != 0 || pipe2(err, O_CLOEXEC) != 0) return;
  pid_ = fork();
  if (pid_ == 0) {
    dup2(out[1], STDOUT_FILENO);
    dup2(err[1], STDERR_FILENO);
    setenv("NOTIFY_SOCKET", notify_path_.c_str(), 1);
    unsetenv("CONTAINERS_ENRICHMENT");
    for (auto& entry : env) putenv(const_cast<char*>(entry.c_str()));
    std::vector<char*> argv;
    std::string binary = tracker_binary();
    argv.push_back(binary.data());
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    execvp(argv[0], argv.data());
    _exit(127);
  }
  close(out[1]);
  close(err[1]);
  stdout_fd_ = out[0];
  stderr_fd_ = err[0];
  fcntl(stdout_fd_, F_SETFL, O_NONBLOCK);
  fcntl(stderr_fd_, F_SETFL, O_NONBLOCK);
}

TrackerProcess::~TrackerProcess() {
  stop();
  if (stdout_fd_ >= 0) close(stdout_fd_);
  if (stderr_fd_ >= 0) close(stderr_fd_);
  if (notify_fd_ >= 0) close(notify_fd_);
  unlink(notify_path_.c_str());
  rmdir(notify_path_.substr(0, notify_path_.rfind('/')).c_str());
}

void TrackerProcess::pump(std::chrono::milliseconds timeout) {
  pollfd fds[3] = {{stdout_fd_, POLLIN, 0}, {stderr_fd_, POLLIN, 0}, {notify_fd_, POLLIN, 0}};
  if (poll(fds, 3, static_cast<int>(timeout.count())) <= 0) return;
  char buffer[65536];
  ssize_t n;
  while ((n = read(stdout_fd_, buffer, sizeof(buffer))) > 0) {
    partial_.append(buffer, n);
    size_t newline;
    while ((newline = partial_.find('\n')) != std::string::npos) {
      std::string line = partial_.substr(0, newline);
      partial_.erase(0, newline + 1);
      Json::Value value;
      Json::CharReaderBuilder builder;
      std::string errors;
      std::unique_ptr<Json::CharReader> reader(builder.newCharReader());
      if (reader->parse(line.data(), line.data() + line.size(), &value, &errors) &&
          value.isObject())
        events_.push_back(std::move(value));
      else
        bad_lines_.push_back(line);
    }
  }
  while ((n = read(stderr_fd_, buffer, sizeof(buffer))) > 0) stderr_.append(buffer, n);
  while ((n = recv(notify_fd_, buffer, sizeof(buffer) - 1, 0)) > 0) {
    buffer[n] = '\0';
    notifications_.emplace_back(buffer);
    if (notifications_.back().find("READY=1") != std::string::npos) ready_ = true;
  }
}

bool TrackerProcess::wait_ready(std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!ready_ && std::chrono::steady_clock::now() < deadline) {
    pump(50ms);
    int status;
    if (pid_ > 0 && waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      pump(0ms);
      return false;
    }
  }
  return ready_;
}

std::optional<Json::Value> TrackerProcess::wait_for(
    const std::function<bool(const Json::Value&)>& match, std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  size_t checked = 0;
  while (true) {
    for (; checked < events_.size(); ++checked)
      if (match(events_[checked])) return events_[checked];
    if (std::chrono::steady_clock::now() >= deadline) return std::nullopt;
    pump(50ms);
  }
}

bool TrackerProcess::wait_notification(const std::string& text, std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  std::size_t checked = 0;
  while (true) {
    for (; checked < notifications_.size(); ++checked)
      if (notifications_[checked].find(text) != std::string::npos) return true;
    if (std::chrono::steady_clock::now() >= deadline) return false;
    pump(50ms);
  }
}

void TrackerProcess::collect_for(std::chrono::milliseconds duration) {
  auto deadline = std::chrono::steady_clock::now() + duration;
  while (std::chrono::steady_clock::now() < deadline) pump(50ms);
}

std::vector<Json::Value> TrackerProcess::matching(
    const std::function<bool(const Json::Value&)>& match) const {
  std::vector<Json::Value> result;
  for (auto& event : events_)
    if (match(event)) result.push_back(event);
  return result;
}

std::string TrackerProcess::stderr_text() {
  pump(0ms);
  return stderr_;
}

int TrackerProcess::stop() {
  if (pid_ <= 0) return -1;
  kill(pid_, SIGTERM);
  int status = 0;
  auto deadline = std::chrono::steady_clock::now() + 10s;
  while (waitpid(pid_, &status, WNOHANG) == 0) {
    pump(20ms);
    if (std::chrono::steady_clock::now() > deadline) {
      kill(pid_, SIGKILL);
      waitpid(pid_, &status, 0);
      break;
    }
  }
  pump(0ms);
  pid_ = -1;
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

std::function<bool(const Json::Value&)> is_event(const std::string& name,
                                                 const std::string& container_id) {
  return [name, container_id](const Json::Value& event) {
    return event["eventName"].asString() == name &&
           (container_id.empty() || event["containerId"].asString() == container_id);
  };
}

std::string arg(const Json::Value& event, const std::string& name) {
  for (auto& a : event["args"])
    if (a["name"].asString() == name)
      return a["value"].isString() ? a["value"].asString() : a["value"].toStyledString();
  return "";
}

}  // namespace tracker::testing
