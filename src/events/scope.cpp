#include "events/scope.h"

#include <fmt/format.h>

#include <algorithm>

#include "registry/registry.h"

namespace tracker {
namespace {

bool valid_id_prefix(std::string_view prefix) {
  return !prefix.empty() && prefix.size() <= 128 &&
         std::all_of(prefix.begin(), prefix.end(), [](char c) {
           return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                  c == '-' || c == '_' || c == '.';
         });
}

std::string_view mode_text(Scope::Mode mode) {
  switch (mode) {
    case Scope::Mode::all:
      return "all";
    case Scope::Mode::container:
      return "container";
    case Scope::Mode::container_new:
      return "container=new";
    case Scope::Mode::container_started:
      return "container=started";
    case Scope::Mode::not_container:
      return "not-container";
  }
  return "";
}

}  // namespace

std::string Scope::add(std::string_view text) {
  Mode mode;
  if (text == "container") {
    mode = Mode::container;
  } else if (text == "container=new") {
    mode = Mode::container_new;
  } else if (text == "container=started") {
    mode = Mode::container_started;
  } else if (text == "not-container" || text == "!container") {
    mode = Mode::not_container;
  } else if (text.starts_with("container=")) {
    auto prefix = text.substr(std::string_view("container=").size());
    if (!valid_id_prefix(prefix))
      return fmt::format(
          "invalid scope '{}': a container id prefix is 1-128 characters of "
          "[A-Za-z0-9_.-]",
          text);
    if (mode_ == Mode::not_container)
      return fmt::format("scope '{}' conflicts with 'not-container'", text);
    if (mode_ == Mode::all) mode_ = Mode::container;
    prefixes_.emplace_back(prefix);
    return {};
  } else {
    return fmt::format(
        "unknown scope '{}' (container, container=new, container=started, container=<id>, "
        "not-container)",
        text);
  }

  bool refines_container = mode_ == Mode::container && !prefixes_.empty();
  if (mode_ != Mode::all && mode_ != mode && !(refines_container && mode != Mode::not_container))
    return fmt::format("scope '{}' conflicts with '{}'", text, mode_text(mode_));
  mode_ = mode;
  return {};
}

tracker_scope_mode Scope::kernel_mode() const {
  switch (mode_) {
    case Mode::all:
      return TRACKER_SCOPE_ALL;
    case Mode::container:
      return TRACKER_SCOPE_CONTAINER;
    case Mode::container_new:
      return TRACKER_SCOPE_CONTAINER_NEW;
    case Mode::container_started:
      return TRACKER_SCOPE_CONTAINER_STARTED;
    case Mode::not_container:
      return TRACKER_SCOPE_NOT_CONTAINER;
  }
  return TRACKER_SCOPE_ALL;
}

bool Scope::matches_id(const ContainerRecord& container) const {
  if (prefixes_.empty()) return true;
  return std::any_of(prefixes_.begin(), prefixes_.end(),
                     [&](const std::string& prefix) { return container.id().starts_with(prefix); });
}

bool Scope::matches_task(const ContainerRecord* container) const {
  switch (mode_) {
    case Mode::all:
      return true;
    case Mode::not_container:
      return container == nullptr;
    case Mode::container:
      return container && matches_id(*container);
    case Mode::container_new:
      return container && container->origin == ContainerOrigin::created && matches_id(*container);
    case Mode::container_started:
      return container && container->origin == ContainerOrigin::created && container->started &&
             matches_id(*container);
  }
  return true;
}

bool Scope::matches_lifecycle(const ContainerRecord& container) const {
  switch (mode_) {
    case Mode::all:
      return true;
    case Mode::not_container:
      return false;
    case Mode::container:
      return matches_id(container);
    case Mode::container_new:
    case Mode::container_started:
      return container.origin == ContainerOrigin::created && matches_id(container);
  }
  return true;
}

}  // namespace tracker
