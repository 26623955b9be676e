#include "events/printer.h"
#include "registry/registry.h"

namespace tracker {

std::vector<Arg> lifecycle_args(const Event& event) {
  std::vector<Arg> args;
  if (!event.container) return args;
  const ContainerRecord& c = *event.container;
  args.push_back({"runtime", "const char*", std::string(to_string(c.runtime()))});
  args.push_back({"container_id", "const char*", c.id()});
  if (event.type == EventType::container_remove || event.type == EventType::container_exit) {
    args.push_back({"exit_code", "int", std::int64_t{c.exit.code}});
    args.push_back({"exit_signal", "int", std::int64_t{c.exit.signal}});
    args.push_back({"oom_killed", "bool", c.exit.oom_killed});
    return args;
  }
  std::int64_t ctime = c.created_ns ? c.created_ns : c.info.created_ns;
  args.push_back({"ctime", "unsigned long", static_cast<std::uint64_t>(ctime)});
  args.push_back({"container_image", "const char*", c.info.image});
  args.push_back({"container_image_digest", "const char*", c.info.image_digest});
  args.push_back({"container_name", "const char*", c.info.name});
  args.push_back({"pod_name", "const char*", c.info.pod.name});
  args.push_back({"pod_namespace", "const char*", c.info.pod.namespace_name});
  args.push_back({"pod_uid", "const char*", c.info.pod.uid});
  args.push_back({"pod_sandbox", "bool", c.info.pod.sandbox});
  return args;
}

}  // namespace tracker
