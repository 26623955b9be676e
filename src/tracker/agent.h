#pragma once

#include "config/options.h"

namespace tracker {

// Runs tracker in the foreground until SIGINT/SIGTERM or the reader goes away.
// Returns the process exit code.
int run_agent(const Options& options);

}  // namespace tracker
