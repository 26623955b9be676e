#pragma once

#include <sys/eventfd.h>
#include <unistd.h>

#include <cstdint>
#include <mutex>
#include <utility>
#include <vector>

#include "util/unique_fd.h"

namespace tracker {

// Items handed from worker threads to the event loop's thread: push() from
// any thread, the loop watches fd() and take()s them all. Shared with the
// workers, which may outlive its reader.
template <typename T>
class LoopQueue {
 public:
  LoopQueue() : event_fd_(eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK)) {}
  int fd() const { return event_fd_.get(); }

  void push(T item) {
    {
      std::lock_guard lock(mutex_);
      items_.push_back(std::move(item));
    }
    std::uint64_t one = 1;
    [[maybe_unused]] auto n = write(event_fd_.get(), &one, sizeof(one));
  }

  std::vector<T> take() {
    std::uint64_t count;
    [[maybe_unused]] auto n = read(event_fd_.get(), &count, sizeof(count));
    std::lock_guard lock(mutex_);
    return std::exchange(items_, {});
  }

 private:
  UniqueFd event_fd_;
  std::mutex mutex_;
  std::vector<T> items_;
};

}  // namespace tracker
