#include <fmt/format.h>

#include "trackerctl/commands.h"

namespace tracker::ctl {

// The daemon's text as it is: Prometheus' format is meant for scripts
// (promtool, grep), and [Metrics] Path= holds the same text.
int metrics_command(Context& context) {
  auto text =
      context.client.invoke("GetMetrics", [&] { return context.client.manager().GetMetrics(); });
  if (context.output.json) {
    Json::Value root;
    root["metrics"] = text;
    print_json(root);
    return 0;
  }
  Pager pager(context.output.pager);
  fmt::print("{}", text);
  return 0;
}

}  // namespace tracker::ctl
