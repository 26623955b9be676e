#pragma once

// Strings from outside tracker, made safe where they enter: what a runtime
// says about a container and the cgroup paths the kernel reports. Either may
// hold any bytes, and one string that is not UTF-8 would break the D-Bus API
// (sd-bus refuses to send it) and the JSON output for every caller.

#include <cstddef>
#include <string>
#include <string_view>

#include "enrich/container_info.h"

namespace tracker {

// The caps, in bytes (counts for labels). Text over a cap is cut at a code
// point boundary, without a marker.
inline constexpr std::size_t kMaxIdBytes = 256;  // GetContainer() takes ids up to 256 bytes
inline constexpr std::size_t kMaxNameBytes = 256;
inline constexpr std::size_t kMaxImageBytes = 1024;
inline constexpr std::size_t kMaxDigestBytes = 256;  // "sha512:" and 128 hex digits fit
inline constexpr std::size_t kMaxLabelKeyBytes = 512;
inline constexpr std::size_t kMaxLabelValueBytes = 4096;
inline constexpr std::size_t kMaxLabels = 256;
inline constexpr std::size_t kMaxLabelBytes = 64 * 1024;  // keys and values together
inline constexpr std::size_t kMaxPodFieldBytes = 256;     // pod name, namespace, uid
inline constexpr std::size_t kMaxCgroupPathBytes = 4096;  // PATH_MAX
inline constexpr std::size_t kMaxHealthBytes = 32;        // "unhealthy" and the like
inline constexpr std::size_t kMaxRepoDigests = 64;        // each at most kMaxImageBytes

// `bytes` as valid UTF-8 without NUL (D-Bus strings cannot hold one), each
// invalid sequence and NUL replaced by U+FFFD, at most `max_bytes` long.
std::string sanitize_string(std::string_view bytes, std::size_t max_bytes);

// Every string of `info` through sanitize_string() with the caps above. Labels
// are kept in key order while both label caps hold; two keys that become equal
// keep the first value.
void sanitize(ContainerInfo& info);

// A cgroup path (from the kernel or cgroupfs) as valid UTF-8 of at most
// kMaxCgroupPathBytes.
std::string sanitize_cgroup_path(std::string_view path);

}  // namespace tracker
