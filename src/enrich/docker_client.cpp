// Docker's Engine API and Podman's libpod API, both HTTP+JSON on a unix socket.
#include <algorithm>
#include <chrono>
#include <mutex>
#include <optional>
#include <unordered_map>

#include "enrich/docker_json.h"
#include "enrich/http_lookup.h"
#include "enrich/image_ref.h"
#include "enrich/runtime_client.h"

namespace tracker {
namespace {

// What an image inspect says is kept this long per image id: a burst of
// containers of one image (a scale-up, churn, start-up with many existing
// containers) then costs one image inspect, not one each. Short, because an
// image gains repo digests when it is pushed or pulled again.
constexpr auto kImageFactsTtl = std::chrono::seconds(10);
constexpr std::size_t kImageFactsLimit = 256;

// The most a Docker container list may take before the inspect is asked
// instead: dockerd answers it from memory, in a few milliseconds.
constexpr std::chrono::milliseconds kListBudget{250};

// Image id → its repo digests, shared by the client's worker threads. Only
// answers are kept: a failed image inspect is asked again next time.
class ImageFactsCache {
 public:
  std::optional<std::vector<std::string>> find(const std::string& image_id) {
    std::lock_guard lock(mutex_);
    auto entry = entries_.find(image_id);
    if (entry == entries_.end()) return std::nullopt;
    if (Clock::now() >= entry->second.expires) {
      entries_.erase(entry);
      return std::nullopt;
    }
    return entry->second.repo_digests;
  }

  void store(const std::string& image_id, std::vector<std::string> repo_digests) {
    std::lock_guard lock(mutex_);
    auto now = Clock::now();
    if (entries_.size() >= kImageFactsLimit) {
      std::erase_if(entries_, [&](const auto& entry) { return now >= entry.second.expires; });
      if (entries_.size() >= kImageFactsLimit) entries_.clear();
    }
    entries_[image_id] = {std::move(repo_digests), now + kImageFactsTtl};
  }

 private:
  using Clock = std::chrono::steady_clock;
  struct Entry {
    std::vector<std::string> repo_digests;
    Clock::time_point expires;
  };
  std::mutex mutex_;
  std::unordered_map<std::string, Entry> entries_;
};

class DockerApiClient final : public RuntimeClient {
 public:
  DockerApiClient(std::string socket_path, Runtime runtime)
      : socket_path_(std::move(socket_path)), runtime_(runtime) {}

  Runtime runtime() const override { return runtime_; }
  const std::string& socket_path() const override { return socket_path_; }

  LookupResult inspect(const std::string& container_id,
                       std::chrono::milliseconds deadline) override {
    return inspect_within(container_id, Deadline(deadline, &cancellation_));
  }

  // Docker: the container list first. While a container is being started,
  // dockerd holds its lock and an inspect waits for the start (~180 ms); the
  // list is served from dockerd's in-memory view without that lock. It lacks
  // the start time and init pid (result.partial). When the list fails or does
  // not show the container yet, the inspect is asked as by inspect(), quietly.
  LookupResult inspect_quick(const std::string& container_id,
                             std::chrono::milliseconds deadline) override {
    Deadline budget(deadline, &cancellation_);
    if (podman() || !is_safe_path_segment(container_id))
      return inspect_within(container_id, budget);
    auto listed = list_entry(container_id, budget);
    if (listed.status != LookupStatus::found) return inspect_within(container_id, budget);
    add_image_digest(listed.info, budget);
    return listed;
  }

  void cancel() override { cancellation_.cancel(); }

  bool ping(std::chrono::milliseconds deadline) override {
    return api_get(socket_path_, "/_ping", Deadline(deadline, &cancellation_)).status ==
           LookupStatus::found;
  }

 private:
  Cancellation cancellation_;
  bool podman() const { return runtime_ == Runtime::podman; }
  std::string prefix() const { return podman() ? "/v4.0.0/libpod" : ""; }

  LookupResult inspect_within(const std::string& container_id, const Deadline& budget) {
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

  // The container's entry in Docker's list, filtered by its id. The list gets
  // a small share of the budget: when it is slow, the inspect gets the rest.
  LookupResult list_entry(const std::string& container_id, const Deadline& budget) {
    Deadline list_budget(std::min(kListBudget, budget.remaining() / 4), budget.cancellation());
    // filters={"id":["<id>"]}; the id is a safe path segment, nothing in it needs escaping.
    auto reply =
        api_get(socket_path_,
                "/containers/json?all=1&filters=%7B%22id%22%3A%5B%22" + container_id + "%22%5D%7D",
                list_budget);
    if (reply.status != LookupStatus::found) {
      LookupResult result;
      result.status = reply.status;
      return result;
    }
    return parse_docker_list_entry(reply.body, container_id);
  }

  void add_image_digest(ContainerInfo& info, const Deadline& budget) {
    if (!is_safe_path_segment(info.image_id)) return;
    auto repo_digests = image_facts_.find(info.image_id);
    if (!repo_digests) {
      auto reply = api_get(socket_path_, prefix() + "/images/" + info.image_id + "/json", budget);
      if (reply.status != LookupStatus::found) return;
      std::string error;
      auto image = parse_image_inspect(reply.body, error);
      if (!image) return;
      image_facts_.store(info.image_id, image->repo_digests);
      repo_digests = std::move(image->repo_digests);
    }
    auto digest = pick_repo_digest(*repo_digests, info.image);
    if (!digest.empty()) info.image_digest = std::move(digest);
    info.repo_digests = std::move(*repo_digests);
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
  ImageFactsCache image_facts_;
};

}  // namespace

std::unique_ptr<RuntimeClient> make_docker_client(std::string socket_path) {
  return std::make_unique<DockerApiClient>(std::move(socket_path), Runtime::docker);
}

std::unique_ptr<RuntimeClient> make_podman_client(std::string socket_path) {
  return std::make_unique<DockerApiClient>(std::move(socket_path), Runtime::podman);
}

}  // namespace tracker
