#pragma once

#include <sys/types.h>

namespace tracker::ctl {

// pkttyagent, registered for this process, for as long as this lives: when
// polkit wants a password to authorize one of our calls (it finds our process
// from our bus name), it asks on this terminal, without logind sessions too.
// Started only for a non-root user at a terminal, as systemd's tools do.
class PolkitAgent {
 public:
  explicit PolkitAgent(bool enabled);
  ~PolkitAgent();
  PolkitAgent(const PolkitAgent&) = delete;
  PolkitAgent& operator=(const PolkitAgent&) = delete;

 private:
  pid_t pid_ = -1;
};

}  // namespace tracker::ctl
