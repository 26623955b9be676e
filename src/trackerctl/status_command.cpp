#include <fmt/format.h>

#include "service/dbus_names.h"
#include "trackerctl/commands.h"
#include "trackerctl/exit_codes.h"
#include "util/text.h"

namespace tracker::ctl {

int status_command(Context& context) {
  auto& manager = context.client.manager();
  auto all = context.client.invoke("GetAll",
                                   [&] { return manager.GetAll(dbus_names::kManagerInterface); });
  // The runtimes need the inspect authorization; the rest is public.
  std::optional<ManagerProxy::RuntimeList> runtimes;
  std::string runtimes_error;
  try {
    runtimes = context.client.invoke("ListRuntimes", [&] { return manager.ListRuntimes(); });
  } catch (const CommandError& error) {
    if (error.exit_code() != kExitAccessDenied) throw;
    runtimes_error = error.what();
  }

  auto version = property<std::string>(all, "Version");
  auto enrichment = property<bool>(all, "EnrichmentEnabled");
  auto count = property<uint32_t>(all, "ContainerCount");
  auto lost = property<uint64_t>(all, "EventsLost");
  // tracker's own counters (Manager properties; trackerctl metrics has them all).
  auto counter = [&](const char* name) { return property<uint64_t>(all, name); };
  struct Counter {
    const char* property;
    const char* json;
  };
  static constexpr Counter kCounters[] = {
      {"CgroupEventsLost", "cgroupEventsLost"},
      {"ProcessEventsLost", "processEventsLost"},
      {"EventsHeld", "eventsHeld"},
      {"EventsReleasedEarly", "eventsReleasedEarly"},
      {"Reconciles", "reconciles"},
      {"LookalikeCgroups", "lookalikeCgroups"},
      {"StateMapFailures", "stateMapFailures"},
      {"DeniedCalls", "deniedCalls"},
  };
  if (context.output.json) {
    Json::Value root;
    root["version"] = version;
    root["enrichmentEnabled"] = enrichment;
    root["containerCount"] = Json::UInt(count);
    root["eventsLost"] = Json::UInt64(lost);
    for (const auto& c : kCounters) root[c.json] = Json::UInt64(counter(c.property));
    if (runtimes) {
      Json::Value list(Json::arrayValue);
      for (const auto& r : *runtimes) {
        Json::Value item;
        item["runtime"] = r.get<0>();
        item["socket"] = r.get<1>();
        item["up"] = r.get<3>();
        list.append(item);
      }
      root["runtimes"] = list;
    } else {
      root["runtimes"] = Json::nullValue;
    }
    print_json(root);
    return 0;
  }

  Pager pager(context.output.pager);
  fmt::print("{:>12}: {}\n", "Version", escape_for_display(version));
  fmt::print("{:>12}: {}\n", "Enrichment", enrichment ? "enabled" : "disabled");
  fmt::print("{:>12}: {}\n", "Containers", count);
  fmt::print("{:>12}: {} (cgroup: {}, process: {})\n", "Events lost", lost,
             counter("CgroupEventsLost"), counter("ProcessEventsLost"));
  fmt::print("{:>12}: {} (released early: {})\n", "Events held", counter("EventsHeld"),
             counter("EventsReleasedEarly"));
  fmt::print("{:>12}: {}\n", "Reconciles", counter("Reconciles"));
  fmt::print("{:>12}: {}\n", "Look-alikes", counter("LookalikeCgroups"));
  fmt::print("{:>12}: {}\n", "Map failures", counter("StateMapFailures"));
  fmt::print("{:>12}: {}\n", "Denied calls", counter("DeniedCalls"));
  if (!runtimes) {
    fmt::print("{:>12}: unknown ({})\n", "Runtimes", escape_for_display(runtimes_error));
    return 0;
  }
  const char* label = "Runtimes";
  for (const auto& r : *runtimes) {
    auto state = r.get<3>() ? "up" : r.get<4>().empty() ? "down" : "down, " + r.get<4>();
    fmt::print("{:>12}{} {} ({}): {}\n", label, *label ? ":" : " ", escape_for_display(r.get<0>()),
               escape_for_display(r.get<1>()), escape_for_display(state));
    label = "";
  }
  if (runtimes->empty()) fmt::print("{:>12}: none\n", "Runtimes");
  return 0;
}

}  // namespace tracker::ctl
