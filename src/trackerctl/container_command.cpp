#include <fmt/format.h>

#include "trackerctl/commands.h"

namespace tracker::ctl {
namespace {

using Labels = std::map<std::string, std::string>;

Json::Value to_json(const PropertyMap& p, const std::string& path) {
  Json::Value c;
  c["id"] = property<std::string>(p, "Id");
  c["name"] = property<std::string>(p, "Name");
  c["image"] = property<std::string>(p, "Image");
  c["imageDigest"] = property<std::string>(p, "ImageDigest");
  c["imageId"] = property<std::string>(p, "ImageId");
  c["runtime"] = property<std::string>(p, "Runtime");
  c["origin"] = property<std::string>(p, "Origin");
  c["started"] = property<bool>(p, "Started");
  c["state"] = container_state(property<std::string>(p, "Origin"), property<bool>(p, "Started"));
  c["enrichment"] = property<std::string>(p, "Enrichment");
  c["cgroupPath"] = property<std::string>(p, "CgroupPath");
  c["cgroupId"] = Json::UInt64(property<uint64_t>(p, "CgroupId"));
  c["createdTimestamp"] = Json::UInt64(property<uint64_t>(p, "CreatedTimestamp"));
  c["startedTimestamp"] = Json::UInt64(property<uint64_t>(p, "StartedTimestamp"));
  c["initPid"] = Json::UInt(property<uint32_t>(p, "InitPid"));
  Json::Value labels(Json::objectValue);
  for (const auto& [key, value] : property<Labels>(p, "Labels")) labels[key] = value;
  c["labels"] = labels;
  c["podName"] = property<std::string>(p, "PodName");
  c["podNamespace"] = property<std::string>(p, "PodNamespace");
  c["podUID"] = property<std::string>(p, "PodUID");
  c["podSandbox"] = property<bool>(p, "PodSandbox");
  c["objectPath"] = path;
  return c;
}

std::string when(uint64_t usec) {
  if (usec == 0) return "";
  return fmt::format("{}; {}", format_timestamp(usec), format_relative(usec, now_usec()));
}

// machinectl status style: right-aligned field names, empty fields left out.
void print_status(const PropertyMap& p, const std::string& path) {
  auto id = property<std::string>(p, "Id");
  auto name = property<std::string>(p, "Name");
  fmt::print("{}{}\n", short_id(id), name.empty() ? "" : fmt::format(" ({})", name));
  auto field = [](const char* label, const std::string& value) {
    if (!value.empty()) fmt::print("{:>13}: {}\n", label, value);
  };
  auto origin = property<std::string>(p, "Origin");
  field("Id", id);
  field("Name", name);
  field("Image", property<std::string>(p, "Image"));
  field("Image Digest", property<std::string>(p, "ImageDigest"));
  field("Image Id", property<std::string>(p, "ImageId"));
  field("Runtime", property<std::string>(p, "Runtime"));
  field("State", fmt::format("{} ({})", container_state(origin, property<bool>(p, "Started")),
                             origin == "existing" ? "found at start-up" : "created"));
  field("Enrichment", property<std::string>(p, "Enrichment"));
  field("Created", when(property<uint64_t>(p, "CreatedTimestamp")));
  field("Started", when(property<uint64_t>(p, "StartedTimestamp")));
  auto pid = property<uint32_t>(p, "InitPid");
  field("Init PID", pid ? std::to_string(pid) : "");
  field("Cgroup", property<std::string>(p, "CgroupPath"));
  auto cgroup_id = property<uint64_t>(p, "CgroupId");
  field("Cgroup Id", cgroup_id ? std::to_string(cgroup_id) : "");
  auto pod = property<std::string>(p, "PodName");
  if (!pod.empty()) {
    field("Pod", fmt::format("{}/{}{}", property<std::string>(p, "PodNamespace"), pod,
                             property<bool>(p, "PodSandbox") ? " (sandbox)" : ""));
    field("Pod UID", property<std::string>(p, "PodUID"));
  }
  const char* label = "Labels";
  for (const auto& [key, value] : property<Labels>(p, "Labels")) {
    fmt::print("{:>13}{} {}={}\n", label, *label ? ":" : " ", key, value);
    label = "";
  }
  field("Object Path", path);
}

}  // namespace

int container_command(Context& context, const std::string& id) {
  auto path = context.client.invoke("GetContainer",
                                    [&] { return context.client.manager().GetContainer(id); });
  auto properties = context.client.container_properties(path);
  if (context.output.json) {
    print_json(to_json(properties, path));
    return 0;
  }
  Pager pager(context.output.pager);
  print_status(properties, path);
  return 0;
}

}  // namespace tracker::ctl
