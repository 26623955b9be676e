#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "service/backend.h"
#include "service/container_object.h"
#include "service/object_context.h"
#include "service/sd_bus_handles.h"

namespace tracker {

// The objects /org/khulnasoft/Tracker1/container/<id>, served from the
// backend when asked rather than registered one by one: an sd-bus fallback
// vtable whose getters read the backend, and a node enumerator that lists
// the exported containers (for introspection and the ObjectManager). Per
// container it keeps only what announcing changes needs: a hash of each
// property that announces its changes, and a bound of its size in a
// GetManagedObjects reply.
class ContainerObjects {
 public:
  // Refuses GetManagedObjects when its reply would exceed `max_reply_bytes`
  // (a bus daemon drops the connection of a peer sending a larger message).
  ContainerObjects(ObjectContext& context, std::size_t max_reply_bytes);
  ~ContainerObjects();
  ContainerObjects(const ContainerObjects&) = delete;
  ContainerObjects& operator=(const ContainerObjects&) = delete;

  // How far the runtimes' answer got, as ContainerEnriched counts it.
  enum class Outcome : std::uint8_t { none, answered, failed };
  // What was last announced of a container.
  struct Told {
    bool exited = false;
    Outcome outcome = Outcome::none;
  };

  bool contains(const std::string& id) const { return exported_.count(id) > 0; }
  std::size_t size() const { return exported_.size(); }
  std::optional<Told> told(const std::string& id) const;

  // Exports a container not exported yet (nothing is announced); false if it was.
  bool add(const ContainerSnapshot& container);
  // ObjectManager.InterfacesAdded, with the constant properties only.
  void announce(const ContainerSnapshot& container);
  // Takes the new state of an exported container and sends PropertiesChanged
  // (invalidations) for what differs; returns the names of those properties.
  std::vector<std::string> update(const ContainerSnapshot& container);
  // InterfacesRemoved, and the object is gone.
  void remove(const std::string& id);

  static Outcome outcome_of(const std::string& enrichment);

 private:
  struct Exported {
    std::vector<std::uint64_t> hashes;  // of the properties that announce changes, in table order
    std::uint32_t reply_bytes = 0;      // at most, in a GetManagedObjects reply
    Told told;
  };
  Exported describe(const ContainerSnapshot& container) const;
  bool may_read(sd_bus_message* call, sd_bus_error* error);

  static int find(sd_bus* bus, const char* path, const char* interface, void* userdata,
                  void** found, sd_bus_error* error);
  static int get(sd_bus* bus, const char* path, const char* interface, const char* property,
                 sd_bus_message* reply, void* userdata, sd_bus_error* error);
  static int enumerate(sd_bus* bus, const char* prefix, void* userdata, char*** nodes,
                       sd_bus_error* error);

  ObjectContext& context_;
  std::size_t max_reply_bytes_;
  std::unordered_map<std::string, Exported> exported_;
  std::uint64_t reply_bytes_ = 0;  // of every exported container
  // The container being read in the current dispatch (set by find()).
  std::optional<ContainerSnapshot> snapshot_;
  std::optional<ContainerReading> reading_;
  // The last caller checked, by sender and cookie: a GetManagedObjects reads
  // every property of every container for one call.
  struct ReadCheck {
    std::string sender;
    std::uint64_t cookie = 0;
    bool allowed = false;
  } read_check_;
  std::vector<sd_bus_vtable> vtable_;
  SlotPtr vtable_slot_;
  SlotPtr enumerator_slot_;
};

}  // namespace tracker
