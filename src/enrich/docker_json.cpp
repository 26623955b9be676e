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

std::uint32_t restart_count(const Json::Value& root) {
  auto count = json_int(root, "RestartCount");
  if (!count || *count < 0 || *count > std::numeric_limits<std::uint32_t>::max()) return 0;
  return static_cast<std::uint32_t>(*count);
}

// State.Health.Status: "starting", "healthy", "unhealthy"; Docker says "none"
// for a container whose image's healthcheck was turned off, and there is no
// Health at all without a healthcheck: both are "".
std::string health_status(const Json::Value& state) {
  auto status = json_string(json_object(state, "Health"), "Status");
  return status == "none" ? std::string() : status;
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
  info.health = health_status(state);
  info.restart_count = restart_count(root);
  info.pod = pod_from_labels(info.labels);
  result.status = LookupStatus::found;
  return true;
}

// A list entry's "Names" are "/name", then "/other/alias" for each legacy
// link to it: the name is the one without a second slash.
std::string primary_name(const Json::Value& entry) {
  auto names = json_member(entry, "Names");
  if (!names || !names->isArray()) return "";
  std::string first;
  for (const auto& name : *names) {
    if (!name.isString()) continue;
    std::string text = name.asString();
    if (text.starts_with('/')) text.erase(0, 1);
    if (text.find('/') == std::string::npos) return text;
    if (first.empty()) first = std::move(text);
  }
  return first;
}

std::int64_t unix_seconds_ns(const Json::Value& object, std::string_view key) {
  auto seconds = json_int(object, key);
  constexpr std::int64_t kMaxSeconds = std::numeric_limits<std::int64_t>::max() / 1'000'000'000;
  if (!seconds || *seconds <= 0 || *seconds > kMaxSeconds) return 0;
  return *seconds * 1'000'000'000;
}

}  // namespace

LookupResult parse_docker_list_entry(std::string_view body, std::string_view container_id) {
  Json::Value root;
  std::string error;
  if (!parse_json(body, root, error)) return bad_reply("container list: " + error);
  if (!root.isArray()) return bad_reply("container list: not an array");
  for (const auto& entry : root) {
    if (!entry.isObject() || container_id.empty() || json_string(entry, "Id") != container_id)
      continue;
    LookupResult result;
    result.status = LookupStatus::found;
    result.partial = true;
    auto& info = result.info;
    info.runtime = Runtime::docker;
    info.id = std::string(container_id);
    info.name = primary_name(entry);
    info.image = json_string(entry, "Image");
    info.image_id = normalize_image_id(json_string(entry, "ImageID"));
    info.labels = json_string_map(entry, "Labels");
    info.created_ns = unix_seconds_ns(entry, "Created");
    info.pod = pod_from_labels(info.labels);
    return result;
  }
  LookupResult result;
  result.status = LookupStatus::not_found;
  result.error = "container list: no entry for " + std::string(container_id);
  return result;
}

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
