// The files tracker ships: the commented default tracker.conf and the example
// drop-in.
#include <gtest/gtest.h>

#include <cctype>
#include <string>
#include <vector>

#include "config/config_files.h"
#include "config/config_keys.h"
#include "config/config_parser.h"
#include "config_test_util.h"
#include "systemd/shipped_config_paths.h"

namespace tracker {
namespace {

using test::describe;
using test::texts;

std::string read(const std::string& path) {
  Diagnostics diagnostics;
  auto text = read_config_file(path, diagnostics);
  EXPECT_TRUE(text) << testing::PrintToString(texts(diagnostics.errors));
  return text.value_or("");
}

TEST(ShippedConfig, DefaultFileSetsNothing) {
  Settings settings;
  Diagnostics diagnostics;
  parse_config_text(TRACKER_DEFAULT_CONFIG_PATH, read(TRACKER_DEFAULT_CONFIG_PATH), settings,
                    diagnostics);
  EXPECT_EQ(texts(diagnostics.errors), std::vector<std::string>{});
  EXPECT_EQ(texts(diagnostics.warnings), std::vector<std::string>{});
  EXPECT_EQ(describe(settings), "");
}

TEST(ShippedConfig, DefaultFileShowsEveryKey) {
  auto text = read(TRACKER_DEFAULT_CONFIG_PATH);
  for (auto& key : config_key_names()) {
    EXPECT_NE(text.find("\n[" + std::string(key.section) + "]\n"), std::string::npos)
        << key.section;
    EXPECT_NE(text.find("\n#" + std::string(key.name) + "="), std::string::npos) << key.name;
  }
}

// Uncommented, the defaults it shows are the built-in ones.
TEST(ShippedConfig, DefaultFileShowsTheBuiltInDefaults) {
  std::string text;
  for (auto line : test::lines_of(read(TRACKER_DEFAULT_CONFIG_PATH))) {
    bool commented_key = line.size() > 1 && line[0] == '#' && std::isupper(line[1]) &&
                         line.find('=') != std::string::npos;
    text += (commented_key ? line.substr(1) : line) + "\n";
  }
  Settings settings;
  Diagnostics diagnostics;
  parse_config_text("uncommented", text, settings, diagnostics);
  EXPECT_EQ(texts(diagnostics.errors), std::vector<std::string>{});
  EXPECT_EQ(texts(diagnostics.warnings), std::vector<std::string>{});
  EXPECT_EQ(describe(settings),
            "enrichment=false timeout=2000ms hierarchy=auto buffer=4096 interval=15000ms");

  Options defaults;
  EXPECT_EQ(settings.enrichment, defaults.containers);
  EXPECT_EQ(settings.timeout, defaults.enrichment_timeout);
  EXPECT_EQ(settings.cgroup_hierarchy, defaults.cgroup_hierarchy);
  EXPECT_EQ(settings.buffer_kib, defaults.buffer_kib);
}

TEST(ShippedConfig, ExampleDropin) {
  Settings settings;
  Diagnostics diagnostics;
  parse_config_text(TRACKER_EXAMPLE_DROPIN_PATH, read(TRACKER_EXAMPLE_DROPIN_PATH), settings,
                    diagnostics);
  EXPECT_EQ(texts(diagnostics.errors), std::vector<std::string>{});
  EXPECT_EQ(texts(diagnostics.warnings), std::vector<std::string>{});
  EXPECT_EQ(describe(settings),
            "enrichment=true sockets=docker:/var/run/docker.sock timeout=5000ms");
}

}  // namespace
}  // namespace tracker
