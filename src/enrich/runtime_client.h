#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <string_view>

#include "enrich/container_info.h"

namespace tracker {

enum class LookupStatus {
  found,
  not_found,    // the runtime answered: no such container
  unavailable,  // socket missing, refused, or the deadline passed
  bad_reply,    // the runtime answered garbage
};

struct LookupResult {
  LookupStatus status = LookupStatus::unavailable;
  ContainerInfo info;
  std::string error;  // human readable, names the socket path
  // Found by a quick lookup that lacks some fields (Docker's list: no
  // started_ns, no init_pid); a full inspect completes it.
  bool partial = false;
};

// One connection target (a runtime socket). Blocking; called from worker
// threads, never from the event loop. Implementations are thread-safe and
// never exceed the deadline they are given.
class RuntimeClient {
 public:
  virtual ~RuntimeClient() = default;
  virtual Runtime runtime() const = 0;
  virtual const std::string& socket_path() const = 0;
  virtual LookupResult inspect(const std::string& container_id,
                               std::chrono::milliseconds deadline) = 0;
  // Like inspect, but may answer sooner with a partial result (Docker's
  // container list, which does not wait for a container being started).
  virtual LookupResult inspect_quick(const std::string& container_id,
                                     std::chrono::milliseconds deadline) {
    return inspect(container_id, deadline);
  }
  // True when the runtime answers at all (used to notice a runtime coming back).
  virtual bool ping(std::chrono::milliseconds deadline) = 0;
  // Ends the calls in flight and every later one at once (as unavailable):
  // the client is being retired. Thread-safe.
  virtual void cancel() {}
};

std::unique_ptr<RuntimeClient> make_docker_client(std::string socket_path);
std::unique_ptr<RuntimeClient> make_podman_client(std::string socket_path);
std::unique_ptr<RuntimeClient> make_containerd_client(std::string socket_path);
// CRI runtime.v1 over gRPC; `runtime` is what results are labelled with (crio or containerd).
std::unique_ptr<RuntimeClient> make_cri_client(std::string socket_path, Runtime runtime);

}  // namespace tracker
