// The JSON inside CRI and containerd replies: the verbose "info" of
// ContainerStatus/PodSandboxStatus, a container's OCI spec, and the image
// manifests and indexes read from containerd's content store.
#include "enrich/cri_info.h"
#include "enrich/oci_manifest.h"
#include "fuzz_util.h"

using tracker::fuzz::as_text;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  auto json = as_text(data, size);
  auto info = tracker::parse_cri_verbose_info(json);
  FUZZ_CHECK(info.pid >= 0);
  tracker::parse_oci_spec_annotations(json);
  auto step = tracker::parse_manifest_step(json, "linux", tracker::host_architecture());
  FUZZ_CHECK(step.config_digest.empty() || step.manifest_digest.empty());
  tracker::is_image_id(json);
  return 0;
}
