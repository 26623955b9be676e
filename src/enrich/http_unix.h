#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <string>
#include <string_view>

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

// GET `target` whose reply never ends by design (an event stream). Connects
// within `connect_timeout`, then waits as long as the reply lasts: each piece
// of a 200 reply's body goes to `on_body` as it arrives, on this thread, and
// is not kept. The reply of any other status is kept in `body`, cut at
// `max_error_body` bytes. Returns when the peer ends the reply (outcome reply),
// hangs up (hung_up), or as soon as `cancellation` is cancelled (cancelled).
HttpReply http_stream_unix(const std::string& socket_path, const std::string& target,
                           std::chrono::milliseconds connect_timeout,
                           const std::function<void(std::string_view)>& on_body,
                           Cancellation& cancellation, std::size_t max_error_body = 64 * 1024);

}  // namespace tracker
