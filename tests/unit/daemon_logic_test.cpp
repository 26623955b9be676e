// The daemon's decisions, apart from the process around it: what a reload
// changes, and what systemd is told (READY=1, RELOADING=1, STATUS=) and when.
#include <gtest/gtest.h>

#include "agent/readiness.h"
#include "agent/reload_plan.h"

namespace tracker {
namespace {

using namespace std::chrono_literals;

TEST(ReloadPlan, NothingChangedChangesNothing) {
  Options options;
  auto plan = plan_reload(options, options);
  EXPECT_FALSE(plan.reopen_output);
  EXPECT_FALSE(plan.needs_restart);
  EXPECT_FALSE(plan.reconfigure_enrichment);
  EXPECT_FALSE(plan.reschedule_metrics);
}

TEST(ReloadPlan, EachChangeReachesWhatItConcerns) {
  Options before;
  auto after = before;
  after.containers = true;
  auto plan = plan_reload(before, after);
  EXPECT_TRUE(plan.reconfigure_enrichment);
  EXPECT_TRUE(plan.reopen_output) << "the IMAGE column comes with enrichment";

  after = before;
  after.enrichment_timeout = 5s;
  EXPECT_TRUE(plan_reload(before, after).reconfigure_enrichment);
  EXPECT_FALSE(plan_reload(before, after).reopen_output);

  after = before;
  after.cri_sockets = {{"crio", "/run/crio/crio.sock"}};
  EXPECT_TRUE(plan_reload(before, after).reconfigure_enrichment);
  auto moved = after;
  moved.cri_sockets[0].path = "/run/other.sock";
  EXPECT_TRUE(plan_reload(after, moved).reconfigure_enrichment);

  after = before;
  after.metrics_path = "/var/lib/prometheus/node-exporter/tracker.prom";
  EXPECT_TRUE(plan_reload(before, after).reschedule_metrics);
  EXPECT_FALSE(plan_reload(before, after).reopen_output);
  auto sooner = after;
  sooner.metrics_interval = 1s;
  EXPECT_TRUE(plan_reload(after, sooner).reschedule_metrics);

  after = before;
  after.buffer_kib = 8192;
  EXPECT_TRUE(plan_reload(before, after).needs_restart);
  EXPECT_FALSE(plan_reload(before, after).reconfigure_enrichment);
}

TEST(ReloadPlan, AnOutputFileIsReopenedOnEveryReload) {
  Options options;
  options.output_path = "/var/log/tracker/events.json";
  EXPECT_TRUE(plan_reload(options, options).reopen_output);
}

TEST(Readiness, ReadyOnceWhenSettledOrWhenTheWaitRunsOut) {
  MonoTime start{};
  Readiness readiness(start + 2s);
  EXPECT_EQ(readiness.check(false, start), "");
  EXPECT_EQ(readiness.check(true, start + 1s), "READY=1");
  EXPECT_EQ(readiness.check(true, start + 1s), "") << "once";

  Readiness slow(start + 2s);
  EXPECT_EQ(slow.check(false, start + 1999ms), "");
  EXPECT_EQ(slow.check(false, start + 2s), "READY=1");
}

TEST(Readiness, AReloadBeforeReadyIsNoReadiness) {
  MonoTime start{};
  Readiness readiness(start + 2s);
  EXPECT_EQ(readiness.reload_started(), "");
  EXPECT_EQ(readiness.reload_done(), "") << "READY=1 would end start-up early";
  readiness.check(true, start);
  EXPECT_EQ(readiness.reload_started(), "RELOADING=1\nSTATUS=Reloading configuration");
  EXPECT_EQ(readiness.reload_done(), "READY=1");
}

TEST(Readiness, StatusOnlyWhenItChanges) {
  Readiness readiness(MonoTime{});
  auto line = status_line({3, true, 0, ""});
  EXPECT_EQ(line, "Watching 3 containers; enrichment on; 0 events lost");
  EXPECT_EQ(readiness.status(line), "STATUS=" + line);
  EXPECT_EQ(readiness.status(line), "");
  readiness.forget_status();
  EXPECT_EQ(readiness.status(line), "STATUS=" + line);
  EXPECT_EQ(status_line({0, false, 7, "D-Bus: reconnecting"}),
            "Watching 0 containers; enrichment off; 7 events lost; D-Bus: reconnecting");
}

}  // namespace
}  // namespace tracker
