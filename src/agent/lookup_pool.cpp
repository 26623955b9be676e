#include "agent/lookup_pool.h"

#include <sys/eventfd.h>
#include <unistd.h>

namespace tracker {

ResultQueue::ResultQueue() : event_fd_(eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK)) {}

void ResultQueue::push(LookupDone done) {
  {
    std::lock_guard lock(mutex_);
    done_.push_back(std::move(done));
  }
  std::uint64_t one = 1;
  [[maybe_unused]] auto n = write(event_fd_.get(), &one, sizeof(one));
}

std::vector<LookupDone> ResultQueue::take() {
  std::uint64_t count;
  [[maybe_unused]] auto n = read(event_fd_.get(), &count, sizeof(count));
  std::lock_guard lock(mutex_);
  return std::exchange(done_, {});
}

LookupPool::LookupPool(std::size_t endpoint, std::unique_ptr<RuntimeClient> client,
                       std::size_t threads, std::size_t queue_limit, ResultQueue& results)
    : endpoint_(endpoint),
      client_(std::move(client)),
      queue_limit_(queue_limit),
      results_(results) {
  for (std::size_t i = 0; i < threads; ++i) threads_.emplace_back([this] { work(); });
}

LookupPool::~LookupPool() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
    jobs_.clear();
  }
  wake_.notify_all();
  for (auto& thread : threads_) thread.join();
}

bool LookupPool::inspect(const std::string& container_id, std::uint64_t ticket,
                         std::chrono::milliseconds deadline, LookupMode mode) {
  return submit({container_id, ticket, deadline, mode});
}

bool LookupPool::ping(std::chrono::milliseconds deadline) {
  return submit({"", 0, deadline, LookupMode::full});
}

bool LookupPool::submit(Job job) {
  {
    std::lock_guard lock(mutex_);
    if (jobs_.size() >= queue_limit_) return false;
    jobs_.push_back(std::move(job));
  }
  wake_.notify_one();
  return true;
}

void LookupPool::work() {
  while (true) {
    Job job;
    {
      std::unique_lock lock(mutex_);
      wake_.wait(lock, [this] { return stopping_ || !jobs_.empty(); });
      if (stopping_) return;
      job = std::move(jobs_.front());
      jobs_.pop_front();
    }
    auto start = std::chrono::steady_clock::now();
    LookupDone done;
    done.endpoint = endpoint_;
    done.container_id = job.container_id;
    done.ticket = job.ticket;
    if (job.container_id.empty()) {
      done.result.status =
          client_->ping(job.deadline) ? LookupStatus::found : LookupStatus::unavailable;
    } else if (job.mode == LookupMode::quick) {
      done.result = client_->inspect_quick(job.container_id, job.deadline);
    } else {
      done.result = client_->inspect(job.container_id, job.deadline);
    }
    done.took = std::chrono::duration_cast<std::chrono::microseconds>(
        std::chrono::steady_clock::now() - start);
    results_.push(std::move(done));
  }
}

}  // namespace tracker
