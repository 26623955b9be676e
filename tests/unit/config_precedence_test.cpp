// Which file wins: drop-in order and masking across /etc, /run and /usr/lib,
// and the precedence command line > environment > drop-ins > main file >
// defaults.
#include <gtest/gtest.h>

#include <cstdlib>
#include <map>
#include <string>
#include <vector>

#include "config/config.h"
#include "config_test_util.h"

namespace tracker {
namespace {

using test::TempDir;
using test::texts;

template <typename Row>
std::string row_name(const testing::TestParamInfo<Row>& info) {
  return info.param.name;
}

const std::map<std::string, std::string> kDirs = {
    {"etc", "etc/tracker/tracker.conf.d/"},
    {"run", "run/tracker/tracker.conf.d/"},
    {"lib", "usr/lib/tracker/tracker.conf.d/"},
};

// "main" or "<etc|run|lib>/<name>" → the file under the root.
std::string relative(const std::string& file) {
  if (file == "main") return "etc/tracker/tracker.conf";
  auto slash = file.find('/');
  return kDirs.at(file.substr(0, slash)) + file.substr(slash + 1);
}

// --- drop-in order and masking ---

struct DropinCase {
  std::string name;
  std::vector<std::string> files;  // each adds "DockerSocket=/<itself>"
  std::vector<std::string> masks;  // symlinks to /dev/null
  std::string want;                // the files whose settings applied, in order
};

void PrintTo(const DropinCase& c, std::ostream* os) {
  *os << c.name;
}

const std::vector<DropinCase> kDropinCases = {
    {"NothingAtAll", {}, {}, ""},
    {"MainFileOnly", {"main"}, {}, "main"},
    {"MainFileBeforeEveryDropin", {"lib/00-first.conf", "main"}, {}, "main lib/00-first.conf"},
    {"SortedByNameAcrossTheThreeDirs",
     {"etc/20-b.conf", "run/10-a.conf", "lib/30-c.conf", "etc/40-d.conf"},
     {},
     "run/10-a.conf etc/20-b.conf lib/30-c.conf etc/40-d.conf"},
    {"SortedBytewise",
     {"etc/9-x.conf", "lib/10-y.conf", "run/Z.conf", "etc/a.conf"},
     {},
     "lib/10-y.conf etc/9-x.conf run/Z.conf etc/a.conf"},
    {"SameNameEtcOverRun", {"run/50-x.conf", "etc/50-x.conf"}, {}, "etc/50-x.conf"},
    {"SameNameRunOverLib", {"lib/50-x.conf", "run/50-x.conf"}, {}, "run/50-x.conf"},
    {"SameNameEtcOverLib", {"lib/50-x.conf", "etc/50-x.conf"}, {}, "etc/50-x.conf"},
    {"SameNameInAllThree",
     {"lib/50-x.conf", "run/50-x.conf", "etc/50-x.conf", "lib/60-y.conf"},
     {},
     "etc/50-x.conf lib/60-y.conf"},
    {"DevNullInEtcMasksRunAndLib",
     {"run/50-x.conf", "lib/50-x.conf", "lib/60-y.conf"},
     {"etc/50-x.conf"},
     "lib/60-y.conf"},
    {"DevNullInRunMasksLib",
     {"lib/50-x.conf", "etc/10-a.conf"},
     {"run/50-x.conf"},
     "etc/10-a.conf"},
    {"DevNullInLibMasksNothingAbove", {"etc/50-x.conf"}, {"lib/50-x.conf"}, "etc/50-x.conf"},
    {"EtcOverridesAMaskBelow", {"etc/50-x.conf"}, {"run/50-x.conf"}, "etc/50-x.conf"},
    {"DevNullMainFile", {"etc/10-a.conf"}, {"main"}, "etc/10-a.conf"},
    {"OnlyDotConfFilesCount",
     {"etc/50-x.conf", "etc/50-x.conf.bak", "etc/README", "etc/.hidden.conf", "etc/.conf",
      "run/60.conf~"},
     {},
     "etc/50-x.conf"},
};

class DropinTest : public testing::TestWithParam<DropinCase> {};

TEST_P(DropinTest, AppliesTheWinnersInOrder) {
  TempDir dir;
  for (auto& file : GetParam().files)
    dir.write(relative(file), "[Enrichment]\nDockerSocket=/" + file + "\n");
  for (auto& mask : GetParam().masks) dir.symlink(relative(mask), "/dev/null");

  auto loaded = load_settings(ConfigPaths::standard(dir.path()));
  EXPECT_EQ(texts(loaded.diagnostics.errors), std::vector<std::string>{});
  std::string applied;
  for (auto& socket : loaded.settings.sockets)
    applied += (applied.empty() ? "" : " ") + socket.path.substr(1);
  EXPECT_EQ(applied, GetParam().want);
}

INSTANTIATE_TEST_SUITE_P(Config, DropinTest, testing::ValuesIn(kDropinCases), row_name<DropinCase>);

TEST(Dropins, ListedWithFullPaths) {
  TempDir dir;
  dir.write(relative("main"), "");
  dir.write(relative("lib/20-b.conf"), "");
  dir.write(relative("run/10-a.conf"), "");
  Diagnostics diagnostics;
  auto files = list_config_files(ConfigPaths::standard(dir.path()), diagnostics);
  EXPECT_EQ(files, (std::vector<std::string>{
                       dir.path() + "/etc/tracker/tracker.conf",
                       dir.path() + "/run/tracker/tracker.conf.d/10-a.conf",
                       dir.path() + "/usr/lib/tracker/tracker.conf.d/20-b.conf",
                   }));
}

TEST(Dropins, ConfigFlagReadsFileAndItsDotD) {
  TempDir dir;
  dir.write(relative("main"), "[Output]\nFormat=table\n");  // the standard files: not read
  auto file = dir.write("alt/tracker.conf", "[Kernel]\nBufferSize=64\n");
  dir.write("alt/tracker.conf.d/10-a.conf", "[Cgroup]\nHierarchy=pids\n");
  std::string flag = "--config=" + file;
  std::vector<char*> argv = {const_cast<char*>("tracker"), flag.data(), nullptr};
  auto cli = parse_command_line(2, argv.data());
  ASSERT_TRUE(cli.options);
  EXPECT_EQ(cli.options->config_file, file);

  auto paths = config_paths_for(*cli.options);
  EXPECT_EQ(paths.main_file, file);
  EXPECT_EQ(paths.dropin_dirs, std::vector<std::string>{file + ".d"});
  auto result = resolve_options(*cli.options, paths, {});
  ASSERT_TRUE(result.ok());
  EXPECT_EQ(result.options->buffer_kib, 64u);
  EXPECT_EQ(result.options->cgroup_hierarchy, "pids");
  EXPECT_FALSE(result.options->output);
}

TEST(Dropins, StandardPaths) {
  auto paths = ConfigPaths::standard();
  EXPECT_EQ(paths.main_file, "/etc/tracker/tracker.conf");
  EXPECT_FALSE(paths.main_file_required);
  EXPECT_EQ(paths.dropin_dirs,
            (std::vector<std::string>{"/etc/tracker/tracker.conf.d", "/run/tracker/tracker.conf.d",
                                      "/usr/lib/tracker/tracker.conf.d"}));
}

// --- command line > environment > drop-ins > main file > defaults ---

Options command_line(std::vector<std::string> args) {
  args.insert(args.begin(), "tracker");
  std::vector<char*> argv;
  for (auto& arg : args) argv.push_back(arg.data());
  argv.push_back(nullptr);
  auto parsed = parse_command_line(static_cast<int>(args.size()), argv.data());
  if (!parsed.options) throw std::runtime_error("bad test command line");
  return *parsed.options;
}

struct LevelCase {
  std::string name;
  std::string main;    // Enabled= in the main file, "" for none
  std::string dropin;  // Enabled= in a drop-in
  std::string env;     // CONTAINERS_ENRICHMENT, "" for unset
  bool cli;            // --containers
  bool want;
};

void PrintTo(const LevelCase& c, std::ostream* os) {
  *os << c.name;
}

// One row per combination of levels; the highest level present always
// disagrees with every level below it.
const std::vector<LevelCase> kLevelCases = {
    {"DefaultsOnly", "", "", "", false, false},
    {"Main", "yes", "", "", false, true},
    {"Dropin", "", "yes", "", false, true},
    {"Env", "", "", "1", false, true},
    {"Cli", "", "", "", true, true},
    {"DropinOverMain", "yes", "no", "", false, false},
    {"EnvOverMain", "yes", "", "0", false, false},
    {"EnvOverDropin", "", "yes", "0", false, false},
    {"EnvOverDropinAndMain", "no", "no", "1", false, true},
    {"CliOverMain", "no", "", "", true, true},
    {"CliOverDropin", "", "no", "", true, true},
    {"CliOverEnv", "", "", "0", true, true},
    {"CliOverDropinAndMain", "no", "no", "", true, true},
    {"CliOverEnvAndMain", "no", "", "0", true, true},
    {"CliOverEnvAndDropin", "", "no", "0", true, true},
    {"CliOverEverything", "no", "no", "0", true, true},
    {"EmptyEnvIsUnset", "no", "yes", "", false, true},
    {"EnvWordsAreBooleans", "yes", "", "off", false, false},
};

class LevelTest : public testing::TestWithParam<LevelCase> {};

TEST_P(LevelTest, HighestLevelWins) {
  const auto& row = GetParam();
  TempDir dir;
  if (!row.main.empty()) dir.write(relative("main"), "[Enrichment]\nEnabled=" + row.main + "\n");
  if (!row.dropin.empty())
    dir.write(relative("lib/50-x.conf"), "[Enrichment]\nEnabled=" + row.dropin + "\n");
  Environment env;
  if (!row.env.empty()) env["CONTAINERS_ENRICHMENT"] = row.env;
  auto cli =
      command_line(row.cli ? std::vector<std::string>{"--containers"} : std::vector<std::string>{});

  auto result = resolve_options(cli, ConfigPaths::standard(dir.path()), env);
  ASSERT_TRUE(result.ok()) << testing::PrintToString(texts(result.diagnostics.errors));
  EXPECT_EQ(result.options->containers, row.want);
}

INSTANTIATE_TEST_SUITE_P(Config, LevelTest, testing::ValuesIn(kLevelCases), row_name<LevelCase>);

// The other settings have no environment variable.
struct FieldCase {
  std::string name;
  std::string main;  // file contents
  std::string dropin;
  std::vector<std::string> cli;
  std::string field;
  std::string want;
};

void PrintTo(const FieldCase& c, std::ostream* os) {
  *os << c.name;
}

std::string field_text(const Options& o, const std::string& field) {
  if (field == "output")
    return !o.output ? "unset" : *o.output == OutputFormat::json ? "json" : "table";
  if (field == "events") return test::events_text(o.events);
  if (field == "scope") {
    std::string text = std::to_string(static_cast<int>(o.scope.mode()));
    for (auto& prefix : o.scope.id_prefixes()) text += " " + prefix;
    return text;
  }
  if (field == "cri") return test::sockets_text(o.cri_sockets);
  if (field == "hierarchy") return o.cgroup_hierarchy;
  if (field == "buffer") return std::to_string(o.buffer_kib);
  if (field == "path") return o.output_path;
  if (field == "timeout") return std::to_string(o.enrichment_timeout.count()) + "ms";
  if (field == "verbose") return o.verbose ? "yes" : "no";
  return "unknown field " + field;
}

const std::string kAllEvents =
    "container_create,container_remove,container_exit,existing_container,sched_process_exec,"
    "sched_process_exit,sched_process_fork";
const std::string kContainerMode = std::to_string(static_cast<int>(Scope::Mode::container));
const std::string kNewMode = std::to_string(static_cast<int>(Scope::Mode::container_new));
const std::string kAllMode = std::to_string(static_cast<int>(Scope::Mode::all));

const std::vector<FieldCase> kFieldCases = {
    {"OutputDefault", "", "", {}, "output", "unset"},
    {"OutputMain", "[Output]\nFormat=table\n", "", {}, "output", "table"},
    {"OutputDropinOverMain",
     "[Output]\nFormat=json\n",
     "[Output]\nFormat=table\n",
     {},
     "output",
     "table"},
    {"OutputCliOverFiles",
     "[Output]\nFormat=table\n",
     "[Output]\nFormat=table\n",
     {"-o", "json"},
     "output",
     "json"},
    {"EventsDefault", "", "", {}, "events", kAllEvents},
    {"EventsMain", "[Scope]\nEvents=container_create\n", "", {}, "events", "container_create"},
    {"EventsDropinAddsToMain",
     "[Scope]\nEvents=container_create\n",
     "[Scope]\nEvents=sched_process_exit\n",
     {},
     "events",
     "container_create,sched_process_exit"},
    {"EventsDropinResetsMain",
     "[Scope]\nEvents=container_create\n",
     "[Scope]\nEvents=\nEvents=sched_process_exit\n",
     {},
     "events",
     "sched_process_exit"},
    {"EventsCliReplacesFiles",
     "[Scope]\nEvents=container_create\n",
     "",
     {"-e", "container_remove"},
     "events",
     "container_remove"},
    {"ScopeDefault", "", "", {}, "scope", kAllMode},
    {"ScopeFiles",
     "[Scope]\nScope=container=3cfaa\n",
     "[Scope]\nScope=container=ab5f\n",
     {},
     "scope",
     kContainerMode + " 3cfaa ab5f"},
    {"ScopeCliReplacesFiles",
     "[Scope]\nScope=not-container\n",
     "",
     {"-s", "container=new"},
     "scope",
     kNewMode},
    {"SocketsDefaultToDiscovery", "", "", {}, "cri", ""},
    {"SocketsFromMainAndDropin",
     "[Enrichment]\nDockerSocket=/d.sock\n",
     "[Enrichment]\nPodmanSocket=/p.sock\n",
     {},
     "cri",
     "docker:/d.sock podman:/p.sock"},
    {"SocketsDropinResetsMain",
     "[Enrichment]\nDockerSocket=/d.sock\n",
     "[Enrichment]\nDockerSocket=\nDockerSocket=/e.sock\n",
     {},
     "cri",
     "docker:/e.sock"},
    {"SocketsCliReplacesFiles",
     "[Enrichment]\nDockerSocket=/d.sock\n",
     "",
     {"--cri", "crio:/c.sock"},
     "cri",
     "crio:/c.sock"},
    {"HierarchyDefault", "", "", {}, "hierarchy", "auto"},
    {"HierarchyDropinOverMain",
     "[Cgroup]\nHierarchy=memory\n",
     "[Cgroup]\nHierarchy=pids\n",
     {},
     "hierarchy",
     "pids"},
    {"HierarchyCliOverFiles",
     "[Cgroup]\nHierarchy=memory\n",
     "",
     {"--cgroup-hierarchy", "cpu"},
     "hierarchy",
     "cpu"},
    {"BufferDefault", "", "", {}, "buffer", "4096"},
    {"BufferMain", "[Kernel]\nBufferSize=512\n", "", {}, "buffer", "512"},
    {"BufferCliOverFiles",
     "[Kernel]\nBufferSize=512\n",
     "[Kernel]\nBufferSize=1024\n",
     {"--buffer-size", "64"},
     "buffer",
     "64"},
    {"CliDefaultDoesNotOverrideFiles", "[Kernel]\nBufferSize=512\n", "", {"-v"}, "buffer", "512"},
    {"PathDefaultIsStdout", "", "", {}, "path", ""},
    {"PathDropinOverMain", "[Output]\nPath=/a\n", "[Output]\nPath=/b\n", {}, "path", "/b"},
    {"PathDropinResetsToStdout", "[Output]\nPath=/a\n", "[Output]\nPath=\n", {}, "path", ""},
    {"TimeoutDefault", "", "", {}, "timeout", "2000ms"},
    {"TimeoutDropinOverMain",
     "[Enrichment]\nTimeout=5s\n",
     "[Enrichment]\nTimeout=750ms\n",
     {},
     "timeout",
     "750ms"},
    {"CliOnlyOptionsStay", "[Output]\nFormat=json\n", "", {"--verbose"}, "verbose", "yes"},
};

class FieldTest : public testing::TestWithParam<FieldCase> {};

TEST_P(FieldTest, HighestLevelWins) {
  const auto& row = GetParam();
  TempDir dir;
  if (!row.main.empty()) dir.write(relative("main"), row.main);
  if (!row.dropin.empty()) dir.write(relative("run/50-x.conf"), row.dropin);
  auto result = resolve_options(command_line(row.cli), ConfigPaths::standard(dir.path()), {});
  ASSERT_TRUE(result.ok()) << testing::PrintToString(texts(result.diagnostics.errors));
  EXPECT_EQ(field_text(*result.options, row.field), row.want);
}

INSTANTIATE_TEST_SUITE_P(Config, FieldTest, testing::ValuesIn(kFieldCases), row_name<FieldCase>);

// --- the command line says what it gave ---

TEST(CommandLine, RecordsWhatWasGiven) {
  auto none = command_line({});
  EXPECT_FALSE(none.given.output || none.given.events || none.given.scope ||
               none.given.containers || none.given.cri || none.given.cgroup_hierarchy ||
               none.given.buffer_size);
  auto all =
      command_line({"-o", "json", "-e", "container_create", "-s", "container", "-c", "--cri",
                    "docker:/d.sock", "--cgroup-hierarchy", "auto", "--buffer-size", "4096"});
  EXPECT_TRUE(all.given.output && all.given.events && all.given.scope && all.given.containers &&
              all.given.cri && all.given.cgroup_hierarchy && all.given.buffer_size);
}

// --- environment ---

TEST(Environment, BadBooleanFailsTheLoad) {
  TempDir dir;
  auto result = resolve_options(Options{}, ConfigPaths::standard(dir.path()),
                                {{"CONTAINERS_ENRICHMENT", "maybe"}});
  EXPECT_FALSE(result.ok());
  EXPECT_EQ(texts(result.diagnostics.errors),
            std::vector<std::string>{"$CONTAINERS_ENRICHMENT: 'maybe' is not a boolean (yes/no, "
                                     "true/false, on/off, 1/0)"});
}

TEST(Environment, OnlyTheHonouredVariablesAreRead) {
  setenv("CONTAINERS_ENRICHMENT", "yes", 1);
  setenv("TRACKER_UNRELATED", "x", 1);
  auto env = process_environment();
  unsetenv("CONTAINERS_ENRICHMENT");
  unsetenv("TRACKER_UNRELATED");
  EXPECT_EQ(env, (Environment{{"CONTAINERS_ENRICHMENT", "yes"}}));
}

// --- reload: the same call again, and a failure changes nothing ---

TEST(Reload, SeesNewFilesAndFailsWithoutOptions) {
  TempDir dir;
  auto cli = command_line({"--buffer-size", "64"});
  auto paths = ConfigPaths::standard(dir.path());
  Environment env{{"CONTAINERS_ENRICHMENT", "0"}};
  auto dropin = dir.write(relative("etc/50-x.conf"), "[Output]\nFormat=table\n");

  auto first = resolve_options(cli, paths, env);
  ASSERT_TRUE(first.ok());
  EXPECT_EQ(first.options->output, OutputFormat::table);

  dir.write(relative("etc/50-x.conf"), "[Output]\nFormat=tabel\n");
  auto broken = resolve_options(cli, paths, env);
  EXPECT_FALSE(broken.ok());
  EXPECT_EQ(texts(broken.diagnostics.errors),
            std::vector<std::string>{dropin + ":2: Format=tabel: unknown format (table or json)"});

  dir.write(relative("etc/50-x.conf"), "[Output]\nFormat=json\n[Kernel]\nBufferSize=8\n");
  auto fixed = resolve_options(cli, paths, env);
  ASSERT_TRUE(fixed.ok());
  EXPECT_EQ(fixed.options->output, OutputFormat::json);
  EXPECT_EQ(fixed.options->buffer_kib, 64u);  // still the command line's
  EXPECT_FALSE(fixed.options->containers);
}

}  // namespace
}  // namespace tracker
