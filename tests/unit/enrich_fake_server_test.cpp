// The runtime clients against small fake servers on unix sockets: every way a
// runtime socket can misbehave must end in a status, within the deadline.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <fstream>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "enrich/runtime_client.h"
#include "fake_http_server.h"

namespace tracker {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;
using test_support::FakeServer;
using test_support::http_response;
using test_support::never_answer;
using test_support::reply_with;
using test_support::send_all;
using test_support::send_huge_body;
using test_support::TempDir;

constexpr auto kDeadline = 400ms;
constexpr auto kSlack = 300ms;

struct Timed {
  LookupResult result;
  std::chrono::milliseconds took;
};

Timed timed_inspect(RuntimeClient& client, const std::string& id,
                    std::chrono::milliseconds deadline = kDeadline) {
  auto start = Clock::now();
  auto result = client.inspect(id, deadline);
  return {result, std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start)};
}

const std::string kId = "a9d91818a0506095ee03a400625710a5072a55043cb6a5e2afdc66f0ed15acf5";
const std::string kImageId =
    "sha256:6266d2ecfb874170ee06cda5fbd982d656b91d11d975f53be1e13389aaba4ce1";
const std::string kDigest =
    "sha256:d9d84bcb167d7235bfe8c7e96a155b61638878b7e325b180fb631ee977699ca9";

std::string docker_container_json() {
  return R"({"Id": ")" + kId + R"(", "Name": "/web", "Image": ")" + kImageId +
         R"(", "Created": "2026-11-27T14:01:27.117141106Z",
      "State": {"Pid": 4321, "StartedAt": "2026-11-27T14:01:27.542298797Z"},
      "Config": {"Image": "localhost/tracker-test/busybox:latest",
                 "Labels": {"io.kubernetes.pod.name": "web-0"}}})";
}

std::string image_json() {
  return R"({"Id": ")" + kImageId +
         R"(", "RepoDigests": ["other/repo@sha256:1111111111111111111111111111111111111111111111111111111111111111",
      "localhost/tracker-test/busybox@)" +
         kDigest + R"("]})";
}

const std::vector<std::string> kRepoDigests = {
    "other/repo@sha256:1111111111111111111111111111111111111111111111111111111111111111",
    "localhost/tracker-test/busybox@" + kDigest};

// Docker's API: container inspect, image inspect, everything else 404.
void docker_api(int fd, const std::string& line, const std::atomic<bool>&) {
  if (line == "GET /containers/" + kId + "/json HTTP/1.1")
    send_all(fd, http_response(200, docker_container_json()));
  else if (line == "GET /images/" + kImageId + "/json HTTP/1.1")
    send_all(fd, http_response(200, image_json()));
  else
    send_all(fd, http_response(404, R"({"message": "No such object"})"));
}

TEST(EnrichFakeServer, DockerLookup) {
  FakeServer server(docker_api);
  auto client = make_docker_client(server.path());
  EXPECT_EQ(client->runtime(), Runtime::docker);
  EXPECT_EQ(client->socket_path(), server.path());
  auto [result, took] = timed_inspect(*client, kId);
  ASSERT_EQ(result.status, LookupStatus::found) << result.error;
  EXPECT_EQ(result.info.id, kId);
  EXPECT_EQ(result.info.name, "web");
  EXPECT_EQ(result.info.image, "localhost/tracker-test/busybox:latest");
  EXPECT_EQ(result.info.image_id, kImageId);
  EXPECT_EQ(result.info.image_digest, kDigest);
  EXPECT_EQ(result.info.repo_digests, kRepoDigests) << "all of them, in the image's order";
  EXPECT_EQ(result.info.init_pid, 4321);
  EXPECT_EQ(result.info.pod.name, "web-0");
  EXPECT_EQ(server.requests(),
            (std::vector<std::string>{"GET /containers/" + kId + "/json HTTP/1.1",
                                      "GET /images/" + kImageId + "/json HTTP/1.1"}));
}

// Docker's container list, filtered by kId (filters={"id":["<kId>"]}).
const std::string kListRequest =
    "GET /containers/json?all=1&filters=%7B%22id%22%3A%5B%22" + kId + "%22%5D%7D HTTP/1.1";

std::string docker_list_json() {
  return R"([{"Id": ")" + kId + R"(", "Names": ["/web"],
      "Image": "localhost/tracker-test/busybox:latest", "ImageID": ")" +
         kImageId + R"(", "Created": 1795788087, "State": "created",
      "Labels": {"io.kubernetes.pod.name": "web-0"}}])";
}

// docker_api, and the container list.
void docker_api_with_list(int fd, const std::string& line, const std::atomic<bool>& stopping) {
  if (line == kListRequest)
    send_all(fd, http_response(200, docker_list_json()));
  else
    docker_api(fd, line, stopping);
}

Timed timed_quick(RuntimeClient& client, const std::string& id,
                  std::chrono::milliseconds deadline = kDeadline) {
  auto start = Clock::now();
  auto result = client.inspect_quick(id, deadline);
  return {result, std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start)};
}

TEST(EnrichFakeServer, DockerQuickLookupAsksTheList) {
  FakeServer server(docker_api_with_list);
  auto client = make_docker_client(server.path());
  auto [result, took] = timed_quick(*client, kId);
  ASSERT_EQ(result.status, LookupStatus::found) << result.error;
  EXPECT_TRUE(result.partial);
  EXPECT_EQ(result.info.id, kId);
  EXPECT_EQ(result.info.name, "web");
  EXPECT_EQ(result.info.image, "localhost/tracker-test/busybox:latest");
  EXPECT_EQ(result.info.image_id, kImageId);
  EXPECT_EQ(result.info.image_digest, kDigest);
  EXPECT_EQ(result.info.repo_digests, kRepoDigests);
  EXPECT_EQ(result.info.created_ns, 1795788087000000000);
  EXPECT_EQ(result.info.init_pid, 0);
  EXPECT_EQ(result.info.started_ns, 0);
  EXPECT_EQ(result.info.pod.name, "web-0");
  EXPECT_EQ(server.requests(),
            (std::vector<std::string>{kListRequest, "GET /images/" + kImageId + "/json HTTP/1.1"}));

  // The full inspect is still the inspect.
  auto full = client->inspect(kId, kDeadline);
  ASSERT_EQ(full.status, LookupStatus::found) << full.error;
  EXPECT_FALSE(full.partial);
  EXPECT_EQ(full.info.init_pid, 4321);
}

// Whatever keeps the list from naming the container, the inspect answers, as
// if the list had not been asked: no error of the list's shows.
TEST(EnrichFakeServer, DockerQuickLookupFallsBackToInspect) {
  const std::vector<std::string> list_replies = {
      http_response(404, R"({"message": "page not found"})"),
      http_response(500, R"({"message": "boom"})"),
      http_response(200, "[]"),
      http_response(200, R"([{"Id": "a9d91818"}])"),
      http_response(200, docker_container_json()),
      http_response(200, "<html>502</html>", "text/html"),
      "SSH-2.0-OpenSSH_9.2\r\n",
  };
  for (const auto& list_reply : list_replies) {
    FakeServer server([&](int fd, const std::string& line, const std::atomic<bool>& stopping) {
      if (line.starts_with("GET /containers/json?"))
        send_all(fd, list_reply);
      else
        docker_api(fd, line, stopping);
    });
    auto client = make_docker_client(server.path());
    auto [result, took] = timed_quick(*client, kId);
    ASSERT_EQ(result.status, LookupStatus::found) << list_reply << ": " << result.error;
    EXPECT_FALSE(result.partial);
    EXPECT_EQ(result.error, "");
    EXPECT_EQ(result.info.init_pid, 4321);
    EXPECT_EQ(result.info.image_digest, kDigest);
    EXPECT_EQ(server.requests().size(), 3u) << list_reply;
  }
}

// A list that does not answer costs a quarter of the budget at most: the
// inspect gets the rest.
TEST(EnrichFakeServer, SilentListLeavesTheInspectItsBudget) {
  FakeServer server([](int fd, const std::string& line, const std::atomic<bool>& stopping) {
    if (!line.starts_with("GET /containers/json?")) return docker_api(fd, line, stopping);
    while (!stopping) std::this_thread::sleep_for(5ms);
  });
  auto client = make_docker_client(server.path());
  auto [result, took] = timed_quick(*client, kId);
  ASSERT_EQ(result.status, LookupStatus::found) << result.error;
  EXPECT_FALSE(result.partial);
  EXPECT_GE(took, kDeadline / 4 - 20ms);
  EXPECT_LT(took, kDeadline / 4 + kSlack);

  // And never more than the deadline in all.
  FakeServer silent(never_answer());
  auto [nothing, took_silent] = timed_quick(*make_docker_client(silent.path()), kId);
  EXPECT_EQ(nothing.status, LookupStatus::unavailable);
  EXPECT_NE(nothing.error.find("/containers/" + kId + "/json"), std::string::npos)
      << "the inspect's error, not the list's: " << nothing.error;
  EXPECT_LT(took_silent, kDeadline + kSlack);
}

TEST(EnrichFakeServer, PodmanQuickLookupIsTheInspect) {
  FakeServer server(docker_api_with_list);
  auto client = make_podman_client(server.path());
  auto [result, took] = timed_quick(*client, kId);
  EXPECT_EQ(result.status, LookupStatus::not_found) << "the fake has no libpod API";
  EXPECT_EQ(server.requests(),
            (std::vector<std::string>{"GET /v4.0.0/libpod/containers/" + kId + "/json HTTP/1.1"}));
}

TEST(EnrichFakeServer, PodmanLookupUsesLibpodApi) {
  const std::string pod_id = "7c1d0e2f3a4b5c6d7e8f9a0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c0d";
  FakeServer server([&](int fd, const std::string& line, const std::atomic<bool>&) {
    if (line == "GET /v4.0.0/libpod/containers/web/json HTTP/1.1")
      send_all(fd, http_response(200, R"({"Id": ")" + kId + R"(", "Name": "web",
          "Image": "6266d2ecfb874170ee06cda5fbd982d656b91d11d975f53be1e13389aaba4ce1",
          "ImageName": "localhost/tracker-test/busybox:latest", "ImageDigest": ")" +
                                          kDigest + R"(",
          "Pod": ")" + pod_id + R"(", "IsInfra": true, "State": {"Pid": 99}})"));
    else if (line == "GET /v4.0.0/libpod/images/" + kImageId + "/json HTTP/1.1")
      send_all(fd, http_response(200, image_json()));
    else if (line == "GET /v4.0.0/libpod/pods/" + pod_id + "/json HTTP/1.1")
      send_all(fd, http_response(200, R"({"Id": ")" + pod_id + R"(", "Name": "shop"})"));
    else
      send_all(fd, http_response(404, R"({"message": "no such object"})"));
  });
  auto client = make_podman_client(server.path());
  EXPECT_EQ(client->runtime(), Runtime::podman);
  auto [result, took] = timed_inspect(*client, "web");
  ASSERT_EQ(result.status, LookupStatus::found) << result.error;
  EXPECT_EQ(result.info.runtime, Runtime::podman);
  EXPECT_EQ(result.info.image_digest, kDigest);
  EXPECT_EQ(result.info.runtime_pod, (RuntimePod{pod_id, "shop", true}));
  EXPECT_EQ(result.info.pod, PodInfo{});
  EXPECT_EQ(server.requests().size(), 3u);
}

TEST(EnrichFakeServer, NotFound) {
  FakeServer server(docker_api);
  auto client = make_docker_client(server.path());
  auto [result, took] = timed_inspect(*client, "nosuch");
  EXPECT_EQ(result.status, LookupStatus::not_found);
  EXPECT_NE(result.error.find(server.path()), std::string::npos) << result.error;
  EXPECT_NE(result.error.find("No such object"), std::string::npos) << result.error;
}

// A 500 is the runtime failing on this container: it answered, so it is not down.
TEST(EnrichFakeServer, ServerErrorIsBadReply) {
  FakeServer server(reply_with(http_response(500, R"({"message": "boom"})")));
  auto client = make_docker_client(server.path());
  auto [result, took] = timed_inspect(*client, kId);
  EXPECT_EQ(result.status, LookupStatus::bad_reply);
  EXPECT_NE(result.error.find(server.path()), std::string::npos) << result.error;
  EXPECT_NE(result.error.find("HTTP 500: boom"), std::string::npos) << result.error;
}

TEST(EnrichFakeServer, ServiceUnavailableIsUnavailable) {
  FakeServer server(reply_with(http_response(503, R"({"message": "daemon is shutting down"})")));
  auto client = make_docker_client(server.path());
  auto [result, took] = timed_inspect(*client, kId);
  EXPECT_EQ(result.status, LookupStatus::unavailable);
  EXPECT_NE(result.error.find("HTTP 503: daemon is shutting down"), std::string::npos)
      << result.error;
}

TEST(EnrichFakeServer, OtherStatusIsBadReply) {
  FakeServer server(reply_with(http_response(400, R"({"message": "bad parameter"})")));
  auto client = make_docker_client(server.path());
  auto [result, took] = timed_inspect(*client, kId);
  EXPECT_EQ(result.status, LookupStatus::bad_reply);
  EXPECT_NE(result.error.find(server.path()), std::string::npos) << result.error;
}

TEST(EnrichFakeServer, GarbageBodyIsBadReply) {
  for (std::string body : {"<html>502</html>", "{\"Id\": \"abc\"", "", "[]", "{\"Id\": 5}"}) {
    FakeServer server(reply_with(http_response(200, body, "text/html")));
    auto client = make_docker_client(server.path());
    auto [result, took] = timed_inspect(*client, kId);
    EXPECT_EQ(result.status, LookupStatus::bad_reply) << body;
    EXPECT_NE(result.error.find(server.path()), std::string::npos) << result.error;
  }
}

TEST(EnrichFakeServer, NotHttpIsBadReply) {
  FakeServer server(reply_with("SSH-2.0-OpenSSH_9.2\r\nProtocol mismatch.\r\n"));
  auto client = make_docker_client(server.path());
  auto [result, took] = timed_inspect(*client, kId);
  EXPECT_EQ(result.status, LookupStatus::bad_reply) << result.error;
  EXPECT_NE(result.error.find(server.path()), std::string::npos) << result.error;
  EXPECT_LT(took, kDeadline + kSlack);
}

TEST(EnrichFakeServer, HugeBodyIsAbandoned) {
  for (bool chunked : {false, true}) {
    FakeServer server([chunked](int fd, const std::string&, const std::atomic<bool>&) {
      send_huge_body(fd, 50 * 1024 * 1024, chunked);
    });
    auto client = make_docker_client(server.path());
    auto [result, took] = timed_inspect(*client, kId, 5s);
    EXPECT_EQ(result.status, LookupStatus::bad_reply) << "chunked=" << chunked;
    EXPECT_NE(result.error.find("larger than"), std::string::npos) << result.error;
    EXPECT_NE(result.error.find(server.path()), std::string::npos) << result.error;
    EXPECT_LT(took, 2s) << "chunked=" << chunked;
  }
}

TEST(EnrichFakeServer, SilentServerIsUnavailableWithinDeadline) {
  FakeServer server(never_answer());
  for (auto& client : {make_docker_client(server.path()), make_podman_client(server.path())}) {
    auto [result, took] = timed_inspect(*client, kId);
    EXPECT_EQ(result.status, LookupStatus::unavailable);
    EXPECT_NE(result.error.find(server.path()), std::string::npos) << result.error;
    EXPECT_GE(took, kDeadline - 20ms);
    EXPECT_LT(took, kDeadline + kSlack);

    auto start = Clock::now();
    EXPECT_FALSE(client->ping(200ms));
    EXPECT_LT(Clock::now() - start, 200ms + kSlack);
  }
}

TEST(EnrichFakeServer, SilentServerStopsGrpcClientsWithinDeadline) {
  FakeServer server(never_answer());
  std::vector<std::unique_ptr<RuntimeClient>> clients;
  clients.push_back(make_containerd_client(server.path()));
  clients.push_back(make_cri_client(server.path(), Runtime::crio));
  for (auto& client : clients) {
    auto [result, took] = timed_inspect(*client, kId);
    EXPECT_EQ(result.status, LookupStatus::unavailable) << result.error;
    EXPECT_NE(result.error.find(server.path()), std::string::npos) << result.error;
    EXPECT_LT(took, kDeadline + kSlack);
    auto start = Clock::now();
    EXPECT_FALSE(client->ping(200ms));
    EXPECT_LT(Clock::now() - start, 200ms + kSlack);
  }
}

TEST(EnrichFakeServer, HangUpIsUnavailable) {
  FakeServer server([](int, const std::string&, const std::atomic<bool>&) {});
  auto client = make_docker_client(server.path());
  auto [result, took] = timed_inspect(*client, kId);
  EXPECT_EQ(result.status, LookupStatus::unavailable) << result.error;
  EXPECT_NE(result.error.find(server.path()), std::string::npos) << result.error;
}

TEST(EnrichFakeServer, HttpServerIsNoGrpcServer) {
  FakeServer server(docker_api);
  std::vector<std::unique_ptr<RuntimeClient>> clients;
  clients.push_back(make_containerd_client(server.path()));
  clients.push_back(make_cri_client(server.path(), Runtime::containerd));
  for (auto& client : clients) {
    auto [result, took] = timed_inspect(*client, kId);
    EXPECT_NE(result.status, LookupStatus::found);
    EXPECT_NE(result.status, LookupStatus::not_found);
    EXPECT_NE(result.error.find(server.path()), std::string::npos) << result.error;
    EXPECT_LT(took, kDeadline + kSlack);
  }
}

std::vector<std::unique_ptr<RuntimeClient>> all_clients(const std::string& path) {
  std::vector<std::unique_ptr<RuntimeClient>> clients;
  clients.push_back(make_docker_client(path));
  clients.push_back(make_podman_client(path));
  clients.push_back(make_containerd_client(path));
  clients.push_back(make_cri_client(path, Runtime::crio));
  return clients;
}

TEST(EnrichFakeServer, MissingSocket) {
  TempDir dir;
  auto path = dir.file("missing.sock");
  for (auto& client : all_clients(path)) {
    auto [result, took] = timed_inspect(*client, kId);
    EXPECT_EQ(result.status, LookupStatus::unavailable) << to_string(client->runtime());
    EXPECT_NE(result.error.find(path), std::string::npos) << result.error;
    EXPECT_LT(took, kDeadline + kSlack);
    EXPECT_FALSE(client->ping(100ms));
  }
}

TEST(EnrichFakeServer, PathThatIsNotASocket) {
  TempDir dir;
  auto path = dir.file("regular-file");
  std::ofstream(path) << "not a socket\n";
  for (auto& client : all_clients(path)) {
    auto [result, took] = timed_inspect(*client, kId);
    EXPECT_EQ(result.status, LookupStatus::unavailable) << to_string(client->runtime());
    EXPECT_NE(result.error.find(path), std::string::npos) << result.error;
    EXPECT_LT(took, kDeadline + kSlack);
  }
  auto [result, took] = timed_inspect(*make_docker_client(path), kId);
  EXPECT_NE(result.error.find("not a socket"), std::string::npos) << result.error;
}

TEST(EnrichFakeServer, ImageFailureStillFindsTheContainer) {
  FakeServer server([](int fd, const std::string& line, const std::atomic<bool>&) {
    if (line.starts_with("GET /containers/"))
      send_all(fd, http_response(200, docker_container_json()));
    else
      send_all(fd, http_response(500, R"({"message": "boom"})"));
  });
  auto [result, took] = timed_inspect(*make_docker_client(server.path()), kId);
  ASSERT_EQ(result.status, LookupStatus::found) << result.error;
  EXPECT_EQ(result.info.image_id, kImageId);
  EXPECT_EQ(result.info.image_digest, "");
}

TEST(EnrichFakeServer, ImageFactsAreAskedOncePerImage) {
  FakeServer server(docker_api);
  auto client = make_docker_client(server.path());
  for (int i = 0; i < 3; ++i) {
    auto [result, took] = timed_inspect(*client, kId);
    ASSERT_EQ(result.status, LookupStatus::found) << result.error;
    EXPECT_EQ(result.info.image_digest, kDigest);
  }
  const std::string container = "GET /containers/" + kId + "/json HTTP/1.1";
  EXPECT_EQ(server.requests(),
            (std::vector<std::string>{container, "GET /images/" + kImageId + "/json HTTP/1.1",
                                      container, container}));
}

TEST(EnrichFakeServer, FailedImageInspectIsAskedAgain) {
  std::atomic<int> image_requests{0};
  FakeServer server([&](int fd, const std::string& line, const std::atomic<bool>& stopping) {
    if (line.starts_with("GET /images/") && image_requests++ == 0)
      send_all(fd, http_response(500, R"({"message": "boom"})"));
    else
      docker_api(fd, line, stopping);
  });
  auto client = make_docker_client(server.path());
  auto [first, took1] = timed_inspect(*client, kId);
  EXPECT_EQ(first.info.image_digest, "");
  auto [second, took2] = timed_inspect(*client, kId);
  EXPECT_EQ(second.info.image_digest, kDigest);
  EXPECT_EQ(image_requests, 2);
}

TEST(EnrichFakeServer, UnsafeIdsAreNeverSent) {
  FakeServer server(docker_api);
  auto client = make_docker_client(server.path());
  for (std::string id : {"", "..", "../images/x", "a/b", "a?b", "a b", "a%2fb", "a\r\nHost: x"}) {
    auto [result, took] = timed_inspect(*client, id);
    EXPECT_EQ(result.status, LookupStatus::not_found) << id;
  }
  EXPECT_TRUE(server.requests().empty());
}

TEST(EnrichFakeServer, PingAnswers) {
  FakeServer server([](int fd, const std::string& line, const std::atomic<bool>&) {
    send_all(fd, line == "GET /_ping HTTP/1.1" ? http_response(200, "OK", "text/plain")
                                               : http_response(404, "{}"));
  });
  EXPECT_TRUE(make_docker_client(server.path())->ping(kDeadline));
  EXPECT_TRUE(make_podman_client(server.path())->ping(kDeadline));
}

TEST(EnrichFakeServer, ConcurrentLookupsShareOneClient) {
  FakeServer server(docker_api);
  auto client = make_docker_client(server.path());
  std::atomic<int> found{0};
  std::vector<std::thread> workers;
  for (int t = 0; t < 8; ++t) {
    workers.emplace_back([&] {
      for (int i = 0; i < 10; ++i) {
        if (client->inspect(kId, 2s).status == LookupStatus::found) ++found;
      }
    });
  }
  for (auto& worker : workers) worker.join();
  EXPECT_EQ(found, 80);
}

}  // namespace
}  // namespace tracker
