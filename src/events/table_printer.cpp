#include <fmt/format.h>

#include <ctime>

#include "events/printer.h"
#include "registry/registry.h"
#include "util/text.h"

namespace tracker {

std::unique_ptr<Printer> make_json_printer(OutputStream& out);

namespace {

constexpr std::size_t kImageWidth = 24;

std::string format_value(const Arg::Value& value) {
  return std::visit(
      [](const auto& v) -> std::string {
        using T = std::decay_t<decltype(v)>;
        if constexpr (std::is_same_v<T, bool>) {
          return v ? "true" : "false";
        } else if constexpr (std::is_same_v<T, std::string>) {
          return escape_for_display(v);
        } else if constexpr (std::is_same_v<T, std::vector<std::string>>) {
          std::vector<std::string> escaped;
          for (const auto& item : v) escaped.push_back(escape_for_display(item));
          return fmt::format("[{}]", fmt::join(escaped, " "));
        } else {
          return fmt::format("{}", v);
        }
      },
      value);
}

std::string clock_time(std::int64_t epoch_ns) {
  std::time_t seconds = epoch_ns / 1'000'000'000;
  std::tm local{};
  localtime_r(&seconds, &local);
  return fmt::format("{:02}:{:02}:{:02}:{:06}", local.tm_hour, local.tm_min, local.tm_sec,
                     (epoch_ns % 1'000'000'000) / 1000);
}

// Keeps the end of an image name: the repository and tag say the most. Cuts
// at a code point boundary.
std::string fit(std::string_view text, std::size_t width) {
  if (text.size() <= width) return std::string(text);
  std::size_t start = text.size() - (width - 1);
  while (start < text.size() && (static_cast<unsigned char>(text[start]) & 0xc0) == 0x80) ++start;
  return "~" + std::string(text.substr(start));
}

class TablePrinter : public Printer {
 public:
  TablePrinter(const PrinterOptions& options, OutputStream& out) : options_(options), out_(out) {}

  void print_header() override {
    std::string& s = out_.buffer();
    fmt::format_to(std::back_inserter(s), "{:<16} {:<6} {:<16} ", "TIME", "UID", "COMM");
    if (options_.container_columns) {
      fmt::format_to(std::back_inserter(s), "{:<12} ", "CONTAINER_ID");
      if (options_.image_column) fmt::format_to(std::back_inserter(s), "{:<24} ", "IMAGE");
      fmt::format_to(std::back_inserter(s), "{:<15} {:<15} ", "PID/host", "TID/host");
    } else {
      fmt::format_to(std::back_inserter(s), "{:<7} {:<7} ", "PID", "TID");
    }
    fmt::format_to(std::back_inserter(s), "{:<20} {}", "EVENT", "ARGS");
    out_.end_line();
  }

  void print(const Event& event) override {
    std::string& s = out_.buffer();
    const auto& c = event.context;
    // A table line is one line: process names, images and args are escaped.
    auto comm = escape_for_display(std::string_view(c.comm, strnlen(c.comm, sizeof(c.comm))));
    fmt::format_to(std::back_inserter(s), "{:<16} {:<6} {:<16} ", clock_time(event.timestamp_ns),
                   c.uid, comm);
    if (options_.container_columns) {
      auto id = escape_for_display(event.container ? event.container->id().substr(0, 12) : "");
      fmt::format_to(std::back_inserter(s), "{:<12} ", id);
      if (options_.image_column)
        fmt::format_to(std::back_inserter(s), "{:<24} ",
                       fit(escape_for_display(event.container ? event.container->info.image : ""),
                           kImageWidth));
      fmt::format_to(std::back_inserter(s), "{:<15} {:<15} ",
                     fmt::format("{}/{}", c.pid, c.host_pid),
                     fmt::format("{}/{}", c.tid, c.host_tid));
    } else {
      fmt::format_to(std::back_inserter(s), "{:<7} {:<7} ", c.host_pid, c.host_tid);
    }
    fmt::format_to(std::back_inserter(s), "{:<20} ", event_name(event.type));

    bool lifecycle =
        event.type == EventType::container_create || event.type == EventType::container_remove ||
        event.type == EventType::container_exit || event.type == EventType::existing_container;
    auto args = lifecycle ? lifecycle_args(event) : event.args;
    bool first = true;
    for (auto& arg : args) {
      std::string value = format_value(arg.value);
      if (value.empty() && lifecycle) continue;
      fmt::format_to(std::back_inserter(s), "{}{}: {}", first ? "" : ", ", arg.name, value);
      first = false;
    }
    out_.end_line();
  }

 private:
  PrinterOptions options_;
  OutputStream& out_;
};

}  // namespace

std::unique_ptr<Printer> make_printer(const PrinterOptions& options, OutputStream& out) {
  if (options.format == OutputFormat::json) return make_json_printer(out);
  return std::make_unique<TablePrinter>(options, out);
}

}  // namespace tracker
