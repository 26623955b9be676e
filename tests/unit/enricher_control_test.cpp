// What the enricher does when the control path changes under it (reconfigure,
// enable, disable), when a clock is not what it seems, and when a runtime
// socket tries to mislead it: a rootless socket answering for root's
// containers, an answer about another container, bytes that are not UTF-8.
#include <sys/stat.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <filesystem>
#include <string>
#include <thread>

#include "enricher_fixture.h"
#include "fake_http_server.h"
#include "util/detached_workers.h"

namespace tracker {
namespace {

using namespace std::chrono_literals;

const std::string kUserId = "5d7f30b8a6e94c1f8e2b0d3c4a5b6c7d8e9f0a1b2c3d4e5f6a7b8c9d0e1f2a3b";

std::string podman_inspect(const std::string& id, const std::string& name) {
  return R"({"Id": ")" + id + R"(", "Name": ")" + name +
         R"(", "ImageName": "localhost/forged:latest", "State": {"Pid": 99}})";
}

TEST_F(EnricherTest, RootlessSocketAnswersOnlyForItsOwnUsersContainers) {
  // Any uid but root's: the test's own when it is not root.
  uid_t user = getuid() == 0 ? 1000 : getuid();
  auto run_user = dir_.path() / "run-user";
  auto socket_dir = run_user / std::to_string(user) / "podman";
  std::filesystem::create_directories(socket_dir);
  // It answers for any container asked about, under any name it likes.
  FakeServer liar(
      [](int fd, const std::string& line, const std::atomic<bool>&) {
        auto at = line.find("/containers/");
        if (line.starts_with("GET /_ping"))
          send_all(fd, http_response(200, "OK", "text/plain"));
        else if (at == std::string::npos)
          send_all(fd, http_response(404, "{}"));
        else
          send_all(fd, http_response(200, podman_inspect(line.substr(at + 12, 64), "forged")));
      },
      (socket_dir / "podman.sock").string());
  if (getuid() == 0) {
    ASSERT_EQ(lchown(liar.path().c_str(), user, user), 0);
  }

  EnricherOptions options;
  options.enabled = true;
  options.endpoints.run_user_dir = run_user.string();
  options.endpoints.configured = {{Runtime::podman, liar.path(), true}};
  start_with(options);
  ASSERT_EQ(enricher_->endpoints().size(), 1u);
  EXPECT_EQ(enricher_->endpoints()[0].speaks_for, user);

  mkdir("/libpod_parent/libpod-" + kId, 100);  // root's container
  std::string user_scope = "/user.slice/user-" + std::to_string(user) + ".slice/user@" +
                           std::to_string(user) + ".service/user.slice/libpod-" + kUserId +
                           ".scope";
  mkdir(user_scope, 200);
  auto mine = [&] { return pipeline_->registry().find_by_id(kUserId); };
  ASSERT_TRUE(run_until([&] { return mine()->enrichment == EnrichmentState::done; }));
  EXPECT_EQ(mine()->info.name, "forged") << "a user may name their own containers";

  auto root = record();
  EXPECT_EQ(root->enrichment, EnrichmentState::off) << "no socket speaks for root here";
  EXPECT_TRUE(root->info.name.empty());
  EXPECT_EQ(count_in(liar, "GET /v4.0.0/libpod/containers/" + kId), 0u);
}

TEST_F(EnricherTest, AnswerAboutAnotherContainerIsRefused) {
  start([](int fd, const std::string& line, const std::atomic<bool>& stopping) {
    if (line == kInspect)
      send_all(fd, http_response(200, R"({"Id": ")" + kUserId + R"(", "Name": "/other"})"));
    else if (line.starts_with(kListPrefix))
      send_all(fd, http_response(200, "[]"));
    else
      slow_inspect_docker(fd, line, stopping);
  });
  mkdir();
  ASSERT_TRUE(run_until([&] { return count(kInspect) >= 2; }));
  EXPECT_TRUE(record()->info.name.empty());
  EXPECT_NE(record()->enrichment, EnrichmentState::done);
  auto status = enricher_->endpoints().at(0);
  EXPECT_NE(status.last_error.find("answered about another container"), std::string::npos)
      << status.last_error;
}

TEST_F(EnricherTest, InvalidUtf8FromARuntimeIsReplaced) {
  start([](int fd, const std::string& line, const std::atomic<bool>& stopping) {
    if (line == kInspect)
      send_all(fd, http_response(200, R"({"Id": ")" + kId +
                                          "\", \"Name\": \"/we\xff\xfe"
                                          "b\", \"Config\": "
                                          R"({"Image": "busybox", "Labels": {"k": "v\u0001"}}})"));
    else if (line.starts_with(kListPrefix))
      send_all(fd, http_response(200, "[]"));
    else
      slow_inspect_docker(fd, line, stopping);
  });
  mkdir();
  ASSERT_TRUE(run_until([&] { return record()->enrichment == EnrichmentState::done; }));
  EXPECT_EQ(record()->info.name,
            "we\xEF\xBF\xBD\xEF\xBF\xBD"
            "b");
}

// Turning enrichment off must not wait for a runtime that holds a call: the
// loop thread that does it also reads the ring buffer, serves D-Bus and pings
// the watchdog.
TEST_F(EnricherTest, TurningOffDoesNotWaitForCallsInFlight) {
  std::atomic<bool> held{false}, let_go{false};
  start([&](int fd, const std::string& line, const std::atomic<bool>& stopping) {
    if (line == kInspect || line.starts_with(kListPrefix)) {
      held = true;
      while (!let_go && !stopping) std::this_thread::sleep_for(5ms);
    }
    send_all(fd, http_response(404, "{}"));
  });
  auto options = options_for(server_->path());
  options.endpoints.call_timeout = 60s;
  enricher_->reconfigure(options);
  mkdir();
  ASSERT_TRUE(run_until([&] { return held.load(); }));

  // Only a watchdog ends the held call: if turning off waited for it, the
  // watchdog had to step in.
  std::atomic<bool> watchdog_stepped_in{false};
  std::thread watchdog([&] {
    for (int i = 0; i < 1000 && !let_go; ++i) std::this_thread::sleep_for(10ms);
    if (!let_go.exchange(true)) watchdog_stepped_in = true;
  });
  options.enabled = false;
  auto started = std::chrono::steady_clock::now();
  enricher_->reconfigure(options);
  auto took = std::chrono::steady_clock::now() - started;
  bool stepped_in = watchdog_stepped_in;
  let_go = true;
  watchdog.join();
  EXPECT_FALSE(stepped_in) << "reconfigure waited for the runtime";
  std::printf("reconfigure (off) with a call held: %.3f ms\n",
              std::chrono::duration<double, std::milli>(took).count());
  EXPECT_EQ(record()->enrichment, EnrichmentState::off);
  EXPECT_TRUE(wait_for_detached_workers(5s)) << "the retired workers end once cancelled";
}

// An answer that was in flight while the endpoints were rebuilt belongs to an
// earlier round: it is ignored, and the container is still enriched.
TEST_F(EnricherTest, AnswerFromBeforeAReconfigureDoesNotWedgeTheContainer) {
  std::atomic<bool> reconfigured{false};
  std::atomic<int> inspects{0};
  start([&](int fd, const std::string& line, const std::atomic<bool>& stopping) {
    if (line.starts_with(kListPrefix)) {
      send_all(fd, http_response(200, "[]"));
    } else if (line == kInspect && inspects++ == 0) {
      while (!reconfigured && !stopping) std::this_thread::sleep_for(1ms);
      send_all(fd, http_response(404, R"({"message": "No such container"})"));
    } else {
      slow_inspect_docker(fd, line, stopping);
    }
  });
  mkdir();
  ASSERT_TRUE(run_until([&] { return inspects.load() >= 1; }));
  auto options = options_for(server_->path());
  options.endpoints.call_timeout = 3s;  // a reload that changes the timeout
  enricher_->reconfigure(options);
  reconfigured = true;
  ASSERT_TRUE(run_until([&] { return record()->enrichment == EnrichmentState::done; }, 5s))
      << "enrichment is " << static_cast<int>(record()->enrichment);
  EXPECT_EQ(record()->info.name, "web");
  EXPECT_TRUE(enricher_->settled());
}

TEST_F(EnricherTest, TurningOnLooksUpContainersThatAlreadyRun) {
  server_ = std::make_unique<FakeServer>(slow_inspect_docker);
  auto options = options_for(server_->path());
  options.enabled = false;
  start_with(options);
  mkdir();
  EXPECT_EQ(record()->enrichment, EnrichmentState::off);
  EXPECT_EQ(recorder_.whats(), (std::vector<std::string>{"ready", "container_create"}));

  options.enabled = true;
  enricher_->reconfigure(options);
  ASSERT_TRUE(run_until([&] { return record()->enrichment == EnrichmentState::done; }));
  EXPECT_EQ(record()->info.name, "web");
  EXPECT_EQ(recorder_.whats().back(), "updated") << "listeners hear of what was learnt";
}

// Switched off, the enricher looks for no sockets (and makes no client).
TEST_F(EnricherTest, OffLooksForNoSockets) {
  clock_.frozen = std::chrono::steady_clock::now();
  auto run_user = dir_.path() / "run-user";
  std::filesystem::create_directories(run_user / "1000" / "podman");
  FakeServer podman(slow_inspect_docker, (run_user / "1000" / "podman" / "podman.sock").string());
  EnricherOptions options;
  options.endpoints.run_user_dir = run_user.string();
  start_with(options);
  *clock_.frozen += 1h;  // well past the discovery interval
  run_until([] { return false; }, 300ms);
  EXPECT_TRUE(enricher_->endpoints().empty());

  options.enabled = true;
  options.endpoints.machined = false;
  enricher_->reconfigure(options);
  auto endpoints = enricher_->endpoints();
  EXPECT_TRUE(std::any_of(endpoints.begin(), endpoints.end(), [&](const EndpointStatus& e) {
    return e.socket == podman.path();
  })) << "on, it finds the rootless socket";
}

// Retries are due on the monotonic clock the enricher is given, and on no
// other: real time passing (or a wall clock stepped) does not move them.
TEST_F(EnricherTest, RetriesFollowTheMonotonicClock) {
  clock_.frozen = std::chrono::steady_clock::now();
  start([](int fd, const std::string& line, const std::atomic<bool>& stopping) {
    if (line == kInspect)
      send_all(fd, http_response(404, R"({"message": "No such container"})"));
    else if (line.starts_with(kListPrefix))
      send_all(fd, http_response(200, "[]"));
    else
      slow_inspect_docker(fd, line, stopping);
  });
  mkdir();
  ASSERT_TRUE(run_until([&] { return count(kInspect) >= 1; }));
  run_until([] { return false; }, 600ms);  // the 250 ms backoff, in real time
  EXPECT_EQ(count(kInspect), 1u) << "frozen monotonic time: no retry is due";
  *clock_.frozen += 250ms;
  ASSERT_TRUE(run_until([&] { return count(kInspect) >= 2; }));
}

}  // namespace
}  // namespace tracker
