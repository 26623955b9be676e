// Authorization of the D-Bus service against a fake polkit on a private bus:
// what polkit is asked, what its answers do, and that waiting for it never
// blocks the bus.

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <systemd/sd-bus.h>
#include <unistd.h>

#include <poll.h>

#include <future>

#include "service/dbus_names.h"
#include "service/object_path.h"
#include "tests/common/prerequisite.h"
#include "tests/unit/service_bus_fixture.h"
#include "trackerctl/client.h"

namespace tracker::testing {
namespace {

namespace names = dbus_names;
using ::testing::HasSubstr;

AuthorizerOptions ask_polkit_for_everyone() {
  AuthorizerOptions options;
  options.privileged_uid.reset();
  return options;
}

class PolkitTest : public ::testing::Test {
 protected:
  void SetUp() override {
    REQUIRE_PREREQUISITE(!bus_.address().empty(), "a private bus: " + bus_.error());
    connection_ = client_connection(bus_.address());
    manager_ = manager_proxy(*connection_);
  }

  void start(AuthorizerOptions options = ask_polkit_for_everyone(), bool with_polkit = true) {
    if (with_polkit) {
      polkit_ = std::make_unique<FakePolkit>(bus_.address());
      ASSERT_TRUE(polkit_->ready());
    }
    service_ = std::make_unique<ServiceHarness>(bus_.address(), options);
    ASSERT_EQ(service_->start_error(), "");
  }

  // Calls a Manager method; the D-Bus error name and message, or "" on success.
  std::pair<std::string, std::string> call(const std::string& method) {
    try {
      auto message = manager_->createMethodCall(names::kManagerInterface, method);
      if (method == "GetContainer") message << std::string("nginx");
      if (method == "SetEnrichment") message << false;
      manager_->callMethod(message);
      return {"", ""};
    } catch (const sdbus::Error& error) {
      return {error.getName(), error.getMessage()};
    }
  }

  std::string read_name(const std::string& id) {
    auto proxy = sdbus::createProxy(*connection_, names::kBusName, container_object_path(id));
    sdbus::Variant value;
    proxy->callMethod("Get")
        .onInterface("org.freedesktop.DBus.Properties")
        .withArguments(std::string(names::kContainerInterface), std::string("Name"))
        .storeResultsTo(value);
    return value.get<std::string>();
  }

  const std::string nginx_ = hex_id("abc1");
  PrivateBus bus_;
  std::unique_ptr<FakePolkit> polkit_;
  std::unique_ptr<ServiceHarness> service_;
  std::unique_ptr<sdbus::IConnection> connection_;
  std::unique_ptr<sdbus::IProxy> manager_;
};

struct MethodAction {
  const char* method;
  const char* action;
};

class PolkitActionTest : public PolkitTest, public ::testing::WithParamInterface<MethodAction> {};

TEST_P(PolkitActionTest, AsksPolkitForTheCallersBusName) {
  start();
  polkit_->decide(GetParam().action, {true, false});
  EXPECT_EQ(call(GetParam().method).first, "");
  auto requests = polkit_->requests();
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_EQ(requests[0].subject_kind, "system-bus-name");
  EXPECT_EQ(requests[0].subject_name, connection_->getUniqueName());
  EXPECT_EQ(requests[0].action, GetParam().action);
  EXPECT_EQ(requests[0].flags, 0u) << "interaction was not allowed";
}

TEST_P(PolkitActionTest, DenialIsAccessDenied) {
  start();
  auto [name, message] = call(GetParam().method);
  EXPECT_EQ(name, names::kErrorAccessDenied);
  EXPECT_THAT(message, HasSubstr(GetParam().action));
  // Counted for the metrics too.
  service_->run([](FakeBackend& backend, DbusService&) { EXPECT_EQ(backend.denied_, 1); });
}

TEST_P(PolkitActionTest, ChallengeWithoutInteractionSaysSo) {
  start();
  polkit_->decide(GetParam().action, {false, true});
  auto [name, message] = call(GetParam().method);
  EXPECT_EQ(name, names::kErrorAccessDenied);
  EXPECT_THAT(message, HasSubstr("interactive"));
}

TEST_P(PolkitActionTest, WithoutPolkitOnlyPrivilegedCallersPass) {
  start(ask_polkit_for_everyone(), /*with_polkit=*/false);
  auto [name, message] = call(GetParam().method);
  EXPECT_EQ(name, names::kErrorAccessDenied);
  EXPECT_THAT(message, HasSubstr("polkit is unavailable"));
}

TEST_P(PolkitActionTest, PrivilegedCallerNeedsNoPolkit) {
  AuthorizerOptions options;
  options.privileged_uid = getuid();
  start(options);
  EXPECT_EQ(call(GetParam().method).first, "");
  EXPECT_TRUE(polkit_->requests().empty());
}

INSTANTIATE_TEST_SUITE_P(Methods, PolkitActionTest,
                         ::testing::Values(MethodAction{"ListContainers", names::kActionInspect},
                                           MethodAction{"GetContainer", names::kActionInspect},
                                           MethodAction{"ListRuntimes", names::kActionInspect},
                                           MethodAction{"Reload", names::kActionManage},
                                           MethodAction{"SetEnrichment", names::kActionManage}),
                         [](const auto& info) { return std::string(info.param.method); });

TEST_F(PolkitTest, InteractiveFlagOfTheCallIsPassedOn) {
  start();
  polkit_->decide(names::kActionManage, {true, false});
  ctl::allow_interactive_authorization(*manager_);
  EXPECT_EQ(call("Reload").first, "");
  auto requests = polkit_->requests();
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_EQ(requests[0].flags, 1u) << "AllowUserInteraction";
}

TEST_F(PolkitTest, DeniedManageLeavesTheBackendAlone) {
  start();
  polkit_->decide(names::kActionInspect, {true, false});
  EXPECT_EQ(call("SetEnrichment").first, names::kErrorAccessDenied);
  EXPECT_EQ(call("Reload").first, names::kErrorAccessDenied);
  service_->run([](FakeBackend& backend, DbusService&) {
    EXPECT_TRUE(backend.enrichment_calls_.empty());
    EXPECT_EQ(backend.reloads_, 0);
  });
}

TEST_F(PolkitTest, InvalidIdIsRefusedBeforeAskingPolkit) {
  start();
  auto message = manager_->createMethodCall(names::kManagerInterface, "GetContainer");
  message << std::string();
  try {
    manager_->callMethod(message);
    FAIL() << "GetContainer(\"\") succeeded";
  } catch (const sdbus::Error& error) {
    EXPECT_EQ(error.getName(), names::kErrorInvalidArgs);
  }
  EXPECT_TRUE(polkit_->requests().empty());
}

TEST_F(PolkitTest, ContainerPropertiesNeedTheInspectAuthorization) {
  start();
  try {
    read_name(nginx_);
    FAIL() << "an unauthorized peer read a container property";
  } catch (const sdbus::Error& error) {
    EXPECT_EQ(error.getName(), names::kErrorAccessDenied);
    EXPECT_THAT(error.getMessage(), HasSubstr(names::kActionInspect));
  }
  std::map<sdbus::ObjectPath, std::map<std::string, std::map<std::string, sdbus::Variant>>> objects;
  try {
    manager_->callMethod("GetManagedObjects")
        .onInterface("org.freedesktop.DBus.ObjectManager")
        .storeResultsTo(objects);
    FAIL() << "an unauthorized peer read every container";
  } catch (const sdbus::Error& error) {
    EXPECT_EQ(error.getName(), names::kErrorAccessDenied);
  }
  // Passing the inspect check (GetContainer) grants reading for a while.
  polkit_->decide(names::kActionInspect, {true, false});
  EXPECT_EQ(call("GetContainer").first, "");
  EXPECT_EQ(read_name(nginx_), "nginx");
  manager_->callMethod("GetManagedObjects")
      .onInterface("org.freedesktop.DBus.ObjectManager")
      .storeResultsTo(objects);
  EXPECT_EQ(objects.size(), 3u);
  // ... to that peer only.
  auto other = client_connection(bus_.address());
  auto proxy = sdbus::createProxy(*other, names::kBusName, container_object_path(nginx_));
  EXPECT_THROW(proxy->getProperty("Name").onInterface(names::kContainerInterface), sdbus::Error);
}

TEST_F(PolkitTest, ReadGrantExpires) {
  auto options = ask_polkit_for_everyone();
  options.read_grant = std::chrono::seconds(1);
  start(options);
  polkit_->decide(names::kActionInspect, {true, false});
  EXPECT_EQ(call("ListContainers").first, "");
  EXPECT_EQ(read_name(nginx_), "nginx");
  std::this_thread::sleep_for(1200ms);
  EXPECT_THROW(read_name(nginx_), sdbus::Error);
}

TEST_F(PolkitTest, ManagerPropertiesArePublic) {
  start();
  auto version = manager_->getProperty("Version").onInterface(names::kManagerInterface);
  EXPECT_EQ(version.get<std::string>(), "0.1.0-test");
  EXPECT_TRUE(polkit_->requests().empty());
}

TEST_F(PolkitTest, SlowPolkitDoesNotBlockTheBus) {
  start();
  polkit_->decide(names::kActionInspect, {true, false});
  polkit_->delay(1500ms);
  auto slow = std::async(std::launch::async, [&] {
    auto connection = client_connection(bus_.address());
    auto proxy = manager_proxy(*connection);
    auto begin = std::chrono::steady_clock::now();
    proxy->callMethod("ListRuntimes").onInterface(names::kManagerInterface);
    return std::chrono::steady_clock::now() - begin;
  });
  std::this_thread::sleep_for(300ms);  // the slow call is waiting for polkit now
  auto begin = std::chrono::steady_clock::now();
  auto count = manager_->getProperty("ContainerCount").onInterface(names::kManagerInterface);
  auto quick = std::chrono::steady_clock::now() - begin;
  EXPECT_EQ(count.get<uint32_t>(), 3u);
  EXPECT_LT(quick, 500ms);
  EXPECT_GE(slow.get(), 1400ms);
}

// Runs `connection` on this thread until `done` holds or `timeout` passes.
bool pump_until(sdbus::IConnection& connection, const std::function<bool()>& done,
                std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!done()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    while (connection.processPendingRequest()) {
    }
    auto data = connection.getEventLoopPollData();
    pollfd fd{data.fd, data.events, 0};
    poll(&fd, 1, 20);
  }
  return true;
}

// tracker awaits every polkit answer on its one bus connection, and
// dbus-daemon lets a connection await at most 128 replies. A peer whose agent
// never answers may hold 8 checks: its 9th call is refused at once, counted
// as denied, and other peers are still answered.
TEST_F(PolkitTest, ChecksWaitingForPolkitAreCappedPerSender) {
  auto options = ask_polkit_for_everyone();
  options.timeout = 120s;  // the unanswered checks stay unanswered throughout
  start(options);
  polkit_->decide(names::kActionInspect, {true, false});
  auto flood = client_connection(bus_.address());
  polkit_->never_answer(flood->getUniqueName());
  auto proxy = manager_proxy(*flood);
  std::vector<std::optional<std::string>> answers;  // error name, "" for success
  answers.reserve(9);
  auto call_async = [&] {
    auto& answer = answers.emplace_back();
    proxy->callMethod(
        proxy->createMethodCall(names::kManagerInterface, "ListRuntimes"),
        [&answer](sdbus::MethodReply&, const sdbus::Error* error) {
          answer = error ? error->getName() : "";
        },
        std::chrono::duration_cast<std::chrono::microseconds>(180s).count());
  };
  for (int i = 0; i < 8; ++i) call_async();
  ASSERT_TRUE(pump_until(
      *flood, [&] { return polkit_->requests().size() == 8; }, 10s))
      << polkit_->requests().size() << " checks reached polkit";

  call_async();
  ASSERT_TRUE(pump_until(
      *flood, [&] { return answers[8].has_value(); }, 20s))
      << "the 9th call waits for polkit too";
  EXPECT_EQ(*answers[8], "org.freedesktop.DBus.Error.LimitsExceeded");
  EXPECT_EQ(polkit_->requests().size(), 8u) << "polkit was asked a 9th time";
  for (int i = 0; i < 8; ++i) EXPECT_FALSE(answers[i].has_value()) << "call " << i;

  // Another peer (the same user) is asked about and answered meanwhile.
  EXPECT_EQ(call("ListRuntimes").first, "");
  EXPECT_EQ(polkit_->requests().size(), 9u);
  auto denied = manager_->getProperty("DeniedCalls").onInterface(names::kManagerInterface);
  EXPECT_EQ(denied.get<uint64_t>(), 1u);
}

}  // namespace
}  // namespace tracker::testing
