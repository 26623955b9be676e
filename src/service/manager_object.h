#pragma once

#include <string>

#include "dbus/tracker1_adaptor.h"
#include "service/backend.h"
#include "service/object_context.h"

namespace tracker {

// /org/khulnasoft/Tracker1: the Manager interface and the ObjectManager of the
// container objects. Every method is asynchronous: it is answered once polkit
// has, from a later bus callback.
class ManagerObject final
    : public sdbus::AdaptorInterfaces<org::khulnasoft::Tracker1::Manager_adaptor,
                                      sdbus::ObjectManager_adaptor, sdbus::Properties_adaptor> {
 public:
  using ContainerList = std::vector<
      sdbus::Struct<std::string, std::string, std::string, std::string, std::string, std::string,
                    std::string, bool, std::string, uint64_t, sdbus::ObjectPath>>;
  using RuntimeList = std::vector<sdbus::Struct<std::string, std::string, bool, bool, std::string,
                                                uint64_t, uint64_t, uint32_t, std::string>>;

  ManagerObject(sdbus::IConnection& connection, ObjectContext& context);
  ~ManagerObject();

  // PropertiesChanged for the properties whose value differs from the last one sent.
  void refresh();

 private:
  template <typename... Results, typename Serve>
  void authorized(sdbus::Result<Results...>&& result, const char* action, Serve&& serve);

  void ListContainers(sdbus::Result<ContainerList>&& result) override;
  void GetContainer(sdbus::Result<sdbus::ObjectPath>&& result, std::string id) override;
  void GetContainerByPID(sdbus::Result<sdbus::ObjectPath>&& result, uint32_t pid) override;
  void GetContainerByCgroupId(sdbus::Result<sdbus::ObjectPath>&& result, uint64_t id) override;
  void ListRuntimes(sdbus::Result<RuntimeList>&& result) override;
  void GetMetrics(sdbus::Result<std::string>&& result) override;
  void Reload(sdbus::Result<>&& result) override;
  void SetEnrichment(sdbus::Result<>&& result, bool enabled) override;

  std::string Version() override;
  bool EnrichmentEnabled() override;
  uint32_t ContainerCount() override;
  uint64_t EventsLost() override;
  uint64_t LookalikeCgroups() override;
  uint64_t StateMapFailures() override;
  uint64_t CgroupEventsLost() override;
  uint64_t ProcessEventsLost() override;
  uint64_t EventsHeld() override;
  uint64_t EventsReleasedEarly() override;
  uint64_t Reconciles() override;
  uint64_t DeniedCalls() override;

  sdbus::ObjectPath path_of(const ServiceBackend::FindResult& found, const std::string& what);

  ObjectContext& context_;
  bool sent_enrichment_ = false;
  uint32_t sent_count_ = 0;
  uint64_t sent_events_lost_ = 0;
  uint64_t denied_calls_ = 0;
};

}  // namespace tracker
