// containerd's own gRPC API: every namespace is searched for the container.
#include <algorithm>
#include <mutex>
#include <optional>
#include <vector>

#include "enrich/containerd_containers.grpc.pb.h"
#include "enrich/containerd_content.grpc.pb.h"
#include "enrich/containerd_images.grpc.pb.h"
#include "enrich/containerd_namespaces.grpc.pb.h"
#include "enrich/containerd_reply.h"
#include "enrich/containerd_tasks.grpc.pb.h"
#include "enrich/grpc_util.h"
#include "enrich/oci_manifest.h"
#include "enrich/runtime_client.h"

namespace tracker {
namespace {

namespace containers = containerd::services::containers::v1;
namespace content = containerd::services::content::v1;
namespace images = containerd::services::images::v1;
namespace namespaces = containerd::services::namespaces::v1;
namespace tasks = containerd::services::tasks::v1;

constexpr auto kNamespaceCacheTtl = std::chrono::seconds(5);
// A miss refreshes a cached list older than this: a namespace may be new.
constexpr auto kNamespaceRefreshAfter = std::chrono::seconds(1);
// Manifests and indexes are a few KiB; anything bigger is not read.
constexpr std::int64_t kMaxManifestBytes = 1024 * 1024;

class ContainerdClient final : public RuntimeClient {
 public:
  explicit ContainerdClient(std::string socket_path)
      : socket_path_(std::move(socket_path)),
        channel_(make_unix_channel(socket_path_)),
        namespaces_(namespaces::Namespaces::NewStub(channel_)),
        containers_(containers::Containers::NewStub(channel_)),
        content_(content::Content::NewStub(channel_)),
        images_(images::Images::NewStub(channel_)),
        tasks_(tasks::Tasks::NewStub(channel_)) {}

  Runtime runtime() const override { return Runtime::containerd; }
  const std::string& socket_path() const override { return socket_path_; }

  LookupResult inspect(const std::string& container_id,
                       std::chrono::milliseconds deadline) override {
    Deadline budget(deadline, &cancellation_);
    if (container_id.empty()) return not_found(container_id);
    std::vector<std::string> searched;
    // A cached namespace list may miss a namespace made since: one fresh retry.
    for (bool fresh : {false, true}) {
      auto list = list_namespaces(budget, fresh);
      if (list.failure) return *list.failure;
      for (const auto& ns : list.names) {
        if (std::find(searched.begin(), searched.end(), ns) != searched.end()) continue;
        searched.push_back(ns);
        containers::GetContainerRequest request;
        request.set_id(container_id);
        containers::GetContainerResponse response;
        auto context = make_context(budget, ns);
        auto status = containers_->Get(context.get(), request, &response);
        if (status.error_code() == grpc::StatusCode::NOT_FOUND) continue;
        if (!status.ok()) return failed_lookup(socket_path_, "Containers/Get", status);
        LookupResult result;
        result.status = LookupStatus::found;
        fill(result.info, response.container(), ns, budget);
        remember_hit(ns);
        return result;
      }
      if (!list.from_cache || list.age < kNamespaceRefreshAfter) break;
    }
    return not_found(container_id);
  }

  void cancel() override { cancellation_.cancel(); }

  bool ping(std::chrono::milliseconds deadline) override {
    namespaces::ListNamespacesRequest request;
    namespaces::ListNamespacesResponse response;
    auto context = make_ping_context(Deadline(deadline, &cancellation_));
    return namespaces_->List(context.get(), request, &response).ok();
  }

 private:
  Cancellation cancellation_;
  LookupResult not_found(const std::string& container_id) const {
    LookupResult result;
    result.status = LookupStatus::not_found;
    result.error = socket_path_ + ": no container \"" + container_id + "\" in any namespace";
    return result;
  }

  struct NamespaceList {
    std::vector<std::string> names;
    bool from_cache = false;
    std::chrono::steady_clock::duration age{};
    std::optional<LookupResult> failure;
  };

  // Namespaces to search, the last one a container was found in first.
  NamespaceList list_namespaces(const Deadline& budget, bool fresh) {
    NamespaceList list;
    {
      std::lock_guard lock(mutex_);
      auto age = std::chrono::steady_clock::now() - fetched_at_;
      if (!fresh && !cached_.empty() && age < kNamespaceCacheTtl) {
        list.names = ordered_locked();
        list.from_cache = true;
        list.age = age;
        return list;
      }
    }
    namespaces::ListNamespacesRequest request;
    namespaces::ListNamespacesResponse response;
    auto context = make_context(budget);
    auto status = namespaces_->List(context.get(), request, &response);
    if (!status.ok()) {
      list.failure = failed_lookup(socket_path_, "Namespaces/List", status);
      return list;
    }
    std::lock_guard lock(mutex_);
    cached_.clear();
    for (const auto& ns : response.namespaces()) cached_.push_back(ns.name());
    fetched_at_ = std::chrono::steady_clock::now();
    list.names = ordered_locked();
    return list;
  }

  std::vector<std::string> ordered_locked() const {
    auto names = cached_;
    auto hit = std::find(names.begin(), names.end(), last_hit_);
    if (hit != names.end()) std::rotate(names.begin(), hit, hit + 1);
    return names;
  }

  void remember_hit(const std::string& ns) {
    std::lock_guard lock(mutex_);
    last_hit_ = ns;
  }

  void fill(ContainerInfo& info, const containers::Container& container, const std::string& ns,
            const Deadline& budget) {
    info = container_from_containerd(container);
    add_image(info, ns, budget);
    add_pid(info, ns, budget);
  }

  void add_image(ContainerInfo& info, const std::string& ns, const Deadline& budget) {
    if (info.image.empty()) return;
    images::GetImageRequest request;
    request.set_name(info.image);
    images::GetImageResponse response;
    auto context = make_context(budget, ns);
    if (!images_->Get(context.get(), request, &response).ok()) return;
    const auto& target = response.image().target();
    if (!target.digest().starts_with("sha256:")) return;
    info.image_digest = target.digest();
    info.image_id = config_digest(target, ns, budget).value_or(target.digest());
  }

  // The image config's digest, what the other runtimes call the image id.
  std::optional<std::string> config_digest(const containerd::types::Descriptor& target,
                                           const std::string& ns, const Deadline& budget) {
    auto digest = target.digest();
    auto size = target.size();
    for (int depth = 0; depth < 2; ++depth) {  // index -> manifest -> config
      auto blob = read_blob(digest, size, ns, budget);
      if (!blob) return std::nullopt;
      auto step = parse_manifest_step(*blob, "linux", host_architecture());
      if (!step.config_digest.empty()) return step.config_digest;
      if (step.manifest_digest.empty()) return std::nullopt;
      digest = step.manifest_digest;
      size = 0;
    }
    return std::nullopt;
  }

  std::optional<std::string> read_blob(const std::string& digest, std::int64_t size,
                                       const std::string& ns, const Deadline& budget) {
    if (size > kMaxManifestBytes) return std::nullopt;
    content::ReadContentRequest request;
    request.set_digest(digest);
    auto context = make_context(budget, ns);
    auto reader = content_->Read(context.get(), request);
    std::string blob;
    content::ReadContentResponse chunk;
    while (reader->Read(&chunk)) {
      if (static_cast<std::int64_t>(blob.size() + chunk.data().size()) > kMaxManifestBytes) {
        context->TryCancel();
        break;
      }
      blob += chunk.data();
    }
    if (!reader->Finish().ok()) return std::nullopt;
    return blob;
  }

  void add_pid(ContainerInfo& info, const std::string& ns, const Deadline& budget) {
    tasks::GetRequest request;
    request.set_container_id(info.id);
    tasks::GetResponse response;
    auto context = make_context(budget, ns);
    if (!tasks_->Get(context.get(), request, &response).ok()) return;
    if (auto pid = task_init_pid(response)) info.init_pid = pid;
  }

  const std::string socket_path_;
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<namespaces::Namespaces::Stub> namespaces_;
  std::unique_ptr<containers::Containers::Stub> containers_;
  std::unique_ptr<content::Content::Stub> content_;
  std::unique_ptr<images::Images::Stub> images_;
  std::unique_ptr<tasks::Tasks::Stub> tasks_;

  std::mutex mutex_;
  std::vector<std::string> cached_;
  std::chrono::steady_clock::time_point fetched_at_{};
  std::string last_hit_;
};

}  // namespace

std::unique_ptr<RuntimeClient> make_containerd_client(std::string socket_path) {
  return std::make_unique<ContainerdClient>(std::move(socket_path));
}

}  // namespace tracker
