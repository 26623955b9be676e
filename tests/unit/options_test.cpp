#include "config/options.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "tracker_config.h"

namespace tracker {
namespace {

ParseResult parse(std::vector<std::string> args) {
  args.insert(args.begin(), "tracker");
  std::vector<char*> argv;
  for (auto& arg : args) argv.push_back(arg.data());
  argv.push_back(nullptr);
  return parse_command_line(static_cast<int>(args.size()), argv.data());
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::size_t start = 0;
  for (std::size_t at; (at = text.find('\n', start)) != std::string::npos; start = at + 1)
    lines.push_back(text.substr(start, at - start));
  if (start < text.size()) lines.push_back(text.substr(start));
  return lines;
}

// --- refused command lines ---

struct RefusedCase {
  std::string name;
  std::vector<std::string> args;
  std::string want_in_message;  // the bad value, with what the message says about it
};

void PrintTo(const RefusedCase& c, std::ostream* os) {
  *os << c.name;
}

const std::vector<RefusedCase> kRefusedCases = {
    {"UnknownEvent",
     {"--events", "sched_process_exec,sched_process_clone"},
     "unknown event 'sched_process_clone' (known: container_create, container_remove, "
     "container_exit, existing_container, sched_process_exec, sched_process_exit, "
     "sched_process_fork)"},
    {"UnknownEventInSecondFlag", {"-e", "container_create", "-e", "exec"}, "unknown event 'exec'"},
    {"EventNamesAreCaseSensitive", {"-e", "Container_Create"}, "unknown event 'Container_Create'"},
    {"NoEventNamesAtAll", {"--events", ",,"}, "--events needs at least one event name"},
    {"UnknownScope", {"--scope", "pods"}, "unknown scope 'pods'"},
    {"ConflictingScopes",
     {"--scope", "container", "--scope", "not-container"},
     "scope 'not-container' conflicts with 'container'"},
    {"ConflictingContainerScopes",
     {"-s", "container=new", "-s", "container=started"},
     "scope 'container=started' conflicts with 'container=new'"},
    {"BadScopeIdPrefix", {"-s", "container=a/b"}, "invalid scope 'container=a/b'"},
    {"UnknownOutput", {"--output", "xml"}, "xml"},
    {"OutputIsCaseSensitive", {"-o", "JSON"}, "JSON"},
    {"CriWithoutColon",
     {"--cri", "docker"},
     "invalid --cri 'docker': expected <runtime>:<socket path>"},
    {"CriWithoutRuntime", {"--cri", ":/run/docker.sock"}, "invalid --cri ':/run/docker.sock'"},
    {"CriWithoutPath", {"--cri", "containerd:"}, "invalid --cri 'containerd:'"},
    {"CriUnknownRuntime",
     {"--cri", "rkt:/run/rkt.sock"},
     "unknown runtime 'rkt' in --cri (docker, containerd, crio, podman)"},
    {"CriSecondBad",
     {"--cri", "docker:/var/run/docker.sock", "--cri", "lxc:/x"},
     "unknown runtime 'lxc'"},
    {"BufferNotPowerOfTwo",
     {"--buffer-size", "1000"},
     "invalid --buffer-size 1000: a power of two from 4 to 1048576 (KiB)"},
    {"BufferTooSmall", {"--buffer-size", "2"}, "invalid --buffer-size 2"},
    {"BufferZero", {"--buffer-size", "0"}, "invalid --buffer-size 0"},
    {"BufferTooLarge", {"--buffer-size", "2097152"}, "invalid --buffer-size 2097152"},
    {"BufferNotANumber", {"--buffer-size", "lots"}, "lots"},
    {"BufferNegative", {"--buffer-size=-4"}, "-4"},
    {"BufferBeyond32Bits", {"--buffer-size", "4294967296"}, "4294967296"},
    {"UnknownOption", {"--containerz"}, "--containerz"},
};

class RefusedCommandLineTest : public testing::TestWithParam<RefusedCase> {};

TEST_P(RefusedCommandLineTest, ExitsTwoWithOneLineNamingTheValue) {
  const auto& row = GetParam();
  testing::internal::CaptureStdout();
  testing::internal::CaptureStderr();
  auto result = parse(row.args);
  std::string err = testing::internal::GetCapturedStderr();
  std::string out = testing::internal::GetCapturedStdout();

  EXPECT_FALSE(result.options);
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_EQ(out, "");
  auto lines = lines_of(err);
  ASSERT_FALSE(lines.empty());
  EXPECT_EQ(lines[0].rfind("tracker: ", 0), 0u) << lines[0];
  EXPECT_NE(lines[0].find(row.want_in_message), std::string::npos) << lines[0];
  for (std::size_t i = 1; i < lines.size(); ++i)
    EXPECT_EQ(lines[i], "Try 'tracker --help' for more information.") << err;
}

INSTANTIATE_TEST_SUITE_P(Usage, RefusedCommandLineTest, testing::ValuesIn(kRefusedCases),
                         [](const testing::TestParamInfo<RefusedCase>& row) {
                           return row.param.name;
                         });

// --- accepted command lines ---

struct Want {
  std::optional<OutputFormat> output;
  std::vector<EventType> events = all_event_types();
  Scope::Mode scope = Scope::Mode::all;
  std::vector<std::string> prefixes;
  bool containers = false;
  std::vector<std::pair<std::string, std::string>> cri;
  std::string hierarchy = "auto";
  std::uint32_t buffer_kib = 4096;
  bool raw_tracepoints = false;
  bool verbose = false;
};

struct AcceptedCase {
  std::string name;
  std::vector<std::string> args;
  Want want;
};

void PrintTo(const AcceptedCase& c, std::ostream* os) {
  *os << c.name;
}

Want want_output(OutputFormat format) {
  Want w;
  w.output = format;
  return w;
}
Want want_events(std::vector<EventType> events) {
  Want w;
  w.events = std::move(events);
  return w;
}
Want want_scope(Scope::Mode mode, std::vector<std::string> prefixes = {}) {
  Want w;
  w.scope = mode;
  w.prefixes = std::move(prefixes);
  return w;
}

Want want_containers_with_cri(std::vector<std::pair<std::string, std::string>> cri) {
  Want w;
  w.containers = true;
  w.cri = std::move(cri);
  return w;
}

Want want_buffer(std::uint32_t kib) {
  Want w;
  w.buffer_kib = kib;
  return w;
}

Want want_everything() {
  Want w;
  w.output = OutputFormat::json;
  w.events = {EventType::container_create, EventType::sched_process_exec};
  w.scope = Scope::Mode::container_started;
  w.prefixes = {"3cfaa"};
  w.containers = true;
  w.cri = {{"crio", "/var/run/crio/crio.sock"}};
  w.hierarchy = "memory";
  w.buffer_kib = 8192;
  w.raw_tracepoints = true;
  w.verbose = true;
  return w;
}

const std::vector<AcceptedCase> kAcceptedCases = {
    {"NoArgumentsGiveDefaults", {}, Want{}},
    {"OutputJson", {"--output", "json"}, want_output(OutputFormat::json)},
    {"OutputTableShort", {"-o", "table"}, want_output(OutputFormat::table)},
    {"OutputWithEquals", {"--output=json"}, want_output(OutputFormat::json)},
    {"EventsCommaList",
     {"--events", "container_create,container_remove"},
     want_events({EventType::container_create, EventType::container_remove})},
    {"EventsRepeated",
     {"-e", "sched_process_exec", "-e", "sched_process_exit"},
     want_events({EventType::sched_process_exec, EventType::sched_process_exit})},
    {"EventsWithEmptyItems",
     {"-e", ",existing_container,,"},
     want_events({EventType::existing_container})},
    {"EventsDuplicated",
     {"-e", "sched_process_fork,sched_process_fork"},
     want_events({EventType::sched_process_fork})},
    {"ScopeContainer", {"--scope", "container"}, want_scope(Scope::Mode::container)},
    {"ScopeNew", {"-s", "container=new"}, want_scope(Scope::Mode::container_new)},
    {"ScopeNotContainer", {"-s", "not-container"}, want_scope(Scope::Mode::not_container)},
    {"ScopePrefixes",
     {"-s", "container=3cfaa", "-s", "container=ab5f"},
     want_scope(Scope::Mode::container, {"3cfaa", "ab5f"})},
    {"ScopePrefixAndNew",
     {"-s", "container=3cfaa", "--scope=container=new"},
     want_scope(Scope::Mode::container_new, {"3cfaa"})},
    {"ContainersShort", {"-c"}, want_containers_with_cri({})},
    {"CriSockets",
     {"--containers", "--cri", "docker:/var/run/docker.sock", "--cri",
      "containerd:unix:///run/containerd/containerd.sock", "--cri",
      "podman:/run/user/1000/podman/podman.sock"},
     want_containers_with_cri({{"docker", "/var/run/docker.sock"},
                               {"containerd", "/run/containerd/containerd.sock"},
                               {"podman", "/run/user/1000/podman/podman.sock"}})},
    {"BufferSmallest", {"--buffer-size", "4"}, want_buffer(4)},
    {"BufferLargest", {"--buffer-size", "1048576"}, want_buffer(1048576)},
    {"Everything",
     {"-o", "json", "-e", "container_create,sched_process_exec", "-s", "container=started", "-s",
      "container=3cfaa", "-c", "--cri", "crio:/var/run/crio/crio.sock", "--cgroup-hierarchy",
      "memory", "--buffer-size", "8192", "--raw-tracepoints", "-v"},
     want_everything()},
};

class AcceptedCommandLineTest : public testing::TestWithParam<AcceptedCase> {};

TEST_P(AcceptedCommandLineTest, ParsesEveryOption) {
  const auto& row = GetParam();
  const auto& want = row.want;
  testing::internal::CaptureStderr();
  auto result = parse(row.args);
  EXPECT_EQ(testing::internal::GetCapturedStderr(), "");
  ASSERT_TRUE(result.options);
  EXPECT_EQ(result.exit_code, 0);
  const Options& options = *result.options;

  EXPECT_EQ(options.output, want.output);
  for (auto type : all_event_types()) {
    bool wanted = std::find(want.events.begin(), want.events.end(), type) != want.events.end();
    EXPECT_EQ(options.events.contains(type), wanted) << event_name(type);
  }
  EXPECT_EQ(options.scope.mode(), want.scope);
  EXPECT_EQ(options.scope.id_prefixes(), want.prefixes);
  EXPECT_EQ(options.containers, want.containers);
  std::vector<std::pair<std::string, std::string>> cri;
  for (auto& socket : options.cri_sockets) cri.emplace_back(socket.runtime, socket.path);
  EXPECT_EQ(cri, want.cri);
  EXPECT_EQ(options.cgroup_hierarchy, want.hierarchy);
  EXPECT_EQ(options.buffer_kib, want.buffer_kib);
  EXPECT_EQ(options.raw_tracepoints, want.raw_tracepoints);
  EXPECT_EQ(options.verbose, want.verbose);
}

INSTANTIATE_TEST_SUITE_P(Usage, AcceptedCommandLineTest, testing::ValuesIn(kAcceptedCases),
                         [](const testing::TestParamInfo<AcceptedCase>& row) {
                           return row.param.name;
                         });

struct InfoCase {
  std::string name;
  std::string flag;
  std::string want_in_stdout;
};

void PrintTo(const InfoCase& c, std::ostream* os) {
  *os << c.name;
}

const std::vector<InfoCase> kInfoCases = {
    {"Help", "--help", "--scope"},
    {"HelpShort", "-h", "--cgroup-hierarchy"},
    {"Version", "--version", TRACKER_VERSION},
    {"VersionShort", "-V", TRACKER_VERSION},
};

class InfoFlagTest : public testing::TestWithParam<InfoCase> {};

TEST_P(InfoFlagTest, PrintsAndExitsZero) {
  testing::internal::CaptureStdout();
  auto result = parse({GetParam().flag});
  std::string out = testing::internal::GetCapturedStdout();
  EXPECT_FALSE(result.options);
  EXPECT_EQ(result.exit_code, 0);
  EXPECT_NE(out.find(GetParam().want_in_stdout), std::string::npos) << out;
}

INSTANTIATE_TEST_SUITE_P(Usage, InfoFlagTest, testing::ValuesIn(kInfoCases),
                         [](const testing::TestParamInfo<InfoCase>& row) {
                           return row.param.name;
                         });

}  // namespace
}  // namespace tracker
