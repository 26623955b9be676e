#pragma once

#include <string>
#include <unordered_set>

#include "agent/pipeline.h"

namespace tracker {

// Structured journal entries for container lifecycle (CONTAINER_ID=,
// CONTAINER_NAME=, CONTAINER_IMAGE=, RUNTIME=, POD_NAME=, …), so a fleet ships
// them with journald's own tools. Only when running under systemd.
class JournalListener : public ContainerListener {
 public:
  static bool running_under_systemd();

  void container_added(const std::shared_ptr<ContainerRecord>& container) override;
  void container_changed(const std::shared_ptr<ContainerRecord>& container) override;
  void container_exited(const std::shared_ptr<ContainerRecord>& container) override;
  void container_removed(const std::shared_ptr<ContainerRecord>& container) override;
  void container_health(const std::shared_ptr<ContainerRecord>& container) override;

 private:
  std::unordered_set<std::string> identified_;  // one "identified" entry per container
};

}  // namespace tracker
