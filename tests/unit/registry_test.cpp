#include "registry/registry.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <ostream>
#include <set>
#include <string>
#include <vector>

namespace tracker {
namespace {

const std::string kId = "3cfaa5502403c9a029e90998854937971a5a318ac0045b1285dcd2fc016af5dd";
const std::string kOtherId = "ab5f2e287ba019ba83c8ba4837dc9f3f3bac865d3649ed6a2ce57ae9eef3e415";
const std::string kPodUid = "21471a9b-8ad8-4156-90c4-098b6b9130c4";

constexpr std::uint64_t kRootCgroup = 1001;
constexpr std::uint64_t kSubCgroup = 1002;
constexpr std::uint64_t kSecondSubCgroup = 1003;
constexpr std::int64_t kCreatedNs = 1'700'000'000'000'000'000;

// --- a container's root and a sub-cgroup of it, in each runtime's layout ---

struct LayoutCase {
  std::string name;
  std::string root_path;
  std::string sub_path;
  Runtime runtime;
  std::string id;
};

void PrintTo(const LayoutCase& c, std::ostream* os) {
  *os << c.root_path;
}

const std::vector<LayoutCase> kLayoutCases = {
    {"DockerCgroupfs", "/docker/" + kId, "/docker/" + kId + "/init", Runtime::docker, kId},
    {"DockerSystemd", "/system.slice/docker-" + kId + ".scope",
     "/system.slice/docker-" + kId + ".scope/app", Runtime::docker, kId},
    {"PodmanContainerSubCgroup", "/machine.slice/libpod-" + kId + ".scope",
     "/machine.slice/libpod-" + kId + ".scope/container", Runtime::podman, kId},
    {"CrioKubepods",
     "/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod21471a9b_8ad8_4156_90c4_"
     "098b6b9130c4.slice/crio-" +
         kId + ".scope",
     "/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod21471a9b_8ad8_4156_90c4_"
     "098b6b9130c4.slice/crio-" +
         kId + ".scope/container",
     Runtime::crio, kId},
    {"KubepodsCgroupfs", "/kubepods/besteffort/pod" + kPodUid + "/" + kId,
     "/kubepods/besteffort/pod" + kPodUid + "/" + kId + "/sub", Runtime::unknown, kId},
    {"ContainerdNamedId", "/default/redis", "/default/redis/worker", Runtime::containerd, "redis"},
};

class RegistryLayoutTest : public testing::TestWithParam<LayoutCase> {};

TEST_P(RegistryLayoutTest, RootThenSubCgroupsJoinOneRecord) {
  const auto& row = GetParam();
  Registry registry;
  auto root = registry.add_cgroup(kRootCgroup, row.root_path, ContainerOrigin::created, kCreatedNs);
  ASSERT_TRUE(root.container);
  EXPECT_TRUE(root.new_container);
  EXPECT_FALSE(root.already_known);
  EXPECT_FALSE(root.orphan);
  EXPECT_EQ(root.container->ref, (ContainerRef{row.runtime, row.id, true}));
  EXPECT_EQ(root.container->id(), row.id);
  EXPECT_EQ(root.container->runtime(), row.runtime);
  EXPECT_EQ(root.container->cgroup_id, kRootCgroup);
  EXPECT_EQ(root.container->cgroup_path, row.root_path);
  EXPECT_EQ(root.container->origin, ContainerOrigin::created);
  EXPECT_EQ(root.container->created_ns, kCreatedNs);
  EXPECT_FALSE(root.container->started);
  EXPECT_FALSE(root.container->removed);

  auto sub = registry.add_cgroup(kSubCgroup, row.sub_path, ContainerOrigin::created, kCreatedNs);
  EXPECT_EQ(sub.container, root.container);
  EXPECT_FALSE(sub.new_container);
  EXPECT_FALSE(sub.already_known);
  EXPECT_FALSE(sub.orphan);
  EXPECT_EQ(root.container->sub_cgroups, std::vector<std::uint64_t>{kSubCgroup});
  EXPECT_EQ(root.container->cgroup_id, kRootCgroup);  // the root stays the root

  EXPECT_EQ(registry.size(), 1u);
  EXPECT_EQ(registry.find_by_id(row.id), root.container);
  EXPECT_EQ(registry.find_by_cgroup(kRootCgroup), root.container);
  EXPECT_EQ(registry.find_by_cgroup(kSubCgroup), root.container);
  EXPECT_TRUE(registry.is_root_cgroup(kRootCgroup));
  EXPECT_FALSE(registry.is_root_cgroup(kSubCgroup));
}

TEST_P(RegistryLayoutTest, SubCgroupWithoutItsRootIsAnOrphan) {
  const auto& row = GetParam();
  Registry registry;
  auto sub = registry.add_cgroup(kSubCgroup, row.sub_path, ContainerOrigin::created, kCreatedNs);
  EXPECT_FALSE(sub.container);
  EXPECT_TRUE(sub.orphan);
  EXPECT_FALSE(sub.new_container);
  EXPECT_FALSE(sub.already_known);
  EXPECT_EQ(registry.size(), 0u);
  EXPECT_FALSE(registry.find_by_cgroup(kSubCgroup));

  // Once the root is known the same sub-cgroup joins it.
  auto root = registry.add_cgroup(kRootCgroup, row.root_path, ContainerOrigin::existing, 0);
  ASSERT_TRUE(root.new_container);
  auto again = registry.add_cgroup(kSubCgroup, row.sub_path, ContainerOrigin::existing, 0);
  EXPECT_EQ(again.container, root.container);
  EXPECT_FALSE(again.orphan);
  EXPECT_FALSE(again.already_known);
}

TEST_P(RegistryLayoutTest, RemovingTheRootDropsItsSubCgroups) {
  const auto& row = GetParam();
  Registry registry;
  auto root = registry.add_cgroup(kRootCgroup, row.root_path, ContainerOrigin::created, kCreatedNs);
  registry.add_cgroup(kSubCgroup, row.sub_path, ContainerOrigin::created, kCreatedNs);
  registry.add_cgroup(kSecondSubCgroup, row.sub_path + "/deeper", ContainerOrigin::created, 0);

  auto removed = registry.remove_cgroup(kRootCgroup);
  EXPECT_TRUE(removed.was_known);
  EXPECT_EQ(removed.container, root.container);
  EXPECT_TRUE(root.container->removed);
  EXPECT_TRUE(root.container->sub_cgroups.empty());
  EXPECT_EQ(registry.size(), 0u);
  EXPECT_FALSE(registry.find_by_id(row.id));
  for (auto cgroup : {kRootCgroup, kSubCgroup, kSecondSubCgroup}) {
    EXPECT_FALSE(registry.find_by_cgroup(cgroup)) << cgroup;
    EXPECT_FALSE(registry.is_root_cgroup(cgroup)) << cgroup;
  }
  // The sub-cgroups' own rmdir events come later and find nothing.
  EXPECT_FALSE(registry.remove_cgroup(kSubCgroup).was_known);
}

INSTANTIATE_TEST_SUITE_P(RealLayouts, RegistryLayoutTest, testing::ValuesIn(kLayoutCases),
                         [](const testing::TestParamInfo<LayoutCase>& row) {
                           return row.param.name;
                         });

// --- cgroups of no container ---

struct HostCase {
  std::string name;
  std::string path;
};

void PrintTo(const HostCase& c, std::ostream* os) {
  *os << c.path;
}

const std::vector<HostCase> kHostCases = {
    {"HierarchyRoot", "/"},
    {"InitScope", "/init.scope"},
    {"SystemSlice", "/system.slice"},
    {"DockerService", "/system.slice/docker.service"},
    {"UserSession", "/user.slice/user-1000.slice/session-2.scope"},
    {"DockerParent", "/docker"},
    {"KubepodsPodSlice", "/kubepods/besteffort/pod" + kPodUid},
    {"PodmanConmon", "/machine.slice/libpod-conmon-" + kId + ".scope"},
    {"ShortId", "/docker/" + kId.substr(0, 12)},
};

class RegistryHostCgroupTest : public testing::TestWithParam<HostCase> {};

TEST_P(RegistryHostCgroupTest, IsNotRegistered) {
  Registry registry;
  for (int attempt = 0; attempt < 2; ++attempt) {
    auto added =
        registry.add_cgroup(kRootCgroup, GetParam().path, ContainerOrigin::existing, kCreatedNs);
    EXPECT_FALSE(added.container);
    EXPECT_FALSE(added.new_container);
    EXPECT_FALSE(added.already_known) << "attempt " << attempt;
    EXPECT_FALSE(added.orphan);
  }
  EXPECT_EQ(registry.size(), 0u);
  EXPECT_FALSE(registry.find_by_cgroup(kRootCgroup));
  EXPECT_FALSE(registry.remove_cgroup(kRootCgroup).was_known);
}

INSTANTIATE_TEST_SUITE_P(HostCgroups, RegistryHostCgroupTest, testing::ValuesIn(kHostCases),
                         [](const testing::TestParamInfo<HostCase>& row) {
                           return row.param.name;
                         });

// --- sequences ---

TEST(Registry, DuplicateAddsAreAlreadyKnown) {
  Registry registry;
  auto root = registry.add_cgroup(kRootCgroup, "/docker/" + kId, ContainerOrigin::created, 1);
  registry.add_cgroup(kSubCgroup, "/docker/" + kId + "/init", ContainerOrigin::created, 1);

  auto root_again =
      registry.add_cgroup(kRootCgroup, "/docker/" + kId, ContainerOrigin::existing, 2);
  EXPECT_TRUE(root_again.already_known);
  EXPECT_FALSE(root_again.new_container);
  EXPECT_EQ(root_again.container, root.container);

  auto sub_again =
      registry.add_cgroup(kSubCgroup, "/docker/" + kId + "/init", ContainerOrigin::existing, 2);
  EXPECT_TRUE(sub_again.already_known);
  EXPECT_EQ(sub_again.container, root.container);

  EXPECT_EQ(root.container->sub_cgroups, std::vector<std::uint64_t>{kSubCgroup});
  EXPECT_EQ(root.container->origin, ContainerOrigin::created);  // the first add decides
  EXPECT_EQ(root.container->created_ns, 1);
  EXPECT_EQ(registry.size(), 1u);
}

TEST(Registry, RemovingASubCgroupKeepsTheContainer) {
  Registry registry;
  auto root = registry.add_cgroup(kRootCgroup, "/docker/" + kId, ContainerOrigin::created, 1);
  registry.add_cgroup(kSubCgroup, "/docker/" + kId + "/a", ContainerOrigin::created, 1);
  registry.add_cgroup(kSecondSubCgroup, "/docker/" + kId + "/b", ContainerOrigin::created, 1);

  auto removed = registry.remove_cgroup(kSubCgroup);
  EXPECT_TRUE(removed.was_known);
  EXPECT_FALSE(removed.container);
  EXPECT_FALSE(root.container->removed);
  EXPECT_EQ(root.container->sub_cgroups, std::vector<std::uint64_t>{kSecondSubCgroup});
  EXPECT_FALSE(registry.find_by_cgroup(kSubCgroup));
  EXPECT_EQ(registry.find_by_cgroup(kSecondSubCgroup), root.container);
  EXPECT_EQ(registry.find_by_id(kId), root.container);
  EXPECT_EQ(registry.size(), 1u);

  EXPECT_FALSE(registry.remove_cgroup(kSubCgroup).was_known);  // twice
}

TEST(Registry, RemovingAnUnknownCgroupFindsNothing) {
  Registry registry;
  registry.add_cgroup(kRootCgroup, "/docker/" + kId, ContainerOrigin::created, 1);
  auto removed = registry.remove_cgroup(999);
  EXPECT_FALSE(removed.was_known);
  EXPECT_FALSE(removed.container);
  EXPECT_EQ(registry.size(), 1u);
}

TEST(Registry, SameIdAfterRemovalIsANewRecord) {
  Registry registry;
  auto first = registry.add_cgroup(kRootCgroup, "/docker/" + kId, ContainerOrigin::created, 1);
  registry.remove_cgroup(kRootCgroup);
  auto second = registry.add_cgroup(2001, "/docker/" + kId, ContainerOrigin::created, 2);
  EXPECT_TRUE(second.new_container);
  EXPECT_NE(second.container, first.container);
  EXPECT_TRUE(first.container->removed);
  EXPECT_FALSE(second.container->removed);
  EXPECT_EQ(registry.find_by_id(kId), second.container);
}

TEST(Registry, NestedContainersAreSeparateRecords) {
  Registry registry;
  auto outer =
      registry.add_cgroup(kRootCgroup, "/docker/" + kOtherId, ContainerOrigin::existing, 0);
  auto inner = registry.add_cgroup(kSubCgroup, "/docker/" + kOtherId + "/docker/" + kId,
                                   ContainerOrigin::existing, 0);
  ASSERT_TRUE(outer.new_container);
  ASSERT_TRUE(inner.new_container);
  EXPECT_NE(outer.container, inner.container);
  EXPECT_EQ(registry.find_by_id(kOtherId), outer.container);
  EXPECT_EQ(registry.find_by_id(kId), inner.container);
  EXPECT_TRUE(outer.container->sub_cgroups.empty());
  EXPECT_TRUE(registry.is_root_cgroup(kSubCgroup));

  // Removing the outer root leaves the inner container alone.
  registry.remove_cgroup(kRootCgroup);
  EXPECT_EQ(registry.find_by_id(kId), inner.container);
  EXPECT_EQ(registry.size(), 1u);
}

TEST(Registry, AbsoluteCgroupfsPathsAreUnderstood) {
  Registry registry;
  auto added = registry.add_cgroup(kRootCgroup, "/sys/fs/cgroup/unified/docker/" + kId,
                                   ContainerOrigin::existing, 0);
  ASSERT_TRUE(added.container);
  EXPECT_EQ(added.container->id(), kId);
}

TEST(Registry, ForEachVisitsEveryContainerOnce) {
  Registry registry;
  registry.add_cgroup(1, "/docker/" + kId, ContainerOrigin::existing, 0);
  registry.add_cgroup(2, "/docker/" + kId + "/init", ContainerOrigin::existing, 0);
  registry.add_cgroup(3, "/system.slice/docker-" + kOtherId + ".scope", ContainerOrigin::created,
                      0);
  registry.add_cgroup(4, "/init.scope", ContainerOrigin::existing, 0);
  std::multiset<std::string> seen;
  registry.for_each([&](const std::shared_ptr<ContainerRecord>& c) { seen.insert(c->id()); });
  EXPECT_EQ(seen, (std::multiset<std::string>{kId, kOtherId}));
}

TEST(Registry, RuntimeFromEnrichmentWinsOverThePath) {
  Registry registry;
  auto added = registry.add_cgroup(1, "/kubepods/besteffort/pod" + kPodUid + "/" + kId,
                                   ContainerOrigin::existing, 0);
  ASSERT_TRUE(added.container);
  EXPECT_EQ(added.container->runtime(), Runtime::unknown);
  added.container->info.runtime = Runtime::containerd;
  EXPECT_EQ(added.container->runtime(), Runtime::containerd);
}

}  // namespace
}  // namespace tracker
