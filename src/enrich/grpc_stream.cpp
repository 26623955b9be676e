#include "enrich/grpc_stream.h"

#include "enrich/grpc_util.h"

namespace tracker {

StreamEnd grpc_stream_end(const std::string& socket_path, const std::string& call,
                          const grpc::Status& status, bool cancelled) {
  if (cancelled) return {StreamEnd::Why::cancelled, {}};
  if (status.error_code() == grpc::StatusCode::UNIMPLEMENTED)
    return {StreamEnd::Why::unsupported, describe_failure(socket_path, call, status)};
  if (status.ok())
    return {StreamEnd::Why::broken, socket_path + ": " + call + ": the runtime ended the stream"};
  return {StreamEnd::Why::broken, describe_failure(socket_path, call, status)};
}

}  // namespace tracker
