// CRI (runtime.v1) replies as raw protobuf bytes: whatever a socket sends is
// parsed into the reply messages tracker asks for, then converted the way
// the CRI client converts them.
#include <google/protobuf/stubs/logging.h>

#include <string>

#include "enrich/cri_reply.h"
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
  for (auto runtime : {tracker::Runtime::crio, tracker::Runtime::containerd}) {
    cri::ContainerStatusResponse container;
    if (container.ParseFromString(bytes)) {
      auto facts = tracker::container_from_cri(container, runtime);
      FUZZ_CHECK(facts.info.runtime == runtime);
      FUZZ_CHECK(facts.info.init_pid >= 0);
      FUZZ_CHECK(facts.sandbox_id.empty() || facts.info.pod.name.empty());
      cri::ImageStatusResponse image;
      if (image.ParseFromString(bytes)) tracker::add_image_status(facts.info, image);
    }
    cri::PodSandboxStatusResponse sandbox;
    if (sandbox.ParseFromString(bytes)) {
      auto facts = tracker::sandbox_from_cri(sandbox, runtime);
      FUZZ_CHECK(facts.info.pod.sandbox);
      FUZZ_CHECK(facts.image_key == facts.info.image);
      tracker::set_pod_metadata(facts.info.pod, sandbox.status().metadata());
    }
  }
  return 0;
}
