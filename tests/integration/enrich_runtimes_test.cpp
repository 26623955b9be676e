// The runtime clients against real daemons: dockerd, podman's API service,
// containerd (ctr containers in namespace tracker-test), and a CRI-enabled
// containerd this test starts itself to run a pod sandbox and a container in it.
//
// Needs root, the daemons of tests/fixtures/runtimes.sh and the image of
// tests/fixtures/busybox-image.sh (both are run when something is missing).
// Without a prerequisite the tests skip, except under CI=true where they fail.
#include <grpcpp/create_channel.h>
#include <grpcpp/security/credentials.h>
#include <gtest/gtest.h>

#include <signal.h>
#include <spawn.h>
#include <sys/mount.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fcntl.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iostream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "enrich/cri_runtime_v1.grpc.pb.h"
#include "enrich/runtime_client.h"

extern char** environ;

namespace tracker {
namespace {

namespace fs = std::filesystem;
namespace cri = runtime::v1;
using namespace std::chrono_literals;

constexpr auto kDeadline = 2000ms;
const std::string kImage = "localhost/tracker-test/busybox:latest";
const std::string kDockerSocket = "/var/run/docker.sock";
const std::string kPodmanSocket = "/run/podman/podman.sock";
const std::string kContainerdSocket = "/run/containerd/containerd.sock";
const std::string kNamespace = "tracker-test";

bool in_ci() {
  const char* ci = std::getenv("CI");
  return ci && std::string_view(ci) == "true";
}

// A missing prerequisite skips, but fails under CI=true: nothing skips in CI.
#define REQUIRE_PREREQ(condition, what)                                  \
  do {                                                                   \
    if (!(condition)) {                                                  \
      if (in_ci()) FAIL() << "missing prerequisite (CI=true): " << what; \
      GTEST_SKIP() << "missing prerequisite: " << what;                  \
    }                                                                    \
  } while (0)

struct Output {
  int status = -1;
  std::string text;  // stdout, trailing newline removed
};

// Runs a shell command of our own making (no outside input goes into it).
Output run(const std::string& command) {
  Output out;
  FILE* pipe = popen((command + " 2>/dev/null").c_str(), "r");
  if (!pipe) return out;
  char buffer[4096];
  std::size_t got;
  while ((got = fread(buffer, 1, sizeof(buffer), pipe)) > 0) out.text.append(buffer, got);
  int status = pclose(pipe);
  out.status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  while (!out.text.empty() && (out.text.back() == '\n' || out.text.back() == '\r'))
    out.text.pop_back();
  return out;
}

// Runs its cleanup however the test leaves the scope (ASSERT included).
class Cleanup {
 public:
  explicit Cleanup(std::function<void()> action) : action_(std::move(action)) {}
  ~Cleanup() { action_(); }
  Cleanup(const Cleanup&) = delete;
  Cleanup& operator=(const Cleanup&) = delete;

 private:
  std::function<void()> action_;
};

std::string unique_suffix() {
  return std::to_string(getpid()) + "-" +
         std::to_string(std::chrono::steady_clock::now().time_since_epoch().count() % 100000);
}

std::string random_uuid() {
  std::ifstream in("/proc/sys/kernel/random/uuid");
  std::string uuid;
  std::getline(in, uuid);
  return uuid;
}

bool is_file(const fs::path& path) {
  std::error_code ec;
  return fs::is_regular_file(path, ec);
}

// The source tree, for the fixture scripts.
fs::path source_root() {
  if (const char* root = std::getenv("TRACKER_SOURCE_ROOT")) return root;
#ifdef TRACKER_SOURCE_ROOT
  return TRACKER_SOURCE_ROOT;
#endif
  auto from_file = fs::absolute(fs::path(__FILE__)).parent_path().parent_path().parent_path();
  if (is_file(from_file / "tests/fixtures/runtimes.sh")) return from_file;
  // A build directory usually lives in the source tree: look upwards.
  std::error_code ec;
  for (auto start : {fs::current_path(ec), fs::read_symlink("/proc/self/exe", ec).parent_path()}) {
    for (auto dir = start; !dir.empty(); dir = dir.parent_path()) {
      if (is_file(dir / "tests/fixtures/runtimes.sh")) return dir;
      if (dir == dir.root_path()) break;
    }
  }
  return {};
}

// Milliseconds per inspect, the median of a few.
double time_inspect(RuntimeClient& client, const std::string& id) {
  std::vector<double> ms;
  for (int i = 0; i < 7; ++i) {
    auto start = std::chrono::steady_clock::now();
    client.inspect(id, kDeadline);
    ms.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start)
                     .count());
  }
  std::sort(ms.begin(), ms.end());
  return ms[ms.size() / 2];
}

void report_time(const char* runtime, double ms) {
  std::cout << "[ timing   ] one " << runtime << " inspect: " << ms << " ms\n";
  testing::Test::RecordProperty(std::string(runtime) + "_inspect_ms", std::to_string(ms));
}

// Within the last hour and not in the future: the clocks agree.
void expect_recent(std::int64_t ns, const char* what) {
  auto now = std::chrono::duration_cast<std::chrono::nanoseconds>(
                 std::chrono::system_clock::now().time_since_epoch())
                 .count();
  EXPECT_GT(ns, now - std::int64_t{3600} * 1'000'000'000) << what;
  EXPECT_LE(ns, now + 1'000'000'000) << what;
}

// The shared daemons and the test image, set up once for every test.
class Runtimes : public testing::Environment {
 public:
  static inline std::string problem;  // empty when everything is there

  void SetUp() override {
    if (geteuid() != 0) {
      problem = "must run as root";
      return;
    }
    auto root = source_root();
    auto holder = "TRACKER_FIXTURES_HOLDER=" + std::to_string(getpid()) + " ";
    if (!all_answer()) {
      if (root.empty()) {
        problem =
            "runtimes do not answer and tests/fixtures/runtimes.sh was not found "
            "(set TRACKER_SOURCE_ROOT)";
        return;
      }
      started_ =
          run(holder + (root / "tests/fixtures/runtimes.sh").string() + " start").status == 0;
      if (!all_answer()) {
        problem = "runtimes do not answer after tests/fixtures/runtimes.sh start";
        return;
      }
    }
    if (!root.empty()) run((root / "tests/fixtures/busybox-image.sh").string() + " " + kNamespace);
    if (run("docker -H unix://" + kDockerSocket + " image inspect " + kImage).status != 0)
      problem = "image " + kImage + " is missing (tests/fixtures/busybox-image.sh)";
    root_ = root;
  }

  void TearDown() override {
    if (started_) {
      auto holder = "TRACKER_FIXTURES_HOLDER=" + std::to_string(getpid()) + " ";
      run(holder + (root_ / "tests/fixtures/runtimes.sh").string() + " stop");
    }
  }

  static fs::path root() { return root_; }

 private:
  static bool all_answer() {
    return make_docker_client(kDockerSocket)->ping(kDeadline) &&
           make_podman_client(kPodmanSocket)->ping(kDeadline) &&
           make_containerd_client(kContainerdSocket)->ping(kDeadline);
  }

  bool started_ = false;
  static inline fs::path root_;
};

class EnrichRuntimes : public testing::Test {
 protected:
  void SetUp() override { REQUIRE_PREREQ(Runtimes::problem.empty(), Runtimes::problem); }
};

const std::string kDockerCli = "docker -H unix:///var/run/docker.sock";
const std::string kPodmanCli = "podman --runtime runc --cgroup-manager cgroupfs";
const std::string kCtrCli = "ctr --address /run/containerd/containerd.sock -n " + kNamespace;
const std::string kRunOptions =
    " --network none --runtime runc --ulimit nofile=1024:1024 --ulimit nproc=1024:1024 ";

TEST_F(EnrichRuntimes, Docker) {
  auto name = "enrich-it-" + unique_suffix();
  auto sandbox_name = name + "-sandbox";
  Cleanup cleanup([&] { run(kDockerCli + " rm -f " + name + " " + sandbox_name); });
  auto id = run(kDockerCli + " run -d --name " + name + kRunOptions +
                "--label tracker.test=enrich " + kImage)
                .text;
  ASSERT_EQ(id.size(), 64u) << "docker run failed";
  auto sandbox_id = run(kDockerCli + " run -d --name " + sandbox_name + kRunOptions +
                        "--label io.kubernetes.docker.type=podsandbox "
                        "--label io.kubernetes.pod.name=web-0 "
                        "--label io.kubernetes.pod.namespace=shop "
                        "--label io.kubernetes.pod.uid=0d6e1b3a-8f4c-4e1b-9c1d-2f3a4b5c6d7e " +
                        kImage)
                        .text;

  auto client = make_docker_client(kDockerSocket);
  auto result = client->inspect(id, kDeadline);
  ASSERT_EQ(result.status, LookupStatus::found) << result.error;
  const auto& info = result.info;
  EXPECT_EQ(info.runtime, Runtime::docker);
  EXPECT_EQ(info.id, id);
  EXPECT_EQ(info.name, name);
  EXPECT_EQ(info.image, kImage);
  EXPECT_EQ(info.image_id, run(kDockerCli + " inspect -f '{{.Image}}' " + id).text);
  EXPECT_EQ(info.image_digest, "") << "a loaded image has no repo digest";
  EXPECT_EQ(std::to_string(info.init_pid),
            run(kDockerCli + " inspect -f '{{.State.Pid}}' " + id).text);
  EXPECT_EQ(info.labels.at("tracker.test"), "enrich");
  expect_recent(info.created_ns, "created");
  expect_recent(info.started_ns, "started");
  EXPECT_GE(info.started_ns, info.created_ns);
  EXPECT_EQ(info.pod, PodInfo{});

  auto by_name = client->inspect(name, kDeadline);
  EXPECT_EQ(by_name.status, LookupStatus::found);
  EXPECT_EQ(by_name.info.id, id);

  auto sandbox = client->inspect(sandbox_id, kDeadline);
  ASSERT_EQ(sandbox.status, LookupStatus::found) << sandbox.error;
  EXPECT_EQ(sandbox.info.pod,
            (PodInfo{"web-0", "shop", "0d6e1b3a-8f4c-4e1b-9c1d-2f3a4b5c6d7e", true}));

  auto missing = client->inspect(std::string(64, 'f'), kDeadline);
  EXPECT_EQ(missing.status, LookupStatus::not_found);
  EXPECT_NE(missing.error.find(kDockerSocket), std::string::npos);

  // Docker runs its containers in containerd's "moby" namespace: the
  // containerd client, which searches every namespace, finds them there.
  auto via_containerd = make_containerd_client(kContainerdSocket)->inspect(id, kDeadline);
  EXPECT_EQ(via_containerd.status, LookupStatus::found) << via_containerd.error;
  EXPECT_EQ(via_containerd.info.init_pid, info.init_pid);

  report_time("docker", time_inspect(*client, id));
}

TEST_F(EnrichRuntimes, Podman) {
  auto name = "enrich-it-" + unique_suffix();
  auto pod = name + "-pod";
  Cleanup cleanup([&] {
    run(kPodmanCli + " rm -f -t 0 " + name + " " + name + "-in-pod");
    run(kPodmanCli + " pod rm -f " + pod);
  });
  auto id = run(kPodmanCli + " run -d --name " + name + kRunOptions +
                "--label tracker.test=enrich " + kImage)
                .text;
  ASSERT_EQ(id.size(), 64u) << "podman run failed";
  auto pod_id = run(kPodmanCli + " pod create --infra=false --name " + pod).text;
  auto in_pod_id = run(kPodmanCli + " run -d --pod " + pod + " --name " + name + "-in-pod" +
                       kRunOptions + kImage)
                       .text;

  auto client = make_podman_client(kPodmanSocket);
  auto result = client->inspect(id, kDeadline);
  ASSERT_EQ(result.status, LookupStatus::found) << result.error;
  const auto& info = result.info;
  EXPECT_EQ(info.runtime, Runtime::podman);
  EXPECT_EQ(info.id, id);
  EXPECT_EQ(info.name, name);
  EXPECT_EQ(info.image, kImage);
  EXPECT_EQ(info.image_id, "sha256:" + run(kPodmanCli + " inspect -f '{{.Image}}' " + id).text);
  EXPECT_EQ(info.image_digest, run(kPodmanCli + " inspect -f '{{.ImageDigest}}' " + id).text);
  EXPECT_TRUE(info.image_digest.starts_with("sha256:"));
  EXPECT_EQ(std::to_string(info.init_pid),
            run(kPodmanCli + " inspect -f '{{.State.Pid}}' " + id).text);
  EXPECT_EQ(info.labels.at("tracker.test"), "enrich");
  expect_recent(info.created_ns, "created");
  expect_recent(info.started_ns, "started");
  EXPECT_EQ(info.runtime_pod, RuntimePod{});

  ASSERT_EQ(in_pod_id.size(), 64u) << "podman run --pod failed";
  auto in_pod = client->inspect(in_pod_id, kDeadline);
  ASSERT_EQ(in_pod.status, LookupStatus::found) << in_pod.error;
  EXPECT_EQ(in_pod.info.runtime_pod, (RuntimePod{pod_id, pod, false}));
  EXPECT_EQ(in_pod.info.pod, PodInfo{}) << "a podman pod is not a Kubernetes pod";

  auto missing = client->inspect(std::string(64, 'f'), kDeadline);
  EXPECT_EQ(missing.status, LookupStatus::not_found);
  EXPECT_NE(missing.error.find(kPodmanSocket), std::string::npos);

  report_time("podman", time_inspect(*client, id));
}

TEST_F(EnrichRuntimes, Containerd) {
  auto id = "enrich-it-" + unique_suffix();
  Cleanup cleanup([&] {
    run(kCtrCli + " task rm -f " + id);
    run(kCtrCli + " container rm " + id);
  });
  ASSERT_EQ(run(kCtrCli + " run -d --label tracker.test=enrich --label io.kubernetes.pod.name=p1 " +
                kImage + " " + id)
                .status,
            0)
      << "ctr run failed";
  auto client = make_containerd_client(kContainerdSocket);
  auto result = client->inspect(id, kDeadline);
  ASSERT_EQ(result.status, LookupStatus::found) << result.error;
  const auto& info = result.info;
  EXPECT_EQ(info.runtime, Runtime::containerd);
  EXPECT_EQ(info.id, id);
  EXPECT_EQ(info.image, kImage);
  // ctr image ls -q lists names; the target digest comes from `ctr image ls`.
  auto listing = run(kCtrCli + " image ls | grep '^" + kImage + " '").text;
  EXPECT_NE(listing.find(info.image_digest), std::string::npos) << listing;
  EXPECT_TRUE(info.image_digest.starts_with("sha256:"));
  EXPECT_EQ(info.image_id, run(kDockerCli + " image inspect -f '{{.Id}}' " + kImage).text)
      << "the config digest, the same image id Docker reports";
  auto task = run(kCtrCli + " task ls | awk '$1 == \"" + id + "\" {print $2}'").text;
  EXPECT_EQ(std::to_string(info.init_pid), task);
  EXPECT_EQ(info.labels.at("tracker.test"), "enrich");
  EXPECT_EQ(info.pod.name, "p1");
  expect_recent(info.created_ns, "created");

  auto missing = client->inspect("enrich-it-no-such-container", kDeadline);
  EXPECT_EQ(missing.status, LookupStatus::not_found);
  EXPECT_NE(missing.error.find(kContainerdSocket), std::string::npos);

  report_time("containerd", time_inspect(*client, id));
}

// A containerd of the test's own with the CRI plugin configured to run pods
// here (see ENVIRONMENT.md): own root, state, socket and runc root.
class CriContainerd {
 public:
  CriContainerd() {
    std::string pattern = "/tmp/enrich-cri-XXXXXX";
    if (!mkdtemp(pattern.data())) return;
    dir_ = pattern;
    fs::create_directories(dir_ / "cni-conf");
    fs::create_directories(dir_ / "cni-bin");
    fs::create_directories(dir_ / "logs");
    std::ofstream(dir_ / "config.toml") << config();
  }

  ~CriContainerd() {
    stop();
    if (dir_.empty()) return;
    unmount_below(dir_);
    std::error_code ignored;
    fs::remove_all(dir_, ignored);
  }

  bool start(std::string& problem) {
    if (dir_.empty()) {
      problem = "mkdtemp failed";
      return false;
    }
    auto log = (dir_ / "containerd.log").string();
    auto config_path = (dir_ / "config.toml").string();
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&actions, 1, log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
    posix_spawn_file_actions_adddup2(&actions, 1, 2);
    const char* argv[] = {"containerd", "--config", config_path.c_str(), nullptr};
    int rc =
        posix_spawnp(&pid_, "containerd", &actions, nullptr, const_cast<char**>(argv), environ);
    posix_spawn_file_actions_destroy(&actions);
    if (rc != 0) {
      pid_ = -1;
      problem = "cannot run containerd";
      return false;
    }
    auto client = make_containerd_client(socket());
    for (auto until = std::chrono::steady_clock::now() + 30s;
         std::chrono::steady_clock::now() < until;) {
      if (client->ping(500ms)) return true;
      if (waitpid(pid_, nullptr, WNOHANG) == pid_) {
        pid_ = -1;
        problem = "the CRI containerd exited; see " + log;
        return false;
      }
      std::this_thread::sleep_for(100ms);
    }
    problem = "the CRI containerd does not answer at " + socket();
    return false;
  }

  void stop() {
    if (pid_ <= 0) return;
    kill(pid_, SIGTERM);
    for (int i = 0; i < 100 && waitpid(pid_, nullptr, WNOHANG) != pid_; ++i)
      std::this_thread::sleep_for(100ms);
    if (kill(pid_, 0) == 0) {
      kill(pid_, SIGKILL);
      waitpid(pid_, nullptr, 0);
    }
    pid_ = -1;
  }

  std::string socket() const { return (dir_ / "containerd.sock").string(); }
  fs::path dir() const { return dir_; }

 private:
  std::string config() const {
    auto d = dir_.string();
    std::ostringstream toml;
    toml << "version = 2\n"
         << "root = \"" << d << "/root\"\n"
         << "state = \"" << d << "/state\"\n"
         << "[grpc]\n  address = \"" << d << "/containerd.sock\"\n"
         << "[ttrpc]\n  address = \"" << d << "/containerd.sock.ttrpc\"\n"
         << "[plugins.\"io.containerd.internal.v1.opt\"]\n  path = \"" << d << "/opt\"\n"
         << "[plugins.\"io.containerd.grpc.v1.cri\"]\n"
         << "  sandbox_image = \"" << kImage << "\"\n"
         << "  restrict_oom_score_adj = true\n"
         << "  disable_apparmor = true\n"
         << "  stream_server_address = \"127.0.0.1\"\n"
         << "  stream_server_port = \"0\"\n"
         << "  [plugins.\"io.containerd.grpc.v1.cri\".containerd]\n"
         << "    default_runtime_name = \"runc\"\n"
         << "    snapshotter = \"overlayfs\"\n"
         << "    [plugins.\"io.containerd.grpc.v1.cri\".containerd.runtimes.runc]\n"
         << "      runtime_type = \"io.containerd.runc.v2\"\n"
         << "      [plugins.\"io.containerd.grpc.v1.cri\".containerd.runtimes.runc.options]\n"
         << "        SystemdCgroup = false\n"
         << "        Root = \"" << d << "/runc\"\n"
         << "  [plugins.\"io.containerd.grpc.v1.cri\".cni]\n"
         << "    bin_dir = \"" << d << "/cni-bin\"\n"
         << "    conf_dir = \"" << d << "/cni-conf\"\n";
    return toml.str();
  }

  // Whatever containerd left mounted in its directories (shm, rootfs).
  static void unmount_below(const fs::path& dir) {
    std::ifstream mountinfo("/proc/self/mountinfo");
    std::vector<std::string> targets;
    for (std::string line; std::getline(mountinfo, line);) {
      std::istringstream fields(line);
      std::string id, parent, devices, root, target;
      fields >> id >> parent >> devices >> root >> target;
      if (target.starts_with(dir.string() + "/")) targets.push_back(target);
    }
    std::sort(targets.rbegin(), targets.rend());  // deepest first
    for (const auto& target : targets) umount2(target.c_str(), MNT_DETACH);
  }

  fs::path dir_;
  pid_t pid_ = -1;
};

// The pod a kubelet would make: host network, Kubernetes labels, and a
// cgroup parent like the kubelet's cgroupfs driver uses.
cri::PodSandboxConfig pod_config(const std::string& uid, const fs::path& log_dir) {
  cri::PodSandboxConfig config;
  config.mutable_metadata()->set_name("enrich-web-0");
  config.mutable_metadata()->set_namespace_("enrich-shop");
  config.mutable_metadata()->set_uid(uid);
  config.set_log_directory(log_dir.string());
  (*config.mutable_labels())["io.kubernetes.pod.name"] = "enrich-web-0";
  (*config.mutable_labels())["io.kubernetes.pod.namespace"] = "enrich-shop";
  (*config.mutable_labels())["io.kubernetes.pod.uid"] = uid;
  auto linux_config = config.mutable_linux();
  linux_config->set_cgroup_parent("/kubepods/besteffort/pod" + uid);
  auto namespaces = linux_config->mutable_security_context()->mutable_namespace_options();
  namespaces->set_network(cri::NODE);
  namespaces->set_pid(cri::CONTAINER);
  namespaces->set_ipc(cri::POD);
  return config;
}

cri::ContainerConfig container_config(const std::string& name, bool kubelet_labels,
                                      const cri::PodSandboxConfig& pod) {
  cri::ContainerConfig config;
  config.mutable_metadata()->set_name(name);
  config.mutable_image()->set_image(kImage);
  config.add_command("/bin/sleep");
  config.add_args("3600");
  config.set_log_path(name + ".log");
  if (kubelet_labels) {
    for (const auto& [key, value] : pod.labels()) (*config.mutable_labels())[key] = value;
    (*config.mutable_labels())["io.kubernetes.container.name"] = name;
  }
  config.mutable_linux()->mutable_security_context()->mutable_namespace_options()->set_network(
      cri::NODE);
  return config;
}

template <typename Call>
grpc::Status call_cri(Call&& call) {
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + 60s);
  return call(&context);
}

TEST_F(EnrichRuntimes, CriContainerdPod) {
  REQUIRE_PREREQ(!Runtimes::root().empty(), "tests/fixtures/busybox-image.sh");
  CriContainerd containerd;
  std::string problem;
  ASSERT_TRUE(containerd.start(problem)) << problem;
  auto import = run("CONTAINERD_ADDRESS=" + containerd.socket() + " " +
                    (Runtimes::root() / "tests/fixtures/busybox-image.sh").string() + " k8s.io");
  ASSERT_EQ(import.status, 0) << "busybox-image.sh k8s.io: " << import.text;

  auto channel =
      grpc::CreateChannel("unix:" + containerd.socket(), grpc::InsecureChannelCredentials());
  auto cri_runtime = cri::RuntimeService::NewStub(channel);
  auto uid = random_uuid();
  auto pod = pod_config(uid, containerd.dir() / "logs");

  const bool kubepods_existed = fs::exists("/sys/fs/cgroup/unified/kubepods");
  cri::RunPodSandboxRequest run_pod;
  *run_pod.mutable_config() = pod;
  cri::RunPodSandboxResponse pod_reply;
  auto status =
      call_cri([&](auto* ctx) { return cri_runtime->RunPodSandbox(ctx, run_pod, &pod_reply); });
  ASSERT_TRUE(status.ok()) << "RunPodSandbox: " << status.error_message();
  const auto sandbox_id = pod_reply.pod_sandbox_id();
  std::vector<std::string> container_ids;
  // Everything goes before the containerd does, whatever fails on the way.
  auto teardown = [&, done = false]() mutable {
    if (done) return;
    done = true;
    for (const auto& id : container_ids) {
      cri::StopContainerRequest stop;
      stop.set_container_id(id);
      cri::StopContainerResponse stopped;
      call_cri([&](auto* ctx) { return cri_runtime->StopContainer(ctx, stop, &stopped); });
      cri::RemoveContainerRequest remove;
      remove.set_container_id(id);
      cri::RemoveContainerResponse removed;
      call_cri([&](auto* ctx) { return cri_runtime->RemoveContainer(ctx, remove, &removed); });
    }
    cri::StopPodSandboxRequest stop_pod;
    stop_pod.set_pod_sandbox_id(sandbox_id);
    cri::StopPodSandboxResponse pod_stopped;
    call_cri([&](auto* ctx) { return cri_runtime->StopPodSandbox(ctx, stop_pod, &pod_stopped); });
    cri::RemovePodSandboxRequest remove_pod;
    remove_pod.set_pod_sandbox_id(sandbox_id);
    cri::RemovePodSandboxResponse pod_removed;
    auto removed = call_cri(
        [&](auto* ctx) { return cri_runtime->RemovePodSandbox(ctx, remove_pod, &pod_removed); });
    EXPECT_TRUE(removed.ok()) << "RemovePodSandbox: " << removed.error_message();
    // The pod's cgroup directories, which the kubelet would remove, and the
    // parents if this test made them (rmdir leaves them when in use).
    for (const auto& hierarchy : fs::directory_iterator("/sys/fs/cgroup")) {
      std::error_code ignored;
      fs::remove(hierarchy.path() / ("kubepods/besteffort/pod" + uid), ignored);
      if (kubepods_existed) continue;
      fs::remove(hierarchy.path() / "kubepods/besteffort", ignored);
      fs::remove(hierarchy.path() / "kubepods", ignored);
    }
  };
  Cleanup cleanup([&] { teardown(); });

  for (auto [name, labelled] : {std::pair{"app", true}, std::pair{"bare", false}}) {
    cri::CreateContainerRequest create;
    create.set_pod_sandbox_id(sandbox_id);
    *create.mutable_config() = container_config(name, labelled, pod);
    *create.mutable_sandbox_config() = pod;
    cri::CreateContainerResponse created;
    status =
        call_cri([&](auto* ctx) { return cri_runtime->CreateContainer(ctx, create, &created); });
    ASSERT_TRUE(status.ok()) << "CreateContainer " << name << ": " << status.error_message();
    container_ids.push_back(created.container_id());
    cri::StartContainerRequest start;
    start.set_container_id(created.container_id());
    cri::StartContainerResponse started;
    status = call_cri([&](auto* ctx) { return cri_runtime->StartContainer(ctx, start, &started); });
    ASSERT_TRUE(status.ok()) << "StartContainer " << name << ": " << status.error_message();
  }

  auto client = make_cri_client(containerd.socket(), Runtime::containerd);
  EXPECT_TRUE(client->ping(kDeadline));
  const PodInfo expected_pod{"enrich-web-0", "enrich-shop", uid, false};

  auto app = client->inspect(container_ids[0], kDeadline);
  ASSERT_EQ(app.status, LookupStatus::found) << app.error;
  EXPECT_EQ(app.info.runtime, Runtime::containerd);
  EXPECT_EQ(app.info.id, container_ids[0]);
  EXPECT_EQ(app.info.name, "app");
  EXPECT_EQ(app.info.image, kImage);
  EXPECT_EQ(app.info.image_id, run(kDockerCli + " image inspect -f '{{.Id}}' " + kImage).text);
  EXPECT_GT(app.info.init_pid, 0);
  EXPECT_TRUE(fs::exists("/proc/" + std::to_string(app.info.init_pid)));
  expect_recent(app.info.created_ns, "created");
  expect_recent(app.info.started_ns, "started");
  EXPECT_EQ(app.info.pod, expected_pod);
  EXPECT_EQ(app.info.labels.at("io.kubernetes.container.name"), "app");
  std::cout << "[ cri      ] container " << app.info.id << " pid " << app.info.init_pid << " image "
            << app.info.image << " digest '" << app.info.image_digest << "' id "
            << app.info.image_id << "\n";

  // No kubelet labels: the pod comes from the sandbox the container runs in.
  auto bare = client->inspect(container_ids[1], kDeadline);
  ASSERT_EQ(bare.status, LookupStatus::found) << bare.error;
  EXPECT_EQ(bare.info.name, "bare");
  EXPECT_EQ(bare.info.pod, expected_pod);

  auto sandbox = client->inspect(sandbox_id, kDeadline);
  ASSERT_EQ(sandbox.status, LookupStatus::found) << sandbox.error;
  EXPECT_EQ(sandbox.info.id, sandbox_id);
  EXPECT_EQ(sandbox.info.name, "enrich-web-0");
  EXPECT_EQ(sandbox.info.pod, (PodInfo{"enrich-web-0", "enrich-shop", uid, true}));
  EXPECT_EQ(sandbox.info.image, kImage);
  EXPECT_GT(sandbox.info.init_pid, 0);

  auto missing = client->inspect(std::string(64, 'f'), kDeadline);
  EXPECT_EQ(missing.status, LookupStatus::not_found);
  EXPECT_NE(missing.error.find(containerd.socket()), std::string::npos);

  // The same pod through containerd's own API, namespace k8s.io.
  auto native = make_containerd_client(containerd.socket());
  auto native_app = native->inspect(container_ids[0], kDeadline);
  ASSERT_EQ(native_app.status, LookupStatus::found) << native_app.error;
  EXPECT_EQ(native_app.info.pod, expected_pod);
  EXPECT_EQ(native_app.info.name, "app");
  EXPECT_EQ(native_app.info.init_pid, app.info.init_pid);
  auto native_sandbox = native->inspect(sandbox_id, kDeadline);
  ASSERT_EQ(native_sandbox.status, LookupStatus::found) << native_sandbox.error;
  EXPECT_TRUE(native_sandbox.info.pod.sandbox);
  EXPECT_EQ(native_sandbox.info.pod.uid, uid);

  // The container's cgroup is where ENVIRONMENT.md says the kubelet's would be.
  EXPECT_TRUE(
      fs::exists("/sys/fs/cgroup/unified/kubepods/besteffort/pod" + uid + "/" + container_ids[0]));

  report_time("cri", time_inspect(*client, container_ids[0]));
  report_time("cri_sandbox", time_inspect(*client, sandbox_id));
  report_time("containerd_k8s", time_inspect(*native, container_ids[0]));

  teardown();
  EXPECT_EQ(client->inspect(sandbox_id, kDeadline).status, LookupStatus::not_found);
}

// Registered before main() runs, so gtest_main serves.
testing::Environment* const runtimes_environment = testing::AddGlobalTestEnvironment(new Runtimes);

}  // namespace
}  // namespace tracker
