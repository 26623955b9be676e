#include "cri_containerd.h"

#include <fcntl.h>
#include <grpcpp/create_channel.h>
#include <grpcpp/security/credentials.h>
#include <signal.h>
#include <spawn.h>
#include <sys/mount.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <thread>

#include "enrich/runtime_client.h"

extern char** environ;

namespace tracker::test_support {
namespace {

namespace fs = std::filesystem;
namespace cri = runtime::v1;
using namespace std::chrono_literals;

bool is_file(const fs::path& path) {
  std::error_code ec;
  return fs::is_regular_file(path, ec);
}

// Whatever containerd left mounted in its directories (shm, rootfs).
void unmount_below(const fs::path& dir) {
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

// Runs a shell command of our own making; its exit status and output.
int shell(const std::string& command, std::string& output) {
  FILE* pipe = popen((command + " 2>&1").c_str(), "r");
  if (!pipe) return -1;
  char buffer[4096];
  std::size_t got;
  while ((got = fread(buffer, 1, sizeof(buffer), pipe)) > 0) output.append(buffer, got);
  int status = pclose(pipe);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

}  // namespace

fs::path source_root() {
  if (const char* root = std::getenv("TRACKER_SOURCE_ROOT")) return root;
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

std::string random_uuid() {
  std::ifstream in("/proc/sys/kernel/random/uuid");
  std::string uuid;
  std::getline(in, uuid);
  return uuid;
}

CriContainerd::CriContainerd(std::string sandbox_image) : sandbox_image_(std::move(sandbox_image)) {
  std::string pattern = "/tmp/enrich-cri-XXXXXX";
  if (!mkdtemp(pattern.data())) return;
  dir_ = pattern;
  fs::create_directories(dir_ / "cni-conf");
  fs::create_directories(dir_ / "cni-bin");
  fs::create_directories(dir_ / "logs");
  std::ofstream(dir_ / "config.toml") << config();
}

CriContainerd::~CriContainerd() {
  stop();
  if (dir_.empty()) return;
  unmount_below(dir_);
  std::error_code ignored;
  fs::remove_all(dir_, ignored);
}

bool CriContainerd::start(std::string& problem) {
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
  int rc = posix_spawnp(&pid_, "containerd", &actions, nullptr, const_cast<char**>(argv), environ);
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

void CriContainerd::stop() {
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

bool CriContainerd::import_test_image(std::string& problem, const std::string& ns) {
  auto root = source_root();
  if (root.empty()) {
    problem = "tests/fixtures/busybox-image.sh not found (set TRACKER_SOURCE_ROOT)";
    return false;
  }
  std::string output;
  auto script = (root / "tests/fixtures/busybox-image.sh").string();
  if (shell("CONTAINERD_ADDRESS=" + socket() + " " + script + " " + ns, output) == 0) return true;
  problem = script + " " + ns + " failed against " + socket() + ": " + output;
  return false;
}

std::shared_ptr<grpc::Channel> CriContainerd::channel() const {
  return grpc::CreateChannel("unix:" + socket(), grpc::InsecureChannelCredentials());
}

std::string CriContainerd::config() const {
  auto d = dir_.string();
  std::ostringstream toml;
  toml << "version = 2\n"
       << "root = \"" << d << "/root\"\n"
       << "state = \"" << d << "/state\"\n"
       << "[grpc]\n  address = \"" << d << "/containerd.sock\"\n"
       << "[ttrpc]\n  address = \"" << d << "/containerd.sock.ttrpc\"\n"
       << "[plugins.\"io.containerd.internal.v1.opt\"]\n  path = \"" << d << "/opt\"\n"
       << "[plugins.\"io.containerd.grpc.v1.cri\"]\n"
       << "  sandbox_image = \"" << sandbox_image_ << "\"\n"
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

cri::PodSandboxConfig kubelet_pod_config(const std::string& name, const std::string& ns,
                                         const std::string& uid, const fs::path& log_dir) {
  cri::PodSandboxConfig config;
  config.mutable_metadata()->set_name(name);
  config.mutable_metadata()->set_namespace_(ns);
  config.mutable_metadata()->set_uid(uid);
  config.set_log_directory(log_dir.string());
  (*config.mutable_labels())["io.kubernetes.pod.name"] = name;
  (*config.mutable_labels())["io.kubernetes.pod.namespace"] = ns;
  (*config.mutable_labels())["io.kubernetes.pod.uid"] = uid;
  auto linux_config = config.mutable_linux();
  linux_config->set_cgroup_parent("/kubepods/besteffort/pod" + uid);
  auto namespaces = linux_config->mutable_security_context()->mutable_namespace_options();
  namespaces->set_network(cri::NODE);
  namespaces->set_pid(cri::CONTAINER);
  namespaces->set_ipc(cri::POD);
  return config;
}

cri::ContainerConfig kubelet_container_config(const std::string& name, const std::string& image,
                                              bool kubelet_labels,
                                              const cri::PodSandboxConfig& pod) {
  cri::ContainerConfig config;
  config.mutable_metadata()->set_name(name);
  config.mutable_image()->set_image(image);
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

CriPod::CriPod(std::shared_ptr<grpc::Channel> channel, cri::PodSandboxConfig config)
    : runtime_(cri::RuntimeService::NewStub(channel)),
      config_(std::move(config)),
      kubepods_existed_(fs::exists("/sys/fs/cgroup/unified/kubepods") ||
                        fs::exists("/sys/fs/cgroup/kubepods")) {}

CriPod::~CriPod() {
  teardown();
}

grpc::Status CriPod::run() {
  cri::RunPodSandboxRequest request;
  *request.mutable_config() = config_;
  cri::RunPodSandboxResponse reply;
  auto status = call_cri([&](auto* ctx) { return runtime_->RunPodSandbox(ctx, request, &reply); });
  if (status.ok()) sandbox_id_ = reply.pod_sandbox_id();
  return status;
}

grpc::Status CriPod::create_container(const cri::ContainerConfig& config, std::string& id) {
  cri::CreateContainerRequest request;
  request.set_pod_sandbox_id(sandbox_id_);
  *request.mutable_config() = config;
  *request.mutable_sandbox_config() = config_;
  cri::CreateContainerResponse reply;
  auto status =
      call_cri([&](auto* ctx) { return runtime_->CreateContainer(ctx, request, &reply); });
  if (status.ok()) {
    id = reply.container_id();
    container_ids_.push_back(id);
  }
  return status;
}

grpc::Status CriPod::start_container(const std::string& id) {
  cri::StartContainerRequest request;
  request.set_container_id(id);
  cri::StartContainerResponse reply;
  return call_cri([&](auto* ctx) { return runtime_->StartContainer(ctx, request, &reply); });
}

grpc::Status CriPod::teardown() {
  if (torn_down_ || sandbox_id_.empty()) return grpc::Status::OK;
  torn_down_ = true;
  for (const auto& id : container_ids_) {
    cri::StopContainerRequest stop;
    stop.set_container_id(id);
    cri::StopContainerResponse stopped;
    call_cri([&](auto* ctx) { return runtime_->StopContainer(ctx, stop, &stopped); });
    cri::RemoveContainerRequest remove;
    remove.set_container_id(id);
    cri::RemoveContainerResponse removed;
    call_cri([&](auto* ctx) { return runtime_->RemoveContainer(ctx, remove, &removed); });
  }
  cri::StopPodSandboxRequest stop_pod;
  stop_pod.set_pod_sandbox_id(sandbox_id_);
  cri::StopPodSandboxResponse pod_stopped;
  call_cri([&](auto* ctx) { return runtime_->StopPodSandbox(ctx, stop_pod, &pod_stopped); });
  cri::RemovePodSandboxRequest remove_pod;
  remove_pod.set_pod_sandbox_id(sandbox_id_);
  cri::RemovePodSandboxResponse pod_removed;
  auto removed = call_cri(
      [&](auto* ctx) { return runtime_->RemovePodSandbox(ctx, remove_pod, &pod_removed); });
  // The pod's cgroup directories, which the kubelet would remove, and the
  // parents if this pod made them (rmdir leaves them when in use).
  const auto uid = config_.metadata().uid();
  std::error_code ec;
  for (const auto& hierarchy : fs::directory_iterator("/sys/fs/cgroup", ec)) {
    std::error_code ignored;
    fs::remove(hierarchy.path() / ("kubepods/besteffort/pod" + uid), ignored);
    if (kubepods_existed_) continue;
    fs::remove(hierarchy.path() / "kubepods/besteffort", ignored);
    fs::remove(hierarchy.path() / "kubepods", ignored);
  }
  return removed;
}

}  // namespace tracker::test_support
