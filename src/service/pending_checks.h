#pragma once

#include <sys/types.h>

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>

namespace tracker {

// How many polkit checks may await polkit's answer at once. dbus-daemon lets
// one connection await at most 128 replies (max_replies_per_connection) and
// every check is awaited on tracker's own connection: without limits, one peer
// whose agent never answers (an interactive check waits 110 s) would take every
// slot, and every other caller would be told that polkit is unavailable.
struct CheckLimits {
  std::size_t per_sender = 8;
  // A user can open many connections; this keeps room for the other users.
  std::size_t per_user = 32;
  // Below the bus's 128, so that tracker's other calls always find a slot.
  std::size_t total = 64;
};

// Counts the checks awaiting polkit by sender, by user and in all. admit()
// hands out a ticket that holds one place until it is destroyed (when the
// answer came, or when the call was dropped with the connection); tickets may
// outlive the PendingChecks that made them.
class PendingChecks {
 public:
  class Ticket;

  explicit PendingChecks(CheckLimits limits);
  ~PendingChecks();

  struct Admission {
    std::shared_ptr<Ticket> ticket;  // null when refused
    std::string refusal;             // why, when refused
    bool first_refusal = false;      // the first since this limit was last free: worth a log line
  };
  Admission admit(const std::string& sender, uid_t uid);

  std::size_t total() const;
  std::size_t of_sender(const std::string& sender) const;

 private:
  struct Counts;
  CheckLimits limits_;
  std::shared_ptr<Counts> counts_;
};

}  // namespace tracker
