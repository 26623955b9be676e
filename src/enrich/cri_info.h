#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "enrich/pod_labels.h"

namespace tracker {

// What tracker reads from the JSON in a verbose CRI status reply
// (info["info"] of ContainerStatus and PodSandboxStatus, containerd and CRI-O).
struct CriVerboseInfo {
  std::int32_t pid = 0;
  std::string sandbox_id;
  std::string config_image;    // the image the container was created with (config.image.image)
  std::string sandbox_image;   // containerd's sandbox reply: the pause image
  StringMap spec_annotations;  // runtimeSpec.annotations
};

// Malformed or absent JSON gives an empty result: the info is a bonus.
CriVerboseInfo parse_cri_verbose_info(std::string_view json);

// "annotations" of an OCI runtime spec in JSON (containerd's container spec).
StringMap parse_oci_spec_annotations(std::string_view json);

// "sha256:<hex>" or a bare 64-hex id: a reference that names no repository.
bool is_image_id(std::string_view reference);

}  // namespace tracker
