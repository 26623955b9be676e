#pragma once

#include <chrono>
#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "enrich/runtime_client.h"
#include "util/unique_fd.h"

namespace tracker {

struct LookupDone {
  std::size_t endpoint = 0;
  std::string container_id;  // empty for a ping
  std::uint64_t ticket = 0;
  LookupResult result;
  std::chrono::microseconds took{0};
};

// What a lookup may settle for: quick may answer partially
// (RuntimeClient::inspect_quick), full is the complete inspect.
enum class LookupMode { quick, full };

// Finished lookups, handed from the workers to the loop thread (eventfd).
class ResultQueue {
 public:
  ResultQueue();
  int fd() const { return event_fd_.get(); }
  void push(LookupDone done);
  std::vector<LookupDone> take();

 private:
  UniqueFd event_fd_;
  std::mutex mutex_;
  std::vector<LookupDone> done_;
};

// The workers of one runtime socket: blocking calls happen here, never on the
// loop, and a socket that hangs only ever occupies its own workers.
class LookupPool {
 public:
  LookupPool(std::size_t endpoint, std::unique_ptr<RuntimeClient> client, std::size_t threads,
             std::size_t queue_limit, ResultQueue& results);
  ~LookupPool();
  LookupPool(const LookupPool&) = delete;
  LookupPool& operator=(const LookupPool&) = delete;

  // False when the queue is full.
  bool inspect(const std::string& container_id, std::uint64_t ticket,
               std::chrono::milliseconds deadline, LookupMode mode);
  bool ping(std::chrono::milliseconds deadline);
  const RuntimeClient& client() const { return *client_; }

 private:
  struct Job {
    std::string container_id;
    std::uint64_t ticket = 0;
    std::chrono::milliseconds deadline{0};
    LookupMode mode = LookupMode::full;
  };
  bool submit(Job job);
  void work();

  std::size_t endpoint_;
  std::unique_ptr<RuntimeClient> client_;
  std::size_t queue_limit_;
  ResultQueue& results_;
  std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<Job> jobs_;
  bool stopping_ = false;
  std::vector<std::thread> threads_;
};

}  // namespace tracker
