// A containerd of a test's own with its CRI plugin set up to run pod sandboxes
// on these machines (see /work/shared/ENVIRONMENT.md, "Real CRI"), and a pod
// made the way a kubelet would make it. Shared by the runtime client tests and
// tracker's end-to-end enrichment tests.
#pragma once

#include <grpcpp/channel.h>
#include <grpcpp/client_context.h>
#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "enrich/cri_runtime_v1.grpc.pb.h"

namespace tracker::test_support {

// The source tree (for tests/fixtures/*.sh): $TRACKER_SOURCE_ROOT, else found
// from this file's path or upwards from the working directory and the test
// binary. Empty when nothing is found.
std::filesystem::path source_root();

// A fresh random UUID from the kernel.
std::string random_uuid();

// containerd --config <own config>: own root, state, socket, runc root, an
// empty CNI configuration, restrict_oom_score_adj, cgroupfs, and
// `sandbox_image` as the pause image. Stopped (by its PID) and its directory
// removed when it goes.
class CriContainerd {
 public:
  explicit CriContainerd(std::string sandbox_image = "localhost/tracker-test/busybox:latest");
  ~CriContainerd();
  CriContainerd(const CriContainerd&) = delete;
  CriContainerd& operator=(const CriContainerd&) = delete;

  // Starts containerd and waits (30 s at most) until it answers.
  bool start(std::string& problem);
  // SIGTERM, then SIGKILL after 10 s; only the process start() started.
  void stop();
  // Imports the test image into `ns` with tests/fixtures/busybox-image.sh.
  bool import_test_image(std::string& problem, const std::string& ns = "k8s.io");

  std::string socket() const { return (dir_ / "containerd.sock").string(); }
  const std::filesystem::path& dir() const { return dir_; }
  pid_t pid() const { return pid_; }
  std::shared_ptr<grpc::Channel> channel() const;

 private:
  std::string config() const;

  std::string sandbox_image_;
  std::filesystem::path dir_;
  pid_t pid_ = -1;
};

// The pod a kubelet would ask for: host network (NODE), its own pid
// namespace, the io.kubernetes.pod.{name,namespace,uid} labels, and the cgroup
// parent of the kubelet's cgroupfs driver (/kubepods/besteffort/pod<uid>).
runtime::v1::PodSandboxConfig kubelet_pod_config(const std::string& name, const std::string& ns,
                                                 const std::string& uid,
                                                 const std::filesystem::path& log_dir);

// A container of `pod` running `/bin/sleep 3600` from `image`; with
// `kubelet_labels` it carries the pod's labels and io.kubernetes.container.name.
runtime::v1::ContainerConfig kubelet_container_config(const std::string& name,
                                                      const std::string& image, bool kubelet_labels,
                                                      const runtime::v1::PodSandboxConfig& pod);

// One CRI call with a 60 s deadline: call_cri([&](auto* ctx) { return stub->X(ctx, req, &rep); }).
template <typename Call>
grpc::Status call_cri(Call&& call) {
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(60));
  return call(&context);
}

// A pod sandbox and its containers. teardown() (also run by the destructor)
// stops and removes the containers, then the sandbox, then the pod's cgroup
// directories a kubelet would remove (and /kubepods, /kubepods/besteffort when
// they did not exist before).
class CriPod {
 public:
  CriPod(std::shared_ptr<grpc::Channel> channel, runtime::v1::PodSandboxConfig config);
  ~CriPod();
  CriPod(const CriPod&) = delete;
  CriPod& operator=(const CriPod&) = delete;

  grpc::Status run();
  grpc::Status create_container(const runtime::v1::ContainerConfig& config, std::string& id);
  grpc::Status start_container(const std::string& id);
  // The status of RemovePodSandbox (OK when there was nothing to remove).
  grpc::Status teardown();

  const std::string& sandbox_id() const { return sandbox_id_; }
  const std::vector<std::string>& container_ids() const { return container_ids_; }
  const runtime::v1::PodSandboxConfig& config() const { return config_; }
  runtime::v1::RuntimeService::Stub& runtime() { return *runtime_; }

 private:
  std::unique_ptr<runtime::v1::RuntimeService::Stub> runtime_;
  runtime::v1::PodSandboxConfig config_;
  std::string sandbox_id_;
  std::vector<std::string> container_ids_;
  bool kubepods_existed_ = false;
  bool torn_down_ = false;
};

}  // namespace tracker::test_support
