#include "enrich/protobuf_log.h"

#include <google/protobuf/stubs/logging.h>

#include <mutex>
#include <string>

#include "util/log.h"

namespace tracker {
namespace {

void protobuf_to_log(google::protobuf::LogLevel level, const char* file, int line,
                     const std::string& message) {
  auto ours = level == google::protobuf::LOGLEVEL_FATAL ? LogLevel::error : LogLevel::debug;
  log(ours, "protobuf", "{} ({}:{})", message, file ? file : "?", line);
}

}  // namespace

void route_protobuf_log() {
  static std::once_flag once;
  std::call_once(once, [] { google::protobuf::SetLogHandler(&protobuf_to_log); });
}

}  // namespace tracker
