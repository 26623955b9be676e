#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "enrich/runtime_client.h"
#include "util/loop_queue.h"

namespace tracker {

// An endpoint's identity for its whole life: never reused, unlike an index.
using EndpointId = std::uint64_t;

struct LookupDone {
  EndpointId endpoint = 0;
  std::string container_id;  // empty for a ping
  std::uint64_t round = 0;   // the lookup round it answers (Enricher)
  LookupResult result;
  std::chrono::microseconds took{0};
};

// What a lookup may settle for: quick may answer partially
// (RuntimeClient::inspect_quick), full is the complete inspect.
enum class LookupMode { quick, full };

// Finished lookups, handed from the workers to the loop thread.
using ResultQueue = LoopQueue<LookupDone>;

// The workers of one runtime socket: blocking calls happen here, never on the
// loop, and a socket that hangs only ever occupies its own workers. Destroying
// the pool never waits: it cancels the calls in flight and leaves the workers
// to end by themselves (wait_for_detached_workers() waits for them at exit).
class LookupPool {
 public:
  // Says why the socket is not to be trusted ("" when it is); asked before each ping.
  using PeerCheck = std::function<std::string()>;

  LookupPool(EndpointId endpoint, std::unique_ptr<RuntimeClient> client, std::size_t threads,
             std::size_t queue_limit, std::shared_ptr<ResultQueue> results,
             PeerCheck check_peer = {});
  ~LookupPool();
  LookupPool(const LookupPool&) = delete;
  LookupPool& operator=(const LookupPool&) = delete;

  // False when the queue is full.
  bool inspect(const std::string& container_id, std::uint64_t round,
               std::chrono::milliseconds deadline, LookupMode mode);
  bool ping(std::chrono::milliseconds deadline);

 private:
  struct Shared;
  std::shared_ptr<Shared> shared_;
};

}  // namespace tracker
