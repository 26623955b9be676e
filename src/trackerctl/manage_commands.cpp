#include <fmt/format.h>

#include "service/dbus_names.h"
#include "trackerctl/commands.h"

namespace tracker::ctl {

int reload_command(Context& context) {
  context.client.invoke("Reload", [&] { context.client.manager().Reload(); });
  if (context.output.json) {
    Json::Value root;
    root["reloaded"] = true;
    print_json(root);
  }
  return 0;
}

int enrichment_command(Context& context, std::optional<bool> enable) {
  auto& manager = context.client.manager();
  if (enable) context.client.invoke("SetEnrichment", [&] { manager.SetEnrichment(*enable); });
  bool enabled = context.client.invoke("Get", [&] { return manager.EnrichmentEnabled(); });
  if (context.output.json) {
    Json::Value root;
    root["enrichmentEnabled"] = enabled;
    print_json(root);
  } else if (!enable) {
    fmt::print("{}\n", enabled ? "on" : "off");
  }
  return 0;
}

}  // namespace tracker::ctl
