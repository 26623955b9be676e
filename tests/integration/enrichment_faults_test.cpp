// tracker --containers when runtime sockets misbehave, seen through tracker's
// own output: a socket that never answers, fake Docker APIs that answer
// garbage, paths that are no sockets, a real CRI pod end to end, and a runtime
// that restarts while tracker runs. Every fault is a test; none may stall
// startup or other runtimes' containers, crash tracker or flood its log.
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <functional>
#include <iostream>
#include <memory>
#include <optional>
#include <sstream>
#include <thread>

#include "cri_containerd.h"
#include "enrich/runtime_client.h"
#include "fake_http_server.h"
#include "harness.h"

extern char** environ;

namespace tracker::testing {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;
using test_support::FakeServer;
using test_support::http_response;
using test_support::send_all;
using test_support::TempDir;

// tracker's per-call deadline (Options::enrichment_timeout, [Enrichment] Timeout=).
constexpr auto kDeadline = 2000ms;
// What a loaded 2-core test machine adds on top of a deadline.
constexpr auto kSlack = 1500ms;

// The enrichment warnings in tracker's stderr ("tracker: warning: enrich: …")
// that contain `needle`. Other topics (D-Bus, kernel) are not these tests' business.
std::vector<std::string> enrich_warnings(const std::string& stderr_text,
                                         const std::string& needle = "") {
  std::vector<std::string> found;
  std::istringstream lines(stderr_text);
  for (std::string line; std::getline(lines, line);)
    if (line.starts_with("tracker: warning: enrich:") && line.find(needle) != std::string::npos)
      found.push_back(line);
  return found;
}

// A process of the test's own (posix_spawn), stopped by its PID only.
class ChildProcess {
 public:
  ChildProcess() = default;
  ~ChildProcess() { stop(); }
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  bool start(std::vector<std::string> argv, const std::string& log_path) {
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&actions, 1, log_path.c_str(), O_WRONLY | O_CREAT | O_APPEND,
                                     0644);
    posix_spawn_file_actions_adddup2(&actions, 1, 2);
    std::vector<char*> args;
    for (auto& a : argv) args.push_back(a.data());
    args.push_back(nullptr);
    int rc = posix_spawnp(&pid_, args[0], &actions, nullptr, args.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    if (rc != 0) pid_ = -1;
    return pid_ > 0;
  }

  // SIGTERM, then SIGKILL after 10 s.
  void stop() {
    if (pid_ <= 0) return;
    kill(pid_, SIGTERM);
    auto until = Clock::now() + 10s;
    while (waitpid(pid_, nullptr, WNOHANG) == 0) {
      if (Clock::now() > until) {
        kill(pid_, SIGKILL);
        waitpid(pid_, nullptr, 0);
        break;
      }
      std::this_thread::sleep_for(20ms);
    }
    pid_ = -1;
  }
  pid_t pid() const { return pid_; }

 private:
  pid_t pid_ = -1;
};

bool podman_answers(const std::string& socket, std::chrono::milliseconds deadline = 2s) {
  return make_podman_client(socket)->ping(deadline);
}

bool wait_until(const std::function<bool()>& condition, std::chrono::milliseconds timeout) {
  auto until = Clock::now() + timeout;
  while (!condition()) {
    if (Clock::now() > until) return false;
    std::this_thread::sleep_for(20ms);
  }
  return true;
}

// A 64-hex id whose first character is `first`, so ids of one test differ early.
std::string id_starting_with(char first) {
  auto id = random_hex_id();
  id[0] = first;
  return id;
}

// An event's argument as it is in the JSON (null when missing).
Json::Value arg_value(const Json::Value& event, const std::string& name) {
  for (auto& a : event["args"])
    if (a["name"].asString() == name) return a["value"];
  return Json::Value();
}

bool has_metadata(const Json::Value& event) {
  return !event["container"]["name"].asString().empty() ||
         !event["container"]["image"].asString().empty() || !arg(event, "container_name").empty();
}

// ---------------------------------------------------------------------------
// 1. A socket that accepts and never answers.

TEST(EnrichmentFaults, HungSocketDelaysOnlyItsOwnContainers) {
  REQUIRE_PREREQUISITE(geteuid() == 0, "root");
  REQUIRE_PREREQUISITE(podman_answers(kPodmanSocket), "podman's API service at " + kPodmanSocket +
                                                          " (tests/fixtures/runtimes.sh)");
  REQUIRE_PREREQUISITE(command_succeeds(kPodman + "image exists " + test_image()),
                       "image " + test_image() + " (tests/fixtures/busybox-image.sh)");
  Cleanup cleanup;
  // A docker container that exists before tracker starts.
  SyntheticContainer existing("docker/{id}", id_starting_with('a'));
  ASSERT_TRUE(existing.created());

  // How long tracker takes to become ready here when docker is not asked at all.
  auto start = Clock::now();
  std::chrono::milliseconds baseline;
  {
    TrackerProcess tracker({"--containers", "--cri", "podman:" + kPodmanSocket, "--output", "json",
                            "--scope", "container"});
    ASSERT_TRUE(tracker.wait_ready()) << tracker.stderr_text();
    baseline = since(start);
  }

  FakeServer hung(test_support::never_answer());
  start = Clock::now();
  TrackerProcess tracker({"--containers", "--cri", "docker:" + hung.path(), "--cri",
                          "podman:" + kPodmanSocket, "--output", "json", "--scope", "container"});
  ASSERT_TRUE(tracker.wait_ready(30s)) << tracker.stderr_text();
  auto ready = since(start);
  std::cerr << "[ timing   ] READY=1 after " << ready.count() << " ms with a hung docker socket, "
            << baseline.count() << " ms without asking docker\n";
  RecordProperty("ready_hung_ms", static_cast<int>(ready.count()));
  RecordProperty("ready_baseline_ms", static_cast<int>(baseline.count()));
  EXPECT_LE(ready, baseline + kDeadline + kSlack) << "READY=1 waited on the hung socket";
  EXPECT_TRUE(wait_until(
      [&] {
        for (auto& request : hung.requests())
          if (request.find(existing.id()) != std::string::npos) return true;
        return false;
      },
      1s))
      << "tracker never asked the hung socket about " << existing.id();

  auto existing_line = tracker.wait_for(is_event("existing_container", existing.id()), 1s);
  ASSERT_TRUE(existing_line) << "the existing docker container was not reported by READY=1 + 1 s";
  EXPECT_EQ(arg(*existing_line, "runtime"), "docker");
  EXPECT_FALSE(has_metadata(*existing_line)) << existing_line->toStyledString();

  // A real podman container is enriched as if docker's socket were fine.
  std::string name = "tracker-faults-" + random_hex_id(8);
  auto run_start = Clock::now();
  auto started =
      run(kPodman + "run -d --network none" + kLimits + "--name " + name + " " + test_image());
  ASSERT_EQ(started.status, 0) << "podman run";
  auto run_took = since(run_start);
  auto returned = Clock::now();
  std::string podman_id = started.output.substr(started.output.rfind('\n') + 1);
  cleanup.add(kPodman + "rm -f -t 0 " + podman_id);
  auto created = tracker.wait_for(is_event("container_create", podman_id), kDeadline + kSlack);
  ASSERT_TRUE(created) << "no container_create for podman " << podman_id << " within "
                       << (kDeadline + kSlack).count() << " ms of podman run returning\n"
                       << tracker.stderr_text();
  auto podman_latency = since(returned);
  std::cerr << "[ timing   ] podman container_create seen " << podman_latency.count()
            << " ms after `podman run` returned (the run took " << run_took.count() << " ms)\n";
  RecordProperty("podman_create_after_run_ms", static_cast<int>(podman_latency.count()));
  EXPECT_EQ((*created)["container"]["name"].asString(), name);
  EXPECT_EQ(arg(*created, "container_name"), name);
  EXPECT_EQ(arg(*created, "runtime"), "podman");
  EXPECT_EQ((*created)["container"]["image"].asString(), test_image());

  // New docker containers go out with their id only, within the deadline.
  for (char first : {'b', 'c'}) {
    auto mkdir_at = Clock::now();
    SyntheticContainer fresh("docker/{id}", id_starting_with(first));
    ASSERT_TRUE(fresh.created());
    auto line = tracker.wait_for(is_event("container_create", fresh.id()), kDeadline + kSlack);
    ASSERT_TRUE(line) << "no container_create for " << fresh.id() << " within "
                      << (kDeadline + kSlack).count() << " ms\n"
                      << tracker.stderr_text();
    auto took = since(mkdir_at);
    std::cerr << "[ timing   ] docker container_create (id only) " << took.count()
              << " ms after mkdir\n";
    RecordProperty(std::string("docker_create_ms_") + first, static_cast<int>(took.count()));
    EXPECT_LE(took, kDeadline + kSlack);
    EXPECT_EQ(arg(*line, "runtime"), "docker");
    EXPECT_EQ(arg(*line, "container_id"), fresh.id());
    EXPECT_FALSE(has_metadata(*line)) << line->toStyledString();
    fresh.remove();
    EXPECT_TRUE(tracker.wait_for(is_event("container_remove", fresh.id()), 5s));
  }
  EXPECT_EQ(tracker.stop(), 0) << tracker.stderr_text();
  // Each socket's problem is told once, not once per container.
  EXPECT_EQ(enrich_warnings(tracker.stderr_text(), hung.path()).size(), 1u)
      << tracker.stderr_text();
}

// ---------------------------------------------------------------------------
// 2. A fake Docker API that answers garbage about containers.

struct Garbage {
  std::string name;
  // The reply to GET /containers/<id>/json.
  std::function<void(int fd, const std::string& id)> reply;
  std::size_t warnings;  // how many warning lines three containers are worth
};

void PrintTo(const Garbage& garbage, std::ostream* os) {
  *os << garbage.name;
}

std::string full_inspect(const std::string& id) {
  return R"({"Id": ")" + id + R"(", "Name": "/garbage", "Image": "sha256:)" + std::string(64, '1') +
         R"(", "Config": {"Image": "garbage:latest", "Labels": {}}, "State": {"Pid": 1}})";
}

const std::vector<Garbage>& garbage_kinds() {
  static const std::vector<Garbage> all = {
      // The runtime does not know the container: an answer, not a fault. A
      // cgroup the runtime never heard of is common (it may be gone already,
      // or not be the runtime's at all): tracker stays quiet.
      {"http_404",
       [](int fd, const std::string& id) {
         send_all(fd, http_response(404, R"({"message": "No such container: )" + id + "\"}"));
       },
       0},
      {"http_500",
       [](int fd, const std::string&) {
         send_all(fd, http_response(500, R"({"message": "fake daemon is broken"})"));
       },
       1},
      // The daemon dies in the middle of its reply.
      {"truncated_body",
       [](int fd, const std::string& id) {
         auto body = full_inspect(id);
         auto full = http_response(200, body);
         send_all(fd, full.substr(0, full.size() - body.size() / 2));
       },
       1},
      // A complete reply whose JSON stops halfway.
      {"truncated_json",
       [](int fd, const std::string& id) {
         auto body = full_inspect(id);
         send_all(fd, http_response(200, body.substr(0, body.size() / 2)));
       },
       1},
      {"non_json",
       [](int fd, const std::string&) {
         send_all(fd, http_response(200, "<html><body>502 Bad Gateway</body></html>", "text/html"));
       },
       1},
      {"body_50mb",
       [](int fd, const std::string&) { test_support::send_huge_body(fd, 50 << 20, false); }, 1},
      {"wrong_types",
       [](int fd, const std::string&) {
         send_all(fd, http_response(200, R"({"Id": 42, "Name": ["x"], "Image": {"a": 1},
             "Created": true, "Config": [1, 2], "State": "running", "Mounts": "none",
             "HostConfig": 7.5, "NetworkSettings": null})"));
       },
       1},
      // The id is right and everything else has the wrong type: the container
      // is known, with nothing more than its id.
      {"wrong_types_but_id",
       [](int fd, const std::string& id) {
         send_all(fd, http_response(200, R"({"Id": ")" + id + R"(", "Name": 5, "Image": [],
             "Created": {"x": 1}, "Config": {"Image": 9, "Labels": [1, "a"]},
             "State": {"Pid": "12", "StartedAt": 3}})"));
       },
       0},
  };
  return all;
}

class GarbageReplyTest : public ::testing::TestWithParam<Garbage> {};

TEST_P(GarbageReplyTest, IdOnlyNoCrashOneWarning) {
  const Garbage& garbage = GetParam();
  REQUIRE_PREREQUISITE(geteuid() == 0, "root");
  // The fake listens where a docker socket's path is as long as the real one
  // (/var/run/docker.sock), so a message cut short looks the same.
  TempDir dir("tf");
  auto socket_path = dir.file("d.sock");
  ASSERT_EQ(socket_path.size(), std::string("/var/run/docker.sock").size()) << socket_path;
  FakeServer server(
      [&](int fd, const std::string& line, const std::atomic<bool>&) {
        const std::string prefix = "GET /containers/";
        if (line == "GET /_ping HTTP/1.1") {
          send_all(fd, http_response(200, "OK", "text/plain"));
        } else if (line.starts_with(prefix)) {
          auto id = line.substr(prefix.size(), line.find('/', prefix.size()) - prefix.size());
          garbage.reply(fd, id);
        } else {
          send_all(fd, http_response(404, R"({"message": "page not found"})"));
        }
      },
      socket_path);

  TrackerProcess tracker({"--containers", "--cri", "docker:" + server.path(), "--output", "json",
                          "--scope", "container"});
  ASSERT_TRUE(tracker.wait_ready()) << tracker.stderr_text();

  std::vector<std::unique_ptr<SyntheticContainer>> containers;
  for (char first : {'a', 'b', 'c'}) {
    containers.push_back(
        std::make_unique<SyntheticContainer>("docker/{id}", id_starting_with(first)));
    ASSERT_TRUE(containers.back()->created());
  }
  auto created_at = Clock::now();
  for (auto& container : containers) {
    auto line = tracker.wait_for(is_event("container_create", container->id()), kDeadline + kSlack);
    ASSERT_TRUE(line) << "no container_create for " << container->id() << "\n"
                      << tracker.stderr_text();
    EXPECT_EQ(arg(*line, "runtime"), "docker");
    EXPECT_EQ(arg(*line, "container_id"), container->id());
    EXPECT_EQ((*line)["containerId"].asString(), container->id());
    EXPECT_FALSE(has_metadata(*line)) << line->toStyledString();
  }
  std::cerr << "[ timing   ] " << garbage.name << ": three container_create lines within "
            << since(created_at).count() << " ms of the mkdirs\n";
  RecordProperty("creates_within_ms", static_cast<int>(since(created_at).count()));
  // Lookups are bounded per socket: one may still wait for a worker that the
  // garbage holds until the deadline.
  auto was_asked = [&](const std::string& id) {
    auto asked = server.requests();
    return std::any_of(asked.begin(), asked.end(),
                       [&](const std::string& r) { return r.find(id) != std::string::npos; });
  };
  for (auto& container : containers)
    EXPECT_TRUE(wait_until([&] { return was_asked(container->id()); }, kDeadline + kSlack))
        << "the fake docker was never asked about " << container->id();

  // Long enough for the retries and the endpoint's pings.
  tracker.collect_for(5s);
  auto asked = server.requests();
  for (auto& container : containers) container->remove();
  for (auto& container : containers)
    EXPECT_TRUE(tracker.wait_for(is_event("container_remove", container->id()), 5s))
        << "no container_remove for " << container->id() << ": tracker stopped printing\n"
        << tracker.stderr_text();
  for (auto& container : containers)
    EXPECT_EQ(tracker.matching(is_event("container_create", container->id())).size(), 1u);

  // Retries back off (250 ms, 500 ms, 1 s, 2 s, …): no more than six lookups
  // of one container in these seconds, however the fake answers.
  for (auto& container : containers) {
    auto lookups = std::count_if(asked.begin(), asked.end(), [&](const std::string& r) {
      return r.find(container->id()) != std::string::npos;
    });
    EXPECT_LE(lookups, 6) << container->id() << " was looked up " << lookups
                          << " times: retried without backoff";
  }

  EXPECT_TRUE(tracker.bad_lines().empty()) << tracker.bad_lines().front();
  EXPECT_EQ(tracker.stop(), 0) << "tracker did not exit 0 on SIGTERM\n" << tracker.stderr_text();
  auto text = tracker.stderr_text();
  std::cerr << "[ requests ] " << garbage.name << ": the fake docker answered "
            << server.requests().size() << " requests\n";
  auto about_fake = enrich_warnings(text, server.path());
  EXPECT_EQ(about_fake.size(), garbage.warnings) << text;
  EXPECT_EQ(enrich_warnings(text).size(), about_fake.size()) << "other enrichment warnings\n"
                                                             << text;
}

INSTANTIATE_TEST_SUITE_P(Kinds, GarbageReplyTest, ::testing::ValuesIn(garbage_kinds()),
                         [](const ::testing::TestParamInfo<Garbage>& info) {
                           return info.param.name;
                         });

// ---------------------------------------------------------------------------
// 3. Configured paths that are no sockets, or do not exist.

TEST(EnrichmentFaults, NotASocketAndMissingSocketWarnOnceAndEventsFlow) {
  REQUIRE_PREREQUISITE(geteuid() == 0, "root");
  REQUIRE_PREREQUISITE(fs::is_regular_file("/etc/hostname"), "/etc/hostname");
  TempDir dir("tracker-missing-");
  auto missing = dir.file("podman.sock");
  TrackerProcess tracker({"--containers", "--cri", "docker:/etc/hostname", "--cri",
                          "podman:" + missing, "--output", "json", "--scope", "container"});
  ASSERT_TRUE(tracker.wait_ready()) << tracker.stderr_text();

  std::vector<std::unique_ptr<SyntheticContainer>> containers;
  for (char first : {'a', 'b', 'c'}) {
    containers.push_back(
        std::make_unique<SyntheticContainer>("docker/{id}", id_starting_with(first)));
    containers.push_back(
        std::make_unique<SyntheticContainer>("libpod_parent/libpod-{id}", id_starting_with(first)));
  }
  for (auto& container : containers) ASSERT_TRUE(container->created());
  for (auto& container : containers) {
    auto line = tracker.wait_for(is_event("container_create", container->id()), kDeadline + kSlack);
    ASSERT_TRUE(line) << "no container_create for " << container->id() << "\n"
                      << tracker.stderr_text();
    EXPECT_FALSE(has_metadata(*line)) << line->toStyledString();
  }
  tracker.collect_for(3s);
  for (auto& container : containers) container->remove();
  for (auto& container : containers)
    EXPECT_TRUE(tracker.wait_for(is_event("container_remove", container->id()), 5s));
  EXPECT_EQ(tracker.stop(), 0) << tracker.stderr_text();

  auto text = tracker.stderr_text();
  auto about_file = enrich_warnings(text, "/etc/hostname");
  ASSERT_EQ(about_file.size(), 1u) << text;
  EXPECT_NE(about_file[0].find("not a socket"), std::string::npos) << about_file[0];
  auto about_missing = enrich_warnings(text, missing);
  ASSERT_EQ(about_missing.size(), 1u) << text;
  EXPECT_NE(about_missing[0].find("No such file or directory"), std::string::npos)
      << about_missing[0];
}

// An administrator's typo in --cri shows at once, not when a first container
// of that runtime appears (possibly days later).
TEST(EnrichmentFaults, BadConfiguredSocketIsToldAtStartup) {
  REQUIRE_PREREQUISITE(geteuid() == 0, "root");
  TempDir dir("tracker-missing-");
  auto missing = dir.file("podman.sock");
  TrackerProcess tracker({"--containers", "--cri", "docker:/etc/hostname", "--cri",
                          "podman:" + missing, "--output", "json", "--scope", "container"});
  ASSERT_TRUE(tracker.wait_ready()) << tracker.stderr_text();
  tracker.collect_for(kDeadline);
  auto text = tracker.stderr_text();
  EXPECT_EQ(enrich_warnings(text, "/etc/hostname").size(), 1u) << text;
  EXPECT_EQ(enrich_warnings(text, missing).size(), 1u) << text;
}

// ---------------------------------------------------------------------------
// 4. A real CRI pod, end to end: CRI-enabled containerd of the test's own.

struct CriCase {
  std::string runtime;  // --cri <runtime>:<socket>, and what the lines say
};

void PrintTo(const CriCase& c, std::ostream* os) {
  *os << c.runtime;
}

class CriEndToEndTest : public ::testing::TestWithParam<CriCase> {
 protected:
  static void SetUpTestSuite() {
    if (geteuid() != 0) {
      problem_ = "root";
      return;
    }
    if (!command_succeeds("command -v containerd")) {
      problem_ = "containerd (scripts/deps.sh)";
      return;
    }
    containerd_ = new test_support::CriContainerd(test_image());
    if (!containerd_->start(problem_) || !containerd_->import_test_image(problem_, "k8s.io")) {
      delete containerd_;
      containerd_ = nullptr;
    }
  }
  static void TearDownTestSuite() {
    delete containerd_;
    containerd_ = nullptr;
  }
  static inline test_support::CriContainerd* containerd_ = nullptr;
  static inline std::string problem_;
};

TEST_P(CriEndToEndTest, PodAndContainerLinesCarryKubernetesFields) {
  REQUIRE_PREREQUISITE(containerd_ != nullptr, "a CRI containerd: " + problem_);
  const std::string runtime = GetParam().runtime;
  TrackerProcess tracker({"--containers", "--cri", runtime + ":" + containerd_->socket(), "--scope",
                          "container", "--output", "json"});
  ASSERT_TRUE(tracker.wait_ready()) << tracker.stderr_text();

  const auto uid = test_support::random_uuid();
  const std::string pod_name = "faults-web-" + random_hex_id(6);
  const std::string pod_namespace = "faults-shop";
  test_support::CriPod pod(
      containerd_->channel(),
      test_support::kubelet_pod_config(pod_name, pod_namespace, uid, containerd_->dir() / "logs"));
  auto status = pod.run();
  ASSERT_TRUE(status.ok()) << "RunPodSandbox: " << status.error_message();
  auto sandbox_ran = Clock::now();

  std::string id;
  status = pod.create_container(
      test_support::kubelet_container_config("app", test_image(), true, pod.config()), id);
  ASSERT_TRUE(status.ok()) << "CreateContainer: " << status.error_message();
  status = pod.start_container(id);
  ASSERT_TRUE(status.ok()) << "StartContainer: " << status.error_message();
  auto started = Clock::now();

  auto created = tracker.wait_for(is_event("container_create", id), kDeadline + kSlack);
  ASSERT_TRUE(created) << "no container_create for " << id << "\n" << tracker.stderr_text();
  auto latency = since(started);
  std::cerr << "[ timing   ] " << runtime << ": the pod container's container_create seen "
            << latency.count() << " ms after StartContainer returned\n";
  RecordProperty("create_after_start_container_ms", static_cast<int>(latency.count()));
  const Json::Value& k8s = (*created)["kubernetes"];
  EXPECT_EQ(k8s["podName"].asString(), pod_name) << created->toStyledString();
  EXPECT_EQ(k8s["podNamespace"].asString(), pod_namespace);
  EXPECT_EQ(k8s["podUID"].asString(), uid);
  EXPECT_FALSE(k8s["podSandbox"].asBool());
  EXPECT_EQ(arg(*created, "runtime"), runtime);
  EXPECT_EQ((*created)["container"]["image"].asString(), test_image());
  EXPECT_EQ(arg(*created, "container_image"), test_image());
  EXPECT_EQ((*created)["container"]["name"].asString(), "app");
  EXPECT_EQ(arg(*created, "pod_uid"), uid);
  EXPECT_EQ(arg_value(*created, "pod_sandbox"), Json::Value(false));

  // The sandbox went out first, when RunPodSandbox made its cgroup.
  auto sandbox = tracker.wait_for(is_event("container_create", pod.sandbox_id()), 1s);
  ASSERT_TRUE(sandbox) << "no container_create for the sandbox " << pod.sandbox_id();
  std::cerr << "[ timing   ] " << runtime << ": sandbox line seen by "
            << std::chrono::duration_cast<std::chrono::milliseconds>(started - sandbox_ran).count()
            << " ms after RunPodSandbox returned\n";
  const Json::Value& sandbox_k8s = (*sandbox)["kubernetes"];
  EXPECT_TRUE(sandbox_k8s["podSandbox"].asBool()) << sandbox->toStyledString();
  EXPECT_EQ(sandbox_k8s["podName"].asString(), pod_name);
  EXPECT_EQ(sandbox_k8s["podNamespace"].asString(), pod_namespace);
  EXPECT_EQ(sandbox_k8s["podUID"].asString(), uid);
  EXPECT_EQ(arg(*sandbox, "runtime"), runtime);
  EXPECT_EQ(arg_value(*sandbox, "pod_sandbox"), Json::Value(true));

  auto removed = pod.teardown();
  EXPECT_TRUE(removed.ok()) << "RemovePodSandbox: " << removed.error_message();
  EXPECT_TRUE(tracker.wait_for(is_event("container_remove", id), 10s));
  EXPECT_TRUE(tracker.wait_for(is_event("container_remove", pod.sandbox_id()), 10s));
  EXPECT_TRUE(enrich_warnings(tracker.stderr_text()).empty()) << tracker.stderr_text();
}

INSTANTIATE_TEST_SUITE_P(Clients, CriEndToEndTest,
                         ::testing::Values(CriCase{"crio"}, CriCase{"containerd"}),
                         [](const ::testing::TestParamInfo<CriCase>& info) {
                           return info.param.runtime;
                         });

// ---------------------------------------------------------------------------
// 5. The runtime restarts while tracker runs.

TEST(EnrichmentFaults, RuntimeRestartedMidStreamIsPickedUpAgain) {
  REQUIRE_PREREQUISITE(geteuid() == 0, "root");
  REQUIRE_PREREQUISITE(command_succeeds(kPodman + "image exists " + test_image()),
                       "podman with image " + test_image());
  TempDir dir("tracker-podman-");
  auto socket = dir.file("podman.sock");
  auto log = dir.file("service.log");
  const std::vector<std::string> service_argv = {
      "podman", "--runtime", "runc",     "--cgroup-manager", "cgroupfs",
      "system", "service",   "--time=0", "unix://" + socket};
  Cleanup cleanup;
  ChildProcess service;
  ASSERT_TRUE(service.start(service_argv, log));
  ASSERT_TRUE(wait_until([&] { return podman_answers(socket, 500ms); }, 20s))
      << "podman system service did not answer at " << socket;

  TrackerProcess tracker(
      {"--containers", "--cri", "podman:" + socket, "--output", "json", "--scope", "container"});
  ASSERT_TRUE(tracker.wait_ready()) << tracker.stderr_text();

  // While the service runs, containers are enriched through it.
  std::string before_name = "tracker-before-" + random_hex_id(8);
  auto before = run(kPodman + "run -d --network none" + kLimits + "--name " + before_name + " " +
                    test_image());
  ASSERT_EQ(before.status, 0);
  cleanup.add(kPodman + "rm -f -t 0 " + before.output);
  auto before_line = tracker.wait_for(is_event("container_create", before.output), 10s);
  ASSERT_TRUE(before_line) << tracker.stderr_text();
  EXPECT_EQ((*before_line)["container"]["name"].asString(), before_name);

  // The service goes away; a container starts meanwhile.
  service.stop();
  std::error_code ignored;
  fs::remove(socket, ignored);  // in case it was left behind: its return is then visible
  std::string name = "tracker-restart-" + random_hex_id(8);
  auto started =
      run(kPodman + "run -d --network none" + kLimits + "--name " + name + " " + test_image());
  ASSERT_EQ(started.status, 0);
  std::string id = started.output;
  cleanup.add(kPodman + "rm -f -t 0 " + id);
  auto created = tracker.wait_for(is_event("container_create", id), kDeadline + kSlack);
  ASSERT_TRUE(created) << "the create must go out while the runtime is down\n"
                       << tracker.stderr_text();
  EXPECT_EQ((*created)["container"]["name"].asString(), "");

  // Back again.
  ASSERT_TRUE(service.start(service_argv, log));
  auto waiting = Clock::now();
  while (access(socket.c_str(), F_OK) != 0 && since(waiting) < 20s) usleep(5'000);
  ASSERT_EQ(access(socket.c_str(), F_OK), 0) << "podman system service did not come back";
  auto up = Clock::now();
  auto up_ns = epoch_ns();

  std::optional<Json::Value> named;
  int execs = 0;
  while (!named && since(up) < 10s) {
    run(kPodman + "exec " + id + " /bin/true");
    ++execs;
    named = tracker.wait_for(
        [&](const Json::Value& e) {
          return is_event("sched_process_exec", id)(e) && e["container"]["name"].asString() == name;
        },
        300ms);
  }
  ASSERT_TRUE(named) << "process events never carried the name after " << execs << " execs\n"
                     << tracker.stderr_text();
  auto seen = since(up);
  auto named_after_ms = ((*named)["timestamp"].asInt64() - up_ns) / 1'000'000;
  std::cerr << "[ timing   ] first named exec event " << named_after_ms
            << " ms (kernel time) after the socket returned; seen after " << seen.count()
            << " ms and " << execs << " podman exec\n";
  RecordProperty("named_exec_after_socket_ms", static_cast<int>(named_after_ms));
  EXPECT_LE(named_after_ms, 2000) << "enriched later than 2 s after the socket returned";
  // Every exec event more than 2 s after the socket returned carries the name.
  for (auto& event : tracker.matching(is_event("sched_process_exec", id))) {
    if (event["timestamp"].asInt64() > up_ns + 2'000'000'000) {
      EXPECT_EQ(event["container"]["name"].asString(), name) << event.toStyledString();
    }
  }
  EXPECT_EQ(tracker.stop(), 0);
}

}  // namespace
}  // namespace tracker::testing
