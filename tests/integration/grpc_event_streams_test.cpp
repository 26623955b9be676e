// The gRPC runtimes' event streams against the real daemons: containerd's
// Events/Subscribe on the shared containerd (ctr containers in namespace
// tracker-test, and dockerd's in namespace moby), and on a CRI-enabled
// containerd of the test's own (a kubelet-style pod in namespace k8s.io),
// whose CRI GetContainerEvents is asserted for what containerd 1.6 does.
//
// Needs root, the daemons of tests/fixtures/runtimes.sh and the image of
// tests/fixtures/busybox-image.sh. Without them the tests skip, except under
// CI=true where they fail.
#include <gtest/gtest.h>

#include <unistd.h>

#include <chrono>
#include <condition_variable>
#include <functional>
#include <iostream>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "cri_containerd.h"
#include "enrich/runtime_client.h"
#include "enrich/runtime_events.h"
#include "harness.h"

namespace tracker {
namespace {

using namespace std::chrono_literals;
using test_support::CriContainerd;
using test_support::CriPod;
using test_support::kubelet_container_config;
using test_support::kubelet_pod_config;
using test_support::random_uuid;
using testing::Cleanup;
using testing::kContainerdSocket;
using testing::kCtr;
using testing::kDocker;
using testing::kLimits;
using testing::run;
using testing::test_image;
using Kind = RuntimeEvent::Kind;

constexpr auto kWait = 30s;

std::string unique_suffix() {
  return std::to_string(getpid()) + "-" +
         std::to_string(std::chrono::steady_clock::now().time_since_epoch().count() % 1000000);
}

const char* kind_name(Kind kind) {
  switch (kind) {
    case Kind::created:
      return "created";
    case Kind::started:
      return "started";
    case Kind::exited:
      return "exited";
    case Kind::oom:
      return "oom";
    case Kind::destroyed:
      return "destroyed";
    case Kind::health:
      return "health";
  }
  return "?";
}

// One stream followed on a thread of its own, every event kept.
class Followed {
 public:
  explicit Followed(std::unique_ptr<RuntimeEventStream> stream) : stream_(std::move(stream)) {
    thread_ = std::thread([this] {
      auto end = stream_->follow(
          [this](RuntimeEvent event) {
            std::lock_guard lock(mutex_);
            events_.push_back(std::move(event));
            wake_.notify_all();
          },
          cancel_);
      std::lock_guard lock(mutex_);
      end_ = end;
      ended_ = true;
      wake_.notify_all();
    });
  }
  ~Followed() { stop(); }

  // Cancels and waits for follow() to return; how it ended.
  StreamEnd stop() {
    cancel_.cancel();
    if (thread_.joinable()) thread_.join();
    return end_;
  }

  // The events of `id` once `done` holds for them (kWait at most).
  std::vector<RuntimeEvent> wait_for(
      const std::string& id, const std::function<bool(const std::vector<RuntimeEvent>&)>& done) {
    std::unique_lock lock(mutex_);
    std::vector<RuntimeEvent> of_id;
    wake_.wait_for(lock, kWait, [&] {
      of_id = of_locked(id);
      return ended_ || done(of_id);
    });
    return of_id;
  }

  // The events of `id` until one of `kind` is there.
  std::vector<RuntimeEvent> wait_for_kind(const std::string& id, Kind kind) {
    return wait_for(id, [kind](const auto& events) {
      for (const auto& event : events)
        if (event.kind == kind) return true;
      return false;
    });
  }

  bool ended() {
    std::lock_guard lock(mutex_);
    return ended_;
  }
  std::uint64_t skipped() const { return stream_->skipped; }

 private:
  std::vector<RuntimeEvent> of_locked(const std::string& id) const {
    std::vector<RuntimeEvent> of_id;
    for (const auto& event : events_)
      if (event.container_id == id) of_id.push_back(event);
    return of_id;
  }

  std::unique_ptr<RuntimeEventStream> stream_;
  Cancellation cancel_;
  std::mutex mutex_;
  std::condition_variable wake_;
  std::vector<RuntimeEvent> events_;
  StreamEnd end_;
  bool ended_ = false;
  std::thread thread_;
};

std::vector<Kind> kinds(const std::vector<RuntimeEvent>& events) {
  std::vector<Kind> kinds;
  for (const auto& event : events) kinds.push_back(event.kind);
  return kinds;
}

std::string describe(const std::vector<RuntimeEvent>& events) {
  std::string text;
  for (const auto& event : events) {
    text += std::string(kind_name(event.kind)) + "(" + event.containerd_namespace;
    if (event.exit_code) text += ", exit " + std::to_string(*event.exit_code);
    text += ") ";
  }
  return text;
}

const RuntimeEvent* first_of(const std::vector<RuntimeEvent>& events, Kind kind) {
  for (const auto& event : events)
    if (event.kind == kind) return &event;
  return nullptr;
}

// Subscribe has no acknowledgement: containers are made until the stream
// shows one, so that what a test does next is seen.
bool wait_until_subscribed(Followed& followed, const std::string& ctr) {
  for (int attempt = 0; attempt < 20 && !followed.ended(); ++attempt) {
    auto probe = "grpc-streams-probe-" + unique_suffix();
    if (run(ctr + "containers create " + test_image() + " " + probe).status != 0) return false;
    auto seen = followed.wait_for(probe, [](const auto& events) { return !events.empty(); });
    run(ctr + "containers rm " + probe);
    if (!seen.empty()) return true;
  }
  return false;
}

class GrpcEventStreams : public ::testing::Test {
 protected:
  void SetUp() override {
    REQUIRE_PREREQUISITE(geteuid() == 0, "root");
    REQUIRE_PREREQUISITE(make_containerd_client(kContainerdSocket)->ping(2000ms),
                         "containerd at " + kContainerdSocket + " (tests/fixtures/runtimes.sh)");
    REQUIRE_PREREQUISITE(
        run(kCtr + "image check name==" + test_image() + " | grep -q complete").status == 0,
        test_image() + " in containerd namespace tracker-test (tests/fixtures/busybox-image.sh)");
  }
};

// ctr run of a container whose init exits 5, and of one killed by SIGKILL and
// deleted only later; and an exec's exit, which is not the container's.
TEST_F(GrpcEventStreams, ContainerdLifecycle) {
  Followed followed(make_containerd_event_stream(kContainerdSocket));
  ASSERT_TRUE(wait_until_subscribed(followed, kCtr)) << "no event of a probe container";

  auto exits = "grpc-streams-exit5-" + unique_suffix();
  Cleanup cleanup;
  cleanup.add(kCtr + "task rm -f " + exits + "; " + kCtr + "containers rm " + exits);
  auto ran = run(kCtr + "run --rm --null-io " + test_image() + " " + exits + " sh -c 'exit 5'");
  EXPECT_EQ(ran.status, 5) << ran.output;
  auto events = followed.wait_for_kind(exits, Kind::destroyed);
  std::cout << "[ events   ] exit 5: " << describe(events) << "\n";
  ASSERT_EQ(kinds(events),
            (std::vector{Kind::created, Kind::started, Kind::exited, Kind::destroyed}))
      << describe(events);
  for (const auto& event : events) {
    EXPECT_EQ(event.runtime, Runtime::containerd);
    EXPECT_EQ(event.containerd_namespace, "tracker-test");
    EXPECT_EQ(event.info.id, exits);
    EXPECT_GT(event.time_ns, testing::epoch_ns() - std::int64_t{600} * 1'000'000'000);
  }
  EXPECT_EQ(events[0].info.image, test_image());
  EXPECT_GT(events[1].info.init_pid, 0);
  EXPECT_EQ(events[2].exit_code, 5);
  EXPECT_EQ(events[3].exit_code, 5);

  auto killed = "grpc-streams-kill-" + unique_suffix();
  cleanup.add(kCtr + "task rm -f " + killed + "; " + kCtr + "containers rm " + killed);
  ASSERT_EQ(run(kCtr + "run -d --null-io " + test_image() + " " + killed).status, 0);
  ASSERT_FALSE(followed.wait_for_kind(killed, Kind::started).empty());
  // An exec that exits 3: its exit is not the container's.
  run(kCtr + "tasks exec --exec-id probe " + killed + " sh -c 'exit 3'");
  ASSERT_EQ(run(kCtr + "tasks kill -s SIGKILL " + killed).status, 0);
  events = followed.wait_for_kind(killed, Kind::exited);
  auto exited = first_of(events, Kind::exited);
  ASSERT_NE(exited, nullptr) << describe(events);
  EXPECT_EQ(exited->exit_code, 137) << "containerd reports 128 + SIGKILL";
  EXPECT_EQ(first_of(events, Kind::destroyed), nullptr) << "not deleted yet: " << describe(events);
  auto listed = run(kCtr + "tasks ls | awk '$1 == \"" + killed + "\" {print $3}'").output;
  EXPECT_EQ(listed, "STOPPED") << "the task lingers, stopped, until deleted";

  ASSERT_EQ(run(kCtr + "tasks rm " + killed).status, 0);
  events = followed.wait_for_kind(killed, Kind::destroyed);
  std::cout << "[ events   ] killed: " << describe(events) << "\n";
  EXPECT_EQ(kinds(events),
            (std::vector{Kind::created, Kind::started, Kind::exited, Kind::destroyed}))
      << "one exit (the exec's is not followed): " << describe(events);
  auto destroyed = first_of(events, Kind::destroyed);
  ASSERT_NE(destroyed, nullptr);
  EXPECT_EQ(destroyed->exit_code, 137);

  auto end = followed.stop();
  EXPECT_EQ(end.why, StreamEnd::Why::cancelled) << end.error;
  EXPECT_EQ(followed.skipped(), 0u);
}

// dockerd runs on the shared containerd: its containers come in namespace
// moby, with Docker's id and the exit status Docker reports.
TEST_F(GrpcEventStreams, DockerContainersComeInNamespaceMoby) {
  REQUIRE_PREREQUISITE(run(kDocker + "image inspect " + test_image()).status == 0,
                       "dockerd with " + test_image());
  Followed followed(make_containerd_event_stream(kContainerdSocket));
  ASSERT_TRUE(wait_until_subscribed(followed, kCtr)) << "no event of a probe container";
  auto ran = run(kDocker + "run -d --network none --runtime runc" + kLimits + test_image() +
                 " sh -c 'exit 7'");
  ASSERT_EQ(ran.status, 0) << ran.output;
  auto id = ran.output.substr(ran.output.rfind('\n') + 1);
  Cleanup cleanup;
  cleanup.add(kDocker + "rm -f " + id);
  auto events = followed.wait_for_kind(id, Kind::exited);
  std::cout << "[ events   ] docker exit 7: " << describe(events) << "\n";
  auto exited = first_of(events, Kind::exited);
  ASSERT_NE(exited, nullptr) << describe(events);
  EXPECT_EQ(exited->containerd_namespace, "moby");
  EXPECT_EQ(exited->exit_code, 7);
  EXPECT_EQ(run(kDocker + "inspect -f '{{.State.ExitCode}}' " + id).output, "7");
}

// containerd 1.6's CRI plugin answers GetContainerEvents with UNIMPLEMENTED;
// its own API streams the pod's containers, in namespace k8s.io.
TEST_F(GrpcEventStreams, CriContainerd) {
  CriContainerd containerd(test_image());
  std::string problem;
  ASSERT_TRUE(containerd.start(problem)) << problem;
  ASSERT_TRUE(containerd.import_test_image(problem, "k8s.io")) << problem;
  auto version = run("containerd --version").output;

  Cancellation cancel;
  auto cri = make_cri_event_stream(containerd.socket(), Runtime::containerd);
  auto end = cri->follow([](RuntimeEvent) {}, cancel);
  std::cout << "[ cri      ] " << version << ": GetContainerEvents: " << end.error << "\n";
  ASSERT_NE(version.find(" 1.6."), std::string::npos)
      << version << ": newer containerd may stream CRI events; assert what it does";
  EXPECT_EQ(end.why, StreamEnd::Why::unsupported) << end.error;
  EXPECT_NE(end.error.find(containerd.socket()), std::string::npos) << end.error;

  Followed followed(make_containerd_event_stream(containerd.socket()));
  auto ctr = "ctr --address " + containerd.socket() + " -n k8s.io ";
  ASSERT_TRUE(wait_until_subscribed(followed, ctr)) << "no event of a probe container";
  auto uid = random_uuid();
  CriPod pod(containerd.channel(),
             kubelet_pod_config("streams-web-0", "streams-shop", uid, containerd.dir() / "logs"));
  auto status = pod.run();
  ASSERT_TRUE(status.ok()) << "RunPodSandbox: " << status.error_message();
  std::string id;
  status =
      pod.create_container(kubelet_container_config("app", test_image(), true, pod.config()), id);
  ASSERT_TRUE(status.ok()) << "CreateContainer: " << status.error_message();
  ASSERT_TRUE(pod.start_container(id).ok());

  for (const auto& container : {pod.sandbox_id(), id}) {
    auto events = followed.wait_for_kind(container, Kind::started);
    std::cout << "[ events   ] cri " << container << ": " << describe(events) << "\n";
    ASSERT_EQ(kinds(events), (std::vector{Kind::created, Kind::started})) << describe(events);
    EXPECT_EQ(events[0].containerd_namespace, "k8s.io");
    std::cout << "[ events   ] image '" << events[0].info.image << "'\n";
  }
  EXPECT_TRUE(pod.teardown().ok());
  auto events = followed.wait_for_kind(id, Kind::destroyed);
  std::cout << "[ events   ] cri app after teardown: " << describe(events) << "\n";
  auto exited = first_of(events, Kind::exited);
  ASSERT_NE(exited, nullptr) << describe(events);
  // StopContainer: SIGTERM, then SIGKILL once the timeout is over.
  ASSERT_TRUE(exited->exit_code.has_value());
  EXPECT_TRUE(*exited->exit_code == 143 || *exited->exit_code == 137) << *exited->exit_code;
  EXPECT_EQ(followed.stop().why, StreamEnd::Why::cancelled);
}

}  // namespace
}  // namespace tracker
