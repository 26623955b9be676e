// One line of Docker's GET /events, as a daemon (or anything listening on
// its socket) may send it.
#include "enrich/runtime_event_json.h"
#include "runtime_event_check.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string error;
  auto event = tracker::parse_docker_event(tracker::fuzz::as_text(data, size), &error);
  tracker::fuzz::check_event(event, error, tracker::Runtime::docker);
  return 0;
}
