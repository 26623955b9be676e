// KernelRecovery: what the loop does about lost records and the state map's
// failures, with a fake kernel and a pipeline over a temporary hierarchy.
#include "agent/kernel_recovery.h"

#include <gtest/gtest.h>

#include <cstring>
#include <filesystem>
#include <string>
#include <vector>

namespace tracker {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using Clock = KernelRecovery::Clock;

class FakeKernel : public KernelLink {
 public:
  int consume() override {
    calls.push_back("consume");
    return 0;
  }
  std::uint64_t cgroup_events_lost() const override { return cgroup_lost; }
  std::uint64_t process_events_lost() const override { return process_lost; }
  std::uint64_t state_map_failures() const override { return failures; }
  bool state_map_degraded() const override { return degraded; }
  std::uint64_t walk_mark() const override {
    calls.push_back("mark " + std::to_string(unreported));
    return unreported;
  }
  void walked(std::uint64_t mark) override { calls.push_back("walked " + std::to_string(mark)); }
  void maintain_state_map(bool retry) override { retries += retry; }

  std::uint64_t cgroup_lost = 0, process_lost = 0, failures = 0, unreported = 0;
  bool degraded = false;
  int retries = 0;
  mutable std::vector<std::string> calls;
};

class NullPrinter : public Printer {
 public:
  void print(const Event&) override {}
};

class Harness {
 public:
  Harness()
      : root_(make_root()),
        pipeline(PipelineOptions{},
                 TrackedHierarchy{CgroupLayout::v2, root_, 0, V1Controller::none}, printer),
        recovery(kernel, pipeline) {}
  ~Harness() {
    std::error_code ignored;
    fs::remove_all(root_, ignored);
  }
  // Ticks every 100 ms from `from` to `to` (inclusive), calling `each` first.
  void ticks(Clock::duration from, Clock::duration to, const std::function<void()>& each = {}) {
    for (auto at = from; at <= to; at += 100ms) {
      if (each) each();
      recovery.tick(Clock::time_point{} + at);
    }
  }
  std::uint64_t reconciles() const { return pipeline.stats().reconciles; }
  const std::string& root() const { return root_; }

 private:
  static std::string make_root() {
    std::string pattern = (fs::temp_directory_path() / "tracker-recovery-XXXXXX").string();
    if (!mkdtemp(pattern.data())) ADD_FAILURE() << "mkdtemp: " << std::strerror(errno);
    return pattern;
  }
  std::string root_;

 public:
  NullPrinter printer;
  FakeKernel kernel;
  Pipeline pipeline;
  KernelRecovery recovery;
};

TEST(KernelRecovery, ProcessEventLossesDoNotReconcile) {
  Harness h;
  h.ticks(0s, 3s, [&] { h.kernel.process_lost += 500; });
  EXPECT_EQ(h.reconciles(), 0u);
}

TEST(KernelRecovery, CgroupLossesReconcileOncePerSecondWithOneTrailingRun) {
  Harness h;
  h.ticks(0s, 0s, [&] { ++h.kernel.cgroup_lost; });
  EXPECT_EQ(h.reconciles(), 1u);
  h.ticks(100ms, 900ms, [&] { ++h.kernel.cgroup_lost; });  // a storm of losses: 9 ticks
  EXPECT_EQ(h.reconciles(), 1u);
  h.ticks(1s, 1s);
  EXPECT_EQ(h.reconciles(), 2u);  // the trailing run, for all nine
  h.ticks(1100ms, 5s);
  EXPECT_EQ(h.reconciles(), 2u);
}

TEST(KernelRecovery, ReadsTheRingThenWalksAndTellsTheKernelWhatTheWalkCovered) {
  Harness h;
  h.kernel.cgroup_lost = 1;
  h.kernel.unreported = 3;
  h.ticks(0s, 0s);
  EXPECT_EQ(h.kernel.calls, (std::vector<std::string>{"consume", "mark 3", "walked 3"}));
}

TEST(KernelRecovery, AWalkThatFailedCoversNothing) {
  Harness h;
  fs::remove_all(h.root());
  h.kernel.cgroup_lost = 1;
  h.ticks(0s, 0s);
  EXPECT_EQ(h.kernel.calls, (std::vector<std::string>{"consume", "mark 0"}));
}

tracker_event mkdir_event(std::uint64_t cgroup_id, const std::string& path) {
  tracker_event e{};
  e.type = TRACKER_EVENT_CGROUP_MKDIR;
  e.data.cgroup.cgroup_id = cgroup_id;
  e.data.cgroup.path_len = static_cast<std::uint32_t>(path.size());
  path.copy(e.data.cgroup.path, sizeof(e.data.cgroup.path) - 1);
  return e;
}

TEST(KernelRecovery, OrphanSubCgroupIsReconciledOnTheTickNotInline) {
  Harness h;
  std::string id(64, 'a');
  fs::create_directories(h.root() + "/docker/" + id + "/init");
  h.pipeline.on_kernel_event(mkdir_event(4242, "/docker/" + id + "/init"));
  h.pipeline.on_kernel_event(mkdir_event(4243, "/docker/" + id + "/init/more"));
  EXPECT_EQ(h.reconciles(), 0u);
  EXPECT_FALSE(h.pipeline.registry().find_by_id(id));
  h.ticks(0s, 2s);
  EXPECT_EQ(h.reconciles(), 1u);
  EXPECT_TRUE(h.pipeline.registry().find_by_id(id));
}

TEST(KernelRecovery, StateMapIsRetriedOncePerSecondWhileDegraded) {
  Harness h;
  h.ticks(0s, 1s);
  EXPECT_EQ(h.kernel.retries, 0);
  h.kernel.degraded = true;
  h.ticks(2s, 4500ms);
  EXPECT_EQ(h.kernel.retries, 3);  // at 2, 3 and 4 s
  h.kernel.degraded = false;
  h.ticks(4600ms, 8s);
  EXPECT_EQ(h.kernel.retries, 4);  // the one asked for at 4.1 s
}

}  // namespace
}  // namespace tracker
