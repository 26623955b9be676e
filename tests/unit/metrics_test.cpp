// tracker's metrics: the Prometheus text format, lookups by outcome and
// latency, mkdir → enriched, and the figures the daemon hands in.
#include "agent/metrics.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <regex>
#include <set>
#include <sstream>

#include "util/files.h"
#include "util/prometheus.h"

namespace tracker {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using namespace std::chrono_literals;

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

// Every line is a HELP, a TYPE or a sample of the family the last TYPE
// named (histograms: its _bucket, _sum, _count), and no family comes twice.
void expect_valid_exposition(const std::string& text) {
  static const std::regex kSample(
      R"(^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{[a-zA-Z_][a-zA-Z0-9_]*="([^"\\]|\\.)*"(,[a-zA-Z_][a-zA-Z0-9_]*="([^"\\]|\\.)*")*\})? ([-+0-9.eE]+|\+Inf|-Inf|NaN)$)");
  static const std::regex kType(R"(^# TYPE ([a-zA-Z_:][a-zA-Z0-9_:]*) (counter|gauge|histogram)$)");
  std::set<std::string> families;
  std::string family, type;
  ASSERT_FALSE(text.empty());
  ASSERT_EQ(text.back(), '\n');
  for (const auto& line : lines_of(text)) {
    std::smatch match;
    if (line.starts_with("# HELP ")) continue;
    if (std::regex_match(line, match, kType)) {
      family = match[1];
      type = match[2];
      EXPECT_TRUE(families.insert(family).second) << family << " twice";
      continue;
    }
    ASSERT_TRUE(std::regex_match(line, match, kSample)) << "not a sample: " << line;
    std::string name = match[1];
    if (type == "histogram")
      EXPECT_TRUE(name == family + "_bucket" || name == family + "_sum" ||
                  name == family + "_count")
          << line;
    else
      EXPECT_EQ(name, family) << line;
  }
}

TEST(PrometheusText, WritesFamiliesSamplesAndHistograms) {
  PrometheusText out;
  out.family("x_total", PrometheusText::Type::counter, "Things.\nCounted \\ here.");
  out.sample("x_total", {{"kind", "a\"b\\c\nd"}}, std::uint64_t{3});
  Histogram h({0.25, 1});
  h.observe(0.125);
  h.observe(0.25);  // le is inclusive
  h.observe(0.5);
  h.observe(7);
  out.family("y_seconds", PrometheusText::Type::histogram, "Durations.");
  out.histogram("y_seconds", {{"runtime", "docker"}}, h);
  EXPECT_EQ(out.text(),
            "# HELP x_total Things.\\nCounted \\\\ here.\n"
            "# TYPE x_total counter\n"
            "x_total{kind=\"a\\\"b\\\\c\\nd\"} 3\n"
            "# HELP y_seconds Durations.\n"
            "# TYPE y_seconds histogram\n"
            "y_seconds_bucket{runtime=\"docker\",le=\"0.25\"} 2\n"
            "y_seconds_bucket{runtime=\"docker\",le=\"1\"} 3\n"
            "y_seconds_bucket{runtime=\"docker\",le=\"+Inf\"} 4\n"
            "y_seconds_sum{runtime=\"docker\"} 7.875\n"
            "y_seconds_count{runtime=\"docker\"} 4\n");
  expect_valid_exposition(out.text());
}

TEST(PrometheusText, LabelValuesBecomeValidUtf8) {
  EXPECT_EQ(escape_label_value("/run/\xff.sock"), "/run/\xef\xbf\xbd.sock");
  EXPECT_EQ(format_sample_value(0.0005), "0.0005");
  EXPECT_EQ(format_sample_value(2.5), "2.5");
}

struct OutcomeCase {
  const char* name;
  LookupStatus status;
  std::chrono::microseconds took;
  LookupOutcome outcome;
};

class LookupOutcomeTest : public ::testing::TestWithParam<OutcomeCase> {};

TEST_P(LookupOutcomeTest, FromStatusAndTime) {
  EXPECT_EQ(lookup_outcome(GetParam().status, GetParam().took, 2000ms), GetParam().outcome);
}

INSTANTIATE_TEST_SUITE_P(
    Cases, LookupOutcomeTest,
    ::testing::Values(
        OutcomeCase{"found", LookupStatus::found, 800us, LookupOutcome::found},
        OutcomeCase{"found_late_is_still_found", LookupStatus::found, 2500ms, LookupOutcome::found},
        OutcomeCase{"not_found", LookupStatus::not_found, 1ms, LookupOutcome::not_found},
        OutcomeCase{"refused_socket", LookupStatus::unavailable, 100us, LookupOutcome::failed},
        OutcomeCase{"bad_reply", LookupStatus::bad_reply, 3ms, LookupOutcome::failed},
        OutcomeCase{"deadline_reached", LookupStatus::unavailable, 2000ms,
                    LookupOutcome::timed_out},
        OutcomeCase{"hung_then_garbled", LookupStatus::bad_reply, 2001ms,
                    LookupOutcome::timed_out}),
    [](const auto& info) { return std::string(info.param.name); });

MetricsFigures sample_figures() {
  MetricsFigures f;
  f.version = "1.2.3";
  f.enrichment_enabled = true;
  f.containers = 7;
  f.pipeline.kernel_events = 1000;
  f.pipeline.printed = 900;
  f.pipeline.reconciles = 2;
  f.pipeline.held = 40;
  f.pipeline.held_released_early = 3;
  f.events_held_now = 5;
  f.events_lost = {{"cgroup", 4}, {"process", 11}};
  f.state_map_failures = 1;
  f.lookalike_cgroups = 6;
  f.runtimes = {{"docker", "/var/run/docker.sock", true, "", 0},
                {"podman", "/run/podman/podman.sock", false, "down", 2}};
  return f;
}

TEST(Metrics, RendersEveryFamilyFromTheStart) {
  Metrics metrics;
  auto text = metrics.render(sample_figures());
  expect_valid_exposition(text);
  for (const char* expected : {
           "tracker_build_info{version=\"1.2.3\"} 1\n",
           "tracker_enrichment_enabled 1\n",
           "tracker_containers 7\n",
           "tracker_runtime_up{runtime=\"docker\",socket=\"/var/run/docker.sock\"} 1\n",
           "tracker_runtime_up{runtime=\"podman\",socket=\"/run/podman/podman.sock\"} 0\n",
           // Every outcome of every runtime, at 0 before any lookup.
           "tracker_runtime_lookups_total{runtime=\"docker\",outcome=\"timed_out\"} 0\n",
           "tracker_runtime_lookups_total{runtime=\"podman\",outcome=\"found\"} 0\n",
           "tracker_runtime_lookup_duration_seconds_count{runtime=\"podman\"} 0\n",
           "tracker_runtime_event_stream{runtime=\"docker\",socket=\"/var/run/docker.sock\","
           "state=\"none\"} 1\n",
           "tracker_runtime_event_stream{runtime=\"podman\",socket=\"/run/podman/podman.sock\","
           "state=\"down\"} 1\n",
           "tracker_runtime_event_stream_reconnects_total{runtime=\"docker\",socket=\"/var/run/"
           "docker.sock\"} 0\n",
           "tracker_runtime_event_stream_reconnects_total{runtime=\"podman\",socket=\"/run/"
           "podman/podman.sock\"} 2\n",
           "tracker_mkdir_to_enriched_seconds_count 0\n",
           "tracker_kernel_events_total 1000\n",
           "tracker_events_printed_total 900\n",
           "tracker_events_lost_total{kind=\"cgroup\"} 4\n",
           "tracker_events_lost_total{kind=\"process\"} 11\n",
           "tracker_events_held 5\n",
           "tracker_events_held_total 40\n",
           "tracker_events_released_early_total 3\n",
           "tracker_reconciles_total 2\n",
           "tracker_state_map_failures_total 1\n",
           "tracker_lookalike_cgroups_total 6\n",
           "tracker_dbus_calls_denied_total 0\n",
       })
    EXPECT_THAT(text, HasSubstr(expected));
}

TEST(Metrics, CountsLookupsByRuntimeAndOutcome) {
  Metrics metrics;
  metrics.lookup_done("docker", LookupStatus::found, 700us, 2000ms);
  metrics.lookup_done("docker", LookupStatus::found, 3ms, 2000ms);
  metrics.lookup_done("docker", LookupStatus::unavailable, 2000ms, 2000ms);
  metrics.lookup_done("machined", LookupStatus::not_found, 200us, 2000ms);
  metrics.call_denied();
  auto text = metrics.render(sample_figures());
  expect_valid_exposition(text);
  EXPECT_THAT(text,
              HasSubstr("tracker_runtime_lookups_total{runtime=\"docker\",outcome=\"found\"} 2\n"));
  EXPECT_THAT(
      text,
      HasSubstr("tracker_runtime_lookups_total{runtime=\"docker\",outcome=\"timed_out\"} 1\n"));
  EXPECT_THAT(
      text, HasSubstr("tracker_runtime_lookups_total{runtime=\"docker\",outcome=\"failed\"} 0\n"));
  // A runtime that answered although ListRuntimes no longer lists it.
  EXPECT_THAT(text, HasSubstr("tracker_runtime_lookups_total{runtime=\"machined\",outcome="
                              "\"not_found\"} 1\n"));
  EXPECT_THAT(text, HasSubstr("tracker_runtime_lookup_duration_seconds_bucket{runtime=\"docker\","
                              "le=\"0.001\"} 1\n"));
  EXPECT_THAT(text, HasSubstr("tracker_runtime_lookup_duration_seconds_bucket{runtime=\"docker\","
                              "le=\"0.005\"} 2\n"));
  EXPECT_THAT(text, HasSubstr("tracker_runtime_lookup_duration_seconds_count{runtime=\"docker\"} "
                              "3\n"));
  EXPECT_THAT(text, HasSubstr("tracker_dbus_calls_denied_total 1\n"));
}

class MkdirToEnriched : public ::testing::Test {
 protected:
  static constexpr std::int64_t kMkdir = 1'700'000'000'000'000'000;

  std::shared_ptr<ContainerRecord> container(const std::string& id, ContainerOrigin origin,
                                             EnrichmentState state) {
    auto c = std::make_shared<ContainerRecord>();
    c->ref.id = id;
    c->origin = origin;
    c->created_ns = kMkdir;
    c->enrichment = state;
    return c;
  }
  std::string count() const {
    auto text = metrics_.render({});
    auto at = text.find("tracker_mkdir_to_enriched_seconds_count ");
    return text.substr(at, text.find('\n', at) - at);
  }

  std::int64_t now_ = kMkdir;
  Metrics metrics_{[this] { return now_; }};
};

TEST_F(MkdirToEnriched, FromTheMkdirToTheFirstAnswer) {
  auto c = container("a", ContainerOrigin::created, EnrichmentState::pending);
  now_ = kMkdir + 2'000'000;  // 2 ms
  c->enrichment = EnrichmentState::done;
  metrics_.container_added(c);  // told at the first answer
  auto text = metrics_.render({});
  EXPECT_THAT(text, HasSubstr("tracker_mkdir_to_enriched_seconds_bucket{le=\"0.001\"} 0\n"));
  EXPECT_THAT(text, HasSubstr("tracker_mkdir_to_enriched_seconds_bucket{le=\"0.0025\"} 1\n"));
  EXPECT_THAT(text, HasSubstr("tracker_mkdir_to_enriched_seconds_sum 0.002\n"));
}

TEST_F(MkdirToEnriched, AContainerReleasedBeforeItsAnswerCountsWhenItComes) {
  auto c = container("b", ContainerOrigin::created, EnrichmentState::retrying);
  metrics_.container_added(c);
  EXPECT_EQ(count(), "tracker_mkdir_to_enriched_seconds_count 0");
  now_ = kMkdir + 30'000'000'000;  // its runtime was down for 30 s
  c->enrichment = EnrichmentState::partial;
  metrics_.container_changed(c);
  c->enrichment = EnrichmentState::done;  // the completion is no new answer
  metrics_.container_changed(c);
  EXPECT_EQ(count(), "tracker_mkdir_to_enriched_seconds_count 1");
  EXPECT_THAT(metrics_.render({}),
              HasSubstr("tracker_mkdir_to_enriched_seconds_bucket{le=\"30\"} 1\n"));
}

TEST_F(MkdirToEnriched, NotCounted) {
  // Found at start-up: its mkdir was before tracker ran.
  metrics_.container_added(container("c", ContainerOrigin::existing, EnrichmentState::done));
  // Never answered.
  auto failed = container("d", ContainerOrigin::created, EnrichmentState::pending);
  metrics_.container_added(failed);
  failed->enrichment = EnrichmentState::failed;
  metrics_.container_changed(failed);
  failed->enrichment = EnrichmentState::done;
  metrics_.container_changed(failed);
  // Gone before an answer.
  auto gone = container("e", ContainerOrigin::created, EnrichmentState::pending);
  metrics_.container_added(gone);
  metrics_.container_removed(gone);
  gone->enrichment = EnrichmentState::done;
  metrics_.container_changed(gone);
  // Enrichment off.
  metrics_.container_added(container("f", ContainerOrigin::created, EnrichmentState::off));
  EXPECT_EQ(count(), "tracker_mkdir_to_enriched_seconds_count 0");
}

TEST(AtomicFile, ReplacesTheFileWithTheModeAsked) {
  char pattern[] = "/tmp/tracker-metrics-XXXXXX";
  std::string dir = mkdtemp(pattern);
  std::string path = dir + "/tracker.prom";
  auto old_umask = umask(0077);
  EXPECT_EQ(write_file_atomically(path, "a 1\n"), "");
  EXPECT_EQ(write_file_atomically(path, "a 2\n"), "");
  umask(old_umask);
  EXPECT_EQ(read_file(path), "a 2\n");
  struct stat st {};
  ASSERT_EQ(stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0644u);  // node-exporter runs as another user
  // Nothing else is left in the directory.
  EXPECT_EQ(std::distance(std::filesystem::directory_iterator(dir),
                          std::filesystem::directory_iterator()),
            1);
  EXPECT_THAT(write_file_atomically(dir + "/missing/tracker.prom", "x"),
              HasSubstr("No such file or directory"));
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace tracker
