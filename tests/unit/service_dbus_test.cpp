// The D-Bus service against a fake backend, on a private bus: every method,
// the errors, properties, ObjectManager, signals and the introspection data.
// Callers are treated as privileged here; service_polkit_test covers polkit.

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <fstream>
#include <regex>
#include <set>
#include <sstream>

#include "dbus/dbus_paths.h"
#include "service/dbus_names.h"
#include "service/object_path.h"
#include "tests/common/prerequisite.h"
#include "tests/unit/service_bus_fixture.h"

namespace tracker::testing {
namespace {

namespace names = dbus_names;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::UnorderedElementsAre;
using Properties = std::map<std::string, sdbus::Variant>;

AuthorizerOptions privileged_self() {
  AuthorizerOptions options;
  options.privileged_uid = getuid();
  return options;
}

class ServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    REQUIRE_PREREQUISITE(!bus_.address().empty(), "a private bus: " + bus_.error());
    service_ = std::make_unique<ServiceHarness>(bus_.address(), privileged_self());
    ASSERT_EQ(service_->start_error(), "");
    connection_ = client_connection(bus_.address());
    manager_ = manager_proxy(*connection_);
  }

  std::string path_of(const std::string& id) { return container_object_path(id); }

  sdbus::ObjectPath get_container(const std::string& key) {
    sdbus::ObjectPath path;
    manager_->callMethod("GetContainer")
        .onInterface(names::kManagerInterface)
        .withArguments(key)
        .storeResultsTo(path);
    return path;
  }

  // The D-Bus error name of GetContainer(key), "" if it succeeds.
  std::string get_container_error(const std::string& key) {
    try {
      get_container(key);
      return "";
    } catch (const sdbus::Error& error) {
      return error.getName();
    }
  }

  Properties get_all(const std::string& path, const std::string& interface) {
    auto proxy = sdbus::createProxy(*connection_, names::kBusName, path);
    Properties properties;
    proxy->callMethod("GetAll")
        .onInterface("org.freedesktop.DBus.Properties")
        .withArguments(interface)
        .storeResultsTo(properties);
    return properties;
  }

  sdbus::Variant get(const std::string& path, const std::string& interface,
                     const std::string& name) {
    auto proxy = sdbus::createProxy(*connection_, names::kBusName, path);
    sdbus::Variant value;
    proxy->callMethod("Get")
        .onInterface("org.freedesktop.DBus.Properties")
        .withArguments(interface, name)
        .storeResultsTo(value);
    return value;
  }

  const std::string nginx_ = hex_id("abc1");
  const std::string web_ = hex_id("abc2");
  const std::string pending_ = hex_id("f00d");
  PrivateBus bus_;
  std::unique_ptr<ServiceHarness> service_;
  std::unique_ptr<sdbus::IConnection> connection_;
  std::unique_ptr<sdbus::IProxy> manager_;
};

TEST_F(ServiceTest, ListContainersReturnsEveryContainerSortedById) {
  std::vector<
      sdbus::Struct<std::string, std::string, std::string, std::string, std::string, std::string,
                    std::string, bool, std::string, uint64_t, sdbus::ObjectPath>>
      list;
  manager_->callMethod("ListContainers").onInterface(names::kManagerInterface).storeResultsTo(list);
  ASSERT_EQ(list.size(), 3u);
  EXPECT_EQ(list[0].get<0>(), nginx_);
  EXPECT_EQ(list[1].get<0>(), web_);
  EXPECT_EQ(list[2].get<0>(), pending_);
  const auto& web = list[1];
  EXPECT_EQ(web.get<1>(), "web");
  EXPECT_EQ(web.get<2>(), "docker.io/library/web:1.25");
  EXPECT_EQ(web.get<3>(), "containerd");
  EXPECT_EQ(web.get<4>(), "web-7d9f");
  EXPECT_EQ(web.get<5>(), "shop");
  EXPECT_EQ(web.get<6>(), "created");
  EXPECT_TRUE(web.get<7>());
  EXPECT_EQ(web.get<8>(), "done");
  EXPECT_EQ(web.get<9>(), 1'714'000'000'123'456u);
  EXPECT_EQ(std::string(web.get<10>()), path_of(web_));
  EXPECT_EQ(list[2].get<8>(), "pending");
  EXPECT_EQ(list[2].get<9>(), 0u);
}

TEST_F(ServiceTest, GetContainerFindsByIdUniquePrefixAndName) {
  EXPECT_EQ(std::string(get_container(nginx_)), path_of(nginx_));
  EXPECT_EQ(std::string(get_container(nginx_.substr(0, 4))), path_of(nginx_));
  EXPECT_EQ(std::string(get_container("f0")), path_of(pending_));
  EXPECT_EQ(std::string(get_container("web")), path_of(web_));
  EXPECT_EQ(std::string(get_container("nginx")), path_of(nginx_));
}

struct BadId {
  const char* what;
  std::string id;
  const char* error;
};

class GetContainerErrorTest : public ServiceTest, public ::testing::WithParamInterface<BadId> {};

TEST_P(GetContainerErrorTest, FailsWithANamedError) {
  EXPECT_EQ(get_container_error(GetParam().id), GetParam().error);
}

INSTANTIATE_TEST_SUITE_P(
    Ids, GetContainerErrorTest,
    ::testing::Values(BadId{"empty", "", names::kErrorInvalidArgs},
                      BadId{"longer_than_256", std::string(257, 'a'), names::kErrorInvalidArgs},
                      BadId{"one_megabyte", std::string(1 << 20, 'a'), names::kErrorInvalidArgs},
                      BadId{"newline", "abc\n", names::kErrorInvalidArgs},
                      BadId{"escape", "\x1b[31mabc", names::kErrorInvalidArgs},
                      BadId{"delete", "abc\x7f", names::kErrorInvalidArgs},
                      BadId{"exactly_256_unknown", std::string(256, 'a'),
                            names::kErrorNoSuchContainer},
                      BadId{"unknown", "deadbeef", names::kErrorNoSuchContainer},
                      BadId{"unknown_name", "postgres", names::kErrorNoSuchContainer},
                      BadId{"ambiguous_prefix", "abc", names::kErrorAmbiguousId},
                      BadId{"ambiguous_one_char", "a", names::kErrorAmbiguousId}),
    [](const auto& info) { return std::string(info.param.what); });

TEST_F(ServiceTest, ErrorMessagesNameTheId) {
  try {
    get_container("deadbeef");
    FAIL() << "GetContainer succeeded";
  } catch (const sdbus::Error& error) {
    EXPECT_THAT(error.getMessage(), HasSubstr("'deadbeef'"));
  }
}

TEST_F(ServiceTest, WrongArgumentTypesAreInvalidArgs) {
  auto call = manager_->createMethodCall(names::kManagerInterface, "GetContainer");
  call << int32_t{42};
  try {
    manager_->callMethod(call);
    FAIL() << "GetContainer(i) succeeded";
  } catch (const sdbus::Error& error) {
    EXPECT_EQ(error.getName(), names::kErrorInvalidArgs);
  }
  auto set = manager_->createMethodCall(names::kManagerInterface, "SetEnrichment");
  set << std::string("yes");
  try {
    manager_->callMethod(set);
    FAIL() << "SetEnrichment(s) succeeded";
  } catch (const sdbus::Error& error) {
    EXPECT_EQ(error.getName(), names::kErrorInvalidArgs);
  }
  auto none = manager_->createMethodCall(names::kManagerInterface, "GetContainer");
  try {
    manager_->callMethod(none);
    FAIL() << "GetContainer() succeeded";
  } catch (const sdbus::Error& error) {
    EXPECT_EQ(error.getName(), names::kErrorInvalidArgs);
  }
}

TEST_F(ServiceTest, BusctlCallsWithWrongTypesAreRefused) {
  auto busctl = [&](std::vector<std::string> args) {
    std::vector<std::string> argv{
        "busctl",        "--address=" + bus_.address(), "call",
        names::kBusName, names::kManagerPath,           names::kManagerInterface};
    argv.insert(argv.end(), args.begin(), args.end());
    return run_process(argv);
  };
  auto ok = busctl({"GetContainer", "s", "nginx"});
  REQUIRE_PREREQUISITE(ok.status != 127 && ok.status != -1, "busctl");
  EXPECT_EQ(ok.status, 0) << ok.err;
  EXPECT_THAT(ok.out, HasSubstr(path_of(nginx_)));
  auto wrong = busctl({"GetContainer", "u", "7"});
  EXPECT_NE(wrong.status, 0);
  EXPECT_THAT(wrong.err, HasSubstr("nvalid"));
  auto missing = busctl({"SetEnrichment"});
  EXPECT_NE(missing.status, 0);
}

TEST_F(ServiceTest, ListRuntimesReturnsEverySocket) {
  std::vector<sdbus::Struct<std::string, std::string, bool, bool, std::string, uint64_t, uint64_t,
                            uint32_t, std::string>>
      list;
  manager_->callMethod("ListRuntimes").onInterface(names::kManagerInterface).storeResultsTo(list);
  ASSERT_EQ(list.size(), 2u);
  EXPECT_EQ(list[0].get<0>(), "docker");
  EXPECT_EQ(list[0].get<1>(), "/var/run/docker.sock");
  EXPECT_FALSE(list[0].get<2>());
  EXPECT_TRUE(list[0].get<3>());
  EXPECT_EQ(list[0].get<5>(), 12u);
  EXPECT_EQ(list[0].get<6>(), 3u);
  EXPECT_EQ(list[0].get<7>(), 0u);
  EXPECT_EQ(list[0].get<8>(), "up");
  EXPECT_EQ(list[1].get<7>(), 1000u);
  EXPECT_EQ(list[1].get<8>(), "down");
  EXPECT_EQ(list[1].get<0>(), "podman");
  EXPECT_TRUE(list[1].get<2>());
  EXPECT_FALSE(list[1].get<3>());
  EXPECT_EQ(list[1].get<4>(), "connection refused");
}

TEST_F(ServiceTest, ReloadReachesTheBackendAndReportsRefusal) {
  manager_->callMethod("Reload").onInterface(names::kManagerInterface);
  service_->run([](FakeBackend& backend, DbusService&) {
    EXPECT_EQ(backend.reloads_, 1);
    backend.reload_error_ = "/etc/tracker/tracker.conf:3: bad value for Timeout=";
  });
  try {
    manager_->callMethod("Reload").onInterface(names::kManagerInterface);
    FAIL() << "Reload succeeded";
  } catch (const sdbus::Error& error) {
    EXPECT_EQ(error.getName(), names::kErrorReloadFailed);
    EXPECT_THAT(error.getMessage(), HasSubstr("tracker.conf:3"));
  }
}

TEST_F(ServiceTest, SetEnrichmentChangesThePropertyAndAnnouncesIt) {
  SignalRecorder signals(bus_.address());
  manager_->callMethod("SetEnrichment").onInterface(names::kManagerInterface).withArguments(false);
  service_->run([](FakeBackend& backend, DbusService&) {
    EXPECT_THAT(backend.enrichment_calls_, ElementsAre(false));
  });
  EXPECT_FALSE(get(names::kManagerPath, names::kManagerInterface, "EnrichmentEnabled").get<bool>());
  auto changed = signals.wait_for([](const RecordedSignal& s) {
    return s.member == "PropertiesChanged" && s.arg0 == names::kManagerInterface;
  });
  ASSERT_TRUE(changed);
  EXPECT_THAT(changed->names, ElementsAre("EnrichmentEnabled"));
  EXPECT_FALSE(changed->values.at("EnrichmentEnabled").get<bool>());
}

TEST_F(ServiceTest, ManagerPropertiesComeFromTheBackend) {
  auto properties = get_all(names::kManagerPath, names::kManagerInterface);
  EXPECT_EQ(properties.at("Version").get<std::string>(), "0.1.0-test");
  EXPECT_TRUE(properties.at("EnrichmentEnabled").get<bool>());
  EXPECT_EQ(properties.at("ContainerCount").get<uint32_t>(), 3u);
  EXPECT_EQ(properties.at("EventsLost").get<uint64_t>(), 0u);
}

TEST_F(ServiceTest, ContainerPropertiesShowTheSnapshot) {
  auto p = get_all(path_of(web_), names::kContainerInterface);
  EXPECT_EQ(p.size(), 36u);
  EXPECT_EQ(p.at("Id").get<std::string>(), web_);
  EXPECT_EQ(p.at("Name").get<std::string>(), "web");
  EXPECT_EQ(p.at("Image").get<std::string>(), "docker.io/library/web:1.25");
  EXPECT_EQ(p.at("ImageDigest").get<std::string>(), "sha256:" + hex_id("d1"));
  EXPECT_EQ(p.at("ImageId").get<std::string>(), "sha256:" + hex_id("e2"));
  EXPECT_EQ(p.at("Runtime").get<std::string>(), "containerd");
  EXPECT_EQ(p.at("Origin").get<std::string>(), "created");
  EXPECT_TRUE(p.at("Started").get<bool>());
  EXPECT_EQ(p.at("Enrichment").get<std::string>(), "done");
  EXPECT_EQ(p.at("CgroupPath").get<std::string>(), "/docker/" + web_);
  EXPECT_EQ(p.at("CgroupId").get<uint64_t>(), 4242u);
  EXPECT_EQ(p.at("CreatedTimestamp").get<uint64_t>(), 1'714'000'000'123'456u);
  EXPECT_EQ(p.at("StartedTimestamp").get<uint64_t>(), 1'714'000'001'000'000u);
  EXPECT_EQ(p.at("InitPid").get<uint32_t>(), 4321u);
  auto labels = p.at("Labels").get<std::map<std::string, std::string>>();
  EXPECT_EQ(labels.at("io.kubernetes.pod.name"), "web-7d9f");
  EXPECT_EQ(labels.size(), 3u);
  EXPECT_EQ(p.at("PodName").get<std::string>(), "web-7d9f");
  EXPECT_EQ(p.at("PodNamespace").get<std::string>(), "shop");
  EXPECT_EQ(p.at("PodUID").get<std::string>(), "0b7c7b8e-1f0e-4a7b-9d4e-2f2b1e0f9a11");
  EXPECT_FALSE(p.at("PodSandbox").get<bool>());
  EXPECT_EQ(p.at("State").get<std::string>(), "running");
  EXPECT_EQ(p.at("ExitCode").get<int32_t>(), -1);
  EXPECT_EQ(p.at("ExitSignal").get<int32_t>(), 0);
  EXPECT_FALSE(p.at("OOMKilled").get<bool>());
  EXPECT_EQ(p.at("Health").get<std::string>(), "healthy");
  EXPECT_EQ(p.at("RestartCount").get<uint32_t>(), 2u);
  EXPECT_EQ(p.at("ComposeProject").get<std::string>(), "shop");
  EXPECT_EQ(p.at("ComposeService").get<std::string>(), "web");
  EXPECT_THAT(p.at("RepoDigests").get<std::vector<std::string>>(),
              ElementsAre("docker.io/library/web@sha256:" + hex_id("d1")));
  EXPECT_EQ(p.at("OwnerUID").get<uint32_t>(), 0u);
  // Not known (the fake has no figures for it): UINT64_MAX, as systemd does.
  EXPECT_EQ(p.at("TasksCurrent").get<uint64_t>(), UINT64_MAX);
  EXPECT_EQ(p.at("MemoryMax").get<uint64_t>(), UINT64_MAX);
}

TEST_F(ServiceTest, CgroupFiguresAreReadWhenRead) {
  CgroupStats stats;
  stats.tasks_current = 3;
  stats.tasks_max = 1024;
  stats.memory_current = 5 << 20;
  stats.memory_peak = 9 << 20;
  stats.memory_max = 64 << 20;
  stats.cpu_usage_nsec = 123'456'789;
  service_->run([&](FakeBackend& backend, DbusService&) { backend.stats_[nginx_] = stats; });
  auto p = get_all(path_of(nginx_), names::kContainerInterface);
  EXPECT_EQ(p.at("TasksCurrent").get<uint64_t>(), 3u);
  EXPECT_EQ(p.at("TasksMax").get<uint64_t>(), 1024u);
  EXPECT_EQ(p.at("MemoryCurrent").get<uint64_t>(), 5u << 20);
  EXPECT_EQ(p.at("MemoryPeak").get<uint64_t>(), 9u << 20);
  EXPECT_EQ(p.at("MemoryMax").get<uint64_t>(), 64u << 20);
  EXPECT_EQ(p.at("CPUUsageNSec").get<uint64_t>(), 123'456'789u);
  service_->run([&](FakeBackend& backend, DbusService&) {
    backend.stats_[nginx_].tasks_current = 4;
    backend.stats_reads_ = 0;
  });
  EXPECT_EQ(get(path_of(nginx_), names::kContainerInterface, "TasksCurrent").get<uint64_t>(), 4u);
  service_->run([&](FakeBackend& backend, DbusService&) { EXPECT_GE(backend.stats_reads_, 1); });
}

TEST_F(ServiceTest, GetAllReadsTheCgroupOncePerCall) {
  service_->run([&](FakeBackend& backend, DbusService&) { backend.stats_reads_ = 0; });
  get_all(path_of(nginx_), names::kContainerInterface);
  service_->run([&](FakeBackend& backend, DbusService&) { EXPECT_EQ(backend.stats_reads_, 1); });
  get_all(path_of(nginx_), names::kContainerInterface);
  get(path_of(nginx_), names::kContainerInterface, "TasksMax");
  service_->run([&](FakeBackend& backend, DbusService&) { EXPECT_EQ(backend.stats_reads_, 3); });
}

TEST_F(ServiceTest, GetContainerByPidAndByCgroupId) {
  auto other = hex_id("cafe");
  service_->run([&](FakeBackend& backend, DbusService& service) {
    auto container = pending_container(other);
    container.cgroup_id = 9001;
    backend.put(container);
    backend.pids_[4321] = web_;
    backend.pids_[77] = "gone";
    service.container_added(container);
  });
  auto by_pid = [&](uint32_t pid) {
    sdbus::ObjectPath path;
    manager_->callMethod("GetContainerByPID")
        .onInterface(names::kManagerInterface)
        .withArguments(pid)
        .storeResultsTo(path);
    return std::string(path);
  };
  auto by_cgroup = [&](uint64_t id) {
    sdbus::ObjectPath path;
    manager_->callMethod("GetContainerByCgroupId")
        .onInterface(names::kManagerInterface)
        .withArguments(id)
        .storeResultsTo(path);
    return std::string(path);
  };
  auto error_of = [](const std::function<void()>& call) {
    try {
      call();
      return std::string();
    } catch (const sdbus::Error& error) {
      return error.getName();
    }
  };
  auto message_of = [](const std::function<void()>& call) {
    try {
      call();
      return std::string();
    } catch (const sdbus::Error& error) {
      return error.getMessage();
    }
  };
  EXPECT_EQ(by_pid(4321), path_of(web_));
  // A process that does not exist: the documented error, told apart by its message.
  EXPECT_EQ(error_of([&] { by_pid(999999); }), names::kErrorNoSuchContainer);
  EXPECT_EQ(message_of([&] { by_pid(999999); }), "No process 999999");
  EXPECT_EQ(message_of([&] { by_pid(1); }), "Process 1 runs in no tracked container");
  EXPECT_EQ(by_cgroup(9001), path_of(other));
  EXPECT_EQ(error_of([&] { by_pid(1); }), names::kErrorNoSuchContainer);
  EXPECT_EQ(error_of([&] { by_pid(77); }), names::kErrorNoSuchContainer);
  EXPECT_EQ(error_of([&] { by_pid(0); }), names::kErrorInvalidArgs);
  EXPECT_EQ(error_of([&] { by_cgroup(1); }), names::kErrorNoSuchContainer);
}

TEST_F(ServiceTest, ProcessesAreReadWhenRead) {
  using Processes = std::vector<sdbus::Struct<uint32_t, uint32_t, std::string>>;
  EXPECT_TRUE(
      get(path_of(nginx_), names::kContainerInterface, "Processes").get<Processes>().empty());
  service_->run([&](FakeBackend& backend, DbusService&) {
    backend.processes_[nginx_] = {{4321, 4300, "nginx"}, {4400, 4321, "worker \u00e9"}};
  });
  auto list = get(path_of(nginx_), names::kContainerInterface, "Processes").get<Processes>();
  ASSERT_EQ(list.size(), 2u);
  EXPECT_EQ(list[0].get<0>(), 4321u);
  EXPECT_EQ(list[0].get<1>(), 4300u);
  EXPECT_EQ(list[0].get<2>(), "nginx");
  EXPECT_EQ(list[1].get<1>(), 4321u);
  EXPECT_EQ(list[1].get<2>(), "worker \u00e9");
}

TEST_F(ServiceTest, GetMetricsReturnsTheBackendsText) {
  const std::string text = "# TYPE tracker_containers gauge\ntracker_containers 3\n";
  service_->run([&](FakeBackend& backend, DbusService&) { backend.metrics_ = text; });
  std::string metrics;
  manager_->callMethod("GetMetrics").onInterface(names::kManagerInterface).storeResultsTo(metrics);
  EXPECT_EQ(metrics, text);
}

TEST_F(ServiceTest, ExitIsAnnouncedOnceAndBeforeRemoval) {
  SignalRecorder signals(bus_.address());
  service_->run([&](FakeBackend& backend, DbusService& service) {
    auto container = *backend.container(web_);
    container.state = "exited";
    container.exit_code = 137;
    container.exit_signal = 9;
    container.oom_killed = true;
    backend.put(container);
    service.container_exited(container);
    service.container_exited(container);  // told twice: announced once
  });
  auto exited =
      signals.wait_for([](const RecordedSignal& s) { return s.member == "ContainerExited"; });
  ASSERT_TRUE(exited);
  EXPECT_EQ(exited->arg0, web_);
  EXPECT_EQ(exited->arg1, path_of(web_));
  EXPECT_EQ(exited->exit_code, 137);
  EXPECT_EQ(exited->exit_signal, 9);
  EXPECT_TRUE(exited->oom_killed);
  auto changed = signals.wait_for([&](const RecordedSignal& s) {
    return s.member == "PropertiesChanged" && s.path == path_of(web_);
  });
  ASSERT_TRUE(changed);
  EXPECT_THAT(changed->invalidated,
              UnorderedElementsAre("State", "ExitCode", "ExitSignal", "OOMKilled"));
  auto p = get_all(path_of(web_), names::kContainerInterface);
  EXPECT_EQ(p.at("State").get<std::string>(), "exited");
  EXPECT_EQ(p.at("ExitCode").get<int32_t>(), 137);
  EXPECT_TRUE(p.at("OOMKilled").get<bool>());
  // A container removed without its exit told is announced as exited first.
  service_->run([&](FakeBackend& backend, DbusService& service) {
    for (const auto& id : {web_, nginx_}) {
      auto container = *backend.container(id);
      backend.erase(id);
      service.container_removed(container);
    }
  });
  ASSERT_TRUE(signals.wait_for(
      [&](const RecordedSignal& s) { return s.member == "ContainerRemoved" && s.arg0 == nginx_; }));
  std::vector<std::string> order;
  for (const auto& s : signals.all())
    if (s.member == "ContainerExited" || s.member == "ContainerRemoved")
      order.push_back(s.member + " " + (s.arg0 == web_ ? "web" : "nginx"));
  EXPECT_THAT(order, ElementsAre("ContainerExited web", "ContainerRemoved web",
                                 "ContainerExited nginx", "ContainerRemoved nginx"));
  auto nginx_exit = signals.wait_for(
      [&](const RecordedSignal& s) { return s.member == "ContainerExited" && s.arg0 == nginx_; });
  ASSERT_TRUE(nginx_exit);
  EXPECT_EQ(nginx_exit->exit_code, -1);
  EXPECT_FALSE(nginx_exit->oom_killed);
}

TEST_F(ServiceTest, CountersComeFromTheBackend) {
  service_->run([](FakeBackend& backend, DbusService&) {
    backend.counters_.lookalike_cgroups = 1;
    backend.counters_.state_map_failures = 2;
    backend.counters_.cgroup_events_lost = 3;
    backend.counters_.process_events_lost = 4;
    backend.counters_.events_held = 5;
    backend.counters_.events_released_early = 6;
    backend.counters_.reconciles = 7;
  });
  auto p = get_all(names::kManagerPath, names::kManagerInterface);
  EXPECT_EQ(p.at("LookalikeCgroups").get<uint64_t>(), 1u);
  EXPECT_EQ(p.at("StateMapFailures").get<uint64_t>(), 2u);
  EXPECT_EQ(p.at("CgroupEventsLost").get<uint64_t>(), 3u);
  EXPECT_EQ(p.at("ProcessEventsLost").get<uint64_t>(), 4u);
  EXPECT_EQ(p.at("EventsHeld").get<uint64_t>(), 5u);
  EXPECT_EQ(p.at("EventsReleasedEarly").get<uint64_t>(), 6u);
  EXPECT_EQ(p.at("Reconciles").get<uint64_t>(), 7u);
  EXPECT_EQ(p.at("DeniedCalls").get<uint64_t>(), 0u);
}

TEST_F(ServiceTest, GetManagedObjectsListsEveryContainer) {
  std::map<sdbus::ObjectPath, std::map<std::string, Properties>> objects;
  manager_->callMethod("GetManagedObjects")
      .onInterface("org.freedesktop.DBus.ObjectManager")
      .storeResultsTo(objects);
  std::set<std::string> paths;
  for (const auto& [path, interfaces] : objects) {
    paths.insert(path);
    ASSERT_TRUE(interfaces.count(names::kContainerInterface)) << path;
    EXPECT_EQ(interfaces.at(names::kContainerInterface).size(), 36u);
  }
  EXPECT_EQ(paths, (std::set<std::string>{path_of(nginx_), path_of(web_), path_of(pending_)}));
  EXPECT_EQ(objects.at(sdbus::ObjectPath(path_of(nginx_)))
                .at(names::kContainerInterface)
                .at("Name")
                .get<std::string>(),
            "nginx");
}

using ManagedObjects = std::map<sdbus::ObjectPath, std::map<std::string, Properties>>;

// GetManagedObjects: "" and the objects, or the D-Bus error name.
std::pair<std::string, ManagedObjects> managed_objects(sdbus::IProxy& manager) {
  ManagedObjects objects;
  try {
    manager.callMethod("GetManagedObjects")
        .onInterface("org.freedesktop.DBus.ObjectManager")
        .storeResultsTo(objects);
    return {"", objects};
  } catch (const sdbus::Error& error) {
    return {error.getName(), {}};
  }
}

// A reply larger than a bus message may be (the system bus takes 32 MiB) is
// refused rather than sent: dbus-daemon would drop tracker's connection for
// it. The bound follows the containers as they come and go.
TEST(ServiceLimits, GetManagedObjectsLargerThanABusMessageIsRefused) {
  PrivateBus bus;
  REQUIRE_PREREQUISITE(!bus.address().empty(), "a private bus: " + bus.error());
  ServiceHarness service(
      bus.address(), privileged_self(),
      [](FakeBackend& backend) { backend.put(pending_container(hex_id("a1"))); }, 8192);
  ASSERT_EQ(service.start_error(), "");
  auto connection = client_connection(bus.address());
  auto manager = manager_proxy(*connection);
  EXPECT_EQ(managed_objects(*manager).second.size(), 1u);

  std::vector<ContainerSnapshot> added;
  service.run([&](FakeBackend& backend, DbusService& dbus) {
    for (int i = 0; i < 8; ++i) {
      auto container = pending_container(hex_id("b" + std::to_string(i)));
      backend.put(container);
      dbus.container_added(container);
      added.push_back(container);
    }
  });
  auto [error, objects] = managed_objects(*manager);
  EXPECT_EQ(error, names::kErrorLimitsExceeded);
  // Still on the bus: every other call is answered.
  std::vector<
      sdbus::Struct<std::string, std::string, std::string, std::string, std::string, std::string,
                    std::string, bool, std::string, uint64_t, sdbus::ObjectPath>>
      list;
  manager->callMethod("ListContainers").onInterface(names::kManagerInterface).storeResultsTo(list);
  EXPECT_EQ(list.size(), 9u);

  service.run([&](FakeBackend& backend, DbusService& dbus) {
    for (const auto& container : added) {
      backend.erase(container.id);
      dbus.container_removed(container);
    }
  });
  auto [again, remaining] = managed_objects(*manager);
  EXPECT_EQ(again, "");
  EXPECT_EQ(remaining.size(), 1u);
}

// Thousands of containers, each an object read from the backend when asked.
TEST(ServiceScale, ThousandsOfContainersAreServed) {
  PrivateBus bus;
  REQUIRE_PREREQUISITE(!bus.address().empty(), "a private bus: " + bus.error());
  constexpr int kContainers = 2000;
  ServiceHarness service(bus.address(), privileged_self(), [](FakeBackend& backend) {
    for (int i = 0; i < kContainers; ++i)
      backend.put(pending_container(hex_id("c" + std::to_string(i) + "x")));
  });
  ASSERT_EQ(service.start_error(), "");
  auto connection = client_connection(bus.address());
  auto manager = manager_proxy(*connection);
  auto count = manager->getProperty("ContainerCount").onInterface(names::kManagerInterface);
  EXPECT_EQ(count.get<uint32_t>(), static_cast<uint32_t>(kContainers));
  auto [error, objects] = managed_objects(*manager);
  ASSERT_EQ(error, "");
  ASSERT_EQ(objects.size(), static_cast<std::size_t>(kContainers));
  for (const auto& [path, interfaces] : objects) {
    const auto& properties = interfaces.at(names::kContainerInterface);
    ASSERT_EQ(properties.size(), 36u) << path;
    ASSERT_EQ(container_object_path(properties.at("Id").get<std::string>()), std::string(path));
  }
  auto last = hex_id("c" + std::to_string(kContainers - 1) + "x");
  sdbus::ObjectPath path;
  manager->callMethod("GetContainer")
      .onInterface(names::kManagerInterface)
      .withArguments(last)
      .storeResultsTo(path);
  auto proxy = sdbus::createProxy(*connection, names::kBusName, path);
  EXPECT_EQ(
      proxy->getProperty("CgroupPath").onInterface(names::kContainerInterface).get<std::string>(),
      "/k8s.io/" + last);
}

TEST_F(ServiceTest, AddedContainerIsExportedAndAnnounced) {
  SignalRecorder signals(bus_.address());
  auto id = hex_id("beef");
  service_->run([&](FakeBackend& backend, DbusService& service) {
    auto container = pending_container(id);
    backend.put(container);
    service.container_added(container);
  });
  auto added =
      signals.wait_for([](const RecordedSignal& s) { return s.member == "ContainerAdded"; });
  ASSERT_TRUE(added);
  EXPECT_EQ(added->arg0, id);
  EXPECT_EQ(added->arg1, path_of(id));
  EXPECT_EQ(added->path, names::kManagerPath);
  auto interfaces =
      signals.wait_for([](const RecordedSignal& s) { return s.member == "InterfacesAdded"; });
  ASSERT_TRUE(interfaces);
  EXPECT_EQ(interfaces->arg0, path_of(id));
  EXPECT_THAT(interfaces->names, ::testing::Contains(names::kContainerInterface));
  EXPECT_EQ(interfaces->values.at("Id").get<std::string>(), id);
  EXPECT_EQ(interfaces->values.at("CgroupId").get<uint64_t>(), 777u);
  // Only the constant properties, which /proc/PID/cgroup shows anyone anyway:
  // what enrichment finds is read with an authorized Get or GetAll.
  std::set<std::string> announced;
  for (const auto& [name, value] : interfaces->values) announced.insert(name);
  EXPECT_EQ(announced,
            (std::set<std::string>{"Id", "Runtime", "Origin", "CgroupPath", "CgroupId"}));
  auto count = signals.wait_for([](const RecordedSignal& s) {
    return s.member == "PropertiesChanged" && s.arg0 == names::kManagerInterface;
  });
  ASSERT_TRUE(count);
  EXPECT_EQ(count->values.at("ContainerCount").get<uint32_t>(), 4u);
  EXPECT_EQ(get_all(path_of(id), names::kContainerInterface).at("CgroupId").get<uint64_t>(), 777u);
  // The ObjectManager signal precedes the Manager's, so a client that reacts
  // to ContainerAdded finds the object.
  auto all = signals.all();
  auto position = [&](const char* member) {
    return std::find_if(all.begin(), all.end(),
                        [&](const RecordedSignal& s) { return s.member == member; }) -
           all.begin();
  };
  EXPECT_LT(position("InterfacesAdded"), position("ContainerAdded"));
}

TEST_F(ServiceTest, RemovedContainerIsWithdrawn) {
  SignalRecorder signals(bus_.address());
  service_->run([&](FakeBackend& backend, DbusService& service) {
    auto container = *backend.container(nginx_);
    backend.erase(nginx_);
    service.container_removed(container);
  });
  auto removed =
      signals.wait_for([](const RecordedSignal& s) { return s.member == "ContainerRemoved"; });
  ASSERT_TRUE(removed);
  EXPECT_EQ(removed->arg0, nginx_);
  EXPECT_EQ(removed->arg1, path_of(nginx_));
  auto interfaces =
      signals.wait_for([](const RecordedSignal& s) { return s.member == "InterfacesRemoved"; });
  ASSERT_TRUE(interfaces);
  EXPECT_EQ(interfaces->arg0, path_of(nginx_));
  EXPECT_THAT(interfaces->names, ::testing::Contains(names::kContainerInterface));
  EXPECT_EQ(get_container_error(nginx_), names::kErrorNoSuchContainer);
  try {
    get_all(path_of(nginx_), names::kContainerInterface);
    FAIL() << "the removed object still answers";
  } catch (const sdbus::Error& error) {
    EXPECT_THAT(error.getName(), HasSubstr("Unknown"));
  }
  EXPECT_EQ(get(names::kManagerPath, names::kManagerInterface, "ContainerCount").get<uint32_t>(),
            2u);
}

TEST_F(ServiceTest, EnrichmentSendsPropertiesChangedThenContainerEnriched) {
  SignalRecorder signals(bus_.address());
  service_->run([&](FakeBackend& backend, DbusService& service) {
    auto container = enriched_container(pending_, "redis");
    container.runtime = "containerd";
    container.origin = "created";
    container.cgroup_path = "/k8s.io/" + pending_;
    container.cgroup_id = 777;
    backend.put(container);
    service.container_changed(container);
  });
  auto enriched =
      signals.wait_for([](const RecordedSignal& s) { return s.member == "ContainerEnriched"; });
  ASSERT_TRUE(enriched);
  EXPECT_EQ(enriched->arg0, pending_);
  EXPECT_EQ(enriched->arg1, path_of(pending_));
  auto all = signals.all();
  ASSERT_GE(all.size(), 2u);
  const auto& changed = all[0];
  EXPECT_EQ(changed.member, "PropertiesChanged");
  EXPECT_EQ(changed.path, path_of(pending_));
  EXPECT_EQ(changed.arg0, names::kContainerInterface);
  // Invalidations only: container metadata never travels in a broadcast.
  EXPECT_TRUE(changed.values.empty());
  EXPECT_THAT(changed.invalidated,
              UnorderedElementsAre("Name", "Image", "ImageDigest", "ImageId", "Enrichment",
                                   "CreatedTimestamp", "StartedTimestamp", "InitPid", "Labels"));
  EXPECT_EQ(all[1].member, "ContainerEnriched");
  EXPECT_EQ(get(path_of(pending_), names::kContainerInterface, "Name").get<std::string>(), "redis");
}

TEST_F(ServiceTest, ChangeWithoutCompletedEnrichmentIsNoEnrichedSignal) {
  SignalRecorder signals(bus_.address());
  service_->run([&](FakeBackend& backend, DbusService& service) {
    auto container = *backend.container(pending_);
    container.started = true;
    backend.put(container);
    service.container_changed(container);
    service.container_changed(container);  // nothing changed: nothing sent
  });
  auto changed = signals.wait_for([](const RecordedSignal& s) {
    return s.member == "PropertiesChanged" && s.arg0 == names::kContainerInterface;
  });
  ASSERT_TRUE(changed);
  EXPECT_THAT(changed->invalidated, ElementsAre("Started"));
  std::this_thread::sleep_for(200ms);
  EXPECT_EQ(signals.all().size(), 1u);
}

TEST_F(ServiceTest, ManagerChangedAnnouncesOnlyWhatChanged) {
  SignalRecorder signals(bus_.address());
  service_->run([](FakeBackend& backend, DbusService& service) {
    service.manager_changed();  // nothing changed yet
    backend.events_lost_ = 17;
    service.manager_changed();
  });
  auto changed = signals.wait_for([](const RecordedSignal& s) {
    return s.member == "PropertiesChanged" && s.arg0 == names::kManagerInterface;
  });
  ASSERT_TRUE(changed);
  EXPECT_THAT(changed->names, ElementsAre("EventsLost"));
  EXPECT_EQ(changed->values.at("EventsLost").get<uint64_t>(), 17u);
  std::this_thread::sleep_for(200ms);
  EXPECT_EQ(signals.all().size(), 1u);
}

TEST_F(ServiceTest, UnusualIdsGetEscapedPaths) {
  const std::string id = "my-ctr_1.scope:x";
  SignalRecorder signals(bus_.address());
  service_->run([&](FakeBackend& backend, DbusService& service) {
    auto container = pending_container(id);
    backend.put(container);
    service.container_added(container);
  });
  auto path = std::string(get_container(id));
  EXPECT_EQ(path.rfind(std::string(names::kContainerPathPrefix) + "/", 0), 0u) << path;
  EXPECT_EQ(container_id_from_path(path), id);
  EXPECT_EQ(get(path, names::kContainerInterface, "Id").get<std::string>(), id);
}

// --- introspection against dbus/org.khulnasoft.Tracker1.xml ----------------

// Members of an interface, as comparable strings: "method Name(in s,out o)".
using Shape = std::map<std::string, std::set<std::string>>;

std::string attribute(const std::string& tag, const std::string& name) {
  std::smatch match;
  std::regex pattern("\\b" + name + "\\s*=\\s*[\"']([^\"']*)[\"']");
  return std::regex_search(tag, match, pattern) ? match[1].str() : "";
}

// Interfaces, methods with their arguments, signals and properties of an
// introspection document (the file, or what the live objects answer).
Shape shape_of(std::string xml) {
  xml = std::regex_replace(xml, std::regex("<!--[\\s\\S]*?-->"), "");
  Shape shape;
  std::string interface, member;
  std::vector<std::string> args;
  std::regex tags("<(/?)(interface|method|signal|property|arg)\\b([^>]*?)(/?)>");
  for (std::sregex_iterator it(xml.begin(), xml.end(), tags), end; it != end; ++it) {
    bool closing = (*it)[1] == "/", self_closing = (*it)[4] == "/";
    std::string kind = (*it)[2], tag = (*it)[3];
    auto finish = [&] {
      std::string joined;
      for (const auto& a : args) joined += (joined.empty() ? "" : ",") + a;
      shape[interface].insert(member + "(" + joined + ")");
      member.clear();
      args.clear();
    };
    if (kind == "interface") {
      interface = closing ? "" : attribute(tag, "name");
    } else if (kind == "property" && !closing) {
      shape[interface].insert("property " + attribute(tag, "name") + " " + attribute(tag, "type") +
                              " " + attribute(tag, "access"));
    } else if ((kind == "method" || kind == "signal") && !closing) {
      member = kind + " " + attribute(tag, "name");
      if (self_closing) finish();
    } else if ((kind == "method" || kind == "signal") && closing) {
      finish();
    } else if (kind == "arg" && !closing) {
      auto direction = attribute(tag, "direction");
      if (direction.empty()) direction = member.rfind("method", 0) == 0 ? "in" : "out";
      args.push_back(direction + " " + attribute(tag, "type") + " " + attribute(tag, "name"));
    }
  }
  return shape;
}

std::string read_file(const std::string& path) {
  std::ifstream file(path);
  std::stringstream text;
  text << file.rdbuf();
  return text.str();
}

TEST_F(ServiceTest, IntrospectionOfTheLiveObjectsMatchesTheXml) {
  auto documented = shape_of(read_file(TRACKER1_XML_PATH));
  ASSERT_EQ(documented.size(), 2u);
  auto introspect = [&](const std::string& path) {
    auto proxy = sdbus::createProxy(*connection_, names::kBusName, path);
    std::string xml;
    proxy->callMethod("Introspect")
        .onInterface("org.freedesktop.DBus.Introspectable")
        .storeResultsTo(xml);
    return shape_of(xml);
  };
  auto manager = introspect(names::kManagerPath);
  auto container = introspect(path_of(nginx_));
  EXPECT_EQ(manager[names::kManagerInterface], documented[names::kManagerInterface]);
  EXPECT_EQ(container[names::kContainerInterface], documented[names::kContainerInterface]);
  EXPECT_TRUE(manager.count("org.freedesktop.DBus.ObjectManager"));
  EXPECT_TRUE(manager.count("org.freedesktop.DBus.Properties"));
  EXPECT_TRUE(container.count("org.freedesktop.DBus.Properties"));
  EXPECT_FALSE(container.count(names::kManagerInterface));
}

// EmitsChangedSignal of every property by interface, as annotated ("true"
// when not), in the XML or in what the live objects answer.
std::map<std::string, std::map<std::string, std::string>> emits_of(const std::string& xml) {
  // Split with find(): std::regex recurses once per character over a whole
  // interface, more than the stack holds under ASan.
  std::map<std::string, std::map<std::string, std::string>> emits;
  std::regex annotation("EmitsChangedSignal\"\\s+value=\"([a-z]+)\"");
  const std::string open_interface = "<interface ", close_interface = "</interface>";
  for (auto at = xml.find(open_interface); at != std::string::npos;
       at = xml.find(open_interface, at + 1)) {
    auto head_end = xml.find('>', at);
    auto body_end = xml.find(close_interface, head_end);
    if (head_end == std::string::npos || body_end == std::string::npos) break;
    auto& properties = emits[attribute(xml.substr(at, head_end - at), "name")];
    std::string body = xml.substr(head_end + 1, body_end - head_end - 1);
    for (auto p = body.find("<property "); p != std::string::npos;
         p = body.find("<property ", p + 1)) {
      auto tag_end = body.find('>', p);
      if (tag_end == std::string::npos) break;
      std::string tag = body.substr(p, tag_end - p);
      std::string inner;
      if (body[tag_end - 1] != '/') {
        auto close = body.find("</property>", tag_end);
        inner = body.substr(tag_end + 1, close == std::string::npos ? 0 : close - tag_end - 1);
      }
      std::smatch value;
      properties[attribute(tag, "name")] =
          std::regex_search(inner, value, annotation) ? value[1].str() : "true";
    }
  }
  return emits;
}

TEST_F(ServiceTest, PropertiesAnnounceChangesAsTheXmlSays) {
  auto documented = emits_of(read_file(TRACKER1_XML_PATH));
  auto introspect = [&](const std::string& path) {
    auto proxy = sdbus::createProxy(*connection_, names::kBusName, path);
    std::string xml;
    proxy->callMethod("Introspect")
        .onInterface("org.freedesktop.DBus.Introspectable")
        .storeResultsTo(xml);
    return emits_of(xml);
  };
  auto manager = introspect(names::kManagerPath)[names::kManagerInterface];
  auto container = introspect(path_of(web_))[names::kContainerInterface];
  EXPECT_EQ(manager.size(), 12u);
  EXPECT_EQ(manager, documented[names::kManagerInterface]);
  EXPECT_EQ(container.size(), 36u);
  EXPECT_EQ(container, documented[names::kContainerInterface]);
}

// The parent of the container objects lists every one of them (sd-bus asks
// the service's node enumerator: no object is registered per container).
TEST_F(ServiceTest, ContainerNodeListsEveryContainer) {
  auto proxy = sdbus::createProxy(*connection_, names::kBusName, names::kContainerPathPrefix);
  std::string xml;
  proxy->callMethod("Introspect")
      .onInterface("org.freedesktop.DBus.Introspectable")
      .storeResultsTo(xml);
  std::set<std::string> nodes;
  std::regex node("<node name=\"([^\"]+)\"");
  for (std::sregex_iterator it(xml.begin(), xml.end(), node), end; it != end; ++it)
    nodes.insert(std::string(names::kContainerPathPrefix) + "/" + (*it)[1].str());
  EXPECT_EQ(nodes, (std::set<std::string>{path_of(nginx_), path_of(web_), path_of(pending_)}));
}

TEST(ServiceApiXml, EveryMemberIsDocumented) {
  auto xml = read_file(TRACKER1_XML_PATH);
  ASSERT_FALSE(xml.empty());
  std::regex member("<(method|signal|property) name=\"([^\"]+)\"[^>]*>([\\s\\S]*?)</\\1>");
  int members = 0;
  for (std::sregex_iterator it(xml.begin(), xml.end(), member), end; it != end; ++it) {
    ++members;
    EXPECT_NE((*it)[3].str().find("<doc:doc>"), std::string::npos)
        << (*it)[1] << " " << (*it)[2] << " has no <doc:doc>";
  }
  EXPECT_EQ(members, 8 + 4 + 12 + 36);  // methods, signals, Manager and Container properties
  std::regex interface("<interface name=\"([^\"]+)\">\\s*<doc:doc>");
  EXPECT_EQ(std::distance(std::sregex_iterator(xml.begin(), xml.end(), interface),
                          std::sregex_iterator()),
            2);
}

}  // namespace
}  // namespace tracker::testing
