// tracker's metrics through the real prometheus-node-exporter: tracker writes
// [Metrics] Path= into the textfile collector's directory, node-exporter
// serves it on loopback, and its /metrics follows a container that comes and
// goes.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <optional>
#include <regex>

#include "harness.h"

namespace tracker::testing {
namespace {

namespace fs = std::filesystem;

const std::string kNodeExporter = "prometheus-node-exporter";

// A loopback port nobody listens on right now.
int free_loopback_port() {
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof address;
  int port = -1;
  if (bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0 &&
      getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) == 0)
    port = ntohs(address.sin_port);
  close(fd);
  return port;
}

// The value of the sample `series` (name and labels, as printed) in `text`.
std::optional<double> sample(const std::string& text, const std::string& series) {
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);)
    if (line.starts_with(series + " ")) return std::stod(line.substr(series.size() + 1));
  return std::nullopt;
}

class MetricsExportTest : public ::testing::Test {
 protected:
  void SetUp() override {
    REQUIRE_PREREQUISITE(geteuid() == 0, "root");
    REQUIRE_PREREQUISITE(command_succeeds("command -v " + kNodeExporter),
                         "prometheus-node-exporter (scripts/deps.sh all)");
    REQUIRE_PREREQUISITE(command_succeeds("command -v curl"), "curl");
    char pattern[] = "/tmp/tracker-metrics-XXXXXX";
    dir_ = mkdtemp(pattern);
    // node-exporter runs as root here, but the file must be readable by its
    // usual user all the same.
    chmod(dir_.c_str(), 0755);
    config_ = dir_ + "/tracker.conf";
    prom_ = dir_ + "/textfile/tracker.prom";
    fs::create_directories(dir_ + "/textfile");
    std::ofstream(config_) << "[Metrics]\nPath=" << prom_ << "\nInterval=1s\n";
  }
  void TearDown() override {
    if (exporter_pid_ > 0) {
      kill(exporter_pid_, SIGTERM);  // the one this test started, only
      run("for i in $(seq 50); do kill -0 " + std::to_string(exporter_pid_) +
          " || break; sleep 0.1; done");
    }
    if (!dir_.empty()) fs::remove_all(dir_);
  }

  // node-exporter with the textfile collector alone, on loopback.
  bool start_exporter() {
    port_ = free_loopback_port();
    if (port_ < 0) return false;
    auto started = run(kNodeExporter +
                       " --collector.disable-defaults --collector.textfile"
                       " --collector.textfile.directory=" +
                       dir_ + "/textfile --web.listen-address=127.0.0.1:" + std::to_string(port_) +
                       " > " + dir_ + "/exporter.log 2>&1 & echo $!");
    if (started.status != 0 || started.output.empty()) return false;
    exporter_pid_ = std::stoi(started.output);
    for (int i = 0; i < 100; ++i) {
      if (scrape()) return true;
      usleep(100'000);
    }
    return false;
  }

  std::optional<std::string> scrape() {
    auto got = run("curl -sf --max-time 2 http://127.0.0.1:" + std::to_string(port_) + "/metrics");
    if (got.status != 0) return std::nullopt;
    return got.output;
  }

  // Scrapes until `series` satisfies `wanted` (the tracker's events are read meanwhile).
  std::optional<double> wait_for(TrackerProcess& tracker, const std::string& series,
                                 const std::function<bool(double)>& wanted,
                                 std::chrono::milliseconds timeout = 10s) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    std::optional<double> value;
    while (std::chrono::steady_clock::now() < deadline) {
      if (auto text = scrape()) value = sample(*text, series);
      if (value && wanted(*value)) return value;
      tracker.collect_for(200ms);
    }
    return value;
  }

  std::string dir_, config_, prom_;
  int port_ = -1;
  pid_t exporter_pid_ = -1;
};

TEST_F(MetricsExportTest, NodeExporterServesTrackersSeriesAsContainersComeAndGo) {
  TrackerProcess tracker(
      {"--config", config_, "--output", "json", "--events", "container_create,container_remove"});
  ASSERT_TRUE(tracker.wait_ready()) << tracker.stderr_text();
  ASSERT_TRUE(start_exporter()) << read_file(dir_ + "/exporter.log");

  // The file is there, world-readable, and node-exporter parsed it.
  auto before = wait_for(tracker, "tracker_containers", [](double) { return true; });
  ASSERT_TRUE(before) << "no tracker_containers in /metrics:\n"
                      << scrape().value_or("(no answer)") << "\n"
                      << tracker.stderr_text();
  struct stat st {};
  ASSERT_EQ(stat(prom_.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0644u);
  auto text = scrape().value_or("");
  EXPECT_EQ(sample(text, "node_textfile_scrape_error"), 0.0) << text;
  EXPECT_TRUE(sample(text, "node_textfile_mtime_seconds{file=\"" + prom_ + "\"}") ||
              sample(text, "node_textfile_mtime_seconds{file=\"tracker.prom\"}"))
      << text;
  for (const char* series :
       {"tracker_build_info{", "tracker_kernel_events_total ", "tracker_events_lost_total{",
        "tracker_mkdir_to_enriched_seconds_bucket{le=\"+Inf\"} ", "tracker_reconciles_total ",
        "tracker_dbus_calls_denied_total "})
    EXPECT_NE(text.find(series), std::string::npos) << series << " not in\n" << text;
  auto kernel_events = sample(text, "tracker_kernel_events_total").value_or(0);

  SyntheticContainer container;
  ASSERT_TRUE(container.created());
  ASSERT_TRUE(tracker.wait_for(is_event("container_create", container.id())));
  auto with = wait_for(tracker, "tracker_containers", [&](double v) { return v == *before + 1; });
  EXPECT_EQ(with, *before + 1) << "the container did not show in /metrics";
  EXPECT_GT(sample(scrape().value_or(""), "tracker_kernel_events_total").value_or(0),
            kernel_events);

  container.remove();
  ASSERT_TRUE(tracker.wait_for(is_event("container_remove", container.id())));
  auto without = wait_for(tracker, "tracker_containers", [&](double v) { return v == *before; });
  EXPECT_EQ(without, *before) << "the container did not leave /metrics";

  // A stopped tracker takes its figures away.
  EXPECT_EQ(tracker.stop(), 0);
  EXPECT_FALSE(fs::exists(prom_));
}

// Path= and Interval= follow a reload; a directory that is missing is only a warning.
TEST_F(MetricsExportTest, ReloadMovesTheFile) {
  std::ofstream(config_) << "[Metrics]\nPath=" << dir_ << "/missing/tracker.prom\nInterval=1s\n";
  TrackerProcess tracker({"--config", config_, "--output", "json", "--events", "container_create"});
  ASSERT_TRUE(tracker.wait_ready()) << tracker.stderr_text();
  tracker.collect_for(1500ms);
  EXPECT_NE(tracker.stderr_text().find("cannot write " + dir_ + "/missing/tracker.prom"),
            std::string::npos)
      << tracker.stderr_text();
  std::ofstream(config_, std::ios::trunc) << "[Metrics]\nPath=" << prom_ << "\nInterval=1s\n";
  kill(tracker.pid(), SIGHUP);
  auto deadline = std::chrono::steady_clock::now() + 5s;
  while (!fs::exists(prom_) && std::chrono::steady_clock::now() < deadline)
    tracker.collect_for(100ms);
  ASSERT_TRUE(fs::exists(prom_)) << tracker.stderr_text();
  EXPECT_NE(read_file(prom_).find("# TYPE tracker_containers gauge"), std::string::npos);
  // Turned off: the file goes.
  std::ofstream(config_, std::ios::trunc) << "[Metrics]\nPath=\n";
  kill(tracker.pid(), SIGHUP);
  deadline = std::chrono::steady_clock::now() + 5s;
  while (fs::exists(prom_) && std::chrono::steady_clock::now() < deadline)
    tracker.collect_for(100ms);
  EXPECT_FALSE(fs::exists(prom_));
}

}  // namespace
}  // namespace tracker::testing
