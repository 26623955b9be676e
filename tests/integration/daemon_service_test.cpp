// The real daemon as a service: on the system bus with the project's bus
// policy, driven by trackerctl, busctl and gdbus; its sd_notify protocol; and
// reloads from drop-ins.
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <sstream>

#include "harness.h"

namespace tracker::testing {
namespace {

namespace fs = std::filesystem;

const std::string kBusctl = "busctl --system ";
const std::string kManager =
    "org.khulnasoft.Tracker1 /org/khulnasoft/Tracker1 org.khulnasoft.Tracker1.Manager ";

// A config file of the test's own, with its drop-in directory next to it.
class TempConfig {
 public:
  TempConfig() {
    char pattern[] = "/tmp/tracker-config-XXXXXX";
    dir_ = mkdtemp(pattern);
    file_ = dir_ + "/tracker.conf";
    std::ofstream(file_) << "[Output]\nFormat=json\n";
    fs::create_directories(file_ + ".d");
  }
  ~TempConfig() { fs::remove_all(dir_); }
  const std::string& file() const { return file_; }
  void drop_in(const std::string& name, const std::string& text) {
    std::ofstream(file_ + ".d/" + name) << text;
  }
  void remove_drop_in(const std::string& name) { fs::remove(file_ + ".d/" + name); }

 private:
  std::string dir_;
  std::string file_;
};

std::string manager_property(const std::string& name) {
  return run(kBusctl + "get-property " + kManager + name).output;
}

class DaemonServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    REQUIRE_PREREQUISITE(geteuid() == 0, "root");
    REQUIRE_PREREQUISITE(system_bus_answers(), "the system bus (tests/fixtures/runtimes.sh start)");
    REQUIRE_PREREQUISITE(fs::exists(source_file("dbus/org.khulnasoft.Tracker1.conf")),
                         "the bus policy (TRACKER_SOURCE_ROOT)");
    REQUIRE_PREREQUISITE(command_succeeds(trackerctl_binary() + " --help"), "trackerctl");
    policy_ = std::make_unique<InstalledBusPolicy>();
  }
  void TearDown() override { policy_.reset(); }

  std::unique_ptr<TrackerProcess> start(std::vector<std::string> args,
                                        std::vector<std::string> env = {}) {
    auto tracker = std::make_unique<TrackerProcess>(std::move(args), std::move(env));
    if (!tracker->wait_ready()) return nullptr;
    // The bus name is owned before READY=1.
    if (!command_succeeds(kBusctl + "status org.khulnasoft.Tracker1")) return nullptr;
    return tracker;
  }

  std::unique_ptr<InstalledBusPolicy> policy_;
};

// trackerctl lists a docker, a podman and a containerd container with name and image.
TEST_F(DaemonServiceTest, TrackerctlListsContainersOfEveryRuntime) {
  REQUIRE_PREREQUISITE(command_succeeds("docker image inspect " + test_image()), "docker");
  REQUIRE_PREREQUISITE(command_succeeds(kPodman + "image exists " + test_image()), "podman");
  REQUIRE_PREREQUISITE(command_succeeds("ctr -n tracker-test image check name==" + test_image() +
                                        " | grep -q complete"),
                       "containerd");
  Cleanup cleanup;
  std::string suffix = random_hex_id(8);
  auto docker = run("docker run -d --network none --runtime runc" + kLimits + "--name svc-d-" +
                    suffix + " " + test_image());
  ASSERT_EQ(docker.status, 0);
  cleanup.add("docker rm -f " + docker.output);
  auto podman = run(kPodman + "run -d --network none" + kLimits + "--name svc-p-" + suffix + " " +
                    test_image());
  ASSERT_EQ(podman.status, 0);
  cleanup.add(kPodman + "rm -f -t 0 " + podman.output);
  std::string ctr_id = "svc-c-" + suffix;
  ASSERT_TRUE(
      command_succeeds("ctr -n tracker-test run -d --null-io " + test_image() + " " + ctr_id));
  cleanup.add("ctr -n tracker-test tasks rm -f " + ctr_id + "; ctr -n tracker-test containers rm " +
              ctr_id);

  auto tracker = start({"--containers", "--output", "json", "--events", "container_create"});
  ASSERT_TRUE(tracker) << "tracker did not get ready on the system bus";

  auto listed = run(trackerctl_binary() + " containers --no-pager --no-legend");
  ASSERT_EQ(listed.status, 0) << listed.output;
  for (const std::string& name : {"svc-d-" + suffix, "svc-p-" + suffix}) {
    std::regex row(docker.output.substr(0, 0) + ".*" + name + ".*" + test_image());
    EXPECT_TRUE(std::regex_search(listed.output, row)) << name << " not listed:\n" << listed.output;
  }
  EXPECT_NE(listed.output.find(ctr_id.substr(0, 12)), std::string::npos) << listed.output;

  auto shown =
      run(trackerctl_binary() + " container " + docker.output.substr(0, 10) + " --no-pager");
  ASSERT_EQ(shown.status, 0) << shown.output;
  for (const std::string& field : {docker.output, "svc-d-" + suffix, test_image(),
                                   std::string("docker"), std::string("sha256:")})
    EXPECT_NE(shown.output.find(field), std::string::npos) << field << " not in:\n" << shown.output;

  // The ObjectManager lists the same containers.
  auto objects = run(kBusctl +
                     "call org.khulnasoft.Tracker1 /org/khulnasoft/Tracker1 "
                     "org.freedesktop.DBus.ObjectManager GetManagedObjects --json=short");
  ASSERT_EQ(objects.status, 0);
  for (const std::string& id : {docker.output, podman.output, ctr_id})
    EXPECT_NE(objects.output.find(id), std::string::npos) << id << " not in GetManagedObjects";
  EXPECT_GE(std::stoi(manager_property("ContainerCount").substr(2)), 3);
}

// trackerctl monitor --json and gdbus monitor both see a real docker run and rm.
TEST_F(DaemonServiceTest, MonitorsSeeContainersComeAndGo) {
  REQUIRE_PREREQUISITE(command_succeeds("docker image inspect " + test_image()), "docker");
  REQUIRE_PREREQUISITE(command_succeeds("command -v gdbus"), "gdbus (libglib2.0-bin)");
  auto tracker = start({"--containers", "--output", "json", "--events", "container_create"});
  ASSERT_TRUE(tracker);
  char pattern[] = "/tmp/tracker-monitor-XXXXXX";
  std::string dir = mkdtemp(pattern);
  Cleanup cleanup;
  cleanup.add("rm -rf " + dir);
  auto monitor = run(trackerctl_binary() + " monitor --json > " + dir + "/ctl.json 2>&1 & echo $!");
  cleanup.add("kill " + monitor.output);
  auto gdbus = run("gdbus monitor --system --dest org.khulnasoft.Tracker1 > " + dir +
                   "/gdbus.txt 2>&1 & echo $!");
  cleanup.add("kill " + gdbus.output);
  usleep(700'000);

  auto docker = run("docker run -d --network none --runtime runc" + kLimits + test_image());
  ASSERT_EQ(docker.status, 0);
  ASSERT_TRUE(tracker->wait_for(is_event("container_create", docker.output), 10s));
  usleep(300'000);
  ASSERT_TRUE(command_succeeds("docker rm -f " + docker.output));
  auto until = std::chrono::steady_clock::now() + 10s;
  while (std::chrono::steady_clock::now() < until &&
         read_file(dir + "/gdbus.txt").find("ContainerRemoved") == std::string::npos)
    usleep(100'000);
  usleep(300'000);

  std::string ctl = read_file(dir + "/ctl.json");
  std::string bus = read_file(dir + "/gdbus.txt");
  int added = 0, removed = 0;
  std::istringstream lines(ctl);
  for (std::string line; std::getline(lines, line);) {
    Json::Value value;
    Json::CharReaderBuilder builder;
    std::unique_ptr<Json::CharReader> reader(builder.newCharReader());
    if (!reader->parse(line.data(), line.data() + line.size(), &value, nullptr) ||
        !value.isObject() || value.get("id", "").asString() != docker.output)
      continue;
    std::string event = value.get("event", "").asString();
    added += event == "added";
    removed += event == "removed";
  }
  EXPECT_EQ(added, 1) << ctl;
  EXPECT_EQ(removed, 1) << ctl;
  EXPECT_NE(bus.find("ContainerAdded ('" + docker.output), std::string::npos) << bus;
  EXPECT_NE(bus.find("ContainerRemoved ('" + docker.output), std::string::npos) << bus;
}

// SIGHUP and Reload() re-read the drop-ins: enrichment follows them, and a bad
// value leaves the previous configuration in force.
TEST_F(DaemonServiceTest, ReloadAppliesDropIns) {
  TempConfig config;
  auto tracker = start({"--config", config.file(), "--output", "json"});
  ASSERT_TRUE(tracker);
  EXPECT_EQ(manager_property("EnrichmentEnabled"), "b false");

  config.drop_in("50-enrich.conf", "[Enrichment]\nEnabled=yes\n");
  kill(tracker->pid(), SIGHUP);
  ASSERT_TRUE(tracker->wait_notification("RELOADING=1"));
  auto until = std::chrono::steady_clock::now() + 5s;
  while (manager_property("EnrichmentEnabled") != "b true" &&
         std::chrono::steady_clock::now() < until)
    usleep(50'000);
  EXPECT_EQ(manager_property("EnrichmentEnabled"), "b true");

  config.drop_in("60-bad.conf", "[Enrichment]\nTimeout=soon\n");
  auto refused = run("(" + kBusctl + "call " + kManager + "Reload 2>&1)");
  EXPECT_NE(refused.status, 0);
  EXPECT_NE(refused.output.find("60-bad.conf:2"), std::string::npos) << refused.output;
  EXPECT_EQ(manager_property("EnrichmentEnabled"), "b true");

  config.remove_drop_in("60-bad.conf");
  config.drop_in("50-enrich.conf", "[Enrichment]\nEnabled=no\n");
  ASSERT_TRUE(command_succeeds(kBusctl + "call " + kManager + "Reload")) << tracker->stderr_text();
  EXPECT_EQ(manager_property("EnrichmentEnabled"), "b false") << tracker->stderr_text();
  EXPECT_EQ(kill(tracker->pid(), 0), 0) << "tracker must keep running through reloads";
}

// Turning enrichment off never waits for a runtime call in flight: here the
// gRPC pings of a configured CRI-O socket that does not exist, each allowed
// the whole 30 s Timeout=. Before, the loop joined the workers and froze.
TEST_F(DaemonServiceTest, EnrichmentOffDoesNotWaitForRuntimeCalls) {
  TempConfig config;
  config.drop_in("50-crio.conf",
                 "[Enrichment]\nEnabled=yes\nTimeout=30s\n"
                 "CrioSocket=/run/tracker-test-missing/crio.sock\n");
  auto tracker = start({"--config", config.file(), "--output", "json"});
  ASSERT_TRUE(tracker);
  usleep(1'200'000);  // a ping of the missing socket is in flight by now
  auto started = std::chrono::steady_clock::now();
  auto off = run(trackerctl_binary() + " enrichment off");
  auto took = since(started);
  ASSERT_EQ(off.status, 0) << off.output;
  std::printf("trackerctl enrichment off, a ping of a missing CRI-O socket in flight: %lld ms\n",
              static_cast<long long>(took.count()));
  EXPECT_LT(took, 10s) << "it waited for the 30 s call";
  EXPECT_EQ(manager_property("EnrichmentEnabled"), "b false");
  EXPECT_EQ(kill(tracker->pid(), 0), 0);
}

// Enrichment turned on while containers run names them: each is looked up,
// and the D-Bus object says what the runtime said.
TEST_F(DaemonServiceTest, EnrichmentOnNamesContainersThatAlreadyRun) {
  REQUIRE_PREREQUISITE(command_succeeds("docker image inspect " + test_image()), "docker");
  Cleanup cleanup;
  std::string name = "svc-on-" + random_hex_id(8);
  auto docker = run("docker run -d --network none --runtime runc" + kLimits + "--name " + name +
                    " " + test_image());
  ASSERT_EQ(docker.status, 0);
  cleanup.add("docker rm -f " + docker.output);
  auto tracker = start({"--output", "json"});
  ASSERT_TRUE(tracker);
  auto shown = [&] { return run(trackerctl_binary() + " container " + docker.output + " --json"); };
  ASSERT_EQ(shown().status, 0);
  EXPECT_EQ(shown().output.find(name), std::string::npos) << "enrichment is off";

  ASSERT_TRUE(command_succeeds(trackerctl_binary() + " enrichment on"));
  auto until = std::chrono::steady_clock::now() + 10s;
  while (shown().output.find(name) == std::string::npos && std::chrono::steady_clock::now() < until)
    usleep(100'000);
  auto json = shown().output;
  EXPECT_NE(json.find(name), std::string::npos) << json;
  EXPECT_NE(json.find("\"done\""), std::string::npos) << json;
}

// READY=1 after the scan and the bus name, STATUS= lines, WATCHDOG=1 pings
// at half the interval, STOPPING=1 on the way out.
TEST_F(DaemonServiceTest, NotifyProtocol) {
  auto tracker = start({"--output", "json"}, {"WATCHDOG_USEC=400000"});
  ASSERT_TRUE(tracker);
  auto has = [&](const std::string& text) {
    for (auto& n : tracker->notifications())
      if (n.find(text) != std::string::npos) return true;
    return false;
  };
  EXPECT_TRUE(has("STATUS=Watching "));
  tracker->collect_for(1200ms);
  int pings = 0;
  for (auto& n : tracker->notifications()) pings += n.find("WATCHDOG=1") != std::string::npos;
  EXPECT_GE(pings, 4) << "WATCHDOG=1 every 200 ms expected";
  EXPECT_EQ(tracker->stop(), 0);
  EXPECT_TRUE(has("STOPPING=1"));
}

// Members of `interface` in the XML, by name, each with what distinguishes
// it: "method", "signal", "property <type> <EmitsChangedSignal>" ("true" when
// not annotated, as sd-bus and busctl show it).
std::map<std::string, std::string> documented_members(const std::string& interface) {
  std::string xml = read_file(source_file("dbus/org.khulnasoft.Tracker1.xml"));
  auto part = xml.substr(xml.find("<interface name=\"" + interface + "\""));
  part = part.substr(0, part.find("</interface>"));
  std::map<std::string, std::string> members;
  std::regex member("<(method|signal|property) name=\"([A-Za-z]+)\"(?: type=\"([^\"]+)\")?");
  std::regex emits("EmitsChangedSignal\" value=\"([a-z]+)\"");
  for (std::sregex_iterator it(part.begin(), part.end(), member), end; it != end; ++it) {
    std::string kind = (*it)[1];
    if (kind != "property") {
      members[(*it)[2]] = kind;
      continue;
    }
    auto body =
        part.substr(it->position(), part.find("</property>", it->position()) - it->position());
    std::smatch annotation;
    std::string flag = std::regex_search(body, annotation, emits) ? annotation[1].str() : "true";
    members[(*it)[2]] = "property " + (*it)[3].str() + " " + flag;
  }
  return members;
}

// The same from `busctl introspect` of a live object: its lines are
// ".Name  kind  signature  value  flags", the flags (last) naming
// emits-change, emits-invalidation or const.
std::map<std::string, std::string> served_members(const std::string& path,
                                                  const std::string& interface) {
  auto live = run(kBusctl + "introspect org.khulnasoft.Tracker1 " + path + " " + interface +
                  " --no-legend");
  EXPECT_EQ(live.status, 0) << live.output;
  std::map<std::string, std::string> members;
  std::istringstream lines(live.output);
  for (std::string line; std::getline(lines, line);) {
    if (!line.starts_with(".")) continue;
    std::istringstream fields(line.substr(1));
    std::string name, kind, signature;
    fields >> name >> kind >> signature;
    if (kind != "property") {
      members[name] = kind;
      continue;
    }
    std::string last = line.substr(line.find_last_of(' ') + 1);
    std::string flag = last == "emits-change"         ? "true"
                       : last == "emits-invalidation" ? "invalidates"
                       : last == "const"              ? "const"
                                                      : "false";
    members[name] = "property " + signature + " " + flag;
  }
  return members;
}

// What busctl introspects on the live daemon is what the XML documents: the
// Manager, and a container object (served from the registry on demand).
TEST_F(DaemonServiceTest, IntrospectionMatchesTheXml) {
  SyntheticContainer container;
  ASSERT_TRUE(container.created());
  auto tracker = start({"--output", "json"});
  ASSERT_TRUE(tracker);
  EXPECT_EQ(served_members("/org/khulnasoft/Tracker1", "org.khulnasoft.Tracker1.Manager"),
            documented_members("org.khulnasoft.Tracker1.Manager"));
  auto path =
      run("busctl --system call org.khulnasoft.Tracker1 /org/khulnasoft/Tracker1 "
          "org.khulnasoft.Tracker1.Manager GetContainer s " +
          container.id());
  ASSERT_EQ(path.status, 0) << path.output;
  auto object = path.output.substr(path.output.find('/'));
  object = object.substr(0, object.find('"'));
  EXPECT_EQ(served_members(object, "org.khulnasoft.Tracker1.Container"),
            documented_members("org.khulnasoft.Tracker1.Container"));
}

}  // namespace
}  // namespace tracker::testing
