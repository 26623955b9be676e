// Parsing the lines of Docker's and Podman's event streams: lines captured
// from dockerd 20.10 and podman 4.3 on the test machines (GET /events and
// /v4.0.0/libpod/events, filtered to containers, while running
// `docker run … sh -c 'exit 7'`, a container OOM-killed under -m 32m, a
// healthcheck, and `podman run … sh -c 'exit 3'`), then what a broken or
// hostile runtime might send instead.
#include <gtest/gtest.h>

#include <optional>
#include <string>

#include "enrich/runtime_event_json.h"

namespace tracker {

void PrintTo(RuntimeEvent::Kind kind, std::ostream* os) {
  *os << to_string(kind);
}

namespace {

using Kind = RuntimeEvent::Kind;

// ---- captured from dockerd 20.10 ----------------------------------------------
constexpr const char* kDockerCreate =
    R"json({"status":"create","id":"6a480c1ee196fa3c8f593b0a5948f1d28e8e82007151b45b45d5148f936da9b3","from":"localhost/tracker-test/busybox:latest","Type":"container","Action":"create","Actor":{"ID":"6a480c1ee196fa3c8f593b0a5948f1d28e8e82007151b45b45d5148f936da9b3","Attributes":{"app":"probe","com.docker.compose.project":"demo","com.docker.compose.service":"web","image":"localhost/tracker-test/busybox:latest","io.kubernetes.pod.name":"web-0","name":"sh-cap-d7","org.khulnasoft.tracker.test":"1"}},"scope":"local","time":1796671789,"timeNano":1796671789766828837})json";
constexpr const char* kDockerAttach =
    R"json({"status":"attach","id":"6a480c1ee196fa3c8f593b0a5948f1d28e8e82007151b45b45d5148f936da9b3","from":"localhost/tracker-test/busybox:latest","Type":"container","Action":"attach","Actor":{"ID":"6a480c1ee196fa3c8f593b0a5948f1d28e8e82007151b45b45d5148f936da9b3","Attributes":{"app":"probe","com.docker.compose.project":"demo","com.docker.compose.service":"web","image":"localhost/tracker-test/busybox:latest","io.kubernetes.pod.name":"web-0","name":"sh-cap-d7","org.khulnasoft.tracker.test":"1"}},"scope":"local","time":1796671789,"timeNano":1796671789780814967})json";
constexpr const char* kDockerStart =
    R"json({"status":"start","id":"6a480c1ee196fa3c8f593b0a5948f1d28e8e82007151b45b45d5148f936da9b3","from":"localhost/tracker-test/busybox:latest","Type":"container","Action":"start","Actor":{"ID":"6a480c1ee196fa3c8f593b0a5948f1d28e8e82007151b45b45d5148f936da9b3","Attributes":{"app":"probe","com.docker.compose.project":"demo","com.docker.compose.service":"web","image":"localhost/tracker-test/busybox:latest","io.kubernetes.pod.name":"web-0","name":"sh-cap-d7","org.khulnasoft.tracker.test":"1"}},"scope":"local","time":1796671790,"timeNano":1796671790778540836})json";
constexpr const char* kDockerDie =
    R"json({"status":"die","id":"6a480c1ee196fa3c8f593b0a5948f1d28e8e82007151b45b45d5148f936da9b3","from":"localhost/tracker-test/busybox:latest","Type":"container","Action":"die","Actor":{"ID":"6a480c1ee196fa3c8f593b0a5948f1d28e8e82007151b45b45d5148f936da9b3","Attributes":{"app":"probe","com.docker.compose.project":"demo","com.docker.compose.service":"web","exitCode":"7","image":"localhost/tracker-test/busybox:latest","io.kubernetes.pod.name":"web-0","name":"sh-cap-d7","org.khulnasoft.tracker.test":"1"}},"scope":"local","time":1796671790,"timeNano":1796671790889294866})json";
constexpr const char* kDockerDestroy =
    R"json({"status":"destroy","id":"6a480c1ee196fa3c8f593b0a5948f1d28e8e82007151b45b45d5148f936da9b3","from":"localhost/tracker-test/busybox:latest","Type":"container","Action":"destroy","Actor":{"ID":"6a480c1ee196fa3c8f593b0a5948f1d28e8e82007151b45b45d5148f936da9b3","Attributes":{"app":"probe","com.docker.compose.project":"demo","com.docker.compose.service":"web","image":"localhost/tracker-test/busybox:latest","io.kubernetes.pod.name":"web-0","name":"sh-cap-d7","org.khulnasoft.tracker.test":"1"}},"scope":"local","time":1796671791,"timeNano":1796671791072214737})json";
constexpr const char* kDockerOom =
    R"json({"status":"oom","id":"b6cdda29afca650072f7539e1d815591b94ebbeb2c03744181b8235b12139d04","from":"localhost/tracker-test/busybox:latest","Type":"container","Action":"oom","Actor":{"ID":"b6cdda29afca650072f7539e1d815591b94ebbeb2c03744181b8235b12139d04","Attributes":{"image":"localhost/tracker-test/busybox:latest","name":"sh-cap-doom","org.khulnasoft.tracker.test":"1"}},"scope":"local","time":1796671794,"timeNano":1796671794202125995})json";
constexpr const char* kDockerDieOom =
    R"json({"status":"die","id":"b6cdda29afca650072f7539e1d815591b94ebbeb2c03744181b8235b12139d04","from":"localhost/tracker-test/busybox:latest","Type":"container","Action":"die","Actor":{"ID":"b6cdda29afca650072f7539e1d815591b94ebbeb2c03744181b8235b12139d04","Attributes":{"exitCode":"137","image":"localhost/tracker-test/busybox:latest","name":"sh-cap-doom","org.khulnasoft.tracker.test":"1"}},"scope":"local","time":1796671794,"timeNano":1796671794317261764})json";
constexpr const char* kDockerExecDie =
    R"json({"status":"exec_die","id":"d5b21289699d79f736c050b507aa5c5a1966cdb14f3ea10f4dd05fda25803098","from":"localhost/tracker-test/busybox:latest","Type":"container","Action":"exec_die","Actor":{"ID":"d5b21289699d79f736c050b507aa5c5a1966cdb14f3ea10f4dd05fda25803098","Attributes":{"execID":"abb29d2194ed0f3b2ed0c561dccd0ede85e46699cd6cfbe51c71aa79b6104b8f","exitCode":"1","image":"localhost/tracker-test/busybox:latest","name":"sh-cap-dh","org.khulnasoft.tracker.test":"1"}},"scope":"local","time":1796671797,"timeNano":1796671797028071797})json";
constexpr const char* kDockerExecCreate =
    R"json({"status":"exec_create: /bin/sh -c test -f /tmp/ok","id":"d5b21289699d79f736c050b507aa5c5a1966cdb14f3ea10f4dd05fda25803098","from":"localhost/tracker-test/busybox:latest","Type":"container","Action":"exec_create: /bin/sh -c test -f /tmp/ok","Actor":{"ID":"d5b21289699d79f736c050b507aa5c5a1966cdb14f3ea10f4dd05fda25803098","Attributes":{"execID":"abb29d2194ed0f3b2ed0c561dccd0ede85e46699cd6cfbe51c71aa79b6104b8f","image":"localhost/tracker-test/busybox:latest","name":"sh-cap-dh","org.khulnasoft.tracker.test":"1"}},"scope":"local","time":1796671796,"timeNano":1796671796857980431})json";
constexpr const char* kDockerUnhealthy =
    R"json({"status":"health_status: unhealthy","id":"d5b21289699d79f736c050b507aa5c5a1966cdb14f3ea10f4dd05fda25803098","from":"localhost/tracker-test/busybox:latest","Type":"container","Action":"health_status: unhealthy","Actor":{"ID":"d5b21289699d79f736c050b507aa5c5a1966cdb14f3ea10f4dd05fda25803098","Attributes":{"image":"localhost/tracker-test/busybox:latest","name":"sh-cap-dh","org.khulnasoft.tracker.test":"1"}},"scope":"local","time":1796671797,"timeNano":1796671797040670195})json";
constexpr const char* kDockerHealthy =
    R"json({"status":"health_status: healthy","id":"d5b21289699d79f736c050b507aa5c5a1966cdb14f3ea10f4dd05fda25803098","from":"localhost/tracker-test/busybox:latest","Type":"container","Action":"health_status: healthy","Actor":{"ID":"d5b21289699d79f736c050b507aa5c5a1966cdb14f3ea10f4dd05fda25803098","Attributes":{"image":"localhost/tracker-test/busybox:latest","name":"sh-cap-dh","org.khulnasoft.tracker.test":"1"}},"scope":"local","time":1796671798,"timeNano":1796671798333728090})json";
constexpr const char* kDockerKill =
    R"json({"status":"kill","id":"d5b21289699d79f736c050b507aa5c5a1966cdb14f3ea10f4dd05fda25803098","from":"localhost/tracker-test/busybox:latest","Type":"container","Action":"kill","Actor":{"ID":"d5b21289699d79f736c050b507aa5c5a1966cdb14f3ea10f4dd05fda25803098","Attributes":{"image":"localhost/tracker-test/busybox:latest","name":"sh-cap-dh","org.khulnasoft.tracker.test":"1","signal":"9"}},"scope":"local","time":1796671805,"timeNano":1796671805607231106})json";
// ---- captured from podman 4.3 (its API service; the container run by the CLI) ----
constexpr const char* kPodmanCreate =
    R"json({"status":"create","id":"b79e9f743fb4352bac992e5902d68fd4f872b79f9916e88ea2bf68be9d7cc2c1","from":"localhost/tracker-test/busybox:latest","Type":"container","Action":"create","Actor":{"ID":"b79e9f743fb4352bac992e5902d68fd4f872b79f9916e88ea2bf68be9d7cc2c1","Attributes":{"app":"probe","containerExitCode":"0","image":"localhost/tracker-test/busybox:latest","io.kubernetes.pod.namespace":"shop","name":"sh-cap-p3","org.khulnasoft.tracker.test":"1","podId":""}},"scope":"local","time":1796671806,"timeNano":1796671806649616167})json";
constexpr const char* kPodmanInit =
    R"json({"status":"init","id":"b79e9f743fb4352bac992e5902d68fd4f872b79f9916e88ea2bf68be9d7cc2c1","from":"localhost/tracker-test/busybox:latest","Type":"container","Action":"init","Actor":{"ID":"b79e9f743fb4352bac992e5902d68fd4f872b79f9916e88ea2bf68be9d7cc2c1","Attributes":{"app":"probe","containerExitCode":"0","image":"localhost/tracker-test/busybox:latest","io.kubernetes.pod.namespace":"shop","name":"sh-cap-p3","org.khulnasoft.tracker.test":"1","podId":""}},"scope":"local","time":1796671807,"timeNano":1796671807003361546})json";
constexpr const char* kPodmanStart =
    R"json({"status":"start","id":"b79e9f743fb4352bac992e5902d68fd4f872b79f9916e88ea2bf68be9d7cc2c1","from":"localhost/tracker-test/busybox:latest","Type":"container","Action":"start","Actor":{"ID":"b79e9f743fb4352bac992e5902d68fd4f872b79f9916e88ea2bf68be9d7cc2c1","Attributes":{"app":"probe","containerExitCode":"0","image":"localhost/tracker-test/busybox:latest","io.kubernetes.pod.namespace":"shop","name":"sh-cap-p3","org.khulnasoft.tracker.test":"1","podId":""}},"scope":"local","time":1796671807,"timeNano":1796671807107682639})json";
constexpr const char* kPodmanDied =
    R"json({"status":"died","id":"b79e9f743fb4352bac992e5902d68fd4f872b79f9916e88ea2bf68be9d7cc2c1","from":"localhost/tracker-test/busybox:latest","Type":"container","Action":"died","Actor":{"ID":"b79e9f743fb4352bac992e5902d68fd4f872b79f9916e88ea2bf68be9d7cc2c1","Attributes":{"app":"probe","containerExitCode":"3","image":"localhost/tracker-test/busybox:latest","io.kubernetes.pod.namespace":"shop","name":"sh-cap-p3","org.khulnasoft.tracker.test":"1","podId":""}},"scope":"local","time":1796671807,"timeNano":1796671807110539876})json";
constexpr const char* kPodmanCleanup =
    R"json({"status":"cleanup","id":"b79e9f743fb4352bac992e5902d68fd4f872b79f9916e88ea2bf68be9d7cc2c1","from":"localhost/tracker-test/busybox:latest","Type":"container","Action":"cleanup","Actor":{"ID":"b79e9f743fb4352bac992e5902d68fd4f872b79f9916e88ea2bf68be9d7cc2c1","Attributes":{"app":"probe","containerExitCode":"0","image":"localhost/tracker-test/busybox:latest","io.kubernetes.pod.namespace":"shop","name":"sh-cap-p3","org.khulnasoft.tracker.test":"1","podId":""}},"scope":"local","time":1796671807,"timeNano":1796671807427564004})json";
constexpr const char* kPodmanRemove =
    R"json({"status":"remove","id":"b79e9f743fb4352bac992e5902d68fd4f872b79f9916e88ea2bf68be9d7cc2c1","from":"localhost/tracker-test/busybox:latest","Type":"container","Action":"remove","Actor":{"ID":"b79e9f743fb4352bac992e5902d68fd4f872b79f9916e88ea2bf68be9d7cc2c1","Attributes":{"app":"probe","containerExitCode":"0","image":"localhost/tracker-test/busybox:latest","io.kubernetes.pod.namespace":"shop","name":"sh-cap-p3","org.khulnasoft.tracker.test":"1","podId":""}},"scope":"local","time":1796671807,"timeNano":1796671807675326780})json";
constexpr const char* kPodmanHealthStarting =
    R"json({"status":"health_status","id":"ffc0204237f5a74ee880236f63bfe55c46f1109cf2069a6a873cd466b9d3dfcb","from":"localhost/tracker-test/busybox:latest","Type":"container","Action":"health_status","Actor":{"ID":"ffc0204237f5a74ee880236f63bfe55c46f1109cf2069a6a873cd466b9d3dfcb","Attributes":{"containerExitCode":"0","image":"localhost/tracker-test/busybox:latest","name":"sh-cap-ph","org.khulnasoft.tracker.test":"1","podId":""}},"scope":"local","time":1796671814,"timeNano":1796671814449953863,"HealthStatus":"starting"})json";
constexpr const char* kPodmanExecDied =
    R"json({"status":"exec_died","id":"ffc0204237f5a74ee880236f63bfe55c46f1109cf2069a6a873cd466b9d3dfcb","from":"localhost/tracker-test/busybox:latest","Type":"container","Action":"exec_died","Actor":{"ID":"ffc0204237f5a74ee880236f63bfe55c46f1109cf2069a6a873cd466b9d3dfcb","Attributes":{"containerExitCode":"1","image":"localhost/tracker-test/busybox:latest","name":"sh-cap-ph","org.khulnasoft.tracker.test":"1","podId":""}},"scope":"local","time":1796671814,"timeNano":1796671814466512281})json";
constexpr const char* kPodmanSync =
    R"json({"status":"sync","id":"e2627e925589ff49e74cd6030931c8a1ea364e092e9736b6c2f987748d331906","from":"localhost/tracker-test/busybox:latest","Type":"container","Action":"sync","Actor":{"ID":"e2627e925589ff49e74cd6030931c8a1ea364e092e9736b6c2f987748d331906","Attributes":{"containerExitCode":"0","image":"localhost/tracker-test/busybox:latest","name":"sh-cap-pa","org.khulnasoft.tracker.test":"1","podId":""}},"scope":"local","time":1796671817,"timeNano":1796671817868288457})json";

// From the unfiltered stream: the network's view of the same container.
constexpr const char* kDockerNetworkConnect =
    R"json({"Type":"network","Action":"connect","Actor":{"ID":"31dd09eb8b3173f18e76c301228d1c64262d0d283d99dfc425044d28fa473991","Attributes":{"container":"6a480c1ee196fa3c8f593b0a5948f1d28e8e82007151b45b45d5148f936da9b3","name":"none","type":"null"}},"scope":"local","time":1796671789,"timeNano":1796671789829106096})json";

const std::string kDockerId = "6a480c1ee196fa3c8f593b0a5948f1d28e8e82007151b45b45d5148f936da9b3";
const std::string kPodmanId = "b79e9f743fb4352bac992e5902d68fd4f872b79f9916e88ea2bf68be9d7cc2c1";
const std::string kImage = "localhost/tracker-test/busybox:latest";

std::optional<RuntimeEvent> parse(Runtime runtime, std::string_view line, std::string* error) {
  return runtime == Runtime::docker ? parse_docker_event(line, error)
                                    : parse_podman_event(line, error);
}

TEST(EventJson, DockerCreateCarriesNameImageLabelsAndPod) {
  std::string error;
  auto event = parse_docker_event(kDockerCreate, &error);
  ASSERT_TRUE(event) << error;
  RuntimeEvent expected;
  expected.kind = Kind::created;
  expected.runtime = Runtime::docker;
  expected.container_id = kDockerId;
  expected.time_ns = 1796671789766828837;
  expected.info.runtime = Runtime::docker;
  expected.info.id = kDockerId;
  expected.info.name = "sh-cap-d7";
  expected.info.image = kImage;
  expected.info.labels = {{"app", "probe"},
                          {"com.docker.compose.project", "demo"},
                          {"com.docker.compose.service", "web"},
                          {"io.kubernetes.pod.name", "web-0"},
                          {"org.khulnasoft.tracker.test", "1"}};  // the image's label
  expected.info.pod.name = "web-0";
  EXPECT_EQ(*event, expected);
}

TEST(EventJson, PodmanCreateCarriesNameImageLabelsAndPod) {
  std::string error;
  auto event = parse_podman_event(kPodmanCreate, &error);
  ASSERT_TRUE(event) << error;
  RuntimeEvent expected;
  expected.kind = Kind::created;
  expected.runtime = Runtime::podman;
  expected.container_id = kPodmanId;
  expected.time_ns = 1796671806649616167;
  expected.info.runtime = Runtime::podman;
  expected.info.id = kPodmanId;
  expected.info.name = "sh-cap-p3";
  expected.info.image = kImage;
  // Not containerExitCode, podId: podman's own attributes.
  expected.info.labels = {{"app", "probe"},
                          {"io.kubernetes.pod.namespace", "shop"},
                          {"org.khulnasoft.tracker.test", "1"}};
  expected.info.pod.namespace_name = "shop";
  EXPECT_EQ(*event, expected);
}

TEST(EventJson, PodmanPodIdIsTheRuntimePod) {
  std::string line = kPodmanStart;
  line.replace(line.find(R"("podId":"")"), 10, R"("podId":"7c1d0e2f")");
  auto event = parse_podman_event(line);
  ASSERT_TRUE(event);
  EXPECT_EQ(event->info.runtime_pod.id, "7c1d0e2f");
  EXPECT_EQ(event->info.labels.count("podId"), 0u);
}

struct EventCase {
  const char* what;
  Runtime runtime;
  std::string line;
  std::optional<Kind> kind;  // nullopt: no event
  bool malformed = false;    // nullopt with an error
  std::optional<int> exit_code = std::nullopt;
  std::string health = "";
  std::int64_t time_ns = -1;  // -1: not checked
};

class Events : public ::testing::TestWithParam<EventCase> {};

TEST_P(Events, Parse) {
  const auto& param = GetParam();
  std::string error;
  auto event = parse(param.runtime, param.line, &error);
  if (!param.kind) {
    EXPECT_FALSE(event) << "kind " << static_cast<int>(event->kind);
    EXPECT_EQ(!error.empty(), param.malformed) << error;
    return;
  }
  ASSERT_TRUE(event) << error;
  EXPECT_TRUE(error.empty());
  EXPECT_EQ(event->kind, *param.kind);
  EXPECT_EQ(event->runtime, param.runtime);
  EXPECT_EQ(event->exit_code, param.exit_code);
  EXPECT_EQ(event->health, param.health);
  EXPECT_FALSE(event->container_id.empty());
  if (param.time_ns >= 0) EXPECT_EQ(event->time_ns, param.time_ns);
}

std::string with(std::string line, const std::string& from, const std::string& to) {
  auto at = line.find(from);
  if (at == std::string::npos) throw std::logic_error("no " + from + " in the sample");
  return line.replace(at, from.size(), to);
}

constexpr auto D = Runtime::docker;
constexpr auto P = Runtime::podman;

INSTANTIATE_TEST_SUITE_P(
    Captured, Events,
    ::testing::Values(
        EventCase{"docker_create", D, kDockerCreate, Kind::created},
        EventCase{"docker_attach_is_not_used", D, kDockerAttach, std::nullopt},
        EventCase{
            "docker_start", D, kDockerStart, Kind::started, false, {}, "", 1796671790778540836},
        EventCase{"docker_die_exit_7", D, kDockerDie, Kind::exited, false, 7},
        EventCase{"docker_destroy", D, kDockerDestroy, Kind::destroyed},
        EventCase{"docker_oom", D, kDockerOom, Kind::oom},
        EventCase{"docker_die_after_oom_137", D, kDockerDieOom, Kind::exited, false, 137},
        EventCase{"docker_exec_die_is_not_the_init", D, kDockerExecDie, std::nullopt},
        EventCase{"docker_exec_create", D, kDockerExecCreate, std::nullopt},
        EventCase{"docker_kill", D, kDockerKill, std::nullopt},
        EventCase{"docker_unhealthy", D, kDockerUnhealthy, Kind::health, false, {}, "unhealthy"},
        EventCase{"docker_healthy", D, kDockerHealthy, Kind::health, false, {}, "healthy"},
        EventCase{"docker_network_event", D, kDockerNetworkConnect, std::nullopt},
        EventCase{"podman_create", P, kPodmanCreate, Kind::created},
        EventCase{"podman_init_is_not_used", P, kPodmanInit, std::nullopt},
        EventCase{"podman_start", P, kPodmanStart, Kind::started},
        EventCase{"podman_died_exit_3", P, kPodmanDied, Kind::exited, false, 3, "",
                  1796671807110539876},
        EventCase{"podman_cleanup_is_not_removal", P, kPodmanCleanup, std::nullopt},
        EventCase{"podman_remove", P, kPodmanRemove, Kind::destroyed},
        EventCase{"podman_health_starting",
                  P,
                  kPodmanHealthStarting,
                  Kind::health,
                  false,
                  {},
                  "starting"},
        EventCase{"podman_exec_died", P, kPodmanExecDied, std::nullopt},
        EventCase{"podman_sync", P, kPodmanSync, std::nullopt}),
    [](const auto& info) { return std::string(info.param.what); });

INSTANTIATE_TEST_SUITE_P(
    Variants, Events,
    ::testing::Values(
        // Each runtime's words are its own: Docker's "died" and Podman's "die" are no exits.
        EventCase{"docker_line_to_podman_die", P, kDockerDie, std::nullopt},
        EventCase{"podman_line_to_docker_died", D, kPodmanDied, std::nullopt},
        EventCase{"podman_health_in_attributes",
                  P,
                  with(with(kPodmanHealthStarting, R"(,"HealthStatus":"starting")", ""),
                       R"("podId":"")", R"("podId":"","health_status":"healthy")"),
                  Kind::health,
                  false,
                  {},
                  "healthy"},
        EventCase{"exit_code_not_a_number", D,
                  with(kDockerDie, R"("exitCode":"7")", R"("exitCode":"7x")"), Kind::exited},
        EventCase{"exit_code_out_of_range", D,
                  with(kDockerDie, R"("exitCode":"7")", R"("exitCode":"99999999999")"),
                  Kind::exited},
        EventCase{"exit_code_missing", P, with(kPodmanDied, R"("containerExitCode":"3",)", ""),
                  Kind::exited},
        EventCase{"negative_exit_code_as_said", P,
                  with(kPodmanDied, R"("containerExitCode":"3")", R"("containerExitCode":"-1")"),
                  Kind::exited, false, -1},
        EventCase{"time_without_nanoseconds",
                  D,
                  with(kDockerStart, R"(,"timeNano":1796671790778540836)", ""),
                  Kind::started,
                  false,
                  {},
                  "",
                  1796671790000000000},
        EventCase{"no_time",
                  D,
                  with(with(kDockerStart, R"(,"timeNano":1796671790778540836)", ""),
                       R"(,"time":1796671790)", ""),
                  Kind::started,
                  false,
                  {},
                  "",
                  0},
        EventCase{"time_out_of_range",
                  D,
                  with(with(kDockerStart, R"(,"timeNano":1796671790778540836)", ""),
                       R"("time":1796671790)", R"("time":99999999999999999)"),
                  Kind::started,
                  false,
                  {},
                  "",
                  0},
        EventCase{"old_docker_id_without_actor", D,
                  R"({"status":"start","id":"abc","from":"x","Type":"container","Action":"start"})",
                  Kind::started},
        EventCase{"status_without_action", P,
                  R"({"status":"remove","Type":"container","Actor":{"ID":"abc"}})",
                  Kind::destroyed}));

INSTANTIATE_TEST_SUITE_P(
    Malformed, Events,
    ::testing::Values(
        EventCase{"empty", D, "", std::nullopt, true},
        EventCase{"not_json", D, "event: start", std::nullopt, true},
        EventCase{"truncated", P, std::string(kPodmanStart).substr(0, 200), std::nullopt, true},
        EventCase{"two_objects", D, std::string(kDockerStart) + kDockerStart, std::nullopt, true},
        EventCase{"array", D, "[1,2]", std::nullopt, true},
        EventCase{"string", P, R"("container")", std::nullopt, true},
        EventCase{"no_type", D, R"({"Action":"start","Actor":{"ID":"abc"}})", std::nullopt, true},
        EventCase{"type_not_a_string", D, R"({"Type":1,"Action":"start","Actor":{"ID":"abc"}})",
                  std::nullopt, true},
        EventCase{"no_action", D, R"({"Type":"container","Actor":{"ID":"abc"}})", std::nullopt,
                  true},
        EventCase{"no_id", P, R"({"Type":"container","Action":"start","Actor":{}})", std::nullopt,
                  true},
        EventCase{"id_not_a_string", D, R"({"Type":"container","Action":"start","Actor":{"ID":7}})",
                  std::nullopt, true},
        EventCase{"unknown_health", D,
                  with(kDockerHealthy, R"("Action":"health_status: healthy")",
                       R"("Action":"health_status: dancing")"),
                  std::nullopt, true},
        EventCase{"podman_health_without_status", P,
                  with(kPodmanHealthStarting, R"(,"HealthStatus":"starting")", ""), std::nullopt,
                  true},
        EventCase{"unknown_action_is_not_malformed", D,
                  R"({"Type":"container","Action":"teleport","Actor":{"ID":"abc"}})", std::nullopt,
                  false}),
    [](const auto& info) { return std::string(info.param.what); });

TEST(EventJson, StringsAreSanitised) {
  std::string line = with(kDockerCreate, R"("name":"sh-cap-d7")", "\"name\":\"web\xff\\u0000x\"");
  line = with(line, R"("app":"probe")", "\"app\":\"" + std::string(5000, 'v') + "\"");
  auto event = parse_docker_event(line);
  ASSERT_TRUE(event);
  EXPECT_EQ(event->info.name, "web\xef\xbf\xbd\xef\xbf\xbdx");
  EXPECT_EQ(event->info.labels.at("app").size(), 4096u);
}

TEST(EventJson, AttributesThatAreNotLabels) {
  auto die = parse_docker_event(kDockerDie);
  ASSERT_TRUE(die);
  EXPECT_EQ(die->info.labels.count("exitCode"), 0u);
  EXPECT_EQ(die->info.labels.count("name"), 0u);
  EXPECT_EQ(die->info.labels.count("image"), 0u);
  EXPECT_EQ(die->info.labels.at("com.docker.compose.service"), "web");
  auto died = parse_podman_event(kPodmanDied);
  ASSERT_TRUE(died);
  EXPECT_EQ(died->info.labels.count("containerExitCode"), 0u);
  EXPECT_EQ(died->info.labels.count("podId"), 0u);
  EXPECT_EQ(died->info.name, "sh-cap-p3");
}

TEST(EventJson, ErrorIsOptional) {
  EXPECT_FALSE(parse_docker_event("garbage"));
  EXPECT_FALSE(parse_podman_event("garbage"));
}

}  // namespace
}  // namespace tracker
