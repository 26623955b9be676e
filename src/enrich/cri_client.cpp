// The Kubernetes CRI (runtime.v1): CRI-O, and containerd's CRI plugin.
#include "enrich/cri_info.h"
#include "enrich/cri_runtime_v1.grpc.pb.h"
#include "enrich/grpc_util.h"
#include "enrich/image_ref.h"
#include "enrich/pod_labels.h"
#include "enrich/runtime_client.h"

namespace tracker {
namespace {

namespace cri = runtime::v1;

template <typename Map>
StringMap to_map(const Map& map) {
  return StringMap(map.begin(), map.end());
}

std::string info_json(const google::protobuf::Map<std::string, std::string>& info) {
  auto it = info.find("info");
  return it == info.end() ? std::string() : it->second;
}

void merge_missing(StringMap& into, const StringMap& from) {
  for (const auto& [key, value] : from) into.emplace(key, value);
}

// The first candidate that names a repository, else the first at all.
std::string pick_image_name(std::initializer_list<std::string_view> candidates) {
  std::string_view fallback;
  for (auto candidate : candidates) {
    if (candidate.empty()) continue;
    if (!is_image_id(candidate)) return std::string(candidate);
    if (fallback.empty()) fallback = candidate;
  }
  return std::string(fallback);
}

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
    Deadline budget(deadline);
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

  bool ping(std::chrono::milliseconds deadline) override {
    cri::VersionRequest request;
    cri::VersionResponse response;
    return runtime_service_->Version(make_context(Deadline(deadline)).get(), request, &response)
        .ok();
  }

 private:
  grpc::Status sandbox_status(const std::string& id, bool verbose, const Deadline& budget,
                              cri::PodSandboxStatusResponse& response) {
    cri::PodSandboxStatusRequest request;
    request.set_pod_sandbox_id(id);
    request.set_verbose(verbose);
    return runtime_service_->PodSandboxStatus(make_context(budget).get(), request, &response);
  }

  void fill_container(ContainerInfo& info, const cri::ContainerStatusResponse& response,
                      const Deadline& budget) {
    const auto& status = response.status();
    auto verbose = parse_cri_verbose_info(info_json(response.info()));
    info.runtime = runtime_;
    info.id = status.id();
    info.name = status.metadata().name();
    info.labels = to_map(status.labels());
    info.created_ns = status.created_at();
    info.started_ns = status.started_at();
    info.init_pid = verbose.pid;
    auto annotations = to_map(status.annotations());
    merge_missing(annotations, verbose.spec_annotations);
    info.pod = pod_from_labels(info.labels, annotations);
    if (info.pod.name.empty() && !verbose.sandbox_id.empty())
      add_pod_of(info, verbose.sandbox_id, budget);

    // The kubelet creates containers from image ids; prefer what names a repository.
    info.image = pick_image_name(
        {status.image().user_specified_image(), status.image().image(), verbose.config_image});
    info.image_digest = digest_of_reference(status.image_ref());
    if (is_image_id(status.image_ref())) info.image_id = normalize_image_id(status.image_ref());
    if (!status.image_id().empty()) info.image_id = normalize_image_id(status.image_id());
    auto image_key = !status.image_ref().empty() ? status.image_ref() : info.image;
    add_image(info, image_key, budget);
  }

  void fill_sandbox(ContainerInfo& info, const cri::PodSandboxStatusResponse& response,
                    const Deadline& budget) {
    const auto& status = response.status();
    auto verbose = parse_cri_verbose_info(info_json(response.info()));
    info.runtime = runtime_;
    info.id = status.id();
    info.name = status.metadata().name();
    info.labels = to_map(status.labels());
    info.created_ns = status.created_at();
    info.init_pid = verbose.pid;
    auto annotations = to_map(status.annotations());
    merge_missing(annotations, verbose.spec_annotations);
    info.pod = pod_from_labels(info.labels, annotations);
    set_pod_metadata(info.pod, status.metadata());
    info.pod.sandbox = true;
    info.image = verbose.sandbox_image;
    add_image(info, info.image, budget);
  }

  static void set_pod_metadata(PodInfo& pod, const cri::PodSandboxMetadata& metadata) {
    if (!metadata.name().empty()) pod.name = metadata.name();
    if (!metadata.namespace_().empty()) pod.namespace_name = metadata.namespace_();
    if (!metadata.uid().empty()) pod.uid = metadata.uid();
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
    if (!status.ok() || !response.has_image()) return;
    const auto& image = response.image();
    if (!image.id().empty()) info.image_id = normalize_image_id(image.id());
    if ((info.image.empty() || is_image_id(info.image)) && !image.repo_tags().empty())
      info.image = image.repo_tags(0);
    std::vector<std::string> repo_digests(image.repo_digests().begin(), image.repo_digests().end());
    auto digest = pick_repo_digest(repo_digests, info.image);
    if (!digest.empty()) info.image_digest = std::move(digest);
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
