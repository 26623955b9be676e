#pragma once

// The C++ values of tracker's API in sd-bus messages, by type: the D-Bus
// signature of each, how it is appended, an upper bound of its encoded size,
// and a hash to tell a changed value from the one announced.

#include <systemd/sd-bus.h>

#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "service/backend.h"

namespace tracker::codec {

template <typename T>
struct Type;

template <>
struct Type<bool> {
  static constexpr const char* signature = "b";
  static constexpr std::size_t fixed_size = 4;
};
template <>
struct Type<std::int32_t> {
  static constexpr const char* signature = "i";
  static constexpr std::size_t fixed_size = 4;
};
template <>
struct Type<std::uint32_t> {
  static constexpr const char* signature = "u";
  static constexpr std::size_t fixed_size = 4;
};
template <>
struct Type<std::int64_t> {
  static constexpr const char* signature = "x";
  static constexpr std::size_t fixed_size = 8;
};
template <>
struct Type<std::uint64_t> {
  static constexpr const char* signature = "t";
  static constexpr std::size_t fixed_size = 8;
};
template <>
struct Type<std::string> {
  static constexpr const char* signature = "s";
  static constexpr std::size_t fixed_size = 0;  // 0: it depends on the value
};
template <>
struct Type<std::vector<std::string>> {
  static constexpr const char* signature = "as";
  static constexpr std::size_t fixed_size = 0;
};
template <>
struct Type<std::map<std::string, std::string>> {
  static constexpr const char* signature = "a{ss}";
  static constexpr std::size_t fixed_size = 0;
};
template <>
struct Type<std::vector<ProcessSnapshot>> {
  static constexpr const char* signature = "a(uus)";
  static constexpr std::size_t fixed_size = 0;
};

inline int append(sd_bus_message* m, bool value) {
  int b = value;  // sd-bus reads a 'b' as an int
  return sd_bus_message_append_basic(m, 'b', &b);
}
inline int append(sd_bus_message* m, std::int32_t value) {
  return sd_bus_message_append_basic(m, 'i', &value);
}
inline int append(sd_bus_message* m, std::uint32_t value) {
  return sd_bus_message_append_basic(m, 'u', &value);
}
inline int append(sd_bus_message* m, std::int64_t value) {
  return sd_bus_message_append_basic(m, 'x', &value);
}
inline int append(sd_bus_message* m, std::uint64_t value) {
  return sd_bus_message_append_basic(m, 't', &value);
}
inline int append(sd_bus_message* m, const std::string& value) {
  return sd_bus_message_append_basic(m, 's', value.c_str());
}
int append(sd_bus_message* m, const std::vector<std::string>& value);
int append(sd_bus_message* m, const std::map<std::string, std::string>& value);
int append(sd_bus_message* m, const std::vector<ProcessSnapshot>& value);

// At most the bytes `value` takes in a message, alignment padding included.
template <typename T>
std::size_t encoded_size(const T&) {
  return Type<T>::fixed_size + 7;
}
inline std::size_t encoded_size(const std::string& value) {
  return 4 + value.size() + 1 + 3;
}
std::size_t encoded_size(const std::vector<std::string>& value);
std::size_t encoded_size(const std::map<std::string, std::string>& value);
std::size_t encoded_size(const std::vector<ProcessSnapshot>& value);

template <typename T>
std::uint64_t hash(const T& value) {
  return std::hash<T>{}(value);
}
std::uint64_t hash(const std::vector<std::string>& value);
std::uint64_t hash(const std::map<std::string, std::string>& value);
std::uint64_t hash(const std::vector<ProcessSnapshot>& value);

}  // namespace tracker::codec
