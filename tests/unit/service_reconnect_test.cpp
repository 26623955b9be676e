// The D-Bus service outlives its bus: when the bus daemon dies and a new one
// listens at the same address, the service connects again with backoff, takes
// its name back and exports every container anew from the backend.

#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>

#include "service/dbus_names.h"
#include "service/reconnecting_service.h"
#include "tests/common/prerequisite.h"
#include "tests/unit/service_bus_fixture.h"

namespace tracker::testing {
namespace {

namespace names = dbus_names;
using State = ReconnectingService::State;

TEST(Backoff, DoublesUpToTheMostAndStartsAgainAfterReset) {
  Backoff backoff(1000ms, 30'000ms);
  std::vector<long> waits;
  for (int i = 0; i < 7; ++i) waits.push_back(static_cast<long>(backoff.next().count()));
  EXPECT_EQ(waits, (std::vector<long>{1000, 2000, 4000, 8000, 16000, 30000, 30000}));
  backoff.reset();
  EXPECT_EQ(backoff.next(), 1000ms);
}

bool wait_until(const std::function<bool()>& done, std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!done()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(20ms);
  }
  return true;
}

// What ListContainers answers a new client: the D-Bus error, or the ids.
struct Listing {
  std::string error;
  std::vector<std::string> ids;
};

Listing list_containers(const std::string& address) {
  Listing listing;
  try {
    auto connection = client_connection(address);
    auto proxy = manager_proxy(*connection);
    std::vector<
        sdbus::Struct<std::string, std::string, std::string, std::string, std::string, std::string,
                      std::string, bool, std::string, uint64_t, sdbus::ObjectPath>>
        list;
    proxy->callMethod("ListContainers").onInterface(names::kManagerInterface).storeResultsTo(list);
    for (const auto& entry : list) listing.ids.push_back(entry.get<0>());
  } catch (const sdbus::Error& error) {
    listing.error = error.getName() + ": " + error.getMessage();
  }
  return listing;
}

class ReconnectTest : public ::testing::Test {
 protected:
  void SetUp() override {
    REQUIRE_PREREQUISITE(!bus_.address().empty(), "a private bus: " + bus_.error());
    fill_sample(backend_);
    // As the daemon reaches the bus: sd_bus_open_system, told where by the
    // environment. (sdbus-c++ 1.2 leaks the sd_bus of every failed attempt
    // made with an explicit address.)
    setenv("DBUS_SYSTEM_BUS_ADDRESS", bus_.socket_address().c_str(), 1);
  }
  void TearDown() override { thread_.reset(); }

  // The service on a loop thread of its own, reaching the bus at its socket
  // (the guid changes with every bus daemon); every attempt is counted.
  std::string start() {
    std::string error;
    thread_ = std::make_unique<LoopThread>(
        [&, attempts = attempts_](EventLoop& loop) {
          DbusServiceOptions options;
          options.authorization.privileged_uid = getuid();  // no polkit here
          service_ = std::make_unique<ReconnectingService>(
              loop, backend_, options,
              [attempts] {
                ++*attempts;
                return open_bus();
              },
              ReconnectOptions{50ms, 400ms});
          error = service_->start();
        },
        [this] { service_.reset(); });
    return error;
  }

  State state() {
    State state = State::off;
    thread_->post([&] { state = service_->state(); });
    return state;
  }

  std::vector<std::string> ids() {
    std::vector<std::string> ids;
    for (const auto& [id, container] : backend_.containers_) ids.push_back(id);
    return ids;
  }

  PrivateBus bus_;
  FakeBackend backend_;
  std::shared_ptr<std::atomic<int>> attempts_ = std::make_shared<std::atomic<int>>(0);
  std::unique_ptr<ReconnectingService> service_;
  std::unique_ptr<LoopThread> thread_;
};

TEST_F(ReconnectTest, ServiceComesBackWhenTheBusDaemonRestarts) {
  ASSERT_EQ(start(), "");
  EXPECT_EQ(list_containers(bus_.socket_address()).ids, ids());

  bus_.crash();
  ASSERT_TRUE(wait_until([&] { return state() == State::reconnecting; }, 10s));
  thread_->post([&] { EXPECT_EQ(service_->status(), "D-Bus: reconnecting"); });
  // It keeps trying while there is no bus...
  int attempts = *attempts_;
  ASSERT_TRUE(wait_until([&] { return *attempts_ >= attempts + 2; }, 10s));
  // ... and containers come meanwhile: they are announced to no one, but
  // the next export has them.
  thread_->post([&] {
    auto added = pending_container(hex_id("beef"));
    backend_.put(added);
    service_->container_added(added);
  });

  ASSERT_TRUE(bus_.restart()) << bus_.error();
  ASSERT_TRUE(wait_until([&] { return state() == State::serving; }, 10s))
      << *attempts_ << " attempts";
  thread_->post([&] { EXPECT_EQ(service_->status(), ""); });
  auto listing = list_containers(bus_.socket_address());
  EXPECT_EQ(listing.error, "");
  EXPECT_EQ(listing.ids, ids());
  EXPECT_EQ(listing.ids.size(), 4u);

  // Events reach the new connection.
  SignalRecorder recorder(bus_.socket_address());
  thread_->post([&] {
    auto added = pending_container(hex_id("cafe"));
    backend_.put(added);
    service_->container_added(added);
  });
  EXPECT_TRUE(recorder.wait_for([](const RecordedSignal& signal) {
    return signal.member == "ContainerAdded" && signal.arg0 == hex_id("cafe");
  }));
}

TEST_F(ReconnectTest, NoBusAtStartIsAnErrorAndNoRetry) {
  bus_.crash();
  EXPECT_NE(start(), "");
  EXPECT_EQ(state(), State::off);
  int attempts = *attempts_;
  std::this_thread::sleep_for(200ms);  // four first delays
  EXPECT_EQ(*attempts_, attempts);
}

}  // namespace
}  // namespace tracker::testing
