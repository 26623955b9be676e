#include "enrich/containerd_reply.h"

#include <initializer_list>
#include <limits>
#include <string>

#include "enrich/cri_info.h"
#include "enrich/pod_labels.h"
#include "enrich/protobuf_time.h"

namespace tracker {
namespace {

std::string first_label(const StringMap& labels, std::initializer_list<const char*> keys) {
  for (const char* key : keys) {
    auto it = labels.find(key);
    if (it != labels.end() && !it->second.empty()) return it->second;
  }
  return {};
}

}  // namespace

ContainerInfo container_from_containerd(
    const containerd::services::containers::v1::Container& container) {
  ContainerInfo info;
  info.runtime = Runtime::containerd;
  info.id = container.id();
  info.image = container.image();
  info.labels = StringMap(container.labels().begin(), container.labels().end());
  info.created_ns = timestamp_ns(container.created_at());
  StringMap annotations;
  if (container.has_spec()) annotations = parse_oci_spec_annotations(container.spec().value());
  info.pod = pod_from_labels(info.labels, annotations);
  info.name = first_label(info.labels, {"nerdctl/name", "io.kubernetes.container.name"});
  if (info.name.empty()) info.name = first_label(annotations, {"io.kubernetes.cri.container-name"});
  if (info.name.empty() && info.pod.sandbox) info.name = info.pod.name;
  return info;
}

std::int32_t task_init_pid(const containerd::services::tasks::v1::GetResponse& response) {
  const auto& process = response.process();
  if (process.status() == containerd::v1::types::STOPPED) return 0;
  if (process.pid() == 0 || process.pid() > std::numeric_limits<std::int32_t>::max()) return 0;
  return static_cast<std::int32_t>(process.pid());
}

}  // namespace tracker
