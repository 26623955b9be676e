#include "enrich/sanitize.h"

#include <utility>

#include "util/text.h"

namespace tracker {
namespace {

constexpr std::string_view kReplacement = "\xef\xbf\xbd";  // U+FFFD

void clean(std::string& text, std::size_t max_bytes) {
  text = sanitize_string(text, max_bytes);
}

std::map<std::string, std::string> clean_labels(const std::map<std::string, std::string>& labels) {
  std::map<std::string, std::string> kept;
  std::size_t bytes = 0;
  for (const auto& [raw_key, raw_value] : labels) {
    if (kept.size() == kMaxLabels) break;
    auto key = sanitize_string(raw_key, kMaxLabelKeyBytes);
    auto value = sanitize_string(raw_value, kMaxLabelValueBytes);
    std::size_t size = key.size() + value.size();
    if (bytes + size > kMaxLabelBytes) break;
    if (kept.emplace(std::move(key), std::move(value)).second) bytes += size;
  }
  return kept;
}

std::vector<std::string> clean_repo_digests(const std::vector<std::string>& digests) {
  std::vector<std::string> kept;
  for (const auto& digest : digests) {
    if (kept.size() == kMaxRepoDigests) break;
    kept.push_back(sanitize_string(digest, kMaxImageBytes));
  }
  return kept;
}

}  // namespace

std::string sanitize_string(std::string_view bytes, std::size_t max_bytes) {
  std::string text = valid_utf8(bytes);
  for (auto at = text.find('\0'); at != std::string::npos; at = text.find('\0', at))
    text.replace(at, 1, kReplacement);
  text.resize(truncate_utf8(text, max_bytes).size());
  return text;
}

void sanitize(ContainerInfo& info) {
  clean(info.id, kMaxIdBytes);
  clean(info.name, kMaxNameBytes);
  clean(info.image, kMaxImageBytes);
  clean(info.image_digest, kMaxDigestBytes);
  clean(info.image_id, kMaxDigestBytes);
  info.labels = clean_labels(info.labels);
  clean(info.pod.name, kMaxPodFieldBytes);
  clean(info.pod.namespace_name, kMaxPodFieldBytes);
  clean(info.pod.uid, kMaxPodFieldBytes);
  clean(info.runtime_pod.id, kMaxIdBytes);
  clean(info.runtime_pod.name, kMaxNameBytes);
  clean(info.health, kMaxHealthBytes);
  info.repo_digests = clean_repo_digests(info.repo_digests);
}

std::string sanitize_cgroup_path(std::string_view path) {
  return sanitize_string(path, kMaxCgroupPathBytes);
}

}  // namespace tracker
