#include <csignal>
#include <cstdio>

#include <fmt/format.h>

#include "service/bus_driver.h"
#include "trackerctl/commands.h"
#include "trackerctl/exit_codes.h"
#include "util/event_loop.h"

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
    details = fmt::format(" {} {} {}", property<std::string>(event.properties, "Runtime"),
                          name.empty() ? "-" : name, image.empty() ? "-" : image);
  }
  fmt::print("{} {:<8} {}{}\n", clock, event.kind, short_id(event.id), details);
  std::fflush(stdout);
}

}  // namespace

int monitor_command(Context& context) {
  auto& client = context.client;
  auto& manager = client.manager();
  // Fails early, with exit code 5, when tracker is not running.
  auto version = client.invoke("Get", [&] { return manager.Version(); });

  EventLoop loop;
  int exit_code = kExitOk;
  auto report = [&](const char* kind, const std::string& id, const sdbus::ObjectPath& path) {
    Event event{kind, id, path, {}};
    if (std::string_view(kind) != "removed") {
      // Details are best effort: the container may be gone already, or the
      // caller not authorized to read it.
      try {
        event.properties = client.container_properties(path);
      } catch (const CommandError&) {
      }
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
    fmt::print(stderr, "Lost the connection to the system bus: {}\n", why);
    exit_code = kExitNotRunning;
    loop.stop();
  });
  loop.on_signal(SIGINT, [&] { loop.stop(); });
  loop.on_signal(SIGTERM, [&] { loop.stop(); });
  fmt::print(stderr, "Monitoring the containers of tracker {}; press Ctrl-C to stop.\n", version);
  loop.run();
  return exit_code;
}

}  // namespace tracker::ctl
