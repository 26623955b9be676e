// The kernel side's user-space parts that need no kernel: the layout of ring
// buffer records, the bounded scan of a BPF hash map, the account of the
// container-state map's failures, and the throttle of reconciles.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>
#include <functional>
#include <list>
#include <set>
#include <string>
#include <vector>

#include "kernel/event_record.h"
#include "kernel/key_scan.h"
#include "kernel/state_map_ledger.h"
#include "util/throttle.h"

namespace tracker {
namespace {

using namespace std::chrono_literals;

// --- records ---

TEST(EventRecord, ProcessRecordsCarryNoPath) {
  EXPECT_LE(record_size(TRACKER_EVENT_PROCESS_FORK), 96u);
  EXPECT_LE(record_size(TRACKER_EVENT_PROCESS_EXIT), 96u);
  EXPECT_LE(record_size(TRACKER_EVENT_PROCESS_EXEC), 608u);
  EXPECT_EQ(record_size(TRACKER_EVENT_CGROUP_MKDIR, 12),
            offsetof(tracker_event, data.cgroup.path) + 13);
  EXPECT_EQ(record_size(99), 0u);
}

TEST(EventRecord, CgroupPathsUpToPathMaxFit) {
  EXPECT_GE(sizeof(tracker_cgroup_data::path), 4096u);
  EXPECT_GT(sizeof(tracker_cgroup_data::path), std::size_t{TRACKER_KERNEL_CGROUP_PATH_LEN});
}

struct RecordCase {
  const char* name;
  std::uint32_t type;
  std::size_t size;        // bytes handed over
  std::uint32_t path_len;  // cgroup events
  bool nul_at_path_len;    // cgroup events
  bool whole;
};

class EventRecordTest : public testing::TestWithParam<RecordCase> {};

TEST_P(EventRecordTest, WholeOrNot) {
  const auto& c = GetParam();
  tracker_event event{};
  event.type = c.type;
  event.data.cgroup.path_len = c.path_len;
  std::memset(event.data.cgroup.path, 'x', sizeof(event.data.cgroup.path));
  if (c.nul_at_path_len && c.path_len < sizeof(event.data.cgroup.path))
    event.data.cgroup.path[c.path_len] = '\0';
  EXPECT_EQ(record_is_whole(&event, c.size), c.whole);
}

const std::size_t kCgroupHead = offsetof(tracker_event, data.cgroup.path);

const RecordCase kRecordCases[] = {
    {"ForkWhole", TRACKER_EVENT_PROCESS_FORK, TRACKER_FORK_RECORD_SIZE, 0, false, true},
    {"ForkShort", TRACKER_EVENT_PROCESS_FORK, TRACKER_FORK_RECORD_SIZE - 1, 0, false, false},
    {"ExecWhole", TRACKER_EVENT_PROCESS_EXEC, TRACKER_EXEC_RECORD_SIZE, 0, false, true},
    {"ExecShort", TRACKER_EVENT_PROCESS_EXEC, TRACKER_EXEC_RECORD_SIZE - 8, 0, false, false},
    {"ExitWhole", TRACKER_EVENT_PROCESS_EXIT, TRACKER_EXIT_RECORD_SIZE, 0, false, true},
    {"HeaderOnly", TRACKER_EVENT_PROCESS_EXIT, TRACKER_EVENT_HEADER_SIZE, 0, false, false},
    {"TooShortForAType", TRACKER_EVENT_PROCESS_EXIT, 4, 0, false, false},
    {"UnknownType", 42, sizeof(tracker_event), 0, false, false},
    {"MkdirWhole", TRACKER_EVENT_CGROUP_MKDIR, kCgroupHead + 21, 20, true, true},
    {"RenameWhole", TRACKER_EVENT_CGROUP_RENAME, kCgroupHead + 21, 20, true, true},
    {"RmdirEmptyPath", TRACKER_EVENT_CGROUP_RMDIR, kCgroupHead + 1, 0, true, true},
    {"MkdirPathBeyondRecord", TRACKER_EVENT_CGROUP_MKDIR, kCgroupHead + 20, 20, true, false},
    {"MkdirNoNul", TRACKER_EVENT_CGROUP_MKDIR, kCgroupHead + 21, 20, false, false},
    {"MkdirNoPath", TRACKER_EVENT_CGROUP_MKDIR, kCgroupHead, 0, true, false},
    {"MkdirPathLenAtMax", TRACKER_EVENT_CGROUP_MKDIR, sizeof(tracker_event),
     TRACKER_CGROUP_PATH_MAX, false, false},
    {"MkdirLongestPath", TRACKER_EVENT_CGROUP_MKDIR, sizeof(tracker_event),
     TRACKER_CGROUP_PATH_MAX - 1, true, true},
};

INSTANTIATE_TEST_SUITE_P(Records, EventRecordTest, testing::ValuesIn(kRecordCases),
                         [](const auto& info) { return std::string(info.param.name); });

// --- scanning a hash map ---

// A BPF hash map's get_next_key: keys in a fixed order, and the first key when
// the key asked about is gone. `before` and `after` change the map around a
// call, as the kernel does meanwhile.
class FakeHashMap {
 public:
  explicit FakeHashMap(std::vector<std::uint64_t> keys) : keys_(keys.begin(), keys.end()) {}
  NextKey next_key() {
    return [this](const std::uint64_t* key, std::uint64_t& next) {
      ++calls;
      if (before) before(key);
      auto it = keys_.begin();
      if (key) {
        it = std::find(keys_.begin(), keys_.end(), *key);
        it = it == keys_.end() ? keys_.begin() : std::next(it);
      }
      bool found = it != keys_.end();
      if (found) next = *it;
      if (after) after(key);
      return found;
    };
  }
  void erase(std::uint64_t key) { keys_.remove(key); }
  void push_back(std::uint64_t key) { keys_.push_back(key); }
  bool holds(std::uint64_t key) const {
    return std::find(keys_.begin(), keys_.end(), key) != keys_.end();
  }

  std::size_t calls = 0;
  std::function<void(const std::uint64_t*key)> before, after;

 private:
  std::list<std::uint64_t> keys_;
};

std::vector<std::uint64_t> sorted(std::vector<std::uint64_t> keys) {
  std::sort(keys.begin(), keys.end());
  return keys;
}

TEST(KeyScan, ReadsEveryKeyOnce) {
  FakeHashMap map({5, 3, 9, 1});
  EXPECT_EQ(scan_keys(map.next_key(), 16), (std::vector<std::uint64_t>{5, 3, 9, 1}));
  EXPECT_EQ(map.calls, 5u);
}

TEST(KeyScan, EmptyMap) {
  FakeHashMap map({});
  EXPECT_TRUE(scan_keys(map.next_key(), 16).empty());
}

TEST(KeyScan, KeyDeletedUnderTheScanRestartsWithoutRepeats) {
  FakeHashMap map({1, 2, 3, 4, 5, 6});
  map.before = [&](const std::uint64_t* key) {
    if (key && *key == 3) map.erase(3);  // the kernel deleted the key last read
  };
  EXPECT_EQ(sorted(scan_keys(map.next_key(), 16)), (std::vector<std::uint64_t>{1, 2, 3, 4, 5, 6}));
}

// Every key deleted as soon as it was read, new ones added meanwhile.
TEST(KeyScan, EndsWhateverTheKernelDoes) {
  FakeHashMap map({1, 2, 3});
  std::uint64_t fresh = 100;
  map.before = [&](const std::uint64_t* key) {
    if (!key) return;
    map.erase(*key);
    map.push_back(fresh++);
  };
  auto keys = scan_keys(map.next_key(), 8);
  EXPECT_EQ(keys.size(), 8u);
  EXPECT_LE(map.calls, 4u * 8 + 64);
  EXPECT_EQ(std::set<std::uint64_t>(keys.begin(), keys.end()).size(), keys.size());
}

// Key 2 vanishes whenever it is read and comes back at the end: get_next_key
// starts again from the first key, 1 3 4 2 1 3 4 2 ..., forever.
TEST(KeyScan, EndlessRestartsAreCutOff) {
  FakeHashMap map({1, 2, 3, 4});
  map.before = [&](const std::uint64_t* key) {
    if (key && *key == 2) map.erase(2);
  };
  map.after = [&](const std::uint64_t*) {
    if (!map.holds(2)) map.push_back(2);
  };
  auto keys = scan_keys(map.next_key(), 16);
  EXPECT_EQ(sorted(keys), (std::vector<std::uint64_t>{1, 2, 3, 4}));
  EXPECT_EQ(map.calls, 4u * 16 + 64);
}

// --- the state map's failures ---

tracker_container_value value_of(std::uint32_t state, std::uint64_t root) {
  return {state, 0, root};
}

TEST(StateMapLedger, NothingFailedIsAllDealtWith) {
  StateMapLedger ledger;
  EXPECT_EQ(ledger.all_dealt_with(0, 0), 0u);
}

TEST(StateMapLedger, UserFailureIsOutstandingUntilRecordedOrForgotten) {
  StateMapLedger ledger;
  EXPECT_TRUE(ledger.failed(10, value_of(TRACKER_CONTAINER_CREATED, 10)));
  EXPECT_FALSE(ledger.failed(10, value_of(TRACKER_CONTAINER_STARTED, 10)));  // a retry
  EXPECT_TRUE(ledger.failed(11, value_of(TRACKER_CONTAINER_CREATED, 10)));
  EXPECT_EQ(ledger.failures(), 2u);
  EXPECT_EQ(ledger.unrecorded().at(10).state, TRACKER_CONTAINER_STARTED);
  EXPECT_FALSE(ledger.all_dealt_with(0, 0));
  EXPECT_TRUE(ledger.settled(10));
  EXPECT_FALSE(ledger.all_dealt_with(0, 0));
  EXPECT_TRUE(ledger.settled(11));
  EXPECT_FALSE(ledger.settled(11));
  EXPECT_EQ(ledger.all_dealt_with(0, 0), 0u);
  EXPECT_EQ(ledger.failures(), 2u);
}

TEST(StateMapLedger, KernelFailureIsDealtWithOnceItsEventIsRead) {
  StateMapLedger ledger;
  EXPECT_FALSE(ledger.all_dealt_with(2, 0));
  ledger.flagged_event_read();
  EXPECT_FALSE(ledger.all_dealt_with(2, 0));
  ledger.flagged_event_read();
  EXPECT_EQ(ledger.all_dealt_with(2, 0), 2u);
  // Read before the kernel counted it: not yet a match either way.
  ledger.flagged_event_read();
  EXPECT_FALSE(ledger.all_dealt_with(2, 0));
  EXPECT_EQ(ledger.all_dealt_with(3, 0), 3u);
}

TEST(StateMapLedger, FailureWithALostEventWaitsForAWalkThatBeganAfterIt) {
  StateMapLedger ledger;
  ledger.flagged_event_read();
  EXPECT_FALSE(ledger.all_dealt_with(2, 1));  // one event read, one lost
  ledger.walked(0);                           // a walk from before the loss
  EXPECT_FALSE(ledger.all_dealt_with(2, 1));
  ledger.walked(1);
  EXPECT_EQ(ledger.all_dealt_with(2, 1), 2u);
  ledger.walked(0);  // an older walk ending late changes nothing
  EXPECT_EQ(ledger.all_dealt_with(2, 1), 2u);
  EXPECT_FALSE(ledger.all_dealt_with(3, 2));
}

// --- throttle ---

TEST(Throttle, RunsAtOnceThenOnceMoreAfterTheInterval) {
  Throttle throttle(1s);
  Throttle::Clock::time_point t0{};
  EXPECT_FALSE(throttle.due(t0));  // nothing asked
  throttle.request();
  EXPECT_TRUE(throttle.due(t0 + 5s));
  EXPECT_FALSE(throttle.due(t0 + 5s));
  for (auto at : {100ms, 200ms, 900ms}) {
    throttle.request();
    EXPECT_FALSE(throttle.due(t0 + 5s + at)) << at.count();
  }
  EXPECT_TRUE(throttle.due(t0 + 6s));  // one trailing run for the three requests
  EXPECT_FALSE(throttle.due(t0 + 7s));
  EXPECT_FALSE(throttle.requested());
}

}  // namespace
}  // namespace tracker
