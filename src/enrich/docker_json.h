#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "enrich/runtime_client.h"

// Parsers for the replies of Docker's Engine API and Podman's libpod API,
// kept apart from the I/O so they can be tested on samples.
namespace tracker {

// GET /containers/<id>/json (Docker). status is found or bad_reply; the image
// digest is left to parse_image_inspect.
LookupResult parse_docker_container(std::string_view body);

// GET /containers/json?all=1&filters={"id":[…]} (Docker): the entry whose
// "Id" is `container_id`, found (result.partial: the list has no start time
// and no init pid), not_found when no entry is that container, or bad_reply.
LookupResult parse_docker_list_entry(std::string_view body, std::string_view container_id);

// GET /v4.0.0/libpod/containers/<id>/json (Podman). image_digest is Podman's
// own ImageDigest; runtime_pod.id is set for containers in a podman pod.
LookupResult parse_podman_container(std::string_view body);

struct ImageFacts {
  std::string id;
  std::vector<std::string> repo_digests;
};

// GET /images/<id>/json (Docker) or /libpod/images/<id>/json (Podman).
std::optional<ImageFacts> parse_image_inspect(std::string_view body, std::string& error);

// GET /libpod/pods/<id>/json: the pod's name.
std::optional<std::string> parse_podman_pod_name(std::string_view body, std::string& error);

// The "message" of an API error reply, else a printable excerpt of the body.
std::string api_error_message(std::string_view body);

}  // namespace tracker
