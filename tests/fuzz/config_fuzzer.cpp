// tracker.conf and its drop-ins: parse_config_text() on any text.
#include <algorithm>
#include <string>

#include "config/config_parser.h"
#include "fuzz_util.h"

using tracker::fuzz::as_text;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  auto text = as_text(data, size);
  tracker::Settings settings;
  tracker::Diagnostics diagnostics;
  const std::string file = "/etc/tracker/tracker.conf.d/fuzz.conf";
  tracker::parse_config_text(file, text, settings, diagnostics);
  auto lines = static_cast<unsigned>(std::count(text.begin(), text.end(), '\n')) + 1;
  for (const auto* list : {&diagnostics.warnings, &diagnostics.errors}) {
    for (const auto& diagnostic : *list) {
      FUZZ_CHECK(diagnostic.file == file);
      FUZZ_CHECK(diagnostic.line <= lines);
      FUZZ_CHECK(!diagnostic.message.empty());
    }
  }
  if (settings.buffer_kib) FUZZ_CHECK(*settings.buffer_kib >= 4);
  return 0;
}
