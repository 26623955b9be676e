#include "enrich/pod_labels.h"

#include <initializer_list>

namespace tracker {
namespace {

std::string first_of(const StringMap& labels, const StringMap& annotations,
                     std::initializer_list<const char*> keys) {
  for (const StringMap* map : {&labels, &annotations}) {
    for (const char* key : keys) {
      auto it = map->find(key);
      if (it != map->end() && !it->second.empty()) return it->second;
    }
  }
  return {};
}

bool has_value(const StringMap& map, const char* key, const char* value) {
  auto it = map.find(key);
  return it != map.end() && it->second == value;
}

}  // namespace

PodInfo pod_from_labels(const StringMap& labels, const StringMap& annotations) {
  PodInfo pod;
  pod.name =
      first_of(labels, annotations, {"io.kubernetes.pod.name", "io.kubernetes.cri.sandbox-name"});
  pod.namespace_name = first_of(
      labels, annotations, {"io.kubernetes.pod.namespace", "io.kubernetes.cri.sandbox-namespace"});
  pod.uid =
      first_of(labels, annotations, {"io.kubernetes.pod.uid", "io.kubernetes.cri.sandbox-uid"});
  pod.sandbox = has_value(labels, "io.kubernetes.docker.type", "podsandbox") ||
                has_value(labels, "io.cri-containerd.kind", "sandbox") ||
                has_value(annotations, "io.kubernetes.cri.container-type", "sandbox") ||
                has_value(annotations, "io.kubernetes.cri-o.ContainerType", "sandbox");
  return pod;
}

}  // namespace tracker
