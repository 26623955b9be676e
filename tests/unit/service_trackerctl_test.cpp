// trackerctl against the D-Bus service and a fake backend on a private bus:
// tables, JSON, exit codes and `monitor`.

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <json/json.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fstream>
#include <iterator>

#include "service/dbus_names.h"
#include "service/object_path.h"
#include "tests/common/prerequisite.h"
#include "tests/unit/service_bus_fixture.h"

namespace tracker::testing {
namespace {

namespace names = dbus_names;
using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;

Json::Value parse(const std::string& text) {
  Json::Value value;
  Json::CharReaderBuilder builder;
  std::string errors;
  std::unique_ptr<Json::CharReader> reader(builder.newCharReader());
  EXPECT_TRUE(reader->parse(text.data(), text.data() + text.size(), &value, &errors))
      << errors << "\n"
      << text;
  return value;
}

class TrackerctlTest : public ::testing::Test {
 protected:
  void SetUp() override {
    REQUIRE_PREREQUISITE(!bus_.address().empty(), "a private bus: " + bus_.error());
  }

  void start(std::optional<uid_t> privileged = getuid()) {
    AuthorizerOptions options;
    options.privileged_uid = privileged;
    service_ = std::make_unique<ServiceHarness>(bus_.address(), options, [](FakeBackend& backend) {
      fill_sample(backend);
      // Its first process has not run yet.
      backend.containers_.at(hex_id("f00d")).state = "created";
    });
    ASSERT_EQ(service_->start_error(), "");
  }

  std::vector<std::string> env() const {
    return {"DBUS_SYSTEM_BUS_ADDRESS=" + bus_.address(), "LC_ALL=C", "TZ=UTC"};
  }

  ProcessResult trackerctl(std::vector<std::string> args) {
    args.insert(args.begin(), trackerctl_path());
    return run_process(args, env());
  }

  const std::string nginx_ = hex_id("abc1");
  const std::string web_ = hex_id("abc2");
  const std::string pending_ = hex_id("f00d");
  PrivateBus bus_;
  std::unique_ptr<ServiceHarness> service_;
};

TEST_F(TrackerctlTest, ContainersListsRunningContainersInATable) {
  start();
  auto result = trackerctl({"containers"});
  ASSERT_EQ(result.status, 0) << result.err;
  EXPECT_THAT(result.out, StartsWith("CONTAINER ID"));
  EXPECT_THAT(result.out, HasSubstr(nginx_.substr(0, 12) + " nginx"));
  EXPECT_THAT(result.out, HasSubstr("shop/web-7d9f"));
  EXPECT_THAT(result.out, Not(HasSubstr(pending_.substr(0, 12))));
  EXPECT_THAT(result.out, HasSubstr("\n2 containers listed.\n"));
}

TEST_F(TrackerctlTest, ContainersAllAddsCreatedOnes) {
  start();
  auto result = trackerctl({"containers", "--all", "--no-legend"});
  ASSERT_EQ(result.status, 0) << result.err;
  EXPECT_THAT(result.out, Not(HasSubstr("CONTAINER ID")));
  EXPECT_THAT(result.out, Not(HasSubstr("listed")));
  EXPECT_THAT(result.out, HasSubstr(pending_.substr(0, 12)));
  EXPECT_THAT(result.out, HasSubstr("created"));
  EXPECT_EQ(std::count(result.out.begin(), result.out.end(), '\n'), 3);
}

TEST_F(TrackerctlTest, ContainersJsonIsParseable) {
  start();
  auto result = trackerctl({"containers", "--all", "--json"});
  ASSERT_EQ(result.status, 0) << result.err;
  auto root = parse(result.out);
  ASSERT_EQ(root["containers"].size(), 3u);
  const auto& web = root["containers"][1];
  EXPECT_EQ(web["id"].asString(), web_);
  EXPECT_EQ(web["name"].asString(), "web");
  EXPECT_EQ(web["podNamespace"].asString(), "shop");
  EXPECT_EQ(web["state"].asString(), "running");
  EXPECT_EQ(web["createdTimestamp"].asUInt64(), 1'714'000'000'123'456u);
  EXPECT_EQ(web["objectPath"].asString(), container_object_path(web_));
  EXPECT_EQ(root["containers"][2]["state"].asString(), "created");
  // --json is global: before the subcommand too.
  EXPECT_EQ(parse(trackerctl({"--json", "containers"}).out)["containers"].size(), 2u);
}

TEST_F(TrackerctlTest, NoContainersSaysSo) {
  service_ = std::make_unique<ServiceHarness>(bus_.address(), AuthorizerOptions{getuid()},
                                              [](FakeBackend&) {});
  auto result = trackerctl({"containers"});
  EXPECT_EQ(result.status, 0);
  EXPECT_EQ(result.out, "No containers.\n");
}

// More containers than one GetManagedObjects reply may carry: the list
// comes from ListContainers alone.
TEST_F(TrackerctlTest, ContainersAreListedWhenGetManagedObjectsIsRefused) {
  AuthorizerOptions options;
  options.privileged_uid = getuid();
  service_ = std::make_unique<ServiceHarness>(bus_.address(), options, fill_sample, 1024);
  ASSERT_EQ(service_->start_error(), "");
  auto result = trackerctl({"containers", "--all", "--no-legend"});
  ASSERT_EQ(result.status, 0) << result.err;
  EXPECT_THAT(result.out, HasSubstr(nginx_.substr(0, 12) + " nginx"));
  EXPECT_THAT(result.out, HasSubstr("shop/web-7d9f"));
  EXPECT_EQ(std::count(result.out.begin(), result.out.end(), '\n'), 3);
}

TEST_F(TrackerctlTest, ContainerShowsEveryProperty) {
  start();
  auto result = trackerctl({"container", "web"});
  ASSERT_EQ(result.status, 0) << result.err;
  for (const char* expected :
       {"Id: ", "Name: web", "Image: docker.io/library/web:1.25",
        "Image Digest: sha256:", "Image Id: sha256:", "Runtime: containerd",
        "State: running (healthy)", "Origin: created while tracker ran", "Enrichment: done",
        "Created: ", "Started: ", "Init PID: 4321", "Cgroup: /docker/", "Cgroup Id: 4242",
        "Pod: shop/web-7d9f", "Pod UID: 0b7c7b8e", "Labels: com.example.team=blue",
        "maintainer=ops@example.com", "Object Path: /org/khulnasoft/Tracker1/container/"})
    EXPECT_THAT(result.out, HasSubstr(expected));
  EXPECT_THAT(result.out, StartsWith(web_.substr(0, 12) + " (web)\n"));
  EXPECT_THAT(result.out, HasSubstr("Created: Wed 2024-04-24 23:06:40 UTC;"));
}

TEST_F(TrackerctlTest, ContainerJsonHasEveryField) {
  start();
  auto result = trackerctl({"container", "--json", nginx_.substr(0, 6)});
  ASSERT_EQ(result.status, 0) << result.err;
  auto c = parse(result.out);
  EXPECT_EQ(c["id"].asString(), nginx_);
  EXPECT_EQ(c["labels"]["com.example.team"].asString(), "blue");
  EXPECT_EQ(c["initPid"].asUInt(), 4321u);
  EXPECT_EQ(c["cgroupId"].asUInt64(), 4242u);
  EXPECT_EQ(c["startedTimestamp"].asUInt64(), 1'714'000'001'000'000u);
  EXPECT_FALSE(c["podSandbox"].asBool());
  for (const char* key : {"imageDigest", "imageId", "origin", "started", "state", "enrichment",
                          "cgroupPath", "createdTimestamp", "podName", "podNamespace", "podUID",
                          "objectPath", "runtime", "image", "name"})
    EXPECT_TRUE(c.isMember(key)) << key;
}

struct ExitCase {
  const char* what;
  std::vector<std::string> args;
  int status;
  const char* message;
};

class TrackerctlExitTest : public TrackerctlTest, public ::testing::WithParamInterface<ExitCase> {};

TEST_P(TrackerctlExitTest, ExitsWithTheDocumentedCode) {
  start();
  auto result = trackerctl(GetParam().args);
  EXPECT_EQ(result.status, GetParam().status) << result.out << result.err;
  EXPECT_THAT(result.err + result.out, HasSubstr(GetParam().message));
}

INSTANTIATE_TEST_SUITE_P(
    Cases, TrackerctlExitTest,
    ::testing::Values(ExitCase{"unknown_container", {"container", "postgres"}, 3, "No container"},
                      ExitCase{"ambiguous_prefix", {"container", "abc"}, 3, "more than one"},
                      ExitCase{"empty_id", {"container", ""}, 2, "empty"},
                      ExitCase{
                          "control_characters", {"container", "a\tb"}, 2, "control characters"},
                      ExitCase{"unknown_subcommand", {"frobnicate"}, 2, "frobnicate"},
                      ExitCase{"no_subcommand", {}, 2, "subcommand"},
                      ExitCase{"bad_enrichment_state", {"enrichment", "maybe"}, 2, "maybe"},
                      ExitCase{"missing_id", {"container"}, 2, "id"},
                      ExitCase{"help", {"--help"}, 0, "Exit status:"}),
    [](const auto& info) { return std::string(info.param.what); });

TEST_F(TrackerctlTest, ErrorsAreJsonWithJson) {
  start();
  auto result = trackerctl({"--json", "container", "postgres"});
  EXPECT_EQ(result.status, 3);
  auto root = parse(result.out);
  EXPECT_EQ(root["error"]["name"].asString(), names::kErrorNoSuchContainer);
  EXPECT_EQ(root["error"]["exitCode"].asInt(), 3);
  EXPECT_THAT(root["error"]["message"].asString(), HasSubstr("postgres"));
  auto usage = trackerctl({"--json", "frobnicate"});
  EXPECT_EQ(usage.status, 2);
  EXPECT_EQ(parse(usage.out)["error"]["exitCode"].asInt(), 2);
}

TEST_F(TrackerctlTest, NotRunningIsExitCode5) {
  auto result = trackerctl({"status"});
  EXPECT_EQ(result.status, 5);
  EXPECT_THAT(result.err, HasSubstr("tracker is not running"));
  auto json = trackerctl({"--json", "containers"});
  EXPECT_EQ(json.status, 5);
  EXPECT_EQ(parse(json.out)["error"]["exitCode"].asInt(), 5);
  auto no_bus = run_process({trackerctl_path(), "status"},
                            {"DBUS_SYSTEM_BUS_ADDRESS=unix:path=/nonexistent/bus"});
  EXPECT_EQ(no_bus.status, 5);
  EXPECT_THAT(no_bus.err, HasSubstr("system bus"));
}

TEST_F(TrackerctlTest, AccessDeniedIsExitCode4AndNamesTheAction) {
  start(std::nullopt);  // nobody is privileged and there is no polkit
  auto result = trackerctl({"enrichment", "off"});
  EXPECT_EQ(result.status, 4);
  EXPECT_THAT(result.err, StartsWith("Access denied: SetEnrichment requires the "
                                     "org.khulnasoft.tracker1.manage authorization"));
  EXPECT_THAT(result.err, HasSubstr("polkit is unavailable"));
  auto list = trackerctl({"containers"});
  EXPECT_EQ(list.status, 4);
  EXPECT_THAT(list.err, HasSubstr("ListContainers requires the org.khulnasoft.tracker1.inspect"));
  // status reads public properties; only its runtimes need inspect.
  auto status = trackerctl({"status"});
  EXPECT_EQ(status.status, 0) << status.err;
  EXPECT_THAT(status.out, HasSubstr("Runtimes: unknown (Access denied"));
}

TEST_F(TrackerctlTest, RuntimesTableAndJson) {
  start();
  auto table = trackerctl({"runtimes"});
  ASSERT_EQ(table.status, 0) << table.err;
  EXPECT_THAT(table.out, StartsWith("RUNTIME"));
  EXPECT_THAT(table.out, StartsWith("RUNTIME SOCKET                  SOURCE     UID  STATE STREAM "
                                    "LOOKUPS FOUND ERROR\n"));
  EXPECT_THAT(table.out,
              HasSubstr("docker  /var/run/docker.sock    discovered 0    up    up     12"));
  EXPECT_THAT(table.out,
              HasSubstr("podman  /run/podman/podman.sock configured 1000 down  down   4"));
  EXPECT_THAT(table.out, HasSubstr("connection refused"));
  EXPECT_THAT(table.out, HasSubstr("\n2 runtimes listed.\n"));
  auto json = parse(trackerctl({"runtimes", "--json"}).out);
  ASSERT_EQ(json["runtimes"].size(), 2u);
  EXPECT_EQ(json["runtimes"][0]["found"].asUInt64(), 3u);
  EXPECT_EQ(json["runtimes"][1]["lastError"].asString(), "connection refused");
  // Which uid each socket speaks for, and its event stream.
  EXPECT_EQ(json["runtimes"][0]["uid"].asUInt(), 0u);
  EXPECT_EQ(json["runtimes"][1]["uid"].asUInt(), 1000u);
  EXPECT_EQ(json["runtimes"][0]["stream"].asString(), "up");
  EXPECT_EQ(json["runtimes"][1]["stream"].asString(), "down");
}

TEST_F(TrackerctlTest, StatusShowsTheDaemon) {
  start();
  service_->run([](FakeBackend& backend, DbusService& service) {
    backend.events_lost_ = 9;
    service.manager_changed();
  });
  auto result = trackerctl({"status"});
  ASSERT_EQ(result.status, 0) << result.err;
  EXPECT_THAT(result.out, HasSubstr("Version: 0.1.0-test"));
  EXPECT_THAT(result.out, HasSubstr("Enrichment: enabled"));
  EXPECT_THAT(result.out, HasSubstr("Containers: 3"));
  EXPECT_THAT(result.out, HasSubstr("Events lost: 9"));
  EXPECT_THAT(result.out, HasSubstr("Runtimes: docker (/var/run/docker.sock): up"));
  EXPECT_THAT(result.out, HasSubstr("podman (/run/podman/podman.sock): down, connection refused"));
  auto json = parse(trackerctl({"status", "--json"}).out);
  EXPECT_EQ(json["eventsLost"].asUInt64(), 9u);
  EXPECT_EQ(json["containerCount"].asUInt(), 3u);
  EXPECT_EQ(json["runtimes"].size(), 2u);
}

TEST_F(TrackerctlTest, StatusShowsTheCounters) {
  start();
  service_->run([](FakeBackend& backend, DbusService& service) {
    backend.counters_.cgroup_events_lost = 2;
    backend.counters_.process_events_lost = 5;
    backend.counters_.events_held = 4;
    backend.counters_.events_released_early = 1;
    backend.counters_.reconciles = 3;
    backend.counters_.lookalike_cgroups = 6;
    backend.counters_.state_map_failures = 8;
    service.manager_changed();
  });
  auto result = trackerctl({"status"});
  ASSERT_EQ(result.status, 0) << result.err;
  for (const char* line : {"(cgroup: 2, process: 5)", "Events held: 4 (released early: 1)",
                           "Reconciles: 3", "Look-alikes: 6", "Map failures: 8", "Denied calls: 0"})
    EXPECT_THAT(result.out, HasSubstr(line));
  auto json = parse(trackerctl({"status", "--json"}).out);
  EXPECT_EQ(json["processEventsLost"].asUInt64(), 5u);
  EXPECT_EQ(json["eventsReleasedEarly"].asUInt64(), 1u);
  EXPECT_EQ(json["stateMapFailures"].asUInt64(), 8u);
  EXPECT_EQ(json["deniedCalls"].asUInt64(), 0u);
}

TEST_F(TrackerctlTest, MetricsPrintsTheDaemonsText) {
  start();
  const std::string text =
      "# HELP tracker_containers Containers tracked right now.\n"
      "# TYPE tracker_containers gauge\ntracker_containers 3\n";
  service_->run([&](FakeBackend& backend, DbusService&) { backend.metrics_ = text; });
  auto result = trackerctl({"metrics"});
  ASSERT_EQ(result.status, 0) << result.err;
  EXPECT_EQ(result.out, text);
  EXPECT_EQ(parse(trackerctl({"metrics", "--json"}).out)["metrics"].asString(), text);
}

TEST_F(TrackerctlTest, ContainerShowsItsProcessesAsATree) {
  start();
  service_->run([&](FakeBackend& backend, DbusService&) {
    backend.processes_[web_] = {{4321, 4300, "nginx"}, {4400, 4321, "worker\x1b"}};
  });
  auto result = trackerctl({"container", "web"});
  ASSERT_EQ(result.status, 0) << result.err;
  EXPECT_THAT(result.out, HasSubstr("Processes: 2\n"));
  EXPECT_THAT(result.out, HasSubstr("└─4321 nginx\n"));
  EXPECT_THAT(result.out, HasSubstr("  └─4400 worker\\x1b\n"));
  auto json = parse(trackerctl({"container", "--json", "web"}).out);
  ASSERT_EQ(json["processes"].size(), 2u);
  EXPECT_EQ(json["processes"][1]["ppid"].asUInt(), 4321u);
  EXPECT_EQ(json["processes"][1]["comm"].asString(), "worker\x1b");
}

TEST_F(TrackerctlTest, ReloadAndEnrichmentReachTheBackend) {
  start();
  EXPECT_EQ(trackerctl({"reload"}).status, 0);
  auto off = trackerctl({"enrichment", "off"});
  EXPECT_EQ(off.status, 0) << off.err;
  EXPECT_EQ(trackerctl({"enrichment"}).out, "off\n");
  EXPECT_EQ(parse(trackerctl({"--json", "enrichment", "on"}).out)["enrichmentEnabled"].asBool(),
            true);
  service_->run([](FakeBackend& backend, DbusService&) {
    EXPECT_EQ(backend.reloads_, 1);
    EXPECT_EQ(backend.enrichment_calls_, (std::vector<bool>{false, true}));
    backend.reload_error_ = "tracker.conf:7: unknown runtime \"lxc\"";
  });
  auto failed = trackerctl({"reload"});
  EXPECT_EQ(failed.status, 1);
  EXPECT_THAT(failed.err, HasSubstr("Reload failed: tracker.conf:7"));
}

TEST_F(TrackerctlTest, MonitorJsonFollowsTheSignals) {
  start();
  ChildProcess monitor({trackerctl_path(), "monitor", "--json"}, env());
  ASSERT_TRUE(monitor.wait_for_line("Monitoring", /*on_stderr=*/true)) << "monitor did not start";
  auto id = hex_id("cafe");
  service_->run([&](FakeBackend& backend, DbusService& service) {
    auto container = pending_container(id);
    backend.put(container);
    service.container_added(container);
    container = enriched_container(id, "cache");
    backend.put(container);
    service.container_changed(container);
    backend.erase(id);
    service.container_removed(container);
  });
  ASSERT_TRUE(monitor.wait_for_line("\"removed\""));
  EXPECT_EQ(monitor.stop(SIGINT), 0);
  auto lines = monitor.lines();
  ASSERT_EQ(lines.size(), 3u);
  std::vector<std::string> kinds;
  for (const auto& line : lines) {
    auto event = parse(line);
    kinds.push_back(event["event"].asString());
    EXPECT_EQ(event["id"].asString(), id);
    EXPECT_EQ(event["objectPath"].asString(), container_object_path(id));
    EXPECT_GT(event["timestamp"].asUInt64(), 0u);
  }
  EXPECT_EQ(kinds, (std::vector<std::string>{"added", "enriched", "removed"}));
  // The monitor read the enriched container's properties (it may be gone
  // already by the time it reads them for "added").
  EXPECT_THAT(lines[1], ::testing::AnyOf(HasSubstr("\"cache\""), Not(HasSubstr("name"))));
}

TEST_F(TrackerctlTest, MonitorTextAndDaemonNotRunning) {
  auto gone = trackerctl({"monitor"});
  EXPECT_EQ(gone.status, 5);
  start();
  ChildProcess monitor({trackerctl_path(), "monitor"}, env());
  ASSERT_TRUE(monitor.wait_for_line("Monitoring", true));
  service_->run([&](FakeBackend& backend, DbusService& service) {
    auto container = enriched_container(hex_id("bead"), "queue");
    backend.put(container);
    service.container_added(container);
  });
  auto line = monitor.wait_for_line("added");
  ASSERT_TRUE(line);
  EXPECT_THAT(*line, HasSubstr(hex_id("bead").substr(0, 12) + " docker queue"));
  EXPECT_EQ(monitor.stop(SIGTERM), 0);
}

// A name a runtime may report for a container an unprivileged user made:
// ESC [ 2 J clears the screen, U+202E reverses what follows, U+009B is CSI.
const std::string kEvilName = "evil\x1b[2J\u65e5\u672c\u202e";
const std::string kEvilNameShown = "evil\\x1b[2J\u65e5\u672c\\u202e";

ContainerSnapshot evil_container() {
  auto c = enriched_container(hex_id("e111"), kEvilName);
  c.image = "img\u009b31m:1";
  c.labels = {{"note", "line\nbreak\x07"}};
  c.cgroup_path = "/docker/\x1b]0;title\x07";
  c.pod_name = "pod\x1b[1m";
  c.pod_namespace = "ns";
  return c;
}

TEST_F(TrackerctlTest, ContainerControlledTextIsEscapedAndColumnsAlignOnScreen) {
  start();
  service_->run([](FakeBackend& backend, DbusService& service) {
    backend.put(evil_container());
    service.container_added(evil_container());
  });
  auto table = trackerctl({"containers"});
  ASSERT_EQ(table.status, 0) << table.err;
  EXPECT_EQ(table.out.find('\x1b'), std::string::npos) << table.out;
  EXPECT_EQ(table.out.find("\u009b"), std::string::npos) << table.out;
  EXPECT_EQ(table.out.find("\u202e"), std::string::npos) << table.out;
  EXPECT_THAT(table.out, HasSubstr(kEvilNameShown + " img\\u009b31m:1 "));
  EXPECT_THAT(table.out, HasSubstr("ns/pod\\x1b[1m"));
  // The escaped name is 21 columns wide (23 bytes): the next column starts
  // one column further on every line.
  EXPECT_THAT(table.out, HasSubstr("NAME" + std::string(18, ' ') + "IMAGE"));
  EXPECT_THAT(table.out, HasSubstr("nginx" + std::string(17, ' ') + "docker.io/library/nginx"));

  auto shown = trackerctl({"container", hex_id("e111")});
  ASSERT_EQ(shown.status, 0) << shown.err;
  EXPECT_EQ(shown.out.find('\x1b'), std::string::npos) << shown.out;
  EXPECT_EQ(shown.out.find('\x07'), std::string::npos) << shown.out;
  for (const std::string& expected :
       {"Name: " + kEvilNameShown + "\n", std::string("Labels: note=line\\nbreak\\a\n"),
        std::string("Cgroup: /docker/\\x1b]0;title\\a\n"), std::string("Pod: ns/pod\\x1b[1m\n"),
        std::string("Image: img\\u009b31m:1\n")})
    EXPECT_THAT(shown.out, HasSubstr(expected));

  // JSON stays exact.
  auto json = parse(trackerctl({"container", "--json", hex_id("e111")}).out);
  EXPECT_EQ(json["name"].asString(), kEvilName);
  EXPECT_EQ(json["labels"]["note"].asString(), "line\nbreak\x07");
  EXPECT_EQ(json["cgroupPath"].asString(), "/docker/\x1b]0;title\x07");

  // So are the daemon's error messages.
  service_->run([](FakeBackend& backend, DbusService&) {
    backend.reload_error_ = "tracker.conf: \x1b[2Jbad";
  });
  auto failed = trackerctl({"reload"});
  EXPECT_EQ(failed.status, 1);
  EXPECT_THAT(failed.err, HasSubstr("tracker.conf: \\x1b[2Jbad"));
  EXPECT_EQ(failed.err.find('\x1b'), std::string::npos);
}

TEST_F(TrackerctlTest, ContainersShowHowTheyRunOrEnded) {
  start();
  auto exited_id = hex_id("dead");
  service_->run([&](FakeBackend& backend, DbusService& service) {
    auto c = enriched_container(exited_id, "batch");
    c.state = "exited";
    c.exit_code = 137;
    c.exit_signal = 9;
    c.oom_killed = true;
    backend.put(c);
    service.container_added(c);
  });
  auto running = trackerctl({"containers", "--no-legend"});
  ASSERT_EQ(running.status, 0) << running.err;
  EXPECT_THAT(running.out, HasSubstr(" running (healthy) "));
  EXPECT_THAT(running.out, Not(HasSubstr("batch")));
  auto all = trackerctl({"containers", "--all"});
  EXPECT_THAT(all.out, HasSubstr(" exited (137, oom) "));
  EXPECT_THAT(all.out, HasSubstr("\n4 containers listed.\n"));
  auto json = parse(trackerctl({"containers", "--all", "--json"}).out);
  ASSERT_EQ(json["containers"].size(), 4u);
  const auto& batch = json["containers"][2];
  EXPECT_EQ(batch["name"].asString(), "batch");
  EXPECT_EQ(batch["state"].asString(), "exited");
  EXPECT_EQ(batch["exitCode"].asInt(), 137);
  EXPECT_EQ(batch["exitSignal"].asInt(), 9);
  EXPECT_TRUE(batch["oomKilled"].asBool());
  EXPECT_EQ(json["containers"][1]["health"].asString(), "healthy");
}

TEST_F(TrackerctlTest, ContainerShowsLifecycleComposeAndCgroupFigures) {
  start();
  service_->run([&](FakeBackend& backend, DbusService&) {
    CgroupStats stats;
    stats.tasks_current = 3;
    stats.tasks_max = 100;
    stats.memory_current = 1536 * 1024;
    stats.memory_peak = 2 << 20;
    stats.cpu_usage_nsec = 1'234'000'000;
    backend.stats_[web_] = stats;
  });
  auto shown = trackerctl({"container", "web"});
  ASSERT_EQ(shown.status, 0) << shown.err;
  for (const char* expected :
       {"State: running (healthy)\n", "Restarts: 2\n", "Compose: shop (service web)\n",
        "Repo Digests: docker.io/library/web@sha256:", "Tasks: 3 (limit: 100)\n",
        "Memory: 1.5M (peak: 2.0M)\n", "CPU: 1.234s\n"})
    EXPECT_THAT(shown.out, HasSubstr(expected));

  auto c = parse(trackerctl({"container", "--json", "web"}).out);
  EXPECT_EQ(c["state"].asString(), "running");
  EXPECT_EQ(c["exitCode"].asInt(), -1);
  EXPECT_EQ(c["exitSignal"].asInt(), 0);
  EXPECT_FALSE(c["oomKilled"].asBool());
  EXPECT_EQ(c["health"].asString(), "healthy");
  EXPECT_EQ(c["restartCount"].asUInt(), 2u);
  EXPECT_EQ(c["composeProject"].asString(), "shop");
  EXPECT_EQ(c["composeService"].asString(), "web");
  ASSERT_EQ(c["repoDigests"].size(), 1u);
  EXPECT_THAT(c["repoDigests"][0].asString(), StartsWith("docker.io/library/web@sha256:"));
  EXPECT_EQ(c["tasksCurrent"].asUInt64(), 3u);
  EXPECT_EQ(c["tasksMax"].asUInt64(), 100u);
  EXPECT_EQ(c["memoryCurrent"].asUInt64(), 1536u * 1024);
  EXPECT_TRUE(c["memoryMax"].isNull());  // no limit
  EXPECT_EQ(c["cpuUsageNSec"].asUInt64(), 1'234'000'000u);
}

struct FilterCase {
  const char* what;
  std::vector<std::string> args;
  std::vector<std::string> names;  // listed, in order
};

class TrackerctlFilterTest : public TrackerctlTest,
                             public ::testing::WithParamInterface<FilterCase> {};

TEST_P(TrackerctlFilterTest, ListsOnlyMatchingContainers) {
  start();
  auto args = GetParam().args;
  args.insert(args.begin(), {"--json", "containers", "--all"});
  auto result = trackerctl(args);
  ASSERT_EQ(result.status, 0) << result.err;
  std::vector<std::string> names;
  auto root = parse(result.out);
  for (const auto& c : root["containers"]) names.push_back(c["name"].asString());
  EXPECT_EQ(names, GetParam().names);
}

INSTANTIATE_TEST_SUITE_P(
    Cases, TrackerctlFilterTest,
    ::testing::Values(
        FilterCase{"none", {}, {"nginx", "web", ""}},
        FilterCase{"runtime", {"--runtime", "containerd"}, {"web", ""}},
        FilterCase{"name_glob", {"--name", "w*"}, {"web"}},
        FilterCase{"image_glob_across_slashes", {"--image", "*nginx*"}, {"nginx"}},
        FilterCase{"label_key", {"--label", "io.kubernetes.pod.name"}, {"web"}},
        FilterCase{"label_value", {"--label", "com.example.team=blue"}, {"nginx", "web"}},
        FilterCase{"label_wrong_value", {"--label", "com.example.team=red"}, {}},
        FilterCase{"pod_namespace", {"--pod-namespace", "shop"}, {"web"}},
        FilterCase{"and_of_different", {"--runtime", "docker", "--label", "maintainer"}, {"nginx"}},
        FilterCase{"and_of_repeated", {"--name", "nginx", "--name", "web"}, {}},
        FilterCase{"and_of_repeated_labels",
                   {"--label", "maintainer", "--label", "io.kubernetes.pod.name=web-7d9f"},
                   {"web"}}),
    [](const auto& info) { return std::string(info.param.what); });

TEST_F(TrackerctlTest, FilteredTableAndBadFilters) {
  start();
  auto none = trackerctl({"containers", "--name", "postgres"});
  EXPECT_EQ(none.status, 0);
  EXPECT_EQ(none.out, "No containers.\n");
  auto table = trackerctl({"containers", "--pod-namespace", "shop", "--no-legend"});
  EXPECT_THAT(table.out, StartsWith(web_.substr(0, 12) + " web"));
  EXPECT_EQ(std::count(table.out.begin(), table.out.end(), '\n'), 1);
  EXPECT_EQ(trackerctl({"containers", "--label", "=blue"}).status, 2);
  EXPECT_EQ(trackerctl({"containers", "--name"}).status, 2);
  // One value per option: a second word is not a second name.
  EXPECT_EQ(trackerctl({"containers", "--name", "web", "nginx"}).status, 2);
}

TEST_F(TrackerctlTest, MonitorPrintsOnlyMatchingContainers) {
  start();
  ChildProcess monitor({trackerctl_path(), "monitor", "--json", "--name", "cache*"}, env());
  ASSERT_TRUE(monitor.wait_for_line("Monitoring", /*on_stderr=*/true)) << "monitor did not start";
  auto cache = hex_id("cace");
  auto other = hex_id("0de1");
  service_->run([&](FakeBackend& backend, DbusService& service) {
    for (const auto& [id, name] : {std::pair{other, "queue"}, std::pair{cache, "cache-1"}}) {
      auto container = enriched_container(id, name);
      backend.put(container);
      service.container_added(container);
    }
  });
  // The monitor reads the properties of an added container: it must still be there.
  ASSERT_TRUE(monitor.wait_for_line("\"added\""));
  service_->run([&](FakeBackend& backend, DbusService& service) {
    // nginx matched no filter when the monitor started: its removal is not shown.
    auto nginx = *backend.container(nginx_);
    backend.erase(nginx_);
    service.container_removed(nginx);
    for (const auto& id : {other, cache}) {
      auto container = *backend.container(id);
      backend.erase(id);
      service.container_removed(container);
    }
  });
  ASSERT_TRUE(monitor.wait_for_line("\"removed\""));
  EXPECT_EQ(monitor.stop(SIGINT), 0);
  std::vector<std::string> seen;
  for (const auto& line : monitor.lines()) {
    auto event = parse(line);
    seen.push_back(event["event"].asString() + " " + event["id"].asString());
  }
  EXPECT_EQ(seen, (std::vector<std::string>{"added " + cache, "removed " + cache}));
}

TEST_F(TrackerctlTest, MonitorTextIsEscaped) {
  start();
  ChildProcess monitor({trackerctl_path(), "monitor", "--label", "note"}, env());
  ASSERT_TRUE(monitor.wait_for_line("Monitoring", true));
  service_->run([&](FakeBackend& backend, DbusService& service) {
    backend.put(evil_container());
    service.container_added(evil_container());
  });
  auto line = monitor.wait_for_line("added");
  ASSERT_TRUE(line);
  EXPECT_THAT(*line, HasSubstr(" docker " + kEvilNameShown + " img\\u009b31m:1"));
  EXPECT_EQ(line->find('\x1b'), std::string::npos);
  EXPECT_EQ(monitor.stop(SIGTERM), 0);
}

// A pid no process has: pids are below pid_max.
std::uint32_t absent_pid() {
  std::ifstream file("/proc/sys/kernel/pid_max");
  std::uint32_t pid_max = 0;
  file >> pid_max;
  return pid_max;
}

TEST_F(TrackerctlTest, PidNamesTheContainerOrHost) {
  start();
  service_->run([&](FakeBackend& backend, DbusService&) { backend.pids_[4321] = web_; });
  auto host = std::to_string(getpid());
  auto found = trackerctl({"pid", "4321", host});
  ASSERT_EQ(found.status, 0) << found.err;
  // The host pid is the widest of the first column.
  auto width = std::max<std::size_t>(host.size(), 4);
  auto pad = [&](const std::string& pid) { return pid + std::string(width - pid.size() + 1, ' '); };
  EXPECT_THAT(found.out, StartsWith(pad("PID") + "CONTAINER ID NAME IMAGE"));
  EXPECT_THAT(found.out, HasSubstr("\n" + pad("4321") + web_.substr(0, 12) +
                                   " web  docker.io/library/web:1.25 containerd\n"));
  EXPECT_THAT(found.out, HasSubstr("\n" + host + " host         -    -"));

  // A process that does not exist is an error for that pid only.
  auto absent = std::to_string(absent_pid());
  auto mixed = trackerctl({"pid", absent, "4321"});
  EXPECT_EQ(mixed.status, 3);
  EXPECT_THAT(mixed.err, HasSubstr("No process " + absent));
  EXPECT_THAT(mixed.out, HasSubstr("4321 " + web_.substr(0, 12)));

  auto json = trackerctl({"--json", "pid", "4321", host, absent});
  EXPECT_EQ(json.status, 3);
  auto processes = parse(json.out)["processes"];
  ASSERT_EQ(processes.size(), 3u);
  EXPECT_EQ(processes[0]["pid"].asUInt(), 4321u);
  EXPECT_FALSE(processes[0]["host"].asBool());
  EXPECT_EQ(processes[0]["id"].asString(), web_);
  EXPECT_EQ(processes[0]["name"].asString(), "web");
  EXPECT_EQ(processes[0]["objectPath"].asString(), container_object_path(web_));
  EXPECT_TRUE(processes[1]["host"].asBool());
  EXPECT_FALSE(processes[1].isMember("id"));
  EXPECT_EQ(processes[2]["error"]["exitCode"].asInt(), 3);
  EXPECT_FALSE(processes[2].isMember("host"));

  EXPECT_EQ(trackerctl({"pid", "0"}).status, 2);
  EXPECT_EQ(trackerctl({"pid", "abc"}).status, 2);
  EXPECT_EQ(trackerctl({"pid"}).status, 2);
}

TEST_F(TrackerctlTest, PidNeedsInspect) {
  start(std::nullopt);
  auto result = trackerctl({"pid", "1", "2"});
  EXPECT_EQ(result.status, 4);
  EXPECT_THAT(result.err,
              HasSubstr("GetContainerByPID requires the org.khulnasoft.tracker1.inspect"));
}

// trackerctl's pager, on a terminal made by script(1): which program pages
// and with what environment. The fake `less` and $PAGER write to `mark`.
struct PagerCase {
  const char* what;
  std::vector<std::string> env;
  const char* expected;  // the mark, "" for no pager at all
};

class TrackerctlPagerTest : public TrackerctlTest,
                            public ::testing::WithParamInterface<PagerCase> {};

TEST_P(TrackerctlPagerTest, ChoosesThePagerAsSystemdDoes) {
  REQUIRE_PREREQUISITE(run_process({"sh", "-c", "command -v script"}).status == 0, "script(1)");
  start();
  char dir_template[] = "/tmp/trackerctl-pager-XXXXXX";
  ASSERT_TRUE(mkdtemp(dir_template));
  std::string dir = dir_template, mark = dir + "/mark";
  {
    std::ofstream less(dir + "/less");
    less << "#!/bin/sh\nprintf 'less LESS=%s LESSSECURE=%s\\n' \"$LESS\" \"$LESSSECURE\" >>" << mark
         << "\ncat >/dev/null\n";
  }
  chmod((dir + "/less").c_str(), 0755);
  std::string command =
      "env -i PATH=" + dir + ":/usr/bin:/bin DBUS_SYSTEM_BUS_ADDRESS='" + bus_.address() + "'";
  for (const auto& variable : GetParam().env) {
    // PAGER and SYSTEMD_PAGER stand for pagers that leave a mark.
    if (variable == "PAGER" || variable == "SYSTEMD_PAGER")
      command += " " + variable + "='echo " + variable + " >>" + mark + "; cat >/dev/null'";
    else
      command += " '" + variable + "'";
  }
  command += " " + trackerctl_path() + " containers";
  auto result = run_process({"script", "-qec", command, "/dev/null"});
  EXPECT_EQ(result.status, 0) << result.out << result.err;
  std::ifstream file(mark);
  std::string written((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
  EXPECT_EQ(written, GetParam().expected);
  if (*GetParam().expected == '\0') {
    EXPECT_THAT(result.out, HasSubstr("containers listed"));
  }
  run_process({"rm", "-rf", dir});
}

INSTANTIATE_TEST_SUITE_P(
    Cases, TrackerctlPagerTest,
    ::testing::Values(
        PagerCase{"user_pager", {"PAGER"}, "PAGER\n"},
        PagerCase{"systemd_pager_first", {"PAGER", "SYSTEMD_PAGER"}, "SYSTEMD_PAGER\n"},
        PagerCase{"default_less_without_R", {}, "less LESS=FSXMK LESSSECURE=\n"},
        PagerCase{"less_options_of_the_user", {"LESS=X"}, "less LESS=X LESSSECURE=\n"},
        PagerCase{"sudo", {"PAGER", "SUDO_UID=1000"}, "less LESS=FSXMK LESSSECURE=1\n"},
        PagerCase{"sudo_systemd_pager",
                  {"SYSTEMD_PAGER", "SUDO_UID=0"},
                  "less LESS=FSXMK LESSSECURE=1\n"},
        PagerCase{"pkexec", {"PAGER", "PKEXEC_UID=1000"}, "less LESS=FSXMK LESSSECURE=1\n"},
        PagerCase{"systemd_secure",
                  {"PAGER", "SYSTEMD_PAGERSECURE=yes"},
                  "less LESS=FSXMK LESSSECURE=1\n"},
        PagerCase{
            "tracker_secure", {"PAGER", "TRACKER_PAGERSECURE=1"}, "less LESS=FSXMK LESSSECURE=1\n"},
        PagerCase{"unparsable_is_secure",
                  {"PAGER", "TRACKER_PAGERSECURE=maybe"},
                  "less LESS=FSXMK LESSSECURE=1\n"},
        PagerCase{"explicitly_not_secure",
                  {"PAGER", "SUDO_UID=1000", "SYSTEMD_PAGERSECURE=no"},
                  "PAGER\n"},
        PagerCase{"tracker_over_systemd",
                  {"PAGER", "SYSTEMD_PAGERSECURE=1", "TRACKER_PAGERSECURE=0"},
                  "PAGER\n"},
        PagerCase{"no_pager_wins", {"PAGER=cat", "SUDO_UID=1000"}, ""}),
    [](const auto& info) { return std::string(info.param.what); });

}  // namespace
}  // namespace tracker::testing
