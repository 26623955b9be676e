// What a test does when something it needs is missing (a bus, a runtime, a
// tool): under CI=true it fails, so that CI never passes by skipping;
// elsewhere it skips and says what is missing.
#pragma once

#include <gtest/gtest.h>

#include <cstdlib>
#include <string_view>

namespace tracker::testing {

inline bool in_ci() {
  const char* ci = std::getenv("CI");
  return ci && std::string_view(ci) == "true";
}

}  // namespace tracker::testing

#define REQUIRE_PREREQUISITE(condition, what)                                        \
  do {                                                                               \
    if (!(condition)) {                                                              \
      if (::tracker::testing::in_ci()) FAIL() << "missing prerequisite: " << (what); \
      GTEST_SKIP() << "missing prerequisite: " << (what);                            \
    }                                                                                \
  } while (0)
