#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "trackerctl/client.h"
#include "trackerctl/filter.h"
#include "trackerctl/output.h"

namespace tracker::ctl {

struct Context {
  Client& client;
  OutputOptions output;
};

// One function per subcommand, one file each; they return an exit code or
// throw CommandError.
int containers_command(Context& context, bool all, const ContainerFilter& filter);
int container_command(Context& context, const std::string& id);
int pid_command(Context& context, const std::vector<std::uint32_t>& pids);
int runtimes_command(Context& context);
int monitor_command(Context& context, const ContainerFilter& filter);
int status_command(Context& context);
int metrics_command(Context& context);
int reload_command(Context& context);
int enrichment_command(Context& context, std::optional<bool> enable);

// "running" (existing, or its first process exec'd) or "created".
std::string container_state(const std::string& origin, bool started);

}  // namespace tracker::ctl
