#include <fmt/format.h>

#include "trackerctl/commands.h"

namespace tracker::ctl {

std::string container_state(const std::string& origin, bool started) {
  return origin == "existing" || started ? "running" : "created";
}

int containers_command(Context& context, bool all) {
  auto list = context.client.invoke("ListContainers",
                                    [&] { return context.client.manager().ListContainers(); });
  std::erase_if(list, [all](const auto& c) {
    return !all && container_state(c.template get<6>(), c.template get<7>()) != "running";
  });

  if (context.output.json) {
    Json::Value containers(Json::arrayValue);
    for (const auto& c : list) {
      Json::Value item;
      item["id"] = c.get<0>();
      item["name"] = c.get<1>();
      item["image"] = c.get<2>();
      item["runtime"] = c.get<3>();
      item["podName"] = c.get<4>();
      item["podNamespace"] = c.get<5>();
      item["origin"] = c.get<6>();
      item["started"] = c.get<7>();
      item["state"] = container_state(c.get<6>(), c.get<7>());
      item["enrichment"] = c.get<8>();
      item["createdTimestamp"] = Json::UInt64(c.get<9>());
      item["objectPath"] = std::string(c.get<10>());
      containers.append(item);
    }
    Json::Value root;
    root["containers"] = containers;
    print_json(root);
    return 0;
  }

  Pager pager(context.output.pager);
  if (list.empty()) {
    if (context.output.legend) fmt::print("No containers.\n");
    return 0;
  }
  Table table({"CONTAINER ID", "NAME", "IMAGE", "RUNTIME", "POD", "STATE", "CREATED"});
  auto now = now_usec();
  for (const auto& c : list) {
    std::string pod = c.get<4>().empty() ? "" : fmt::format("{}/{}", c.get<5>(), c.get<4>());
    table.add_row({short_id(c.get<0>()), c.get<1>(), c.get<2>(), c.get<3>(), pod,
                   container_state(c.get<6>(), c.get<7>()), format_relative(c.get<9>(), now)});
  }
  table.print(stdout, context.output.legend);
  if (context.output.legend)
    fmt::print("\n{} container{} listed.\n", table.rows(), table.rows() == 1 ? "" : "s");
  return 0;
}

}  // namespace tracker::ctl
