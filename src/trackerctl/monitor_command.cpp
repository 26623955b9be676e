#include <csignal>
#include <cstdio>
#include <set>

#include <fmt/format.h>

#include "service/bus_driver.h"
#include "trackerctl/commands.h"
#include "trackerctl/container_view.h"
#include "trackerctl/exit_codes.h"
#include "util/event_loop.h"
#include "util/text.h"

namespace tracker::ctl {
namespace {

struct Event {
  const char* kind;  // added, removed, enriched
  std::string id;
  std::string path;
  PropertyMap properties;  // empty when unknown (removed, or not authorized)
};

void print_json_event(const Event& event) {
  Json::Value root;
  root["event"] = event.kind;
  root["timestamp"] = Json::UInt64(now_usec());
  root["id"] = event.id;
  root["objectPath"] = event.path;
  if (!event.properties.empty()) {
    root["name"] = property<std::string>(event.properties, "Name");
    root["image"] = property<std::string>(event.properties, "Image");
    root["runtime"] = property<std::string>(event.properties, "Runtime");
    root["enrichment"] = property<std::string>(event.properties, "Enrichment");
    root["podName"] = property<std::string>(event.properties, "PodName");
    root["podNamespace"] = property<std::string>(event.properties, "PodNamespace");
  }
  print_json(root, true);
}

void print_text_event(const Event& event) {
  time_t seconds = static_cast<time_t>(now_usec() / 1'000'000);
  struct tm local {};
  localtime_r(&seconds, &local);
  char clock[16];
  strftime(clock, sizeof(clock), "%H:%M:%S", &local);
  std::string details;
  if (!event.properties.empty()) {
    auto name = property<std::string>(event.properties, "Name");
    auto image = property<std::string>(event.properties, "Image");
    details = fmt::format(" {} {} {}",
                          escape_for_display(property<std::string>(event.properties, "Runtime")),
                          name.empty() ? "-" : escape_for_display(name),
                          image.empty() ? "-" : escape_for_display(image));
  }
  fmt::print("{} {:<8} {}{}\n", clock, event.kind, escape_for_display(short_id(event.id)), details);
  std::fflush(stdout);
}

// Which containers' events a filtered monitor prints. A container is judged
// on what is known at each of its events (an added one may match only once
// enriched); its removal is printed when an earlier event of it matched,
// or it matched when the monitor started.
class Selection {
 public:
  explicit Selection(const ContainerFilter& filter) : filter_(filter) {}
  bool active() const { return !filter_.empty(); }
  bool judge(const std::string& id, const PropertyMap& properties) {
    bool match = matches(filter_, facts_of(properties));
    if (match) matched_.insert(id);
    return match;
  }
  bool matched(const std::string& id) const { return matched_.count(id) > 0; }
  bool forget(const std::string& id) { return matched_.erase(id) > 0; }

 private:
  const ContainerFilter& filter_;
  std::set<std::string> matched_;
};

}  // namespace

int monitor_command(Context& context, const ContainerFilter& filter) {
  auto& client = context.client;
  auto& manager = client.manager();
  // Fails early, with exit code 5, when tracker is not running.
  auto version = client.invoke("Get", [&] { return manager.Version(); });
  Selection selection(filter);
  if (selection.active()) {
    // Filters read properties, which needs the inspect authorization: fail
    // now rather than print nothing.
    client.invoke("ListContainers", [&] { return manager.ListContainers(); });
    for (const auto& [path, properties] : client.all_container_properties())
      selection.judge(property<std::string>(properties, "Id"), properties);
  }

  EventLoop loop;
  int exit_code = kExitOk;
  auto report = [&](const char* kind, const std::string& id, const sdbus::ObjectPath& path) {
    Event event{kind, id, path, {}};
    bool removed = std::string_view(kind) == "removed";
    if (!removed) {
      // Details are best effort: the container may be gone already, or the
      // caller not authorized to read it.
      try {
        event.properties = client.container_properties(path);
      } catch (const CommandError&) {
      }
    }
    if (selection.active()) {
      bool shown = removed                    ? selection.forget(id)
                   : event.properties.empty() ? selection.matched(id)
                                              : selection.judge(id, event.properties);
      if (!shown) return;
    }
    if (context.output.json)
      print_json_event(event);
    else
      print_text_event(event);
  };
  manager.on_added = [&](const auto& id, const auto& path) { report("added", id, path); };
  manager.on_removed = [&](const auto& id, const auto& path) { report("removed", id, path); };
  manager.on_enriched = [&](const auto& id, const auto& path) { report("enriched", id, path); };
  client.invoke("AddMatch", [&] { manager.follow_signals(); });

  BusDriver driver(loop, client.connection(), [&](const std::string& why) {
    fmt::print(stderr, "Lost the connection to the system bus: {}\n", escape_for_display(why));
    exit_code = kExitNotRunning;
    loop.stop();
  });
  loop.on_signal(SIGINT, [&] { loop.stop(); });
  loop.on_signal(SIGTERM, [&] { loop.stop(); });
  fmt::print(stderr, "Monitoring the containers of tracker {}; press Ctrl-C to stop.\n",
             escape_for_display(version));
  loop.run();
  return exit_code;
}

}  // namespace tracker::ctl
