// trackerctl against the D-Bus service and a fake backend on a private bus:
// tables, JSON, exit codes and `monitor`.

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <json/json.h>
#include <signal.h>
#include <unistd.h>

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
    service_ = std::make_unique<ServiceHarness>(bus_.address(), options);
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

TEST_F(TrackerctlTest, ContainerShowsEveryProperty) {
  start();
  auto result = trackerctl({"container", "web"});
  ASSERT_EQ(result.status, 0) << result.err;
  for (const char* expected :
       {"Id: ", "Name: web", "Image: docker.io/library/web:1.25", "Image Digest: sha256:",
        "Image Id: sha256:", "Runtime: containerd", "State: running (created)", "Enrichment: done",
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
  EXPECT_THAT(table.out, HasSubstr("podman  /run/podman/podman.sock configured down"));
  EXPECT_THAT(table.out, HasSubstr("connection refused"));
  EXPECT_THAT(table.out, HasSubstr("\n2 runtimes listed.\n"));
  auto json = parse(trackerctl({"runtimes", "--json"}).out);
  ASSERT_EQ(json["runtimes"].size(), 2u);
  EXPECT_EQ(json["runtimes"][0]["found"].asUInt64(), 3u);
  EXPECT_EQ(json["runtimes"][1]["lastError"].asString(), "connection refused");
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

}  // namespace
}  // namespace tracker::testing
