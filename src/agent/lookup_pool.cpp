#include "agent/lookup_pool.h"

#include <condition_variable>
#include <deque>
#include <thread>

#include "enrich/sanitize.h"
#include "util/detached_workers.h"
#include "util/text.h"

namespace tracker {
struct LookupPool::Shared {
  struct Job {
    std::string container_id;
    std::uint64_t round = 0;
    std::chrono::milliseconds deadline{0};
    LookupMode mode = LookupMode::full;
  };

  EndpointId endpoint;
  std::unique_ptr<RuntimeClient> client;
  std::size_t queue_limit;
  std::shared_ptr<ResultQueue> results;
  PeerCheck check_peer;
  std::mutex mutex;
  std::condition_variable wake;
  std::deque<Job> jobs;
  bool retired = false;

  bool submit(Job job) {
    {
      std::lock_guard lock(mutex);
      if (retired || jobs.size() >= queue_limit) return false;
      jobs.push_back(std::move(job));
    }
    wake.notify_one();
    return true;
  }

  LookupDone run(const Job& job) {
    auto start = std::chrono::steady_clock::now();
    LookupDone done;
    done.endpoint = endpoint;
    done.container_id = job.container_id;
    done.round = job.round;
    if (job.container_id.empty()) {
      done.result.error = check_peer ? check_peer() : std::string();
      done.result.status = done.result.error.empty() && client->ping(job.deadline)
                               ? LookupStatus::found
                               : LookupStatus::unavailable;
    } else {
      done.result = job.mode == LookupMode::quick
                        ? client->inspect_quick(job.container_id, job.deadline)
                        : client->inspect(job.container_id, job.deadline);
      vet(job.container_id, done.result);
    }
    done.took = std::chrono::duration_cast<std::chrono::microseconds>(
        std::chrono::steady_clock::now() - start);
    return done;
  }

  // What a runtime says enters here: about the container asked for only, as
  // valid UTF-8 of bounded size.
  void vet(const std::string& container_id, LookupResult& result) const {
    if (result.status != LookupStatus::found) return;
    if (!result.info.id.empty() && result.info.id != container_id) {
      result.status = LookupStatus::bad_reply;
      result.error = client->socket_path() + ": answered about another container (" +
                     escape_for_display(bounded_utf8(result.info.id, 80)) + ")";
      result.info = {};
      return;
    }
    sanitize(result.info);
  }

  static void work(std::shared_ptr<Shared> self) {
    DetachedWorker counted;
    while (true) {
      Job job;
      {
        std::unique_lock lock(self->mutex);
        self->wake.wait(lock, [&] { return self->retired || !self->jobs.empty(); });
        if (self->retired) break;
        job = std::move(self->jobs.front());
        self->jobs.pop_front();
      }
      auto done = self->run(job);
      self->results->push(std::move(done));  // a retired pool's are ignored by their round
    }
    self.reset();  // the client goes with the last worker
  }
};

LookupPool::LookupPool(EndpointId endpoint, std::unique_ptr<RuntimeClient> client,
                       std::size_t threads, std::size_t queue_limit,
                       std::shared_ptr<ResultQueue> results, PeerCheck check_peer)
    : shared_(std::make_shared<Shared>()) {
  shared_->check_peer = std::move(check_peer);
  shared_->endpoint = endpoint;
  shared_->client = std::move(client);
  shared_->queue_limit = queue_limit;
  shared_->results = std::move(results);
  for (std::size_t i = 0; i < threads; ++i) std::thread(Shared::work, shared_).detach();
}

LookupPool::~LookupPool() {
  {
    std::lock_guard lock(shared_->mutex);
    shared_->retired = true;
    shared_->jobs.clear();
  }
  shared_->client->cancel();
  shared_->wake.notify_all();
}

bool LookupPool::inspect(const std::string& container_id, std::uint64_t round,
                         std::chrono::milliseconds deadline, LookupMode mode) {
  return shared_->submit({container_id, round, deadline, mode});
}

bool LookupPool::ping(std::chrono::milliseconds deadline) {
  return shared_->submit({"", 0, deadline, LookupMode::full});
}

}  // namespace tracker
