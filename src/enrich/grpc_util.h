#pragma once

#include <memory>
#include <string>

#include <grpcpp/channel.h>
#include <grpcpp/client_context.h>
#include <grpcpp/support/status.h>

#include "enrich/deadline.h"
#include "enrich/runtime_client.h"

namespace tracker {

// gRPC replies above this are refused by the channel (RESOURCE_EXHAUSTED → bad_reply).
inline constexpr int kMaxGrpcReplyBytes = 4 * 1024 * 1024;

// An insecure channel to a unix socket: no proxy from the environment, short
// reconnect backoff so a restarted runtime is noticed within seconds.
std::shared_ptr<grpc::Channel> make_unix_channel(const std::string& socket_path);

// The same for one event stream, connecting afresh: its subchannel is its own
// (not shared with the lookups' channel to the socket), so no backoff left
// from an earlier failure makes a fail-fast call fail while the runtime is
// back; and a fail-fast call on it waits at most the connect timeout.
std::shared_ptr<grpc::Channel> make_stream_channel(const std::string& socket_path);

// A call's context that the deadline's cancellation aborts (TryCancel).
class CallContext : public grpc::ClientContext {
 public:
  explicit CallContext(const Deadline& deadline);

 private:
  Cancellation::Hook hook_;  // goes before the context does
};

// A context for one call of a lookup; `containerd_namespace` goes into the
// containerd-namespace metadata header when not empty.
std::unique_ptr<CallContext> make_context(const Deadline& deadline,
                                          const std::string& containerd_namespace = {});

// A context for a ping, which waits for the connection until the deadline.
// A call that fails fast on a channel in backoff leaves no thread polling its
// reconnection (the synchronous API polls only during calls), and gRPC then
// notices a runtime that came back only on its 5-second backup poll.
std::unique_ptr<CallContext> make_ping_context(const Deadline& deadline);

// NOT_FOUND → not_found; UNAVAILABLE, DEADLINE_EXCEEDED, CANCELLED and
// UNIMPLEMENTED (service not enabled) → unavailable; the rest → bad_reply.
LookupStatus lookup_status_of(const grpc::Status& status);

// "<socket>: <call>: DEADLINE_EXCEEDED: <message>"
std::string describe_failure(const std::string& socket_path, const std::string& call,
                             const grpc::Status& status);

LookupResult failed_lookup(const std::string& socket_path, const std::string& call,
                           const grpc::Status& status);

}  // namespace tracker
