#include "enrich/machined_client.h"

#include <systemd/sd-bus.h>

#include <cerrno>
#include <cstring>
#include <functional>
#include <utility>

namespace tracker {
namespace {

constexpr const char* kService = "org.freedesktop.machine1";
constexpr const char* kManagerPath = "/org/freedesktop/machine1";
constexpr const char* kManagerInterface = "org.freedesktop.machine1.Manager";
constexpr const char* kMachineInterface = "org.freedesktop.machine1.Machine";
constexpr const char* kNoSuchMachine = "org.freedesktop.machine1.NoSuchMachine";
constexpr const char* kNoMachineForPid = "org.freedesktop.machine1.NoMachineForPID";
constexpr std::size_t kMachineIdBytes = 16;
constexpr const char* kLabelPrefix = "org.freedesktop.machine1.";

// sd-bus objects released on every path.
struct Message {
  sd_bus_message* get = nullptr;
  ~Message() { sd_bus_message_unref(get); }
};
struct Error {
  sd_bus_error get = SD_BUS_ERROR_NULL;
  ~Error() { sd_bus_error_free(&get); }
};

MachineLookup result(MachineLookup::Status status, std::string error = {}) {
  MachineLookup lookup;
  lookup.status = status;
  lookup.error = std::move(error);
  return lookup;
}

std::string describe(int r, const sd_bus_error& error) {
  if (sd_bus_error_is_set(&error))
    return std::string(error.name) + (error.message ? std::string(": ") + error.message : "");
  return std::strerror(-r);
}

// The connection itself is gone or was never there.
bool is_connection_error(int r) {
  return r == -ECONNRESET || r == -ENOTCONN || r == -EPIPE || r == -ECONNREFUSED || r == -ENOENT ||
         r == -ESHUTDOWN;
}

// Reads a property's value when it has the expected type; skips it otherwise, so a property
// of an unexpected type leaves the default in place rather than failing the lookup.
template <typename T>
int read_property(sd_bus_message* reply, const char* type, T* value) {
  char kind = 0;
  const char* contents = nullptr;
  int r = sd_bus_message_peek_type(reply, &kind, &contents);
  if (r < 0) return r;
  if (kind != SD_BUS_TYPE_VARIANT || !contents || std::strcmp(contents, type) != 0)
    return sd_bus_message_skip(reply, "v");
  return sd_bus_message_read(reply, "v", type, value);
}

int read_string_property(sd_bus_message* reply, std::string& value) {
  const char* text = nullptr;
  int r = read_property(reply, "s", &text);
  if (r >= 0 && text) value = text;
  return r;
}

// The 128-bit machine id as machinectl prints it; all zero means "none".
int read_id_property(sd_bus_message* reply, std::string& value) {
  char kind = 0;
  const char* contents = nullptr;
  int r = sd_bus_message_peek_type(reply, &kind, &contents);
  if (r < 0) return r;
  if (kind != SD_BUS_TYPE_VARIANT || !contents || std::strcmp(contents, "ay") != 0)
    return sd_bus_message_skip(reply, "v");
  if ((r = sd_bus_message_enter_container(reply, SD_BUS_TYPE_VARIANT, "ay")) < 0) return r;
  const void* bytes = nullptr;
  std::size_t size = 0;
  if ((r = sd_bus_message_read_array(reply, 'y', &bytes, &size)) < 0) return r;
  static constexpr char kHex[] = "0123456789abcdef";
  std::string hex;
  bool any = false;
  for (std::size_t i = 0; i < size && size == kMachineIdBytes; ++i) {
    auto byte = static_cast<const unsigned char*>(bytes)[i];
    any |= byte != 0;
    hex += kHex[byte >> 4];
    hex += kHex[byte & 0xf];
  }
  value = any ? hex : std::string();
  return sd_bus_message_exit_container(reply);
}

int read_machine_properties(sd_bus_message* reply, MachineInfo& machine) {
  int r = sd_bus_message_enter_container(reply, SD_BUS_TYPE_ARRAY, "{sv}");
  if (r < 0) return r;
  while ((r = sd_bus_message_enter_container(reply, SD_BUS_TYPE_DICT_ENTRY, "sv")) > 0) {
    const char* key = nullptr;
    if ((r = sd_bus_message_read(reply, "s", &key)) < 0) return r;
    std::string_view name = key;
    if (name == "Name") {
      r = read_string_property(reply, machine.name);
    } else if (name == "Class") {
      r = read_string_property(reply, machine.machine_class);
    } else if (name == "Service") {
      r = read_string_property(reply, machine.service);
    } else if (name == "RootDirectory") {
      r = read_string_property(reply, machine.root_directory);
    } else if (name == "Unit") {
      r = read_string_property(reply, machine.unit);
    } else if (name == "Id") {
      r = read_id_property(reply, machine.id);
    } else if (name == "Leader") {
      r = read_property(reply, "u", &machine.leader);
    } else if (name == "Timestamp") {
      r = read_property(reply, "t", &machine.timestamp_us);
    } else {
      r = sd_bus_message_skip(reply, "v");
    }
    if (r < 0) return r;
    if ((r = sd_bus_message_exit_container(reply)) < 0) return r;
  }
  if (r < 0) return r;
  return sd_bus_message_exit_container(reply);
}

std::uint64_t timeout_us(const Deadline& deadline) {
  return static_cast<std::uint64_t>(deadline.remaining().count()) * 1000;
}

}  // namespace

std::string_view to_string(MachineLookup::Status status) {
  switch (status) {
    case MachineLookup::Status::found:
      return "found";
    case MachineLookup::Status::not_found:
      return "not found";
    case MachineLookup::Status::unavailable:
      return "unavailable";
    case MachineLookup::Status::failed:
      break;
  }
  return "failed";
}

MachinedClient::MachinedClient(std::string address) : address_(std::move(address)) {}

MachinedClient::~MachinedClient() {
  disconnect();
}

void MachinedClient::disconnect() {
  bus_ = sd_bus_flush_close_unref(bus_);
}

MachineLookup MachinedClient::connect(const Deadline& deadline) {
  if (bus_ && sd_bus_is_open(bus_) > 0) return result(MachineLookup::Status::found);
  disconnect();
  if (deadline.expired()) return result(MachineLookup::Status::failed, "timed out");
  sd_bus* bus = nullptr;
  int r = 0;
  if (address_.empty()) {
    r = sd_bus_open_system(&bus);
  } else if ((r = sd_bus_new(&bus)) >= 0 && (r = sd_bus_set_address(bus, address_.c_str())) >= 0 &&
             (r = sd_bus_set_bus_client(bus, 1)) >= 0) {
    r = sd_bus_start(bus);
  }
  if (r < 0) {
    sd_bus_flush_close_unref(bus);
    return result(MachineLookup::Status::unavailable,
                  "no bus at " + (address_.empty() ? std::string("the system bus") : address_) +
                      ": " + std::strerror(-r));
  }
  bus_ = bus;
  return result(MachineLookup::Status::found);
}

MachineLookup MachinedClient::by_name(std::string_view name, const Deadline& deadline) {
  std::string text(name);
  return ask("GetMachine", deadline,
             [&](sd_bus_message* call) { return sd_bus_message_append(call, "s", text.c_str()); });
}

MachineLookup MachinedClient::by_pid(pid_t pid, const Deadline& deadline) {
  return ask("GetMachineByPID", deadline, [&](sd_bus_message* call) {
    return sd_bus_message_append(call, "u", static_cast<std::uint32_t>(pid));
  });
}

MachineLookup MachinedClient::ask(const char* method, const Deadline& deadline,
                                  const std::function<int(sd_bus_message*)>& append) {
  if (auto connected = connect(deadline); connected.status != MachineLookup::Status::found)
    return connected;
  Message call, reply;
  Error error;
  int r = sd_bus_message_new_method_call(bus_, &call.get, kService, kManagerPath, kManagerInterface,
                                         method);
  if (r >= 0) r = append(call.get);
  if (r >= 0) r = deadline.expired() ? -ETIMEDOUT : 0;
  if (r >= 0) r = sd_bus_call(bus_, call.get, timeout_us(deadline), &error.get, &reply.get);
  const char* path = nullptr;
  if (r >= 0) r = sd_bus_message_read(reply.get, "o", &path);
  if (r >= 0) return read_machine(path, deadline);

  if (sd_bus_error_has_name(&error.get, kNoSuchMachine) ||
      sd_bus_error_has_name(&error.get, kNoMachineForPid))
    return result(MachineLookup::Status::not_found, describe(r, error.get));
  // The bus runs, machined does not (and is not activatable there).
  if (sd_bus_error_has_name(&error.get, SD_BUS_ERROR_SERVICE_UNKNOWN) ||
      sd_bus_error_has_name(&error.get, SD_BUS_ERROR_NAME_HAS_NO_OWNER))
    return result(MachineLookup::Status::unavailable, describe(r, error.get));
  if (is_connection_error(r)) {
    disconnect();
    return result(MachineLookup::Status::unavailable, describe(r, error.get));
  }
  return result(MachineLookup::Status::failed, describe(r, error.get));
}

MachineLookup MachinedClient::read_machine(const char* object_path, const Deadline& deadline) {
  Message call, reply;
  Error error;
  int r = sd_bus_message_new_method_call(bus_, &call.get, kService, object_path,
                                         "org.freedesktop.DBus.Properties", "GetAll");
  if (r >= 0) r = sd_bus_message_append(call.get, "s", kMachineInterface);
  if (r >= 0) r = deadline.expired() ? -ETIMEDOUT : 0;
  if (r >= 0) r = sd_bus_call(bus_, call.get, timeout_us(deadline), &error.get, &reply.get);
  MachineLookup lookup = result(MachineLookup::Status::found);
  if (r >= 0) r = read_machine_properties(reply.get, lookup.machine);
  if (r < 0) {
    // The machine went away between the two calls.
    if (sd_bus_error_has_name(&error.get, SD_BUS_ERROR_UNKNOWN_OBJECT) ||
        sd_bus_error_has_name(&error.get, kNoSuchMachine))
      return result(MachineLookup::Status::not_found, describe(r, error.get));
    if (is_connection_error(r)) disconnect();
    return result(MachineLookup::Status::failed, describe(r, error.get));
  }
  return lookup;
}

void fill_container_info(const MachineInfo& machine, ContainerInfo& info) {
  if (!machine.name.empty()) info.name = machine.name;
  if (machine.leader != 0) info.init_pid = static_cast<std::int32_t>(machine.leader);
  if (machine.timestamp_us != 0)
    info.created_ns = static_cast<std::int64_t>(machine.timestamp_us) * 1000;
  auto label = [&](const char* property, const std::string& value) {
    if (!value.empty()) info.labels[std::string(kLabelPrefix) + property] = value;
  };
  label("Class", machine.machine_class);
  label("Service", machine.service);
  label("RootDirectory", machine.root_directory);
  label("Id", machine.id);
  label("Unit", machine.unit);
}

}  // namespace tracker
