// The runtime clients against real daemons: dockerd, podman's API service,
// containerd (ctr containers in namespace tracker-test), and a CRI-enabled
// containerd this test starts itself to run a pod sandbox and a container in it.
//
// Needs root, the daemons of tests/fixtures/runtimes.sh and the image of
// tests/fixtures/busybox-image.sh (both are run when something is missing).
// Without a prerequisite the tests skip, except under CI=true where they fail.
#include <gtest/gtest.h>

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <iostream>
#include <string>
#include <vector>

#include "cri_containerd.h"
#include "enrich/runtime_client.h"
#include "harness.h"

namespace tracker {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using test_support::CriContainerd;
using test_support::CriPod;
using test_support::kubelet_container_config;
using test_support::kubelet_pod_config;
using test_support::random_uuid;
using test_support::source_root;
using testing::Cleanup;
using testing::kContainerdSocket;
using testing::kCtr;
using testing::kDocker;
using testing::kDockerSocket;
using testing::kLimits;
using testing::kPodman;
using testing::kPodmanSocket;
using testing::run;

constexpr auto kDeadline = 2000ms;
const std::string kImage = "localhost/tracker-test/busybox:latest";
const std::string kNamespace = "tracker-test";

std::string unique_suffix() {
  return std::to_string(getpid()) + "-" +
         std::to_string(std::chrono::steady_clock::now().time_since_epoch().count() % 100000);
}

// Milliseconds per inspect, the median of a few.
double time_inspect(RuntimeClient& client, const std::string& id) {
  std::vector<double> ms;
  for (int i = 0; i < 7; ++i) {
    auto start = std::chrono::steady_clock::now();
    client.inspect(id, kDeadline);
    ms.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start)
                     .count());
  }
  std::sort(ms.begin(), ms.end());
  return ms[ms.size() / 2];
}

void report_time(const char* runtime, double ms) {
  std::cout << "[ timing   ] one " << runtime << " inspect: " << ms << " ms\n";
  ::testing::Test::RecordProperty(std::string(runtime) + "_inspect_ms", std::to_string(ms));
}

// Within the last hour and not in the future: the clocks agree.
void expect_recent(std::int64_t ns, const char* what) {
  auto now = std::chrono::duration_cast<std::chrono::nanoseconds>(
                 std::chrono::system_clock::now().time_since_epoch())
                 .count();
  EXPECT_GT(ns, now - std::int64_t{3600} * 1'000'000'000) << what;
  EXPECT_LE(ns, now + 1'000'000'000) << what;
}

// The shared daemons and the test image, set up once for every test.
class Runtimes : public ::testing::Environment {
 public:
  static inline std::string problem;  // empty when everything is there

  void SetUp() override {
    if (geteuid() != 0) {
      problem = "must run as root";
      return;
    }
    auto root = source_root();
    auto holder = "TRACKER_FIXTURES_HOLDER=" + std::to_string(getpid()) + " ";
    if (!all_answer()) {
      if (root.empty()) {
        problem =
            "runtimes do not answer and tests/fixtures/runtimes.sh was not found "
            "(set TRACKER_SOURCE_ROOT)";
        return;
      }
      started_ =
          run(holder + (root / "tests/fixtures/runtimes.sh").string() + " start").status == 0;
      if (!all_answer()) {
        problem = "runtimes do not answer after tests/fixtures/runtimes.sh start";
        return;
      }
    }
    if (!root.empty()) run((root / "tests/fixtures/busybox-image.sh").string() + " " + kNamespace);
    if (run(kDocker + "image inspect " + kImage).status != 0)
      problem = "image " + kImage + " is missing (tests/fixtures/busybox-image.sh)";
    root_ = root;
  }

  void TearDown() override {
    if (started_) {
      auto holder = "TRACKER_FIXTURES_HOLDER=" + std::to_string(getpid()) + " ";
      run(holder + (root_ / "tests/fixtures/runtimes.sh").string() + " stop");
    }
  }

  static fs::path root() { return root_; }

 private:
  static bool all_answer() {
    return make_docker_client(kDockerSocket)->ping(kDeadline) &&
           make_podman_client(kPodmanSocket)->ping(kDeadline) &&
           make_containerd_client(kContainerdSocket)->ping(kDeadline);
  }

  bool started_ = false;
  static inline fs::path root_;
};

class EnrichRuntimes : public ::testing::Test {
 protected:
  void SetUp() override { REQUIRE_PREREQUISITE(Runtimes::problem.empty(), Runtimes::problem); }
};

const std::string kRunOptions = " --network none --runtime runc" + kLimits;

TEST_F(EnrichRuntimes, Docker) {
  auto name = "enrich-it-" + unique_suffix();
  auto sandbox_name = name + "-sandbox";
  Cleanup cleanup;
  cleanup.add(kDocker + "rm -f " + name + " " + sandbox_name);
  auto id = run(kDocker + " run -d --name " + name + kRunOptions + "--label tracker.test=enrich " +
                kImage)
                .output;
  ASSERT_EQ(id.size(), 64u) << "docker run failed";
  auto sandbox_id = run(kDocker + " run -d --name " + sandbox_name + kRunOptions +
                        "--label io.kubernetes.docker.type=podsandbox "
                        "--label io.kubernetes.pod.name=web-0 "
                        "--label io.kubernetes.pod.namespace=shop "
                        "--label io.kubernetes.pod.uid=0d6e1b3a-8f4c-4e1b-9c1d-2f3a4b5c6d7e " +
                        kImage)
                        .output;

  auto client = make_docker_client(kDockerSocket);
  auto result = client->inspect(id, kDeadline);
  ASSERT_EQ(result.status, LookupStatus::found) << result.error;
  const auto& info = result.info;
  EXPECT_EQ(info.runtime, Runtime::docker);
  EXPECT_EQ(info.id, id);
  EXPECT_EQ(info.name, name);
  EXPECT_EQ(info.image, kImage);
  EXPECT_EQ(info.image_id, run(kDocker + " inspect -f '{{.Image}}' " + id).output);
  EXPECT_EQ(info.image_digest, "") << "a loaded image has no repo digest";
  EXPECT_EQ(std::to_string(info.init_pid),
            run(kDocker + " inspect -f '{{.State.Pid}}' " + id).output);
  EXPECT_EQ(info.labels.at("tracker.test"), "enrich");
  expect_recent(info.created_ns, "created");
  expect_recent(info.started_ns, "started");
  EXPECT_GE(info.started_ns, info.created_ns);
  EXPECT_EQ(info.pod, PodInfo{});

  // The quick lookup reads dockerd's container list: the same, less the
  // start time and pid, and the creation time to the second.
  auto quick = client->inspect_quick(id, kDeadline);
  ASSERT_EQ(quick.status, LookupStatus::found) << quick.error;
  EXPECT_TRUE(quick.partial);
  auto expected = info;
  expected.created_ns = info.created_ns / 1'000'000'000 * 1'000'000'000;
  expected.started_ns = 0;
  expected.init_pid = 0;
  EXPECT_EQ(quick.info, expected);
  auto quick_sandbox = client->inspect_quick(sandbox_id, kDeadline);
  ASSERT_EQ(quick_sandbox.status, LookupStatus::found) << quick_sandbox.error;
  EXPECT_EQ(quick_sandbox.info.pod,
            (PodInfo{"web-0", "shop", "0d6e1b3a-8f4c-4e1b-9c1d-2f3a4b5c6d7e", true}));
  // A name is not in the id filter: the inspect answers, in full.
  auto quick_by_name = client->inspect_quick(name, kDeadline);
  ASSERT_EQ(quick_by_name.status, LookupStatus::found) << quick_by_name.error;
  EXPECT_FALSE(quick_by_name.partial);
  EXPECT_EQ(quick_by_name.info, info);
  EXPECT_EQ(client->inspect_quick(std::string(64, 'f'), kDeadline).status, LookupStatus::not_found);

  auto by_name = client->inspect(name, kDeadline);
  EXPECT_EQ(by_name.status, LookupStatus::found);
  EXPECT_EQ(by_name.info.id, id);

  auto sandbox = client->inspect(sandbox_id, kDeadline);
  ASSERT_EQ(sandbox.status, LookupStatus::found) << sandbox.error;
  EXPECT_EQ(sandbox.info.pod,
            (PodInfo{"web-0", "shop", "0d6e1b3a-8f4c-4e1b-9c1d-2f3a4b5c6d7e", true}));

  auto missing = client->inspect(std::string(64, 'f'), kDeadline);
  EXPECT_EQ(missing.status, LookupStatus::not_found);
  EXPECT_NE(missing.error.find(kDockerSocket), std::string::npos);

  // Docker runs its containers in containerd's "moby" namespace: the
  // containerd client, which searches every namespace, finds them there.
  auto via_containerd = make_containerd_client(kContainerdSocket)->inspect(id, kDeadline);
  EXPECT_EQ(via_containerd.status, LookupStatus::found) << via_containerd.error;
  EXPECT_EQ(via_containerd.info.init_pid, info.init_pid);

  report_time("docker", time_inspect(*client, id));
}

TEST_F(EnrichRuntimes, Podman) {
  auto name = "enrich-it-" + unique_suffix();
  auto pod = name + "-pod";
  Cleanup cleanup;
  cleanup.add(kPodman + "rm -f -t 0 " + name + " " + name + "-in-pod; " + kPodman + "pod rm -f " +
              pod);
  auto id = run(kPodman + " run -d --name " + name + kRunOptions + "--label tracker.test=enrich " +
                kImage)
                .output;
  ASSERT_EQ(id.size(), 64u) << "podman run failed";
  auto pod_id = run(kPodman + " pod create --infra=false --name " + pod).output;
  auto in_pod_id =
      run(kPodman + " run -d --pod " + pod + " --name " + name + "-in-pod" + kRunOptions + kImage)
          .output;

  auto client = make_podman_client(kPodmanSocket);
  auto result = client->inspect(id, kDeadline);
  ASSERT_EQ(result.status, LookupStatus::found) << result.error;
  const auto& info = result.info;
  EXPECT_EQ(info.runtime, Runtime::podman);
  EXPECT_EQ(info.id, id);
  EXPECT_EQ(info.name, name);
  EXPECT_EQ(info.image, kImage);
  EXPECT_EQ(info.image_id, "sha256:" + run(kPodman + " inspect -f '{{.Image}}' " + id).output);
  EXPECT_EQ(info.image_digest, run(kPodman + " inspect -f '{{.ImageDigest}}' " + id).output);
  EXPECT_TRUE(info.image_digest.starts_with("sha256:"));
  EXPECT_EQ(std::to_string(info.init_pid),
            run(kPodman + " inspect -f '{{.State.Pid}}' " + id).output);
  EXPECT_EQ(info.labels.at("tracker.test"), "enrich");
  expect_recent(info.created_ns, "created");
  expect_recent(info.started_ns, "started");
  EXPECT_EQ(info.runtime_pod, RuntimePod{});

  ASSERT_EQ(in_pod_id.size(), 64u) << "podman run --pod failed";
  auto in_pod = client->inspect(in_pod_id, kDeadline);
  ASSERT_EQ(in_pod.status, LookupStatus::found) << in_pod.error;
  EXPECT_EQ(in_pod.info.runtime_pod, (RuntimePod{pod_id, pod, false}));
  EXPECT_EQ(in_pod.info.pod, PodInfo{}) << "a podman pod is not a Kubernetes pod";

  auto missing = client->inspect(std::string(64, 'f'), kDeadline);
  EXPECT_EQ(missing.status, LookupStatus::not_found);
  EXPECT_NE(missing.error.find(kPodmanSocket), std::string::npos);

  report_time("podman", time_inspect(*client, id));
}

TEST_F(EnrichRuntimes, Containerd) {
  auto id = "enrich-it-" + unique_suffix();
  Cleanup cleanup;
  cleanup.add(kCtr + "task rm -f " + id + "; " + kCtr + "container rm " + id);
  ASSERT_EQ(run(kCtr + " run -d --label tracker.test=enrich --label io.kubernetes.pod.name=p1 " +
                kImage + " " + id)
                .status,
            0)
      << "ctr run failed";
  auto client = make_containerd_client(kContainerdSocket);
  auto result = client->inspect(id, kDeadline);
  ASSERT_EQ(result.status, LookupStatus::found) << result.error;
  const auto& info = result.info;
  EXPECT_EQ(info.runtime, Runtime::containerd);
  EXPECT_EQ(info.id, id);
  EXPECT_EQ(info.image, kImage);
  // ctr image ls -q lists names; the target digest comes from `ctr image ls`.
  auto listing = run(kCtr + " image ls | grep '^" + kImage + " '").output;
  EXPECT_NE(listing.find(info.image_digest), std::string::npos) << listing;
  EXPECT_TRUE(info.image_digest.starts_with("sha256:"));
  EXPECT_EQ(info.image_id, run(kDocker + " image inspect -f '{{.Id}}' " + kImage).output)
      << "the config digest, the same image id Docker reports";
  auto task = run(kCtr + " task ls | awk '$1 == \"" + id + "\" {print $2}'").output;
  EXPECT_EQ(std::to_string(info.init_pid), task);
  EXPECT_EQ(info.labels.at("tracker.test"), "enrich");
  EXPECT_EQ(info.pod.name, "p1");
  expect_recent(info.created_ns, "created");

  auto missing = client->inspect("enrich-it-no-such-container", kDeadline);
  EXPECT_EQ(missing.status, LookupStatus::not_found);
  EXPECT_NE(missing.error.find(kContainerdSocket), std::string::npos);

  report_time("containerd", time_inspect(*client, id));
}

TEST_F(EnrichRuntimes, CriContainerdPod) {
  REQUIRE_PREREQUISITE(!Runtimes::root().empty(), "tests/fixtures/busybox-image.sh");
  CriContainerd containerd(kImage);
  std::string problem;
  ASSERT_TRUE(containerd.start(problem)) << problem;
  ASSERT_TRUE(containerd.import_test_image(problem, "k8s.io")) << problem;

  auto uid = random_uuid();
  // Everything goes before the containerd does, whatever fails on the way.
  CriPod pod(containerd.channel(),
             kubelet_pod_config("enrich-web-0", "enrich-shop", uid, containerd.dir() / "logs"));
  auto status = pod.run();
  ASSERT_TRUE(status.ok()) << "RunPodSandbox: " << status.error_message();
  const auto sandbox_id = pod.sandbox_id();
  const auto& container_ids = pod.container_ids();

  for (auto [name, labelled] : {std::pair{"app", true}, std::pair{"bare", false}}) {
    std::string id;
    status =
        pod.create_container(kubelet_container_config(name, kImage, labelled, pod.config()), id);
    ASSERT_TRUE(status.ok()) << "CreateContainer " << name << ": " << status.error_message();
    status = pod.start_container(id);
    ASSERT_TRUE(status.ok()) << "StartContainer " << name << ": " << status.error_message();
  }

  auto client = make_cri_client(containerd.socket(), Runtime::containerd);
  EXPECT_TRUE(client->ping(kDeadline));
  const PodInfo expected_pod{"enrich-web-0", "enrich-shop", uid, false};

  auto app = client->inspect(container_ids[0], kDeadline);
  ASSERT_EQ(app.status, LookupStatus::found) << app.error;
  EXPECT_EQ(app.info.runtime, Runtime::containerd);
  EXPECT_EQ(app.info.id, container_ids[0]);
  EXPECT_EQ(app.info.name, "app");
  EXPECT_EQ(app.info.image, kImage);
  EXPECT_EQ(app.info.image_id, run(kDocker + " image inspect -f '{{.Id}}' " + kImage).output);
  EXPECT_GT(app.info.init_pid, 0);
  EXPECT_TRUE(fs::exists("/proc/" + std::to_string(app.info.init_pid)));
  expect_recent(app.info.created_ns, "created");
  expect_recent(app.info.started_ns, "started");
  EXPECT_EQ(app.info.pod, expected_pod);
  EXPECT_EQ(app.info.labels.at("io.kubernetes.container.name"), "app");
  std::cout << "[ cri      ] container " << app.info.id << " pid " << app.info.init_pid << " image "
            << app.info.image << " digest '" << app.info.image_digest << "' id "
            << app.info.image_id << "\n";

  // No kubelet labels: the pod comes from the sandbox the container runs in.
  auto bare = client->inspect(container_ids[1], kDeadline);
  ASSERT_EQ(bare.status, LookupStatus::found) << bare.error;
  EXPECT_EQ(bare.info.name, "bare");
  EXPECT_EQ(bare.info.pod, expected_pod);

  auto sandbox = client->inspect(sandbox_id, kDeadline);
  ASSERT_EQ(sandbox.status, LookupStatus::found) << sandbox.error;
  EXPECT_EQ(sandbox.info.id, sandbox_id);
  EXPECT_EQ(sandbox.info.name, "enrich-web-0");
  EXPECT_EQ(sandbox.info.pod, (PodInfo{"enrich-web-0", "enrich-shop", uid, true}));
  EXPECT_EQ(sandbox.info.image, kImage);
  EXPECT_GT(sandbox.info.init_pid, 0);

  auto missing = client->inspect(std::string(64, 'f'), kDeadline);
  EXPECT_EQ(missing.status, LookupStatus::not_found);
  EXPECT_NE(missing.error.find(containerd.socket()), std::string::npos);

  // The same pod through containerd's own API, namespace k8s.io.
  auto native = make_containerd_client(containerd.socket());
  auto native_app = native->inspect(container_ids[0], kDeadline);
  ASSERT_EQ(native_app.status, LookupStatus::found) << native_app.error;
  EXPECT_EQ(native_app.info.pod, expected_pod);
  EXPECT_EQ(native_app.info.name, "app");
  EXPECT_EQ(native_app.info.init_pid, app.info.init_pid);
  auto native_sandbox = native->inspect(sandbox_id, kDeadline);
  ASSERT_EQ(native_sandbox.status, LookupStatus::found) << native_sandbox.error;
  EXPECT_TRUE(native_sandbox.info.pod.sandbox);
  EXPECT_EQ(native_sandbox.info.pod.uid, uid);

  // The container's cgroup is where ENVIRONMENT.md says the kubelet's would be.
  EXPECT_TRUE(
      fs::exists("/sys/fs/cgroup/unified/kubepods/besteffort/pod" + uid + "/" + container_ids[0]));

  report_time("cri", time_inspect(*client, container_ids[0]));
  report_time("cri_sandbox", time_inspect(*client, sandbox_id));
  report_time("containerd_k8s", time_inspect(*native, container_ids[0]));

  auto removed = pod.teardown();
  EXPECT_TRUE(removed.ok()) << "RemovePodSandbox: " << removed.error_message();
  EXPECT_EQ(client->inspect(sandbox_id, kDeadline).status, LookupStatus::not_found);
}

// Registered before main() runs, so gtest_main serves.
::testing::Environment* const runtimes_environment =
    ::testing::AddGlobalTestEnvironment(new Runtimes);

}  // namespace
}  // namespace tracker
