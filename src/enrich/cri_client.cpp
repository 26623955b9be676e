// The Kubernetes CRI (runtime.v1): CRI-O, and containerd's CRI plugin.
#include "enrich/cri_reply.h"
#include "enrich/cri_runtime_v1.grpc.pb.h"
#include "enrich/grpc_util.h"
#include "enrich/runtime_client.h"

namespace tracker {
namespace {

namespace cri = runtime::v1;

class CriClient final : public RuntimeClient {
 public:
  CriClient(std::string socket_path, Runtime runtime)
      : socket_path_(std::move(socket_path)),
        runtime_(runtime),
        channel_(make_unix_channel(socket_path_)),
        runtime_service_(cri::RuntimeService::NewStub(channel_)),
        image_service_(cri::ImageService::NewStub(channel_)) {}

  Runtime runtime() const override { return runtime_; }
  const std::string& socket_path() const override { return socket_path_; }

  LookupResult inspect(const std::string& container_id,
                       std::chrono::milliseconds deadline) override {
    Deadline budget(deadline, &cancellation_);
    LookupResult result;
    if (container_id.empty()) {
      result.status = LookupStatus::not_found;
      result.error = socket_path_ + ": empty container id";
      return result;
    }
    cri::ContainerStatusRequest request;
    request.set_container_id(container_id);
    request.set_verbose(true);
    cri::ContainerStatusResponse response;
    auto status = runtime_service_->ContainerStatus(make_context(budget).get(), request, &response);
    if (status.ok()) {
      result.status = LookupStatus::found;
      fill_container(result.info, response, budget);
      return result;
    }
    if (status.error_code() != grpc::StatusCode::NOT_FOUND)
      return failed_lookup(socket_path_, "RuntimeService/ContainerStatus", status);
    // Not a container: perhaps the pod sandbox itself.
    cri::PodSandboxStatusResponse sandbox;
    status = sandbox_status(container_id, true, budget, sandbox);
    if (!status.ok()) return failed_lookup(socket_path_, "RuntimeService/PodSandboxStatus", status);
    result.status = LookupStatus::found;
    fill_sandbox(result.info, sandbox, budget);
    return result;
  }

  void cancel() override { cancellation_.cancel(); }

  bool ping(std::chrono::milliseconds deadline) override {
    cri::VersionRequest request;
    cri::VersionResponse response;
    return runtime_service_
        ->Version(make_ping_context(Deadline(deadline, &cancellation_)).get(), request, &response)
        .ok();
  }

 private:
  Cancellation cancellation_;
  grpc::Status sandbox_status(const std::string& id, bool verbose, const Deadline& budget,
                              cri::PodSandboxStatusResponse& response) {
    cri::PodSandboxStatusRequest request;
    request.set_pod_sandbox_id(id);
    request.set_verbose(verbose);
    return runtime_service_->PodSandboxStatus(make_context(budget).get(), request, &response);
  }

  void fill_container(ContainerInfo& info, const cri::ContainerStatusResponse& response,
                      const Deadline& budget) {
    auto facts = container_from_cri(response, runtime_);
    if (!facts.sandbox_id.empty()) add_pod_of(facts.info, facts.sandbox_id, budget);
    add_image(facts.info, facts.image_key, budget);
    info = std::move(facts.info);
  }

  void fill_sandbox(ContainerInfo& info, const cri::PodSandboxStatusResponse& response,
                    const Deadline& budget) {
    auto facts = sandbox_from_cri(response, runtime_);
    add_image(facts.info, facts.image_key, budget);
    info = std::move(facts.info);
  }

  // A container without kubelet labels: its sandbox knows the pod.
  void add_pod_of(ContainerInfo& info, const std::string& sandbox_id, const Deadline& budget) {
    cri::PodSandboxStatusResponse sandbox;
    if (sandbox_status(sandbox_id, false, budget, sandbox).ok())
      set_pod_metadata(info.pod, sandbox.status().metadata());
  }

  void add_image(ContainerInfo& info, const std::string& image_key, const Deadline& budget) {
    if (image_key.empty()) return;
    cri::ImageStatusRequest request;
    request.mutable_image()->set_image(image_key);
    cri::ImageStatusResponse response;
    auto status = image_service_->ImageStatus(make_context(budget).get(), request, &response);
    if (status.ok()) add_image_status(info, response);
  }

  const std::string socket_path_;
  const Runtime runtime_;
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<cri::RuntimeService::Stub> runtime_service_;
  std::unique_ptr<cri::ImageService::Stub> image_service_;
};

}  // namespace

std::unique_ptr<RuntimeClient> make_cri_client(std::string socket_path, Runtime runtime) {
  return std::make_unique<CriClient>(std::move(socket_path), runtime);
}

}  // namespace tracker
