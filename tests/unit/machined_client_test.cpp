// MachinedClient against python-dbusmock's stand-in for systemd-machined
// (tests/unit/machined_mock.py) on a private bus, and without machined.
#include "enrich/machined_client.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <systemd/sd-bus.h>

#include <array>
#include <chrono>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "tests/common/prerequisite.h"
#include "tests/unit/service_bus_fixture.h"

namespace tracker::testing {
namespace {

using namespace std::chrono_literals;

constexpr const char* kMachined = "org.freedesktop.machine1";
constexpr const char* kManagerPath = "/org/freedesktop/machine1";

// The machine-id bytes of "0123456789abcdeffedcba9876543210".
constexpr std::array<std::uint8_t, 16> kMachineId = {
    0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef, 0xfe, 0xdc, 0xba, 0x98, 0x76, 0x54, 0x32, 0x10};

struct BusDeleter {
  void operator()(sd_bus* bus) const { sd_bus_flush_close_unref(bus); }
};
using Bus = std::unique_ptr<sd_bus, BusDeleter>;

Bus connect(const std::string& address) {
  sd_bus* bus = nullptr;
  if (sd_bus_new(&bus) < 0) return nullptr;
  Bus owned(bus);
  if (sd_bus_set_address(bus, address.c_str()) < 0 || sd_bus_set_bus_client(bus, 1) < 0 ||
      sd_bus_start(bus) < 0)
    return nullptr;
  return owned;
}

bool has_owner(sd_bus* bus, const char* name) {
  sd_bus_error error = SD_BUS_ERROR_NULL;
  sd_bus_message* reply = nullptr;
  int owned = 0;
  int r = sd_bus_call_method(bus, "org.freedesktop.DBus", "/org/freedesktop/DBus",
                             "org.freedesktop.DBus", "NameHasOwner", &error, &reply, "s", name);
  if (r >= 0) r = sd_bus_message_read(reply, "b", &owned);
  sd_bus_message_unref(reply);
  sd_bus_error_free(&error);
  return r >= 0 && owned;
}

// A python3 that has dbusmock: Debian's, which a pyenv or venv python3 on PATH may hide.
std::string python_with_dbusmock() {
  for (const char* python : {"/usr/bin/python3", "python3"}) {
    if (run_process({python, "-c", "import dbusmock"}, {}, 20s).status == 0) return python;
  }
  return {};
}

std::string template_path() {
  return MACHINED_MOCK_TEMPLATE;
}

struct TestMachine {
  std::string name;
  std::array<std::uint8_t, 16> id = kMachineId;
  std::string service = "systemd-nspawn";
  std::string machine_class = "container";
  std::uint32_t leader = 4242;
  std::string root_directory = "/var/lib/machines/web";
  std::string unit = "machine-web.scope";
  std::uint64_t timestamp_us = 1'700'000'000'123'456;
};

// A private bus with the machined stand-in on it, for one test suite.
class MockMachined {
 public:
  MockMachined() {
    python_ = python_with_dbusmock();
    if (python_.empty()) {
      error_ = "python3-dbusmock";
      return;
    }
    bus_ = std::make_unique<PrivateBus>();
    if (bus_->address().empty()) {
      error_ = "dbus-daemon: " + bus_->error();
      return;
    }
    client_ = connect(bus_->address());
    mock_ = std::make_unique<ChildProcess>(
        std::vector<std::string>{python_, "-m", "dbusmock", "--session", "--logfile", "/dev/null",
                                 "--template", template_path()},
        std::vector<std::string>{"DBUS_SESSION_BUS_ADDRESS=" + bus_->address()});
    auto deadline = std::chrono::steady_clock::now() + 20s;
    while (client_ && !has_owner(client_.get(), kMachined) &&
           std::chrono::steady_clock::now() < deadline)
      std::this_thread::sleep_for(50ms);
    if (!client_ || !has_owner(client_.get(), kMachined)) error_ = "dbusmock did not start";
  }
  ~MockMachined() {
    client_.reset();
    if (mock_) mock_->stop(SIGTERM);
  }

  const std::string& error() const { return error_; }
  const std::string& address() const { return bus_->address(); }

  bool add(const TestMachine& machine) {
    sd_bus_message* call = nullptr;
    sd_bus_message* reply = nullptr;
    sd_bus_error error = SD_BUS_ERROR_NULL;
    int r = sd_bus_message_new_method_call(client_.get(), &call, kMachined, kManagerPath,
                                           "org.freedesktop.DBus.Mock", "AddMachine");
    if (r >= 0) r = sd_bus_message_append(call, "s", machine.name.c_str());
    if (r >= 0) r = sd_bus_message_append_array(call, 'y', machine.id.data(), machine.id.size());
    if (r >= 0)
      r = sd_bus_message_append(
          call, "ssusst", machine.service.c_str(), machine.machine_class.c_str(), machine.leader,
          machine.root_directory.c_str(), machine.unit.c_str(), machine.timestamp_us);
    if (r >= 0) r = sd_bus_call(client_.get(), call, 10'000'000, &error, &reply);
    sd_bus_message_unref(call);
    sd_bus_message_unref(reply);
    sd_bus_error_free(&error);
    return r >= 0;
  }

  bool remove(const std::string& name) {
    sd_bus_error error = SD_BUS_ERROR_NULL;
    int r = sd_bus_call_method(client_.get(), kMachined, kManagerPath, "org.freedesktop.DBus.Mock",
                               "RemoveMachine", &error, nullptr, "s", name.c_str());
    sd_bus_error_free(&error);
    return r >= 0;
  }

 private:
  std::string python_;
  std::string error_;
  std::unique_ptr<PrivateBus> bus_;
  Bus client_;
  std::unique_ptr<ChildProcess> mock_;
};

class MachinedClientTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    machined_ = new MockMachined();
    if (!machined_->error().empty()) return;
    TestMachine web{.name = "web"};
    TestMachine dashed{.name = "my-box.local", .leader = 5151, .unit = "machine-my\\x2dbox.scope"};
    TestMachine libvirt{.name = "lxc-4242-demo",
                        .id = {},
                        .service = "libvirt-lxc",
                        .leader = 6161,
                        .root_directory = "",
                        .unit = "machine-lxc\\x2d4242\\x2ddemo.scope",
                        .timestamp_us = 0};
    TestMachine vm{
        .name = "qemu-1-vm1", .service = "libvirt-qemu", .machine_class = "vm", .leader = 7171};
    added_ = machined_->add(web) && machined_->add(dashed) && machined_->add(libvirt) &&
             machined_->add(vm);
  }
  static void TearDownTestSuite() {
    delete machined_;
    machined_ = nullptr;
  }
  void SetUp() override {
    REQUIRE_PREREQUISITE(machined_->error().empty(), machined_->error());
    ASSERT_TRUE(added_) << "AddMachine on the mock failed";
  }

  static MockMachined* machined_;
  static bool added_;
};
MockMachined* MachinedClientTest::machined_ = nullptr;
bool MachinedClientTest::added_ = false;

TEST_F(MachinedClientTest, FindsAMachineByNameWithEveryProperty) {
  MachinedClient client(machined_->address());
  auto lookup = client.by_name("web", Deadline(10s));
  ASSERT_EQ(lookup.status, MachineLookup::Status::found) << lookup.error;
  EXPECT_EQ(lookup.machine.name, "web");
  EXPECT_EQ(lookup.machine.machine_class, "container");
  EXPECT_EQ(lookup.machine.service, "systemd-nspawn");
  EXPECT_EQ(lookup.machine.root_directory, "/var/lib/machines/web");
  EXPECT_EQ(lookup.machine.id, "0123456789abcdeffedcba9876543210");
  EXPECT_EQ(lookup.machine.unit, "machine-web.scope");
  EXPECT_EQ(lookup.machine.leader, 4242u);
  EXPECT_EQ(lookup.machine.timestamp_us, 1'700'000'000'123'456u);
}

TEST_F(MachinedClientTest, FindsAMachineByPid) {
  MachinedClient client(machined_->address());
  auto lookup = client.by_pid(5151, Deadline(10s));
  ASSERT_EQ(lookup.status, MachineLookup::Status::found) << lookup.error;
  EXPECT_EQ(lookup.machine.name, "my-box.local");
  EXPECT_EQ(lookup.machine.unit, "machine-my\\x2dbox.scope");
}

TEST_F(MachinedClientTest, OneClientAnswersManyLookups) {
  MachinedClient client(machined_->address());
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(client.by_name("web", Deadline(10s)).status, MachineLookup::Status::found);
    EXPECT_EQ(client.by_pid(6161, Deadline(10s)).machine.name, "lxc-4242-demo");
    EXPECT_EQ(client.by_name("nope", Deadline(10s)).status, MachineLookup::Status::not_found);
  }
}

TEST_F(MachinedClientTest, AMachineWithoutIdOrRootHasThemEmpty) {
  MachinedClient client(machined_->address());
  auto lookup = client.by_name("lxc-4242-demo", Deadline(10s));
  ASSERT_EQ(lookup.status, MachineLookup::Status::found) << lookup.error;
  EXPECT_EQ(lookup.machine.id, "");
  EXPECT_EQ(lookup.machine.root_directory, "");
  EXPECT_EQ(lookup.machine.service, "libvirt-lxc");
  EXPECT_EQ(lookup.machine.timestamp_us, 0u);
}

TEST_F(MachinedClientTest, AVirtualMachineSaysSo) {
  MachinedClient client(machined_->address());
  auto lookup = client.by_pid(7171, Deadline(10s));
  ASSERT_EQ(lookup.status, MachineLookup::Status::found) << lookup.error;
  EXPECT_EQ(lookup.machine.machine_class, "vm");
}

TEST_F(MachinedClientTest, UnknownNamesAndPidsAreNotFound) {
  MachinedClient client(machined_->address());
  auto by_name = client.by_name("no-such-machine", Deadline(10s));
  EXPECT_EQ(by_name.status, MachineLookup::Status::not_found) << by_name.error;
  EXPECT_NE(by_name.error.find("NoSuchMachine"), std::string::npos) << by_name.error;
  auto by_pid = client.by_pid(1, Deadline(10s));
  EXPECT_EQ(by_pid.status, MachineLookup::Status::not_found) << by_pid.error;
  EXPECT_NE(by_pid.error.find("NoMachineForPID"), std::string::npos) << by_pid.error;
}

TEST_F(MachinedClientTest, AMachineThatWentAwayIsNotFound) {
  ASSERT_TRUE(machined_->add(TestMachine{.name = "brief", .leader = 8181}));
  MachinedClient client(machined_->address());
  ASSERT_EQ(client.by_name("brief", Deadline(10s)).status, MachineLookup::Status::found);
  ASSERT_TRUE(machined_->remove("brief"));
  EXPECT_EQ(client.by_name("brief", Deadline(10s)).status, MachineLookup::Status::not_found);
  EXPECT_EQ(client.by_pid(8181, Deadline(10s)).status, MachineLookup::Status::not_found);
}

TEST_F(MachinedClientTest, AnExpiredDeadlineAsksNothing) {
  MachinedClient client(machined_->address());
  auto lookup = client.by_name("web", Deadline(0ms));
  EXPECT_EQ(lookup.status, MachineLookup::Status::failed);
}

// machined is optional: a bus without it, or no bus at all, is "unavailable".
TEST(MachinedAbsent, ABusWithoutMachinedIsUnavailable) {
  PrivateBus bus;
  REQUIRE_PREREQUISITE(!bus.address().empty(), "dbus-daemon: " + bus.error());
  MachinedClient client(bus.address());
  auto lookup = client.by_name("web", Deadline(10s));
  EXPECT_EQ(lookup.status, MachineLookup::Status::unavailable) << lookup.error;
  EXPECT_EQ(client.by_pid(1, Deadline(10s)).status, MachineLookup::Status::unavailable);
}

TEST(MachinedAbsent, NoBusIsUnavailable) {
  MachinedClient client("unix:path=/nonexistent/tracker-test/bus");
  auto lookup = client.by_name("web", Deadline(10s));
  EXPECT_EQ(lookup.status, MachineLookup::Status::unavailable);
  EXPECT_NE(lookup.error.find("/nonexistent/tracker-test/bus"), std::string::npos) << lookup.error;
}

// The stand-in takes 5 s to answer for "slow"; its own bus, so the wait blocks no other test.
TEST(MachinedDeadline, ALookupEndsAtItsDeadline) {
  MockMachined machined;
  REQUIRE_PREREQUISITE(machined.error().empty(), machined.error());
  MachinedClient client(machined.address());
  auto lookup = client.by_name("slow", Deadline(300ms));
  // Waited out, the stand-in would have said not_found.
  EXPECT_EQ(lookup.status, MachineLookup::Status::failed) << lookup.error;
}

TEST(MachineInfoToContainer, FillsWhatMachinedKnows) {
  MachineInfo machine{.name = "web",
                      .machine_class = "container",
                      .service = "systemd-nspawn",
                      .root_directory = "/var/lib/machines/web",
                      .id = "0123456789abcdeffedcba9876543210",
                      .unit = "machine-web.scope",
                      .leader = 4242,
                      .timestamp_us = 1'700'000'000'123'456};
  ContainerInfo info;
  info.runtime = Runtime::nspawn;
  info.id = "web";
  fill_container_info(machine, info);
  EXPECT_EQ(info.runtime, Runtime::nspawn);
  EXPECT_EQ(info.id, "web");
  EXPECT_EQ(info.name, "web");
  EXPECT_EQ(info.init_pid, 4242);
  EXPECT_EQ(info.created_ns, 1'700'000'000'123'456'000);
  EXPECT_EQ(info.labels.at("org.freedesktop.machine1.Class"), "container");
  EXPECT_EQ(info.labels.at("org.freedesktop.machine1.Service"), "systemd-nspawn");
  EXPECT_EQ(info.labels.at("org.freedesktop.machine1.RootDirectory"), "/var/lib/machines/web");
  EXPECT_EQ(info.labels.at("org.freedesktop.machine1.Id"), "0123456789abcdeffedcba9876543210");
  EXPECT_EQ(info.labels.at("org.freedesktop.machine1.Unit"), "machine-web.scope");
}

TEST(MachineInfoToContainer, LeavesWhatMachinedDoesNotKnow) {
  ContainerInfo info;
  info.name = "from-the-path";
  info.created_ns = 5;
  fill_container_info(MachineInfo{}, info);
  EXPECT_EQ(info.name, "from-the-path");
  EXPECT_EQ(info.created_ns, 5);
  EXPECT_TRUE(info.labels.empty());
}

TEST(MachineLookupStatus, HasNames) {
  EXPECT_EQ(to_string(MachineLookup::Status::found), "found");
  EXPECT_EQ(to_string(MachineLookup::Status::not_found), "not found");
  EXPECT_EQ(to_string(MachineLookup::Status::unavailable), "unavailable");
  EXPECT_EQ(to_string(MachineLookup::Status::failed), "failed");
}

}  // namespace
}  // namespace tracker::testing
