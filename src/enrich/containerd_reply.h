#pragma once

#include <cstdint>

#include "enrich/container_info.h"
#include "enrich/containerd_containers.pb.h"
#include "enrich/containerd_tasks.pb.h"

// What tracker takes from containerd's replies, apart from the calls that
// fetch them: tested and fuzzed on raw replies.
namespace tracker {

// Containers/Get: id, image, labels, creation time, name and pod (from the
// labels and the OCI spec's annotations). The image fields come from Images/Get.
ContainerInfo container_from_containerd(
    const containerd::services::containers::v1::Container& container);

// Tasks/Get: the init pid of a task that has not stopped, else 0.
std::int32_t task_init_pid(const containerd::services::tasks::v1::GetResponse& response);

}  // namespace tracker
