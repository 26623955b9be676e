#include "enrich/cri_reply.h"

#include <initializer_list>
#include <string_view>
#include <vector>

#include "enrich/cri_info.h"
#include "enrich/image_ref.h"
#include "enrich/pod_labels.h"

namespace tracker {
namespace {

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

// What containers and sandboxes have alike: id, name, labels, creation, pid
// and the pod their labels and annotations name.
template <typename Response>
CriContainerFacts common_facts(const Response& response, Runtime runtime, CriVerboseInfo& verbose) {
  CriContainerFacts facts;
  auto& info = facts.info;
  const auto& status = response.status();
  verbose = parse_cri_verbose_info(info_json(response.info()));
  info.runtime = runtime;
  info.id = status.id();
  info.name = status.metadata().name();
  info.labels = to_map(status.labels());
  info.created_ns = status.created_at();
  info.init_pid = verbose.pid;
  auto annotations = to_map(status.annotations());
  merge_missing(annotations, verbose.spec_annotations);
  info.pod = pod_from_labels(info.labels, annotations);
  return facts;
}

}  // namespace

CriContainerFacts container_from_cri(const runtime::v1::ContainerStatusResponse& response,
                                     Runtime runtime) {
  CriVerboseInfo verbose;
  auto facts = common_facts(response, runtime, verbose);
  auto& info = facts.info;
  const auto& status = response.status();
  info.started_ns = status.started_at();
  if (info.pod.name.empty()) facts.sandbox_id = verbose.sandbox_id;

  // The kubelet creates containers from image ids; prefer what names a repository.
  info.image = pick_image_name(
      {status.image().user_specified_image(), status.image().image(), verbose.config_image});
  info.image_digest = digest_of_reference(status.image_ref());
  if (is_image_id(status.image_ref())) info.image_id = normalize_image_id(status.image_ref());
  if (!status.image_id().empty()) info.image_id = normalize_image_id(status.image_id());
  facts.image_key = !status.image_ref().empty() ? status.image_ref() : info.image;
  return facts;
}

CriContainerFacts sandbox_from_cri(const runtime::v1::PodSandboxStatusResponse& response,
                                   Runtime runtime) {
  CriVerboseInfo verbose;
  auto facts = common_facts(response, runtime, verbose);
  auto& info = facts.info;
  set_pod_metadata(info.pod, response.status().metadata());
  info.pod.sandbox = true;
  info.image = verbose.sandbox_image;
  facts.image_key = info.image;
  return facts;
}

void set_pod_metadata(PodInfo& pod, const runtime::v1::PodSandboxMetadata& metadata) {
  if (!metadata.name().empty()) pod.name = metadata.name();
  if (!metadata.namespace_().empty()) pod.namespace_name = metadata.namespace_();
  if (!metadata.uid().empty()) pod.uid = metadata.uid();
}

void add_image_status(ContainerInfo& info, const runtime::v1::ImageStatusResponse& response) {
  if (!response.has_image()) return;
  const auto& image = response.image();
  if (!image.id().empty()) info.image_id = normalize_image_id(image.id());
  if ((info.image.empty() || is_image_id(info.image)) && !image.repo_tags().empty())
    info.image = image.repo_tags(0);
  std::vector<std::string> repo_digests(image.repo_digests().begin(), image.repo_digests().end());
  auto digest = pick_repo_digest(repo_digests, info.image);
  if (!digest.empty()) info.image_digest = std::move(digest);
}

}  // namespace tracker
