#pragma once

#include <chrono>
#include <memory>

#include "agent/lookup_pool.h"
#include "enrich/runtime_events.h"
#include "util/loop_queue.h"

namespace tracker {

// What a followed event stream tells the loop thread.
struct StreamNews {
  enum class What {
    opening,  // follow() (re)starts: what happened before may have been missed
    event,
    ended,  // follow() returned (end says why); a broken stream is re-opened
  };
  EndpointId endpoint = 0;
  What what = What::event;
  RuntimeEvent event;
  StreamEnd end;
};
using StreamNewsQueue = LoopQueue<StreamNews>;

struct StreamBackoff {
  std::chrono::milliseconds first{1000};
  std::chrono::milliseconds most{30'000};
};

// Follows one runtime's event stream on a thread of its own, re-opening it
// with backoff when it breaks, until the runtime says it has none or the
// follower is destroyed; destroying it cancels the stream and never waits.
class StreamFollower {
 public:
  StreamFollower(EndpointId endpoint, std::unique_ptr<RuntimeEventStream> stream,
                 std::shared_ptr<StreamNewsQueue> news, StreamBackoff backoff = {});
  ~StreamFollower();
  StreamFollower(const StreamFollower&) = delete;
  StreamFollower& operator=(const StreamFollower&) = delete;

 private:
  struct Shared;
  std::shared_ptr<Shared> shared_;
};

}  // namespace tracker
