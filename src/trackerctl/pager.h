#pragma once

// The pager of trackerctl's output to a terminal, chosen as systemd's tools
// choose theirs, with its secure mode (SYSTEMD_PAGERSECURE).

#include <sys/types.h>

#include <functional>
#include <string>

namespace tracker::ctl {

struct PagerChoice {
  enum class Kind {
    none,        // no pager: $SYSTEMD_PAGER or $PAGER is "" or "cat"
    configured,  // `command`, through sh -c, else the defaults
    defaults,    // less, else more, else none
    secure_less  // less with LESSSECURE=1, else none
  };
  Kind kind = Kind::defaults;
  std::string command;
};

using GetEnv = std::function<const char*(const char*)>;

// Secure mode: $TRACKER_PAGERSECURE, else $SYSTEMD_PAGERSECURE, when set to a
// boolean (an unparsable value counts as true); when neither is set, on
// whenever trackerctl may run with someone else's privileges: euid != uid,
// or under sudo or pkexec ($SUDO_UID or $PKEXEC_UID set). In secure mode
// $SYSTEMD_PAGER and $PAGER are not run: a user's pager must not run as root,
// and less is kept from running commands or opening files.
PagerChoice choose_pager(const GetEnv& getenv, uid_t uid, uid_t euid);

// Pipes stdout through the pager while it lives, when enabled and stdout is a
// terminal. less gets LESS=FSXMK unless $LESS is set: no R, so that escape
// sequences are shown, never passed to the terminal.
class Pager {
 public:
  explicit Pager(bool enabled);
  ~Pager();
  Pager(const Pager&) = delete;
  Pager& operator=(const Pager&) = delete;

 private:
  pid_t pid_ = -1;
};

}  // namespace tracker::ctl
