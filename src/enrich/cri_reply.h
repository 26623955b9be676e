#pragma once

#include <string>

#include "enrich/container_info.h"
#include "enrich/cri_runtime_v1.pb.h"

// What tracker takes from CRI (runtime.v1) replies, apart from the calls that
// fetch them: tested and fuzzed on raw replies.
namespace tracker {

// A ContainerStatus or PodSandboxStatus reply, and what to ask next.
struct CriContainerFacts {
  ContainerInfo info;
  std::string sandbox_id;  // set when the pod is unknown: PodSandboxStatus of this id tells it
  std::string image_key;   // ImageStatus of this completes the image fields ("": nothing to ask)
};

// ContainerStatus (verbose): the container, labelled as `runtime`.
CriContainerFacts container_from_cri(const runtime::v1::ContainerStatusResponse& response,
                                     Runtime runtime);
// PodSandboxStatus (verbose) of an id that is a pod sandbox.
CriContainerFacts sandbox_from_cri(const runtime::v1::PodSandboxStatusResponse& response,
                                   Runtime runtime);

// The pod named by a sandbox's metadata; empty fields leave `pod` alone.
void set_pod_metadata(PodInfo& pod, const runtime::v1::PodSandboxMetadata& metadata);

// ImageStatus: image id, a repository name for an image given by id, digest.
void add_image_status(ContainerInfo& info, const runtime::v1::ImageStatusResponse& response);

}  // namespace tracker
