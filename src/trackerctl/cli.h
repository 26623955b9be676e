#pragma once

namespace tracker::ctl {

// trackerctl: parses the command line, runs one subcommand, returns the exit
// code (exit_codes.h).
int run(int argc, char** argv);

}  // namespace tracker::ctl
