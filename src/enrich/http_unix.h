#pragma once

#include <chrono>
#include <cstddef>
#include <string>

#include "enrich/cancellation.h"

namespace tracker {

enum class HttpOutcome {
  reply,        // an HTTP reply arrived, any status code
  unreachable,  // no such socket, not a socket, refused
  timed_out,    // connected or not, nothing complete before the timeout
  too_large,    // the body passed max_body and was abandoned
  hung_up,      // the peer closed the connection before a complete reply
  garbled,      // the peer answered something that is not HTTP
  cancelled,    // `cancellation` was cancelled meanwhile
};

struct HttpReply {
  HttpOutcome outcome = HttpOutcome::unreachable;
  long code = 0;
  std::string body;
  std::string error;  // for anything but reply; does not repeat the socket path
};

// GET `target` (e.g. "/containers/abc/json") from an HTTP server on a unix
// socket, with libcurl. Never waits longer than `timeout`, never buffers more
// than `max_body` bytes, and gives up within a second of `cancellation` being
// cancelled. Thread-safe: one curl handle per call.
HttpReply http_get_unix(const std::string& socket_path, const std::string& target,
                        std::chrono::milliseconds timeout, std::size_t max_body,
                        const Cancellation* cancellation = nullptr);

}  // namespace tracker
