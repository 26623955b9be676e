#include "service/message_codec.h"

namespace tracker::codec {
namespace {

std::uint64_t combine(std::uint64_t seed, std::uint64_t value) {
  return seed ^ (value + 0x9e3779b97f4a7c15ULL + (seed << 6) + (seed >> 2));
}

}  // namespace

int append(sd_bus_message* m, const std::vector<std::string>& value) {
  int r = sd_bus_message_open_container(m, 'a', "s");
  for (auto it = value.begin(); r >= 0 && it != value.end(); ++it) r = append(m, *it);
  return r < 0 ? r : sd_bus_message_close_container(m);
}

int append(sd_bus_message* m, const std::map<std::string, std::string>& value) {
  int r = sd_bus_message_open_container(m, 'a', "{ss}");
  for (auto it = value.begin(); r >= 0 && it != value.end(); ++it)
    r = sd_bus_message_append(m, "{ss}", it->first.c_str(), it->second.c_str());
  return r < 0 ? r : sd_bus_message_close_container(m);
}

int append(sd_bus_message* m, const std::vector<ProcessSnapshot>& value) {
  int r = sd_bus_message_open_container(m, 'a', "(uus)");
  for (auto it = value.begin(); r >= 0 && it != value.end(); ++it)
    r = sd_bus_message_append(m, "(uus)", it->pid, it->ppid, it->comm.c_str());
  return r < 0 ? r : sd_bus_message_close_container(m);
}

std::size_t encoded_size(const std::vector<ProcessSnapshot>& value) {
  std::size_t size = 4 + 7;
  for (const auto& process : value) size += 7 + 8 + encoded_size(process.comm);
  return size;
}

std::uint64_t hash(const std::vector<ProcessSnapshot>& value) {
  std::uint64_t seed = value.size();
  for (const auto& process : value)
    seed = combine(combine(combine(seed, process.pid), process.ppid), hash(process.comm));
  return seed;
}

std::size_t encoded_size(const std::vector<std::string>& value) {
  std::size_t size = 4 + 3;
  for (const auto& item : value) size += encoded_size(item);
  return size;
}

std::size_t encoded_size(const std::map<std::string, std::string>& value) {
  std::size_t size = 4 + 7;
  for (const auto& [key, item] : value) size += 7 + encoded_size(key) + encoded_size(item);
  return size;
}

std::uint64_t hash(const std::vector<std::string>& value) {
  std::uint64_t seed = value.size();
  for (const auto& item : value) seed = combine(seed, hash(item));
  return seed;
}

std::uint64_t hash(const std::map<std::string, std::string>& value) {
  std::uint64_t seed = value.size();
  for (const auto& [key, item] : value) seed = combine(combine(seed, hash(key)), hash(item));
  return seed;
}

}  // namespace tracker::codec
