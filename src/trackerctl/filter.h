#pragma once

// The selectors of `containers` and `monitor` (--runtime, --image, --name,
// --label, --pod-namespace), applied on the client to what the daemon says of
// each container. Pure: no bus, no output.

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace tracker::ctl {

// --label KEY (the label is set, to anything) or KEY=VALUE (set to VALUE).
struct LabelSelector {
  std::string key;
  std::optional<std::string> value;
};

// "" when `text` is a valid --label argument (stored in `selector`), else why not.
std::string parse_label_selector(std::string_view text, LabelSelector& selector);

// Every selector must match (they are AND-ed, repeated ones too); an empty
// filter matches every container. Images and names are shell globs
// (fnmatch(3), `*` matches `/` too); runtimes, pod namespaces and label
// values are compared exactly.
struct ContainerFilter {
  std::vector<std::string> runtimes;
  std::vector<std::string> images;
  std::vector<std::string> names;
  std::vector<LabelSelector> labels;
  std::vector<std::string> pod_namespaces;

  bool empty() const {
    return runtimes.empty() && images.empty() && names.empty() && labels.empty() &&
           pod_namespaces.empty();
  }
};

// What a filter looks at, as the daemon reports it (not escaped).
struct ContainerFacts {
  std::string runtime;
  std::string image;
  std::string name;
  std::string pod_namespace;
  std::map<std::string, std::string> labels;
};

bool matches(const ContainerFilter& filter, const ContainerFacts& container);

}  // namespace tracker::ctl
