// CRI GetContainerEvents replies as raw protobuf bytes, converted the way
// the CRI event stream converts them.
#include <google/protobuf/stubs/logging.h>

#include <string>

#include "enrich/cri_events.h"
#include "fuzz_util.h"

namespace cri = runtime::v1;

// A rejected field is a failed parse already; protobuf's stderr line for each
// would only slow the fuzzer down.
extern "C" int LLVMFuzzerInitialize(int*, char***) {
  google::protobuf::SetLogHandler(nullptr);
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string bytes(reinterpret_cast<const char*>(data), size);
  cri::ContainerEventResponse response;
  if (!response.ParseFromString(bytes)) return 0;
  for (auto runtime : {tracker::Runtime::crio, tracker::Runtime::containerd}) {
    auto event = tracker::event_from_cri(response, runtime);
    if (!event) {
      FUZZ_CHECK(response.container_id().empty() ||
                 !cri::ContainerEventType_IsValid(response.container_event_type()));
      continue;
    }
    FUZZ_CHECK(event->runtime == runtime);
    FUZZ_CHECK(event->info.runtime == runtime);
    FUZZ_CHECK(!event->container_id.empty());
    FUZZ_CHECK(event->container_id == response.container_id());
    FUZZ_CHECK(event->info.id == event->container_id);
    FUZZ_CHECK(event->time_ns >= 0);
    FUZZ_CHECK(event->info.init_pid >= 0);
    FUZZ_CHECK(!event->exit_code || event->kind == tracker::RuntimeEvent::Kind::exited);
  }
  return 0;
}
