// Text from outside made safe: valid UTF-8, caps at code point boundaries,
// escapes for display (util/text.h), and the boundary sanitiser of what
// runtimes say and of cgroup paths (enrich/sanitize.h).

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

#include "enrich/sanitize.h"
#include "util/text.h"

namespace tracker {
namespace {

const std::string kFffd = "\xef\xbf\xbd";

struct Utf8Case {
  const char* what;
  std::string bytes;
  std::string want;
};

class ValidUtf8Test : public ::testing::TestWithParam<Utf8Case> {};

TEST_P(ValidUtf8Test, ReplacesIllFormedSequences) {
  auto text = valid_utf8(GetParam().bytes);
  EXPECT_EQ(text, GetParam().want);
  EXPECT_TRUE(is_valid_utf8(text));
  EXPECT_EQ(is_valid_utf8(GetParam().bytes), GetParam().bytes == GetParam().want);
}

INSTANTIATE_TEST_SUITE_P(
    Bytes, ValidUtf8Test,
    ::testing::Values(Utf8Case{"ascii", "nginx:1.25", "nginx:1.25"}, Utf8Case{"empty", "", ""},
                      Utf8Case{"two_three_four_bytes", "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x90\xb3",
                               "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x90\xb3"},
                      Utf8Case{"highest_code_point", "\xf4\x8f\xbf\xbf", "\xf4\x8f\xbf\xbf"},
                      Utf8Case{"controls_are_valid", std::string("a\x1b[2J\x7f\0b", 8),
                               std::string("a\x1b[2J\x7f\0b", 8)},
                      Utf8Case{"ff_fe_from_the_issue", "docker-\xff\xfe.scope",
                               "docker-" + kFffd + kFffd + ".scope"},
                      Utf8Case{"stray_continuation", "a\x80z", "a" + kFffd + "z"},
                      Utf8Case{"truncated_at_the_end", "a\xe2\x82", "a" + kFffd},
                      Utf8Case{"truncated_before_ascii", "a\xf0\x9f\x90z", "a" + kFffd + "z"},
                      Utf8Case{"lead_without_continuation", "\xc3(", kFffd + "("},
                      Utf8Case{"overlong_slash", "\xc0\xaf", kFffd},
                      Utf8Case{"overlong_nul", "\xc0\x80", kFffd},
                      Utf8Case{"overlong_three_bytes", "\xe0\x80\xaf", kFffd},
                      Utf8Case{"overlong_four_bytes", "\xf0\x80\x80\xaf", kFffd},
                      Utf8Case{"high_surrogate", "\xed\xa0\x80", kFffd},
                      Utf8Case{"low_surrogate", "x\xed\xbf\xbfy", "x" + kFffd + "y"},
                      Utf8Case{"above_u10ffff", "\xf4\x90\x80\x80", kFffd},
                      Utf8Case{"five_byte_form", "\xf8\x88\x80\x80\x80",
                               kFffd + kFffd + kFffd + kFffd + kFffd},
                      Utf8Case{"fe_ff_bytes", "\xfe\xff", kFffd + kFffd}),
    [](const auto& info) { return std::string(info.param.what); });

struct TruncateCase {
  const char* what;
  std::string text;
  std::size_t max;
  std::string want;
};

class TruncateTest : public ::testing::TestWithParam<TruncateCase> {};

TEST_P(TruncateTest, CutsAtACodePointBoundary) {
  auto cut = truncate_utf8(GetParam().text, GetParam().max);
  EXPECT_EQ(cut, GetParam().want);
  EXPECT_LE(cut.size(), GetParam().max);
  EXPECT_TRUE(is_valid_utf8(cut));
}

INSTANTIATE_TEST_SUITE_P(
    Texts, TruncateTest,
    ::testing::Values(
        TruncateCase{"fits", "abc", 3, "abc"}, TruncateCase{"ascii", "abcdef", 4, "abcd"},
        TruncateCase{"zero", "abc", 0, ""}, TruncateCase{"before_two_bytes", "ab\xc3\xa9", 3, "ab"},
        TruncateCase{"after_two_bytes", "ab\xc3\xa9z", 4, "ab\xc3\xa9"},
        TruncateCase{"inside_three_bytes", "a\xe2\x82\xac", 3, "a"},
        TruncateCase{"inside_four_bytes_at_3", "\xf0\x9f\x90\xb3", 3, ""},
        TruncateCase{"inside_four_bytes_at_1", "z\xf0\x9f\x90\xb3", 2, "z"},
        TruncateCase{"whole_four_bytes", "z\xf0\x9f\x90\xb3!", 5, "z\xf0\x9f\x90\xb3"}),
    [](const auto& info) { return std::string(info.param.what); });

TEST(BoundedUtf8, RepairsThenCaps) {
  // The replacement is three bytes: it fits whole or not at all.
  EXPECT_EQ(bounded_utf8("ab\xff", 5), "ab" + kFffd);
  EXPECT_EQ(bounded_utf8("ab\xff", 4), "ab");
}

struct EscapeCase {
  const char* what;
  std::string text;
  std::string want;
};

class EscapeTest : public ::testing::TestWithParam<EscapeCase> {};

TEST_P(EscapeTest, ShowsControlsAsEscapes) {
  auto shown = escape_for_display(GetParam().text);
  EXPECT_EQ(shown, GetParam().want);
  EXPECT_TRUE(is_valid_utf8(shown));
  for (unsigned char c : shown) EXPECT_TRUE(c >= 0x20 && c != 0x7f) << shown;
}

INSTANTIATE_TEST_SUITE_P(
    Texts, EscapeTest,
    ::testing::Values(
        EscapeCase{"plain", "docker.io/library/nginx:1.25", "docker.io/library/nginx:1.25"},
        EscapeCase{"unicode_stays", "caf\xc3\xa9 \xf0\x9f\x90\xb3", "caf\xc3\xa9 \xf0\x9f\x90\xb3"},
        EscapeCase{"newline_and_tab", "a\nb\tc\r", "a\\nb\\tc\\r"},
        EscapeCase{"bell_backspace_formfeed_vtab", "\a\b\f\v", "\\a\\b\\f\\v"},
        EscapeCase{"clear_screen", "\x1b[2Jowned", "\\x1b[2Jowned"},
        EscapeCase{"osc_title", "\x1b]0;root@host\x07", "\\x1b]0;root@host\\a"},
        EscapeCase{"nul", std::string("a\0b", 3), "a\\x00b"},
        EscapeCase{"delete", "a\x7f", "a\\x7f"},
        EscapeCase{"c1_csi",
                   "\xc2\x9b"
                   "2J",
                   "\\u009b2J"},
        EscapeCase{"c1_nel",
                   "a\xc2\x85"
                   "b",
                   "a\\u0085b"},
        EscapeCase{"nbsp_is_printable",
                   "a\xc2\xa0"
                   "b",
                   "a\xc2\xa0"
                   "b"},
        EscapeCase{"right_to_left_override",
                   "evil\xe2\x80\xae"
                   "gpj.exe",
                   "evil\\u202egpj.exe"},
        EscapeCase{"line_separator",
                   "a\xe2\x80\xa8"
                   "b",
                   "a\\u2028b"},
        EscapeCase{"backslash", "a\\x1b", "a\\\\x1b"},
        EscapeCase{"invalid_bytes", "a\xff\xfe", "a\\xff\\xfe"},
        EscapeCase{"truncated_sequence", "a\xe2\x82", "a\\xe2\\x82"}),
    [](const auto& info) { return std::string(info.param.what); });

TEST(SanitizeString, ReplacesNulAndCaps) {
  EXPECT_EQ(sanitize_string(std::string("a\0b", 3), 100), "a" + kFffd + "b");
  EXPECT_EQ(sanitize_string("\xff"
                            "abc",
                            4),
            kFffd + "a");
  EXPECT_EQ(sanitize_string("ok", 100), "ok");
}

ContainerInfo hostile_info() {
  ContainerInfo info;
  info.id = std::string(300, 'a');
  info.name = "web\xff";
  info.image = std::string(2000, 'i');
  info.image_digest = "sha256:\xc0\xaf";
  info.image_id = std::string("sha256:\0x", 9);
  info.labels = {{"ok", "fine"}, {"bad\xfe", "value\xed\xa0\x80"}, {"big", std::string(5000, 'v')}};
  info.pod.name = "pod\x80";
  info.pod.namespace_name = std::string(300, 'n');
  info.pod.uid = "\xf8";
  info.runtime_pod.id = "\xff";
  info.runtime_pod.name = std::string(1000, 'p');
  info.health = "unhealthy\xff" + std::string(100, 'h');
  info.repo_digests = {"repo@sha256:\xc0", std::string(2000, 'r')};
  return info;
}

TEST(Sanitize, EveryFieldIsValidAndCapped) {
  auto info = hostile_info();
  sanitize(info);
  EXPECT_EQ(info.id, std::string(kMaxIdBytes, 'a'));
  EXPECT_EQ(info.name, "web" + kFffd);
  EXPECT_EQ(info.image.size(), kMaxImageBytes);
  EXPECT_EQ(info.image_digest, "sha256:" + kFffd);
  EXPECT_EQ(info.image_id, "sha256:" + kFffd + "x");
  EXPECT_EQ(info.labels.at("ok"), "fine");
  EXPECT_EQ(info.labels.at("bad" + kFffd), "value" + kFffd);
  EXPECT_EQ(info.labels.at("big").size(), kMaxLabelValueBytes);
  EXPECT_EQ(info.pod.name, "pod" + kFffd);
  EXPECT_EQ(info.pod.namespace_name.size(), kMaxPodFieldBytes);
  EXPECT_EQ(info.pod.uid, kFffd);
  EXPECT_EQ(info.runtime_pod.id, kFffd);
  EXPECT_EQ(info.runtime_pod.name.size(), kMaxNameBytes);
  EXPECT_EQ(info.health.size(), kMaxHealthBytes);
  EXPECT_TRUE(info.health.starts_with("unhealthy" + kFffd));
  ASSERT_EQ(info.repo_digests.size(), 2u);
  EXPECT_EQ(info.repo_digests[0], "repo@sha256:" + kFffd);
  EXPECT_EQ(info.repo_digests[1].size(), kMaxImageBytes);
}

TEST(Sanitize, RepoDigestsAreCappedInCount) {
  ContainerInfo info;
  for (int i = 0; i < 100; ++i) info.repo_digests.push_back("r" + std::to_string(i) + "@sha256:0");
  sanitize(info);
  ASSERT_EQ(info.repo_digests.size(), kMaxRepoDigests);
  EXPECT_EQ(info.repo_digests.front(), "r0@sha256:0");  // kept in the runtime's order
}

TEST(Sanitize, CleanInfoIsUnchanged) {
  ContainerInfo info;
  info.id = std::string(64, 'f');
  info.name = "caf\xc3\xa9";
  info.image = "docker.io/library/nginx:1.25";
  info.labels = {{"com.example.team", "blue"}};
  info.pod = {"web-7d9f", "shop", "0b7c", false};
  info.health = "healthy";
  info.restart_count = 3;
  info.repo_digests = {"docker.io/library/nginx@sha256:2222"};
  auto copy = info;
  sanitize(copy);
  EXPECT_EQ(copy, info);
}

TEST(Sanitize, LabelsAreCappedInCountAndBytes) {
  ContainerInfo many;
  for (int i = 0; i < 1000; ++i) many.labels[std::to_string(100000 + i)] = "v";
  sanitize(many);
  EXPECT_EQ(many.labels.size(), kMaxLabels);
  EXPECT_EQ(many.labels.begin()->first, "100000");  // kept in key order

  ContainerInfo large;
  for (int i = 0; i < 100; ++i) large.labels[std::to_string(100 + i)] = std::string(4000, 'x');
  sanitize(large);
  std::size_t bytes = 0;
  for (const auto& [key, value] : large.labels) bytes += key.size() + value.size();
  EXPECT_LE(bytes, kMaxLabelBytes);
  EXPECT_EQ(large.labels.size(), kMaxLabelBytes / 4003);
}

TEST(Sanitize, KeysThatBecomeEqualKeepTheFirstValue) {
  ContainerInfo info;
  info.labels = {{"k\xfe", "first"}, {"k\xff", "second"}};
  sanitize(info);
  ASSERT_EQ(info.labels.size(), 1u);
  EXPECT_EQ(info.labels.at("k" + kFffd), "first");
}

TEST(SanitizeCgroupPath, RepairsAndCapsAt4096Bytes) {
  EXPECT_EQ(sanitize_cgroup_path("/system.slice/docker-\xff\xfe.scope"),
            "/system.slice/docker-" + kFffd + kFffd + ".scope");
  EXPECT_EQ(sanitize_cgroup_path("/" + std::string(5000, 'd')).size(), kMaxCgroupPathBytes);
  auto cut = sanitize_cgroup_path(std::string(4095, 'd') + "\xc3\xa9");
  EXPECT_EQ(cut, std::string(4095, 'd'));
}

}  // namespace
}  // namespace tracker
