#pragma once

#include <sys/types.h>

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>

#include "service/bus_util.h"
#include "service/pending_checks.h"

namespace tracker {

struct AuthorizerOptions {
  // Allowed without asking polkit; nullopt asks polkit for everyone (tests).
  std::optional<uid_t> privileged_uid = 0;
  // How long a peer that passed the inspect check may read container properties.
  std::chrono::seconds read_grant{300};
  std::chrono::milliseconds timeout{25'000};
  // An interactive check waits for the user to type a password; trackerctl
  // waits a little longer (120 s), so it gets polkit's answer, not a timeout.
  std::chrono::milliseconds interactive_timeout{110'000};
  // Checks beyond these are refused at once with LimitsExceeded.
  CheckLimits limits;
};

// Asks polkit (org.freedesktop.PolicyKit1) whether the sender of a call may do
// an action, without ever blocking: the caller's uid is asked from the bus and
// polkit's answer awaited asynchronously on the bus connection; `done` runs
// later, on the loop thread. The polkit subject is the caller's unique bus name
// ("system-bus-name"), so polkit itself finds its process, user and session.
class Authorizer {
 public:
  struct Denial {
    std::string name;  // a D-Bus error name
    std::string message;
  };
  // nullopt: allowed.
  using Done = std::function<void(const std::optional<Denial>& denial)>;

  Authorizer(sd_bus* bus, AuthorizerOptions options);
  ~Authorizer();

  void check(const std::string& sender, bool interactive, const std::string& action, Done done);

  // Synchronous, for property getters (sd-bus has no asynchronous getters):
  // privileged callers, and peers that passed the inspect check recently.
  bool may_read_containers(sd_bus_message* call);

 private:
  void ask_polkit(const std::string& sender, uid_t uid, bool interactive, const std::string& action,
                  Done done);
  void remember_uid(const std::string& sender, uid_t uid);
  void grant_reads(const std::string& sender);
  bool privileged(uid_t uid) const;

  sd_bus* bus_;
  AuthorizerOptions options_;
  PendingChecks pending_;
  // Unique names are never reused on a bus, so neither map needs invalidation;
  // both are bounded.
  std::unordered_map<std::string, uid_t> uids_;
  std::unordered_map<std::string, std::chrono::steady_clock::time_point> read_grants_;
  PendingCalls calls_;  // declared last: dropped first, with the handlers that use the rest
};

}  // namespace tracker
