#include "enrich/protobuf_time.h"

#include <limits>

namespace tracker {

std::int64_t timestamp_ns(const google::protobuf::Timestamp& ts) {
  constexpr std::int64_t kNsPerSecond = 1'000'000'000;
  constexpr std::int64_t kMaxSeconds = std::numeric_limits<std::int64_t>::max() / kNsPerSecond - 1;
  if (ts.seconds() <= 0 || ts.seconds() > kMaxSeconds) return 0;
  if (ts.nanos() < 0 || ts.nanos() >= kNsPerSecond) return 0;
  return ts.seconds() * kNsPerSecond + ts.nanos();
}

}  // namespace tracker
