#pragma once

#include <grpcpp/client_context.h>
#include <grpcpp/support/status.h>
#include <grpcpp/support/sync_stream.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "enrich/cancellation.h"
#include "enrich/runtime_events.h"

// The part the gRPC event streams (containerd Events/Subscribe, CRI
// GetContainerEvents) share: one server-streaming call followed to its end.
namespace tracker {

// How a stream's call ended: UNIMPLEMENTED → unsupported, a cancel (the
// status may be anything then) → cancelled, the rest (UNAVAILABLE when the
// connection failed or broke, OK when the runtime closed the stream) → broken.
// The error names the socket and the call.
StreamEnd grpc_stream_end(const std::string& socket_path, const std::string& call,
                          const grpc::Status& status, bool cancelled);

// Starts the call with `start(context)`, which returns its reader, then hands
// each decoded message to `on_event` until the stream ends. The call has no
// deadline: a runtime may send nothing for hours. It does not wait for the
// connection either (fail-fast): on a fresh channel the first attempt to
// connect decides, bounded by the channel's connect timeout, so a runtime
// that is down ends the stream at once as broken. `cancel` ends a blocking
// Read() through TryCancel.
//
// `decode(message, malformed)` returns the event a message makes, or nullopt
// (setting `malformed` for garbage, which is counted in `skipped`).
template <typename Message, typename Start, typename Decode>
StreamEnd follow_grpc_stream(const std::string& socket_path, const std::string& call,
                             Cancellation& cancel, Start&& start, Decode&& decode,
                             const std::function<void(RuntimeEvent)>& on_event,
                             std::uint64_t& skipped) {
  if (cancel.cancelled()) return {StreamEnd::Why::cancelled, {}};
  grpc::ClientContext context;
  // Before the reader, so that it goes after it; it runs at once when
  // cancelled already, and a call cancelled before it starts ends at once.
  auto hook = cancel.on_cancel([&context] { context.TryCancel(); });
  std::unique_ptr<grpc::ClientReader<Message>> reader = start(&context);
  Message message;
  while (reader->Read(&message)) {
    bool malformed = false;
    if (auto event = decode(message, malformed))
      on_event(std::move(*event));
    else if (malformed)
      ++skipped;
  }
  return grpc_stream_end(socket_path, call, reader->Finish(), cancel.cancelled());
}

}  // namespace tracker
