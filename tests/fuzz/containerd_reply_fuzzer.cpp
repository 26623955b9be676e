// containerd's own API replies as raw protobuf bytes: Containers/Get (with the
// OCI spec inside a google.protobuf.Any) and Tasks/Get.
#include <google/protobuf/stubs/logging.h>

#include <string>

#include "enrich/containerd_reply.h"
#include "fuzz_util.h"

namespace containers = containerd::services::containers::v1;
namespace tasks = containerd::services::tasks::v1;

// A rejected field is a failed parse already; protobuf's stderr line for each
// would only slow the fuzzer down.
extern "C" int LLVMFuzzerInitialize(int*, char***) {
  google::protobuf::SetLogHandler(nullptr);
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string bytes(reinterpret_cast<const char*>(data), size);
  containers::GetContainerResponse container;
  if (container.ParseFromString(bytes)) {
    auto info = tracker::container_from_containerd(container.container());
    FUZZ_CHECK(info.runtime == tracker::Runtime::containerd);
    FUZZ_CHECK(info.id == container.container().id());
    FUZZ_CHECK(info.created_ns >= 0);
  }
  tasks::GetResponse task;
  if (task.ParseFromString(bytes)) FUZZ_CHECK(tracker::task_init_pid(task) >= 0);
  return 0;
}
