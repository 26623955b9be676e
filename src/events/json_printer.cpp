#include <fmt/format.h>
#include <json/json.h>

#include "events/printer.h"
#include "registry/registry.h"

namespace tracker {
namespace {

// Strings go through jsoncpp's escaper; the fixed shape is written directly.
void quoted(std::string& out, const std::string& text) {
  out += Json::valueToQuotedString(text.c_str());
}

void write_value(std::string& out, const Arg::Value& value) {
  std::visit(
      [&](const auto& v) {
        using T = std::decay_t<decltype(v)>;
        if constexpr (std::is_same_v<T, bool>) {
          out += v ? "true" : "false";
        } else if constexpr (std::is_same_v<T, std::string>) {
          quoted(out, v);
        } else if constexpr (std::is_same_v<T, std::vector<std::string>>) {
          out += '[';
          for (std::size_t i = 0; i < v.size(); ++i) {
            if (i) out += ',';
            quoted(out, v[i]);
          }
          out += ']';
        } else {
          fmt::format_to(std::back_inserter(out), "{}", v);
        }
      },
      value);
}

class JsonPrinter : public Printer {
 public:
  explicit JsonPrinter(OutputStream& out) : out_(out) {}

  void print(const Event& event) override {
    std::string& s = out_.buffer();
    const auto& c = event.context;
    std::string comm(c.comm, strnlen(c.comm, sizeof(c.comm)));
    fmt::format_to(std::back_inserter(s),
                   R"({{"timestamp":{},"processId":{},"threadId":{},"parentProcessId":{},)"
                   R"("hostProcessId":{},"hostThreadId":{},"hostParentProcessId":{},"userId":{},)"
                   R"("mountNamespace":{},"pidNamespace":{},"processName":)",
                   event.timestamp_ns, c.pid, c.tid, c.ppid, c.host_pid, c.host_tid, c.host_ppid,
                   c.uid, c.mnt_ns, c.pid_ns);
    quoted(s, comm);
    fmt::format_to(std::back_inserter(s), R"(,"cgroupId":{},"eventName":")", c.cgroup_id);
    s += event_name(event.type);
    s += R"(","containerId":)";

    static const ContainerRecord kNoContainer;
    const ContainerRecord& k = event.container ? *event.container : kNoContainer;
    quoted(s, k.id());
    s += R"(,"container":{"id":)";
    quoted(s, k.id());
    s += R"(,"name":)";
    quoted(s, k.info.name);
    s += R"(,"image":)";
    quoted(s, k.info.image);
    s += R"(,"imageDigest":)";
    quoted(s, k.info.image_digest);
    s += R"(},"kubernetes":{"podName":)";
    quoted(s, k.info.pod.name);
    s += R"(,"podNamespace":)";
    quoted(s, k.info.pod.namespace_name);
    s += R"(,"podUID":)";
    quoted(s, k.info.pod.uid);
    s += R"(,"podSandbox":)";
    s += k.info.pod.sandbox ? "true" : "false";
    s += R"(},"args":[)";

    bool lifecycle =
        event.type == EventType::container_create || event.type == EventType::container_remove ||
        event.type == EventType::container_exit || event.type == EventType::existing_container;
    const std::vector<Arg>& args = lifecycle ? (lifecycle_ = lifecycle_args(event)) : event.args;
    for (std::size_t i = 0; i < args.size(); ++i) {
      if (i) s += ',';
      s += R"({"name":")";
      s += args[i].name;
      s += R"(","type":")";
      s += args[i].type;
      s += R"(","value":)";
      write_value(s, args[i].value);
      s += '}';
    }
    s += "]}";
    out_.end_line();
    // A container's arrival or departure goes out at once rather than with the
    // next batch: readers wait for these lines (they are few), while process
    // events stay batched.
    if (lifecycle) out_.flush();
  }

 private:
  OutputStream& out_;
  std::vector<Arg> lifecycle_;
};

}  // namespace

std::unique_ptr<Printer> make_json_printer(OutputStream& out) {
  return std::make_unique<JsonPrinter>(out);
}

}  // namespace tracker
