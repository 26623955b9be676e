#include "trackerctl/cli.h"

#include <unistd.h>

#include <functional>
#include <iostream>
#include <limits>

#include <fmt/format.h>
#include <CLI/CLI.hpp>

#include "trackerctl/commands.h"
#include "trackerctl/exit_codes.h"
#include "trackerctl/polkit_agent.h"
#include "util/text.h"

namespace tracker::ctl {
namespace {

void print_error(const CommandError& error, bool json) {
  if (json) {
    Json::Value root;
    root["error"]["name"] = error.name();
    root["error"]["message"] = error.what();
    root["error"]["exitCode"] = error.exit_code();
    print_json(root);
  } else {
    fmt::print(stderr, "{}\n", escape_for_display(error.what()));
  }
}

// --runtime, --image, --name, --label, --pod-namespace: each repeatable, one
// value per occurrence.
void add_filter_options(CLI::App* command, ContainerFilter& filter,
                        std::vector<std::string>& labels) {
  auto option = [command](const char* name, std::vector<std::string>& values, const char* help) {
    return command->add_option(name, values, help)->allow_extra_args(false);
  };
  option("--runtime", filter.runtimes, "Only containers of this runtime (docker, containerd, ...)")
      ->type_name("RUNTIME");
  option("--image", filter.images, "Only containers whose image matches this glob")
      ->type_name("GLOB");
  option("--name", filter.names, "Only containers whose name matches this glob")->type_name("GLOB");
  option("--label", labels, "Only containers with this label (and value)")
      ->type_name("KEY[=VALUE]")
      ->check([](const std::string& text) {
        LabelSelector selector;
        return parse_label_selector(text, selector);
      });
  option("--pod-namespace", filter.pod_namespaces, "Only containers of pods in this namespace")
      ->type_name("NS");
  command->footer(std::string("Repeated and different filters must all match.\n\n") +
                  kExitCodesHelp);
}

ContainerFilter with_labels(ContainerFilter filter, const std::vector<std::string>& labels) {
  for (const auto& text : labels) {
    LabelSelector selector;
    parse_label_selector(text, selector);
    filter.labels.push_back(std::move(selector));
  }
  return filter;
}

}  // namespace

int run(int argc, char** argv) {
  CLI::App app{"Query and control tracker, the container tracking agent, over D-Bus.",
               "trackerctl"};
  app.footer(kExitCodesHelp);
  app.require_subcommand(1);
  app.fallthrough();

  OutputOptions output;
  bool no_legend = false, no_pager = false, no_ask_password = false;
  app.add_flag("--json", output.json, "Print JSON (errors too), stable for scripts");
  app.add_flag("--no-legend", no_legend, "Do not print the header and the footer of tables");
  app.add_flag("--no-pager", no_pager, "Do not pipe the output into a pager");
  app.add_flag("--no-ask-password", no_ask_password,
               "Do not ask for a password when an action needs authentication");

  std::function<int(Context&)> command;

  bool all = false;
  ContainerFilter filter;
  std::vector<std::string> labels;
  auto* containers = app.add_subcommand(
      "containers",
      "List the running containers (found at start-up, or whose first process has started)");
  containers->add_flag("-a,--all", all,
                       "Also list containers that were created but have not started yet, "
                       "and those that exited");
  add_filter_options(containers, filter, labels);
  containers->callback([&] {
    command = [&](Context& c) { return containers_command(c, all, with_labels(filter, labels)); };
  });

  std::string id;
  auto* container = app.add_subcommand(
      "container", "Show every property of a container, named by id, unique id prefix or name");
  container->add_option("id", id, "Container id, unique id prefix or name")->required();
  container->callback([&] { command = [&](Context& c) { return container_command(c, id); }; });

  std::vector<std::uint32_t> pids;
  auto* pid = app.add_subcommand("pid", "Show the container each process runs in, or host");
  pid->add_option("pid", pids, "Process id, as this host sees it")
      ->required()
      ->type_name("PID")
      ->check(CLI::Range(1, std::numeric_limits<pid_t>::max()).description(""));
  pid->callback([&] { command = [&](Context& c) { return pid_command(c, pids); }; });

  app.add_subcommand("runtimes", "List the container runtime sockets used for enrichment")
      ->callback([&] { command = runtimes_command; });
  auto* monitor = app.add_subcommand(
      "monitor", "Follow containers being added, enriched and removed until Ctrl-C");
  add_filter_options(monitor, filter, labels);
  monitor->callback([&] {
    command = [&](Context& c) { return monitor_command(c, with_labels(filter, labels)); };
  });
  app.add_subcommand("status", "Show the daemon's version, enrichment, counters and runtimes")
      ->callback([&] { command = status_command; });
  app.add_subcommand("metrics", "Print the daemon's own metrics in the Prometheus text format")
      ->callback([&] { command = metrics_command; });
  app.add_subcommand("reload", "Make the daemon re-read its configuration")->callback([&] {
    command = reload_command;
  });

  std::string state;
  auto* enrichment =
      app.add_subcommand("enrichment", "Show, or turn on or off, enrichment of containers");
  enrichment->add_option("state", state, "on or off")
      ->check(CLI::IsMember({"on", "off", "yes", "no", "true", "false", "1", "0"}));
  enrichment->callback([&] {
    command = [&](Context& c) {
      std::optional<bool> enable;
      if (!state.empty())
        enable = state == "on" || state == "yes" || state == "true" || state == "1";
      return enrichment_command(c, enable);
    };
  });

  // CLI11 would only say that a subcommand is required.
  bool json = false;
  for (int i = 1; i < argc; ++i) json |= std::string_view(argv[i]) == "--json";
  for (int i = 1; i < argc; ++i) {
    std::string word = argv[i];
    if (word.empty() || word[0] == '-') continue;
    bool known = false;
    for (const auto* subcommand : app.get_subcommands({})) known |= subcommand->get_name() == word;
    if (known) break;
    auto error = CommandError(kExitUsage, "", fmt::format("Unknown command verb '{}'.", word));
    print_error(error, json);
    if (!json) fmt::print(stderr, "Run with --help for more information.\n");
    return kExitUsage;
  }

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& error) {
    if (error.get_exit_code() == 0) {
      app.exit(error);
      return kExitOk;
    }
    if (output.json)
      print_error(CommandError(kExitUsage, "", error.what()), true);
    else
      app.exit(error);
    return kExitUsage;
  }
  output.legend = !no_legend;
  output.pager = !no_pager;

  try {
    // Interactive authorization only makes sense with someone at a terminal.
    bool interactive = !no_ask_password && isatty(STDIN_FILENO);
    PolkitAgent agent(interactive);
    Client client(interactive);
    Context context{client, output};
    return command(context);
  } catch (const CommandError& error) {
    print_error(error, output.json);
    return error.exit_code();
  } catch (const std::exception& error) {
    print_error(CommandError(kExitFailure, "", error.what()), output.json);
    return kExitFailure;
  }
}

}  // namespace tracker::ctl
