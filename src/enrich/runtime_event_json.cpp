#include "enrich/runtime_event_json.h"

#include <charconv>
#include <limits>
#include <vector>

#include "enrich/json_util.h"
#include "enrich/pod_labels.h"
#include "enrich/sanitize.h"

namespace tracker {
namespace {

constexpr std::int64_t kNsPerSecond = 1'000'000'000;

// How one runtime spells its events.
struct Dialect {
  Runtime runtime;
  const char* died;       // the action of an init's exit
  const char* removed;    // the action of the runtime forgetting a container
  const char* exit_code;  // the attribute of `died` with the exit code
  const char* pod_id;     // the attribute with the runtime's own pod, or nullptr
  // Attributes the runtime adds to the container's labels, on every event.
  std::vector<const char*> not_labels;
};

// Docker puts the container's labels (the image's included) in
// Actor.Attributes, then sets "image" and "name" and adds what the action
// tells (die: exitCode; exec_*: execID; kill: signal). A label of one of
// those names is lost to the attribute.
const Dialect kDocker{Runtime::docker, "die",   "destroy",
                      "exitCode",      nullptr, {"image", "name", "exitCode", "execDuration"}};
// Podman 4.3 does the same, and adds containerExitCode ("0" but on "died")
// and podId ("" outside a pod) to every event.
const Dialect kPodman{
    Runtime::podman,     "died",  "remove",
    "containerExitCode", "podId", {"image", "name", "containerExitCode", "podId", "health_status"}};

std::optional<RuntimeEvent> malformed(std::string* error, std::string why) {
  if (error) *error = std::move(why);
  return std::nullopt;
}

std::optional<int> parse_int(std::string_view text) {
  int value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || text.empty()) return std::nullopt;
  return value;
}

// timeNano, else time (seconds); 0 when neither is a sane epoch time.
std::int64_t event_time_ns(const Json::Value& root) {
  if (auto nano = json_int(root, "timeNano"); nano && *nano > 0) return *nano;
  auto seconds = json_int(root, "time");
  if (!seconds || *seconds <= 0 ||
      *seconds > std::numeric_limits<std::int64_t>::max() / kNsPerSecond)
    return 0;
  return *seconds * kNsPerSecond;
}

bool is_health(std::string_view status) {
  return status == "starting" || status == "healthy" || status == "unhealthy";
}

// The action's kind, and for health events the status; nullopt for actions
// tracker does not use.
std::optional<RuntimeEvent::Kind> kind_of(const Dialect& dialect, std::string_view action,
                                          const Json::Value& root, const StringMap& attributes,
                                          std::string& health) {
  using Kind = RuntimeEvent::Kind;
  if (action == "create") return Kind::created;
  if (action == "start") return Kind::started;
  if (action == dialect.died) return Kind::exited;
  if (action == "oom") return Kind::oom;
  if (action == dialect.removed) return Kind::destroyed;
  // Docker: "health_status: healthy". Podman 4.3: "health_status" and the
  // status in "HealthStatus" beside "Actor"; later Podmans put it in the
  // attributes as "health_status".
  constexpr std::string_view kHealth = "health_status";
  if (!action.starts_with(kHealth)) return std::nullopt;
  auto rest = action.substr(kHealth.size());
  if (rest.starts_with(": ")) {
    health = rest.substr(2);
  } else if (rest.empty()) {
    health = json_string(root, "HealthStatus");
    auto it = attributes.find(std::string(kHealth));
    if (health.empty() && it != attributes.end()) health = it->second;
  } else {
    return std::nullopt;
  }
  return Kind::health;
}

std::optional<RuntimeEvent> parse_event(const Dialect& dialect, std::string_view line,
                                        std::string* error) {
  Json::Value root;
  std::string why;
  if (!parse_json(line, root, why)) return malformed(error, "event: " + why);
  if (!root.isObject()) return malformed(error, "event: not an object");
  auto type = json_string(root, "Type");
  if (type.empty()) type = json_string(root, "type");
  if (type.empty()) return malformed(error, "event: no \"Type\" string");
  if (type != "container") return std::nullopt;
  auto action = json_string(root, "Action");
  if (action.empty()) action = json_string(root, "status");
  if (action.empty()) return malformed(error, "container event: no \"Action\" string");

  const auto& actor = json_object(root, "Actor");
  auto attributes = json_string_map(actor, "Attributes");
  RuntimeEvent event;
  auto kind = kind_of(dialect, action, root, attributes, event.health);
  if (!kind) return std::nullopt;
  event.kind = *kind;
  if (event.kind == RuntimeEvent::Kind::health && !is_health(event.health))
    return malformed(error, "container event: unknown health status \"" + event.health + "\"");
  event.runtime = dialect.runtime;
  event.container_id = json_string(actor, "ID");
  if (event.container_id.empty()) event.container_id = json_string(root, "id");
  if (event.container_id.empty())
    return malformed(error, "container event \"" + action + "\": no \"Actor.ID\" string");
  event.time_ns = event_time_ns(root);
  if (event.kind == RuntimeEvent::Kind::exited) {
    if (auto code = attributes.find(dialect.exit_code); code != attributes.end())
      event.exit_code = parse_int(code->second);
  }

  auto& info = event.info;
  info.runtime = dialect.runtime;
  info.id = event.container_id;
  if (auto name = attributes.extract("name")) info.name = std::move(name.mapped());
  if (auto image = attributes.extract("image")) info.image = std::move(image.mapped());
  if (dialect.pod_id) {
    if (auto pod = attributes.extract(dialect.pod_id))
      info.runtime_pod.id = std::move(pod.mapped());
  }
  for (const char* key : dialect.not_labels) attributes.erase(key);
  info.labels = std::move(attributes);
  info.pod = pod_from_labels(info.labels);
  sanitize(info);
  event.container_id = info.id;
  event.health = sanitize_string(event.health, kMaxHealthBytes);
  return event;
}

}  // namespace

std::string_view to_string(RuntimeEvent::Kind kind) {
  switch (kind) {
    case RuntimeEvent::Kind::created:
      return "created";
    case RuntimeEvent::Kind::started:
      return "started";
    case RuntimeEvent::Kind::exited:
      return "exited";
    case RuntimeEvent::Kind::oom:
      return "oom";
    case RuntimeEvent::Kind::destroyed:
      return "destroyed";
    case RuntimeEvent::Kind::health:
      return "health";
  }
  return "?";
}

std::optional<RuntimeEvent> parse_docker_event(std::string_view line, std::string* error) {
  return parse_event(kDocker, line, error);
}

std::optional<RuntimeEvent> parse_podman_event(std::string_view line, std::string* error) {
  return parse_event(kPodman, line, error);
}

}  // namespace tracker
