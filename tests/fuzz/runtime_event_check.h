// The properties every parsed runtime event has, whichever runtime sent it.
#pragma once

#include <optional>
#include <string>

#include "enrich/runtime_events.h"
#include "enrich/sanitize.h"
#include "fuzz_util.h"
#include "util/text.h"

namespace tracker::fuzz {

inline bool clean(const std::string& text, std::size_t max_bytes) {
  return text.size() <= max_bytes && is_valid_utf8(text) && text.find('\0') == std::string::npos;
}

inline void check_event(const std::optional<RuntimeEvent>& event, const std::string& error,
                        Runtime runtime) {
  if (!event) return;
  FUZZ_CHECK(error.empty());
  FUZZ_CHECK(event->runtime == runtime && event->info.runtime == runtime);
  FUZZ_CHECK(!event->container_id.empty() && event->container_id == event->info.id);
  FUZZ_CHECK(clean(event->container_id, kMaxIdBytes));
  FUZZ_CHECK(clean(event->info.name, kMaxNameBytes) && clean(event->info.image, kMaxImageBytes));
  FUZZ_CHECK(event->info.labels.size() <= kMaxLabels);
  for (const auto& [key, value] : event->info.labels)
    FUZZ_CHECK(clean(key, kMaxLabelKeyBytes) && clean(value, kMaxLabelValueBytes));
  FUZZ_CHECK(event->time_ns >= 0);
  FUZZ_CHECK(!event->exit_code || event->kind == RuntimeEvent::Kind::exited);
  if (event->kind == RuntimeEvent::Kind::health) {
    FUZZ_CHECK(event->health == "starting" || event->health == "healthy" ||
               event->health == "unhealthy");
  } else {
    FUZZ_CHECK(event->health.empty());
  }
}

}  // namespace tracker::fuzz
