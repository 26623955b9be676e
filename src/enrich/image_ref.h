#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace tracker {

// "sha256:<hex>" of a digested reference ("repo@sha256:<hex>"), empty if it has none.
std::string digest_of_reference(std::string_view reference);

// The repository part of a reference, without tag or digest:
// "localhost:5000/app:1.0" -> "localhost:5000/app".
std::string repository_of(std::string_view reference);

// Of an image's repo digests ("repo@sha256:…"), the digest whose repository is
// the image's own (docker.io/library/ spelled or not), else the first one.
std::string pick_repo_digest(const std::vector<std::string>& repo_digests, std::string_view image);

// Image ids as "sha256:<hex>": podman's libpod API leaves the algorithm off.
std::string normalize_image_id(std::string_view id);

}  // namespace tracker
