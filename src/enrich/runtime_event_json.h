#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "enrich/runtime_events.h"

// Parsers for one line of Docker's GET /events and of Podman's libpod
// events, kept apart from the I/O so they can be tested on captured lines.
// Both give nullopt for a line that is no container event tracker uses
// (another type, an action such as exec_start or attach), and nullopt with
// `error` set for a malformed one. What they return is sanitised
// (enrich/sanitize.h).
namespace tracker {

// Docker: create, start, die (exitCode), oom, destroy, "health_status: <status>".
std::optional<RuntimeEvent> parse_docker_event(std::string_view line, std::string* error = nullptr);

// Podman: create, start, died (containerExitCode), oom, remove, health_status.
std::optional<RuntimeEvent> parse_podman_event(std::string_view line, std::string* error = nullptr);

// "created", "started", "exited", "oom", "destroyed", "health": for logs and tests.
std::string_view to_string(RuntimeEvent::Kind kind);

}  // namespace tracker
