#include "enrich/json_util.h"

#include <memory>

#include <json/reader.h>

namespace tracker {

bool parse_json(std::string_view text, Json::Value& out, std::string& error) {
  Json::CharReaderBuilder builder;
  builder["collectComments"] = false;
  builder["allowComments"] = false;
  builder["failIfExtra"] = true;
  builder["rejectDupKeys"] = false;
  builder["allowSpecialFloats"] = false;
  builder["stackLimit"] = 200;
  std::unique_ptr<Json::CharReader> reader(builder.newCharReader());
  error.clear();
  try {
    if (reader->parse(text.data(), text.data() + text.size(), &out, &error)) return true;
  } catch (const Json::Exception& e) {  // the nesting limit throws
    error = e.what();
  }
  if (error.empty()) error = "malformed JSON";
  while (!error.empty() && (error.back() == '\n' || error.back() == ' ')) error.pop_back();
  return false;
}

const Json::Value* json_member(const Json::Value& object, std::string_view key) {
  if (!object.isObject()) return nullptr;
  return object.find(key.data(), key.data() + key.size());
}

std::string json_string(const Json::Value& object, std::string_view key) {
  auto value = json_member(object, key);
  return value && value->isString() ? value->asString() : std::string();
}

std::optional<std::int64_t> json_int(const Json::Value& object, std::string_view key) {
  auto value = json_member(object, key);
  if (!value || !value->isInt64()) return std::nullopt;
  // isInt64() also accepts doubles with an integral value in range.
  return value->asInt64();
}

bool json_bool(const Json::Value& object, std::string_view key) {
  auto value = json_member(object, key);
  return value && value->isBool() && value->asBool();
}

const Json::Value& json_object(const Json::Value& object, std::string_view key) {
  static const Json::Value null_value;
  auto value = json_member(object, key);
  return value && value->isObject() ? *value : null_value;
}

StringMap json_string_map(const Json::Value& object, std::string_view key) {
  StringMap map;
  const auto& members = json_object(object, key);
  for (auto it = members.begin(); it != members.end(); ++it) {
    if (it->isString()) map.emplace(it.name(), it->asString());
  }
  return map;
}

}  // namespace tracker
