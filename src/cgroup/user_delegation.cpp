#include "cgroup/user_delegation.h"

#include <charconv>

namespace tracker {

std::optional<uid_t> delegated_to_user(std::string_view path) {
  // The outermost user manager counts: one user's manager inside another's
  // subtree is that other user's doing.
  constexpr std::string_view kPrefix = "user@", kSuffix = ".service";
  while (!path.empty()) {
    auto slash = path.find('/');
    auto part = path.substr(0, slash);
    path = slash == std::string_view::npos ? std::string_view{} : path.substr(slash + 1);
    if (!part.starts_with(kPrefix) || !part.ends_with(kSuffix)) continue;
    auto digits = part.substr(kPrefix.size(), part.size() - kPrefix.size() - kSuffix.size());
    uid_t uid = 0;
    auto [end, error] = std::from_chars(digits.data(), digits.data() + digits.size(), uid);
    if (error == std::errc() && end == digits.data() + digits.size() && !digits.empty()) return uid;
  }
  return std::nullopt;
}

}  // namespace tracker
