#pragma once

#include <gtest/gtest.h>
#include <json/json.h>
#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "../common/prerequisite.h"

namespace tracker::testing {

using namespace std::chrono_literals;

struct CommandResult {
  int status = -1;     // exit status, or -1 when it could not run
  std::string output;  // stdout, trailing whitespace trimmed
};
// `shell_command` through /bin/sh; stderr is discarded.
CommandResult run(const std::string& shell_command);
// The same with stderr in the output as well.
CommandResult run_with_stderr(const std::string& shell_command);
bool command_succeeds(const std::string& shell_command);

std::string tracker_binary();
std::string trackerctl_binary();
std::string source_file(const std::string& relative);  // in the source tree
std::string read_file(const std::string& path);
bool system_bus_answers();
void reload_bus_config();

// ---- the runtimes of tests/fixtures/runtimes.sh ------------------------------
inline const std::string kDockerSocket = "/var/run/docker.sock";
inline const std::string kContainerdSocket = "/run/containerd/containerd.sock";
inline const std::string kPodmanSocket = "/run/podman/podman.sock";
// `run` flags for every test container: the fixtures' daemons inherit no sane limits.
inline const std::string kLimits = " --ulimit nofile=1024:1024 --ulimit nproc=1024:1024 ";
inline const std::string kDocker = "docker -H unix://" + kDockerSocket + " ";
inline const std::string kPodman = "podman --runtime runc --cgroup-manager cgroupfs ";
inline const std::string kCtr = "ctr --address " + kContainerdSocket + " -n tracker-test ";
std::string test_image();  // TRACKER_TEST_IMAGE, else the image of tests/fixtures/busybox-image.sh

// A file put in place for a test; whatever was there before comes back.
class InstalledFile {
 public:
  InstalledFile(std::string path, const std::string& content);
  ~InstalledFile();
  InstalledFile(const InstalledFile&) = delete;
  InstalledFile& operator=(const InstalledFile&) = delete;

 private:
  std::string path_;
  std::optional<std::string> backup_;
};

// The project's bus policy, installed so tracker may own its name on the system bus.
class InstalledBusPolicy {
 public:
  InstalledBusPolicy();
  ~InstalledBusPolicy();

 private:
  InstalledFile file_;
};
std::string random_hex_id(std::size_t length = 64);
std::chrono::milliseconds since(std::chrono::steady_clock::time_point start);
std::int64_t epoch_ns();      // CLOCK_REALTIME, as tracker's event timestamps
std::string unified_mount();  // the tracked v2 hierarchy here, e.g. /sys/fs/cgroup/unified

// Runs what a test set up, in reverse order, however the test ends.
class Cleanup {
 public:
  ~Cleanup() {
    for (auto it = actions_.rbegin(); it != actions_.rend(); ++it) (*it)();
  }
  void add(std::function<void()> action) { actions_.push_back(std::move(action)); }
  void add(std::string command) {
    actions_.push_back([command = std::move(command)] { run(command); });
  }

 private:
  std::vector<std::function<void()>> actions_;
};

// A container cgroup that no runtime knows of, made under unified_mount() and
// removed again. `form` is its path there with "{id}" standing for the id:
// "docker/{id}", "libpod_parent/libpod-{id}".
class SyntheticContainer {
 public:
  explicit SyntheticContainer(const std::string& form = "docker/{id}",
                              std::string id = random_hex_id());
  ~SyntheticContainer() { remove(); }
  SyntheticContainer(const SyntheticContainer&) = delete;
  SyntheticContainer& operator=(const SyntheticContainer&) = delete;

  bool created() const { return created_; }
  const std::string& id() const { return id_; }
  void remove();

 private:
  std::string id_;
  std::string path_;
  bool created_ = false;
};

// A cgroup `leaf` below `parents` (e.g. "/machine.slice") in the hierarchy
// mounted at `mount`: makes the parents that are missing and the leaf, and
// removes what it made, deepest first.
class SyntheticCgroup {
 public:
  SyntheticCgroup(const std::string& mount, const std::string& parents, const std::string& leaf);
  ~SyntheticCgroup() { remove(); }
  SyntheticCgroup(const SyntheticCgroup&) = delete;
  SyntheticCgroup& operator=(const SyntheticCgroup&) = delete;

  void remove();
  bool exists() const;
  const std::filesystem::path& path() const { return leaf_; }

 private:
  std::filesystem::path leaf_;
  std::vector<std::filesystem::path> made_;
};

// tracker running as a child process, its JSON lines collected as they come.
class TrackerProcess {
 public:
  explicit TrackerProcess(std::vector<std::string> args, std::vector<std::string> env = {});
  ~TrackerProcess();
  TrackerProcess(const TrackerProcess&) = delete;
  TrackerProcess& operator=(const TrackerProcess&) = delete;

  // Waits for READY=1 on the NOTIFY_SOCKET tracker was given.
  bool wait_ready(std::chrono::milliseconds timeout = 20s);
  // The first event (seen before or during the wait) that matches.
  std::optional<Json::Value> wait_for(const std::function<bool(const Json::Value&)>& match,
                                      std::chrono::milliseconds timeout = 10s);
  // Reads whatever arrives for `duration`.
  void collect_for(std::chrono::milliseconds duration);
  std::vector<Json::Value> matching(const std::function<bool(const Json::Value&)>& match) const;
  const std::vector<Json::Value>& events() const { return events_; }
  const std::vector<std::string>& bad_lines() const { return bad_lines_; }
  std::string stderr_text();
  // Every sd_notify message received so far ("READY=1\nSTATUS=…").
  const std::vector<std::string>& notifications() const { return notifications_; }
  bool wait_notification(const std::string& text, std::chrono::milliseconds timeout = 10s);
  pid_t pid() const { return pid_; }
  // SIGTERM, then the exit status.
  int stop();

 private:
  void pump(std::chrono::milliseconds timeout);

  pid_t pid_ = -1;
  int stdout_fd_ = -1;
  int stderr_fd_ = -1;
  int notify_fd_ = -1;
  std::string notify_path_;
  std::string partial_;
  std::string stderr_;
  std::vector<Json::Value> events_;
  std::vector<std::string> bad_lines_;
  std::vector<std::string> notifications_;
  bool ready_ = false;
};

// Matchers over tracker's JSON events.
std::function<bool(const Json::Value&)> is_event(const std::string& name,
                                                 const std::string& container_id = "");
std::string arg(const Json::Value& event, const std::string& name);

}  // namespace tracker::testing
