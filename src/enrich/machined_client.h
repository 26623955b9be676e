// systemd-machined's view of a machine (org.freedesktop.machine1), read with
// sd-bus: what nspawn, libvirt-LXC and LXC containers' cgroup paths do not say.
// machined is optional; without it a lookup is "unavailable" and the path is enough.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "enrich/container_info.h"
#include "enrich/deadline.h"

struct sd_bus;
struct sd_bus_message;

namespace tracker {

// The org.freedesktop.machine1.Machine properties tracker uses.
struct MachineInfo {
  std::string name;                // Name
  std::string machine_class;       // Class: "container" or "vm"
  std::string service;             // Service: who registered it ("systemd-nspawn", "libvirt-lxc")
  std::string root_directory;      // RootDirectory, "" when unknown
  std::string id;                  // Id: 32 lower-case hex digits, "" when the machine has none
  std::string unit;                // Unit: its scope or service
  std::uint32_t leader = 0;        // Leader: the PID of its first process
  std::uint64_t timestamp_us = 0;  // Timestamp: when it was registered, µs since the epoch

  bool operator==(const MachineInfo&) const = default;
};

struct MachineLookup {
  enum class Status {
    found,
    not_found,    // machined knows no such machine (or no machine holds that PID)
    unavailable,  // no bus, or machined does not run there
    failed,       // the deadline passed, or the bus or machined answered with an error
  };
  Status status = Status::failed;
  MachineInfo machine;  // when found
  std::string error;    // what went wrong, for the log
};

std::string_view to_string(MachineLookup::Status status);

// Looks machines up on one bus connection, blocking until an answer or the
// deadline. Meant for one worker thread: not thread-safe, and never on the
// event loop. Connects on first use and again after the connection broke.
class MachinedClient {
 public:
  // `address`: a D-Bus address ("unix:path=..."); empty for the system bus
  // ($DBUS_SYSTEM_BUS_ADDRESS, else /run/dbus/system_bus_socket).
  explicit MachinedClient(std::string address = {});
  ~MachinedClient();
  MachinedClient(const MachinedClient&) = delete;
  MachinedClient& operator=(const MachinedClient&) = delete;

  // Manager.GetMachine: by the name a cgroup path gives (ContainerRef::id).
  MachineLookup by_name(std::string_view name, const Deadline& deadline);
  // Manager.GetMachineByPID: the machine a process of the container runs in.
  MachineLookup by_pid(pid_t pid, const Deadline& deadline);

 private:
  MachineLookup connect(const Deadline& deadline);
  // Calls a Manager method that answers with a machine's object path, then reads the machine.
  MachineLookup ask(const char* method, const Deadline& deadline,
                    const std::function<int(sd_bus_message*)>& append);
  MachineLookup read_machine(const char* object_path, const Deadline& deadline);
  void disconnect();

  std::string address_;
  sd_bus* bus_ = nullptr;
};

// Puts what machined knows into a container's ContainerInfo: its name,
// leader PID and creation time, and Class, Service, RootDirectory, Id and Unit
// as labels "org.freedesktop.machine1.<Property>" (ContainerInfo has no fields
// for them). Leaves what machined does not know as it was.
void fill_container_info(const MachineInfo& machine, ContainerInfo& info);

}  // namespace tracker
