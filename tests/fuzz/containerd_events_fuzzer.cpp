// containerd's event envelopes (Events/Subscribe) as raw protobuf bytes: the
// whole envelope, and the bytes as the payload of each topic tracker follows
// (the payload is protobuf inside the envelope's google.protobuf.Any).
#include <google/protobuf/stubs/logging.h>

#include <string>

#include "enrich/containerd_events.h"
#include "enrich/containerd_events.pb.h"
#include "fuzz_util.h"

namespace events = containerd::services::events::v1;

namespace {

void check(const events::Envelope& envelope) {
  bool malformed = false;
  auto event = tracker::event_from_containerd(envelope, &malformed);
  if (!event) return;
  FUZZ_CHECK(!malformed);
  FUZZ_CHECK(event->runtime == tracker::Runtime::containerd);
  FUZZ_CHECK(!event->container_id.empty());
  FUZZ_CHECK(event->container_id == event->info.id);
  FUZZ_CHECK(event->containerd_namespace == envelope.namespace_());
  FUZZ_CHECK(!event->containerd_namespace.empty());
  FUZZ_CHECK(event->time_ns >= 0);
  FUZZ_CHECK(event->info.init_pid >= 0);
  FUZZ_CHECK(!event->exit_code || *event->exit_code >= 0);
  using Kind = tracker::RuntimeEvent::Kind;
  FUZZ_CHECK(!event->exit_code || event->kind == Kind::exited || event->kind == Kind::destroyed);
}

template <typename Payload>
void check_payload(const char* topic, const std::string& bytes) {
  events::Envelope envelope;
  envelope.set_namespace_("default");
  envelope.set_topic(topic);
  envelope.mutable_event()->set_type_url(Payload::descriptor()->full_name());
  envelope.mutable_event()->set_value(bytes);
  check(envelope);
}

}  // namespace

// A rejected field is a failed parse already; protobuf's stderr line for each
// would only slow the fuzzer down.
extern "C" int LLVMFuzzerInitialize(int*, char***) {
  google::protobuf::SetLogHandler(nullptr);
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string bytes(reinterpret_cast<const char*>(data), size);
  events::Envelope envelope;
  if (envelope.ParseFromString(bytes)) check(envelope);
  check_payload<containerd::events::ContainerCreate>("/containers/create", bytes);
  check_payload<containerd::events::TaskStart>("/tasks/start", bytes);
  check_payload<containerd::events::TaskExit>("/tasks/exit", bytes);
  check_payload<containerd::events::TaskOOM>("/tasks/oom", bytes);
  check_payload<containerd::events::TaskDelete>("/tasks/delete", bytes);
  return 0;
}
