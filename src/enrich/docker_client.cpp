// Docker's Engine API and Podman's libpod API, both HTTP+JSON on a unix socket.
#include "enrich/docker_json.h"
#include "enrich/http_lookup.h"
#include "enrich/image_ref.h"
#include "enrich/runtime_client.h"

namespace tracker {
namespace {

class DockerApiClient final : public RuntimeClient {
 public:
  DockerApiClient(std::string socket_path, Runtime runtime)
      : socket_path_(std::move(socket_path)), runtime_(runtime) {}

  Runtime runtime() const override { return runtime_; }
  const std::string& socket_path() const override { return socket_path_; }

  LookupResult inspect(const std::string& container_id,
                       std::chrono::milliseconds deadline) override {
    Deadline budget(deadline);
    LookupResult result;
    if (!is_safe_path_segment(container_id)) {
      result.status = LookupStatus::not_found;
      result.error = socket_path_ + ": not a container id: \"" + container_id + "\"";
      return result;
    }
    auto reply = api_get(socket_path_, prefix() + "/containers/" + container_id + "/json", budget);
    if (reply.status != LookupStatus::found) {
      result.status = reply.status;
      result.error = std::move(reply.error);
      return result;
    }
    result = podman() ? parse_podman_container(reply.body) : parse_docker_container(reply.body);
    if (result.status != LookupStatus::found) {
      result.error = socket_path_ + ": " + result.error;
      return result;
    }
    // The rest is best effort: the container is known even if these fail.
    add_image_digest(result.info, budget);
    if (podman() && !result.info.runtime_pod.id.empty()) add_pod_name(result.info, budget);
    return result;
  }

  bool ping(std::chrono::milliseconds deadline) override {
    return api_get(socket_path_, "/_ping", Deadline(deadline)).status == LookupStatus::found;
  }

 private:
  bool podman() const { return runtime_ == Runtime::podman; }
  std::string prefix() const { return podman() ? "/v4.0.0/libpod" : ""; }

  void add_image_digest(ContainerInfo& info, const Deadline& budget) {
    if (!is_safe_path_segment(info.image_id)) return;
    auto reply = api_get(socket_path_, prefix() + "/images/" + info.image_id + "/json", budget);
    if (reply.status != LookupStatus::found) return;
    std::string error;
    auto image = parse_image_inspect(reply.body, error);
    if (!image) return;
    auto digest = pick_repo_digest(image->repo_digests, info.image);
    if (!digest.empty()) info.image_digest = std::move(digest);
  }

  void add_pod_name(ContainerInfo& info, const Deadline& budget) {
    if (!is_safe_path_segment(info.runtime_pod.id)) return;
    auto reply = api_get(socket_path_, prefix() + "/pods/" + info.runtime_pod.id + "/json", budget);
    if (reply.status != LookupStatus::found) return;
    std::string error;
    if (auto name = parse_podman_pod_name(reply.body, error)) info.runtime_pod.name = *name;
  }

  const std::string socket_path_;
  const Runtime runtime_;
};

}  // namespace

std::unique_ptr<RuntimeClient> make_docker_client(std::string socket_path) {
  return std::make_unique<DockerApiClient>(std::move(socket_path), Runtime::docker);
}

std::unique_ptr<RuntimeClient> make_podman_client(std::string socket_path) {
  return std::make_unique<DockerApiClient>(std::move(socket_path), Runtime::podman);
}

}  // namespace tracker
