#include "enrich/docker_json.h"

#include <cctype>
#include <limits>

#include "enrich/image_ref.h"
#include "enrich/json_util.h"
#include "enrich/pod_labels.h"
#include "enrich/rfc3339.h"

namespace tracker {
namespace {

LookupResult bad_reply(std::string error) {
  LookupResult result;
  result.status = LookupStatus::bad_reply;
  result.error = std::move(error);
  return result;
}

std::int64_t time_member(const Json::Value& object, std::string_view key) {
  return parse_rfc3339_ns(json_string(object, key)).value_or(0);
}

std::int32_t pid_member(const Json::Value& state) {
  auto pid = json_int(state, "Pid");
  if (!pid || *pid <= 0 || *pid > std::numeric_limits<std::int32_t>::max()) return 0;
  return static_cast<std::int32_t>(*pid);
}

// The fields Docker's and Podman's container inspect share.
bool parse_common(std::string_view body, Json::Value& root, LookupResult& result) {
  std::string error;
  if (!parse_json(body, root, error)) {
    result = bad_reply("container inspect: " + error);
    return false;
  }
  auto& info = result.info;
  info.id = json_string(root, "Id");
  if (info.id.empty()) {
    result = bad_reply("container inspect: no \"Id\" string");
    return false;
  }
  info.name = json_string(root, "Name");
  if (info.name.starts_with('/')) info.name.erase(0, 1);
  info.image_id = normalize_image_id(json_string(root, "Image"));
  const auto& config = json_object(root, "Config");
  info.labels = json_string_map(config, "Labels");
  info.created_ns = time_member(root, "Created");
  const auto& state = json_object(root, "State");
  info.started_ns = time_member(state, "StartedAt");
  info.init_pid = pid_member(state);
  info.pod = pod_from_labels(info.labels);
  result.status = LookupStatus::found;
  return true;
}

}  // namespace

LookupResult parse_docker_container(std::string_view body) {
  LookupResult result;
  Json::Value root;
  if (!parse_common(body, root, result)) return result;
  result.info.runtime = Runtime::docker;
  result.info.image = json_string(json_object(root, "Config"), "Image");
  return result;
}

LookupResult parse_podman_container(std::string_view body) {
  LookupResult result;
  Json::Value root;
  if (!parse_common(body, root, result)) return result;
  auto& info = result.info;
  info.runtime = Runtime::podman;
  info.image = json_string(root, "ImageName");
  if (info.image.empty()) info.image = json_string(json_object(root, "Config"), "Image");
  info.image_digest = json_string(root, "ImageDigest");
  if (!info.image_digest.starts_with("sha256:")) info.image_digest.clear();
  info.runtime_pod.id = json_string(root, "Pod");
  info.runtime_pod.infra = !info.runtime_pod.id.empty() && json_bool(root, "IsInfra");
  return result;
}

std::optional<ImageFacts> parse_image_inspect(std::string_view body, std::string& error) {
  Json::Value root;
  if (!parse_json(body, root, error)) {
    error = "image inspect: " + error;
    return std::nullopt;
  }
  ImageFacts facts;
  facts.id = normalize_image_id(json_string(root, "Id"));
  if (facts.id.empty()) {
    error = "image inspect: no \"Id\" string";
    return std::nullopt;
  }
  if (auto digests = json_member(root, "RepoDigests"); digests && digests->isArray()) {
    for (const auto& entry : *digests) {
      if (entry.isString()) facts.repo_digests.push_back(entry.asString());
    }
  }
  return facts;
}

std::optional<std::string> parse_podman_pod_name(std::string_view body, std::string& error) {
  Json::Value root;
  if (!parse_json(body, root, error)) {
    error = "pod inspect: " + error;
    return std::nullopt;
  }
  auto name = json_string(root, "Name");
  if (name.empty()) {
    error = "pod inspect: no \"Name\" string";
    return std::nullopt;
  }
  return name;
}

std::string api_error_message(std::string_view body) {
  Json::Value root;
  std::string error;
  if (body.size() < 64 * 1024 && parse_json(body, root, error)) {
    auto message = json_string(root, "message");
    if (!message.empty()) return message;
  }
  std::string excerpt;
  for (char c : body.substr(0, 120)) {
    excerpt += std::isprint(static_cast<unsigned char>(c)) ? c : '?';
  }
  if (body.size() > 120) excerpt += "…";
  return excerpt;
}

}  // namespace tracker
