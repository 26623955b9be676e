#include "enrich/cri_events.h"

#include "enrich/cri_reply.h"

namespace tracker {
namespace {

namespace cri = runtime::v1;

std::optional<RuntimeEvent::Kind> kind_of(cri::ContainerEventType type) {
  switch (type) {
    case cri::CONTAINER_CREATED_EVENT:
      return RuntimeEvent::Kind::created;
    case cri::CONTAINER_STARTED_EVENT:
      return RuntimeEvent::Kind::started;
    case cri::CONTAINER_STOPPED_EVENT:
      return RuntimeEvent::Kind::exited;
    case cri::CONTAINER_DELETED_EVENT:
      return RuntimeEvent::Kind::destroyed;
    default:
      return std::nullopt;
  }
}

const cri::ContainerStatus* status_of(const cri::ContainerEventResponse& response) {
  for (const auto& status : response.containers_statuses())
    if (status.id() == response.container_id()) return &status;
  return nullptr;
}

}  // namespace

std::optional<RuntimeEvent> event_from_cri(const cri::ContainerEventResponse& response,
                                           Runtime runtime) {
  auto kind = kind_of(response.container_event_type());
  if (!kind || response.container_id().empty()) return std::nullopt;
  RuntimeEvent event;
  event.kind = *kind;
  event.runtime = runtime;
  event.container_id = response.container_id();
  event.time_ns = response.created_at() > 0 ? response.created_at() : 0;

  const auto& sandbox = response.pod_sandbox_status();
  if (const auto* status = status_of(response)) {
    cri::ContainerStatusResponse reply;
    *reply.mutable_status() = *status;
    event.info = container_from_cri(reply, runtime).info;
    // A container without kubelet labels: the pod is its sandbox's.
    if (event.info.pod.name.empty()) set_pod_metadata(event.info.pod, sandbox.metadata());
    if (event.kind == RuntimeEvent::Kind::exited && status->state() == cri::CONTAINER_EXITED)
      event.exit_code = status->exit_code();
  } else if (response.has_pod_sandbox_status() && sandbox.id() == event.container_id) {
    cri::PodSandboxStatusResponse reply;
    *reply.mutable_status() = sandbox;
    event.info = sandbox_from_cri(reply, runtime).info;
  } else {
    event.info.runtime = runtime;
    event.info.id = event.container_id;
  }
  return event;
}

}  // namespace tracker
