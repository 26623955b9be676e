#pragma once

#include <chrono>

namespace tracker {

// The one `Timeout=` an administrator sets, turned into the separate budgets
// it stands for, each bounded on its own:
struct TimeBudgets {
  std::chrono::milliseconds call;   // each call to a runtime (at most 1 min)
  std::chrono::milliseconds hold;   // longest an event waits for enrichment (at most 10 s)
  std::chrono::milliseconds ready;  // longest READY=1 waits for first answers (at most 10 s,
                                    // well inside systemd's default start timeout)
};

TimeBudgets time_budgets(std::chrono::milliseconds timeout);

}  // namespace tracker
