// What the rules of container_path.cpp and machine_path.cpp share: a cgroup
// path as components, a position in it, and what a component says.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "cgroup/container_path.h"

namespace tracker::path_rule {

// The components of a cgroup path below the hierarchy root, outermost first.
using Components = std::vector<std::string_view>;

// One component and its ancestors.
struct Position {
  const Components& parts;
  std::size_t at;

  std::string_view name() const { return parts[at]; }
  // The ancestor `up` levels above (1: the parent); "" above the hierarchy root.
  std::string_view ancestor(std::size_t up) const {
    return up <= at ? parts[at - up] : std::string_view{};
  }
};

// What one component says about the container the path belongs to.
struct Verdict {
  enum class Kind {
    none,           // nothing: look further out
    container,      // the component is a container's cgroup
    not_container,  // the component and what lies below it belong to no container
  };
  Kind kind = Kind::none;
  Runtime runtime = Runtime::unknown;
  std::string id;
  std::string name;

  static Verdict found(Runtime runtime, std::string_view id, std::string_view name = {}) {
    return {Kind::container, runtime, std::string(id), std::string(name)};
  }
  static Verdict none() { return {}; }
  static Verdict stop() { return {Kind::not_container, Runtime::unknown, {}, {}}; }
};

constexpr std::size_t kHexIdLength = 64;

inline bool is_digit(char c) {
  return c >= '0' && c <= '9';
}
inline bool is_hex_digit(char c) {
  return is_digit(c) || (c >= 'a' && c <= 'f');
}
inline bool is_alnum(char c) {
  return is_digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
// Runtimes write ids in lower-case hex; anything else is not theirs.
bool is_hex_id(std::string_view s);
bool all_digits(std::string_view s);

// The machine managers' layouts: systemd-nspawn, libvirt-LXC, LXC (machine_path.cpp).
Verdict match_machine(const Position& at);

}  // namespace tracker::path_rule
