#pragma once

namespace tracker::ctl {

// trackerctl's exit codes, as --help and trackerctl(1) document them.
enum ExitCode : int {
  kExitOk = 0,
  kExitFailure = 1,       // any other failure (the daemon's error is printed)
  kExitUsage = 2,         // bad command line or argument
  kExitNotFound = 3,      // no such container (or process), or an ambiguous id prefix
  kExitAccessDenied = 4,  // polkit said no
  kExitNotRunning = 5,    // tracker is not on the system bus (or there is no bus)
};

inline constexpr const char* kExitCodesHelp =
    "Exit status:\n"
    "  0  success\n"
    "  1  failure\n"
    "  2  invalid command line or argument\n"
    "  3  no such container, an id prefix that matches several, or no such process\n"
    "  4  access denied (polkit)\n"
    "  5  tracker is not running (org.khulnasoft.Tracker1 is not on the system bus)\n";

}  // namespace tracker::ctl
