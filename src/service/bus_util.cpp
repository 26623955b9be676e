#include "service/bus_util.h"

#include <systemd/sd-bus.h>

#include <sdbus-c++/IConnection.h>
#include <sdbus-c++/IObject.h>
#include <sdbus-c++/Message.h>

namespace tracker {
namespace {

// A pointer to the protected member, formed inside a derived class: the
// standard way to read it without undefined behaviour.
struct MessageAccess : sdbus::Message {
  static void* sdbus::Message::*handle() { return &MessageAccess::msg_; }
};

}  // namespace

sd_bus_message* raw_message(const sdbus::Message& message) {
  return static_cast<sd_bus_message*>(message.*MessageAccess::handle());
}

sd_bus* raw_bus(sdbus::IConnection& connection) {
  // Any message built on the connection knows its bus; nothing is sent.
  auto object = sdbus::createObject(connection, "/");
  auto signal = object->createSignal("org.khulnasoft.Tracker1.Internal", "Probe");
  return sd_bus_message_get_bus(raw_message(signal));
}

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

}  // namespace tracker
