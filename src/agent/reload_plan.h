#pragma once

#include "config/options.h"

namespace tracker {

// What a new configuration changes in a running tracker (a reload, or
// SetEnrichment): decided here, from the two configurations alone; the daemon
// only carries it out.
struct ReloadPlan {
  // The output is reopened: its target, format or columns changed, or it is a
  // file (reopened on every reload, so log rotation needs no copytruncate).
  bool reopen_output = false;
  // Settings that only a restart applies (hierarchy, ring buffer, tracepoint kind).
  bool needs_restart = false;
  // Enrichment is reconfigured: turned on or off, its timeout or sockets changed.
  bool reconfigure_enrichment = false;
  // [Metrics] Path= or Interval= changed: the file is written anew (the old one removed).
  bool reschedule_metrics = false;
};

ReloadPlan plan_reload(const Options& before, const Options& after);

}  // namespace tracker
