#include "service/sd_bus_handles.h"

#include <cstring>

#include <fmt/format.h>

#include "service/dbus_names.h"

namespace tracker {

int ensure(int r, const char* what) {
  if (r < 0)
    throw BusError(dbus_names::kErrorFailed, fmt::format("{}: {}", what, std::strerror(-r)));
  return r;
}

MessagePtr new_method_call(sd_bus* bus, const char* destination, const char* path,
                           const char* interface, const char* member) {
  sd_bus_message* message = nullptr;
  ensure(sd_bus_message_new_method_call(bus, &message, destination, path, interface, member),
         "cannot make a method call");
  return MessagePtr(message);
}

}  // namespace tracker
