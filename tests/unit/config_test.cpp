// The config file format: every key, every kind of bad value, unknown keys,
// and files that cannot be read.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <string>
#include <vector>

#include "config/config.h"
#include "config/config_parser.h"
#include "config_test_util.h"

namespace tracker {
namespace {

using test::describe;
using test::TempDir;
using test::texts;

constexpr const char* kFile = "/etc/tracker/tracker.conf";

struct Parsed {
  Settings settings;
  Diagnostics diagnostics;
};

Parsed parse(const std::string& text) {
  Parsed parsed;
  parse_config_text(kFile, text, parsed.settings, parsed.diagnostics);
  return parsed;
}

template <typename Row>
std::string row_name(const testing::TestParamInfo<Row>& info) {
  return info.param.name;
}

// --- valid files ---

struct ValidCase {
  std::string name;
  std::string text;
  std::string want;  // describe() of the settings
};

void PrintTo(const ValidCase& c, std::ostream* os) {
  *os << c.name;
}

const std::string kLongPath = "/var/log/" + std::string(300, 'p') + ".json";

const std::vector<ValidCase> kValidCases = {
    {"Empty", "", ""},
    {"OnlyComments", "# a comment\n; another\n\n   \n", ""},
    {"EveryKey",
     "[Enrichment]\n"
     "Enabled=yes\n"
     "DockerSocket=/var/run/docker.sock\n"
     "ContainerdSocket=/run/containerd/containerd.sock\n"
     "CrioSocket=/var/run/crio/crio.sock\n"
     "PodmanSocket=/run/podman/podman.sock\n"
     "Timeout=5s\n"
     "[Output]\n"
     "Format=json\n"
     "Path=/var/log/tracker/events.json\n"
     "[Scope]\n"
     "Scope=container=new\n"
     "Events=container_create,container_remove\n"
     "[Cgroup]\n"
     "Hierarchy=memory\n"
     "[Kernel]\n"
     "BufferSize=8192\n"
     "[Metrics]\n"
     "Path=/var/lib/prometheus/node-exporter/tracker.prom\n"
     "Interval=30s\n",
     "enrichment=true sockets=docker:/var/run/docker.sock "
     "containerd:/run/containerd/containerd.sock crio:/var/run/crio/crio.sock "
     "podman:/run/podman/podman.sock timeout=5000ms format=json "
     "path=/var/log/tracker/events.json scopes=container=new "
     "events=container_create,container_remove hierarchy=memory buffer=8192 "
     "metrics=/var/lib/prometheus/node-exporter/tracker.prom interval=30000ms"},
    {"WhitespaceAroundKeysAndValues",
     "  [Output]  \n\tFormat   =   table  \n   Path=  /srv/events  \t\n",
     "format=table path=/srv/events"},
    {"IndentedKeyIsNotAContinuation", "[Output]\nFormat=json\n    Path=/srv/x\n",
     "format=json path=/srv/x"},
    {"CommentsEverywhere", "# top\n[Enrichment]\n  # indented\n;semi\nEnabled=no\n#Enabled=yes\n",
     "enrichment=false"},
    {"SemicolonInsideAValueIsKept", "[Output]\nPath=/srv/a ;b\n", "path=/srv/a ;b"},
    {"HashInsideAValueIsKept", "[Output]\nPath=/srv/#1\n", "path=/srv/#1"},
    {"EqualsInsideAValueIsKept", "[Scope]\nScope=container=3cfaa\n", "scopes=container=3cfaa"},
    {"CrlfLineEnds", "[Enrichment]\r\nEnabled=on\r\n", "enrichment=true"},
    {"ByteOrderMark", "\xEF\xBB\xBF[Enrichment]\nEnabled=1\n", "enrichment=true"},
    {"NoNewlineAtTheEnd", "[Kernel]\nBufferSize=16", "buffer=16"},
    {"SectionRepeated", "[Output]\nFormat=json\n[Kernel]\nBufferSize=4\n[Output]\nPath=/x\n",
     "format=json path=/x buffer=4"},
    {"LastValueWins", "[Output]\nFormat=table\nFormat=json\n", "format=json"},
    {"EmptyAssignmentResetsAScalar", "[Enrichment]\nEnabled=yes\nEnabled=\nTimeout=3s\nTimeout=\n",
     ""},
    {"EmptyPathMeansStdout", "[Output]\nPath=/srv/x\nPath=\n", ""},
    {"SocketsAccumulateAndResetPerRuntime",
     "[Enrichment]\nDockerSocket=/a\nDockerSocket=/b\nPodmanSocket=/p\nDockerSocket=\n"
     "DockerSocket=/c\n",
     "sockets=podman:/p docker:/c"},
    {"SocketUnixScheme", "[Enrichment]\nContainerdSocket=unix:///run/c.sock\n",
     "sockets=containerd:/run/c.sock"},
    {"ScopesAccumulate", "[Scope]\nScope=container=3cfaa\nScope=container=ab5f\n",
     "scopes=container=3cfaa container=ab5f"},
    {"EmptyScopeResets", "[Scope]\nScope=not-container\nScope=\nScope=container\n",
     "scopes=container"},
    {"EventsCommaAndSpaceSeparated",
     "[Scope]\nEvents=container_create, sched_process_exec  sched_process_exit\n",
     "events=container_create,sched_process_exec,sched_process_exit"},
    {"EventsAccumulate", "[Scope]\nEvents=sched_process_fork\nEvents=existing_container\n",
     "events=existing_container,sched_process_fork"},
    {"EmptyEventsResets", "[Scope]\nEvents=sched_process_fork\nEvents=\n", ""},
    {"HierarchyUnified", "[Cgroup]\nHierarchy=unified\n", "hierarchy=unified"},
    {"HierarchyAuto", "[Cgroup]\nHierarchy=auto\n", "hierarchy=auto"},
    {"BufferLargest", "[Kernel]\nBufferSize=1048576\n", "buffer=1048576"},
    {"MetricsIntervalShortest", "[Metrics]\nInterval=1s\n", "interval=1000ms"},
    {"MetricsIntervalInMinutes", "[Metrics]\nInterval=2min\n", "interval=120000ms"},
    {"MetricsPathSameKeyNameAsOutputs", "[Output]\nPath=/a\n[Metrics]\nPath=/b.prom\n",
     "path=/a metrics=/b.prom"},
    {"EmptyMetricsPathTurnsThemOff", "[Metrics]\nPath=/b.prom\nPath=\n", ""},
    {"LineLongerThanInihsBuffer", "[Output]\nPath=" + kLongPath + "\n", "path=" + kLongPath},
    {"LongCommentLine", "# " + std::string(500, 'c') + "\n[Output]\nFormat=json\n", "format=json"},
};

class ValidFileTest : public testing::TestWithParam<ValidCase> {};

TEST_P(ValidFileTest, AppliesEveryAssignment) {
  auto parsed = parse(GetParam().text);
  EXPECT_EQ(texts(parsed.diagnostics.errors), std::vector<std::string>{});
  EXPECT_EQ(texts(parsed.diagnostics.warnings), std::vector<std::string>{});
  EXPECT_EQ(describe(parsed.settings), GetParam().want);
}

INSTANTIATE_TEST_SUITE_P(Config, ValidFileTest, testing::ValuesIn(kValidCases),
                         row_name<ValidCase>);

// --- booleans and time spans ---

struct ValueCase {
  std::string name;
  std::string value;
  std::string want;
};

void PrintTo(const ValueCase& c, std::ostream* os) {
  *os << c.name;
}

const std::vector<ValueCase> kBooleanCases = {
    {"Yes", "yes", "enrichment=true"},       {"No", "no", "enrichment=false"},
    {"True", "true", "enrichment=true"},     {"False", "false", "enrichment=false"},
    {"One", "1", "enrichment=true"},         {"Zero", "0", "enrichment=false"},
    {"On", "on", "enrichment=true"},         {"Off", "off", "enrichment=false"},
    {"UpperCase", "YES", "enrichment=true"}, {"MixedCase", "Off", "enrichment=false"},
};

class BooleanTest : public testing::TestWithParam<ValueCase> {};

TEST_P(BooleanTest, Parses) {
  auto parsed = parse("[Enrichment]\nEnabled=" + GetParam().value + "\n");
  EXPECT_TRUE(parsed.diagnostics.errors.empty());
  EXPECT_EQ(describe(parsed.settings), GetParam().want);
}

INSTANTIATE_TEST_SUITE_P(Config, BooleanTest, testing::ValuesIn(kBooleanCases),
                         row_name<ValueCase>);

const std::vector<ValueCase> kTimeCases = {
    {"Seconds", "2s", "timeout=2000ms"},
    {"Milliseconds", "500ms", "timeout=500ms"},
    {"FractionOfASecond", "1.5s", "timeout=1500ms"},
    {"BareNumberIsSeconds", "3", "timeout=3000ms"},
    {"BareFraction", "0.25", "timeout=250ms"},
    {"MinutesAndSeconds", "1min 30s", "timeout=90000ms"},
    {"UnitsWithoutSpace", "1m30s", "timeout=90000ms"},
    {"SpaceBeforeUnit", "250 ms", "timeout=250ms"},
    {"LongUnitNames", "2 seconds", "timeout=2000ms"},
    {"Microseconds", "1500us", "timeout=1ms"},
    {"OneHour", "1h", "timeout=3600000ms"},
};

class TimeSpanTest : public testing::TestWithParam<ValueCase> {};

TEST_P(TimeSpanTest, Parses) {
  auto parsed = parse("[Enrichment]\nTimeout=" + GetParam().value + "\n");
  EXPECT_EQ(texts(parsed.diagnostics.errors), std::vector<std::string>{});
  EXPECT_EQ(describe(parsed.settings), GetParam().want);
}

INSTANTIATE_TEST_SUITE_P(Config, TimeSpanTest, testing::ValuesIn(kTimeCases), row_name<ValueCase>);

// --- bad values: one exact "file:line: message" each ---

struct BadCase {
  std::string name;
  std::string text;
  std::string want;  // the error, without the "/etc/tracker/tracker.conf:" in front
};

void PrintTo(const BadCase& c, std::ostream* os) {
  *os << c.name;
}

const std::vector<BadCase> kBadCases = {
    {"BadBoolean", "[Enrichment]\nEnabled=maybe\n",
     "2: Enabled=maybe: not a boolean (yes/no, true/false, on/off, 1/0)"},
    {"BadTime", "# timeouts\n[Enrichment]\nTimeout=2 fortnights\n",
     "3: Timeout=2 fortnights: not a time span (e.g. 2s, 500ms, 1.5s; a bare number is seconds)"},
    {"NegativeTime", "[Enrichment]\nTimeout=-1s\n",
     "2: Timeout=-1s: not a time span (e.g. 2s, 500ms, 1.5s; a bare number is seconds)"},
    {"TimeWithoutNumber", "[Enrichment]\nTimeout=ms\n",
     "2: Timeout=ms: not a time span (e.g. 2s, 500ms, 1.5s; a bare number is seconds)"},
    {"ZeroTime", "[Enrichment]\nTimeout=0\n", "2: Timeout=0: must be from 1ms to 1h"},
    {"TimeTooLong", "[Enrichment]\nTimeout=2h\n", "2: Timeout=2h: must be from 1ms to 1h"},
    {"RelativeDockerSocket", "[Enrichment]\nDockerSocket=run/docker.sock\n",
     "2: DockerSocket=run/docker.sock: not an absolute path"},
    {"RelativeContainerdSocket", "[Enrichment]\n\nContainerdSocket=containerd.sock\n",
     "3: ContainerdSocket=containerd.sock: not an absolute path"},
    {"RelativeCrioSocket", "[Enrichment]\nCrioSocket=./crio.sock\n",
     "2: CrioSocket=./crio.sock: not an absolute path"},
    {"RelativePodmanSocket", "[Enrichment]\nPodmanSocket=unix://podman.sock\n",
     "2: PodmanSocket=unix://podman.sock: not an absolute path"},
    {"UnknownFormat", "[Output]\nFormat=xml\n", "2: Format=xml: unknown format (table or json)"},
    {"FormatIsCaseSensitive", "[Output]\nFormat=JSON\n",
     "2: Format=JSON: unknown format (table or json)"},
    {"RelativeOutputPath", "[Output]\nPath=events.json\n",
     "2: Path=events.json: not an absolute path"},
    {"OutputPathIsADirectory", "[Output]\nPath=/var/log/\n",
     "2: Path=/var/log/: names a directory, not a file"},
    {"UnknownScope", "[Scope]\nScope=pods\n",
     "2: Scope=pods: unknown scope 'pods' (container, container=new, container=started, "
     "container=<id>, not-container)"},
    {"ConflictingScopes", "[Scope]\nScope=container\nScope=not-container\n",
     "3: Scope=not-container: scope 'not-container' conflicts with 'container'"},
    {"UnknownEvent", "[Scope]\nEvents=container_create,exec\n",
     "2: Events=container_create,exec: unknown event 'exec' (known: container_create, "
     "container_remove, container_exit, existing_container, sched_process_exec, "
     "sched_process_exit, sched_process_fork)"},
    {"EventsWithoutNames", "[Scope]\nEvents= , \n", "2: Events=,: no event names"},
    {"UnknownHierarchy", "[Cgroup]\nHierarchy=blkio\n",
     "2: Hierarchy=blkio: unknown hierarchy (auto, unified, memory, cpuset, pids or cpu)"},
    {"BufferNotPowerOfTwo", "[Kernel]\nBufferSize=1000\n",
     "2: BufferSize=1000: a power of two from 4 to 1048576 (KiB)"},
    {"BufferWithUnit", "[Kernel]\nBufferSize=4M\n",
     "2: BufferSize=4M: a power of two from 4 to 1048576 (KiB)"},
    {"BufferTooLarge", "[Kernel]\nBufferSize=2097152\n",
     "2: BufferSize=2097152: a power of two from 4 to 1048576 (KiB)"},
    {"RelativeMetricsPath", "[Metrics]\nPath=tracker.prom\n",
     "2: Path=tracker.prom: not an absolute path"},
    {"MetricsPathIsADirectory", "[Metrics]\nPath=/var/lib/prometheus/node-exporter/\n",
     "2: Path=/var/lib/prometheus/node-exporter/: names a directory, not a file"},
    {"MetricsIntervalTooShort", "[Metrics]\nInterval=500ms\n",
     "2: Interval=500ms: must be from 1s to 1h"},
    {"MetricsIntervalTooLong", "[Metrics]\nInterval=2h\n", "2: Interval=2h: must be from 1s to 1h"},
    {"MetricsIntervalNotATime", "[Metrics]\nInterval=often\n",
     "2: Interval=often: not a time span (e.g. 15s, 1min; a bare number is seconds)"},
    {"LineWithoutEquals", "[Enrichment]\nEnabled yes\n", "2: 'Enabled yes': missing '='"},
    {"ColonIsNotEquals", "[Enrichment]\nEnabled: yes\n", "2: 'Enabled: yes': missing '='"},
    {"MissingKeyName", "[Enrichment]\n = yes\n", "2: '= yes': missing key name"},
    {"KeyBeforeAnySection", "# comment\nEnabled=yes\n[Enrichment]\n",
     "2: Enabled=yes: assignment outside of any section"},
    {"UnclosedSectionHeader", "[Enrichment\nEnabled=yes\n",
     "1: invalid section header '[Enrichment'"},
    {"EmptySectionHeader", "[]\n", "1: invalid section header '[]'"},
    {"TextAfterSectionHeader", "[Output] json\n", "1: invalid section header '[Output] json'"},
    {"NulByte", std::string("[Output]\nFormat=js\0on\n", 22), "2: contains a NUL byte"},
};

class BadValueTest : public testing::TestWithParam<BadCase> {};

TEST_P(BadValueTest, FailsWithFileAndLine) {
  auto parsed = parse(GetParam().text);
  EXPECT_EQ(texts(parsed.diagnostics.errors),
            std::vector<std::string>{std::string(kFile) + ":" + GetParam().want});
  EXPECT_EQ(texts(parsed.diagnostics.warnings), std::vector<std::string>{});
}

INSTANTIATE_TEST_SUITE_P(Config, BadValueTest, testing::ValuesIn(kBadCases), row_name<BadCase>);

TEST(BadValues, EveryBadLineIsReported) {
  auto parsed = parse("[Enrichment]\nEnabled=perhaps\nTimeout=soon\n[Output]\nFormat=xml\n");
  EXPECT_EQ(texts(parsed.diagnostics.errors),
            (std::vector<std::string>{
                "/etc/tracker/tracker.conf:2: Enabled=perhaps: not a boolean (yes/no, "
                "true/false, on/off, 1/0)",
                "/etc/tracker/tracker.conf:3: Timeout=soon: not a time span (e.g. 2s, 500ms, "
                "1.5s; a bare number is seconds)",
                "/etc/tracker/tracker.conf:5: Format=xml: unknown format (table or json)"}));
}

// --- unknown sections and keys: a warning each, the rest applies ---

struct UnknownCase {
  std::string name;
  std::string text;
  std::vector<std::string> warnings;  // without the file name
  std::string want;
};

void PrintTo(const UnknownCase& c, std::ostream* os) {
  *os << c.name;
}

const std::vector<UnknownCase> kUnknownCases = {
    {"UnknownKey",
     "[Enrichment]\nEnabled=yes\nColour=blue\nTimeout=1s\n",
     {":3: unknown key 'Colour' in section [Enrichment], ignoring it"},
     "enrichment=true timeout=1000ms"},
    {"KeyOfAnotherSection",
     "[Output]\nEnabled=yes\nFormat=json\n",
     {":2: unknown key 'Enabled' in section [Output], ignoring it"},
     "format=json"},
    {"KeysAreCaseSensitive",
     "[Output]\nformat=json\n",
     {":2: unknown key 'format' in section [Output], ignoring it"},
     ""},
    {"UnknownSectionWarnsOnceAndSkipsItsKeys",
     "[Network]\nEnabled=yes\nFormat=json\nanything goes=here\n[Output]\nFormat=table\n",
     {":1: unknown section [Network], ignoring it"},
     "format=table"},
    {"EveryUnknownKeyWarns",
     "[Kernel]\nRingSize=8\nBufferSize=8\nRingSize=16\n",
     {":2: unknown key 'RingSize' in section [Kernel], ignoring it",
      ":4: unknown key 'RingSize' in section [Kernel], ignoring it"},
     "buffer=8"},
};

class UnknownKeyTest : public testing::TestWithParam<UnknownCase> {};

TEST_P(UnknownKeyTest, WarnsAndAppliesTheRest) {
  auto parsed = parse(GetParam().text);
  std::vector<std::string> want;
  for (auto& warning : GetParam().warnings) want.push_back(kFile + warning);
  EXPECT_EQ(texts(parsed.diagnostics.warnings), want);
  EXPECT_EQ(texts(parsed.diagnostics.errors), std::vector<std::string>{});
  EXPECT_EQ(describe(parsed.settings), GetParam().want);
}

INSTANTIATE_TEST_SUITE_P(Config, UnknownKeyTest, testing::ValuesIn(kUnknownCases),
                         row_name<UnknownCase>);

TEST(UnknownKeys, LoadSucceedsWithWarnings) {
  TempDir dir;
  auto file = dir.write("etc/tracker/tracker.conf", "[Output]\nFormat=json\nColour=red\n");
  auto result = resolve_options(Options{}, ConfigPaths::standard(dir.path()), {});
  ASSERT_TRUE(result.ok());
  EXPECT_EQ(texts(result.diagnostics.warnings),
            std::vector<std::string>{file + ":3: unknown key 'Colour' in section [Output], "
                                            "ignoring it"});
  EXPECT_EQ(result.options->output, OutputFormat::json);
}

// --- files that cannot be used ---

struct FileCase {
  std::string name;
  std::function<std::string(const TempDir&)> make;  // returns the bad path
  std::string want;                                 // the message after "path: "
};

void PrintTo(const FileCase& c, std::ostream* os) {
  *os << c.name;
}

const std::string kDropins = "etc/tracker/tracker.conf.d/";

const std::vector<FileCase> kFileCases = {
    {"DropinIsADirectory", [](const TempDir& dir) { return dir.mkdir(kDropins + "50-dir.conf"); },
     "is a directory, not a file"},
    {"MainFileIsADirectory",
     [](const TempDir& dir) { return dir.mkdir("etc/tracker/tracker.conf"); },
     "is a directory, not a file"},
    {"DropinIsAFifo",
     [](const TempDir& dir) {
       dir.mkdir(kDropins);
       std::string path = dir.path() + "/" + kDropins + "50-fifo.conf";
       mkfifo(path.c_str(), 0644);
       return path;
     },
     "not a regular file"},
    {"DropinIsADanglingSymlink",
     [](const TempDir& dir) { return dir.symlink(kDropins + "50-gone.conf", "/nonexistent"); },
     "cannot open: No such file or directory"},
    {"TwoMegabyteFile",
     [](const TempDir& dir) {
       return dir.write(kDropins + "50-big.conf",
                        "[Output]\n" + std::string(2 * 1024 * 1024, '#') + "\n");
     },
     "larger than 1 MiB"},
    {"OneByteOverTheLimit",
     [](const TempDir& dir) {
       return dir.write("etc/tracker/tracker.conf", std::string(1024 * 1024 + 1, '\n'));
     },
     "larger than 1 MiB"},
    {"DropinDirectoryIsAFile",
     [](const TempDir& dir) { return dir.write("run/tracker/tracker.conf.d", ""); },
     "cannot read the directory: Not a directory"},
};

class UnusableFileTest : public testing::TestWithParam<FileCase> {};

TEST_P(UnusableFileTest, FailsTheWholeLoad) {
  TempDir dir;
  dir.write("usr/lib/tracker/tracker.conf.d/10-fine.conf", "[Output]\nFormat=json\n");
  auto path = GetParam().make(dir);
  auto result = resolve_options(Options{}, ConfigPaths::standard(dir.path()), {});
  EXPECT_FALSE(result.ok());
  EXPECT_EQ(texts(result.diagnostics.errors),
            std::vector<std::string>{path + ": " + GetParam().want});
}

INSTANTIATE_TEST_SUITE_P(Config, UnusableFileTest, testing::ValuesIn(kFileCases),
                         row_name<FileCase>);

TEST(UnusableFiles, ExactlyOneMegabyteIsFine) {
  TempDir dir;
  std::string text = "[Output]\nFormat=json\n";
  text += std::string(1024 * 1024 - text.size(), '\n');
  dir.write("etc/tracker/tracker.conf", text);
  auto result = resolve_options(Options{}, ConfigPaths::standard(dir.path()), {});
  ASSERT_TRUE(result.ok());
  EXPECT_EQ(result.options->output, OutputFormat::json);
}

// chmod 000 does not stop root, so when the tests run as root the load runs
// in a child process that became nobody.
TEST(UnusableFiles, UnreadableFile) {
  TempDir dir;
  chmod(dir.path().c_str(), 0755);
  auto file = dir.write("tracker.conf", "[Output]\nFormat=json\n");
  chmod(file.c_str(), 0);
  auto errors = test::as_unprivileged([&] {
    auto result = resolve_options(Options{}, ConfigPaths::for_file(file), {});
    std::string all;
    for (auto& error : result.diagnostics.errors) all += error.text() + "\n";
    return result.ok() ? "loaded" : all;
  });
  EXPECT_EQ(errors, file + ": cannot open: Permission denied\n");
}

TEST(UnusableFiles, MissingConfigFileGivenOnTheCommandLine) {
  TempDir dir;
  auto file = dir.path() + "/nope.conf";
  auto result = resolve_options(Options{}, ConfigPaths::for_file(file), {});
  EXPECT_FALSE(result.ok());
  EXPECT_EQ(texts(result.diagnostics.errors),
            std::vector<std::string>{file + ": cannot open: No such file or directory"});
}

TEST(UnusableFiles, NoFilesAtAllMeansDefaults) {
  TempDir dir;
  auto result = resolve_options(Options{}, ConfigPaths::standard(dir.path()), {});
  ASSERT_TRUE(result.ok());
  EXPECT_TRUE(result.diagnostics.warnings.empty());
  EXPECT_FALSE(result.options->containers);
  EXPECT_EQ(result.options->buffer_kib, 4096u);
}

TEST(UnusableFiles, ErrorsInSeveralFilesAreAllReported) {
  TempDir dir;
  auto main = dir.write("etc/tracker/tracker.conf", "[Output]\nFormat=yaml\n");
  auto dropin = dir.write(kDropins + "10-a.conf", "[Enrichment]\nEnabled=sometimes\n");
  auto result = resolve_options(Options{}, ConfigPaths::standard(dir.path()), {});
  EXPECT_FALSE(result.ok());
  EXPECT_EQ(texts(result.diagnostics.errors),
            (std::vector<std::string>{
                main + ":2: Format=yaml: unknown format (table or json)",
                dropin + ":2: Enabled=sometimes: not a boolean (yes/no, true/false, on/off, 1/0)",
            }));
}

}  // namespace
}  // namespace tracker
