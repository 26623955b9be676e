// Docker's Engine API replies: container inspect, container list, image
// inspect and error bodies, as a daemon (or anything listening on its socket) may send them.
#include "enrich/docker_json.h"
#include "fuzz_util.h"

using tracker::fuzz::as_text;

// The container in the seed corpus/docker_inspect/container_list.json: asking
// for it lets mutations of that list reach the found entry's fields.
constexpr const char* kListedId =
    "cb353dc829660ea302a87d6be3b82633a8700c7fd91df870d4c7b00cc2d572c9";

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
  for (const char* id : {kListedId, ""}) {
    auto listed = tracker::parse_docker_list_entry(body, id);
    if (listed.status == tracker::LookupStatus::found) {
      FUZZ_CHECK(listed.partial && listed.info.id == id && *id != '\0');
      FUZZ_CHECK(listed.info.runtime == tracker::Runtime::docker);
      FUZZ_CHECK(listed.info.created_ns >= 0 && listed.info.init_pid == 0);
    } else {
      FUZZ_CHECK(listed.status == tracker::LookupStatus::not_found ||
                 listed.status == tracker::LookupStatus::bad_reply);
      FUZZ_CHECK(!listed.partial && !listed.error.empty());
    }
  }
  std::string error;
  auto image = tracker::parse_image_inspect(body, error);
  FUZZ_CHECK(image ? !image->id.empty() : !error.empty());
  auto message = tracker::api_error_message(body);
  FUZZ_CHECK(body.empty() || !message.empty());
  return 0;
}
