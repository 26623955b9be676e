#include "agent/readiness.h"

#include <fmt/format.h>

namespace tracker {

std::string Readiness::check(bool enrichment_settled, MonoTime now) {
  if (ready_ || (!enrichment_settled && now < give_up_waiting_)) return {};
  ready_ = true;
  return "READY=1";
}

std::string Readiness::reload_started() const {
  return ready_ ? "RELOADING=1\nSTATUS=Reloading configuration" : "";
}

std::string Readiness::reload_done() const {
  return ready_ ? "READY=1" : "";
}

std::string Readiness::status(const std::string& status) {
  if (status == last_status_) return {};
  last_status_ = status;
  return "STATUS=" + status;
}

std::string status_line(const StatusFigures& figures) {
  auto line =
      fmt::format("Watching {} containers; enrichment {}; {} events lost", figures.containers,
                  figures.enrichment ? "on" : "off", figures.events_lost);
  if (!figures.bus.empty()) line += "; " + figures.bus;
  return line;
}

}  // namespace tracker
