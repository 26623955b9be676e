#include "enrich/image_ref.h"

#include <algorithm>

namespace tracker {
namespace {

bool is_hex64(std::string_view text) {
  return text.size() == 64 && std::all_of(text.begin(), text.end(), [](char c) {
           return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
         });
}

// "docker.io/library/nginx" and "nginx" name the same repository.
std::string_view familiar(std::string_view repository) {
  for (std::string_view prefix : {"docker.io/", "index.docker.io/", "registry-1.docker.io/"}) {
    if (repository.starts_with(prefix)) {
      repository.remove_prefix(prefix.size());
      break;
    }
  }
  if (repository.starts_with("library/") && repository.find('/', 8) == std::string_view::npos)
    repository.remove_prefix(8);
  return repository;
}

}  // namespace

std::string digest_of_reference(std::string_view reference) {
  auto at = reference.rfind('@');
  if (at == std::string_view::npos) return {};
  auto digest = reference.substr(at + 1);
  if (!digest.starts_with("sha256:") || !is_hex64(digest.substr(7))) return {};
  return std::string(digest);
}

std::string repository_of(std::string_view reference) {
  auto at = reference.find('@');
  if (at != std::string_view::npos) reference = reference.substr(0, at);
  auto colon = reference.rfind(':');
  auto slash = reference.rfind('/');
  if (colon != std::string_view::npos && (slash == std::string_view::npos || colon > slash))
    reference = reference.substr(0, colon);
  return std::string(reference);
}

std::string pick_repo_digest(const std::vector<std::string>& repo_digests, std::string_view image) {
  auto own = digest_of_reference(image);
  if (!own.empty()) return own;
  auto wanted = repository_of(image);
  std::string first;
  for (const auto& entry : repo_digests) {
    auto digest = digest_of_reference(entry);
    if (digest.empty()) continue;
    if (familiar(repository_of(entry)) == familiar(wanted)) return digest;
    if (first.empty()) first = std::move(digest);
  }
  return first;
}

std::string normalize_image_id(std::string_view id) {
  if (is_hex64(id)) return "sha256:" + std::string(id);
  return std::string(id);
}

}  // namespace tracker
