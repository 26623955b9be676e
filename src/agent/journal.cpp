#include "agent/journal.h"

#include <fmt/format.h>
#include <syslog.h>
#include <systemd/sd-journal.h>

#include <cstdlib>
#include <string>
#include <vector>

#include "agent/snapshot.h"

namespace tracker {
namespace {

// Tracker's own message ids, so `journalctl MESSAGE_ID=…` finds each kind.
constexpr const char* kAddedId = "MESSAGE_ID=4f3a0d6c2b1e4f7a9c5d8e2b6a1f0c37";
constexpr const char* kUpdatedId = "MESSAGE_ID=8b2e5c1a7d3f4e9b0a6c2d8f1e5b7a49";
constexpr const char* kGoneId = "MESSAGE_ID=c7d1e9a35b2f4c8e6a0d3b7f9e1c5a62";
constexpr const char* kExitedId = "MESSAGE_ID=2d9f6b0e8a4c4d1fb37e5c9a0f2e6d18";
constexpr const char* kHealthId = "MESSAGE_ID=6e0b3f9d1c7a4e25b8d4f0a2c9e7b153";

void send(const ContainerRecord& c, const char* message_id, const std::string& message) {
  auto s = snapshot_of(c);
  std::vector<std::string> fields = {
      "MESSAGE=" + message,
      message_id,
      fmt::format("PRIORITY={}", LOG_INFO),
      "SYSLOG_IDENTIFIER=tracker",
      "CONTAINER_ID=" + s.id,
      "RUNTIME=" + s.runtime,
      "CONTAINER_ORIGIN=" + s.origin,
      "CGROUP_PATH=" + s.cgroup_path,
  };
  auto add = [&](const char* key, const std::string& value) {
    if (!value.empty()) fields.push_back(std::string(key) + "=" + value);
  };
  add("CONTAINER_NAME", s.name);
  add("CONTAINER_IMAGE", s.image);
  add("CONTAINER_IMAGE_DIGEST", s.image_digest);
  add("POD_NAME", s.pod_name);
  add("POD_NAMESPACE", s.pod_namespace);
  add("POD_UID", s.pod_uid);
  if (!s.pod_name.empty()) add("POD_SANDBOX", s.pod_sandbox ? "1" : "0");
  add("HEALTH", s.health);
  if (c.exited) {
    add("EXIT_CODE", std::to_string(s.exit_code));
    add("EXIT_SIGNAL", std::to_string(s.exit_signal));
    add("OOM_KILLED", s.oom_killed ? "1" : "0");
  }
  std::vector<iovec> iov;
  for (auto& field : fields) iov.push_back({field.data(), field.size()});
  sd_journal_sendv(iov.data(), static_cast<int>(iov.size()));
}

std::string describe(const ContainerRecord& c) {
  std::string text = fmt::format("{} container {}", to_string(c.runtime()), c.id().substr(0, 12));
  if (!c.info.name.empty()) text += fmt::format(" ({})", c.info.name);
  if (!c.info.image.empty()) text += fmt::format(" image {}", c.info.image);
  return text;
}

}  // namespace

bool JournalListener::running_under_systemd() {
  return std::getenv("INVOCATION_ID") != nullptr || std::getenv("JOURNAL_STREAM") != nullptr;
}

void JournalListener::container_added(const std::shared_ptr<ContainerRecord>& container) {
  const char* verb = container->origin == ContainerOrigin::existing ? "found" : "created";
  if (!container->info.name.empty() || !container->info.image.empty())
    identified_.insert(container->id());
  send(*container, kAddedId, fmt::format("{} {}", describe(*container), verb));
}

void JournalListener::container_changed(const std::shared_ptr<ContainerRecord>& container) {
  if (container->info.name.empty() && container->info.image.empty()) return;
  if (!identified_.insert(container->id()).second) return;
  send(*container, kUpdatedId, fmt::format("{} identified", describe(*container)));
}

void JournalListener::container_health(const std::shared_ptr<ContainerRecord>& container) {
  send(*container, kHealthId,
       fmt::format("{} is {}", describe(*container), container->info.health));
}

void JournalListener::container_exited(const std::shared_ptr<ContainerRecord>& container) {
  auto& exit = container->exit;
  send(*container, kExitedId,
       fmt::format("{} exited with code {}{}", describe(*container), exit.code,
                   exit.oom_killed ? " (OOM killed)" : ""));
}

void JournalListener::container_removed(const std::shared_ptr<ContainerRecord>& container) {
  identified_.erase(container->id());
  send(*container, kGoneId, fmt::format("{} removed", describe(*container)));
}

}  // namespace tracker
