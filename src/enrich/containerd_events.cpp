#include "enrich/containerd_events.h"

#include <limits>
#include <string_view>

#include "enrich/containerd_events.pb.h"
#include "enrich/protobuf_time.h"

namespace tracker {
namespace {

namespace events = containerd::events;
using Envelope = containerd::services::events::v1::Envelope;

constexpr std::string_view kContainerCreate = "/containers/create";
constexpr std::string_view kTaskStart = "/tasks/start";
constexpr std::string_view kTaskExit = "/tasks/exit";
constexpr std::string_view kTaskOom = "/tasks/oom";
constexpr std::string_view kTaskDelete = "/tasks/delete";

// containerd names the payload's type by its full name alone
// ("containerd.events.TaskExit"); a "type.googleapis.com/" prefix is allowed.
template <typename Message>
bool unpack(const google::protobuf::Any& any, Message& message) {
  std::string_view url = any.type_url();
  auto slash = url.rfind('/');
  if (slash != std::string_view::npos) url.remove_prefix(slash + 1);
  return url == Message::descriptor()->full_name() && message.ParseFromString(any.value());
}

std::optional<int> exit_code_of(std::uint32_t status) {
  if (status > static_cast<std::uint32_t>(std::numeric_limits<int>::max())) return std::nullopt;
  return static_cast<int>(status);
}

std::int32_t pid_of(std::uint32_t pid) {
  return pid > static_cast<std::uint32_t>(std::numeric_limits<std::int32_t>::max())
             ? 0
             : static_cast<std::int32_t>(pid);
}

// The init's own process: an empty id, or the container's.
bool is_init(const std::string& process_id, const std::string& container_id) {
  return process_id.empty() || process_id == container_id;
}

struct Decoder {
  const Envelope& envelope;
  bool& malformed;

  std::optional<RuntimeEvent> decode() {
    std::string_view topic = envelope.topic();
    if (topic == kContainerCreate) return container_create();
    if (topic == kTaskStart) return task_start();
    if (topic == kTaskExit) return task_exit();
    if (topic == kTaskOom) return task_oom();
    if (topic == kTaskDelete) return task_delete();
    return std::nullopt;
  }

  RuntimeEvent event(RuntimeEvent::Kind kind, const std::string& container_id) const {
    RuntimeEvent event;
    event.kind = kind;
    event.runtime = Runtime::containerd;
    event.container_id = container_id;
    event.containerd_namespace = envelope.namespace_();
    event.time_ns = timestamp_ns(envelope.timestamp());
    event.info.runtime = Runtime::containerd;
    event.info.id = container_id;
    return event;
  }

  std::optional<RuntimeEvent> bad() {
    malformed = true;
    return std::nullopt;
  }

  bool usable(const std::string& container_id) const {
    return !container_id.empty() && !envelope.namespace_().empty();
  }

  std::optional<RuntimeEvent> container_create() {
    events::ContainerCreate payload;
    if (!unpack(envelope.event(), payload) || !usable(payload.id())) return bad();
    auto created = event(RuntimeEvent::Kind::created, payload.id());
    created.info.image = payload.image();
    created.info.created_ns = created.time_ns;
    return created;
  }

  std::optional<RuntimeEvent> task_start() {
    events::TaskStart payload;
    if (!unpack(envelope.event(), payload) || !usable(payload.container_id())) return bad();
    auto started = event(RuntimeEvent::Kind::started, payload.container_id());
    started.info.init_pid = pid_of(payload.pid());
    started.info.started_ns = started.time_ns;
    return started;
  }

  std::optional<RuntimeEvent> task_exit() {
    events::TaskExit payload;
    if (!unpack(envelope.event(), payload) || !usable(payload.container_id())) return bad();
    if (!is_init(payload.id(), payload.container_id())) return std::nullopt;  // an exec
    auto exited = event(RuntimeEvent::Kind::exited, payload.container_id());
    exited.exit_code = exit_code_of(payload.exit_status());
    return exited;
  }

  std::optional<RuntimeEvent> task_oom() {
    events::TaskOOM payload;
    if (!unpack(envelope.event(), payload) || !usable(payload.container_id())) return bad();
    return event(RuntimeEvent::Kind::oom, payload.container_id());
  }

  // The task is gone, and with it the container's cgroup; the container's
  // record (ctr containers rm) is not followed. The exit status comes again:
  // what a stream that broke after the exit would otherwise miss.
  std::optional<RuntimeEvent> task_delete() {
    events::TaskDelete payload;
    if (!unpack(envelope.event(), payload) || !usable(payload.container_id())) return bad();
    if (!is_init(payload.id(), payload.container_id())) return std::nullopt;
    auto destroyed = event(RuntimeEvent::Kind::destroyed, payload.container_id());
    if (payload.pid() != 0) destroyed.exit_code = exit_code_of(payload.exit_status());
    return destroyed;
  }
};

}  // namespace

std::vector<std::string> containerd_event_filters() {
  std::vector<std::string> filters;
  for (auto topic : {kContainerCreate, kTaskStart, kTaskExit, kTaskOom, kTaskDelete})
    filters.push_back("topic==\"" + std::string(topic) + "\"");
  return filters;
}

std::optional<RuntimeEvent> event_from_containerd(const Envelope& envelope, bool* malformed) {
  bool bad = false;
  auto event = Decoder{envelope, bad}.decode();
  if (malformed) *malformed = bad;
  return event;
}

}  // namespace tracker
