#pragma once

#include <map>
#include <string>

#include "enrich/container_info.h"

namespace tracker {

using StringMap = std::map<std::string, std::string>;

// The Kubernetes pod a container belongs to, from the labels the kubelet sets
// (io.kubernetes.pod.*), then the annotations CRI runtimes add
// (containerd io.kubernetes.cri.*, CRI-O io.kubernetes.cri-o.*). The sandbox
// flag also reads dockershim's and containerd's own kind labels.
PodInfo pod_from_labels(const StringMap& labels, const StringMap& annotations = {});

}  // namespace tracker
