// Parsing what Docker, Podman and CRI runtimes answer: real-shaped samples,
// then everything a broken or hostile runtime might send instead.
#include <gtest/gtest.h>

#include <unistd.h>

#include <cstdio>
#include <functional>
#include <string>
#include <utility>

#include "enrich/containerd_reply.h"
#include "enrich/cri_info.h"
#include "enrich/cri_runtime_v1.pb.h"
#include "enrich/docker_json.h"
#include "enrich/image_ref.h"
#include "enrich/oci_manifest.h"
#include "enrich/pod_labels.h"
#include "enrich/protobuf_log.h"
#include "enrich/rfc3339.h"
#include "util/log.h"

namespace tracker {
namespace {

// Trimmed from dockerd 20.10 (GET /containers/<id>/json).
constexpr const char* kDockerContainer = R"({
  "Id": "a9d91818a0506095ee03a400625710a5072a55043cb6a5e2afdc66f0ed15acf5",
  "Created": "2026-11-27T14:01:27.117141106Z",
  "Path": "/bin/sleep",
  "Args": ["3600"],
  "State": {"Status": "running", "Running": true, "Paused": false, "OOMKilled": false,
            "Dead": false, "Pid": 17846, "ExitCode": 0, "Error": "",
            "StartedAt": "2026-11-27T14:01:27.542298797Z",
            "FinishedAt": "0001-01-01T00:00:00Z"},
  "Image": "sha256:6266d2ecfb874170ee06cda5fbd982d656b91d11d975f53be1e13389aaba4ce1",
  "Name": "/enrich-probe-d",
  "RestartCount": 0,
  "Driver": "overlay2",
  "HostConfig": {"NetworkMode": "none", "Runtime": "runc",
                 "Ulimits": [{"Name": "nofile", "Hard": 1024, "Soft": 1024}]},
  "Config": {"Hostname": "a9d91818a050", "Env": ["PATH=/usr/bin:/bin"],
             "Cmd": ["/bin/sleep", "3600"],
             "Image": "localhost/tracker-test/busybox:latest",
             "Labels": {"app": "probe", "org.khulnasoft.tracker.test": "1"}},
  "NetworkSettings": {"Networks": {"none": {"IPAddress": ""}}}
}
)";

// A dockershim pod sandbox: the kubelet's labels on the pause container.
constexpr const char* kDockerSandbox = R"({
  "Id": "5a1b6c0d2e3f405162738495a6b7c8d9e0f1a2b3c4d5e6f708192a3b4c5d6e7f",
  "Created": "2024-03-01T08:00:00.5Z",
  "State": {"Pid": 4242, "StartedAt": "2024-03-01T08:00:01Z"},
  "Image": "sha256:e6f1816883972d4be47bd48879a08919b96afcd344132622e4d444987919323c",
  "Name": "/k8s_POD_web-0_shop_0d6e1b3a-8f4c-4e1b-9c1d-2f3a4b5c6d7e_0",
  "Config": {"Image": "registry.k8s.io/pause:3.9",
             "Labels": {"io.kubernetes.docker.type": "podsandbox",
                        "io.kubernetes.pod.name": "web-0",
                        "io.kubernetes.pod.namespace": "shop",
                        "io.kubernetes.pod.uid": "0d6e1b3a-8f4c-4e1b-9c1d-2f3a4b5c6d7e"}}
})";

// dockerd 20.10's answer to GET /containers/json?all=1&filters={"id":["<id>"]},
// with kDockerContainer's id, name and creation time. No start time, no pid.
constexpr const char* kDockerList = R"([
  {
    "Id": "a9d91818a0506095ee03a400625710a5072a55043cb6a5e2afdc66f0ed15acf5",
    "Names": [
      "/enrich-probe-d"
    ],
    "Image": "localhost/tracker-test/busybox:latest",
    "ImageID": "sha256:6266d2ecfb874170ee06cda5fbd982d656b91d11d975f53be1e13389aaba4ce1",
    "Command": "sleep 3600",
    "Created": 1795788087,
    "Ports": [],
    "Labels": {
      "app": "probe",
      "org.khulnasoft.tracker.test": "1"
    },
    "State": "running",
    "Status": "Up Less than a second",
    "HostConfig": {
      "NetworkMode": "none"
    },
    "NetworkSettings": {
      "Networks": {
        "none": {
          "IPAMConfig": null,
          "Links": null,
          "Aliases": null,
          "NetworkID": "dcc8c91ff5b7e150c6938d0dd761e24ecbf58c6457c0d1143706b2c56b31e9a9",
          "EndpointID": "1b41aed838d4dba3811428948564bcb126af6008e4865ecc5d4ac20b4124e9e1",
          "Gateway": "",
          "IPAddress": "",
          "IPPrefixLen": 0,
          "IPv6Gateway": "",
          "GlobalIPv6Address": "",
          "GlobalIPv6PrefixLen": 0,
          "MacAddress": "",
          "DriverOpts": null
        }
      }
    },
    "Mounts": []
  }
])";

// Trimmed from podman 4.3 (GET /v4.0.0/libpod/containers/<id>/json), in a pod.
constexpr const char* kPodmanContainer = R"({
  "Id": "bd2cf1ac7ce505541f4e2a7449b2cdce31eb21e20e89199814e83d0055b86098",
  "Created": "2026-11-27T15:01:27.643174703+01:00",
  "Path": "/bin/sleep",
  "Args": ["3600"],
  "State": {"OciVersion": "1.0.2-dev", "Status": "running", "Running": true, "Pid": 17896,
            "ConmonPid": 17890, "StartedAt": "2026-11-27T14:01:27.85619894Z",
            "FinishedAt": "0001-01-01T00:00:00Z"},
  "Image": "6266d2ecfb874170ee06cda5fbd982d656b91d11d975f53be1e13389aaba4ce1",
  "ImageDigest": "sha256:d9d84bcb167d7235bfe8c7e96a155b61638878b7e325b180fb631ee977699ca9",
  "ImageName": "localhost/tracker-test/busybox:latest",
  "Pod": "7c1d0e2f3a4b5c6d7e8f9a0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c0d",
  "Name": "enrich-probe-p",
  "IsInfra": false,
  "Config": {"Image": "localhost/tracker-test/busybox:latest",
             "Labels": {"app": "probe"},
             "Annotations": {"io.container.manager": "libpod",
                             "io.kubernetes.cri-o.TTY": "false"}}
})";

constexpr const char* kDockerImage = R"({
  "Id": "sha256:6266d2ecfb874170ee06cda5fbd982d656b91d11d975f53be1e13389aaba4ce1",
  "RepoTags": ["nginx:1.25", "mirror.local/nginx:1.25"],
  "RepoDigests": ["mirror.local/nginx@sha256:1111111111111111111111111111111111111111111111111111111111111111",
                  "nginx@sha256:2222222222222222222222222222222222222222222222222222222222222222"],
  "Size": 187000000
})";

TEST(DockerJson, ContainerInspect) {
  auto result = parse_docker_container(kDockerContainer);
  ASSERT_EQ(result.status, LookupStatus::found) << result.error;
  const auto& info = result.info;
  EXPECT_EQ(info.runtime, Runtime::docker);
  EXPECT_EQ(info.id, "a9d91818a0506095ee03a400625710a5072a55043cb6a5e2afdc66f0ed15acf5");
  EXPECT_EQ(info.name, "enrich-probe-d");
  EXPECT_EQ(info.image, "localhost/tracker-test/busybox:latest");
  EXPECT_EQ(info.image_id,
            "sha256:6266d2ecfb874170ee06cda5fbd982d656b91d11d975f53be1e13389aaba4ce1");
  EXPECT_EQ(info.image_digest, "");
  EXPECT_EQ(info.created_ns, 1795788087117141106);
  EXPECT_EQ(info.started_ns, 1795788087542298797);
  EXPECT_EQ(info.init_pid, 17846);
  EXPECT_EQ(info.labels.at("app"), "probe");
  EXPECT_EQ(info.labels.size(), 2u);
  EXPECT_EQ(info.pod, PodInfo{});
}

TEST(DockerJson, DockershimSandbox) {
  auto result = parse_docker_container(kDockerSandbox);
  ASSERT_EQ(result.status, LookupStatus::found) << result.error;
  EXPECT_EQ(result.info.pod.name, "web-0");
  EXPECT_EQ(result.info.pod.namespace_name, "shop");
  EXPECT_EQ(result.info.pod.uid, "0d6e1b3a-8f4c-4e1b-9c1d-2f3a4b5c6d7e");
  EXPECT_TRUE(result.info.pod.sandbox);
  EXPECT_EQ(result.info.created_ns, 1709280000500000000);
  EXPECT_EQ(result.info.started_ns, 1709280001000000000);
}

TEST(DockerJson, PodmanContainerInspect) {
  auto result = parse_podman_container(kPodmanContainer);
  ASSERT_EQ(result.status, LookupStatus::found) << result.error;
  const auto& info = result.info;
  EXPECT_EQ(info.runtime, Runtime::podman);
  EXPECT_EQ(info.name, "enrich-probe-p");
  EXPECT_EQ(info.image, "localhost/tracker-test/busybox:latest");
  EXPECT_EQ(info.image_id,
            "sha256:6266d2ecfb874170ee06cda5fbd982d656b91d11d975f53be1e13389aaba4ce1");
  EXPECT_EQ(info.image_digest,
            "sha256:d9d84bcb167d7235bfe8c7e96a155b61638878b7e325b180fb631ee977699ca9");
  EXPECT_EQ(info.created_ns, 1795788087643174703);  // +01:00 taken into account
  EXPECT_EQ(info.init_pid, 17896);
  EXPECT_EQ(info.runtime_pod.id,
            "7c1d0e2f3a4b5c6d7e8f9a0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c0d");
  EXPECT_FALSE(info.runtime_pod.infra);
  EXPECT_EQ(info.pod, PodInfo{}) << "a podman pod is not a Kubernetes pod";
}

// State.Health and RestartCount as dockerd 20.10 and podman 4.3 answer them
// (captured with a --health-cmd, trimmed); "none" is Docker's word for a
// healthcheck turned off.
struct HealthCase {
  const char* what;
  bool podman;
  std::string body;
  std::string health;
  std::uint32_t restart_count;
};

class InspectHealth : public ::testing::TestWithParam<HealthCase> {};

TEST_P(InspectHealth, Reads) {
  const auto& param = GetParam();
  auto result =
      param.podman ? parse_podman_container(param.body) : parse_docker_container(param.body);
  ASSERT_EQ(result.status, LookupStatus::found) << result.error;
  EXPECT_EQ(result.info.health, param.health);
  EXPECT_EQ(result.info.restart_count, param.restart_count);
}

std::string inspect_with(const std::string& state, const std::string& restart_count) {
  return R"({"Id": "d5b21289699d79f736c050b507aa5c5a1966cdb14f3ea10f4dd05fda25803098",
    "State": {"Status": "running", "Running": true, "Pid": 29594,
              "StartedAt": "2026-12-07T19:29:55.857153502Z")" +
         state + R"(}, "RestartCount": )" + restart_count + "}";
}

const std::string kDockerHealth = R"(, "Health": {"Status": "unhealthy", "FailingStreak": 4,
    "Log": [{"Start": "2026-12-07T19:30:04.316262023Z", "End": "2026-12-07T19:30:04.542948474Z",
             "ExitCode": 1, "Output": ""}]})";
const std::string kPodmanHealth = R"(, "Health": {"Status": "healthy", "FailingStreak": 0,
    "Log": [{"Start": "2026-12-07T19:30:15.240847097Z", "End": "2026-12-07T19:30:15.536263974Z",
             "ExitCode": 0, "Output": ""}]}, "CgroupPath": "/libpod_parent/libpod-ffc0")";

INSTANTIATE_TEST_SUITE_P(
    DockerJson, InspectHealth,
    ::testing::Values(
        HealthCase{"docker_unhealthy", false, inspect_with(kDockerHealth, "0"), "unhealthy", 0},
        HealthCase{"podman_healthy", true, inspect_with(kPodmanHealth, "0"), "healthy", 0},
        HealthCase{"no_healthcheck", false, inspect_with("", "0"), "", 0},
        HealthCase{"healthcheck_turned_off", false,
                   inspect_with(R"(, "Health": {"Status": "none"})", "0"), "", 0},
        HealthCase{"health_not_an_object", false, inspect_with(R"(, "Health": "healthy")", "0"), "",
                   0},
        HealthCase{"restarted", false, inspect_with(kDockerHealth, "3"), "unhealthy", 3},
        HealthCase{"podman_restarted", true, inspect_with("", "2"), "", 2},
        HealthCase{"restart_count_negative", false, inspect_with("", "-1"), "", 0},
        HealthCase{"restart_count_too_large", false, inspect_with("", "4294967296"), "", 0},
        HealthCase{"restart_count_not_a_number", false, inspect_with("", R"("3")"), "", 0}),
    [](const auto& info) { return std::string(info.param.what); });

TEST(DockerJson, ImageInspectPicksTheImagesOwnRepository) {
  std::string error;
  auto image = parse_image_inspect(kDockerImage, error);
  ASSERT_TRUE(image) << error;
  EXPECT_EQ(image->id, "sha256:6266d2ecfb874170ee06cda5fbd982d656b91d11d975f53be1e13389aaba4ce1");
  ASSERT_EQ(image->repo_digests.size(), 2u);
  EXPECT_EQ(pick_repo_digest(image->repo_digests, "docker.io/library/nginx:1.25"),
            "sha256:2222222222222222222222222222222222222222222222222222222222222222");
  EXPECT_EQ(pick_repo_digest(image->repo_digests, "mirror.local/nginx:1.25"),
            "sha256:1111111111111111111111111111111111111111111111111111111111111111");
  EXPECT_EQ(pick_repo_digest(image->repo_digests, "other/thing"),
            "sha256:1111111111111111111111111111111111111111111111111111111111111111");
}

TEST(DockerJson, ApiErrorMessage) {
  EXPECT_EQ(api_error_message(R"({"message":"No such container: x"})"), "No such container: x");
  EXPECT_EQ(api_error_message("plain text\n"), "plain text?");
  EXPECT_EQ(api_error_message(""), "");
  EXPECT_EQ(api_error_message(std::string(500, 'x')).size(), 120u + std::string("…").size());
}

// What must come back bad_reply, and never crash.
struct GarbageCase {
  const char* name;
  std::string body;
};

std::string nested(std::size_t depth) {
  return std::string(depth, '[') + std::string(depth, ']');
}

class ContainerGarbage : public testing::TestWithParam<GarbageCase> {};

TEST_P(ContainerGarbage, IsBadReply) {
  for (auto parse : {parse_docker_container, parse_podman_container}) {
    auto result = parse(GetParam().body);
    EXPECT_EQ(result.status, LookupStatus::bad_reply);
    EXPECT_FALSE(result.error.empty());
  }
  std::string error;
  EXPECT_FALSE(parse_image_inspect(GetParam().body, error));
  EXPECT_FALSE(error.empty());
}

INSTANTIATE_TEST_SUITE_P(
    Enrich, ContainerGarbage,
    testing::Values(GarbageCase{"empty", ""}, GarbageCase{"whitespace", " \n\t"},
                    GarbageCase{"null", "null"}, GarbageCase{"array", "[1,2,3]"},
                    GarbageCase{"string", "\"a9d91818\""}, GarbageCase{"number", "42"},
                    GarbageCase{"html", "<html><body>502 Bad Gateway</body></html>"},
                    GarbageCase{"truncated", std::string(kDockerContainer).substr(0, 300)},
                    GarbageCase{"trailing_garbage", std::string(kDockerContainer) + "}{"},
                    GarbageCase{"two_documents", R"({"Id":"a"} {"Id":"b"})"},
                    GarbageCase{"id_is_number", R"({"Id": 12345})"},
                    GarbageCase{"id_is_object", R"({"Id": {"x": 1}})"},
                    GarbageCase{"id_is_empty", R"({"Id": ""})"},
                    GarbageCase{"no_id", R"({"Name": "/x"})"},
                    GarbageCase{"nan", R"({"Id": "a", "State": {"Pid": NaN}})"},
                    GarbageCase{"comment", "/* hi */ {\"Id\": \"a\"}"},
                    GarbageCase{"deeply_nested", nested(100000)},
                    GarbageCase{"nested_in_field",
                                R"({"Id": "a", "Config": )" + nested(5000) + "}"},
                    GarbageCase{"binary", std::string("\0\xff\xfe{\"Id\"", 9)}),
    [](const auto& info) { return std::string(info.param.name); });

TEST(DockerJson, WrongTypesInFieldsAreIgnored) {
  auto result = parse_docker_container(R"({
    "Id": "abc",
    "Name": ["not", "a", "string"],
    "Image": 7,
    "Created": 1700000000,
    "State": "running",
    "Config": {"Image": null, "Labels": ["a", "b"]}
  })");
  ASSERT_EQ(result.status, LookupStatus::found) << result.error;
  EXPECT_EQ(result.info.id, "abc");
  EXPECT_EQ(result.info.name, "");
  EXPECT_EQ(result.info.image, "");
  EXPECT_EQ(result.info.image_id, "");
  EXPECT_EQ(result.info.created_ns, 0);
  EXPECT_EQ(result.info.init_pid, 0);
  EXPECT_TRUE(result.info.labels.empty());

  result = parse_podman_container(R"({
    "Id": "abc", "Pod": 5, "IsInfra": "yes", "ImageDigest": "md5:xyz",
    "State": {"Pid": "12", "StartedAt": true},
    "Config": {"Labels": {"good": "1", "number": 2, "object": {}, "null": null}}
  })");
  ASSERT_EQ(result.status, LookupStatus::found) << result.error;
  EXPECT_EQ(result.info.runtime_pod, RuntimePod{});
  EXPECT_EQ(result.info.image_digest, "");
  EXPECT_EQ(result.info.init_pid, 0);
  EXPECT_EQ(result.info.started_ns, 0);
  EXPECT_EQ(result.info.labels, (StringMap{{"good", "1"}}));
}

TEST(DockerJson, OutOfRangeNumbersAreIgnored) {
  for (const char* pid : {"1e300", "-5", "4294967296", "2.5", "-1e300", "99999999999999999999"}) {
    auto body = std::string(R"({"Id": "abc", "State": {"Pid": )") + pid + "}}";
    auto result = parse_docker_container(body);
    ASSERT_EQ(result.status, LookupStatus::found) << pid << ": " << result.error;
    EXPECT_EQ(result.info.init_pid, 0) << pid;
  }
}

TEST(DockerJson, HugeButValidDocument) {
  std::string body = R"({"Id": "abc", "Config": {"Labels": {)";
  for (int i = 0; i < 50000; ++i) {
    if (i) body += ',';
    body += "\"label" + std::to_string(i) + "\": \"" + std::string(40, 'v') + "\"";
  }
  body += "}}, \"Padding\": \"" + std::string(2 << 20, 'p') + "\"}";
  auto result = parse_docker_container(body);
  ASSERT_EQ(result.status, LookupStatus::found) << result.error;
  EXPECT_EQ(result.info.labels.size(), 50000u);
}

const std::string kListedId = "a9d91818a0506095ee03a400625710a5072a55043cb6a5e2afdc66f0ed15acf5";

TEST(DockerJson, ContainerListEntry) {
  auto result = parse_docker_list_entry(kDockerList, kListedId);
  ASSERT_EQ(result.status, LookupStatus::found) << result.error;
  EXPECT_TRUE(result.partial);
  const auto& info = result.info;
  EXPECT_EQ(info.runtime, Runtime::docker);
  EXPECT_EQ(info.id, kListedId);
  EXPECT_EQ(info.name, "enrich-probe-d");
  EXPECT_EQ(info.image, "localhost/tracker-test/busybox:latest");
  EXPECT_EQ(info.image_id,
            "sha256:6266d2ecfb874170ee06cda5fbd982d656b91d11d975f53be1e13389aaba4ce1");
  EXPECT_EQ(info.image_digest, "");
  EXPECT_EQ(info.created_ns, 1795788087000000000);  // whole seconds only
  EXPECT_EQ(info.started_ns, 0);
  EXPECT_EQ(info.init_pid, 0);
  EXPECT_EQ(info.labels, (StringMap{{"app", "probe"}, {"org.khulnasoft.tracker.test", "1"}}));
  EXPECT_EQ(info.pod, PodInfo{});

  // What the list gives equals the inspect's answer, but for what it lacks.
  auto inspected = parse_docker_container(kDockerContainer).info;
  inspected.created_ns = info.created_ns;
  inspected.started_ns = 0;
  inspected.init_pid = 0;
  EXPECT_EQ(info, inspected);
}

TEST(DockerJson, ContainerListEntryOfDockershimSandbox) {
  auto result =
      parse_docker_list_entry(R"([{
    "Id": "5a1b6c0d2e3f405162738495a6b7c8d9e0f1a2b3c4d5e6f708192a3b4c5d6e7f",
    "Names": ["/k8s_POD_web-0_shop_0d6e1b3a-8f4c-4e1b-9c1d-2f3a4b5c6d7e_0"],
    "Image": "registry.k8s.io/pause:3.9", "Created": 1709280000,
    "Labels": {"io.kubernetes.docker.type": "podsandbox", "io.kubernetes.pod.name": "web-0",
               "io.kubernetes.pod.namespace": "shop",
               "io.kubernetes.pod.uid": "0d6e1b3a-8f4c-4e1b-9c1d-2f3a4b5c6d7e"}}])",
                              "5a1b6c0d2e3f405162738495a6b7c8d9e0f1a2b3c4d5e6f708192a3b4c5d6e7f");
  ASSERT_EQ(result.status, LookupStatus::found) << result.error;
  EXPECT_EQ(result.info.pod, parse_docker_container(kDockerSandbox).info.pod);
  EXPECT_TRUE(result.info.pod.sandbox);
}

TEST(DockerJson, ContainerListEntryIsTheOneWithTheId) {
  // dockerd's id filter matches by pattern: other containers may be listed too.
  const std::string other = "a9d91818" + std::string(56, '0');
  auto body = R"([{"Id": ")" + other + R"(", "Names": ["/other"]}, 7, null,
      {"Id": ")" +
              kListedId + R"(", "Names": ["/client/db", "/db"]}])";
  auto result = parse_docker_list_entry(body, kListedId);
  ASSERT_EQ(result.status, LookupStatus::found) << result.error;
  EXPECT_EQ(result.info.name, "db") << "a legacy link's alias is not the name";
  EXPECT_EQ(parse_docker_list_entry(body, other).info.name, "other");
}

TEST(DockerJson, ContainerListWithoutTheContainerIsNotFound) {
  for (const char* body : {"[]", R"([{"Id": "a9d91818"}])", R"([{"Names": ["/x"]}])"}) {
    auto result = parse_docker_list_entry(body, kListedId);
    EXPECT_EQ(result.status, LookupStatus::not_found) << body;
    EXPECT_FALSE(result.partial);
  }
  EXPECT_EQ(parse_docker_list_entry(R"([{"Id": ""}])", "").status, LookupStatus::not_found);
}

TEST(DockerJson, ContainerListGarbageIsBadReply) {
  for (std::string body :
       {std::string(""), std::string("null"), std::string(kDockerContainer),
        std::string(R"({"message": "page not found"})"), std::string(kDockerList).substr(0, 200),
        std::string("<html><body>502 Bad Gateway</body></html>"), nested(100000)}) {
    auto result = parse_docker_list_entry(body, kListedId);
    EXPECT_EQ(result.status, LookupStatus::bad_reply) << body.substr(0, 80);
    EXPECT_FALSE(result.error.empty());
  }
}

TEST(DockerJson, ContainerListEntryWrongTypesAreIgnored) {
  auto result = parse_docker_list_entry(R"([{"Id": ")" + kListedId + R"(", "Names": "/x",
      "Image": 7, "ImageID": null, "Created": "1795788087", "Labels": ["a"], "State": 3}])",
                                        kListedId);
  ASSERT_EQ(result.status, LookupStatus::found) << result.error;
  ContainerInfo id_only;
  id_only.runtime = Runtime::docker;
  id_only.id = kListedId;
  EXPECT_EQ(result.info, id_only);
  for (const char* created : {"-5", "1e300", "2.5", "99999999999"}) {
    auto body = R"([{"Id": ")" + kListedId + R"(", "Created": )" + created + "}]";
    EXPECT_EQ(parse_docker_list_entry(body, kListedId).info.created_ns, 0) << created;
  }
  result =
      parse_docker_list_entry(R"([{"Id": ")" + kListedId + R"(", "Names": [1, "/x"]}])", kListedId);
  EXPECT_EQ(result.info.name, "x");
}

TEST(DockerJson, ImageInspectWrongTypes) {
  std::string error;
  auto image =
      parse_image_inspect(R"({"Id": "sha256:ab", "RepoDigests": "nginx@sha256:00"})", error);
  ASSERT_TRUE(image) << error;
  EXPECT_TRUE(image->repo_digests.empty());
  image = parse_image_inspect(R"({"Id": "x", "RepoDigests": [1, null, "a@sha256:00", {}]})", error);
  ASSERT_TRUE(image) << error;
  EXPECT_EQ(image->repo_digests, std::vector<std::string>{"a@sha256:00"});
  EXPECT_EQ(pick_repo_digest(image->repo_digests, "a"), "") << "not a valid digest";
}

TEST(DockerJson, PodmanPodName) {
  std::string error;
  EXPECT_EQ(parse_podman_pod_name(R"({"Id": "7c1d", "Name": "shop"})", error), "shop");
  EXPECT_FALSE(parse_podman_pod_name(R"({"Id": "7c1d", "Name": 3})", error));
  EXPECT_FALSE(parse_podman_pod_name("{", error));
}

struct TimeCase {
  const char* text;
  std::optional<std::int64_t> ns;
};

class Rfc3339 : public testing::TestWithParam<TimeCase> {};

TEST_P(Rfc3339, Parses) {
  EXPECT_EQ(parse_rfc3339_ns(GetParam().text), GetParam().ns);
}

INSTANTIATE_TEST_SUITE_P(
    Enrich, Rfc3339,
    testing::Values(TimeCase{"1970-01-01T00:00:00Z", 0},
                    TimeCase{"2026-11-27T14:01:27.117141106Z", 1795788087117141106},
                    TimeCase{"2026-11-27T14:01:27.85619894Z", 1795788087856198940},
                    TimeCase{"2026-11-27T14:01:27.1Z", 1795788087100000000},
                    TimeCase{"2026-11-27T15:01:27.117141106+01:00", 1795788087117141106},
                    TimeCase{"2026-11-27T09:31:27.117141106-04:30", 1795788087117141106},
                    TimeCase{"2026-11-27T14:01:27.1171411069999Z", 1795788087117141106},
                    TimeCase{"2024-02-29T00:00:00Z", 1709164800000000000},
                    TimeCase{"0001-01-01T00:00:00Z", std::nullopt},
                    TimeCase{"2023-02-29T00:00:00Z", std::nullopt},
                    TimeCase{"2026-13-01T00:00:00Z", std::nullopt},
                    TimeCase{"2026-11-27T14:01:27", std::nullopt},
                    TimeCase{"2026-11-27T14:01:27.Z", std::nullopt},
                    TimeCase{"2026-11-27T14:01:27Zjunk", std::nullopt},
                    TimeCase{"2026-11-27 14:01:27Z", 1795788087000000000},
                    TimeCase{"9999-12-31T23:59:59Z", std::nullopt},
                    TimeCase{"yesterday", std::nullopt}, TimeCase{"", std::nullopt}));

TEST(ImageRef, Repository) {
  EXPECT_EQ(repository_of("localhost:5000/app:1.0"), "localhost:5000/app");
  EXPECT_EQ(repository_of("localhost:5000/app"), "localhost:5000/app");
  EXPECT_EQ(repository_of("nginx@sha256:abc"), "nginx");
  EXPECT_EQ(repository_of("nginx:1.25@sha256:abc"), "nginx");
  EXPECT_EQ(repository_of("busybox"), "busybox");
}

TEST(ImageRef, DigestOfDigestedImageName) {
  const std::string digest =
      "sha256:3333333333333333333333333333333333333333333333333333333333333333";
  EXPECT_EQ(pick_repo_digest({}, "nginx@" + digest), digest);
  EXPECT_EQ(digest_of_reference("nginx@sha256:short"), "");
  EXPECT_EQ(normalize_image_id("6266d2ecfb874170ee06cda5fbd982d656b91d11d975f53be1e13389aaba4ce1"),
            "sha256:6266d2ecfb874170ee06cda5fbd982d656b91d11d975f53be1e13389aaba4ce1");
  EXPECT_EQ(normalize_image_id("sha256:ab"), "sha256:ab");
}

struct PodCase {
  const char* name;
  StringMap labels;
  StringMap annotations;
  PodInfo pod;
};

class PodLabels : public testing::TestWithParam<PodCase> {};

TEST_P(PodLabels, Reads) {
  EXPECT_EQ(pod_from_labels(GetParam().labels, GetParam().annotations), GetParam().pod);
}

INSTANTIATE_TEST_SUITE_P(Enrich, PodLabels,
                         testing::Values(PodCase{"no_labels", {}, {}, {}},
                                         PodCase{"kubelet_container",
                                                 {{"io.kubernetes.pod.name", "web-0"},
                                                  {"io.kubernetes.pod.namespace", "shop"},
                                                  {"io.kubernetes.pod.uid", "u1"},
                                                  {"io.kubernetes.container.name", "nginx"}},
                                                 {},
                                                 {"web-0", "shop", "u1", false}},
                                         PodCase{"dockershim_sandbox",
                                                 {{"io.kubernetes.docker.type", "podsandbox"},
                                                  {"io.kubernetes.pod.name", "p"}},
                                                 {},
                                                 {"p", "", "", true}},
                                         PodCase{"dockershim_container",
                                                 {{"io.kubernetes.docker.type", "container"}},
                                                 {},
                                                 {"", "", "", false}},
                                         PodCase{"containerd_sandbox_kind",
                                                 {{"io.cri-containerd.kind", "sandbox"}},
                                                 {},
                                                 {"", "", "", true}},
                                         PodCase{"containerd_annotations_only",
                                                 {},
                                                 {{"io.kubernetes.cri.container-type", "sandbox"},
                                                  {"io.kubernetes.cri.sandbox-name", "web-0"},
                                                  {"io.kubernetes.cri.sandbox-namespace", "shop"},
                                                  {"io.kubernetes.cri.sandbox-uid", "u1"}},
                                                 {"web-0", "shop", "u1", true}},
                                         PodCase{"labels_win_over_annotations",
                                                 {{"io.kubernetes.pod.name", "from-label"}},
                                                 {{"io.kubernetes.cri.sandbox-name",
                                                   "from-annotation"}},
                                                 {"from-label", "", "", false}},
                                         PodCase{"crio_sandbox",
                                                 {},
                                                 {{"io.kubernetes.cri-o.ContainerType", "sandbox"}},
                                                 {"", "", "", true}}),
                         [](const auto& info) { return std::string(info.param.name); });

// Trimmed from containerd 1.6's CRI plugin (ContainerStatus verbose, info["info"]).
constexpr const char* kCriContainerInfo = R"({
  "sandboxID": "9f3c2b1a0e4d5f6a7b8c9d0e1f2a3b4c5d6e7f8091a2b3c4d5e6f7a8b9c0d1e2",
  "pid": 31337,
  "removing": false,
  "snapshotKey": "k",
  "snapshotter": "overlayfs",
  "runtimeType": "io.containerd.runc.v2",
  "config": {"metadata": {"name": "app"},
             "image": {"image": "sha256:6266d2ecfb874170ee06cda5fbd982d656b91d11d975f53be1e13389aaba4ce1"},
             "labels": {"io.kubernetes.pod.name": "web-0"}},
  "runtimeSpec": {"ociVersion": "1.0.2-dev",
                  "annotations": {"io.kubernetes.cri.container-type": "container",
                                  "io.kubernetes.cri.sandbox-name": "web-0",
                                  "io.kubernetes.cri.sandbox-namespace": "shop"}}
})";

TEST(CriInfo, ContainerVerboseInfo) {
  auto info = parse_cri_verbose_info(kCriContainerInfo);
  EXPECT_EQ(info.pid, 31337);
  EXPECT_EQ(info.sandbox_id, "9f3c2b1a0e4d5f6a7b8c9d0e1f2a3b4c5d6e7f8091a2b3c4d5e6f7a8b9c0d1e2");
  EXPECT_TRUE(is_image_id(info.config_image));
  EXPECT_EQ(info.spec_annotations.at("io.kubernetes.cri.sandbox-namespace"), "shop");
}

TEST(CriInfo, SandboxVerboseInfo) {
  auto info = parse_cri_verbose_info(
      R"({"pid": 4000, "processStatus": "running", "image": "localhost/pause:1", "runtimeSpec": {}})");
  EXPECT_EQ(info.pid, 4000);
  EXPECT_EQ(info.sandbox_image, "localhost/pause:1");
  EXPECT_TRUE(info.spec_annotations.empty());
}

TEST(CriInfo, GarbageGivesNothing) {
  for (std::string_view body : {"", "{", "[]", "null", R"({"pid": "12", "sandboxID": 5})",
                                R"({"pid": 1e30, "config": "x", "runtimeSpec": []})"}) {
    auto info = parse_cri_verbose_info(body);
    EXPECT_EQ(info.pid, 0) << body;
    EXPECT_EQ(info.sandbox_id, "") << body;
    EXPECT_EQ(info.config_image, "") << body;
    EXPECT_TRUE(info.spec_annotations.empty()) << body;
  }
  EXPECT_TRUE(parse_oci_spec_annotations("not json").empty());
  EXPECT_EQ(parse_oci_spec_annotations(R"({"annotations": {"a": "1", "b": 2}})"),
            (StringMap{{"a", "1"}}));
}

TEST(OciManifest, ManifestGivesConfig) {
  auto step = parse_manifest_step(R"({
    "schemaVersion": 2,
    "mediaType": "application/vnd.docker.distribution.manifest.v2+json",
    "config": {"mediaType": "application/vnd.docker.container.image.v1+json", "size": 1000,
               "digest": "sha256:6266d2ecfb874170ee06cda5fbd982d656b91d11d975f53be1e13389aaba4ce1"},
    "layers": []})",
                                  "linux", "amd64");
  EXPECT_EQ(step.config_digest,
            "sha256:6266d2ecfb874170ee06cda5fbd982d656b91d11d975f53be1e13389aaba4ce1");
  EXPECT_EQ(step.manifest_digest, "");
}

TEST(OciManifest, IndexGivesPlatformManifest) {
  constexpr const char* index = R"({
    "schemaVersion": 2,
    "mediaType": "application/vnd.oci.image.index.v1+json",
    "manifests": [
      {"digest": "sha256:aaaa", "platform": {"architecture": "arm64", "os": "linux"}},
      {"digest": "sha256:bbbb", "platform": {"architecture": "amd64", "os": "linux"}},
      {"digest": "sha256:cccc", "platform": {"architecture": "amd64", "os": "windows"}}]})";
  EXPECT_EQ(parse_manifest_step(index, "linux", "amd64").manifest_digest, "sha256:bbbb");
  EXPECT_EQ(parse_manifest_step(index, "linux", "arm64").manifest_digest, "sha256:aaaa");
  EXPECT_EQ(parse_manifest_step(index, "linux", "s390x").manifest_digest, "");
  EXPECT_EQ(parse_manifest_step("garbage", "linux", "amd64").config_digest, "");
  EXPECT_EQ(parse_manifest_step(R"({"manifests": 5})", "linux", "amd64").manifest_digest, "");
  EXPECT_FALSE(host_architecture().empty());
}

// What stderr receives while `action` runs.
std::string stderr_of(const std::function<void()>& action) {
  std::fflush(stderr);
  FILE* capture = std::tmpfile();
  int saved = dup(STDERR_FILENO);
  dup2(fileno(capture), STDERR_FILENO);
  action();
  std::fflush(stderr);
  dup2(saved, STDERR_FILENO);
  close(saved);
  std::string text;
  std::rewind(capture);
  for (int c; (c = std::fgetc(capture)) != EOF;) text += static_cast<char>(c);
  std::fclose(capture);
  return text;
}

// A runtime's reply with a string field that is not UTF-8 fails to parse;
// protobuf's complaint goes to tracker's debug log, not straight to stderr.
TEST(ProtobufLog, RejectedFieldsGoToTheDebugLogOnly) {
  route_protobuf_log();
  const std::string reply("\x0a\x03\x0a\x01\xff", 5);  // status { id: "\xff" }
  runtime::v1::ContainerStatusResponse message;
  bool parsed = true;
  auto quiet = stderr_of([&] { parsed = message.ParseFromString(reply); });
  EXPECT_FALSE(parsed);
  EXPECT_EQ(quiet, "");

  set_log_level(LogLevel::debug);
  auto said = stderr_of([&] { parsed = message.ParseFromString(reply); });
  set_log_level(LogLevel::info);
  EXPECT_FALSE(parsed);
  EXPECT_NE(said.find("tracker: debug: protobuf: "), std::string::npos) << said;
  EXPECT_NE(said.find("runtime.v1.ContainerStatus.id"), std::string::npos) << said;
  EXPECT_NE(said.find("invalid UTF-8"), std::string::npos) << said;
}

}  // namespace
// A runtime's reply is input: a creation time no int64 of nanoseconds can
// hold (found by the containerd_reply fuzzer) is "unknown", not an overflow.
TEST(ContainerdReply, CreationTimesOutOfRangeAreUnknown) {
  containerd::services::containers::v1::Container container;
  container.set_id("web");
  auto* created = container.mutable_created_at();
  created->set_seconds(1'700'000'000);
  created->set_nanos(5);
  EXPECT_EQ(container_from_containerd(container).created_ns, 1'700'000'000'000'000'005);
  created->set_seconds(225'402'530'711);
  EXPECT_EQ(container_from_containerd(container).created_ns, 0);
  created->set_seconds(-1);
  EXPECT_EQ(container_from_containerd(container).created_ns, 0);
  created->set_seconds(1'700'000'000);
  created->set_nanos(-1);
  EXPECT_EQ(container_from_containerd(container).created_ns, 0);
}

}  // namespace tracker
