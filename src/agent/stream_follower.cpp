#include "agent/stream_follower.h"

#include <condition_variable>
#include <mutex>
#include <thread>

#include "enrich/sanitize.h"
#include "util/detached_workers.h"

namespace tracker {

struct StreamFollower::Shared {
  EndpointId endpoint;
  std::unique_ptr<RuntimeEventStream> stream;
  std::shared_ptr<StreamNewsQueue> news;
  StreamBackoff backoff;
  Cancellation cancel;
  std::mutex mutex;
  std::condition_variable woken;

  void tell(StreamNews item) {
    item.endpoint = endpoint;
    news->push(std::move(item));
  }

  // Sleeps `delay` unless cancelled meanwhile; false when cancelled.
  bool pause(std::chrono::milliseconds delay) {
    auto hook = cancel.on_cancel([this] {
      std::lock_guard lock(mutex);
      woken.notify_all();
    });
    std::unique_lock lock(mutex);
    return !woken.wait_for(lock, delay, [this] { return cancel.cancelled(); });
  }

  static void follow(std::shared_ptr<Shared> self) {
    DetachedWorker counted;
    auto delay = self->backoff.first;
    while (!self->cancel.cancelled()) {
      self->tell({0, StreamNews::What::opening, {}, {}});
      auto opened = std::chrono::steady_clock::now();
      auto end = self->stream->follow(
          [&](RuntimeEvent event) {
            sanitize(event.info);
            event.container_id = sanitize_string(event.container_id, kMaxIdBytes);
            event.containerd_namespace = sanitize_string(event.containerd_namespace, kMaxNameBytes);
            event.health = sanitize_string(event.health, kMaxNameBytes);
            self->tell({0, StreamNews::What::event, std::move(event), {}});
          },
          self->cancel);
      self->tell({0, StreamNews::What::ended, {}, end});
      if (end.why != StreamEnd::Why::broken) break;
      // A stream that stayed up a while broke by accident: try again soon.
      if (std::chrono::steady_clock::now() - opened > self->backoff.most)
        delay = self->backoff.first;
      if (!self->pause(delay)) break;
      delay = std::min(delay * 2, self->backoff.most);
    }
  }
};

StreamFollower::StreamFollower(EndpointId endpoint, std::unique_ptr<RuntimeEventStream> stream,
                               std::shared_ptr<StreamNewsQueue> news, StreamBackoff backoff)
    : shared_(std::make_shared<Shared>()) {
  shared_->endpoint = endpoint;
  shared_->stream = std::move(stream);
  shared_->news = std::move(news);
  shared_->backoff = backoff;
  std::thread(Shared::follow, shared_).detach();
}

StreamFollower::~StreamFollower() {
  shared_->cancel.cancel();
}

}  // namespace tracker
