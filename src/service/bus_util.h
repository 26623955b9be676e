#pragma once

#include <sys/types.h>
#include <string>

struct sd_bus;
struct sd_bus_message;

namespace sdbus {
class IConnection;
class Message;
}  // namespace sdbus

namespace tracker {

// sdbus-c++ 1.2 hides the sd-bus objects it wraps; these reach them for what
// it does not offer (message flags, the message being dispatched).
sd_bus_message* raw_message(const sdbus::Message& message);
sd_bus* raw_bus(sdbus::IConnection& connection);

// Who sent the message sd-bus is dispatching right now (a method call, or the
// Get/GetAll/GetManagedObjects behind a property getter).
struct Caller {
  std::string sender;        // unique name, e.g. ":1.42"; empty outside a dispatch
  bool interactive = false;  // the allow-interactive-authorization flag
  sd_bus_message* message = nullptr;
};
Caller current_caller(sd_bus* bus);

// The caller's effective uid, asked from the bus (a quick, synchronous call to
// the bus daemon, as systemd does); -1 when unknown.
uid_t sender_uid(sd_bus_message* message);

}  // namespace tracker
