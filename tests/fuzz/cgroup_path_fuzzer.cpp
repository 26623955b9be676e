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

// A machine's name as the rules accept it, after systemd's "\xNN" unescaping.
bool is_machine_name(std::string_view name) {
  if (name.empty() || name.size() > 255) return false;
  for (char c : name) {
    bool alnum = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    if (!alnum && c != '.' && c != '_' && c != '-') return false;
  }
  return true;
}

void check(std::string_view path, tracker::Candidates candidates) {
  auto ref = tracker::container_from_cgroup_path(path, candidates);
  if (!ref) return;
  FUZZ_CHECK(!ref->id.empty());
  if (ref->needs_confirmation) {
    FUZZ_CHECK(candidates == tracker::Candidates::include);
    FUZZ_CHECK(ref->runtime == tracker::Runtime::unknown && ref->name.empty());
  }
  switch (ref->runtime) {
    case tracker::Runtime::docker:
    case tracker::Runtime::crio:
    case tracker::Runtime::podman:
      FUZZ_CHECK(is_hex_id(ref->id));
      break;
    case tracker::Runtime::nspawn:
    case tracker::Runtime::libvirt_lxc:
    case tracker::Runtime::lxc:
      // Unescaped from the path, so not always a part of it; never anything but a name.
      FUZZ_CHECK(is_machine_name(ref->id) && is_machine_name(ref->name));
      break;
    default:
      FUZZ_CHECK(path.find(ref->id) != std::string_view::npos);
      break;
  }
  if (ref->needs_confirmation) FUZZ_CHECK(is_hex_id(ref->id));
  // A cgroup made inside a container's root belongs to it without being its root.
  if (ref->is_root && !path.ends_with('\n')) {
    std::string inside(path);
    inside += "/@sub";
    auto sub = tracker::container_from_cgroup_path(inside, candidates);
    FUZZ_CHECK(sub && sub->id == ref->id && sub->runtime == ref->runtime && !sub->is_root &&
               sub->name == ref->name && sub->needs_confirmation == ref->needs_confirmation);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  auto path = as_text(data, size);
  auto relative = tracker::relative_cgroup_path(path);
  // A suffix of the input: the parts above the hierarchy are dropped, nothing is made up.
  FUZZ_CHECK(path.ends_with(relative) || path.substr(0, path.size() - 1).ends_with(relative));

  check(path, tracker::Candidates::exclude);
  check(path, tracker::Candidates::include);
  return 0;
}
