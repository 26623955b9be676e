#include "enrich/grpc_util.h"

#include <grpcpp/create_channel.h>
#include <grpcpp/security/credentials.h>
#include <grpcpp/support/channel_arguments.h>

#include "enrich/protobuf_log.h"

namespace tracker {
namespace {

const char* code_name(grpc::StatusCode code) {
  switch (code) {
    case grpc::StatusCode::OK:
      return "OK";
    case grpc::StatusCode::CANCELLED:
      return "CANCELLED";
    case grpc::StatusCode::UNKNOWN:
      return "UNKNOWN";
    case grpc::StatusCode::INVALID_ARGUMENT:
      return "INVALID_ARGUMENT";
    case grpc::StatusCode::DEADLINE_EXCEEDED:
      return "DEADLINE_EXCEEDED";
    case grpc::StatusCode::NOT_FOUND:
      return "NOT_FOUND";
    case grpc::StatusCode::ALREADY_EXISTS:
      return "ALREADY_EXISTS";
    case grpc::StatusCode::PERMISSION_DENIED:
      return "PERMISSION_DENIED";
    case grpc::StatusCode::RESOURCE_EXHAUSTED:
      return "RESOURCE_EXHAUSTED";
    case grpc::StatusCode::FAILED_PRECONDITION:
      return "FAILED_PRECONDITION";
    case grpc::StatusCode::ABORTED:
      return "ABORTED";
    case grpc::StatusCode::OUT_OF_RANGE:
      return "OUT_OF_RANGE";
    case grpc::StatusCode::UNIMPLEMENTED:
      return "UNIMPLEMENTED";
    case grpc::StatusCode::INTERNAL:
      return "INTERNAL";
    case grpc::StatusCode::UNAVAILABLE:
      return "UNAVAILABLE";
    case grpc::StatusCode::DATA_LOSS:
      return "DATA_LOSS";
    case grpc::StatusCode::UNAUTHENTICATED:
      return "UNAUTHENTICATED";
    default:
      return "UNKNOWN_CODE";
  }
}

grpc::ChannelArguments unix_channel_arguments() {
  route_protobuf_log();
  grpc::ChannelArguments args;
  args.SetInt(GRPC_ARG_ENABLE_HTTP_PROXY, 0);
  args.SetInt(GRPC_ARG_SERVICE_CONFIG_DISABLE_RESOLUTION, 1);
  // The first retry comes soon and none waits long, so a runtime that comes
  // back is noticed within the half second of a ping (a connect to a unix
  // socket that is gone fails at once; with gRPC's jitter a 1 s backoff and
  // the ping interval added up to over 2 s). The "min" backoff is also the
  // connect timeout: plenty for a unix socket.
  args.SetInt(GRPC_ARG_INITIAL_RECONNECT_BACKOFF_MS, 200);
  args.SetInt(GRPC_ARG_MIN_RECONNECT_BACKOFF_MS, 500);
  args.SetInt(GRPC_ARG_MAX_RECONNECT_BACKOFF_MS, 500);
  args.SetMaxReceiveMessageSize(kMaxGrpcReplyBytes);
  return args;
}

}  // namespace

std::shared_ptr<grpc::Channel> make_unix_channel(const std::string& socket_path) {
  auto args = unix_channel_arguments();
  return grpc::CreateCustomChannel("unix:" + socket_path, grpc::InsecureChannelCredentials(), args);
}

std::shared_ptr<grpc::Channel> make_stream_channel(const std::string& socket_path) {
  auto args = unix_channel_arguments();
  args.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
  return grpc::CreateCustomChannel("unix:" + socket_path, grpc::InsecureChannelCredentials(), args);
}

CallContext::CallContext(const Deadline& deadline) {
  set_deadline(deadline.system_time());
  if (auto* cancellation = deadline.cancellation())
    hook_ = cancellation->on_cancel([this] { TryCancel(); });
}

std::unique_ptr<CallContext> make_context(const Deadline& deadline,
                                          const std::string& containerd_namespace) {
  auto context = std::make_unique<CallContext>(deadline);
  if (!containerd_namespace.empty())
    context->AddMetadata("containerd-namespace", containerd_namespace);
  return context;
}

std::unique_ptr<CallContext> make_ping_context(const Deadline& deadline) {
  auto context = make_context(deadline);
  context->set_wait_for_ready(true);
  return context;
}

LookupStatus lookup_status_of(const grpc::Status& status) {
  switch (status.error_code()) {
    case grpc::StatusCode::OK:
      return LookupStatus::found;
    case grpc::StatusCode::NOT_FOUND:
      return LookupStatus::not_found;
    case grpc::StatusCode::UNAVAILABLE:
    case grpc::StatusCode::DEADLINE_EXCEEDED:
    case grpc::StatusCode::CANCELLED:
    case grpc::StatusCode::UNIMPLEMENTED:
      return LookupStatus::unavailable;
    default:
      return LookupStatus::bad_reply;
  }
}

std::string describe_failure(const std::string& socket_path, const std::string& call,
                             const grpc::Status& status) {
  auto text = socket_path + ": " + call + ": " + code_name(status.error_code());
  if (!status.error_message().empty()) text += ": " + status.error_message();
  return text;
}

LookupResult failed_lookup(const std::string& socket_path, const std::string& call,
                           const grpc::Status& status) {
  LookupResult result;
  result.status = lookup_status_of(status);
  result.error = describe_failure(socket_path, call, status);
  return result;
}

}  // namespace tracker
