// Podman's libpod API replies: container, pod and image inspect.
#include "enrich/docker_json.h"
#include "fuzz_util.h"

using tracker::fuzz::as_text;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  auto body = as_text(data, size);
  auto container = tracker::parse_podman_container(body);
  if (container.status == tracker::LookupStatus::found) {
    const auto& info = container.info;
    FUZZ_CHECK(!info.id.empty());
    FUZZ_CHECK(info.runtime == tracker::Runtime::podman);
    FUZZ_CHECK(info.image_digest.empty() || info.image_digest.starts_with("sha256:"));
    FUZZ_CHECK(!info.runtime_pod.infra || !info.runtime_pod.id.empty());
  } else {
    FUZZ_CHECK(container.status == tracker::LookupStatus::bad_reply && !container.error.empty());
  }
  std::string error;
  auto pod = tracker::parse_podman_pod_name(body, error);
  FUZZ_CHECK(pod ? !pod->empty() : !error.empty());
  error.clear();
  auto image = tracker::parse_image_inspect(body, error);
  FUZZ_CHECK(image ? !image->id.empty() : !error.empty());
  return 0;
}
