#include "config/options.h"
#include "tracker/agent.h"

int main(int argc, char** argv) {
  auto parsed = tracker::parse_command_line(argc, argv);
  if (!parsed.options) return parsed.exit_code;
  return tracker::run_agent(*parsed.options);
}
