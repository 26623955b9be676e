#include "enrich/oci_manifest.h"

#include "enrich/json_util.h"

namespace tracker {

ManifestStep parse_manifest_step(std::string_view json, std::string_view os,
                                 std::string_view architecture) {
  ManifestStep step;
  Json::Value root;
  std::string error;
  if (!parse_json(json, root, error)) return step;
  auto config = json_string(json_object(root, "config"), "digest");
  if (config.starts_with("sha256:")) {
    step.config_digest = std::move(config);
    return step;
  }
  auto manifests = json_member(root, "manifests");
  if (!manifests || !manifests->isArray()) return step;
  for (const auto& entry : *manifests) {
    const auto& platform = json_object(entry, "platform");
    if (json_string(platform, "os") != os || json_string(platform, "architecture") != architecture)
      continue;
    auto digest = json_string(entry, "digest");
    if (digest.starts_with("sha256:")) {
      step.manifest_digest = std::move(digest);
      break;
    }
  }
  return step;
}

std::string_view host_architecture() {
#if defined(__x86_64__)
  return "amd64";
#elif defined(__aarch64__)
  return "arm64";
#elif defined(__arm__)
  return "arm";
#elif defined(__i386__)
  return "386";
#elif defined(__powerpc64__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
  return "ppc64le";
#elif defined(__s390x__)
  return "s390x";
#elif defined(__riscv) && __riscv_xlen == 64
  return "riscv64";
#else
  return "unknown";
#endif
}

}  // namespace tracker
