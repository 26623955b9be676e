#include "agent/time_budgets.h"

#include <algorithm>

namespace tracker {

TimeBudgets time_budgets(std::chrono::milliseconds timeout) {
  using std::chrono::milliseconds;
  auto call = std::clamp(timeout, milliseconds(1), milliseconds(60'000));
  auto waiting = std::min(call + milliseconds(500), milliseconds(10'000));
  return {call, waiting, waiting};
}

}  // namespace tracker
