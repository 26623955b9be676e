// The gRPC runtimes' event streams: containerd's own Events/Subscribe (every
// namespace) and CRI GetContainerEvents.
#include "enrich/containerd_events.h"
#include "enrich/containerd_events_service.grpc.pb.h"
#include "enrich/cri_events.h"
#include "enrich/cri_runtime_v1.grpc.pb.h"
#include "enrich/grpc_stream.h"
#include "enrich/grpc_util.h"
#include "enrich/runtime_events.h"

namespace tracker {
namespace {

namespace cri = runtime::v1;
namespace events = containerd::services::events::v1;

class ContainerdEventStream final : public RuntimeEventStream {
 public:
  explicit ContainerdEventStream(std::string socket_path) : socket_path_(std::move(socket_path)) {}

  Runtime runtime() const override { return Runtime::containerd; }
  const std::string& socket_path() const override { return socket_path_; }

  StreamEnd follow(const std::function<void(RuntimeEvent)>& on_event,
                   Cancellation& cancel) override {
    // No containerd-namespace header: Subscribe then sends every namespace's.
    auto stub = events::Events::NewStub(make_stream_channel(socket_path_));
    events::SubscribeRequest request;
    for (auto& filter : containerd_event_filters()) request.add_filters(std::move(filter));
    return follow_grpc_stream<events::Envelope>(
        socket_path_, "Events/Subscribe", cancel,
        [&](grpc::ClientContext* context) { return stub->Subscribe(context, request); },
        [](const events::Envelope& envelope, bool& malformed) {
          return event_from_containerd(envelope, &malformed);
        },
        on_event, skipped);
  }

 private:
  const std::string socket_path_;
};

class CriEventStream final : public RuntimeEventStream {
 public:
  CriEventStream(std::string socket_path, Runtime runtime)
      : socket_path_(std::move(socket_path)), runtime_(runtime) {}

  Runtime runtime() const override { return runtime_; }
  const std::string& socket_path() const override { return socket_path_; }

  StreamEnd follow(const std::function<void(RuntimeEvent)>& on_event,
                   Cancellation& cancel) override {
    auto stub = cri::RuntimeService::NewStub(make_stream_channel(socket_path_));
    cri::GetEventsRequest request;
    return follow_grpc_stream<cri::ContainerEventResponse>(
        socket_path_, "RuntimeService/GetContainerEvents", cancel,
        [&](grpc::ClientContext* context) { return stub->GetContainerEvents(context, request); },
        [this](const cri::ContainerEventResponse& response, bool& malformed) {
          auto event = event_from_cri(response, runtime_);
          malformed = !event;
          return event;
        },
        on_event, skipped);
  }

 private:
  const std::string socket_path_;
  const Runtime runtime_;
};

}  // namespace

std::unique_ptr<RuntimeEventStream> make_containerd_event_stream(std::string socket_path) {
  return std::make_unique<ContainerdEventStream>(std::move(socket_path));
}

std::unique_ptr<RuntimeEventStream> make_cri_event_stream(std::string socket_path,
                                                          Runtime runtime) {
  return std::make_unique<CriEventStream>(std::move(socket_path), runtime);
}

}  // namespace tracker
