#include <fmt/format.h>

#include "trackerctl/commands.h"

namespace tracker::ctl {

int runtimes_command(Context& context) {
  auto list = context.client.invoke("ListRuntimes",
                                    [&] { return context.client.manager().ListRuntimes(); });
  if (context.output.json) {
    Json::Value runtimes(Json::arrayValue);
    for (const auto& r : list) {
      Json::Value item;
      item["runtime"] = r.get<0>();
      item["socket"] = r.get<1>();
      item["configured"] = r.get<2>();
      item["up"] = r.get<3>();
      item["lastError"] = r.get<4>();
      item["lookups"] = Json::UInt64(r.get<5>());
      item["found"] = Json::UInt64(r.get<6>());
      item["uid"] = Json::UInt(r.get<7>());
      item["stream"] = r.get<8>();
      runtimes.append(item);
    }
    Json::Value root;
    root["runtimes"] = runtimes;
    print_json(root);
    return 0;
  }

  Pager pager(context.output.pager);
  if (list.empty()) {
    if (context.output.legend) fmt::print("No runtimes.\n");
    return 0;
  }
  Table table(
      {"RUNTIME", "SOCKET", "SOURCE", "UID", "STATE", "STREAM", "LOOKUPS", "FOUND", "ERROR"});
  for (const auto& r : list)
    table.add_row({r.get<0>(), r.get<1>(), r.get<2>() ? "configured" : "discovered",
                   std::to_string(r.get<7>()), r.get<3>() ? "up" : "down", r.get<8>(),
                   std::to_string(r.get<5>()), std::to_string(r.get<6>()), r.get<4>()});
  table.print(stdout, context.output.legend);
  if (context.output.legend)
    fmt::print("\n{} runtime{} listed.\n", table.rows(), table.rows() == 1 ? "" : "s");
  return 0;
}

}  // namespace tracker::ctl
