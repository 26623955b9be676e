#pragma once

#include <string>
#include <string_view>

namespace tracker {

// Walking from an image's target descriptor to its config digest (the image
// id Docker, Podman and CRI report): an index names per-platform manifests, a
// manifest names the config.
struct ManifestStep {
  std::string config_digest;    // set when the blob was a manifest
  std::string manifest_digest;  // set when it was an index: read this next
};

// Parses an OCI or Docker manifest or index (list); `os`/`architecture` select
// from an index. Both fields empty when the blob is neither.
ManifestStep parse_manifest_step(std::string_view json, std::string_view os,
                                 std::string_view architecture);

// The GOARCH name of the machine tracker was built for ("amd64", "arm64"…).
std::string_view host_architecture();

}  // namespace tracker
