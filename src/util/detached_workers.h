#pragma once

#include <chrono>

namespace tracker {

// Threads that nobody joins (lookup workers, stream followers: the loop never
// waits for them) count themselves here while they run, so that the end of
// the process can wait for them a bounded time.
class DetachedWorker {
 public:
  DetachedWorker();
  ~DetachedWorker();
  DetachedWorker(const DetachedWorker&) = delete;
  DetachedWorker& operator=(const DetachedWorker&) = delete;
};

// Waits up to `timeout` for every DetachedWorker to end; true when none is
// left. For the end of the process, never for the loop.
bool wait_for_detached_workers(std::chrono::milliseconds timeout);

}  // namespace tracker
