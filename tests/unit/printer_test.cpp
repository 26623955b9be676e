#include <fcntl.h>
#include <gtest/gtest.h>
#include <json/json.h>
#include <unistd.h>

#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <map>
#include <memory>
#include <ostream>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "events/output_stream.h"
#include "events/printer.h"
#include "registry/registry.h"

namespace tracker {
namespace {

const std::string kId = "3cfaa5502403c9a029e90998854937971a5a318ac0045b1285dcd2fc016af5dd";

// The write end goes to an OutputStream; the read end never blocks.
class Pipe {
 public:
  Pipe() {
    if (pipe2(fds_, O_CLOEXEC) != 0) ADD_FAILURE() << "pipe2: " << std::strerror(errno);
    fcntl(fds_[0], F_SETFL, O_NONBLOCK);
  }
  ~Pipe() {
    close_reader();
    ::close(fds_[1]);
  }
  int write_fd() const { return fds_[1]; }
  std::string read_available() {
    std::string text;
    char chunk[4096];
    ssize_t n;
    while ((n = ::read(fds_[0], chunk, sizeof(chunk))) > 0) text.append(chunk, n);
    return text;
  }
  std::string read_some(std::size_t most) {
    std::string text(most, '\0');
    ssize_t n = ::read(fds_[0], text.data(), most);
    text.resize(n > 0 ? static_cast<std::size_t>(n) : 0);
    return text;
  }
  void close_reader() {
    if (fds_[0] >= 0) ::close(fds_[0]);
    fds_[0] = -1;
  }

 private:
  int fds_[2] = {-1, -1};
};

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::size_t start = 0;
  for (std::size_t at; (at = text.find('\n', start)) != std::string::npos; start = at + 1)
    lines.push_back(text.substr(start, at - start));
  EXPECT_EQ(start, text.size()) << "output ends inside a line: " << text;
  return lines;
}

bool is_valid_utf8(const std::string& text) {
  for (std::size_t i = 0; i < text.size();) {
    unsigned char c = text[i];
    std::size_t n = c < 0x80           ? 1
                    : (c >> 5) == 0x6  ? 2
                    : (c >> 4) == 0xe  ? 3
                    : (c >> 3) == 0x1e ? 4
                                       : 0;
    if (n == 0 || i + n > text.size()) return false;
    for (std::size_t k = 1; k < n; ++k)
      if ((static_cast<unsigned char>(text[i + k]) >> 6) != 0x2) return false;
    i += n;
  }
  return true;
}

// Parses one output line strictly, after checking it is UTF-8 without raw control characters.
Json::Value parse_line(const std::string& line) {
  EXPECT_TRUE(is_valid_utf8(line)) << line;
  for (unsigned char c : line) EXPECT_GE(c, 0x20) << "raw control character in " << line;
  Json::CharReaderBuilder builder;
  Json::CharReaderBuilder::strictMode(&builder.settings_);
  std::unique_ptr<Json::CharReader> reader(builder.newCharReader());
  Json::Value root;
  std::string errors;
  EXPECT_TRUE(reader->parse(line.data(), line.data() + line.size(), &root, &errors))
      << errors << "\n"
      << line;
  return root;
}

void set_comm(tracker_task_context& context, const std::string& comm) {
  std::memset(context.comm, 0, sizeof(context.comm));
  std::memcpy(context.comm, comm.data(), std::min(comm.size(), sizeof(context.comm)));
}

tracker_task_context sample_context() {
  tracker_task_context c{};
  c.timestamp_ns = 123;
  c.cgroup_id = 4242;
  c.host_pid = 3001;
  c.host_tid = 3002;
  c.host_ppid = 3000;
  c.pid = 1;
  c.tid = 2;
  c.ppid = 0;
  c.uid = 1000;
  c.mnt_ns = 4026532000;
  c.pid_ns = 4026532001;
  set_comm(c, "nginx");
  return c;
}

std::shared_ptr<ContainerRecord> bare_container() {
  auto record = std::make_shared<ContainerRecord>();
  record->ref = {Runtime::docker, kId, true};
  record->cgroup_id = 4242;
  record->cgroup_path = "/docker/" + kId;
  record->created_ns = 1'700'000'000'123'456'789;
  return record;
}

std::shared_ptr<ContainerRecord> enriched_container() {
  auto record = bare_container();
  record->info.runtime = Runtime::containerd;
  record->info.id = kId;
  record->info.name = "web";
  record->info.image = "docker.io/library/nginx:1.25";
  record->info.image_digest =
      "sha256:0d17b565c37bcbd895e9d92315a05c1c3c9a29f762b011a10c54a66cd53c9b31";
  record->info.pod = {"web-7d4b9", "shop", "21471a9b-8ad8-4156-90c4-098b6b9130c4", true};
  return record;
}

Event event_of(EventType type, std::shared_ptr<ContainerRecord> container = nullptr) {
  Event event;
  event.type = type;
  event.timestamp_ns = 1'700'000'001'000'000'000;
  event.context = sample_context();
  event.container = std::move(container);
  if (type == EventType::sched_process_exec)
    event.args = {{"pathname", "const char*", std::string("/usr/sbin/nginx")},
                  {"argv", "const char**", std::vector<std::string>{"nginx", "-g", "daemon off;"}}};
  if (type == EventType::sched_process_fork)
    event.args = {{"child_pid", "int", std::int64_t{7}},
                  {"child_host_pid", "int", std::int64_t{8}}};
  if (type == EventType::sched_process_exit)
    event.args = {{"exit_code", "int", std::int64_t{0}}, {"process_group_exit", "bool", true}};
  return event;
}

// Prints `events` as JSON into a pipe and returns the parsed lines.
std::vector<Json::Value> print_json(const std::vector<Event>& events) {
  Pipe pipe;
  {
    OutputStream out(pipe.write_fd());
    auto printer = make_printer({OutputFormat::json}, out);
    for (auto& event : events) printer->print(event);
  }
  std::vector<Json::Value> parsed;
  for (auto& line : lines_of(pipe.read_available())) parsed.push_back(parse_line(line));
  EXPECT_EQ(parsed.size(), events.size());
  return parsed;
}

Json::Value print_one_json(const Event& event) {
  auto parsed = print_json({event});
  return parsed.empty() ? Json::Value() : parsed.front();
}

// --- JSON: the keys of DESIGN.md, each with its type ---

enum class Kind { integer, text, boolean, object, array };

bool has_kind(const Json::Value& v, Kind kind) {
  switch (kind) {
    case Kind::integer:
      return v.isIntegral() && !v.isBool();
    case Kind::text:
      return v.isString();
    case Kind::boolean:
      return v.isBool();
    case Kind::object:
      return v.isObject();
    case Kind::array:
      return v.isArray();
  }
  return false;
}

void expect_keys(const Json::Value& object, const std::vector<std::pair<std::string, Kind>>& keys,
                 const std::string& where) {
  ASSERT_TRUE(object.isObject()) << where;
  std::set<std::string> want, got;
  for (auto& [key, kind] : keys) {
    want.insert(key);
    EXPECT_TRUE(object.isMember(key)) << where << " lacks " << key;
    if (object.isMember(key)) {
      EXPECT_TRUE(has_kind(object[key], kind)) << where << "." << key;
    }
  }
  for (auto& name : object.getMemberNames()) got.insert(name);
  EXPECT_EQ(got, want) << where;
}

void expect_design_shape(const Json::Value& root) {
  expect_keys(root,
              {{"timestamp", Kind::integer},
               {"processId", Kind::integer},
               {"threadId", Kind::integer},
               {"parentProcessId", Kind::integer},
               {"hostProcessId", Kind::integer},
               {"hostThreadId", Kind::integer},
               {"hostParentProcessId", Kind::integer},
               {"userId", Kind::integer},
               {"mountNamespace", Kind::integer},
               {"pidNamespace", Kind::integer},
               {"processName", Kind::text},
               {"cgroupId", Kind::integer},
               {"eventName", Kind::text},
               {"containerId", Kind::text},
               {"container", Kind::object},
               {"kubernetes", Kind::object},
               {"args", Kind::array}},
              "event");
  expect_keys(root["container"],
              {{"id", Kind::text},
               {"name", Kind::text},
               {"image", Kind::text},
               {"imageDigest", Kind::text}},
              "container");
  expect_keys(root["kubernetes"],
              {{"podName", Kind::text},
               {"podNamespace", Kind::text},
               {"podUID", Kind::text},
               {"podSandbox", Kind::boolean}},
              "kubernetes");
  for (const auto& arg : root["args"]) {
    ASSERT_TRUE(arg.isObject());
    EXPECT_TRUE(arg["name"].isString());
    EXPECT_TRUE(arg["type"].isString());
    EXPECT_TRUE(arg.isMember("value"));
    EXPECT_EQ(arg.size(), 3u);
  }
}

struct ShapeCase {
  std::string name;
  EventType type;
  std::shared_ptr<ContainerRecord> container;
};

void PrintTo(const ShapeCase& c, std::ostream* os) {
  *os << c.name;
}

const std::vector<ShapeCase> kShapeCases = {
    {"ExecOnTheHost", EventType::sched_process_exec, nullptr},
    {"ExecInEnrichedContainer", EventType::sched_process_exec, enriched_container()},
    {"ForkInBareContainer", EventType::sched_process_fork, bare_container()},
    {"ExitOnTheHost", EventType::sched_process_exit, nullptr},
    {"ContainerCreateEnriched", EventType::container_create, enriched_container()},
    {"ContainerCreateBare", EventType::container_create, bare_container()},
    {"ExistingContainer", EventType::existing_container, enriched_container()},
    {"ContainerRemove", EventType::container_remove, enriched_container()},
};

class JsonShapeTest : public testing::TestWithParam<ShapeCase> {};

TEST_P(JsonShapeTest, EveryDesignKeyWithItsType) {
  const auto& row = GetParam();
  auto root = print_one_json(event_of(row.type, row.container));
  expect_design_shape(root);
  EXPECT_EQ(root["eventName"].asString(), event_name(row.type));
  EXPECT_EQ(root["containerId"].asString(), row.container ? kId : "");
  EXPECT_EQ(root["container"]["id"].asString(), row.container ? kId : "");
}

INSTANTIATE_TEST_SUITE_P(Events, JsonShapeTest, testing::ValuesIn(kShapeCases),
                         [](const testing::TestParamInfo<ShapeCase>& row) {
                           return row.param.name;
                         });

TEST(JsonValues, TaskContextAndContainerFieldsAreCopied) {
  auto root = print_one_json(event_of(EventType::sched_process_exec, enriched_container()));
  EXPECT_EQ(root["timestamp"].asInt64(), 1'700'000'001'000'000'000);
  EXPECT_EQ(root["processId"].asUInt(), 1u);
  EXPECT_EQ(root["threadId"].asUInt(), 2u);
  EXPECT_EQ(root["parentProcessId"].asUInt(), 0u);
  EXPECT_EQ(root["hostProcessId"].asUInt(), 3001u);
  EXPECT_EQ(root["hostThreadId"].asUInt(), 3002u);
  EXPECT_EQ(root["hostParentProcessId"].asUInt(), 3000u);
  EXPECT_EQ(root["userId"].asUInt(), 1000u);
  EXPECT_EQ(root["mountNamespace"].asUInt(), 4026532000u);
  EXPECT_EQ(root["pidNamespace"].asUInt(), 4026532001u);
  EXPECT_EQ(root["processName"].asString(), "nginx");
  EXPECT_EQ(root["cgroupId"].asUInt64(), 4242u);
  EXPECT_EQ(root["container"]["name"].asString(), "web");
  EXPECT_EQ(root["container"]["image"].asString(), "docker.io/library/nginx:1.25");
  EXPECT_EQ(root["container"]["imageDigest"].asString(),
            "sha256:0d17b565c37bcbd895e9d92315a05c1c3c9a29f762b011a10c54a66cd53c9b31");
  EXPECT_EQ(root["kubernetes"]["podName"].asString(), "web-7d4b9");
  EXPECT_EQ(root["kubernetes"]["podNamespace"].asString(), "shop");
  EXPECT_EQ(root["kubernetes"]["podUID"].asString(), "21471a9b-8ad8-4156-90c4-098b6b9130c4");
  EXPECT_TRUE(root["kubernetes"]["podSandbox"].asBool());
}

TEST(JsonValues, ProcessArgsKeepTheirTypes) {
  auto root = print_one_json(event_of(EventType::sched_process_exec));
  ASSERT_EQ(root["args"].size(), 2u);
  EXPECT_EQ(root["args"][0]["name"].asString(), "pathname");
  EXPECT_EQ(root["args"][0]["type"].asString(), "const char*");
  EXPECT_EQ(root["args"][0]["value"].asString(), "/usr/sbin/nginx");
  EXPECT_EQ(root["args"][1]["name"].asString(), "argv");
  EXPECT_EQ(root["args"][1]["type"].asString(), "const char**");
  const auto& argv = root["args"][1]["value"];
  ASSERT_TRUE(argv.isArray());
  ASSERT_EQ(argv.size(), 3u);
  EXPECT_EQ(argv[2].asString(), "daemon off;");

  auto exit = print_one_json(event_of(EventType::sched_process_exit));
  ASSERT_EQ(exit["args"].size(), 2u);
  EXPECT_TRUE(exit["args"][0]["value"].isIntegral());
  EXPECT_TRUE(exit["args"][1]["value"].isBool());
}

// --- JSON: lifecycle args ---

struct LifecycleCase {
  std::string name;
  EventType type;
  std::vector<std::string> want_names;
};

void PrintTo(const LifecycleCase& c, std::ostream* os) {
  *os << c.name;
}

const std::vector<std::string> kAnnounceArgs = {
    "runtime",        "container_id", "ctime",         "container_image", "container_image_digest",
    "container_name", "pod_name",     "pod_namespace", "pod_uid",         "pod_sandbox"};

const std::vector<LifecycleCase> kLifecycleCases = {
    {"ContainerCreate", EventType::container_create, kAnnounceArgs},
    {"ExistingContainer", EventType::existing_container, kAnnounceArgs},
    {"ContainerRemove",
     EventType::container_remove,
     {"runtime", "container_id", "exit_code", "exit_signal", "oom_killed"}},
    {"ContainerExit",
     EventType::container_exit,
     {"runtime", "container_id", "exit_code", "exit_signal", "oom_killed"}},
};

class LifecycleArgsTest : public testing::TestWithParam<LifecycleCase> {};

TEST_P(LifecycleArgsTest, ExactlyTheDesignArgs) {
  const auto& row = GetParam();
  auto root = print_one_json(event_of(row.type, enriched_container()));
  std::vector<std::string> names;
  for (const auto& arg : root["args"]) names.push_back(arg["name"].asString());
  EXPECT_EQ(names, row.want_names);
}

TEST_P(LifecycleArgsTest, ValuesComeFromTheRecord) {
  const auto& row = GetParam();
  auto root = print_one_json(event_of(row.type, enriched_container()));
  std::map<std::string, Json::Value> args;
  for (const auto& arg : root["args"]) args[arg["name"].asString()] = arg;
  EXPECT_EQ(args["runtime"]["value"].asString(), "containerd");  // the runtime's word wins
  EXPECT_EQ(args["container_id"]["value"].asString(), kId);
  if (row.type == EventType::container_remove || row.type == EventType::container_exit) {
    EXPECT_EQ(args["exit_code"]["type"].asString(), "int");
    EXPECT_EQ(args["exit_code"]["value"].asInt(), -1) << "an end not seen is unknown";
    EXPECT_EQ(args["exit_signal"]["value"].asInt(), 0);
    EXPECT_EQ(args["oom_killed"]["type"].asString(), "bool");
    EXPECT_FALSE(args["oom_killed"]["value"].asBool());
    return;
  }
  EXPECT_EQ(args["ctime"]["type"].asString(), "unsigned long");
  EXPECT_EQ(args["ctime"]["value"].asUInt64(), 1'700'000'000'123'456'789u);
  EXPECT_EQ(args["container_image"]["value"].asString(), "docker.io/library/nginx:1.25");
  EXPECT_EQ(args["container_name"]["value"].asString(), "web");
  EXPECT_EQ(args["pod_uid"]["value"].asString(), "21471a9b-8ad8-4156-90c4-098b6b9130c4");
  EXPECT_EQ(args["pod_sandbox"]["type"].asString(), "bool");
  EXPECT_TRUE(args["pod_sandbox"]["value"].isBool());
}

INSTANTIATE_TEST_SUITE_P(Lifecycle, LifecycleArgsTest, testing::ValuesIn(kLifecycleCases),
                         [](const testing::TestParamInfo<LifecycleCase>& row) {
                           return row.param.name;
                         });

TEST(LifecycleArgs, BareContainerFallsBackToCgroupRuntimeAndRuntimeCtime) {
  auto record = bare_container();
  record->created_ns = 0;
  record->info.created_ns = 42;
  auto args = lifecycle_args(event_of(EventType::container_create, record));
  ASSERT_EQ(args.size(), kAnnounceArgs.size());
  EXPECT_EQ(std::get<std::string>(args[0].value), "docker");
  EXPECT_EQ(std::get<std::uint64_t>(args[2].value), 42u);
}

TEST(LifecycleArgs, NoneWithoutAContainer) {
  EXPECT_TRUE(lifecycle_args(event_of(EventType::container_create)).empty());
}

// --- JSON: hostile strings ---

struct HostileCase {
  std::string name;
  std::string text;
  bool round_trips;  // valid UTF-8 comes back unchanged; invalid bytes are replaced
};

void PrintTo(const HostileCase& c, std::ostream* os) {
  *os << c.name;
}

const std::vector<HostileCase> kHostileCases = {
    {"DoubleQuotes", "a\"b\"", true},
    {"Backslashes", "a\\b\\\\", true},
    {"Newline", "a\nb", true},
    {"CarriageReturnAndTab", "a\r\tb", true},
    {"ControlBytes", "\x01\x1b[31m\x7f", true},
    {"JsonInjection", "x\",\"eventName\":\"y", true},
    {"Utf8", "caf\xc3\xa9 \xe2\x9c\x93", true},
    {"LoneContinuationByte", "a\x80z", false},
    {"InvalidLeadByte", "a\xff\xfe", false},
    {"TruncatedSequenceAtEnd", "abc\xc3", false},
    {"OverlongSlash", "a\xc0\xaf", false},
    {"Surrogate", "\xed\xa0\x80", false},
};

class HostileStringTest : public testing::TestWithParam<HostileCase> {};

TEST_P(HostileStringTest, CommStaysOneValidObjectOnOneLine) {
  const auto& row = GetParam();
  auto event = event_of(EventType::sched_process_exit);
  set_comm(event.context, row.text);
  auto root = print_one_json(event);
  ASSERT_TRUE(root["processName"].isString());
  if (row.round_trips) {
    EXPECT_EQ(root["processName"].asString(), row.text.substr(0, TRACKER_COMM_LEN));
  }
  EXPECT_EQ(root["eventName"].asString(), "sched_process_exit");
}

TEST_P(HostileStringTest, ArgvAndPathnameStayOneValidObjectOnOneLine) {
  const auto& row = GetParam();
  auto event = event_of(EventType::sched_process_exec);
  event.args = {{"pathname", "const char*", row.text},
                {"argv", "const char**", std::vector<std::string>{row.text, "-x", row.text}}};
  auto root = print_one_json(event);
  ASSERT_EQ(root["args"].size(), 2u);
  ASSERT_TRUE(root["args"][1]["value"].isArray());
  ASSERT_EQ(root["args"][1]["value"].size(), 3u);
  if (row.round_trips) {
    EXPECT_EQ(root["args"][0]["value"].asString(), row.text);
    EXPECT_EQ(root["args"][1]["value"][2].asString(), row.text);
  }
}

TEST_P(HostileStringTest, ContainerMetadataStaysOneValidObjectOnOneLine) {
  const auto& row = GetParam();
  auto record = enriched_container();
  record->info.name = row.text;
  record->info.image = row.text;
  record->info.pod.name = row.text;
  auto root = print_one_json(event_of(EventType::container_create, record));
  if (row.round_trips) {
    EXPECT_EQ(root["container"]["name"].asString(), row.text);
    EXPECT_EQ(root["kubernetes"]["podName"].asString(), row.text);
  }
}

INSTANTIATE_TEST_SUITE_P(Strings, HostileStringTest, testing::ValuesIn(kHostileCases),
                         [](const testing::TestParamInfo<HostileCase>& row) {
                           return row.param.name;
                         });

TEST(HostileStrings, CommFillingAllSixteenBytesHasNoTerminator) {
  auto event = event_of(EventType::sched_process_fork);
  set_comm(event.context, "0123456789abcdef");
  EXPECT_EQ(print_one_json(event)["processName"].asString(), "0123456789abcdef");
}

TEST(JsonLines, ManyEventsGiveOneObjectPerLine) {
  std::vector<Event> events;
  for (auto type : all_event_types()) events.push_back(event_of(type, enriched_container()));
  auto parsed = print_json(events);
  ASSERT_EQ(parsed.size(), events.size());
  for (std::size_t i = 0; i < parsed.size(); ++i)
    EXPECT_EQ(parsed[i]["eventName"].asString(), event_name(events[i].type));
}

// --- OutputStream ---

TEST(OutputStream, PrintedEventWaitsForFlush) {
  Pipe pipe;
  OutputStream out(pipe.write_fd());
  auto printer = make_printer({OutputFormat::json}, out);
  printer->print(event_of(EventType::sched_process_exec));
  EXPECT_EQ(pipe.read_available(), "");
  out.flush();
  auto lines = lines_of(pipe.read_available());
  EXPECT_EQ(lines.size(), 1u);
}

// Lifecycle lines are what readers wait for: they are written at once, with
// whatever complete lines were buffered before them.
TEST(OutputStream, LifecycleLinesAreWrittenAtOnce) {
  Pipe pipe;
  OutputStream out(pipe.write_fd());
  auto printer = make_printer({OutputFormat::json}, out);
  printer->print(event_of(EventType::sched_process_exec));
  for (auto type :
       {EventType::container_create, EventType::existing_container, EventType::container_remove}) {
    printer->print(event_of(type, bare_container()));
    auto lines = lines_of(pipe.read_available());
    ASSERT_FALSE(lines.empty()) << event_name(type);
    EXPECT_EQ(parse_line(lines.back())["eventName"].asString(), event_name(type));
  }
}

TEST(OutputStream, IncompleteLineIsNotWrittenByFlush) {
  Pipe pipe;
  OutputStream out(pipe.write_fd());
  out.append("first");
  out.end_line();
  out.append("half of a li");
  out.flush();
  EXPECT_EQ(pipe.read_available(), "first\n");
  out.append("ne");
  out.flush();
  EXPECT_EQ(pipe.read_available(), "");
  out.end_line();
  out.flush();
  EXPECT_EQ(pipe.read_available(), "half of a line\n");
}

TEST(OutputStream, DestructorWritesCompleteLinesOnly) {
  Pipe pipe;
  {
    OutputStream out(pipe.write_fd());
    out.append("done");
    out.end_line();
    out.append("never finished");
  }
  EXPECT_EQ(pipe.read_available(), "done\n");
}

TEST(OutputStream, FullBufferIsWrittenAtALineBoundary) {
  std::FILE* file = std::tmpfile();
  ASSERT_NE(file, nullptr);
  int fd = fileno(file);
  OutputStream out(fd);
  const std::string line(1000, 'x');
  std::size_t lines = 0;
  while (lseek(fd, 0, SEEK_END) == 0 && lines < 1000) {
    out.append(line);
    EXPECT_EQ(lseek(fd, 0, SEEK_END), 0);
    out.end_line();
    ++lines;
  }
  off_t size = lseek(fd, 0, SEEK_END);
  EXPECT_GE(size, 64 * 1024);
  EXPECT_LT(size, 66 * 1024);
  EXPECT_EQ(static_cast<std::size_t>(size), lines * (line.size() + 1));
  EXPECT_TRUE(out.buffer().empty());
  std::fclose(file);
}

TEST(OutputStream, GoneReaderMarksTheStreamBroken) {
  auto previous = std::signal(SIGPIPE, SIG_IGN);
  Pipe pipe;
  pipe.close_reader();
  OutputStream out(pipe.write_fd());
  EXPECT_FALSE(out.broken());
  out.append("lost");
  out.end_line();
  out.flush();
  EXPECT_TRUE(out.broken());
  EXPECT_TRUE(out.buffer().empty());
  out.append("after");
  out.end_line();
  out.flush();
  EXPECT_TRUE(out.broken());
  std::signal(SIGPIPE, previous);
}

// Regression (OutputStream::flush): a write that fails with EAGAIN
// (stdout is a non-blocking pipe whose reader is slow) is taken for a reader that went away:
// the line is dropped and broken() stops the daemon. EAGAIN should keep the line for later.
TEST(OutputStream, FullNonBlockingPipeIsNotABrokenReader) {
  Pipe pipe;
  ASSERT_EQ(fcntl(pipe.write_fd(), F_SETFL, O_NONBLOCK), 0);
  const std::string chunk(4096, 'f');
  std::size_t backlog = 0;
  while (::write(pipe.write_fd(), chunk.data(), chunk.size()) > 0) backlog += chunk.size();
  ASSERT_EQ(errno, EAGAIN);

  OutputStream out(pipe.write_fd());
  out.append("after the backlog");
  out.end_line();
  // The reader catches up a little later; flush() may wait for it or keep the line.
  std::thread reader([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    std::string drained;
    while (drained.size() < backlog) {
      drained += pipe.read_some(backlog - drained.size());
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
  });
  out.flush();
  reader.join();
  out.flush();
  EXPECT_FALSE(out.broken());
  EXPECT_EQ(pipe.read_available(), "after the backlog\n");
}

TEST(OutputStream, PipeIsNoTerminal) {
  Pipe pipe;
  OutputStream out(pipe.write_fd());
  EXPECT_FALSE(out.is_terminal());
}

// --- Table ---

std::string print_table(const PrinterOptions& options, const std::vector<Event>& events,
                        bool header = true) {
  Pipe pipe;
  {
    OutputStream out(pipe.write_fd());
    auto printer = make_printer(options, out);
    if (header) printer->print_header();
    for (auto& event : events) printer->print(event);
  }
  return pipe.read_available();
}

std::vector<std::string> words(const std::string& line) {
  std::istringstream in(line);
  std::vector<std::string> result;
  for (std::string word; in >> word;) result.push_back(word);
  return result;
}

struct HeaderCase {
  std::string name;
  bool container_columns;
  bool image_column;
  std::vector<std::string> want;
};

void PrintTo(const HeaderCase& c, std::ostream* os) {
  *os << c.name;
}

const std::vector<HeaderCase> kHeaderCases = {
    {"HostScope", false, false, {"TIME", "UID", "COMM", "PID", "TID", "EVENT", "ARGS"}},
    {"ContainerScope",
     true,
     false,
     {"TIME", "UID", "COMM", "CONTAINER_ID", "PID/host", "TID/host", "EVENT", "ARGS"}},
    {"ContainerScopeWithEnrichment",
     true,
     true,
     {"TIME", "UID", "COMM", "CONTAINER_ID", "IMAGE", "PID/host", "TID/host", "EVENT", "ARGS"}},
    {"ImageNeedsContainerScope",
     false,
     true,
     {"TIME", "UID", "COMM", "PID", "TID", "EVENT", "ARGS"}},
};

class TableHeaderTest : public testing::TestWithParam<HeaderCase> {};

TEST_P(TableHeaderTest, Columns) {
  const auto& row = GetParam();
  auto lines =
      lines_of(print_table({OutputFormat::table, row.container_columns, row.image_column}, {}));
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_EQ(words(lines[0]), row.want);
}

// Every column of an event line starts where its header does.
TEST_P(TableHeaderTest, RowsLineUpWithTheHeader) {
  const auto& row = GetParam();
  auto container = enriched_container();
  container->info.image = "nginx:1.25";
  auto event = event_of(EventType::sched_process_fork, container);
  auto lines = lines_of(
      print_table({OutputFormat::table, row.container_columns, row.image_column}, {event}));
  ASSERT_EQ(lines.size(), 2u);
  auto cell = [&](const std::string& title, const std::string& value) {
    auto column = lines[0].find(" " + title);
    while (column != std::string::npos && column + 1 + title.size() < lines[0].size() &&
           lines[0][column + 1 + title.size()] != ' ')
      column = lines[0].find(" " + title, column + 1);
    EXPECT_NE(column, std::string::npos) << title;
    if (column == std::string::npos) return std::string();
    return lines[1].substr(column, value.size() + 2);
  };
  EXPECT_EQ(cell("UID", "1000"), " 1000 ");
  EXPECT_EQ(cell("COMM", "nginx"), " nginx ");
  EXPECT_EQ(cell("EVENT", "sched_process_fork"), " sched_process_fork ");
  EXPECT_EQ(cell("ARGS", "child_pid: 7,"), " child_pid: 7, ");
  if (row.container_columns) {
    EXPECT_EQ(cell("CONTAINER_ID", kId.substr(0, 12)), " " + kId.substr(0, 12) + " ");
    EXPECT_EQ(cell("PID/host", "1/3001"), " 1/3001 ");
    EXPECT_EQ(cell("TID/host", "2/3002"), " 2/3002 ");
  } else {
    EXPECT_EQ(cell("PID", "3001"), " 3001 ");
    EXPECT_EQ(cell("TID", "3002"), " 3002 ");
  }
  if (row.container_columns && row.image_column) {
    EXPECT_EQ(cell("IMAGE", "nginx:1.25"), " nginx:1.25 ");
  }
}

INSTANTIATE_TEST_SUITE_P(Options, TableHeaderTest, testing::ValuesIn(kHeaderCases),
                         [](const testing::TestParamInfo<HeaderCase>& row) {
                           return row.param.name;
                         });

TEST(Table, ContainerIdIsTwelveCharacters) {
  auto text = print_table({OutputFormat::table, true, false},
                          {event_of(EventType::sched_process_exec, enriched_container())}, false);
  EXPECT_NE(text.find(" " + kId.substr(0, 12) + " "), std::string::npos) << text;
  EXPECT_EQ(text.find(kId.substr(0, 13)), std::string::npos) << text;
}

TEST(Table, LongImageIsCutToItsColumn) {
  auto text = print_table({OutputFormat::table, true, true},
                          {event_of(EventType::sched_process_exec, enriched_container())});
  auto lines = lines_of(text);
  ASSERT_EQ(lines.size(), 2u);
  auto column = lines[0].find(" IMAGE ") + 1;
  auto next = lines[0].find(" PID/host") + 1;
  ASSERT_EQ(next - column, 25u);
  auto image = lines[1].substr(column, 24);
  EXPECT_EQ(lines[1][column + 24], ' ');
  EXPECT_EQ(image.find(' '), std::string::npos) << image;
  EXPECT_NE(image.find('~'), std::string::npos) << image;
}

TEST(Table, LifecycleArgsShowTheFullIdAndSkipEmptyValues) {
  auto text = print_table({OutputFormat::table, true, false},
                          {event_of(EventType::container_create, bare_container())}, false);
  auto lines = lines_of(text);
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_NE(lines[0].find("runtime: docker, container_id: " + kId + ", ctime: "), std::string::npos)
      << lines[0];
  EXPECT_EQ(lines[0].find("container_image:"), std::string::npos) << lines[0];
  EXPECT_NE(lines[0].find("pod_sandbox: false"), std::string::npos) << lines[0];
}

TEST(Table, HostEventUnderContainerScopeHasABlankId) {
  auto lines = lines_of(
      print_table({OutputFormat::table, true, false}, {event_of(EventType::sched_process_exec)}));
  ASSERT_EQ(lines.size(), 2u);
  auto column = lines[0].find("CONTAINER_ID");
  EXPECT_EQ(lines[1].substr(column, 13), std::string(13, ' '));
}

struct TableHostileCase {
  std::string name;
  std::string comm;
  std::vector<std::string> argv;
};

void PrintTo(const TableHostileCase& c, std::ostream* os) {
  *os << c.name;
}

const std::vector<TableHostileCase> kTableHostileCases = {
    {"NewlineInComm", "evil\nTIME UID", {"sh"}},
    {"CarriageReturnInComm", "a\rb", {"sh"}},
    {"EscapeSequenceInComm", "\x1b[2Jclear", {"sh"}},
    {"NewlineInArgv", "sh", {"sh", "-c", "echo a\necho b"}},
    {"InvalidUtf8InComm", "a\xff\xc3", {"sh"}},
};

class TableHostileTest : public testing::TestWithParam<TableHostileCase> {};

TEST_P(TableHostileTest, StaysOneLineWithoutControlCharacters) {
  const auto& row = GetParam();
  auto event = event_of(EventType::sched_process_exec, enriched_container());
  set_comm(event.context, row.comm);
  event.args = {{"argv", "const char**", row.argv}};
  auto lines = lines_of(print_table({OutputFormat::table, true, true}, {event}, false));
  ASSERT_EQ(lines.size(), 1u);
  for (unsigned char c : lines[0]) EXPECT_GE(c, 0x20) << lines[0];
  EXPECT_NE(lines[0].find("sched_process_exec"), std::string::npos);
}

INSTANTIATE_TEST_SUITE_P(Strings, TableHostileTest, testing::ValuesIn(kTableHostileCases),
                         [](const testing::TestParamInfo<TableHostileCase>& row) {
                           return row.param.name;
                         });

// Controls are shown escaped (util/text.h), not replaced, so the reader sees
// what the process named itself; C1 controls (CSI) too.
TEST(Table, ControlCharactersAreShownEscaped) {
  auto container = enriched_container();
  container->info.image =
      "evil\xc2\x9b"
      "2J";
  auto event = event_of(EventType::sched_process_exec, container);
  set_comm(event.context, "\x1b[2Jclear");
  event.args = {{"argv", "const char**", std::vector<std::string>{"sh", "-c", "a\nb"}}};
  auto lines = lines_of(print_table({OutputFormat::table, true, true}, {event}, false));
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_NE(lines[0].find("\\x1b[2Jclear"), std::string::npos) << lines[0];
  EXPECT_NE(lines[0].find("evil\\u009b2J"), std::string::npos) << lines[0];
  EXPECT_NE(lines[0].find("[sh -c a\\nb]"), std::string::npos) << lines[0];
}

}  // namespace
}  // namespace tracker
