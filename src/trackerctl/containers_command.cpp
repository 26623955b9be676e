#include <fmt/format.h>

#include "trackerctl/commands.h"
#include "trackerctl/container_view.h"

namespace tracker::ctl {

std::string container_state(const std::string& origin, bool started) {
  return origin == "existing" || started ? "running" : "created";
}

int containers_command(Context& context, bool all, const ContainerFilter& filter) {
  auto& client = context.client;
  // ListContainers passes the inspect check that reading properties needs;
  // the properties add the state, how a container ended, and the labels.
  auto list = client.invoke("ListContainers", [&] { return client.manager().ListContainers(); });
  auto properties = client.all_container_properties();

  struct Row {
    const ManagerProxy::ContainerList::value_type* item;
    PropertyMap properties;  // empty for a container gone since ListContainers
    StateView state;
  };
  std::vector<Row> rows;
  for (const auto& c : list) {
    Row row{&c, {}, {}};
    if (auto found = properties.find(c.get<10>()); found != properties.end())
      row.properties = std::move(found->second);
    row.state = state_of(row.properties, container_state(c.get<6>(), c.get<7>()));
    if (!all && row.state.state != "running") continue;
    ContainerFacts facts = row.properties.empty()
                               ? ContainerFacts{c.get<3>(), c.get<2>(), c.get<1>(), c.get<5>(), {}}
                               : facts_of(row.properties);
    if (!matches(filter, facts)) continue;
    rows.push_back(std::move(row));
  }

  if (context.output.json) {
    Json::Value containers(Json::arrayValue);
    for (const auto& row : rows) {
      const auto& c = *row.item;
      Json::Value item;
      item["id"] = c.get<0>();
      item["name"] = c.get<1>();
      item["image"] = c.get<2>();
      item["runtime"] = c.get<3>();
      item["podName"] = c.get<4>();
      item["podNamespace"] = c.get<5>();
      item["origin"] = c.get<6>();
      item["started"] = c.get<7>();
      item["state"] = row.state.state;
      item["exitCode"] = row.state.exit_code;
      item["exitSignal"] = row.state.exit_signal;
      item["oomKilled"] = row.state.oom_killed;
      item["health"] = row.state.health;
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
  if (rows.empty()) {
    if (context.output.legend) fmt::print("No containers.\n");
    return 0;
  }
  Table table({"CONTAINER ID", "NAME", "IMAGE", "RUNTIME", "POD", "STATE", "CREATED"});
  auto now = now_usec();
  for (const auto& row : rows) {
    const auto& c = *row.item;
    std::string pod = c.get<4>().empty() ? "" : fmt::format("{}/{}", c.get<5>(), c.get<4>());
    table.add_row({short_id(c.get<0>()), c.get<1>(), c.get<2>(), c.get<3>(), pod,
                   format_state(row.state), format_relative(c.get<9>(), now)});
  }
  table.print(stdout, context.output.legend);
  if (context.output.legend)
    fmt::print("\n{} container{} listed.\n", table.rows(), table.rows() == 1 ? "" : "s");
  return 0;
}

}  // namespace tracker::ctl
