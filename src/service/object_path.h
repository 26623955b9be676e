#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace tracker {

// /org/khulnasoft/Tracker1/container/<id escaped by sd_bus_path_encode()>.
std::string container_object_path(const std::string& id);
// The id back from such a path; nullopt for any other path.
std::optional<std::string> container_id_from_path(const std::string& path);

// Why GetContainer refuses `id` before looking it up (empty, longer than
// dbus_names::kMaxIdLength, control characters; D-Bus itself guarantees UTF-8);
// "" when it is fine.
std::string invalid_id_reason(std::string_view id);

}  // namespace tracker
