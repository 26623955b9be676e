#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "events/event.h"
#include "events/printer.h"
#include "events/scope.h"

namespace tracker {

struct CriSocket {
  std::string runtime;
  std::string path;
};

// Which options the command line set: the environment and the config files
// only fill in the others (see config/config.h).
struct GivenOnCommandLine {
  bool output = false;
  bool events = false;
  bool scope = false;
  bool containers = false;
  bool cri = false;
  bool cgroup_hierarchy = false;
  bool buffer_size = false;
};

struct Options {
  std::optional<OutputFormat> output;  // default: table on a terminal, json otherwise
  EventSet events = EventSet::all();
  Scope scope;
  bool containers = false;  // enrichment
  std::vector<CriSocket> cri_sockets;
  std::string cgroup_hierarchy = "auto";
  std::uint32_t buffer_kib = 4096;
  bool raw_tracepoints = false;
  bool verbose = false;
  std::string output_path;                             // events go here; empty: stdout
  std::chrono::milliseconds enrichment_timeout{2000};  // per runtime call
  std::string config_file;                             // --config; empty: the standard files
  std::string metrics_path;  // Prometheus text written here every metrics_interval; empty: none
  std::chrono::milliseconds metrics_interval{15000};
  GivenOnCommandLine given;
};

struct ParseResult {
  std::optional<Options> options;
  int exit_code = 0;  // when options is empty: 0 after --help/--version, 2 for bad usage
};

ParseResult parse_command_line(int argc, char** argv);

}  // namespace tracker
