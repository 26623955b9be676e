#include "kernel/event_record.h"

#include <cstring>

namespace tracker {

std::size_t record_size(std::uint32_t type, std::uint32_t path_len) {
  switch (type) {
    case TRACKER_EVENT_CGROUP_MKDIR:
    case TRACKER_EVENT_CGROUP_RMDIR:
    case TRACKER_EVENT_CGROUP_RENAME:
      return TRACKER_CGROUP_RECORD_SIZE(std::size_t{path_len} + 1);
    case TRACKER_EVENT_PROCESS_FORK:
      return TRACKER_FORK_RECORD_SIZE;
    case TRACKER_EVENT_PROCESS_EXEC:
      return TRACKER_EXEC_RECORD_SIZE;
    case TRACKER_EVENT_PROCESS_EXIT:
      return TRACKER_EXIT_RECORD_SIZE;
    case TRACKER_EVENT_OOM_KILL:
      return TRACKER_OOM_RECORD_SIZE;
  }
  return 0;
}

bool record_is_whole(const void* data, std::size_t size) {
  if (size < TRACKER_EVENT_HEADER_SIZE) return false;
  std::uint32_t type;
  std::memcpy(&type, data, sizeof(type));
  if (type != TRACKER_EVENT_CGROUP_MKDIR && type != TRACKER_EVENT_CGROUP_RMDIR &&
      type != TRACKER_EVENT_CGROUP_RENAME) {
    std::size_t needed = record_size(type);
    return needed != 0 && size >= needed;
  }
  if (size < TRACKER_CGROUP_RECORD_SIZE(0)) return false;
  const auto* event = static_cast<const tracker_event*>(data);
  std::uint32_t path_len = event->data.cgroup.path_len;
  return path_len < TRACKER_CGROUP_PATH_MAX && size >= record_size(type, path_len) &&
         event->data.cgroup.path[path_len] == '\0';
}

}  // namespace tracker
