#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "service/backend.h"
#include "service/container_objects.h"
#include "service/object_context.h"
#include "service/property_rows.h"
#include "service/sd_bus_handles.h"

namespace tracker {

// /org/khulnasoft/Tracker1: the Manager interface and the ObjectManager of the
// container objects. Every method is asynchronous: it is answered once polkit
// has, from a later bus callback.
class ManagerObject {
 public:
  ManagerObject(ObjectContext& context, ContainerObjects& containers);
  ~ManagerObject();
  ManagerObject(const ManagerObject&) = delete;
  ManagerObject& operator=(const ManagerObject&) = delete;

  // PropertiesChanged for the properties whose value differs from the last one sent.
  void refresh();

  void emit_container_added(const std::string& id);
  void emit_container_exited(const ContainerSnapshot& container);
  void emit_container_removed(const std::string& id);
  void emit_container_enriched(const std::string& id);

  ServiceBackend& backend() { return context_.backend; }
  std::uint32_t container_count() const;
  std::uint64_t denied_calls() const { return denied_calls_; }

 private:
  // Answers `call` by `serve` (which sends the reply, or throws BusError)
  // once the caller is authorized for `action`, else with the denial.
  using Serve = std::function<void(sd_bus_message* call)>;
  int authorized(sd_bus_message* call, const char* action, Serve serve);
  std::string path_of(const ServiceBackend::FindResult& found, const std::string& what) const;
  void emit(const char* member, const char* types, const std::string& id);

  static int list_containers(sd_bus_message* call, void* userdata, sd_bus_error* error);
  static int get_container(sd_bus_message* call, void* userdata, sd_bus_error* error);
  static int get_container_by_pid(sd_bus_message* call, void* userdata, sd_bus_error* error);
  static int get_container_by_cgroup_id(sd_bus_message* call, void* userdata, sd_bus_error* error);
  static int list_runtimes(sd_bus_message* call, void* userdata, sd_bus_error* error);
  static int get_metrics(sd_bus_message* call, void* userdata, sd_bus_error* error);
  static int reload(sd_bus_message* call, void* userdata, sd_bus_error* error);
  static int set_enrichment(sd_bus_message* call, void* userdata, sd_bus_error* error);
  static int get(sd_bus* bus, const char* path, const char* interface, const char* property,
                 sd_bus_message* reply, void* userdata, sd_bus_error* error);

  ObjectContext& context_;
  ContainerObjects& containers_;
  bool sent_enrichment_ = false;
  std::uint32_t sent_count_ = 0;
  std::uint64_t sent_events_lost_ = 0;
  std::uint64_t denied_calls_ = 0;
  std::vector<sd_bus_vtable> vtable_;
  SlotPtr vtable_slot_;
  SlotPtr object_manager_slot_;
};

}  // namespace tracker
