// The pieces of the D-Bus service and of trackerctl that need no bus: object
// paths, id checks, the limits of pending polkit checks, the event loop's
// timers, tables and time formatting.

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/epoll.h>
#include <unistd.h>

#include <cstdio>

#include "service/container_object.h"
#include "service/dbus_names.h"
#include "service/object_path.h"
#include "service/pending_checks.h"
#include "trackerctl/client.h"
#include "trackerctl/exit_codes.h"
#include "trackerctl/output.h"
#include "util/event_loop.h"

namespace tracker {
namespace {

using ::testing::HasSubstr;

struct PathCase {
  const char* what;
  std::string id;
  std::string path;
};

class ObjectPathTest : public ::testing::TestWithParam<PathCase> {};

TEST_P(ObjectPathTest, EncodesLikeSdBusAndDecodesBack) {
  EXPECT_EQ(container_object_path(GetParam().id), GetParam().path);
  EXPECT_EQ(container_id_from_path(GetParam().path), GetParam().id);
}

INSTANTIATE_TEST_SUITE_P(
    Ids, ObjectPathTest,
    ::testing::Values(PathCase{"hex_starting_with_a_letter", "abc123",
                               "/org/khulnasoft/Tracker1/container/abc123"},
                      PathCase{"hex_starting_with_a_digit", "0123ab",
                               "/org/khulnasoft/Tracker1/container/_30123ab"},
                      PathCase{"containerd_name_with_dashes", "redis-1",
                               "/org/khulnasoft/Tracker1/container/redis_2d1"},
                      PathCase{"garden_uuid", "6c2b3d1e-aaaa",
                               "/org/khulnasoft/Tracker1/container/_36c2b3d1e_2daaaa"},
                      PathCase{"empty", "", "/org/khulnasoft/Tracker1/container/_"}),
    [](const auto& info) { return std::string(info.param.what); });

TEST(ObjectPath, OtherPathsAreNoContainer) {
  EXPECT_EQ(container_id_from_path("/org/khulnasoft/Tracker1"), std::nullopt);
  EXPECT_EQ(container_id_from_path("/org/khulnasoft/Tracker1/container/a/b"), std::nullopt);
}

struct IdCase {
  const char* what;
  std::string id;
  const char* reason;  // "" when valid
};

class InvalidIdTest : public ::testing::TestWithParam<IdCase> {};

TEST_P(InvalidIdTest, NamesTheReason) {
  auto reason = invalid_id_reason(GetParam().id);
  if (*GetParam().reason == '\0')
    EXPECT_EQ(reason, "");
  else
    EXPECT_THAT(reason, HasSubstr(GetParam().reason));
}

INSTANTIATE_TEST_SUITE_P(
    Ids, InvalidIdTest,
    ::testing::Values(
        IdCase{"full_id", std::string(64, 'f'), ""}, IdCase{"name", "web-7d9f_1.x", ""},
        IdCase{"unicode_name", "café", ""}, IdCase{"at_the_limit", std::string(256, 'a'), ""},
        IdCase{"empty", "", "empty"}, IdCase{"over_the_limit", std::string(257, 'a'), "257 bytes"},
        IdCase{"tab", "a\tb", "control"}, IdCase{"nul", std::string("a\0b", 3), "control"},
        IdCase{"delete", "a\x7f", "control"}),
    [](const auto& info) { return std::string(info.param.what); });

struct Check {
  std::string sender;
  uid_t uid;
};

struct LimitCase {
  const char* name;
  std::vector<Check> waiting;  // admitted, still waiting for polkit
  Check next;
  const char* refusal;  // "" when `next` is admitted
};

class PendingChecksTest : public ::testing::TestWithParam<LimitCase> {};

// Limits of 2 per sender, 3 per user and 4 in all.
TEST_P(PendingChecksTest, AdmitsWithinEveryLimit) {
  PendingChecks pending({2, 3, 4});
  std::vector<std::shared_ptr<PendingChecks::Ticket>> held;
  for (const auto& check : GetParam().waiting) {
    auto admission = pending.admit(check.sender, check.uid);
    ASSERT_TRUE(admission.ticket) << check.sender << ": " << admission.refusal;
    held.push_back(admission.ticket);
  }
  auto admission = pending.admit(GetParam().next.sender, GetParam().next.uid);
  std::string refusal = GetParam().refusal;
  EXPECT_EQ(admission.ticket == nullptr, !refusal.empty());
  EXPECT_THAT(admission.refusal, HasSubstr(refusal));
}

INSTANTIATE_TEST_SUITE_P(
    Limits, PendingChecksTest,
    ::testing::Values(LimitCase{"first_check", {}, {":1.1", 1000}, ""},
                      LimitCase{"second_of_a_sender", {{":1.1", 1000}}, {":1.1", 1000}, ""},
                      LimitCase{"third_of_a_sender",
                                {{":1.1", 1000}, {":1.1", 1000}},
                                {":1.1", 1000},
                                ":1.1 already has 2 authorization checks waiting"},
                      LimitCase{"another_connection_of_the_user",
                                {{":1.1", 1000}, {":1.1", 1000}},
                                {":1.2", 1000},
                                ""},
                      LimitCase{"fourth_of_a_user_on_many_connections",
                                {{":1.1", 1000}, {":1.1", 1000}, {":1.2", 1000}},
                                {":1.3", 1000},
                                "uid 1000 already has 3"},
                      LimitCase{"another_user_when_one_is_at_its_limit",
                                {{":1.1", 1000}, {":1.1", 1000}, {":1.2", 1000}},
                                {":1.4", 1001},
                                ""},
                      LimitCase{"fifth_in_all",
                                {{":1.1", 1000}, {":1.1", 1000}, {":1.2", 1001}, {":1.2", 1001}},
                                {":1.3", 1002},
                                "4 authorization checks are waiting"}),
    [](const auto& info) { return std::string(info.param.name); });

TEST(PendingChecks, AnsweredChecksFreeTheirPlaceEvenAfterTheCounter) {
  auto pending = std::make_unique<PendingChecks>(CheckLimits{1, 1, 1});
  auto first = pending->admit(":1.1", 1000);
  ASSERT_TRUE(first.ticket);
  auto refused = pending->admit(":1.1", 1000);
  EXPECT_FALSE(refused.ticket);
  EXPECT_TRUE(refused.first_refusal);
  EXPECT_FALSE(pending->admit(":1.1", 1000).first_refusal) << "logged once per spell";
  first.ticket.reset();
  EXPECT_EQ(pending->total(), 0u);
  EXPECT_EQ(pending->of_sender(":1.1"), 0u);
  auto again = pending->admit(":1.1", 1000);
  ASSERT_TRUE(again.ticket);
  EXPECT_TRUE(pending->admit(":1.1", 1000).first_refusal);
  pending.reset();  // a reply handler dropped with the connection, after the Authorizer
  again.ticket.reset();
}

TEST(Timestamp, NanosecondsBecomeMicrosecondsAndUnknownStaysZero) {
  EXPECT_EQ(timestamp_usec(1'714'000'000'123'456'789), 1'714'000'000'123'456u);
  EXPECT_EQ(timestamp_usec(0), 0u);
  EXPECT_EQ(timestamp_usec(-5), 0u);
}

TEST(EventLoopTimer, FiresOnceWhenArmedAndNotWhenDisarmed) {
  EventLoop loop;
  int fired = 0;
  int timer = loop.timer([&] { ++fired; });
  ASSERT_GE(timer, 0);
  int stopper = loop.timer([&] { loop.stop(); });
  loop.arm(timer, std::chrono::milliseconds(0));
  loop.arm(stopper, std::chrono::milliseconds(50));
  loop.run();
  EXPECT_EQ(fired, 1);
  loop.arm(timer, std::chrono::milliseconds(10));
  loop.disarm(timer);
  loop.arm(stopper, std::chrono::milliseconds(50));
  loop.run();
  EXPECT_EQ(fired, 1);
  loop.cancel(timer);
  loop.cancel(stopper);
}

TEST(EventLoopWatch, WatchesForWritingAndChangesTheMask) {
  EventLoop loop;
  int fds[2];
  ASSERT_EQ(pipe(fds), 0);
  int writable = 0;
  ASSERT_TRUE(loop.watch(fds[1], EPOLLOUT, [&] {
    if (++writable == 1) {
      loop.modify(fds[1], EPOLLIN);  // a pipe's write end never becomes readable
      int stopper = loop.timer([&] { loop.stop(); });
      loop.arm(stopper, std::chrono::milliseconds(50));
    }
  }));
  loop.run();
  EXPECT_EQ(writable, 1);
  loop.unwatch(fds[1]);
  close(fds[0]);
  close(fds[1]);
}

std::string render(const ctl::Table& table, bool header) {
  char* buffer = nullptr;
  size_t size = 0;
  FILE* out = open_memstream(&buffer, &size);
  table.print(out, header);
  fclose(out);
  std::string text(buffer, size);
  free(buffer);
  return text;
}

TEST(Table, PadsColumnsAndShowsEmptyCellsAsDashes) {
  ctl::Table table({"CONTAINER ID", "NAME", "STATE"});
  table.add_row({"abc", "", "running"});
  table.add_row({"0123456789ab", "nginx", "created"});
  EXPECT_EQ(render(table, true),
            "CONTAINER ID NAME  STATE\n"
            "abc          -     running\n"
            "0123456789ab nginx created\n");
  EXPECT_EQ(render(table, false),
            "abc          -     running\n"
            "0123456789ab nginx created\n");
}

TEST(Format, RelativeTimes) {
  const std::uint64_t now = 1'714'000'000'000'000;
  const std::uint64_t second = 1'000'000;
  EXPECT_EQ(ctl::format_relative(0, now), "");
  EXPECT_EQ(ctl::format_relative(now - 5 * second, now), "5s ago");
  EXPECT_EQ(ctl::format_relative(now - 300 * second, now), "5min ago");
  EXPECT_EQ(ctl::format_relative(now - 7380 * second, now), "2h 3min ago");
  EXPECT_EQ(ctl::format_relative(now - 90000 * second, now), "1 day 1h ago");
  EXPECT_EQ(ctl::format_relative(now - 30 * 86400 * second, now), "30 days ago");
  EXPECT_EQ(ctl::format_relative(now + second, now), "in the future");
  EXPECT_EQ(ctl::short_id("0123456789abcdef"), "0123456789ab");
}

struct ErrorCase {
  const char* name;
  const char* method;
  int exit_code;
  const char* message;
};

class DescribeErrorTest : public ::testing::TestWithParam<ErrorCase> {};

TEST_P(DescribeErrorTest, MapsToExitCodeAndMessage) {
  auto error = ctl::describe_error(sdbus::Error(GetParam().name, "details"), GetParam().method);
  EXPECT_EQ(error.exit_code(), GetParam().exit_code);
  EXPECT_THAT(error.what(), HasSubstr(GetParam().message));
}

INSTANTIATE_TEST_SUITE_P(
    Errors, DescribeErrorTest,
    ::testing::Values(
        ErrorCase{dbus_names::kErrorAccessDenied, "SetEnrichment", ctl::kExitAccessDenied,
                  "Access denied: SetEnrichment requires the org.khulnasoft.tracker1.manage "
                  "authorization (details)"},
        ErrorCase{dbus_names::kErrorAccessDenied, "ListContainers", ctl::kExitAccessDenied,
                  "org.khulnasoft.tracker1.inspect"},
        ErrorCase{"org.freedesktop.DBus.Error.InteractiveAuthorizationRequired", "Reload",
                  ctl::kExitAccessDenied, "Access denied"},
        ErrorCase{dbus_names::kErrorNoSuchContainer, "GetContainer", ctl::kExitNotFound, "details"},
        ErrorCase{dbus_names::kErrorAmbiguousId, "GetContainer", ctl::kExitNotFound, "details"},
        ErrorCase{dbus_names::kErrorInvalidArgs, "GetContainer", ctl::kExitUsage, "details"},
        ErrorCase{"org.freedesktop.DBus.Error.ServiceUnknown", "ListContainers",
                  ctl::kExitNotRunning, "tracker is not running"},
        ErrorCase{"org.freedesktop.DBus.Error.NameHasNoOwner", "Get", ctl::kExitNotRunning,
                  "not running"},
        ErrorCase{dbus_names::kErrorReloadFailed, "Reload", ctl::kExitFailure,
                  "Reload failed: details"},
        ErrorCase{dbus_names::kErrorLimitsExceeded, "ListContainers", ctl::kExitFailure,
                  "ListContainers failed: org.freedesktop.DBus.Error.LimitsExceeded: details"},
        ErrorCase{"org.freedesktop.DBus.Error.NoReply", "Reload", ctl::kExitFailure,
                  "Reload failed: org.freedesktop.DBus.Error.NoReply: details"}),
    [](const auto& info) {
      std::string name = info.param.name;
      return name.substr(name.rfind('.') + 1) + "_" + info.param.method;
    });

}  // namespace
}  // namespace tracker
