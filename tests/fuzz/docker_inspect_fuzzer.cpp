// Docker's Engine API replies: container inspect, image inspect and error
// bodies, as a daemon (or anything listening on its socket) may send them.
#include "enrich/docker_json.h"
#include "fuzz_util.h"

using tracker::fuzz::as_text;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  auto body = as_text(data, size);
  auto container = tracker::parse_docker_container(body);
  if (container.status == tracker::LookupStatus::found) {
    FUZZ_CHECK(!container.info.id.empty());
    FUZZ_CHECK(container.info.runtime == tracker::Runtime::docker);
    FUZZ_CHECK(container.info.init_pid >= 0);
  } else {
    FUZZ_CHECK(container.status == tracker::LookupStatus::bad_reply && !container.error.empty());
  }
  std::string error;
  auto image = tracker::parse_image_inspect(body, error);
  FUZZ_CHECK(image ? !image->id.empty() : !error.empty());
  auto message = tracker::api_error_message(body);
  FUZZ_CHECK(body.empty() || !message.empty());
  return 0;
}
