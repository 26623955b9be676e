#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "enrich/deadline.h"
#include "enrich/runtime_client.h"

namespace tracker {

// Docker and Podman replies above this are abandoned as bad_reply.
inline constexpr std::size_t kMaxApiReplyBytes = 4 * 1024 * 1024;

struct ApiReply {
  LookupStatus status = LookupStatus::unavailable;
  std::string body;   // when found
  std::string error;  // otherwise; names the socket path
};

// GET from a Docker-style API on a unix socket within the deadline: HTTP 200 is
// found, 404 not_found, 503 and connection trouble unavailable, the rest (other 5xx
// included: the runtime answered, it failed on this container) bad_reply.
ApiReply api_get(const std::string& socket_path, const std::string& target,
                 const Deadline& deadline);

// Ids and names that are safe to put in a URL path: [A-Za-z0-9_.:-], not "." or "..".
bool is_safe_path_segment(std::string_view id);

}  // namespace tracker
