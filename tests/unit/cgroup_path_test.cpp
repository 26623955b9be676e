#include "cgroup/container_path.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

namespace tracker {

void PrintTo(const ContainerRef& ref, std::ostream* os) {
  *os << "{" << to_string(ref.runtime) << ", " << ref.id << ", "
      << (ref.is_root ? "root" : "sub-cgroup") << "}";
}

namespace {

const std::string kId = "3cfaa5502403c9a029e90998854937971a5a318ac0045b1285dcd2fc016af5dd";
const std::string kOuterId = "ab5f2e287ba019ba83c8ba4837dc9f3f3bac865d3649ed6a2ce57ae9eef3e415";
const std::string kUpperId = "3CFAA5502403C9A029E90998854937971A5A318AC0045B1285DCD2FC016AF5DD";
const std::string kMixedId = "3cfaa5502403C9A029e90998854937971a5a318ac0045b1285dcd2fc016af5dd";
const std::string kShortId = kId.substr(0, 12);
const std::string kId63 = kId.substr(0, 63);
const std::string kId65 = kId + "0";

const std::string kPodUid = "21471a9b-8ad8-4156-90c4-098b6b9130c4";
const std::string kPodUidSystemd = "21471a9b_8ad8_4156_90c4_098b6b9130c4";
const std::string kStaticPodUid = "8a51a0c5c0490879bbcb8aa216c39c9e";
const std::string kGardenId = "6e2a4c1f-7b3d-4f5e-6a7b-8c9d";
const std::string kGardenUuid = "00304858-b6ec-471f-a0ac-e10262798a0c";

const std::string kBurstablePodSlice =
    "/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod" + kPodUidSystemd + ".slice";
const std::string kBestEffortPodSlice =
    "/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod" + kPodUidSystemd + ".slice";
const std::string kRootlessUser = "/user.slice/user-1000.slice/user@1000.service";

std::optional<ContainerRef> root(Runtime runtime, const std::string& id) {
  return ContainerRef{runtime, id, true};
}
std::optional<ContainerRef> inside(Runtime runtime, const std::string& id) {
  return ContainerRef{runtime, id, false};
}
const std::optional<ContainerRef> kNone;

struct Case {
  std::string name;
  std::string path;
  std::optional<ContainerRef> want;
};

void PrintTo(const Case& c, std::ostream* os) {
  *os << c.path;
}

const std::vector<Case> kCases = {
    // Docker, cgroupfs driver (v1 mounts, v2, hybrid).
    {"DockerCgroupfs", "/docker/" + kId, root(Runtime::docker, kId)},
    {"DockerV1MemoryMount", "/sys/fs/cgroup/memory/docker/" + kId, root(Runtime::docker, kId)},
    {"DockerV1CpuCpuacctMount", "/sys/fs/cgroup/cpu,cpuacct/docker/" + kId,
     root(Runtime::docker, kId)},
    {"DockerV1NetClsNetPrioMount", "/sys/fs/cgroup/net_cls,net_prio/docker/" + kId,
     root(Runtime::docker, kId)},
    {"DockerV1NamedSystemdMount", "/sys/fs/cgroup/systemd/docker/" + kId,
     root(Runtime::docker, kId)},
    {"DockerHybridUnifiedMount", "/sys/fs/cgroup/unified/docker/" + kId,
     root(Runtime::docker, kId)},
    {"DockerV2Absolute", "/sys/fs/cgroup/docker/" + kId, root(Runtime::docker, kId)},
    {"DockerTrailingSlash", "/docker/" + kId + "/", root(Runtime::docker, kId)},
    {"DockerEmptyComponents", "//docker///" + kId + "//", root(Runtime::docker, kId)},
    {"DockerWithoutLeadingSlash", "docker/" + kId, root(Runtime::docker, kId)},
    {"DockerProcessSubCgroup", "/docker/" + kId + "/init", inside(Runtime::docker, kId)},
    // Docker, systemd driver.
    {"DockerSystemdScope", "/system.slice/docker-" + kId + ".scope", root(Runtime::docker, kId)},
    {"DockerSystemdScopeV2Absolute", "/sys/fs/cgroup/system.slice/docker-" + kId + ".scope",
     root(Runtime::docker, kId)},
    {"DockerSystemdScopeV1PidsMount", "/sys/fs/cgroup/pids/system.slice/docker-" + kId + ".scope",
     root(Runtime::docker, kId)},
    {"DockerSystemdScopeSubCgroup", "/system.slice/docker-" + kId + ".scope/app",
     inside(Runtime::docker, kId)},
    {"DockerPrefixWithoutScopeSuffix", "/system.slice/docker-" + kId, kNone},
    // Docker in docker, kind: the innermost container wins.
    {"DockerInDockerInnerWins", "/docker/" + kOuterId + "/docker/" + kId,
     root(Runtime::docker, kId)},
    {"DockerInDockerInnerSubCgroup", "/docker/" + kOuterId + "/docker/" + kId + "/sub",
     inside(Runtime::docker, kId)},
    {"DockerInDockerOuterSubCgroup", "/docker/" + kOuterId + "/init",
     inside(Runtime::docker, kOuterId)},
    {"KindNodeKubeletPod",
     "/docker/" + kOuterId + "/kubelet/kubepods/burstable/pod" + kPodUid + "/" + kId,
     root(Runtime::unknown, kId)},
    // GitHub Actions runner.
    {"ActionsJob", "/actions_job/" + kId, root(Runtime::docker, kId)},
    {"ActionsJobV1MemoryMount", "/sys/fs/cgroup/memory/actions_job/" + kId,
     root(Runtime::docker, kId)},
    // CRI-O.
    {"CrioSystemdScope", kBurstablePodSlice + "/crio-" + kId + ".scope", root(Runtime::crio, kId)},
    {"CrioSystemdScopeSubCgroup", kBurstablePodSlice + "/crio-" + kId + ".scope/container",
     inside(Runtime::crio, kId)},
    {"CrioCgroupfsBestEffort", "/kubepods/besteffort/pod" + kPodUid + "/crio-" + kId,
     root(Runtime::crio, kId)},
    {"CrioOutsideKubernetes", "/system.slice/crio-" + kId + ".scope", root(Runtime::crio, kId)},
    {"CrioConmonScopeIsNot", kBurstablePodSlice + "/crio-conmon-" + kId + ".scope", kNone},
    {"CrioConmonCgroupfsIsNot", "/kubepods/besteffort/pod" + kPodUid + "/crio-conmon-" + kId,
     kNone},
    // containerd.
    {"CriContainerdSystemdScope", kBestEffortPodSlice + "/cri-containerd-" + kId + ".scope",
     root(Runtime::containerd, kId)},
    {"CriContainerdColonForm",
     "/system.slice/containerd.service/kubepods-burstable-pod" + kPodUidSystemd +
         ".slice:cri-containerd:" + kId,
     root(Runtime::containerd, kId)},
    {"NerdctlScope", "/system.slice/nerdctl-" + kId + ".scope", root(Runtime::containerd, kId)},
    {"ContainerdDefaultNamespaceHexId", "/default/" + kId, root(Runtime::containerd, kId)},
    {"ContainerdK8sNamespaceHexId", "/k8s.io/" + kId, root(Runtime::containerd, kId)},
    {"ContainerdMobyNamespace", "/moby/" + kId, root(Runtime::containerd, kId)},
    {"ContainerdAnyNamespaceHexId", "/my-team/" + kId, root(Runtime::containerd, kId)},
    {"ContainerdNamespaceV1Mount", "/sys/fs/cgroup/memory/k8s.io/" + kId,
     root(Runtime::containerd, kId)},
    {"ContainerdDefaultNamespaceNamedId", "/default/redis", root(Runtime::containerd, "redis")},
    {"ContainerdBuildkitNamedId", "/buildkit/s1n5kxyrpkq3g4m8y7t0ld2ue",
     root(Runtime::containerd, "s1n5kxyrpkq3g4m8y7t0ld2ue")},
    {"ContainerdNamedIdSubCgroup", "/default/redis/worker", inside(Runtime::containerd, "redis")},
    {"ContainerdUpperCaseNameInWellKnownNamespace", "/default/" + kUpperId,
     root(Runtime::containerd, kUpperId)},
    {"ContainerdNamedIdInUnknownNamespaceIsNot", "/my-team/redis", kNone},
    {"ContainerdNamedIdBelowRootIsNot", "/system.slice/default/redis", kNone},
    {"ContainerdNamedIdTooLongIsNot", "/default/" + std::string(77, 'a'), kNone},
    {"ContainerdNamedIdBadFirstCharIsNot", "/default/_redis", kNone},
    // Podman.
    {"PodmanSystemdScope", "/machine.slice/libpod-" + kId + ".scope", root(Runtime::podman, kId)},
    {"PodmanContainerSubCgroup", "/machine.slice/libpod-" + kId + ".scope/container",
     inside(Runtime::podman, kId)},
    {"PodmanCgroupfs", "/libpod_parent/libpod-" + kId, root(Runtime::podman, kId)},
    {"PodmanInPodSlice",
     "/machine.slice/machine-libpod_pod_" + kOuterId + ".slice/libpod-" + kId + ".scope",
     root(Runtime::podman, kId)},
    {"PodmanPodSliceIsNot", "/machine.slice/machine-libpod_pod_" + kOuterId + ".slice", kNone},
    {"PodmanConmonScopeIsNot", "/machine.slice/libpod-conmon-" + kId + ".scope", kNone},
    {"PodmanConmonCgroupfsIsNot", "/libpod_parent/libpod-conmon-" + kId, kNone},
    {"PodmanCgroupfsBareHexIsNot", "/libpod_parent/" + kId, kNone},
    {"RootlessPodmanUserSlice", kRootlessUser + "/user.slice/libpod-" + kId + ".scope",
     root(Runtime::podman, kId)},
    {"RootlessPodmanAppSlice", kRootlessUser + "/app.slice/libpod-" + kId + ".scope",
     root(Runtime::podman, kId)},
    {"RootlessPodmanContainerSubCgroup",
     kRootlessUser + "/user.slice/libpod-" + kId + ".scope/container",
     inside(Runtime::podman, kId)},
    {"RootlessPodmanV2Absolute",
     "/sys/fs/cgroup" + kRootlessUser + "/user.slice/libpod-" + kId + ".scope",
     root(Runtime::podman, kId)},
    {"RootlessPodmanConmonIsNot", kRootlessUser + "/user.slice/libpod-conmon-" + kId + ".scope",
     kNone},
    // Kubernetes, cgroupfs driver.
    {"KubepodsBurstable", "/kubepods/burstable/pod" + kPodUid + "/" + kId,
     root(Runtime::unknown, kId)},
    {"KubepodsBestEffort", "/kubepods/besteffort/pod" + kPodUid + "/" + kId,
     root(Runtime::unknown, kId)},
    {"KubepodsGuaranteed", "/kubepods/pod" + kPodUid + "/" + kId, root(Runtime::unknown, kId)},
    {"KubepodsStaticPodUid", "/kubepods/burstable/pod" + kStaticPodUid + "/" + kId,
     root(Runtime::unknown, kId)},
    {"KubepodsV1CpuCpuacctMount",
     "/sys/fs/cgroup/cpu,cpuacct/kubepods/burstable/pod" + kPodUid + "/" + kId,
     root(Runtime::unknown, kId)},
    {"KubepodsPodCgroupIsNot", "/kubepods/burstable/pod" + kPodUid, kNone},
    {"KubepodsQosCgroupIsNot", "/kubepods/besteffort", kNone},
    {"KubepodsRootIsNot", "/kubepods", kNone},
    {"KubepodsHexOutsidePodIsNot", "/kubepods/burstable/" + kId, kNone},
    {"KubepodsHexUnderBadPodUidIsNot", "/kubepods/burstable/podxyz/" + kId, kNone},
    // Kubernetes, systemd driver.
    {"KubepodsSystemdDockerScope", kBurstablePodSlice + "/docker-" + kId + ".scope",
     root(Runtime::docker, kId)},
    {"KubepodsSystemdGuaranteedContainerd",
     "/kubepods.slice/kubepods-pod" + kPodUidSystemd + ".slice/cri-containerd-" + kId + ".scope",
     root(Runtime::containerd, kId)},
    {"KubepodsSystemdV2Absolute",
     "/sys/fs/cgroup" + kBestEffortPodSlice + "/cri-containerd-" + kId + ".scope",
     root(Runtime::containerd, kId)},
    {"KubepodsSystemdPodSliceIsNot", kBurstablePodSlice, kNone},
    {"KubepodsSystemdQosSliceIsNot", "/kubepods.slice/kubepods-besteffort.slice", kNone},
    {"KubepodsSystemdBareHexUnderSliceIsNot", kBurstablePodSlice + "/" + kId, kNone},
    // Garden (Cloud Foundry).
    {"GardenHandle", "/garden/" + kGardenId, root(Runtime::garden, kGardenId)},
    {"GardenUuid", "/garden/" + kGardenUuid, root(Runtime::garden, kGardenUuid)},
    {"GardenUnderSystemdService", "/system.slice/garden.service/garden/" + kGardenId,
     root(Runtime::garden, kGardenId)},
    {"GardenV1MemoryMount", "/sys/fs/cgroup/memory/garden/" + kGardenUuid,
     root(Runtime::garden, kGardenUuid)},
    {"GardenMalformedIdIsNot", "/garden/not-a-handle", kNone},
    {"GardenUuidTooShortIsNot", "/garden/" + kGardenUuid.substr(0, 35), kNone},
    {"GardenUpperCaseIsNot", "/garden/6E2A4C1F-7B3D-4F5E-6A7B-8C9D", kNone},
    // The host's own cgroups.
    {"HierarchyRoot", "/", kNone},
    {"CgroupfsMountRoot", "/sys/fs/cgroup", kNone},
    {"CgroupfsV1ControllerRoot", "/sys/fs/cgroup/memory", kNone},
    {"InitScope", "/init.scope", kNone},
    {"UserSession", "/user.slice/user-1000.slice/session-2.scope", kNone},
    {"UserDesktopApp", kRootlessUser + "/app.slice/app-gnome-firefox-4242.scope", kNone},
    {"DockerService", "/system.slice/docker.service", kNone},
    {"ContainerdService", "/system.slice/containerd.service", kNone},
    {"DockerParentOnly", "/docker", kNone},
    {"DockerBuildkitParent", "/docker/buildkit", kNone},
    {"HexUnderSystemSliceIsNot", "/system.slice/" + kId, kNone},
    {"HexAtRootIsNot", "/" + kId, kNone},
    {"HexUnderUnknownNestedParentIsNot", "/opt/jobs/" + kId, kNone},
    // Ids of the wrong length or case.
    {"ShortDockerIdIsNot", "/docker/" + kShortId, kNone},
    {"Hex63IsNot", "/docker/" + kId63, kNone},
    {"Hex65IsNot", "/docker/" + kId65, kNone},
    {"ShortIdScopeIsNot", "/system.slice/docker-" + kShortId + ".scope", kNone},
    {"UpperCaseHexUnderDockerIsNot", "/docker/" + kUpperId, kNone},
    {"UpperCaseHexScopeIsNot", "/system.slice/docker-" + kUpperId + ".scope", kNone},
    {"MixedCaseHexIsNot", "/docker/" + kMixedId, kNone},
    {"UpperCaseHexInUnknownNamespaceIsNot", "/my-team/" + kUpperId, kNone},
    // Lines of /proc/<pid>/cgroup.
    {"ProcLineV2", "0::/docker/" + kId, root(Runtime::docker, kId)},
    {"ProcLineV1Memory", "4:memory:/docker/" + kId, root(Runtime::docker, kId)},
    {"ProcLineV1CpuCpuacct", "7:cpu,cpuacct:/kubepods/burstable/pod" + kPodUid + "/" + kId,
     root(Runtime::unknown, kId)},
    {"ProcLineV1NamedSystemd", "1:name=systemd:/system.slice/docker-" + kId + ".scope",
     root(Runtime::docker, kId)},
    {"ProcLineV2ContainerdNamespace", "0::/default/redis", root(Runtime::containerd, "redis")},
    {"ProcLineWithNewline", "0::/docker/" + kId + "\n", root(Runtime::docker, kId)},
    {"ProcLineHostInit", "0::/init.scope", kNone},
    {"ProcLineInsideCgroupNamespace", "0::/", kNone},
};

class CgroupPathTest : public testing::TestWithParam<Case> {};

TEST_P(CgroupPathTest, MapsToContainer) {
  EXPECT_EQ(container_from_cgroup_path(GetParam().path), GetParam().want);
}

INSTANTIATE_TEST_SUITE_P(RealLayouts, CgroupPathTest, testing::ValuesIn(kCases),
                         [](const testing::TestParamInfo<Case>& row) { return row.param.name; });

TEST(CgroupPathGarbage, EmptyAndSlashesAreNotContainers) {
  for (const char* path : {"", "/", "////", ".", "..", "/../..", "0::", ":", "::", "1:"}) {
    EXPECT_EQ(container_from_cgroup_path(path), std::nullopt) << path;
  }
}

TEST(CgroupPathGarbage, DotDotComponentsAreJustNames) {
  EXPECT_EQ(container_from_cgroup_path("/docker/" + kId + "/.."), inside(Runtime::docker, kId));
  EXPECT_EQ(container_from_cgroup_path("/docker/.."), std::nullopt);
}

TEST(CgroupPathGarbage, NulBytesDoNotTruncateOrMatch) {
  std::string with_nul = "/docker/" + kId;
  with_nul[20] = '\0';
  EXPECT_EQ(container_from_cgroup_path(with_nul), std::nullopt);
  std::string nul_before = std::string("/docker\0/", 9) + kId;
  EXPECT_EQ(container_from_cgroup_path(nul_before), std::nullopt);
}

TEST(CgroupPathGarbage, VeryLongInputs) {
  EXPECT_EQ(container_from_cgroup_path(std::string(1 << 20, 'a')), std::nullopt);
  EXPECT_EQ(container_from_cgroup_path(std::string(1 << 20, '/')), std::nullopt);
  EXPECT_EQ(container_from_cgroup_path(std::string(1 << 20, ':')), std::nullopt);

  std::string deep;
  for (int i = 0; i < 10000; ++i) deep += "/docker/" + kOuterId;
  deep += "/docker/" + kId;
  EXPECT_EQ(container_from_cgroup_path(deep), root(Runtime::docker, kId));
}

TEST(CgroupPathGarbage, RandomBytesDoNotCrash) {
  const std::string alphabet = std::string("/:-.,_abcdef0123456789xyz\0\n", 27) + kId;
  std::uint32_t state = 12345;
  for (int i = 0; i < 20000; ++i) {
    std::string path;
    for (int n = static_cast<int>(state % 200); n > 0; --n) {
      state = state * 1664525u + 1013904223u;
      path += alphabet[(state >> 8) % alphabet.size()];
    }
    state = state * 1664525u + 1013904223u;
    auto ref = container_from_cgroup_path(path);
    if (ref) {
      EXPECT_FALSE(ref->id.empty()) << path;
    }
  }
}

TEST(RelativeCgroupPath, StripsMountsAndProcPrefixes) {
  EXPECT_EQ(relative_cgroup_path("/sys/fs/cgroup/memory/docker/x"), "/docker/x");
  EXPECT_EQ(relative_cgroup_path("/sys/fs/cgroup/cpu,cpuacct/a"), "/a");
  EXPECT_EQ(relative_cgroup_path("/sys/fs/cgroup/name=systemd/a"), "/a");
  EXPECT_EQ(relative_cgroup_path("/sys/fs/cgroup/unified"), "");
  EXPECT_EQ(relative_cgroup_path("/sys/fs/cgroup/system.slice/a"), "/system.slice/a");
  EXPECT_EQ(relative_cgroup_path("/sys/fs/cgroupx/a"), "/sys/fs/cgroupx/a");
  EXPECT_EQ(relative_cgroup_path("/sys/fs/cgroup/cpu,bogus/a"), "/cpu,bogus/a");
  EXPECT_EQ(relative_cgroup_path("12:pids:/init.scope"), "/init.scope");
  EXPECT_EQ(relative_cgroup_path("0::/"), "/");
  EXPECT_EQ(relative_cgroup_path("/a:b:c"), "/a:b:c");
  EXPECT_EQ(relative_cgroup_path("x1:b:/c"), "x1:b:/c");
}

TEST(RuntimeNames, RoundTrip) {
  for (auto runtime :
       {Runtime::docker, Runtime::containerd, Runtime::crio, Runtime::podman, Runtime::garden}) {
    EXPECT_EQ(runtime_from_string(to_string(runtime)), runtime) << to_string(runtime);
  }
  EXPECT_EQ(to_string(Runtime::unknown), "unknown");
  EXPECT_EQ(runtime_from_string("cri-o"), Runtime::crio);
  EXPECT_EQ(runtime_from_string("unknown"), std::nullopt);
  EXPECT_EQ(runtime_from_string("Docker"), std::nullopt);
  EXPECT_EQ(runtime_from_string(""), std::nullopt);
}

}  // namespace
}  // namespace tracker
