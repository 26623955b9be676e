#pragma once

#include <sys/types.h>

#include <cstdint>
#include <functional>
#include <list>
#include <string>

#include "service/sd_bus_handles.h"

namespace tracker {

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

// Method calls awaiting their reply, each with the handler that takes it (a
// method return or an error, including sd-bus's own timeout). Handlers run on
// the thread that processes the bus. Destroying this cancels the calls still
// waiting: their handlers are dropped unrun.
class PendingCalls {
 public:
  using Handler = std::function<void(sd_bus_message* reply)>;

  PendingCalls() = default;
  PendingCalls(const PendingCalls&) = delete;
  PendingCalls& operator=(const PendingCalls&) = delete;

  // Sends `call`; throws BusError when it cannot be sent.
  void call(sd_bus_message* call, std::uint64_t timeout_usec, Handler handler);
  std::size_t size() const { return calls_.size(); }

 private:
  struct Call {
    PendingCalls* owner = nullptr;
    std::list<Call>::iterator self;
    SlotPtr slot;
    Handler handler;
  };
  static int on_reply(sd_bus_message* reply, void* userdata, sd_bus_error* error);

  std::list<Call> calls_;
};

}  // namespace tracker
