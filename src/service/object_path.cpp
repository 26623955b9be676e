#include "service/object_path.h"

#include <systemd/sd-bus.h>

#include <cstdlib>
#include <memory>

#include <fmt/format.h>

#include "service/dbus_names.h"

namespace tracker {
namespace {

struct FreeDeleter {
  void operator()(char* text) const { std::free(text); }
};
using CString = std::unique_ptr<char, FreeDeleter>;

}  // namespace

std::string container_object_path(const std::string& id) {
  char* path = nullptr;
  if (sd_bus_path_encode(dbus_names::kContainerPathPrefix, id.c_str(), &path) < 0) return {};
  return CString(path).get();
}

std::optional<std::string> container_id_from_path(const std::string& path) {
  std::string_view prefix(dbus_names::kContainerPathPrefix);
  if (path.size() <= prefix.size() + 1 || path.compare(0, prefix.size(), prefix) != 0 ||
      path[prefix.size()] != '/' || path.find('/', prefix.size() + 1) != std::string::npos)
    return std::nullopt;
  char* id = nullptr;
  if (sd_bus_path_decode(path.c_str(), dbus_names::kContainerPathPrefix, &id) <= 0 || !id)
    return std::nullopt;
  return std::string(CString(id).get());
}

std::string invalid_id_reason(std::string_view id) {
  if (id.empty()) return "the container id is empty";
  if (id.size() > dbus_names::kMaxIdLength)
    return fmt::format("the container id is {} bytes long, more than {}", id.size(),
                       dbus_names::kMaxIdLength);
  for (char c : id) {
    auto byte = static_cast<unsigned char>(c);
    if (byte < 0x20 || byte == 0x7f) return "the container id contains control characters";
  }
  return {};
}

}  // namespace tracker
