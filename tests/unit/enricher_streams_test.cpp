// The enricher and the runtimes' event streams: a create event answers before
// any inspect, a stream that breaks is re-opened and followed by a re-list,
// and a stream speaks only for the containers its socket may answer for.
#include <gtest/gtest.h>

#include <algorithm>
#include <condition_variable>
#include <deque>
#include <mutex>

#include "enricher_fixture.h"
#include "fake_http_server.h"

namespace tracker {
namespace {

using namespace std::chrono_literals;

// A stream the test feeds: follow() hands out what was pushed, and ends when
// told to break, or when cancelled.
class FakeStream : public RuntimeEventStream {
 public:
  struct Feed {
    std::mutex mutex;
    std::condition_variable changed;
    std::deque<RuntimeEvent> events;
    int breaks = 0;  // follow() calls to end as broken
    int opened = 0;
  };
  FakeStream(std::shared_ptr<Feed> feed, std::string socket)
      : feed_(std::move(feed)), socket_(std::move(socket)) {}
  Runtime runtime() const override { return Runtime::docker; }
  const std::string& socket_path() const override { return socket_; }
  StreamEnd follow(const std::function<void(RuntimeEvent)>& on_event,
                   Cancellation& cancel) override {
    auto hook = cancel.on_cancel([this] { feed_->changed.notify_all(); });
    std::unique_lock lock(feed_->mutex);
    ++feed_->opened;
    feed_->changed.notify_all();
    while (true) {
      feed_->changed.wait_for(lock, 20ms);
      if (cancel.cancelled()) return {StreamEnd::Why::cancelled, ""};
      if (feed_->breaks > 0) {
        --feed_->breaks;
        return {StreamEnd::Why::broken, socket_ + ": closed"};
      }
      while (!feed_->events.empty()) {
        auto event = std::move(feed_->events.front());
        feed_->events.pop_front();
        lock.unlock();
        on_event(std::move(event));
        lock.lock();
      }
    }
  }

 private:
  std::shared_ptr<Feed> feed_;
  std::string socket_;
};

class EnricherStreamTest : public EnricherTest {
 protected:
  void start_streaming(FakeServer::Handler handler) {
    server_ = std::make_unique<FakeServer>(std::move(handler));
    auto options = options_for(server_->path());
    options.endpoints.make_stream = [feed = feed_](const EndpointConfig& config) {
      return std::make_unique<FakeStream>(feed, config.socket);
    };
    options.endpoints.stream_backoff = {10ms, 40ms};
    start_with(options);
    ASSERT_TRUE(run_until([&] { return opened() >= 1; }));
  }
  void push(RuntimeEvent event) {
    std::lock_guard lock(feed_->mutex);
    feed_->events.push_back(std::move(event));
    feed_->changed.notify_all();
  }
  int opened() {
    std::lock_guard lock(feed_->mutex);
    return feed_->opened;
  }
  void break_stream() {
    std::lock_guard lock(feed_->mutex);
    ++feed_->breaks;
    feed_->changed.notify_all();
  }
  static RuntimeEvent created(const std::string& id, const std::string& name) {
    RuntimeEvent event;
    event.kind = RuntimeEvent::Kind::created;
    event.runtime = Runtime::docker;
    event.container_id = id;
    event.info.name = name;
    event.info.image = "busybox:latest";
    return event;
  }
  std::shared_ptr<FakeStream::Feed> feed_ = std::make_shared<FakeStream::Feed>();
};

// dockerd, busy starting the container, answers neither its list nor its inspect.
void busy_docker(int fd, const std::string& line, const std::atomic<bool>& stopping) {
  if (line.starts_with("GET /_ping")) {
    send_all(fd, http_response(200, "OK", "text/plain"));
    return;
  }
  while (!stopping) std::this_thread::sleep_for(5ms);
}

TEST_F(EnricherStreamTest, ACreateEventNamesTheContainerBeforeAnyInspect) {
  start_streaming(busy_docker);
  push(created(kId, "web"));
  run_until([] { return false; }, 100ms);  // the event reaches the loop
  mkdir();
  // Its create line and ContainerAdded go out at once, named.
  EXPECT_EQ(recorder_.whats(), (std::vector<std::string>{"ready", "container_create"}));
  ASSERT_EQ(recorder_.seen.size(), 2u);
  EXPECT_EQ(recorder_.seen[1].info.name, "web");
  EXPECT_EQ(record()->enrichment, EnrichmentState::partial);
  EXPECT_TRUE(enricher_->settled());
  EXPECT_EQ(enricher_->endpoints().at(0).stream, "up");
}

TEST_F(EnricherStreamTest, ABrokenStreamIsReopenedAndFollowedByARelist) {
  std::atomic<int> inspects{0};
  start_streaming([&](int fd, const std::string& line, const std::atomic<bool>& stopping) {
    if (line == kInspect) {
      ++inspects;
      send_all(fd, http_response(404, R"({"message": "No such container"})"));
    } else if (line.starts_with(kListPrefix)) {
      send_all(fd, http_response(200, "[]"));
    } else {
      slow_inspect_docker(fd, line, stopping);
    }
  });
  mkdir();
  // Not found, again and again: the lookups back off.
  ASSERT_TRUE(run_until([&] { return record()->enrichment == EnrichmentState::retrying; }));
  auto before = inspects.load();
  break_stream();
  ASSERT_TRUE(run_until([&] { return opened() >= 2; }));
  EXPECT_TRUE(run_until([&] { return inspects.load() > before; }, 1s))
      << "the re-opened stream is followed by asking again";
  EXPECT_EQ(enricher_->endpoints().at(0).stream, "up");
  EXPECT_GE(enricher_->endpoints().at(0).stream_reconnects, 1u);
}

TEST_F(EnricherStreamTest, AnExitEventEndsTheContainer) {
  start_streaming(slow_inspect_docker);
  mkdir();
  ASSERT_TRUE(run_until([&] { return record()->enrichment == EnrichmentState::done; }));
  RuntimeEvent exited;
  exited.kind = RuntimeEvent::Kind::exited;
  exited.runtime = Runtime::docker;
  exited.container_id = kId;
  exited.exit_code = 137;
  push(exited);
  ASSERT_TRUE(run_until([&] { return record()->exited; }));
  EXPECT_EQ(record()->exit.code, 137);
  EXPECT_EQ(record()->exit.signal, 9);
  auto whats = recorder_.whats();
  ASSERT_GE(whats.size(), 2u);
  EXPECT_EQ(std::vector<std::string>(whats.end() - 2, whats.end()),
            (std::vector<std::string>{"exited", "container_exit"}));
}

// Healthcheck transitions: a change and one "health" notice each; a repeated
// status is no transition.
TEST_F(EnricherStreamTest, HealthTransitionsAreToldOnceEach) {
  start_streaming(slow_inspect_docker);
  mkdir();
  ASSERT_TRUE(run_until([&] { return record()->enrichment == EnrichmentState::done; }));
  auto health = [&](const std::string& status) {
    RuntimeEvent event;
    event.kind = RuntimeEvent::Kind::health;
    event.runtime = Runtime::docker;
    event.container_id = kId;
    event.health = status;
    push(event);
  };
  auto notices = [&] {
    auto whats = recorder_.whats();
    return std::count(whats.begin(), whats.end(), "health");
  };
  health("starting");
  ASSERT_TRUE(run_until([&] { return record()->info.health == "starting"; }));
  health("starting");
  health("unhealthy");
  ASSERT_TRUE(run_until([&] { return record()->info.health == "unhealthy"; }));
  EXPECT_EQ(notices(), 2);
  auto whats = recorder_.whats();
  EXPECT_EQ(whats.back(), "health");
  EXPECT_EQ(whats[whats.size() - 2], "updated");
}

// A rootless socket's stream says nothing about root's containers.
TEST_F(EnricherStreamTest, AStreamSpeaksOnlyForItsOwnersContainers) {
  uid_t user = getuid() == 0 ? 1000 : getuid();
  auto run_user = dir_.path() / "run-user";
  auto socket_dir = run_user / std::to_string(user) / "podman";
  std::filesystem::create_directories(socket_dir);
  FakeServer rootless(busy_docker, (socket_dir / "podman.sock").string());
  if (getuid() == 0) {
    ASSERT_EQ(lchown(rootless.path().c_str(), user, user), 0);
  }
  EnricherOptions options;
  options.enabled = true;
  options.endpoints.run_user_dir = run_user.string();
  options.endpoints.configured = {{Runtime::docker, rootless.path(), true}};
  options.endpoints.make_stream = [feed = feed_](const EndpointConfig& config) {
    return std::make_unique<FakeStream>(feed, config.socket);
  };
  start_with(options);
  ASSERT_TRUE(run_until([&] { return opened() >= 1; }));
  push(created(kId, "forged"));
  run_until([] { return false; }, 100ms);
  mkdir();  // root's /docker/<id>
  EXPECT_TRUE(record()->info.name.empty()) << "root's container named by a user's socket";
  RuntimeEvent exited;
  exited.kind = RuntimeEvent::Kind::exited;
  exited.container_id = kId;
  exited.exit_code = 1;
  push(exited);
  run_until([] { return false; }, 100ms);
  EXPECT_FALSE(record()->exited);
}

}  // namespace
}  // namespace tracker
