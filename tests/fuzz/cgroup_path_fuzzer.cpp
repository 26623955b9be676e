// container_from_cgroup_path() and relative_cgroup_path() on any path: cgroup
// names come from whoever may create cgroups (rootless runtimes, systemd units).
#include <string>

#include "cgroup/container_path.h"
#include "fuzz_util.h"

using tracker::fuzz::as_text;

namespace {

bool is_hex_id(std::string_view id) {
  if (id.size() != 64) return false;
  for (char c : id)
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  auto path = as_text(data, size);
  auto relative = tracker::relative_cgroup_path(path);
  // A suffix of the input: the parts above the hierarchy are dropped, nothing is made up.
  FUZZ_CHECK(path.ends_with(relative) || path.substr(0, path.size() - 1).ends_with(relative));

  auto ref = tracker::container_from_cgroup_path(path);
  if (!ref) return 0;
  FUZZ_CHECK(!ref->id.empty());
  FUZZ_CHECK(path.find(ref->id) != std::string_view::npos);
  switch (ref->runtime) {
    case tracker::Runtime::docker:
    case tracker::Runtime::crio:
    case tracker::Runtime::podman:
      FUZZ_CHECK(is_hex_id(ref->id));
      break;
    default:
      break;
  }
  // A cgroup made inside a container's root belongs to it without being its root.
  if (ref->is_root && !path.ends_with('\n')) {
    std::string inside(path);
    inside += "/@sub";
    auto sub = tracker::container_from_cgroup_path(inside);
    FUZZ_CHECK(sub && sub->id == ref->id && sub->runtime == ref->runtime && !sub->is_root);
  }
  return 0;
}
