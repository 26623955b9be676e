#include "events/scope.h"

#include <gtest/gtest.h>

#include <array>
#include <ostream>
#include <string>
#include <vector>

#include "registry/registry.h"

namespace tracker {
namespace {

const std::string kId = "3cfaa5502403c9a029e90998854937971a5a318ac0045b1285dcd2fc016af5dd";
const std::string kOtherId = "ab5f2e287ba019ba83c8ba4837dc9f3f3bac865d3649ed6a2ce57ae9eef3e415";
const std::string kKnownScopes =
    "(container, container=new, container=started, container=<id>, not-container)";
const std::string kPrefixRule = "a container id prefix is 1-128 characters of [A-Za-z0-9_.-]";

using Mode = Scope::Mode;

struct AddCase {
  std::string name;
  std::vector<std::string> values;
  Mode want_mode;
  std::vector<std::string> want_prefixes;
  std::string want_error;  // of the first value refused; the values after it are not added
};

void PrintTo(const AddCase& c, std::ostream* os) {
  *os << c.name;
}

const std::vector<AddCase> kAddCases = {
    {"NoScopeIsAll", {}, Mode::all, {}, ""},
    {"Container", {"container"}, Mode::container, {}, ""},
    {"ContainerNew", {"container=new"}, Mode::container_new, {}, ""},
    {"ContainerStarted", {"container=started"}, Mode::container_started, {}, ""},
    {"NotContainer", {"not-container"}, Mode::not_container, {}, ""},
    {"NotContainerBang", {"!container"}, Mode::not_container, {}, ""},
    {"ShortIdPrefix", {"container=3cfaa55"}, Mode::container, {"3cfaa55"}, ""},
    {"FullIdPrefix", {"container=" + kId}, Mode::container, {kId}, ""},
    {"ContainerdNamePrefix", {"container=redis_1.v-2"}, Mode::container, {"redis_1.v-2"}, ""},
    {"LongestPrefix",
     {"container=" + std::string(128, 'a')},
     Mode::container,
     {std::string(128, 'a')},
     ""},
    {"TwoPrefixes", {"container=3cfaa", "container=ab5f"}, Mode::container, {"3cfaa", "ab5f"}, ""},
    {"PrefixThenNew", {"container=3cfaa", "container=new"}, Mode::container_new, {"3cfaa"}, ""},
    {"NewThenPrefix", {"container=new", "container=3cfaa"}, Mode::container_new, {"3cfaa"}, ""},
    {"StartedThenPrefix",
     {"container=started", "container=3cfaa"},
     Mode::container_started,
     {"3cfaa"},
     ""},
    {"PrefixThenStarted",
     {"container=3cfaa", "container=started"},
     Mode::container_started,
     {"3cfaa"},
     ""},
    {"PrefixThenContainer", {"container=3cfaa", "container"}, Mode::container, {"3cfaa"}, ""},
    {"ContainerTwice", {"container", "container"}, Mode::container, {}, ""},
    {"NewTwice", {"container=new", "container=new"}, Mode::container_new, {}, ""},
    {"NotContainerTwice", {"not-container", "!container"}, Mode::not_container, {}, ""},
    // Unknown scopes.
    {"UnknownWord", {"host"}, Mode::all, {}, "unknown scope 'host' " + kKnownScopes},
    {"Plural", {"containers"}, Mode::all, {}, "unknown scope 'containers' " + kKnownScopes},
    {"Empty", {""}, Mode::all, {}, "unknown scope '' " + kKnownScopes},
    {"UpperCase", {"Container"}, Mode::all, {}, "unknown scope 'Container' " + kKnownScopes},
    {"UnknownAfterGood",
     {"container", "pod"},
     Mode::container,
     {},
     "unknown scope 'pod' " + kKnownScopes},
    // Conflicts.
    {"ContainerThenNotContainer",
     {"container", "not-container"},
     Mode::container,
     {},
     "scope 'not-container' conflicts with 'container'"},
    {"NotContainerThenContainer",
     {"not-container", "container"},
     Mode::not_container,
     {},
     "scope 'container' conflicts with 'not-container'"},
    {"NotContainerThenPrefix",
     {"not-container", "container=3cfaa"},
     Mode::not_container,
     {},
     "scope 'container=3cfaa' conflicts with 'not-container'"},
    {"PrefixThenNotContainer",
     {"container=3cfaa", "not-container"},
     Mode::container,
     {"3cfaa"},
     "scope 'not-container' conflicts with 'container'"},
    {"NewThenStarted",
     {"container=new", "container=started"},
     Mode::container_new,
     {},
     "scope 'container=started' conflicts with 'container=new'"},
    {"StartedThenNew",
     {"container=started", "container=new"},
     Mode::container_started,
     {},
     "scope 'container=new' conflicts with 'container=started'"},
    {"NewThenNotContainer",
     {"container=new", "!container"},
     Mode::container_new,
     {},
     "scope '!container' conflicts with 'container=new'"},
    // Bad id prefixes.
    {"EmptyPrefix", {"container="}, Mode::all, {}, "invalid scope 'container=': " + kPrefixRule},
    {"PrefixWithSlash",
     {"container=../etc"},
     Mode::all,
     {},
     "invalid scope 'container=../etc': " + kPrefixRule},
    {"PrefixWithBlank",
     {"container=3cf aa"},
     Mode::all,
     {},
     "invalid scope 'container=3cf aa': " + kPrefixRule},
    {"PrefixWithNonAscii",
     {"container=caf\xc3\xa9"},
     Mode::all,
     {},
     "invalid scope 'container=caf\xc3\xa9': " + kPrefixRule},
    {"PrefixTooLong",
     {"container=" + std::string(129, 'a')},
     Mode::all,
     {},
     "invalid scope 'container=" + std::string(129, 'a') + "': " + kPrefixRule},
    {"PrefixWithEquals",
     {"container=a=b"},
     Mode::all,
     {},
     "invalid scope 'container=a=b': " + kPrefixRule},
};

class ScopeAddTest : public testing::TestWithParam<AddCase> {};

TEST_P(ScopeAddTest, AcceptsOrNamesTheValue) {
  const auto& row = GetParam();
  Scope scope;
  std::string error;
  for (const auto& value : row.values) {
    error = scope.add(value);
    if (!error.empty()) break;
  }
  EXPECT_EQ(error, row.want_error);
  EXPECT_EQ(scope.mode(), row.want_mode);
  EXPECT_EQ(scope.id_prefixes(), row.want_prefixes);
}

INSTANTIATE_TEST_SUITE_P(Values, ScopeAddTest, testing::ValuesIn(kAddCases),
                         [](const testing::TestParamInfo<AddCase>& row) { return row.param.name; });

struct KernelModeCase {
  std::string name;
  std::vector<std::string> values;
  tracker_scope_mode want;
  bool container_filter;
};

void PrintTo(const KernelModeCase& c, std::ostream* os) {
  *os << c.name;
}

const std::vector<KernelModeCase> kKernelModeCases = {
    {"All", {}, TRACKER_SCOPE_ALL, false},
    {"Container", {"container"}, TRACKER_SCOPE_CONTAINER, true},
    {"New", {"container=new"}, TRACKER_SCOPE_CONTAINER_NEW, true},
    {"Started", {"container=started"}, TRACKER_SCOPE_CONTAINER_STARTED, true},
    {"NotContainer", {"not-container"}, TRACKER_SCOPE_NOT_CONTAINER, false},
    {"PrefixFiltersAsContainerInTheKernel", {"container=3cfaa"}, TRACKER_SCOPE_CONTAINER, true},
    {"PrefixAndStarted",
     {"container=3cfaa", "container=started"},
     TRACKER_SCOPE_CONTAINER_STARTED,
     true},
};

class ScopeKernelModeTest : public testing::TestWithParam<KernelModeCase> {};

TEST_P(ScopeKernelModeTest, KernelModeAndContainerFilter) {
  Scope scope;
  for (const auto& value : GetParam().values) ASSERT_EQ(scope.add(value), "");
  EXPECT_EQ(scope.kernel_mode(), GetParam().want);
  EXPECT_EQ(scope.has_container_filter(), GetParam().container_filter);
}

INSTANTIATE_TEST_SUITE_P(Modes, ScopeKernelModeTest, testing::ValuesIn(kKernelModeCases),
                         [](const testing::TestParamInfo<KernelModeCase>& row) {
                           return row.param.name;
                         });

// The containers each scope is asked about, in this order.
enum Subject { host, existing, created, started, other_started, kSubjects };

ContainerRecord record_of(Subject subject) {
  ContainerRecord record;
  record.ref = {Runtime::docker, subject == other_started ? kOtherId : kId, true};
  record.origin = subject == existing ? ContainerOrigin::existing : ContainerOrigin::created;
  record.started = subject == started || subject == other_started;
  return record;
}

struct MatchCase {
  std::string name;
  std::vector<std::string> values;
  // host, existing, created (not started), started, started with another id
  std::array<bool, kSubjects> task;
  std::array<bool, kSubjects> lifecycle;  // the host column is unused
};

void PrintTo(const MatchCase& c, std::ostream* os) {
  *os << c.name;
}

constexpr bool T = true;
constexpr bool F = false;

const std::vector<MatchCase> kMatchCases = {
    {"AllShowsEverything", {}, {T, T, T, T, T}, {F, T, T, T, T}},
    {"ContainerHidesTheHost", {"container"}, {F, T, T, T, T}, {F, T, T, T, T}},
    {"NewHidesExisting", {"container=new"}, {F, F, T, T, T}, {F, F, T, T, T}},
    {"StartedShowsProcessesOfStartedOnly", {"container=started"}, {F, F, F, T, T}, {F, F, T, T, T}},
    {"NotContainerShowsTheHostOnly", {"not-container"}, {T, F, F, F, F}, {F, F, F, F, F}},
    {"PrefixSelectsById", {"container=3cfaa"}, {F, T, T, T, F}, {F, T, T, T, F}},
    {"FullIdSelectsById", {"container=" + kId}, {F, T, T, T, F}, {F, T, T, T, F}},
    {"PrefixIsCaseSensitive", {"container=3CFAA"}, {F, F, F, F, F}, {F, F, F, F, F}},
    {"LongerThanIdMatchesNothing", {"container=" + kId + "0"}, {F, F, F, F, F}, {F, F, F, F, F}},
    {"EitherPrefixSelects",
     {"container=3cfaa", "container=ab5f"},
     {F, T, T, T, T},
     {F, T, T, T, T}},
    {"PrefixAndNew", {"container=3cfaa", "container=new"}, {F, F, T, T, F}, {F, F, T, T, F}},
    {"PrefixAndStarted", {"container=started", "container=ab5f"}, {F, F, F, F, T}, {F, F, F, F, T}},
};

class ScopeMatchTest : public testing::TestWithParam<MatchCase> {};

TEST_P(ScopeMatchTest, MatchesTasksAndLifecycles) {
  const auto& row = GetParam();
  Scope scope;
  for (const auto& value : row.values) ASSERT_EQ(scope.add(value), "");
  const char* names[] = {"host", "existing", "created", "started", "other started"};
  for (int s = host; s < kSubjects; ++s) {
    auto subject = static_cast<Subject>(s);
    auto record = record_of(subject);
    EXPECT_EQ(scope.matches_task(subject == host ? nullptr : &record), row.task[s])
        << "task in " << names[s];
    if (subject != host) {
      EXPECT_EQ(scope.matches_lifecycle(record), row.lifecycle[s]) << "lifecycle of " << names[s];
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Scopes, ScopeMatchTest, testing::ValuesIn(kMatchCases),
                         [](const testing::TestParamInfo<MatchCase>& row) {
                           return row.param.name;
                         });

TEST(ScopeMatch, ExistingContainerNeverCountsAsStarted) {
  Scope scope;
  ASSERT_EQ(scope.add("container=started"), "");
  auto record = record_of(existing);
  record.started = true;
  EXPECT_FALSE(scope.matches_task(&record));
  EXPECT_FALSE(scope.matches_lifecycle(record));
}

}  // namespace
}  // namespace tracker
