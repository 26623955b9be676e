#include "service/bus_util.h"

#include "util/log.h"

namespace tracker {

Caller current_caller(sd_bus* bus) {
  Caller caller;
  caller.message = bus ? sd_bus_get_current_message(bus) : nullptr;
  if (!caller.message) return caller;
  if (const char* sender = sd_bus_message_get_sender(caller.message)) caller.sender = sender;
  caller.interactive = sd_bus_message_get_allow_interactive_authorization(caller.message) > 0;
  return caller;
}

uid_t sender_uid(sd_bus_message* message) {
  if (!message) return static_cast<uid_t>(-1);
  sd_bus_creds* creds = nullptr;
  if (sd_bus_query_sender_creds(message, SD_BUS_CREDS_EUID | SD_BUS_CREDS_AUGMENT, &creds) < 0)
    return static_cast<uid_t>(-1);
  uid_t uid = static_cast<uid_t>(-1);
  if (sd_bus_creds_get_euid(creds, &uid) < 0) uid = static_cast<uid_t>(-1);
  sd_bus_creds_unref(creds);
  return uid;
}

void PendingCalls::call(sd_bus_message* call, std::uint64_t timeout_usec, Handler handler) {
  auto entry = calls_.emplace(calls_.end());
  entry->owner = this;
  entry->self = entry;
  entry->handler = std::move(handler);
  sd_bus_slot* slot = nullptr;
  int r = sd_bus_call_async(nullptr, &slot, call, &PendingCalls::on_reply, &*entry, timeout_usec);
  if (r < 0) {
    calls_.erase(entry);
    ensure(r, "cannot send a method call");
  }
  entry->slot.reset(slot);
}

int PendingCalls::on_reply(sd_bus_message* reply, void* userdata, sd_bus_error*) {
  auto* call = static_cast<Call*>(userdata);
  auto handler = std::move(call->handler);
  // sd-bus holds the slot until this returns: dropping ours here is safe.
  call->owner->calls_.erase(call->self);
  try {
    handler(reply);
  } catch (const std::exception& error) {
    log(LogLevel::error, "dbus", "a reply handler failed: {}", error.what());
  }
  return 0;
}

}  // namespace tracker
