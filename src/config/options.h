#pragma once

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
};

struct ParseResult {
  std::optional<Options> options;
  int exit_code = 0;  // when options is empty: 0 after --help/--version, 2 for bad usage
};

ParseResult parse_command_line(int argc, char** argv);

}  // namespace tracker
