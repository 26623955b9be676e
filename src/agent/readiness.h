#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "util/clock.h"

namespace tracker {

// What tracker tells systemd about its start and its reloads (sd_notify):
// READY=1 once, when the first enrichment answers are in or the wait for
// them ran out; a reload is RELOADING=1 … READY=1 only after that (before,
// READY=1 would end start-up early); STATUS= only when it changes.
class Readiness {
 public:
  explicit Readiness(MonoTime give_up_waiting) : give_up_waiting_(give_up_waiting) {}

  bool ready() const { return ready_; }
  // The message to send now, if any ("READY=1"), given whether enrichment settled.
  std::string check(bool enrichment_settled, MonoTime now);
  std::string reload_started() const;
  std::string reload_done() const;
  // "STATUS=…" when `status` differs from what was sent last, else "".
  std::string status(const std::string& status);
  void forget_status() { last_status_.clear(); }

 private:
  MonoTime give_up_waiting_;
  bool ready_ = false;
  std::string last_status_;
};

struct StatusFigures {
  std::size_t containers = 0;
  bool enrichment = false;
  std::uint64_t events_lost = 0;
  std::string bus;  // the D-Bus service's own word ("D-Bus: reconnecting"), "" when fine
};

// "Watching 3 containers; enrichment on; 0 events lost[; <bus>]"
std::string status_line(const StatusFigures& figures);

}  // namespace tracker
