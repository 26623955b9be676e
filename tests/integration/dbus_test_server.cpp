// A stand-in for the daemon on the bus: DbusService over the fake backend.
//
//   dbus_test_server [--address ADDRESS] [--ask-polkit-for-root]
//
// Owns org.khulnasoft.Tracker1 on the system bus (or ADDRESS), prints "READY"
// once it does, and reads commands from stdin, one a line:
//   add ID NAME | enrich ID | remove ID | lost N
// It exits on SIGTERM, SIGINT or end of input.

#include <unistd.h>

#include <csignal>
#include <cstdio>
#include <cstring>
#include <sstream>
#include <string>

#include "service/dbus_service.h"
#include "tests/unit/service_fake_backend.h"
#include "util/event_loop.h"

using namespace tracker;
using tracker::testing::FakeBackend;

namespace {

void run_command(const std::string& line, FakeBackend& backend, DbusService& service) {
  std::istringstream words(line);
  std::string verb, id, name;
  words >> verb >> id >> name;
  if (verb == "add") {
    auto container = testing::pending_container(id);
    container.name = name;
    backend.put(container);
    service.container_added(container);
  } else if (verb == "enrich" && backend.containers_.count(id)) {
    auto container = backend.containers_.at(id);
    container.enrichment = "done";
    container.image = "localhost/test:latest";
    backend.put(container);
    service.container_changed(container);
  } else if (verb == "remove" && backend.containers_.count(id)) {
    auto container = backend.containers_.at(id);
    backend.erase(id);
    service.container_removed(container);
  } else if (verb == "lost") {
    backend.events_lost_ += std::stoull(id);
    service.manager_changed();
  } else {
    std::fprintf(stderr, "dbus_test_server: cannot do \"%s\"\n", line.c_str());
  }
}

}  // namespace

int main(int argc, char** argv) {
  std::string address;
  DbusServiceOptions options;
  for (int i = 1; i < argc; ++i) {
    if (!std::strcmp(argv[i], "--address") && i + 1 < argc)
      address = argv[++i];
    else if (!std::strcmp(argv[i], "--ask-polkit-for-root"))
      options.authorization.privileged_uid.reset();
  }

  EventLoop loop;
  FakeBackend backend;
  testing::fill_sample(backend);
  auto bus = open_bus(address);
  if (!bus.connection) {
    std::fprintf(stderr, "dbus_test_server: %s\n", bus.error.c_str());
    return 1;
  }
  options.on_disconnect = [&loop](const std::string&) { loop.stop(); };
  DbusService service(loop, std::move(bus.connection), backend, options);
  if (auto error = service.start(); !error.empty()) {
    std::fprintf(stderr, "dbus_test_server: %s\n", error.c_str());
    return 1;
  }

  std::string pending;
  loop.watch(STDIN_FILENO, [&] {
    char buffer[4096];
    ssize_t n = read(STDIN_FILENO, buffer, sizeof(buffer));
    if (n <= 0) {
      loop.unwatch(STDIN_FILENO);
      loop.stop();
      return;
    }
    pending.append(buffer, static_cast<std::size_t>(n));
    for (auto end = pending.find('\n'); end != std::string::npos; end = pending.find('\n')) {
      run_command(pending.substr(0, end), backend, service);
      pending.erase(0, end + 1);
    }
  });
  loop.on_signal(SIGTERM, [&] { loop.stop(); });
  loop.on_signal(SIGINT, [&] { loop.stop(); });
  std::printf("READY\n");
  std::fflush(stdout);
  loop.run();
  return 0;
}
