#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "enrich/cancellation.h"
#include "enrich/container_info.h"

namespace tracker {

// One event of a runtime's own event stream (Docker /events, libpod events,
// containerd Events.Subscribe, CRI GetContainerEvents), as far as tracker uses
// it: the runtime knows a container's name, image and labels before its cgroup
// exists, and tells how it ended.
struct RuntimeEvent {
  enum class Kind {
    created,    // the runtime made the container (info holds what it knows)
    started,    // its init runs
    exited,     // its init ended (exit_code)
    oom,        // the OOM killer struck inside it
    destroyed,  // the runtime forgot it (removed / deleted)
    health,     // a healthcheck transition (health)
  };
  Kind kind = Kind::created;
  Runtime runtime = Runtime::unknown;
  std::string container_id;
  // containerd's own API: the namespace the id belongs to ("default", "moby"
  // for dockerd's containers, "k8s.io" for CRI's). Empty for other runtimes.
  std::string containerd_namespace;
  std::int64_t time_ns = 0;  // as the runtime stamps it; 0 when it does not
  // created (and whatever else carries attributes): name, image, labels, pod
  // fields from io.kubernetes.* labels, as the inspect parsers fill them. Only
  // fields the event carries are set.
  ContainerInfo info;
  // exited: as the runtimes report it: the exit status, or 128 + the signal
  // when a signal ended the init; nullopt when the event does not say.
  std::optional<int> exit_code;
  std::string health;  // health: "starting", "healthy", "unhealthy"

  bool operator==(const RuntimeEvent&) const = default;
};

// How a follow() ended.
struct StreamEnd {
  enum class Why {
    cancelled,    // Cancellation::cancel()
    unsupported,  // the runtime has no such stream (HTTP 404, gRPC UNIMPLEMENTED): use inspect
    broken,       // the connection failed or closed: re-open with backoff, then re-list
  };
  Why why = Why::broken;
  std::string error;  // for broken / unsupported, names the socket
};

// A runtime's event stream over one socket. follow() blocks on the calling
// (worker) thread: it connects, calls `on_event` for each container event as
// it arrives (on that thread, in the runtime's order), and returns when the
// stream ends or `cancel` is cancelled (within about a second). Events of
// other types (images, networks, volumes) are skipped; malformed events are
// skipped too, and counted in `skipped`.
class RuntimeEventStream {
 public:
  virtual ~RuntimeEventStream() = default;
  virtual Runtime runtime() const = 0;
  virtual const std::string& socket_path() const = 0;
  virtual StreamEnd follow(const std::function<void(RuntimeEvent)>& on_event,
                           Cancellation& cancel) = 0;
  std::uint64_t skipped = 0;
};

std::unique_ptr<RuntimeEventStream> make_docker_event_stream(std::string socket_path);
std::unique_ptr<RuntimeEventStream> make_podman_event_stream(std::string socket_path);
// Every namespace's /containers/create, /tasks/start, /tasks/exit, /tasks/oom, /tasks/delete.
std::unique_ptr<RuntimeEventStream> make_containerd_event_stream(std::string socket_path);
// CRI GetContainerEvents; `runtime` labels the events (crio or containerd).
std::unique_ptr<RuntimeEventStream> make_cri_event_stream(std::string socket_path, Runtime runtime);

}  // namespace tracker
