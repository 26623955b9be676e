// [Metrics] Path=: tracker's metrics written for node-exporter's textfile
// collector every Interval= (tracker opens no listening socket).
#include <unistd.h>

#include "tracker/daemon.h"
#include "util/files.h"
#include "util/log.h"

namespace tracker {

void Daemon::schedule_metrics() {
  if (metrics_timer_ >= 0) loop_.cancel(metrics_timer_);
  metrics_timer_ = -1;
  if (!metrics_written_.empty() && metrics_written_ != options_.metrics_path) {
    unlink(metrics_written_.c_str());  // moved elsewhere, or turned off
    metrics_written_.clear();
  }
  metrics_error_.clear();
  if (options_.metrics_path.empty()) return;
  write_metrics();
  metrics_timer_ = loop_.every(options_.metrics_interval, [this] { write_metrics(); });
}

void Daemon::write_metrics() {
  const auto& path = options_.metrics_path;
  auto error = write_file_atomically(path, metrics());
  if (error.empty()) {
    if (!metrics_error_.empty()) log(LogLevel::info, "metrics", "writing {} again", path);
    metrics_error_.clear();
    metrics_written_ = path;
    return;
  }
  // Once per distinct problem: a missing directory would otherwise log every interval.
  if (error != metrics_error_) log(LogLevel::warning, "metrics", "cannot write {}", error);
  metrics_error_ = error;
}

}  // namespace tracker
