#pragma once

#include <sys/types.h>

#include <optional>
#include <string_view>

namespace tracker {

// The user whose systemd manager (user@<uid>.service) was delegated the
// subtree holding `cgroup_path`: that user may create, name and fill any
// cgroup below it. nullopt outside every user manager.
std::optional<uid_t> delegated_to_user(std::string_view cgroup_path);

}  // namespace tracker
