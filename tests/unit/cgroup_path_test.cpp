#include "cgroup/container_path.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

// The layouts tracker recognises, one row each. Rows marked with a project and
// a file come from that project's public test suite or documentation (the
// shape of the path carries over; ids are ours unless the source's are
// needed). Where sources disagree, the row says which way we went and why.
namespace tracker {

void PrintTo(const ContainerRef& ref, std::ostream* os) {
  *os << "{" << to_string(ref.runtime) << ", " << ref.id << ", "
      << (ref.is_root ? "root" : "sub-cgroup");
  if (!ref.name.empty()) *os << ", name " << ref.name;
  if (ref.needs_confirmation) *os << ", candidate";
  *os << "}";
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

// Amazon ECS: a task id (32 hex, or a UUID for old task ARNs) and Fargate 1.4+'s container ids.
const std::string kEcsTask = "5a0d5ceddf6c44c1928d367a815d890f";
const std::string kEcsTaskUuid = "55091c13-b8cf-4801-b527-f4601742204d";
const std::string kFargateTask = "34dc0b5e626f2c5c4c5170e34b10e765";
const std::string kFargateId = kFargateTask + "-1234567890";

const std::string kBurstablePodSlice =
    "/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod" + kPodUidSystemd + ".slice";
const std::string kBestEffortPodSlice =
    "/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod" + kPodUidSystemd + ".slice";
const std::string kRootlessUser = "/user.slice/user-1000.slice/user@1000.service";
const std::string kNspawnSlice = "/system.slice/system-systemd\\x2dnspawn.slice";

std::optional<ContainerRef> root(Runtime runtime, const std::string& id) {
  return ContainerRef{runtime, id, true};
}
std::optional<ContainerRef> inside(Runtime runtime, const std::string& id) {
  return ContainerRef{runtime, id, false};
}
// A machine's cgroup: its id and the name the path gives it.
std::optional<ContainerRef> machine(Runtime runtime, const std::string& id,
                                    const std::string& name) {
  return ContainerRef{runtime, id, true, name};
}
std::optional<ContainerRef> machine_inside(Runtime runtime, const std::string& id,
                                           const std::string& name) {
  return ContainerRef{runtime, id, false, name};
}
std::optional<ContainerRef> nspawn(const std::string& name) {
  return machine(Runtime::nspawn, name, name);
}
// A 64-hex id no rule claims, reported only once a runtime confirms it.
std::optional<ContainerRef> candidate(const std::string& id, bool is_root = true) {
  return ContainerRef{Runtime::unknown, id, is_root, {}, true};
}
const std::optional<ContainerRef> kNone;

struct Case {
  std::string name;
  std::string path;
  std::optional<ContainerRef> want;  // what the rules say (Candidates::exclude)
  // With Candidates::include, when that differs from `want`: the candidate it finds.
  std::optional<ContainerRef> want_candidate = std::nullopt;
};

void PrintTo(const Case& c, std::ostream* os) {
  *os << c.path;
}

const std::vector<Case> kCases = {
    // Docker, cgroupfs driver (v1 mounts, v2, hybrid).
    // dd-trace-py tests/tracer/runtime/test_container.py, NeuVector share/system/cgroup_test.go,
    // Qard/container-info test/test.js, coroot cgroup/cgroup_test.go.
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
    // dd-trace-py tests/tracer/runtime/utils.py: "/docker/{0}.scope", a .scope-suffixed id under
    // a cgroupfs parent.
    {"DockerCgroupfsScopeSuffix", "/docker/" + kId + ".scope", root(Runtime::docker, kId)},
    // Elastic apm-agent-go internal/apmhostutil/container_linux_test.go, Qard/container-info and
    // dd-trace-java ContainerInfoTest.groovy say "no container" for ".../<id>/not_hex": they only
    // read the last component. A cgroup below a container's belongs to it (DESIGN.md).
    {"DockerNonHexSubCgroupBelongsToIt", "/docker/" + kId + "/not_hex",
     inside(Runtime::docker, kId)},
    // Tetragon pkg/sensors/exec/procevents/proc_test.go: sysbox's syscont-cgroup-root below the
    // container.
    {"DockerSysboxSubCgroup", "/docker/" + kId + "/syscont-cgroup-root",
     inside(Runtime::docker, kId)},
    // NeuVector TestDockerIDDebian: a bare id at the hierarchy root. No rule knows that parent:
    // a candidate, reported once Docker confirms it.
    {"HexAtRootIsCandidate", "/" + kId, kNone, candidate(kId)},
    // StackRox collector/test/plugin-replay/Corpus.h (InvalidSeparatorRejected).
    {"DockerUnderscoreSeparatorIsNot", "/docker_" + kId, kNone},
    {"DockerNonHexIdIsNot", "/docker/" + std::string(64, 'z'), kNone},
    // Docker, systemd driver. NeuVector TestDockerIDCentOS, Elastic apm-agent-python
    // tests/utils/cgroup_tests.py, cAdvisor container/docker/utils/docker_test.go.
    {"DockerSystemdScope", "/system.slice/docker-" + kId + ".scope", root(Runtime::docker, kId)},
    {"DockerSystemdScopeV2Absolute", "/sys/fs/cgroup/system.slice/docker-" + kId + ".scope",
     root(Runtime::docker, kId)},
    {"DockerSystemdScopeV1PidsMount", "/sys/fs/cgroup/pids/system.slice/docker-" + kId + ".scope",
     root(Runtime::docker, kId)},
    {"DockerSystemdScopeSubCgroup", "/system.slice/docker-" + kId + ".scope/app",
     inside(Runtime::docker, kId)},
    // falcosecurity/libs test/libsinsp_e2e/container/container_cgroup.cpp (docker_systemd).
    {"DockerSliceScope", "/docker.slice/docker-" + kId + ".scope", root(Runtime::docker, kId)},
    // Tetragon proc_test.go says "" for a container's init.scope (last component only); it is the
    // container's (kind, minikube nodes run systemd inside).
    {"DockerScopeInitScopeBelongsToIt", "/system.slice/docker-" + kId + ".scope/init.scope",
     inside(Runtime::docker, kId)},
    {"KindNodeContainerdServiceBelongsToNode",
     "/system.slice/docker-" + kOuterId + ".scope/system.slice/containerd.service",
     inside(Runtime::docker, kOuterId)},
    // Tracee pkg/containers/containers.go also takes "docker-<id>" without ".scope"; Docker's
    // systemd driver always makes a scope, and no test suite shows one without.
    {"DockerPrefixWithoutScopeSuffix", "/system.slice/docker-" + kId, kNone},
    // cAdvisor container/docker/utils/docker_test.go: an overlay mount unit is no container.
    {"DockerOverlayMountUnitIsNot", "/system.slice/var-lib-docker-overlay-" + kId + "-merged.mount",
     kNone},
    // Docker in docker, kind: the innermost container wins. NeuVector TestDockerIDRancherOS.
    {"DockerInDockerInnerWins", "/docker/" + kOuterId + "/docker/" + kId,
     root(Runtime::docker, kId)},
    {"DockerInDockerInnerSubCgroup", "/docker/" + kOuterId + "/docker/" + kId + "/sub",
     inside(Runtime::docker, kId)},
    {"DockerInDockerOuterSubCgroup", "/docker/" + kOuterId + "/init",
     inside(Runtime::docker, kOuterId)},
    // A rule outside beats a candidate inside: the inner directory belongs to the known container.
    {"HexInsideKnownContainerIsItsSubCgroup", "/docker/" + kOuterId + "/" + kId,
     inside(Runtime::docker, kOuterId)},
    {"KindNodeKubeletPod",
     "/docker/" + kOuterId + "/kubelet/kubepods/burstable/pod" + kPodUid + "/" + kId,
     root(Runtime::unknown, kId)},
    // Tetragon proc_test.go: minikube and kind nodes that are Docker containers.
    {"MinikubeSystemdNodeDockerPod",
     "/system.slice/docker-" + kOuterId + ".scope" + kBestEffortPodSlice + "/docker-" + kId +
         ".scope",
     root(Runtime::docker, kId)},
    {"MinikubeCgroupfsNodePod",
     "/system.slice/docker-" + kOuterId + ".scope/kubepods/besteffort/pod" + kPodUid + "/" + kId,
     root(Runtime::unknown, kId)},
    {"KindCgroupfsNodeStaticPod",
     "/system.slice/docker-" + kOuterId + ".scope/kubelet/kubepods/burstable/pod" + kStaticPodUid +
         "/" + kId,
     root(Runtime::unknown, kId)},
    // GitHub Actions runner. Tetragon proc_test.go, Tracee containers.go.
    {"ActionsJob", "/actions_job/" + kId, root(Runtime::docker, kId)},
    {"ActionsJobV1MemoryMount", "/sys/fs/cgroup/memory/actions_job/" + kId,
     root(Runtime::docker, kId)},
    // Amazon ECS: a task's containers below /ecs/<task>, Docker's ids on EC2 and Fargate < 1.4.
    // dd-trace-go internal/container_linux_test.go, DataDog/libdatadog
    // ddcommon/src/entity_id/unix/container_id.rs, Elastic apm-agent-go, Qard/container-info.
    {"EcsTaskUuid", "/ecs/" + kEcsTaskUuid + "/" + kId, root(Runtime::docker, kId)},
    {"EcsTask", "/ecs/" + kEcsTask + "/" + kId, root(Runtime::docker, kId)},
    {"EcsV1Mount", "/sys/fs/cgroup/hugetlb/ecs/" + kEcsTaskUuid + "/" + kId,
     root(Runtime::docker, kId)},
    // dd-trace-py test_container.py, dd-trace-java, dd-trace-dotnet ContainerMetadataTests.cs,
    // dd-trace-rb spec/support/container_helpers.rb: "/ecs/<cluster>/<task>/<id>".
    {"EcsClassicWithCluster", "/ecs/test-ecs-classic/" + kEcsTask + "/" + kId,
     root(Runtime::docker, kId)},
    // dd-trace-py tests/tracer/runtime/utils.py: the same with ".scope".
    {"EcsScopeSuffix", "/ecs/" + kEcsTaskUuid + "/" + kId + ".scope", root(Runtime::docker, kId)},
    {"EcsContainerSubCgroup", "/ecs/" + kEcsTask + "/" + kId + "/init",
     inside(Runtime::docker, kId)},
    // dd-trace-rb container_helpers.rb "Fargate 1.4+ with ECS+docker": Docker inside a task.
    {"EcsDockerInDocker", "/ecs/" + kEcsTaskUuid + "/" + kOuterId + "/docker/" + kId,
     root(Runtime::docker, kId)},
    // Fargate 1.4+ ids are "<task>-<number>". The tracers disagree on the depth: dd-trace-go,
    // dd-trace-js, dd-trace-py and dd-trace-dotnet have "/ecs/<id>"; libdatadog, Elastic
    // (elastic/apm tests/agents/json-specs/cgroup_parsing.json, apm-agent-go) and dd-trace-rb
    // "/ecs/<task>/<id>". Both shapes are unambiguous, so both count; no runtime tracker can ask
    // runs them.
    {"FargateContainer", "/ecs/" + kFargateId, root(Runtime::unknown, kFargateId)},
    {"FargateTwoPart", "/ecs/" + kFargateTask + "/" + kFargateId,
     root(Runtime::unknown, kFargateId)},
    {"FargateShortRandom",
     "/ecs/cef584f232933b25e0c6933d7e86cb34/cef584f232933b25e0c6933d7e86cb34-609015642",
     root(Runtime::unknown, "cef584f232933b25e0c6933d7e86cb34-609015642")},
    {"FargateProcLine", "1:name=systemd:/ecs/" + kFargateTask + "/" + kFargateId,
     root(Runtime::unknown, kFargateId)},
    {"FargateWithoutNumberIsNot", "/ecs/" + kFargateTask + "-", kNone},
    {"FargateShortTaskIsNot", "/ecs/" + kFargateTask.substr(1) + "-1234567890", kNone},
    {"FargateOutsideEcsIsNot", "/system.slice/" + kFargateId, kNone},
    {"EcsTaskCgroupIsNot", "/ecs/" + kEcsTask, kNone},
    {"EcsRootIsNot", "/ecs", kNone},
    // CRI-O. Elastic cgroup_parsing.json, dd-trace-java, coroot cgroup_test.go, NeuVector
    // TestK8sCrio_v1_19, falcosecurity/plugins plugins/container/test/matchers.cpp.
    {"CrioSystemdScope", kBurstablePodSlice + "/crio-" + kId + ".scope", root(Runtime::crio, kId)},
    {"CrioSystemdScopeSubCgroup", kBurstablePodSlice + "/crio-" + kId + ".scope/container",
     inside(Runtime::crio, kId)},
    {"CrioCgroupfsBestEffort", "/kubepods/besteffort/pod" + kPodUid + "/crio-" + kId,
     root(Runtime::crio, kId)},
    // cAdvisor container/crio/factory_test.go handles but does not "accept" the cgroupfs form
    // for its own statistics; it is still the container's cgroup.
    {"CrioCgroupfsGuaranteed", "/kubepods/pod" + kPodUid + "/crio-" + kId,
     root(Runtime::crio, kId)},
    {"CrioOutsideKubernetes", "/system.slice/crio-" + kId + ".scope", root(Runtime::crio, kId)},
    // StackRox Corpus.h (CrioSystemd): directly below kubepods.slice.
    {"CrioDirectlyBelowKubepodsSlice", "/kubepods.slice/crio-" + kId + ".scope",
     root(Runtime::crio, kId)},
    {"CrioConmonScopeIsNot", kBurstablePodSlice + "/crio-conmon-" + kId + ".scope", kNone},
    {"CrioConmonCgroupfsIsNot", "/kubepods/besteffort/pod" + kPodUid + "/crio-conmon-" + kId,
     kNone},
    // cAdvisor container/crio/factory_test.go.
    {"CrioMountUnitIsNot", "/kubepods/pod" + kPodUid + "/crio-" + kId + ".mount", kNone},
    {"CrioLookalikePrefixIsNot", "/kubepods/pod" + kPodUid + "/no-crio-conmon-" + kId, kNone},
    {"CrioShortIdIsNot", "/kubepods/pod" + kPodUid + "/crio-" + kId.substr(0, 50), kNone},
    // containerd. NeuVector TestK8sBottleRocket, dd-trace-dotnet EksNodegroup.
    {"CriContainerdSystemdScope", kBestEffortPodSlice + "/cri-containerd-" + kId + ".scope",
     root(Runtime::containerd, kId)},
    // coroot cgroup_test.go: "cri-containerd-<id>" without ".scope" below a pod slice.
    {"CriContainerdWithoutScopeSuffix",
     "/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod" + kStaticPodUid +
         ".slice/cri-containerd-" + kId,
     root(Runtime::containerd, kId)},
    // Elastic apm-agent-go, coroot, NeuVector TestK8sContainerd_v1_4_4, Tetragon, Falco: the
    // v1 "<slice>:cri-containerd:<id>" form, below containerd.service or at the root.
    {"CriContainerdColonForm",
     "/system.slice/containerd.service/kubepods-burstable-pod" + kPodUidSystemd +
         ".slice:cri-containerd:" + kId,
     root(Runtime::containerd, kId)},
    {"CriContainerdColonFormAtRoot",
     "/kubepods-besteffort-pod" + kPodUidSystemd + ".slice:cri-containerd:" + kId,
     root(Runtime::containerd, kId)},
    {"CriContainerdColonFormPodruntimeSlice",
     "/podruntime.slice/containerd.service/kubepods-burstable-pod" + kPodUidSystemd +
         ".slice:cri-containerd:" + kId,
     root(Runtime::containerd, kId)},
    // OpenTelemetry opentelemetry-go sdk/resource/container_test.go ("with colon").
    {"CriContainerdColonFormKuberuntime",
     "/kuberuntime/containerd/kubepods-pod" + kPodUidSystemd + ":cri-containerd:" + kId,
     root(Runtime::containerd, kId)},
    // StackRox collector/test/UtilityTest.cpp: kind on podman, containerd in a kind node.
    {"KindOnPodman",
     "/machine.slice/libpod-" + kOuterId +
         ".scope/container/kubelet.slice/kubelet-kubepods.slice/"
         "kubelet-kubepods-besteffort.slice/kubelet-kubepods-besteffort-pod" +
         kPodUidSystemd + ".slice/cri-containerd-" + kId + ".scope",
     root(Runtime::containerd, kId)},
    // falcosecurity/plugins matchers.cpp (nerdctl_systemd_scope).
    {"NerdctlScope", "/system.slice/nerdctl-" + kId + ".scope", root(Runtime::containerd, kId)},
    // cAdvisor container/containerd/factory_test.go: a task's rootfs mount unit.
    {"ContainerdRootfsMountUnitIsNot",
     "/system.slice/run-containerd-io.containerd.runtime.v1.linux-k8s.io-" + kId + "-rootfs.mount",
     kNone},
    {"ContainerdDefaultNamespaceHexId", "/default/" + kId, root(Runtime::containerd, kId)},
    {"ContainerdK8sNamespaceHexId", "/k8s.io/" + kId, root(Runtime::containerd, kId)},
    {"ContainerdMobyNamespace", "/moby/" + kId, root(Runtime::containerd, kId)},
    {"ContainerdAnyNamespaceHexId", "/my-team/" + kId, root(Runtime::containerd, kId)},
    // opentelemetry-go container_test.go and opentelemetry-dotnet-contrib ContainerDetectorTests:
    // "/pod/<id>" is a container; by shape it is containerd's "/<namespace>/<id>".
    {"ContainerdPodNamespace", "/pod/" + kId, root(Runtime::containerd, kId)},
    {"ContainerdNamespaceV1Mount", "/sys/fs/cgroup/memory/k8s.io/" + kId,
     root(Runtime::containerd, kId)},
    // falcosecurity/plugins matchers.cpp: containerd's named ids.
    {"ContainerdDefaultNamespaceNamedId", "/default/redis", root(Runtime::containerd, "redis")},
    {"ContainerdDefaultNamespaceUnderscoreName", "/default/test_container",
     root(Runtime::containerd, "test_container")},
    {"ContainerdSingleCharName", "/default/a", root(Runtime::containerd, "a")},
    {"ContainerdNameWithUnitWordInside", "/default/service.container",
     root(Runtime::containerd, "service.container")},
    {"ContainerdK8sNamespaceNamedId", "/k8s.io/my-test_container",
     root(Runtime::containerd, "my-test_container")},
    {"ContainerdServiceUnitIsNot", "/default/some_short_id.service", kNone},
    {"ContainerdSliceUnitIsNot", "/default/some_short_id.slice", kNone},
    {"ContainerdScopeUnitIsNot", "/default/some_short_id.scope", kNone},
    {"ContainerdBareUnitSuffixIsNot", "/namespace/.service", kNone},
    // Falco takes named ids in any namespace ("/my_very_long_namespace-1.5/test_container").
    // We do only in the namespaces containerd and its clients create, else any two-level
    // cgroup ("/user/1000.user", NeuVector's old systemd) would be a container; the registry
    // confirms other namespaces' named ids from containerd's task directories.
    {"ContainerdNamedIdInUnknownNamespaceIsNot", "/my_very_long_namespace-1.5/test_container",
     kNone},
    {"ContainerdNamedIdInDottedNamespaceIsNot", "/my.namespace/container.name", kNone},
    {"ContainerdBuildkitNamedId", "/buildkit/s1n5kxyrpkq3g4m8y7t0ld2ue",
     root(Runtime::containerd, "s1n5kxyrpkq3g4m8y7t0ld2ue")},
    {"ContainerdNamedIdSubCgroup", "/default/redis/worker", inside(Runtime::containerd, "redis")},
    {"ContainerdUpperCaseNameInWellKnownNamespace", "/default/" + kUpperId,
     root(Runtime::containerd, kUpperId)},
    {"ContainerdNamedIdBelowRootIsNot", "/system.slice/default/redis", kNone},
    {"ContainerdNamedIdTooLongIsNot", "/default/" + std::string(77, 'a'), kNone},
    {"ContainerdNamedIdBadFirstCharIsNot", "/default/_redis", kNone},
    // coroot cgroup_test.go: Talos' own services are not containers.
    {"TalosSystemServiceIsNot", "/system/dashboard", kNone},
    {"TalosPodruntimeIsNot", "/podruntime/kubelet", kNone},
    {"TalosInitIsNot", "/init", kNone},
    // Podman. Tetragon proc_test.go, StackRox UtilityTest.cpp, coroot fixtures.
    {"PodmanSystemdScope", "/machine.slice/libpod-" + kId + ".scope", root(Runtime::podman, kId)},
    {"PodmanContainerSubCgroup", "/machine.slice/libpod-" + kId + ".scope/container",
     inside(Runtime::podman, kId)},
    {"PodmanCgroupfs", "/libpod_parent/libpod-" + kId, root(Runtime::podman, kId)},
    // falcosecurity/plugins matchers.cpp (root_libpod_no_scope, root_libpod_scope).
    {"PodmanSystemSliceWithoutScope", "/system.slice/libpod-" + kId, root(Runtime::podman, kId)},
    {"PodmanSystemSliceScope", "/system.slice/libpod-" + kId + ".scope",
     root(Runtime::podman, kId)},
    // falcosecurity/plugins matchers.cpp (root_libpod_cgroup_mode_split_*): cephadm runs each
    // Ceph daemon as "libpod-payload-<id>" inside its own service.
    {"PodmanCephadmPayload",
     "/system.slice/system-ceph-f952f5be-565c-11f0-ab72-0affea283157.slice/"
     "ceph-f952f5be-565c-11f0-ab72-0affea283157@mon.ip-10-0-25-96.service/libpod-payload-" +
         kId,
     root(Runtime::podman, kId)},
    {"PodmanCephadmPayloadScope",
     "/system.slice/system-ceph-f952f5be-565c-11f0-ab72-0affea283157.slice/"
     "ceph-f952f5be-565c-11f0-ab72-0affea283157@mon.ip-10-0-25-96.service/libpod-payload-" +
         kId + ".scope",
     root(Runtime::podman, kId)},
    // coroot cgroup/fixtures/proc/4200/cgroup.
    {"PodmanPayloadInService", "/system.slice/myapp.service/libpod-payload-" + kId,
     root(Runtime::podman, kId)},
    {"PodmanInPodSlice",
     "/machine.slice/machine-libpod_pod_" + kOuterId + ".slice/libpod-" + kId + ".scope",
     root(Runtime::podman, kId)},
    {"PodmanPodSliceIsNot", "/machine.slice/machine-libpod_pod_" + kOuterId + ".slice", kNone},
    // coroot fixtures/proc/4300, StackRox UtilityTest.cpp (conmon).
    {"PodmanConmonScopeIsNot", "/machine.slice/libpod-conmon-" + kId + ".scope", kNone},
    {"PodmanConmonCgroupfsIsNot", "/libpod_parent/libpod-conmon-" + kId, kNone},
    // Tetragon proc_test.go: podman's cgroupfs monitor.
    {"PodmanCgroupfsConmonIsNot", "/libpod_parent/conmon", kNone},
    {"PodmanCgroupfsBareHexIsCandidate", "/libpod_parent/" + kId, kNone, candidate(kId)},
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
    // falcosecurity/plugins matchers.cpp (rootless_user_slice_libpod_no_scope), coroot
    // fixtures/proc/4100: directly below the user manager.
    {"RootlessPodmanBelowUserManager", kRootlessUser + "/libpod-" + kId,
     root(Runtime::podman, kId)},
    {"RootlessPodmanBelowUserManagerScope", kRootlessUser + "/libpod-" + kId + ".scope",
     root(Runtime::podman, kId)},
    {"RootlessPodmanConmonIsNot", kRootlessUser + "/user.slice/libpod-conmon-" + kId + ".scope",
     kNone},
    // falcosecurity/plugins matchers.cpp (container_id_too_long, invalid_container_id_characters).
    {"PodmanIdTooLongIsNot", kRootlessUser + "/libpod-" + kId + kId, kNone},
    {"PodmanIdBadCharacterIsNot", kRootlessUser + "/libpod-" + kId.substr(0, 63) + "g", kNone},
    {"UserManagerInitScopeIsNot", kRootlessUser + "/init.scope", kNone},
    // Kubernetes, cgroupfs driver. dd-trace-go, NeuVector TestDockerIDKubepods*, Tetragon.
    {"KubepodsBurstable", "/kubepods/burstable/pod" + kPodUid + "/" + kId,
     root(Runtime::unknown, kId)},
    {"KubepodsBestEffort", "/kubepods/besteffort/pod" + kPodUid + "/" + kId,
     root(Runtime::unknown, kId)},
    {"KubepodsGuaranteed", "/kubepods/pod" + kPodUid + "/" + kId, root(Runtime::unknown, kId)},
    // coroot cgroup_test.go, cAdvisor container/containerd/factory_test.go: static pods' md5 uid.
    {"KubepodsStaticPodUid", "/kubepods/burstable/pod" + kStaticPodUid + "/" + kId,
     root(Runtime::unknown, kId)},
    {"KubepodsV1CpuCpuacctMount",
     "/sys/fs/cgroup/cpu,cpuacct/kubepods/burstable/pod" + kPodUid + "/" + kId,
     root(Runtime::unknown, kId)},
    // coroot cgroup_test.go, NeuVector TestK8sProxyProcess: a process cgroup inside.
    {"KubepodsContainerSubCgroup", "/kubepods/besteffort/pod" + kPodUid + "/" + kId + "/kube-proxy",
     inside(Runtime::unknown, kId)},
    // Elastic apm-agent-go, StackRox UtilityTest.cpp: kubelet's cgroup root below kubepods.
    {"KubepodsTwice", "/kubepods/kubepods/besteffort/pod" + kPodUid + "/" + kId,
     root(Runtime::unknown, kId)},
    // StackRox UtilityTest.cpp: DC/OS runs Kubernetes below Mesos.
    {"KubepodsBelowMesos",
     "/mesos/3b1cf944-1d97-40a6-ac73-b156ac2f2bfe/mesos/077d75a1-d7b6-4e55-8114-13f925fe4f49/"
     "kubepods/besteffort/pod" +
         kPodUid + "/" + kId,
     root(Runtime::unknown, kId)},
    {"KubepodsPodCgroupIsNot", "/kubepods/burstable/pod" + kPodUid, kNone},
    {"KubepodsQosCgroupIsNot", "/kubepods/besteffort", kNone},
    {"KubepodsRootIsNot", "/kubepods", kNone},
    // Not kubelet's layouts, but a 64-hex leaf: candidates.
    {"KubepodsHexOutsidePodIsCandidate", "/kubepods/burstable/" + kId, kNone, candidate(kId)},
    {"KubepodsHexUnderBadPodUidIsCandidate", "/kubepods/burstable/podxyz/" + kId, kNone,
     candidate(kId)},
    // dd-trace-py tests/tracer/runtime/utils.py writes "/kubepods/test/pod<uid>/<id>" and StackRox
    // Corpus.h "/kubepods/burstable/pod123/<id>": placeholders kubelet never makes (QoS is
    // burstable or besteffort, pod uids are UUIDs). Candidates, not rule matches.
    {"KubepodsMadeUpQosIsCandidate", "/kubepods/test/pod" + kPodUid + "/" + kId, kNone,
     candidate(kId)},
    {"KubepodsMadeUpPodUidIsCandidate", "/kubepods/burstable/pod123/" + kId, kNone, candidate(kId)},
    // Elastic apm-agent-go and apm-agent-python take a UUID leaf below a pod for a container id.
    // No CRI runtime names containers by UUID (all use 64 hex); a UUID leaf is left alone.
    {"KubepodsUuidLeafIsNot",
     "/kubepods/besteffort/pode9b90526-f47d-11e8-b2a5-080027b9f4fb/"
     "15aa6e53-b09a-40c7-8558-c6c31e36c88a",
     kNone},
    // Kubernetes, systemd driver. dd-trace-rb, dd-trace-js, NeuVector TestDockerIDKubepods2,
    // coroot fixtures/proc/400.
    {"KubepodsSystemdDockerScope", kBurstablePodSlice + "/docker-" + kId + ".scope",
     root(Runtime::docker, kId)},
    {"KubepodsSystemdGuaranteedContainerd",
     "/kubepods.slice/kubepods-pod" + kPodUidSystemd + ".slice/cri-containerd-" + kId + ".scope",
     root(Runtime::containerd, kId)},
    {"KubepodsSystemdV2Absolute",
     "/sys/fs/cgroup" + kBestEffortPodSlice + "/cri-containerd-" + kId + ".scope",
     root(Runtime::containerd, kId)},
    // NeuVector TestK8sCrio_v1_17: a static pod's md5 uid in the slice name.
    {"KubepodsSystemdStaticPod",
     "/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod" + kStaticPodUid +
         ".slice/crio-" + kId + ".scope",
     root(Runtime::crio, kId)},
    // DataDog/libdatadog container_id.rs: a bare id below a pod slice is a pod's container.
    {"KubepodsSystemdBareHexUnderPodSlice",
     "/kubepods.slice/kubepods-pod" + kPodUidSystemd + ".slice/" + kId,
     root(Runtime::unknown, kId)},
    {"KubepodsSystemdPodSliceIsNot", kBurstablePodSlice, kNone},
    {"KubepodsSystemdQosSliceIsNot", "/kubepods.slice/kubepods-besteffort.slice", kNone},
    // Garden (Cloud Foundry). dd-trace-go, dd-trace-js, dd-trace-dotnet, Elastic
    // apm-agent-python: the same handle below garden.service on some controllers.
    {"GardenHandle", "/garden/" + kGardenId, root(Runtime::garden, kGardenId)},
    {"GardenUuid", "/garden/" + kGardenUuid, root(Runtime::garden, kGardenUuid)},
    {"GardenUnderSystemdService", "/system.slice/garden.service/garden/" + kGardenId,
     root(Runtime::garden, kGardenId)},
    {"GardenV1MemoryMount", "/sys/fs/cgroup/memory/garden/" + kGardenUuid,
     root(Runtime::garden, kGardenUuid)},
    {"GardenMalformedIdIsNot", "/garden/not-a-handle", kNone},
    {"GardenUuidTooShortIsNot", "/garden/" + kGardenUuid.substr(0, 35), kNone},
    {"GardenUpperCaseIsNot", "/garden/6E2A4C1F-7B3D-4F5E-6A7B-8C9D", kNone},
    // dd-trace-js docker.spec.js: the Garden parent alone.
    {"GardenParentIsNot", "/system.slice/garden.service/garden/", kNone},
    // dd-trace-go and dd-trace-js take any UUID ("/uuid/<uuid>") for a container id. Outside
    // Garden a UUID names desktop scopes and sessions as often as anything; left alone.
    {"BareUuidIsNot", "/uuid/34dc0b5e-626f-2c5c-4c51-70e34b10e765", kNone},
    // systemd-nspawn. genuinetools/bpfd proc/proc_test.go ("nspawn"): machine-<name>.scope.
    {"NspawnMachineScope", "/machine.slice/machine-nspawntest.scope", nspawn("nspawntest")},
    {"NspawnMachineScopeV1Mount", "/sys/fs/cgroup/memory/machine.slice/machine-nspawntest.scope",
     nspawn("nspawntest")},
    // systemd's names escape "-" as "\x2d" (systemd PR #38440's test log).
    {"NspawnEscapedName",
     "/machine.slice/machine-TEST\\x2d13\\x2dNSPAWN.machinectl\\x2dbind.7ye.scope",
     nspawn("TEST-13-NSPAWN.machinectl-bind.7ye")},
    // systemd issue #16796: the container's own systemd below "payload".
    {"NspawnPayload", "/machine.slice/machine-debian.scope/payload",
     machine_inside(Runtime::nspawn, "debian", "debian")},
    {"NspawnPayloadService",
     "/machine.slice/machine-debian.scope/payload/system.slice/dbus-broker.service",
     machine_inside(Runtime::nspawn, "debian", "debian")},
    // bpfd proc_test.go reports runtime "rkt" for machine-rkt\x2d<uuid>.scope. rkt ran its pods
    // with systemd-nspawn and is discontinued: the machine is nspawn's.
    {"NspawnRktPod",
     "/machine.slice/machine-rkt\\x2dbfb7d57e\\x2d80ff\\x2d4ef8\\x2db602\\x2d9b907b3f3a38.scope/"
     "system.slice/debian.service",
     machine_inside(Runtime::nspawn, "rkt-bfb7d57e-80ff-4ef8-b602-9b907b3f3a38",
                    "rkt-bfb7d57e-80ff-4ef8-b602-9b907b3f3a38")},
    // systemd-nspawn --slice= puts the scope in another slice.
    {"NspawnOtherSlice", "/system.slice/machine-build.scope", nspawn("build")},
    // Containers in a machine: the innermost container wins.
    {"DockerInsideNspawn",
     "/machine.slice/machine-debian.scope/payload/system.slice/docker-" + kId + ".scope",
     root(Runtime::docker, kId)},
    // systemd-nspawn@.service: nspawn --keep-unit stays in the service.
    {"NspawnService", kNspawnSlice + "/systemd-nspawn@web.service", nspawn("web")},
    {"NspawnServicePayload", kNspawnSlice + "/systemd-nspawn@web.service/payload",
     machine_inside(Runtime::nspawn, "web", "web")},
    {"NspawnServiceEscapedName", kNspawnSlice + "/systemd-nspawn@my\\x2dbox.service",
     nspawn("my-box")},
    // systemd issue #37938: an unprivileged nspawn in its user manager's machine.slice.
    {"NspawnUnprivileged", kRootlessUser + "/machine.slice/android-build.scope",
     nspawn("android-build")},
    {"RootlessPodmanInUserMachineSlice", kRootlessUser + "/machine.slice/libpod-" + kId + ".scope",
     root(Runtime::podman, kId)},
    {"UserMachineSliceConmonIsNot",
     kRootlessUser + "/machine.slice/libpod-conmon-" + kId + ".scope", kNone},
    {"MachineSliceIsNot", "/machine.slice", kNone},
    {"NspawnBadEscapeIsNot", "/machine.slice/machine-bad\\x2.scope", kNone},
    {"NspawnEmptyNameIsNot", "/machine.slice/machine-.scope", kNone},
    {"NspawnEscapedSlashIsNot", "/machine.slice/machine-a\\x2fb.scope", kNone},
    {"MachineScopeOutsideSliceIsNot", "/machine-web.scope", kNone},
    // libvirt docs/cgroups.rst: QEMU guests are virtual machines, LXC guests containers named
    // "lxc-<domain id>-<name>", also in partitions below machine.slice.
    {"LibvirtQemuVmIsNot", "/machine.slice/machine-qemu\\x2d1\\x2dvm1.scope", kNone},
    {"LibvirtQemuVcpuIsNot", "/machine.slice/machine-qemu\\x2d1\\x2dvm1.scope/libvirt/vcpu0",
     kNone},
    {"LibvirtOldQemuVmIsNot", "/machine.slice/machine-qemu\\x2dvm1.scope", kNone},
    // libvirt src/ch: the cloud-hypervisor driver's guests are VMs too.
    {"LibvirtCloudHypervisorVmIsNot", "/machine.slice/machine-ch\\x2d3\\x2dvm3.scope", kNone},
    {"LibvirtLxc", "/machine.slice/machine-lxc\\x2d12345\\x2ddemo.scope",
     machine(Runtime::libvirt_lxc, "lxc-12345-demo", "demo")},
    {"LibvirtLxcInPartition",
     "/machine.slice/machine-engineering.slice/machine-engineering-testing.slice/"
     "machine-lxc\\x2d11111\\x2dcontainer1.scope",
     machine(Runtime::libvirt_lxc, "lxc-11111-container1", "container1")},
    {"LibvirtLxcNameWithDash", "/machine.slice/machine-lxc\\x2d7\\x2dweb\\x2dfront.scope",
     machine(Runtime::libvirt_lxc, "lxc-7-web-front", "web-front")},
    {"LibvirtLxcSubCgroup", "/machine.slice/machine-lxc\\x2d12345\\x2ddemo.scope/system.slice",
     machine_inside(Runtime::libvirt_lxc, "lxc-12345-demo", "demo")},
    // libvirt before 1.3 left the domain id out.
    {"LibvirtOldLxc", "/machine.slice/machine-lxc\\x2ddemo.scope",
     machine(Runtime::libvirt_lxc, "lxc-demo", "demo")},
    // libvirt docs/cgroups.rst, non-systemd hosts: "<name>.libvirt-{qemu,lxc}" in partitions.
    {"LibvirtLxcCgroupfs", "/machine/lxc-11111-container1.libvirt-lxc",
     machine(Runtime::libvirt_lxc, "lxc-11111-container1", "container1")},
    {"LibvirtLxcCgroupfsPartition",
     "/machine/engineering.partition/testing.partition/lxc-22222-container2.libvirt-lxc",
     machine(Runtime::libvirt_lxc, "lxc-22222-container2", "container2")},
    {"LibvirtQemuCgroupfsIsNot", "/machine/qemu-1-vm1.libvirt-qemu/emulator", kNone},
    // libvirt docs/cgroups.rst, before 1.0.5: below libvirtd's own cgroup.
    {"LibvirtLegacyLxc", "/system/libvirtd.service/libvirt/lxc/container1",
     machine(Runtime::libvirt_lxc, "container1", "container1")},
    {"LibvirtLegacyQemuIsNot", "/system/libvirtd.service/libvirt/qemu/vm1/vcpu0", kNone},
    // LXC. coroot cgroup.go and fixtures/proc/3000, lxc src/lxc/cgroups/cgroup.h and cgfsng.c
    // (DEFAULT_PAYLOAD_CGROUP_PREFIX "lxc.payload.", DEFAULT_MONITOR_CGROUP_PREFIX
    // "lxc.monitor.", CGROUP_PIVOT "lxc.pivot", the pattern's ".../payload" and ".../monitor").
    {"LxcPayload", "/lxc.payload.c1", machine(Runtime::lxc, "c1", "c1")},
    {"LxcPayloadV1Mount", "/sys/fs/cgroup/memory/lxc.payload.c1",
     machine(Runtime::lxc, "c1", "c1")},
    {"LxcPayloadSubCgroup", "/lxc.payload.first/system.slice/systemd-logind.service",
     machine_inside(Runtime::lxc, "first", "first")},
    // LXC retries "-1", "-2", ... when the cgroup exists: the suffix is part of what we see.
    {"LxcPayloadRetrySuffix", "/lxc.payload.c1-1", machine(Runtime::lxc, "c1-1", "c1-1")},
    {"LxcMonitorIsNot", "/lxc.monitor.c1", kNone},
    {"LxcPivotIsNot", "/lxc.pivot", kNone},
    // genuinetools/bpfd proc_test.go ("lxc"), coroot cgroup_test.go: LXC 3's "lxc/<name>".
    {"LxcLegacy", "/lxc/debian2", machine(Runtime::lxc, "debian2", "debian2")},
    {"LxcLegacyDashedName", "/lxc/mysql-primary-db",
     machine(Runtime::lxc, "mysql-primary-db", "mysql-primary-db")},
    {"LxcPatternPayload", "/lxc/c1/payload", machine_inside(Runtime::lxc, "c1", "c1")},
    {"LxcPatternMonitorIsNot", "/lxc/c1/monitor", kNone},
    {"LxcPatternMonitorRetryIsNot", "/lxc/c1/monitor-1", kNone},
    {"LxcRootIsNot", "/lxc", kNone},
    // Candidates: 64-hex ids below parents no rule knows (a custom --cgroup-parent, runc run by
    // hand). opentelemetry-dotnet-contrib ContainerIdSystemdUnitTests.cs counts runc's default
    // "runc-<id>.scope" and a custom "<prefix>-<id>.scope" as containers; falcosecurity/libs
    // container_cgroup.cpp guesses "containerd-<id>.scope" ("(?)"). Only a runtime can say.
    {"HexUnderSystemSliceIsCandidate", "/system.slice/" + kId, kNone, candidate(kId)},
    {"HexUnderUnknownNestedParentIsCandidate", "/opt/jobs/" + kId, kNone, candidate(kId)},
    {"CandidateSubCgroup", "/opt/jobs/" + kId + "/init", kNone, candidate(kId, false)},
    {"RuncScopeIsCandidate", "/system.slice/runc-" + kId + ".scope", kNone, candidate(kId)},
    {"RootlessRuncScopeIsCandidate", kRootlessUser + "/user.slice/runc-" + kId + ".scope", kNone,
     candidate(kId)},
    {"CustomPrefixScopeIsCandidate", "/system.slice/my-runtime-" + kId + ".scope", kNone,
     candidate(kId)},
    {"ContainerdPrefixScopeIsCandidate", "/system.slice/containerd-" + kId + ".scope", kNone,
     candidate(kId)},
    {"HexScopeIsCandidate", "/system.slice/" + kId + ".scope", kNone, candidate(kId)},
    {"RootlessCustomParentIsCandidate", kRootlessUser + "/jobs/" + kId, kNone, candidate(kId)},
    // ("/opt/<id>" itself is containerd's "/<namespace>/<id>".)
    {"InnermostCandidateWins", "/opt/jobs/" + kOuterId + "/" + kId, kNone, candidate(kId)},
    // Never a login session's, a system service's or PID 1's: those are the host's.
    {"HexInSessionIsNot", "/user.slice/user-1000.slice/session-2.scope/" + kId, kNone},
    {"HexInServiceIsNot", "/system.slice/backup.service/" + kId, kNone},
    {"HexInInitScopeIsNot", "/init.scope/" + kId, kNone},
    {"ConmonScopeIsNoCandidate", "/system.slice/libpod-conmon-" + kId + ".scope", kNone},
    {"HexSliceIsNoCandidate", "/system.slice/" + kId + ".slice", kNone},
    // The host's own cgroups. Elastic apm-agent-go TestUbuntuCgroup, dd-trace-rb
    // container_helpers.rb, StackRox Corpus.h, NeuVector TestHostProcess/TestNsEnterProcess,
    // coroot cgroup_test.go, opentelemetry-dotnet-contrib ContainerIdSystemdUnitTests.cs.
    {"HierarchyRoot", "/", kNone},
    {"CgroupfsMountRoot", "/sys/fs/cgroup", kNone},
    {"CgroupfsV1ControllerRoot", "/sys/fs/cgroup/memory", kNone},
    {"InitScope", "/init.scope", kNone},
    {"UserSession", "/user.slice/user-1000.slice/session-2.scope", kNone},
    {"UserSessionC2", "/user.slice/user-1000.slice/session-c2.scope", kNone},
    {"UserDesktopApp", kRootlessUser + "/app.slice/app-gnome-firefox-4242.scope", kNone},
    {"UserCodeApp", kRootlessUser + "/app.slice/app-gnome-code-4521.scope", kNone},
    // dd-trace-rb reports the terminal's UUID as a container id; Elastic says none. A terminal
    // is the user's session, never a container.
    {"UserTerminalVteSpawnIsNot",
     kRootlessUser + "/apps.slice/apps-org.gnome.Terminal.slice/"
                     "vte-spawn-75bc72bd-6642-4cf5-b62c-0674e11bfc84.scope",
     kNone},
    {"UserGnomeTerminalServerIsNot", kRootlessUser + "/gnome-terminal-server.service", kNone},
    {"OldSystemdUserSessionIsNot", "/user/1000.user/c2.session", kNone},
    {"DockerService", "/system.slice/docker.service", kNone},
    {"ContainerdService", "/system.slice/containerd.service", kNone},
    {"KubeletService", "/system.slice/kubelet.service", kNone},
    {"RuntimeSliceKubeletIsNot", "/runtime.slice/kubelet.service", kNone},
    {"TemplatedServiceIsNot", "/system.slice/system-postgresql.slice/postgresql@9.4-main.service",
     kNone},
    {"EscapedSliceIsNot", "/system.slice/system-serial\\x2dgetty.slice", kNone},
    {"CoredumpSliceIsNot", "/system.slice/system-systemd\\x2dcoredump.slice", kNone},
    {"HexLookingServiceIsNot", "/system.slice/db.service", kNone},
    {"CustomShortScopeIsNot", "/system.slice/custom-abc123.scope", kNone},
    {"DockerParentOnly", "/docker", kNone},
    {"DockerBuildkitParent", "/docker/buildkit", kNone},
    // Ids of the wrong length or case. dd-trace-py, libdatadog, StackRox.
    {"ShortDockerIdIsNot", "/docker/" + kShortId, kNone},
    {"Hex63IsNot", "/docker/" + kId63, kNone},
    {"Hex65IsNot", "/docker/" + kId65, kNone},
    {"ShortIdScopeIsNot", "/system.slice/docker-" + kShortId + ".scope", kNone},
    // opentelemetry-go container_test.go takes 35-hex ids ("with suffix"); no runtime writes them.
    {"ShortHexWithSuffixIsNot",
     "/podruntime/docker/kubepods/ac679f8a8319c8cf7d38e1adf263bc08d23.aaaa", kNone},
    // Tracee accepts upper-case hex; runtimes write lower case and libdatadog rejects it.
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
    {"ProcLineNspawn", "1:name=systemd:/machine.slice/machine-nspawntest.scope",
     nspawn("nspawntest")},
    {"ProcLineHostInit", "0::/init.scope", kNone},
    {"ProcLineInsideCgroupNamespace", "0::/", kNone},
};

class CgroupPathTest : public testing::TestWithParam<Case> {};

TEST_P(CgroupPathTest, MapsToContainer) {
  EXPECT_EQ(container_from_cgroup_path(GetParam().path), GetParam().want);
}

TEST_P(CgroupPathTest, MapsToCandidateOnlyWhenNoRuleClaimsIt) {
  const auto& row = GetParam();
  auto want = row.want_candidate ? row.want_candidate : row.want;
  EXPECT_EQ(container_from_cgroup_path(row.path, Candidates::include), want);
}

INSTANTIATE_TEST_SUITE_P(RealLayouts, CgroupPathTest, testing::ValuesIn(kCases),
                         [](const testing::TestParamInfo<Case>& row) { return row.param.name; });

TEST(CgroupPathTable, RowsAreConsistent) {
  for (const auto& row : kCases) {
    if (row.want_candidate) {
      EXPECT_FALSE(row.want) << row.name << ": a rule match is never a candidate";
      EXPECT_TRUE(row.want_candidate->needs_confirmation) << row.name;
    }
    if (row.want) {
      EXPECT_FALSE(row.want->needs_confirmation) << row.name;
    }
  }
}

// What the fuzzer checks, on every row: a cgroup made below a container's own
// cgroup belongs to it without being its root.
TEST(CgroupPathTable, SubCgroupsOfEveryRootBelongToIt) {
  for (const auto& row : kCases) {
    for (auto candidates : {Candidates::exclude, Candidates::include}) {
      auto ref = container_from_cgroup_path(row.path, candidates);
      if (!ref || !ref->is_root || row.path.ends_with('\n')) continue;
      auto sub = container_from_cgroup_path(row.path + "/app", candidates);
      ASSERT_TRUE(sub) << row.name;
      EXPECT_FALSE(sub->is_root) << row.name;
      sub->is_root = true;
      EXPECT_EQ(sub, ref) << row.name;
    }
  }
}

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
    for (auto candidates : {Candidates::exclude, Candidates::include}) {
      auto ref = container_from_cgroup_path(path, candidates);
      if (ref) {
        EXPECT_FALSE(ref->id.empty()) << path;
      }
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
  for (auto runtime : {Runtime::docker, Runtime::containerd, Runtime::crio, Runtime::podman,
                       Runtime::garden, Runtime::nspawn, Runtime::libvirt_lxc, Runtime::lxc}) {
    EXPECT_EQ(runtime_from_string(to_string(runtime)), runtime) << to_string(runtime);
  }
  EXPECT_EQ(to_string(Runtime::nspawn), "nspawn");
  EXPECT_EQ(to_string(Runtime::libvirt_lxc), "libvirt-lxc");
  EXPECT_EQ(to_string(Runtime::lxc), "lxc");
  EXPECT_EQ(to_string(Runtime::unknown), "unknown");
  EXPECT_EQ(runtime_from_string("cri-o"), Runtime::crio);
  EXPECT_EQ(runtime_from_string("unknown"), std::nullopt);
  EXPECT_EQ(runtime_from_string("Docker"), std::nullopt);
  EXPECT_EQ(runtime_from_string(""), std::nullopt);
}

TEST(CgroupPathBelow, ComparesWholeComponents) {
  EXPECT_TRUE(cgroup_path_below("/docker/ab/c", "/docker/ab"));
  EXPECT_TRUE(cgroup_path_below("/docker/ab/c/d", "/docker/ab"));
  EXPECT_FALSE(cgroup_path_below("/docker/abc", "/docker/ab"));
  EXPECT_FALSE(cgroup_path_below("/docker/" + kId + ".scope", "/docker/" + kId));
  EXPECT_FALSE(cgroup_path_below("/docker/ab", "/docker/ab"));  // itself
  EXPECT_FALSE(cgroup_path_below("/docker", "/docker/ab"));
  EXPECT_FALSE(cgroup_path_below("/x/docker/ab/c", "/docker/ab"));
  EXPECT_TRUE(cgroup_path_below("/docker//ab/c/", "/docker/ab/"));
  EXPECT_TRUE(cgroup_path_below("/sys/fs/cgroup/unified/docker/ab/c", "/docker/ab"));
  EXPECT_TRUE(cgroup_path_below("/docker", "/"));
  EXPECT_FALSE(cgroup_path_below("/\xfe/c", "/\xff"));  // bytes, not what they show
}

TEST(CgroupPathBelow, SamePathAndParent) {
  EXPECT_TRUE(same_cgroup_path("/docker/ab", "/docker/ab/"));
  EXPECT_TRUE(same_cgroup_path("/sys/fs/cgroup/unified/docker/ab", "/docker/ab"));
  EXPECT_FALSE(same_cgroup_path("/docker/ab", "/docker/abc"));
  EXPECT_EQ(parent_cgroup_path("/docker/ab"), "/docker");
  EXPECT_EQ(parent_cgroup_path("/docker/ab/"), "/docker");
  EXPECT_EQ(parent_cgroup_path("/docker"), "");
  EXPECT_EQ(parent_cgroup_path("/"), "");
  EXPECT_EQ(parent_cgroup_path("/sys/fs/cgroup/unified/docker/ab"), "/docker");
}

TEST(UserManager, TheOutermostUserManagerOwnsTheSubtree) {
  const std::string rootless = kRootlessUser + "/user.slice/libpod-" + kId + ".scope";
  auto manager = outermost_user_manager(rootless);  // its `above` views into `rootless`
  ASSERT_TRUE(manager);
  EXPECT_EQ(manager->uid, 1000u);
  EXPECT_EQ(manager->above, "/user.slice/user-1000.slice");

  auto nested = outermost_user_manager(kRootlessUser + "/user.slice/user-0.slice/user@0.service/x");
  ASSERT_TRUE(nested);
  EXPECT_EQ(nested->uid, 1000u);  // the inner one is user 1000's own making

  auto root = outermost_user_manager("/user.slice/user-0.slice/user@0.service/x");
  ASSERT_TRUE(root);
  EXPECT_EQ(root->uid, 0u);
  EXPECT_EQ(outermost_user_manager("/user@4294967295.service")->uid, 4294967295u);
  EXPECT_EQ(outermost_user_manager("/user@4294967295.service")->above, "");

  for (const std::string& path :
       {"/system.slice/docker-" + kId + ".scope",
        std::string("/user.slice/user-1000.slice/session-2.scope"),
        std::string("/user.slice/user@.service"), std::string("/user@4294967296.service"),
        std::string("/user@+1.service"), std::string("/user@-1.service"),
        std::string("/user@1x.service"), std::string("/user@1000.service.d")})
    EXPECT_FALSE(outermost_user_manager(path)) << path;
}

}  // namespace
}  // namespace tracker
