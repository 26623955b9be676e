// trackerctl's pure parts: the container filter, the pager's choice, widths
// on screen and the state column.

#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <map>

#include "trackerctl/container_view.h"
#include "trackerctl/filter.h"
#include "trackerctl/output.h"
#include "trackerctl/pager.h"

namespace tracker::ctl {
namespace {

ContainerFacts nginx() {
  return {"docker",
          "docker.io/library/nginx:1.25",
          "web-1",
          "shop",
          {{"tier", "front"}, {"empty", ""}, {"a=b", "c"}}};
}

struct FilterCase {
  const char* what;
  std::vector<std::string> runtimes, images, names, labels, pod_namespaces;
  bool matches;
};

class Filter : public ::testing::TestWithParam<FilterCase> {};

TEST_P(Filter, MatchesAsDocumented) {
  ContainerFilter filter{
      GetParam().runtimes, GetParam().images, GetParam().names, {}, GetParam().pod_namespaces};
  for (const auto& text : GetParam().labels) {
    LabelSelector selector;
    ASSERT_EQ(parse_label_selector(text, selector), "") << text;
    filter.labels.push_back(selector);
  }
  EXPECT_EQ(matches(filter, nginx()), GetParam().matches);
}

INSTANTIATE_TEST_SUITE_P(
    Cases, Filter,
    ::testing::Values(
        FilterCase{"empty_matches_everything", {}, {}, {}, {}, {}, true},
        FilterCase{"runtime", {"docker"}, {}, {}, {}, {}, true},
        FilterCase{"runtime_is_exact", {"dock*"}, {}, {}, {}, {}, false},
        FilterCase{"other_runtime", {"podman"}, {}, {}, {}, {}, false},
        FilterCase{"runtimes_are_anded", {"docker", "podman"}, {}, {}, {}, {}, false},
        FilterCase{"image_glob_crosses_slashes", {}, {"*nginx*"}, {}, {}, {}, true},
        FilterCase{"image_glob_whole_string", {}, {"nginx*"}, {}, {}, {}, false},
        FilterCase{"image_exact", {}, {"docker.io/library/nginx:1.25"}, {}, {}, {}, true},
        FilterCase{"image_bracket", {}, {"*:1.2[0-9]"}, {}, {}, {}, true},
        FilterCase{"name_glob", {}, {}, {"web-?"}, {}, {}, true},
        FilterCase{"name_glob_no_match", {}, {}, {"db-*"}, {}, {}, false},
        FilterCase{"names_are_anded", {}, {}, {"web*", "*-1"}, {}, {}, true},
        FilterCase{"names_anded_one_fails", {}, {}, {"web*", "*-2"}, {}, {}, false},
        FilterCase{"label_key", {}, {}, {}, {"tier"}, {}, true},
        FilterCase{"label_key_absent", {}, {}, {}, {"owner"}, {}, false},
        FilterCase{"label_value", {}, {}, {}, {"tier=front"}, {}, true},
        FilterCase{"label_value_is_exact", {}, {}, {}, {"tier=fr*"}, {}, false},
        FilterCase{"label_empty_value", {}, {}, {}, {"empty="}, {}, true},
        FilterCase{"label_empty_value_is_a_value", {}, {}, {}, {"tier="}, {}, false},
        FilterCase{"label_split_at_first_equals", {}, {}, {}, {"a=b=c"}, {}, false},
        FilterCase{"labels_are_anded", {}, {}, {}, {"tier", "empty"}, {}, true},
        FilterCase{"labels_anded_one_fails", {}, {}, {}, {"tier", "owner"}, {}, false},
        FilterCase{"pod_namespace", {}, {}, {}, {}, {"shop"}, true},
        FilterCase{"pod_namespace_is_exact", {}, {}, {}, {}, {"sh*"}, false},
        FilterCase{"all_kinds", {"docker"}, {"*nginx*"}, {"web*"}, {"tier=front"}, {"shop"}, true},
        FilterCase{"all_kinds_one_fails",
                   {"docker"},
                   {"*nginx*"},
                   {"web*"},
                   {"tier=back"},
                   {"shop"},
                   false}),
    [](const auto& info) { return std::string(info.param.what); });

TEST(Filter, LabelSelectorsNeedAKey) {
  LabelSelector selector;
  EXPECT_NE(parse_label_selector("", selector), "");
  EXPECT_NE(parse_label_selector("=x", selector), "");
  EXPECT_EQ(parse_label_selector("k", selector), "");
  EXPECT_EQ(selector.key, "k");
  EXPECT_FALSE(selector.value);
  EXPECT_EQ(parse_label_selector("k=v=w", selector), "");
  EXPECT_EQ(selector.key, "k");
  EXPECT_EQ(selector.value, "v=w");
}

struct PagerCase {
  const char* what;
  std::map<std::string, std::string> env;
  uid_t uid, euid;
  PagerChoice::Kind kind;
  const char* command;
};

class Pager : public ::testing::TestWithParam<PagerCase> {};

TEST_P(Pager, ChoosesAsSystemdDoes) {
  const auto& env = GetParam().env;
  auto choice = choose_pager(
      [&env](const char* name) -> const char* {
        auto found = env.find(name);
        return found == env.end() ? nullptr : found->second.c_str();
      },
      GetParam().uid, GetParam().euid);
  EXPECT_EQ(choice.kind, GetParam().kind);
  EXPECT_EQ(choice.command, GetParam().command);
}

using Kind = PagerChoice::Kind;
INSTANTIATE_TEST_SUITE_P(
    Cases, Pager,
    ::testing::Values(
        PagerCase{"defaults", {}, 1000, 1000, Kind::defaults, ""},
        PagerCase{"pager", {{"PAGER", "most"}}, 1000, 1000, Kind::configured, "most"},
        PagerCase{"systemd_pager_first",
                  {{"PAGER", "most"}, {"SYSTEMD_PAGER", "pg"}},
                  1000,
                  1000,
                  Kind::configured,
                  "pg"},
        PagerCase{"empty_is_none", {{"PAGER", ""}}, 1000, 1000, Kind::none, ""},
        PagerCase{"cat_is_none", {{"SYSTEMD_PAGER", "cat"}}, 0, 0, Kind::none, ""},
        PagerCase{"root_login_is_not_secure", {{"PAGER", "most"}}, 0, 0, Kind::configured, "most"},
        PagerCase{"setuid_is_secure", {{"PAGER", "most"}}, 1000, 0, Kind::secure_less, ""},
        PagerCase{"sudo_is_secure",
                  {{"PAGER", "most"}, {"SUDO_UID", "1000"}},
                  0,
                  0,
                  Kind::secure_less,
                  ""},
        PagerCase{"pkexec_is_secure", {{"PKEXEC_UID", "1000"}}, 0, 0, Kind::secure_less, ""},
        PagerCase{"explicitly_secure",
                  {{"SYSTEMD_PAGERSECURE", "true"}},
                  1000,
                  1000,
                  Kind::secure_less,
                  ""},
        PagerCase{"explicitly_not_secure",
                  {{"SYSTEMD_PAGERSECURE", "off"}, {"SUDO_UID", "1000"}},
                  0,
                  0,
                  Kind::defaults,
                  ""},
        PagerCase{"tracker_first",
                  {{"SYSTEMD_PAGERSECURE", "0"}, {"TRACKER_PAGERSECURE", "1"}},
                  1000,
                  1000,
                  Kind::secure_less,
                  ""},
        PagerCase{"unparsable_is_secure",
                  {{"TRACKER_PAGERSECURE", ""}},
                  1000,
                  1000,
                  Kind::secure_less,
                  ""}),
    [](const auto& info) { return std::string(info.param.what); });

TEST(DisplayWidth, CountsColumnsNotBytes) {
  EXPECT_EQ(display_width(""), 0u);
  EXPECT_EQ(display_width("nginx"), 5u);
  EXPECT_EQ(display_width("caf\u00e9"), 4u);         // 5 bytes
  EXPECT_EQ(display_width("\u65e5\u672c"), 4u);      // wide: 6 bytes, 4 columns
  EXPECT_EQ(display_width("e\u0301"), 1u);           // a combining accent
  EXPECT_EQ(display_width("\\x1b[2J\\u202e"), 13u);  // escaped text is ASCII
}

std::string render(const Table& table) {
  char* buffer = nullptr;
  size_t size = 0;
  FILE* out = open_memstream(&buffer, &size);
  table.print(out, true);
  fclose(out);
  std::string text(buffer, size);
  free(buffer);
  return text;
}

TEST(Table, EscapesCellsAndPadsByColumnsOnScreen) {
  Table table({"NAME", "IMAGE"});
  table.add_row({"\u65e5\u672c\x1b[2J", "a"});
  table.add_row({"caf\u00e9", "b\u202ec"});
  // 日本\x1b[2J is 11 columns wide, 13 bytes.
  EXPECT_EQ(render(table),
            "NAME        IMAGE\n"
            "\u65e5\u672c\\x1b[2J a\n"
            "caf\u00e9        b\\u202ec\n");
}

struct StateCase {
  StateView view;
  const char* shown;
};

class State : public ::testing::TestWithParam<StateCase> {};

TEST_P(State, ShowsHowItRunsOrEnded) {
  EXPECT_EQ(format_state(GetParam().view), GetParam().shown);
}

INSTANTIATE_TEST_SUITE_P(
    Cases, State,
    ::testing::Values(StateCase{{"running", -1, 0, false, ""}, "running"},
                      StateCase{{"running", -1, 0, false, "unhealthy"}, "running (unhealthy)"},
                      StateCase{{"created", -1, 0, false, ""}, "created"},
                      StateCase{{"exited", 0, 0, false, ""}, "exited (0)"},
                      StateCase{{"exited", 137, 9, true, ""}, "exited (137, oom)"},
                      StateCase{{"exited", -1, 9, false, ""}, "exited (SIGKILL)"},
                      StateCase{{"exited", -1, 0, true, "unhealthy"}, "exited (oom)"},
                      StateCase{{"exited", -1, 0, false, ""}, "exited"}));

TEST(Format, BytesAndCpuTime) {
  EXPECT_EQ(format_bytes(300), "300B");
  EXPECT_EQ(format_bytes(1536 * 1024), "1.5M");
  EXPECT_EQ(format_bytes(512ull << 30), "512.0G");
  EXPECT_EQ(format_cpu_time(1'234'000'000), "1.234s");
  EXPECT_EQ(format_cpu_time(123'500'000'000), "2min 3.500s");
  EXPECT_EQ(format_cpu_time(3'720'000'000'000), "1h 2min");
}

TEST(ProcessTree, DrawsChildrenBelowTheirParent) {
  // The init's parent (the runtime's shim, 50) is outside the container.
  std::vector<ProcessRow> processes = {{100, 50, "init"},
                                       {120, 100, "worker"},
                                       {130, 100, "logger"},
                                       {121, 120, "child"},
                                       {200, 50, "exec'd"}};
  EXPECT_EQ(process_tree(processes), (std::vector<std::string>{
                                         "├─100 init",
                                         "│ ├─120 worker",
                                         "│ │ └─121 child",
                                         "│ └─130 logger",
                                         "└─200 exec'd",
                                     }));
}

TEST(ProcessTree, EscapesNamesAndSurvivesOddParents) {
  // A process may name itself anything; a pid that is its own parent (0 for
  // the first process of a PID namespace seen from outside) is a root.
  EXPECT_EQ(process_tree({{7, 7, "\x1b[31mred"}, {8, 0, "a\nb"}}),
            (std::vector<std::string>{"├─7 \\x1b[31mred", "└─8 a\\nb"}));
  EXPECT_TRUE(process_tree({}).empty());
}

}  // namespace
}  // namespace tracker::ctl
