#include "trackerctl/filter.h"

#include <fnmatch.h>

#include <algorithm>

namespace tracker::ctl {
namespace {

bool glob_matches(const std::string& pattern, const std::string& text) {
  return fnmatch(pattern.c_str(), text.c_str(), 0) == 0;
}

bool label_matches(const LabelSelector& selector,
                   const std::map<std::string, std::string>& labels) {
  auto found = labels.find(selector.key);
  return found != labels.end() && (!selector.value || *selector.value == found->second);
}

}  // namespace

std::string parse_label_selector(std::string_view text, LabelSelector& selector) {
  auto equals = text.find('=');
  selector.key = std::string(text.substr(0, equals));
  selector.value.reset();
  if (equals != std::string_view::npos) selector.value = std::string(text.substr(equals + 1));
  if (selector.key.empty()) return "a label selector needs a key: KEY or KEY=VALUE";
  return "";
}

bool matches(const ContainerFilter& filter, const ContainerFacts& container) {
  auto all = [](const auto& selectors, auto&& match) {
    return std::all_of(selectors.begin(), selectors.end(), match);
  };
  return all(filter.runtimes, [&](const auto& r) { return r == container.runtime; }) &&
         all(filter.images, [&](const auto& g) { return glob_matches(g, container.image); }) &&
         all(filter.names, [&](const auto& g) { return glob_matches(g, container.name); }) &&
         all(filter.labels, [&](const auto& l) { return label_matches(l, container.labels); }) &&
         all(filter.pod_namespaces, [&](const auto& n) { return n == container.pod_namespace; });
}

}  // namespace tracker::ctl
