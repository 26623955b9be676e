// Whom a runtime socket speaks for, and the budgets one Timeout= stands for.
#include "agent/endpoints.h"

#include <sys/stat.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "agent/time_budgets.h"
#include "fake_http_server.h"
#include "tests/common/prerequisite.h"

namespace tracker {
namespace {

using namespace std::chrono_literals;
using test_support::FakeServer;
using test_support::TempDir;

TEST(SocketSpeaksFor, RuntimeDirectoryNamesTheUser) {
  TempDir dir("tracker-endpoints-");
  std::string error;
  auto run_user = dir.path().string();
  // Missing sockets are judged by their path until they appear.
  EXPECT_EQ(socket_speaks_for(run_user + "/1000/podman/podman.sock", run_user, error), 1000u);
  EXPECT_EQ(socket_speaks_for("/var/run/docker.sock.missing", run_user, error), 0u);
  EXPECT_EQ(socket_speaks_for(run_user + "/notanumber/podman.sock", run_user, error), 0u);
}

TEST(SocketSpeaksFor, ASocketOwnedBySomeoneElseIsRefused) {
  REQUIRE_PREREQUISITE(getuid() == 0, "root, to give a socket to another user");
  TempDir dir("tracker-endpoints-");
  auto run_user = dir.path().string();
  std::filesystem::create_directories(dir.path() / "1000");
  FakeServer server(test_support::never_answer(), run_user + "/1000/podman.sock");
  ASSERT_EQ(lchown(server.path().c_str(), 2000, 2000), 0);
  std::string error;
  EXPECT_EQ(socket_speaks_for(server.path(), run_user, error), std::nullopt);
  EXPECT_NE(error.find("owned by uid 2000"), std::string::npos) << error;
  // Elsewhere, a socket speaks for whoever owns it.
  FakeServer other(test_support::never_answer(), run_user + "/other.sock");
  ASSERT_EQ(lchown(other.path().c_str(), 2000, 2000), 0);
  EXPECT_EQ(socket_speaks_for(other.path(), run_user, error), 2000u);
  EXPECT_NE(check_socket_peer(other.path(), 3000), "") << "owned by 2000, not 3000";
}

TEST(SocketSpeaksFor, NotASocketIsRefused) {
  TempDir dir("tracker-endpoints-");
  auto file = dir.file("plain");
  std::ofstream(file) << "x";
  std::string error;
  EXPECT_EQ(socket_speaks_for(file, dir.path().string(), error), std::nullopt);
  EXPECT_NE(check_socket_peer(file, 0), "");
}

TEST(CheckSocketPeer, OurOwnServerIsTrusted) {
  FakeServer server(test_support::never_answer());
  EXPECT_EQ(check_socket_peer(server.path(), 0), "");
  EXPECT_NE(check_socket_peer(server.path() + ".missing", 0), "");
}

TEST(TimeBudgets, OneTimeoutBoundedPerUse) {
  auto defaults = time_budgets(2s);
  EXPECT_EQ(defaults.call, 2s);
  EXPECT_EQ(defaults.hold, 2500ms);
  EXPECT_EQ(defaults.ready, 2500ms);
  auto hour = time_budgets(std::chrono::hours(1));
  EXPECT_EQ(hour.call, 60s);
  EXPECT_EQ(hour.hold, 10s);
  EXPECT_EQ(hour.ready, 10s) << "inside systemd's default start timeout";
  EXPECT_EQ(time_budgets(1ms).call, 1ms);
}

}  // namespace
}  // namespace tracker
