#pragma once

#include <google/protobuf/timestamp.pb.h>

#include <cstdint>

namespace tracker {

// Unix epoch nanoseconds; 0 (unknown) for what is before the epoch, past what
// int64 nanoseconds hold (2262), or not a valid Timestamp at all.
std::int64_t timestamp_ns(const google::protobuf::Timestamp& ts);

}  // namespace tracker
