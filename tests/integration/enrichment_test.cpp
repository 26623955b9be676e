// tracker --containers against the real runtimes: the first container_create
// line already carries what the runtime knows, and faults never stall it.
#include <unistd.h>

#include <filesystem>

#include "harness.h"

namespace tracker::testing {
namespace {

struct Case {
  std::string name;
  std::string ready;
  std::string run;     // {name}; prints the id (unless id_is_name)
  std::string remove;  // {id}
  std::string runtime;
  bool has_name = true;
  bool id_is_name = false;
};

void PrintTo(const Case& c, std::ostream* os) {
  *os << c.name;
}

std::string fill(std::string text, const std::string& key, const std::string& value) {
  for (auto at = text.find(key); at != std::string::npos; at = text.find(key, at + value.size()))
    text.replace(at, key.size(), value);
  return text;
}

class EnrichedCreateTest : public ::testing::TestWithParam<Case> {};

TEST_P(EnrichedCreateTest, FirstCreateLineCarriesNameAndImage) {
  const Case& c = GetParam();
  REQUIRE_PREREQUISITE(geteuid() == 0, "root");
  REQUIRE_PREREQUISITE(command_succeeds(c.ready), c.name + " with image " + test_image());
  TrackerProcess tracker({"--containers", "--output", "json", "--scope", "container"});
  ASSERT_TRUE(tracker.wait_ready()) << tracker.stderr_text();

  Cleanup cleanup;
  std::string name = "tracker-enrich-" + random_hex_id(10);
  auto result = run(fill(c.run, "{name}", name));
  ASSERT_EQ(result.status, 0) << c.run;
  auto returned = std::chrono::steady_clock::now();
  std::string id = c.id_is_name ? name : result.output.substr(result.output.rfind('\n') + 1);
  cleanup.add(fill(c.remove, "{id}", id));

  auto created = tracker.wait_for(is_event("container_create", id), 10s);
  ASSERT_TRUE(created) << tracker.stderr_text();
  RecordProperty("enriched_create_after_run_returned_ms",
                 static_cast<int>(since(returned).count()));
  std::cerr << c.name << ": enriched container_create " << since(returned).count()
            << " ms after run returned\n";
  EXPECT_EQ(arg(*created, "runtime"), c.runtime);
  EXPECT_EQ((*created)["container"]["image"].asString(), test_image());
  EXPECT_EQ(arg(*created, "container_image"), test_image());
  if (c.has_name) {
    EXPECT_EQ((*created)["container"]["name"].asString(), name);
    EXPECT_EQ(arg(*created, "container_name"), name);
  }
}

INSTANTIATE_TEST_SUITE_P(
    Runtimes, EnrichedCreateTest,
    ::testing::Values(
        Case{"docker", "docker image inspect " + test_image(),
             "docker run -d --network none --runtime runc" + kLimits + "--name {name} " +
                 test_image(),
             "docker rm -f {id}", "docker"},
        Case{"podman", kPodman + "image exists " + test_image(),
             kPodman + "run -d --network none" + kLimits + "--name {name} " + test_image(),
             kPodman + "rm -f -t 0 {id}", "podman"},
        Case{"containerd",
             "ctr -n tracker-test image check name==" + test_image() + " | grep -q complete",
             "ctr -n tracker-test run -d --null-io " + test_image() + " {name}",
             "ctr -n tracker-test tasks rm -f {id}; ctr -n tracker-test containers rm {id}",
             "containerd", false, true}),
    [](const ::testing::TestParamInfo<Case>& info) { return info.param.name; });

// Kubernetes labels on a plain docker container fill the pod fields.
TEST(Enrichment, DockerKubernetesLabelsFillThePodFields) {
  REQUIRE_PREREQUISITE(geteuid() == 0, "root");
  REQUIRE_PREREQUISITE(command_succeeds("docker image inspect " + test_image()), "docker");
  TrackerProcess tracker({"--containers", "--output", "json", "--scope", "container"});
  ASSERT_TRUE(tracker.wait_ready()) << tracker.stderr_text();
  Cleanup cleanup;
  auto result = run("docker run -d --network none --runtime runc" + kLimits +
                    "--label io.kubernetes.pod.name=web-7f9c --label "
                    "io.kubernetes.pod.namespace=shop --label "
                    "io.kubernetes.pod.uid=1b2c3d4e-0000-4000-8000-000000000001 --label "
                    "io.kubernetes.docker.type=podsandbox " +
                    test_image());
  ASSERT_EQ(result.status, 0);
  cleanup.add("docker rm -f " + result.output);
  auto created = tracker.wait_for(is_event("container_create", result.output), 10s);
  ASSERT_TRUE(created);
  const Json::Value& k8s = (*created)["kubernetes"];
  EXPECT_EQ(k8s["podName"].asString(), "web-7f9c");
  EXPECT_EQ(k8s["podNamespace"].asString(), "shop");
  EXPECT_EQ(k8s["podUID"].asString(), "1b2c3d4e-0000-4000-8000-000000000001");
  EXPECT_TRUE(k8s["podSandbox"].asBool());
  EXPECT_EQ(arg(*created, "pod_name"), "web-7f9c");
}

// A Podman API service that is down when tracker starts, and comes up later.
TEST(Enrichment, RuntimeStartedLaterIsPickedUp) {
  REQUIRE_PREREQUISITE(geteuid() == 0, "root");
  REQUIRE_PREREQUISITE(command_succeeds(kPodman + "image exists " + test_image()), "podman");
  std::string dir = run("mktemp -d /tmp/tracker-podman-XXXXXX").output;
  std::string socket = dir + "/podman.sock";
  Cleanup cleanup;
  cleanup.add("rm -rf " + dir);
  TrackerProcess tracker(
      {"--containers", "--cri", "podman:" + socket, "--output", "json", "--scope", "container"});
  ASSERT_TRUE(tracker.wait_ready()) << tracker.stderr_text();

  std::string name = "tracker-late-" + random_hex_id(8);
  auto started =
      run(kPodman + "run -d --network none" + kLimits + "--name " + name + " " + test_image());
  ASSERT_EQ(started.status, 0);
  std::string id = started.output;
  cleanup.add(kPodman + "rm -f -t 0 " + id);
  auto created = tracker.wait_for(is_event("container_create", id), 10s);
  ASSERT_TRUE(created) << "the create must go out while the runtime is down";
  EXPECT_EQ((*created)["container"]["name"].asString(), "");

  auto service =
      run(kPodman + "system service --time=0 unix://" + socket + " >/dev/null 2>&1 & echo $!");
  ASSERT_EQ(service.status, 0);
  cleanup.add("kill " + service.output);
  auto up = std::chrono::steady_clock::now();
  while (access(socket.c_str(), F_OK) != 0 && since(up) < 10s) usleep(20'000);
  ASSERT_EQ(access(socket.c_str(), F_OK), 0) << "podman system service did not come up";
  up = std::chrono::steady_clock::now();

  // Process events render what is known now: the name arrives once podman answers.
  std::optional<Json::Value> named;
  while (!named && since(up) < 10s) {
    run(kPodman + "exec " + id + " /bin/true");
    named = tracker.wait_for(
        [&](const Json::Value& e) {
          return is_event("sched_process_exec", id)(e) && e["container"]["name"].asString() == name;
        },
        300ms);
  }
  ASSERT_TRUE(named) << tracker.stderr_text();
  std::cerr << "enriched " << since(up).count() << " ms after the socket appeared\n";
  EXPECT_LT(since(up), 5s);
}

// A container that is gone before its runtime is asked: create, then remove, no warnings.
TEST(Enrichment, ContainerGoneBeforeEnrichmentIsQuiet) {
  REQUIRE_PREREQUISITE(geteuid() == 0, "root");
  REQUIRE_PREREQUISITE(command_succeeds("docker version"), "docker");
  TrackerProcess tracker({"--containers", "--output", "json", "--scope", "container"});
  ASSERT_TRUE(tracker.wait_ready()) << tracker.stderr_text();
  std::vector<std::string> ids;
  for (int i = 0; i < 5; ++i) {
    ids.push_back(random_hex_id());
    std::string path = unified_mount() + "/docker/" + ids.back();
    ASSERT_TRUE(std::filesystem::create_directories(path));
    std::filesystem::remove(path);
  }
  for (auto& id : ids) {
    auto removed = tracker.wait_for(is_event("container_remove", id), 10s);
    ASSERT_TRUE(removed) << id;
    auto events = tracker.matching([&](const Json::Value& e) { return e["containerId"] == id; });
    ASSERT_EQ(events.size(), 2u);
    EXPECT_EQ(events[0]["eventName"].asString(), "container_create");
    EXPECT_EQ(events[1]["eventName"].asString(), "container_remove");
  }
  tracker.collect_for(500ms);
  EXPECT_EQ(tracker.stderr_text().find("warning: enrich"), std::string::npos)
      << tracker.stderr_text();
}

}  // namespace
}  // namespace tracker::testing
