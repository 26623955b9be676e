#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <json/value.h>

#include "enrich/pod_labels.h"

namespace tracker {

// Strict parse of one JSON document; on failure `error` says why.
bool parse_json(std::string_view text, Json::Value& out, std::string& error);

// Typed, never-throwing member access: a missing member and a member of the
// wrong type both read as absent.
const Json::Value* json_member(const Json::Value& object, std::string_view key);
std::string json_string(const Json::Value& object, std::string_view key);
std::optional<std::int64_t> json_int(const Json::Value& object, std::string_view key);
bool json_bool(const Json::Value& object, std::string_view key);
const Json::Value& json_object(const Json::Value& object, std::string_view key);
// String members of an object member; members of other types are skipped.
StringMap json_string_map(const Json::Value& object, std::string_view key);

}  // namespace tracker
