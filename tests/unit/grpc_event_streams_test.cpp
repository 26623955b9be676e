// The gRPC runtimes' event streams: the decoders on hand-made replies (the
// forms containerd 1.6 and cri-api 0.26+ send), and follow() against small
// gRPC servers on unix sockets: events in order, garbage counted, cancel
// ending a blocking read, a missing, mute or vanishing runtime ending the
// stream as broken, and a runtime without the call as unsupported.
#include <grpcpp/server.h>
#include <grpcpp/server_builder.h>
#include <grpcpp/server_context.h>
#include <gtest/gtest.h>

#include <chrono>
#include <condition_variable>
#include <fstream>
#include <future>
#include <mutex>
#include <sstream>
#include <string>
#include <thread>
#include <tuple>
#include <vector>

#include "enrich/containerd_events.h"
#include "enrich/containerd_events.pb.h"
#include "enrich/containerd_events_service.grpc.pb.h"
#include "enrich/cri_events.h"
#include "enrich/cri_runtime_v1.grpc.pb.h"
#include "enrich/runtime_events.h"
#include "fake_http_server.h"

namespace tracker {
namespace {

using namespace std::chrono_literals;
using test_support::FakeServer;
using test_support::never_answer;
using test_support::reply_with;
using test_support::TempDir;
namespace cri = runtime::v1;
namespace events = containerd::services::events::v1;
using Kind = RuntimeEvent::Kind;

constexpr std::int64_t kSeconds = 1'764'252'087;
constexpr std::int64_t kTimeNs = kSeconds * 1'000'000'000 + 117'141'106;

template <typename Payload>
events::Envelope envelope(const std::string& topic, const Payload& payload,
                          const std::string& ns = "tracker-test") {
  events::Envelope envelope;
  envelope.mutable_timestamp()->set_seconds(kSeconds);
  envelope.mutable_timestamp()->set_nanos(117'141'106);
  envelope.set_namespace_(ns);
  envelope.set_topic(topic);
  // containerd's form: the full name, no "type.googleapis.com/".
  envelope.mutable_event()->set_type_url(Payload::descriptor()->full_name());
  envelope.mutable_event()->set_value(payload.SerializeAsString());
  return envelope;
}

containerd::events::TaskExit task_exit(const std::string& container, const std::string& process,
                                       std::uint32_t status) {
  containerd::events::TaskExit exit;
  exit.set_container_id(container);
  exit.set_id(process);
  exit.set_pid(4242);
  exit.set_exit_status(status);
  exit.mutable_exited_at()->set_seconds(kSeconds);
  return exit;
}

RuntimeEvent containerd_event(Kind kind, const std::string& id,
                              const std::string& ns = "tracker-test") {
  RuntimeEvent event;
  event.kind = kind;
  event.runtime = Runtime::containerd;
  event.container_id = id;
  event.containerd_namespace = ns;
  event.time_ns = kTimeNs;
  event.info.runtime = Runtime::containerd;
  event.info.id = id;
  return event;
}

TEST(ContainerdEvents, FiltersNameEveryTopicAndNoNamespace) {
  EXPECT_EQ(containerd_event_filters(),
            (std::vector<std::string>{R"(topic=="/containers/create")", R"(topic=="/tasks/start")",
                                      R"(topic=="/tasks/exit")", R"(topic=="/tasks/oom")",
                                      R"(topic=="/tasks/delete")"}));
}

TEST(ContainerdEvents, CreateGivesIdImageNamespaceAndTime) {
  containerd::events::ContainerCreate create;
  create.set_id("web");
  create.set_image("localhost/tracker-test/busybox:latest");
  create.mutable_runtime()->set_name("io.containerd.runc.v2");
  auto expected = containerd_event(Kind::created, "web");
  expected.info.image = "localhost/tracker-test/busybox:latest";
  expected.info.created_ns = kTimeNs;
  EXPECT_EQ(event_from_containerd(envelope("/containers/create", create)), expected);
}

TEST(ContainerdEvents, StartGivesInitPid) {
  containerd::events::TaskStart start;
  start.set_container_id("web");
  start.set_pid(4242);
  auto expected = containerd_event(Kind::started, "web", "moby");
  expected.info.init_pid = 4242;
  expected.info.started_ns = kTimeNs;
  EXPECT_EQ(event_from_containerd(envelope("/tasks/start", start, "moby")), expected);
}

TEST(ContainerdEvents, InitExitGivesStatusAsReported) {
  for (std::uint32_t status : {0u, 5u, 137u, 255u}) {
    auto expected = containerd_event(Kind::exited, "web");
    expected.exit_code = static_cast<int>(status);
    bool malformed = true;
    EXPECT_EQ(
        event_from_containerd(envelope("/tasks/exit", task_exit("web", "web", status)), &malformed),
        expected);
    EXPECT_FALSE(malformed);
  }
}

TEST(ContainerdEvents, ExecExitIsNotFollowedAndNotGarbage) {
  bool malformed = true;
  EXPECT_EQ(
      event_from_containerd(envelope("/tasks/exit", task_exit("web", "probe", 1)), &malformed),
      std::nullopt);
  EXPECT_FALSE(malformed);
}

TEST(ContainerdEvents, OomAndDelete) {
  containerd::events::TaskOOM oom;
  oom.set_container_id("web");
  EXPECT_EQ(event_from_containerd(envelope("/tasks/oom", oom)), containerd_event(Kind::oom, "web"));

  containerd::events::TaskDelete del;
  del.set_container_id("web");
  del.set_pid(4242);
  del.set_exit_status(137);
  auto expected = containerd_event(Kind::destroyed, "web");
  expected.exit_code = 137;
  EXPECT_EQ(event_from_containerd(envelope("/tasks/delete", del)), expected);

  del.set_id("probe");  // an exec's
  bool malformed = true;
  EXPECT_EQ(event_from_containerd(envelope("/tasks/delete", del), &malformed), std::nullopt);
  EXPECT_FALSE(malformed);
}

TEST(ContainerdEvents, TypeUrlWithPrefixIsAccepted) {
  containerd::events::TaskOOM oom;
  oom.set_container_id("web");
  auto with_prefix = envelope("/tasks/oom", oom);
  with_prefix.mutable_event()->set_type_url("type.googleapis.com/containerd.events.TaskOOM");
  EXPECT_EQ(event_from_containerd(with_prefix), containerd_event(Kind::oom, "web"));
}

TEST(ContainerdEvents, OtherTopicsAreNotFollowed) {
  containerd::events::TaskOOM oom;
  oom.set_container_id("web");
  bool malformed = true;
  EXPECT_EQ(event_from_containerd(envelope("/images/create", oom), &malformed), std::nullopt);
  EXPECT_FALSE(malformed);
}

TEST(ContainerdEvents, GarbageIsMalformed) {
  containerd::events::TaskStart start;
  start.set_container_id("web");
  std::vector<events::Envelope> garbage;
  garbage.push_back(envelope("/tasks/exit", start));  // a payload of another type
  auto unparsable = envelope("/tasks/start", start);
  unparsable.mutable_event()->set_value("\xff\xff\xff");
  garbage.push_back(unparsable);
  garbage.push_back(envelope("/tasks/start", containerd::events::TaskStart()));  // no id
  garbage.push_back(envelope("/tasks/start", start, ""));                        // no namespace
  auto no_payload = envelope("/tasks/start", start);
  no_payload.clear_event();
  garbage.push_back(no_payload);
  for (const auto& bad : garbage) {
    bool malformed = false;
    EXPECT_EQ(event_from_containerd(bad, &malformed), std::nullopt) << bad.DebugString();
    EXPECT_TRUE(malformed) << bad.DebugString();
  }
}

events::Envelope seed(const std::string& name) {
  std::ifstream file(std::string(FUZZ_CORPUS_DIR) + "/containerd_events/" + name, std::ios::binary);
  std::stringstream bytes;
  bytes << file.rdbuf();
  events::Envelope envelope;
  EXPECT_TRUE(envelope.ParseFromString(bytes.str())) << name;
  return envelope;
}

// Envelopes this machine's containerd 1.6 sent (the fuzz seeds): `ctr run
// --rm` of seed-exit5 (sh -c 'exit 5'), and seed-kill killed by SIGKILL after
// an exec of its exited 3, then deleted.
TEST(ContainerdEvents, RealEnvelopesOfContainerd16) {
  auto create = event_from_containerd(seed("create_exit5.bin"));
  ASSERT_TRUE(create);
  EXPECT_EQ(create->kind, Kind::created);
  EXPECT_EQ(create->container_id, "seed-exit5");
  EXPECT_EQ(create->containerd_namespace, "tracker-test");
  EXPECT_EQ(create->info.image, "localhost/tracker-test/busybox:latest");
  EXPECT_GT(create->time_ns, 0);
  auto start = event_from_containerd(seed("start_killed.bin"));
  ASSERT_TRUE(start);
  EXPECT_EQ(start->kind, Kind::started);
  EXPECT_GT(start->info.init_pid, 0);
  for (auto [name, kind, code] :
       {std::tuple{"exit_5.bin", Kind::exited, 5}, std::tuple{"delete_5.bin", Kind::destroyed, 5},
        std::tuple{"exit_sigkill_137.bin", Kind::exited, 137},
        std::tuple{"delete_137.bin", Kind::destroyed, 137}}) {
    auto event = event_from_containerd(seed(name));
    ASSERT_TRUE(event) << name;
    EXPECT_EQ(event->kind, kind) << name;
    EXPECT_EQ(event->exit_code, code) << name;
  }
  bool malformed = true;
  EXPECT_EQ(event_from_containerd(seed("exit_exec_3.bin"), &malformed), std::nullopt);
  EXPECT_FALSE(malformed);
}

// What containerd 1.7's CRI plugin sends: the sandbox's status and every
// container of the pod's.
cri::ContainerEventResponse cri_event(cri::ContainerEventType type, const std::string& id) {
  cri::ContainerEventResponse response;
  response.set_container_id(id);
  response.set_container_event_type(type);
  response.set_created_at(kTimeNs);
  auto* sandbox = response.mutable_pod_sandbox_status();
  sandbox->set_id("sandbox1");
  sandbox->mutable_metadata()->set_name("web-0");
  sandbox->mutable_metadata()->set_namespace_("shop");
  sandbox->mutable_metadata()->set_uid("8d3a");
  (*sandbox->mutable_labels())["io.kubernetes.pod.name"] = "web-0";
  (*sandbox->mutable_labels())["io.kubernetes.pod.namespace"] = "shop";
  (*sandbox->mutable_labels())["io.kubernetes.pod.uid"] = "8d3a";
  auto* app = response.add_containers_statuses();
  app->set_id("app1");
  app->mutable_metadata()->set_name("app");
  app->set_state(cri::CONTAINER_EXITED);
  app->set_exit_code(137);
  app->set_created_at(kTimeNs - 2);
  app->set_started_at(kTimeNs - 1);
  app->mutable_image()->set_image("localhost/tracker-test/busybox:latest");
  (*app->mutable_labels())["io.kubernetes.container.name"] = "app";
  (*app->mutable_labels())["io.kubernetes.pod.name"] = "web-0";
  (*app->mutable_labels())["io.kubernetes.pod.namespace"] = "shop";
  (*app->mutable_labels())["io.kubernetes.pod.uid"] = "8d3a";
  auto* bare = response.add_containers_statuses();
  bare->set_id("bare1");
  bare->mutable_metadata()->set_name("bare");
  bare->set_state(cri::CONTAINER_RUNNING);
  return response;
}

TEST(CriEvents, TypesMapToKinds) {
  for (auto [type, kind] : {std::pair{cri::CONTAINER_CREATED_EVENT, Kind::created},
                            std::pair{cri::CONTAINER_STARTED_EVENT, Kind::started},
                            std::pair{cri::CONTAINER_STOPPED_EVENT, Kind::exited},
                            std::pair{cri::CONTAINER_DELETED_EVENT, Kind::destroyed}}) {
    auto event = event_from_cri(cri_event(type, "app1"), Runtime::crio);
    ASSERT_TRUE(event);
    EXPECT_EQ(event->kind, kind);
    EXPECT_EQ(event->runtime, Runtime::crio);
    EXPECT_EQ(event->container_id, "app1");
    EXPECT_EQ(event->time_ns, kTimeNs);
    EXPECT_EQ(event->containerd_namespace, "");
  }
}

TEST(CriEvents, ContainerFactsComeFromItsStatus) {
  auto event = event_from_cri(cri_event(cri::CONTAINER_CREATED_EVENT, "app1"), Runtime::containerd);
  ASSERT_TRUE(event);
  const auto& info = event->info;
  EXPECT_EQ(info.runtime, Runtime::containerd);
  EXPECT_EQ(info.id, "app1");
  EXPECT_EQ(info.name, "app");
  EXPECT_EQ(info.image, "localhost/tracker-test/busybox:latest");
  EXPECT_EQ(info.created_ns, kTimeNs - 2);
  EXPECT_EQ(info.started_ns, kTimeNs - 1);
  EXPECT_EQ(info.pod, (PodInfo{"web-0", "shop", "8d3a", false}));
  EXPECT_EQ(event->exit_code, std::nullopt) << "created says nothing of an exit";
}

TEST(CriEvents, ContainerWithoutKubeletLabelsGetsThePodOfItsSandbox) {
  auto event =
      event_from_cri(cri_event(cri::CONTAINER_STARTED_EVENT, "bare1"), Runtime::containerd);
  ASSERT_TRUE(event);
  EXPECT_EQ(event->info.name, "bare");
  EXPECT_EQ(event->info.pod, (PodInfo{"web-0", "shop", "8d3a", false}));
}

TEST(CriEvents, StoppedGivesTheExitCodeOfAnExitedStatus) {
  auto stopped = event_from_cri(cri_event(cri::CONTAINER_STOPPED_EVENT, "app1"), Runtime::crio);
  ASSERT_TRUE(stopped);
  EXPECT_EQ(stopped->exit_code, 137);
  // Still running by its status, or no status at all: the code is unknown.
  for (const char* id : {"bare1", "gone1"}) {
    auto unknown = event_from_cri(cri_event(cri::CONTAINER_STOPPED_EVENT, id), Runtime::crio);
    ASSERT_TRUE(unknown);
    EXPECT_EQ(unknown->exit_code, std::nullopt) << id;
    EXPECT_EQ(unknown->info.id, id);
  }
}

TEST(CriEvents, SandboxEventIsTheSandbox) {
  auto event = event_from_cri(cri_event(cri::CONTAINER_CREATED_EVENT, "sandbox1"), Runtime::crio);
  ASSERT_TRUE(event);
  EXPECT_EQ(event->info.id, "sandbox1");
  EXPECT_EQ(event->info.name, "web-0");
  EXPECT_EQ(event->info.pod, (PodInfo{"web-0", "shop", "8d3a", true}));
}

TEST(CriEvents, NonsenseIsRefused) {
  EXPECT_EQ(event_from_cri(cri_event(cri::CONTAINER_CREATED_EVENT, ""), Runtime::crio),
            std::nullopt);
  auto unknown_type = cri_event(cri::CONTAINER_CREATED_EVENT, "app1");
  unknown_type.set_container_event_type(static_cast<cri::ContainerEventType>(9));
  EXPECT_EQ(event_from_cri(unknown_type, Runtime::crio), std::nullopt);
  auto negative_time = cri_event(cri::CONTAINER_CREATED_EVENT, "app1");
  negative_time.set_created_at(-5);
  EXPECT_EQ(event_from_cri(negative_time, Runtime::crio)->time_ns, 0);
}

// A gRPC server on a unix socket of its own; stopped (cancelling what runs)
// by stop() or when it goes.
class GrpcServer {
 public:
  explicit GrpcServer(grpc::Service& service) : path_(dir_.file("grpc.sock")) {
    grpc::ServerBuilder builder;
    builder.AddListeningPort("unix:" + path_, grpc::InsecureServerCredentials());
    builder.RegisterService(&service);
    server_ = builder.BuildAndStart();
  }
  ~GrpcServer() { stop(); }
  void stop() {
    if (server_) server_->Shutdown(std::chrono::system_clock::now());
    server_.reset();
  }
  bool running() const { return server_ != nullptr; }
  const std::string& path() const { return path_; }

 private:
  TempDir dir_{"grpc-events-"};
  std::string path_;
  std::unique_ptr<grpc::Server> server_;
};

// Sends what it is given, then holds the stream open until the client goes
// or the server stops; records each request.
template <typename Message>
class Feed {
 public:
  void push(const Message& message) {
    std::lock_guard lock(mutex_);
    queue_.push_back(message);
    wake_.notify_all();
  }

  template <typename Writer>
  grpc::Status serve(grpc::ServerContext* context, Writer* writer) {
    std::unique_lock lock(mutex_);
    ++calls_;
    metadata_ = context->client_metadata().count("containerd-namespace");
    while (!context->IsCancelled()) {
      while (!queue_.empty()) {
        auto message = queue_.front();
        queue_.erase(queue_.begin());
        if (!writer->Write(message)) return grpc::Status::CANCELLED;
      }
      wake_.wait_for(lock, 10ms);
    }
    return grpc::Status::CANCELLED;
  }

  int calls() {
    std::lock_guard lock(mutex_);
    return calls_;
  }
  std::size_t namespace_headers() {
    std::lock_guard lock(mutex_);
    return metadata_;
  }

 private:
  std::mutex mutex_;
  std::condition_variable wake_;
  std::vector<Message> queue_;
  int calls_ = 0;
  std::size_t metadata_ = 0;
};

class FakeEvents final : public events::Events::Service {
 public:
  grpc::Status Subscribe(grpc::ServerContext* context, const events::SubscribeRequest* request,
                         grpc::ServerWriter<events::Envelope>* writer) override {
    {
      std::lock_guard lock(mutex_);
      filters_.assign(request->filters().begin(), request->filters().end());
    }
    return feed.serve(context, writer);
  }
  std::vector<std::string> filters() {
    std::lock_guard lock(mutex_);
    return filters_;
  }
  Feed<events::Envelope> feed;

 private:
  std::mutex mutex_;
  std::vector<std::string> filters_;
};

class FakeCri final : public cri::RuntimeService::Service {
 public:
  grpc::Status GetContainerEvents(
      grpc::ServerContext* context, const cri::GetEventsRequest*,
      grpc::ServerWriter<cri::ContainerEventResponse>* writer) override {
    return feed.serve(context, writer);
  }
  Feed<cri::ContainerEventResponse> feed;
};

// follow() on a thread of its own; the events it was given so far.
class Follower {
 public:
  explicit Follower(RuntimeEventStream& stream) {
    thread_ = std::thread([this, &stream] {
      end_.set_value(stream.follow(
          [this](RuntimeEvent event) {
            std::lock_guard lock(mutex_);
            events_.push_back(std::move(event));
            wake_.notify_all();
          },
          cancel));
    });
  }
  ~Follower() {
    cancel.cancel();
    thread_.join();
  }

  // The first `count` events, once there (10 s at most).
  std::vector<RuntimeEvent> wait_for(std::size_t count) {
    std::unique_lock lock(mutex_);
    wake_.wait_for(lock, 10s, [&] { return events_.size() >= count; });
    return events_;
  }
  StreamEnd end() {
    auto future = end_.get_future();
    EXPECT_EQ(future.wait_for(20s), std::future_status::ready) << "follow() did not return";
    return future.get();
  }

  Cancellation cancel;

 private:
  std::mutex mutex_;
  std::condition_variable wake_;
  std::vector<RuntimeEvent> events_;
  std::promise<StreamEnd> end_;
  std::thread thread_;
};

TEST(GrpcEventStreams, ContainerdEventsArriveInOrderUntilCancelled) {
  FakeEvents service;
  GrpcServer server(service);
  auto stream = make_containerd_event_stream(server.path());
  EXPECT_EQ(stream->runtime(), Runtime::containerd);
  EXPECT_EQ(stream->socket_path(), server.path());

  containerd::events::TaskStart start;
  start.set_container_id("web");
  service.feed.push(envelope("/tasks/start", start));
  service.feed.push(envelope("/tasks/exit", start));  // garbage: counted, skipped
  service.feed.push(envelope("/tasks/exit", task_exit("web", "probe", 0)));  // an exec: skipped
  service.feed.push(envelope("/tasks/exit", task_exit("web", "web", 5)));

  Follower follower(*stream);
  auto got = follower.wait_for(2);
  ASSERT_EQ(got.size(), 2u);
  EXPECT_EQ(got[0].kind, Kind::started);
  EXPECT_EQ(got[1].kind, Kind::exited);
  EXPECT_EQ(got[1].exit_code, 5);
  EXPECT_EQ(service.filters(), containerd_event_filters());
  EXPECT_EQ(service.feed.namespace_headers(), 0u) << "every namespace: no namespace header";

  // follow() blocks in Read() with nothing coming; cancel() ends it.
  follower.cancel.cancel();
  auto end = follower.end();
  EXPECT_EQ(end.why, StreamEnd::Why::cancelled) << end.error;
  EXPECT_EQ(stream->skipped, 1u);
}

TEST(GrpcEventStreams, CriEventsArrive) {
  FakeCri service;
  GrpcServer server(service);
  auto stream = make_cri_event_stream(server.path(), Runtime::crio);
  EXPECT_EQ(stream->runtime(), Runtime::crio);
  service.feed.push(cri_event(cri::CONTAINER_STOPPED_EVENT, "app1"));
  service.feed.push(cri_event(cri::CONTAINER_STOPPED_EVENT, ""));  // garbage
  service.feed.push(cri_event(cri::CONTAINER_DELETED_EVENT, "app1"));

  Follower follower(*stream);
  auto got = follower.wait_for(2);
  ASSERT_EQ(got.size(), 2u);
  EXPECT_EQ(got[0].kind, Kind::exited);
  EXPECT_EQ(got[0].exit_code, 137);
  EXPECT_EQ(got[0].runtime, Runtime::crio);
  EXPECT_EQ(got[1].kind, Kind::destroyed);
  follower.cancel.cancel();
  EXPECT_EQ(follower.end().why, StreamEnd::Why::cancelled);
  EXPECT_EQ(stream->skipped, 1u);
}

TEST(GrpcEventStreams, RuntimeWithoutTheCallIsUnsupported) {
  cri::RuntimeService::Service service;  // every call UNIMPLEMENTED
  GrpcServer server(service);
  auto stream = make_cri_event_stream(server.path(), Runtime::containerd);
  Cancellation cancel;
  auto end = stream->follow([](RuntimeEvent) { ADD_FAILURE() << "an event"; }, cancel);
  EXPECT_EQ(end.why, StreamEnd::Why::unsupported) << end.error;
  EXPECT_NE(end.error.find(server.path()), std::string::npos) << end.error;
  EXPECT_NE(end.error.find("UNIMPLEMENTED"), std::string::npos) << end.error;
}

TEST(GrpcEventStreams, RuntimeGoingAwayBreaksTheStream) {
  FakeEvents service;
  GrpcServer server(service);
  auto stream = make_containerd_event_stream(server.path());
  containerd::events::TaskOOM oom;
  oom.set_container_id("web");
  service.feed.push(envelope("/tasks/oom", oom));
  Follower follower(*stream);
  ASSERT_EQ(follower.wait_for(1).size(), 1u);
  server.stop();
  auto end = follower.end();
  EXPECT_EQ(end.why, StreamEnd::Why::broken) << end.error;
  EXPECT_NE(end.error.find(server.path()), std::string::npos) << end.error;
  EXPECT_NE(end.error.find("Events/Subscribe"), std::string::npos) << end.error;
}

TEST(GrpcEventStreams, StreamEndedByTheRuntimeIsBroken) {
  class Closing final : public events::Events::Service {
    grpc::Status Subscribe(grpc::ServerContext*, const events::SubscribeRequest*,
                           grpc::ServerWriter<events::Envelope>*) override {
      return grpc::Status::OK;
    }
  } service;
  GrpcServer server(service);
  Cancellation cancel;
  auto end = make_containerd_event_stream(server.path())->follow([](RuntimeEvent) {}, cancel);
  EXPECT_EQ(end.why, StreamEnd::Why::broken);
  EXPECT_NE(end.error.find("the runtime ended the stream"), std::string::npos) << end.error;
}

// Nothing listens, something that never speaks HTTP/2 listens, or an HTTP/1
// server answers: each ends as broken, naming the socket, instead of waiting
// for a connection forever.
TEST(GrpcEventStreams, NoRuntimeBreaksTheStream) {
  TempDir dir;
  FakeServer mute(never_answer());
  FakeServer http1(reply_with("HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n"));
  for (const auto& path : {dir.file("missing.sock"), mute.path(), http1.path()}) {
    for (auto& stream :
         {make_containerd_event_stream(path), make_cri_event_stream(path, Runtime::crio)}) {
      Cancellation cancel;
      auto end = stream->follow([](RuntimeEvent) { ADD_FAILURE() << "an event"; }, cancel);
      EXPECT_EQ(end.why, StreamEnd::Why::broken) << path << ": " << end.error;
      EXPECT_NE(end.error.find(path), std::string::npos) << end.error;
      EXPECT_NE(end.error.find("UNAVAILABLE"), std::string::npos) << end.error;
    }
  }
}

// A follow() that is still connecting (to a runtime that does not speak) is
// cancelled too; so is one started after the cancel.
TEST(GrpcEventStreams, CancelWhileConnectingAndBefore) {
  FakeServer mute(never_answer());
  auto stream = make_containerd_event_stream(mute.path());
  {
    Follower follower(*stream);
    follower.cancel.cancel();
    EXPECT_EQ(follower.end().why, StreamEnd::Why::cancelled);
  }
  Cancellation cancelled;
  cancelled.cancel();
  EXPECT_EQ(stream->follow([](RuntimeEvent) {}, cancelled).why, StreamEnd::Why::cancelled);
}

// The next follow() after a broken one connects afresh.
TEST(GrpcEventStreams, FollowAgainAfterTheRuntimeIsBack) {
  FakeEvents service;
  auto server = std::make_unique<GrpcServer>(service);
  auto path = server->path();
  auto stream = make_containerd_event_stream(path);
  {
    Follower follower(*stream);
    server->stop();
    EXPECT_EQ(follower.end().why, StreamEnd::Why::broken);
  }
  // A new server on the same path (gRPC replaces the old socket file).
  grpc::ServerBuilder builder;
  builder.AddListeningPort("unix:" + path, grpc::InsecureServerCredentials());
  FakeEvents again;
  builder.RegisterService(&again);
  auto second = builder.BuildAndStart();
  ASSERT_TRUE(second);
  containerd::events::TaskOOM oom;
  oom.set_container_id("web");
  again.feed.push(envelope("/tasks/oom", oom));
  {
    Follower follower(*stream);
    EXPECT_EQ(follower.wait_for(1).size(), 1u);
  }
  second->Shutdown(std::chrono::system_clock::now());
}

}  // namespace
}  // namespace tracker
