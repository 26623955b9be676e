#include <signal.h>

#include <cerrno>

#include <fmt/format.h>

#include "service/dbus_names.h"
#include "trackerctl/commands.h"
#include "trackerctl/exit_codes.h"
#include "util/text.h"

namespace tracker::ctl {
namespace {

// A process as this host sees it; EPERM means it exists but is not ours.
bool process_exists(std::uint32_t pid) {
  return kill(static_cast<pid_t>(pid), 0) == 0 || errno == EPERM;
}

struct Answer {
  std::uint32_t pid;
  std::optional<CommandError> error;
  std::string path;  // "" for a process on the host
  PropertyMap properties;
};

Answer look_up(Client& client, std::uint32_t pid) {
  Answer answer{pid, std::nullopt, "", {}};
  try {
    answer.path = client.manager().GetContainerByPID(pid);
  } catch (const sdbus::Error& error) {
    if (error.getName() != dbus_names::kErrorNoSuchContainer) {
      auto described = describe_error(error, "GetContainerByPID");
      // Not for this PID alone: the daemon is gone or says no to everyone.
      if (described.exit_code() == kExitAccessDenied || described.exit_code() == kExitNotRunning)
        throw described;
      answer.error = described;
    } else if (!process_exists(pid)) {
      answer.error = CommandError(kExitNotFound, "", fmt::format("No process {}.", pid));
    }
    return answer;
  }
  // Best effort: the container may be gone already.
  try {
    answer.properties = client.container_properties(sdbus::ObjectPath(answer.path));
  } catch (const CommandError&) {
  }
  return answer;
}

Json::Value to_json(const Answer& answer) {
  Json::Value item;
  item["pid"] = Json::UInt(answer.pid);
  if (answer.error) {
    item["error"]["name"] = answer.error->name();
    item["error"]["message"] = answer.error->what();
    item["error"]["exitCode"] = answer.error->exit_code();
    return item;
  }
  item["host"] = answer.path.empty();
  if (answer.path.empty()) return item;
  item["id"] = property<std::string>(answer.properties, "Id");
  item["name"] = property<std::string>(answer.properties, "Name");
  item["image"] = property<std::string>(answer.properties, "Image");
  item["runtime"] = property<std::string>(answer.properties, "Runtime");
  item["objectPath"] = answer.path;
  return item;
}

}  // namespace

int pid_command(Context& context, const std::vector<std::uint32_t>& pids) {
  std::vector<Answer> answers;
  int exit_code = kExitOk;
  for (auto pid : pids) {
    answers.push_back(look_up(context.client, pid));
    if (answers.back().error && exit_code == kExitOk) exit_code = answers.back().error->exit_code();
  }

  if (context.output.json) {
    Json::Value processes(Json::arrayValue);
    for (const auto& answer : answers) processes.append(to_json(answer));
    Json::Value root;
    root["processes"] = processes;
    print_json(root);
    return exit_code;
  }

  for (const auto& answer : answers)
    if (answer.error) fmt::print(stderr, "{}\n", escape_for_display(answer.error->what()));
  Pager pager(context.output.pager);
  Table table({"PID", "CONTAINER ID", "NAME", "IMAGE", "RUNTIME"});
  for (const auto& answer : answers) {
    if (answer.error) continue;
    if (answer.path.empty()) {
      table.add_row({std::to_string(answer.pid), "host"});
      continue;
    }
    const auto& p = answer.properties;
    table.add_row({std::to_string(answer.pid), short_id(property<std::string>(p, "Id")),
                   property<std::string>(p, "Name"), property<std::string>(p, "Image"),
                   property<std::string>(p, "Runtime")});
  }
  if (table.rows() > 0) table.print(stdout, context.output.legend);
  return exit_code;
}

}  // namespace tracker::ctl
