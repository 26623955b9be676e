#include "enrich/http_lookup.h"

#include <algorithm>

#include "enrich/docker_json.h"
#include "enrich/http_unix.h"

namespace tracker {

ApiReply api_get(const std::string& socket_path, const std::string& target,
                 const Deadline& deadline) {
  ApiReply result;
  auto prefix = socket_path + ": GET " + target + ": ";
  if (deadline.expired()) {
    result.status = LookupStatus::unavailable;
    result.error = prefix + "deadline passed before the request";
    return result;
  }
  auto reply = http_get_unix(socket_path, target, deadline.remaining(), kMaxApiReplyBytes,
                             deadline.cancellation());
  switch (reply.outcome) {
    case HttpOutcome::reply:
      break;
    case HttpOutcome::unreachable:
    case HttpOutcome::timed_out:
    case HttpOutcome::hung_up:
    case HttpOutcome::cancelled:
      result.status = LookupStatus::unavailable;
      result.error = prefix + reply.error;
      return result;
    case HttpOutcome::too_large:
    case HttpOutcome::garbled:
      result.status = LookupStatus::bad_reply;
      result.error = prefix + reply.error;
      return result;
  }
  if (reply.code == 200) {
    result.status = LookupStatus::found;
    result.body = std::move(reply.body);
    return result;
  }
  if (reply.code == 404)
    result.status = LookupStatus::not_found;
  else if (reply.code == 503)  // the daemon says it cannot serve now: ask again when it can
    result.status = LookupStatus::unavailable;
  else
    result.status = LookupStatus::bad_reply;
  result.error = prefix + "HTTP " + std::to_string(reply.code);
  auto message = api_error_message(reply.body);
  if (!message.empty()) result.error += ": " + message;
  return result;
}

bool is_safe_path_segment(std::string_view id) {
  if (id.empty() || id.size() > 256 || id == "." || id == "..") return false;
  return std::all_of(id.begin(), id.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
           c == '.' || c == '-' || c == ':';
  });
}

}  // namespace tracker
