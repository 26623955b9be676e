// What the D-Bus service does with a caller's strings: the id check of
// GetContainer, and container ids to object paths and back.
#include <systemd/sd-bus.h>

#include <string>

#include "fuzz_util.h"
#include "service/object_path.h"

using tracker::fuzz::as_text;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  auto text = as_text(data, size);
  // A path someone asks about: any string, valid or not.
  tracker::container_id_from_path(std::string(text));

  // D-Bus strings hold no NUL; sd-bus refuses invalid UTF-8 before us.
  if (text.find('\0') != std::string_view::npos) return 0;
  std::string id(text);
  if (!tracker::invalid_id_reason(id).empty()) return 0;
  auto path = tracker::container_object_path(id);
  FUZZ_CHECK(!path.empty());
  FUZZ_CHECK(sd_bus_object_path_is_valid(path.c_str()));
  auto back = tracker::container_id_from_path(path);
  FUZZ_CHECK(back && *back == id);
  return 0;
}
