#pragma once

#include <optional>

#include "enrich/cri_runtime_v1.pb.h"
#include "enrich/runtime_events.h"

// What tracker takes from CRI GetContainerEvents replies, apart from the call
// that streams them: tested and fuzzed on raw replies.
namespace tracker {

// CONTAINER_CREATED_EVENT → created, STARTED → started, STOPPED → exited,
// DELETED → destroyed; `runtime` labels the event. A container's facts come
// from its entry in containers_statuses (the runtime sends the statuses of
// every container of the pod), read as ContainerStatus replies are; an event
// of the pod sandbox itself (container_id is the sandbox's) from
// pod_sandbox_status. exited carries the status's exit_code once its state is
// CONTAINER_EXITED: containerd's CRI plugin reports the task's exit status
// (the status, or 128 + the signal), and so does CRI-O (conmon's).
//
// nullopt when the reply makes no sense: no container id, or an event type
// this version of the API does not have.
std::optional<RuntimeEvent> event_from_cri(const runtime::v1::ContainerEventResponse& response,
                                           Runtime runtime);

}  // namespace tracker
