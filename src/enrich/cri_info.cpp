#include "enrich/cri_info.h"

#include <limits>

#include "enrich/image_ref.h"
#include "enrich/json_util.h"

namespace tracker {

CriVerboseInfo parse_cri_verbose_info(std::string_view json) {
  CriVerboseInfo info;
  Json::Value root;
  std::string error;
  if (json.empty() || !parse_json(json, root, error)) return info;
  if (auto pid = json_int(root, "pid"); pid && *pid > 0 && *pid <= std::numeric_limits<int>::max())
    info.pid = static_cast<std::int32_t>(*pid);
  info.sandbox_id = json_string(root, "sandboxID");
  info.config_image = json_string(json_object(json_object(root, "config"), "image"), "image");
  info.sandbox_image = json_string(root, "image");
  info.spec_annotations = json_string_map(json_object(root, "runtimeSpec"), "annotations");
  return info;
}

StringMap parse_oci_spec_annotations(std::string_view json) {
  Json::Value root;
  std::string error;
  if (json.empty() || !parse_json(json, root, error)) return {};
  return json_string_map(root, "annotations");
}

bool is_image_id(std::string_view reference) {
  if (reference.starts_with("sha256:")) return true;
  return normalize_image_id(reference) != reference;
}

}  // namespace tracker
