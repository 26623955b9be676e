#include "util/detached_workers.h"

#include <condition_variable>
#include <cstddef>
#include <mutex>

namespace tracker {
namespace {

struct Count {
  std::mutex mutex;
  std::condition_variable changed;
  std::size_t alive = 0;
};

Count& count() {
  static auto* workers = new Count;  // never destroyed: workers may outlive main
  return *workers;
}

}  // namespace

DetachedWorker::DetachedWorker() {
  std::lock_guard lock(count().mutex);
  ++count().alive;
}

DetachedWorker::~DetachedWorker() {
  std::lock_guard lock(count().mutex);
  --count().alive;
  count().changed.notify_all();
}

bool wait_for_detached_workers(std::chrono::milliseconds timeout) {
  std::unique_lock lock(count().mutex);
  return count().changed.wait_for(lock, timeout, [] { return count().alive == 0; });
}

}  // namespace tracker
