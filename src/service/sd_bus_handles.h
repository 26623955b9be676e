#pragma once

#include <systemd/sd-bus.h>

#include <memory>
#include <stdexcept>
#include <string>

namespace tracker {

// Owning handles for sd-bus objects.
struct BusClose {
  // Writes what is queued, then closes: replies sent just before are not lost.
  void operator()(sd_bus* bus) const { sd_bus_flush_close_unref(bus); }
};
using BusPtr = std::unique_ptr<sd_bus, BusClose>;

struct MessageUnref {
  void operator()(sd_bus_message* message) const { sd_bus_message_unref(message); }
};
using MessagePtr = std::unique_ptr<sd_bus_message, MessageUnref>;

// Dropping a slot unregisters what it holds (a vtable, an enumerator, a call
// awaiting its reply).
struct SlotUnref {
  void operator()(sd_bus_slot* slot) const { sd_bus_slot_unref(slot); }
};
using SlotPtr = std::unique_ptr<sd_bus_slot, SlotUnref>;

// A D-Bus error to answer a call with: thrown inside tracker's handlers and
// caught at their edge, never across sd-bus.
class BusError : public std::runtime_error {
 public:
  BusError(std::string name, const std::string& message)
      : std::runtime_error(message), name_(std::move(name)) {}
  const std::string& name() const { return name_; }

 private:
  std::string name_;
};

// Throws org.freedesktop.DBus.Error.Failed naming `what` when r < 0; returns r.
int ensure(int r, const char* what);

// A method call to `destination`, to fill and send (PendingCalls::call).
MessagePtr new_method_call(sd_bus* bus, const char* destination, const char* path,
                           const char* interface, const char* member);

}  // namespace tracker
