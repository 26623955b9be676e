#pragma once

#include <string>
#include <vector>

namespace tracker {

// A problem found in a config file: "file:line: message", or "file: message"
// for a problem with the file as a whole (line 0).
struct Diagnostic {
  std::string file;
  unsigned line = 0;
  std::string message;

  std::string text() const {
    return line ? file + ":" + std::to_string(line) + ": " + message : file + ": " + message;
  }
  bool operator==(const Diagnostic&) const = default;
};

struct Diagnostics {
  std::vector<Diagnostic> warnings;  // unknown sections and keys: the rest still applies
  std::vector<Diagnostic> errors;    // any error fails the whole load
};

}  // namespace tracker
