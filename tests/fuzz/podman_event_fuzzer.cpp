// One line of Podman's libpod events stream.
#include "enrich/runtime_event_json.h"
#include "runtime_event_check.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string error;
  auto event = tracker::parse_podman_event(tracker::fuzz::as_text(data, size), &error);
  tracker::fuzz::check_event(event, error, tracker::Runtime::podman);
  return 0;
}
