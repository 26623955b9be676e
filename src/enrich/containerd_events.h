#pragma once

#include <optional>
#include <string>
#include <vector>

#include "enrich/containerd_events_service.pb.h"
#include "enrich/runtime_events.h"

// What tracker takes from containerd's event envelopes (Events/Subscribe),
// apart from the call that streams them: tested and fuzzed on raw envelopes.
namespace tracker {

// The Subscribe filters: the topics below, of every namespace.
std::vector<std::string> containerd_event_filters();

// /containers/create → created (id, image: the event has no labels),
// /tasks/start → started (init pid), /tasks/exit of the init → exited,
// /tasks/oom → oom, /tasks/delete of the init → destroyed. Each carries the
// envelope's namespace and timestamp. containerd reports an exit status as
// the runc shim's reaper makes it: the status, or 128 + the signal (SIGKILL:
// 137); 255 when the shim died and the status is lost.
//
// nullopt for what tracker does not follow (another topic, an exec's exit or
// delete), and for what makes no sense (a payload of another type or that
// does not parse, no container id, no namespace): then `malformed` is set.
std::optional<RuntimeEvent> event_from_containerd(
    const containerd::services::events::v1::Envelope& envelope, bool* malformed = nullptr);

}  // namespace tracker
