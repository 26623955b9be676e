#include "registry/registry.h"
#include "registry/name_index.h"

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

// GetContainer's id-prefix lookups: O(log n) to the first match, in id order.
TEST(Registry, ForEachWithPrefixVisitsMatchingIdsInOrder) {
  Registry registry;
  const std::vector<std::string> ids = {"abc" + kId.substr(3), "abd" + kId.substr(3),
                                        "ab" + kId.substr(2), "b" + kId.substr(1)};
  std::uint64_t cgroup = 10;
  for (const auto& id : ids)
    registry.add_cgroup(++cgroup, "/docker/" + id, ContainerOrigin::existing, 0);
  auto visit = [&](std::string_view prefix, std::size_t most) {
    std::vector<std::string> seen;
    registry.for_each_with_prefix(prefix, [&](const std::shared_ptr<ContainerRecord>& c) {
      seen.push_back(c->id());
      return seen.size() < most;
    });
    return seen;
  };
  auto sorted = ids;
  std::sort(sorted.begin(), sorted.end());
  EXPECT_EQ(visit("", 99), sorted);
  EXPECT_EQ(visit("ab", 99), (std::vector<std::string>{sorted[0], sorted[1], sorted[2]}));
  EXPECT_EQ(visit("abc", 99), std::vector<std::string>{ids[0]});
  EXPECT_EQ(visit("ab", 2).size(), 2u);  // stops when told
  EXPECT_TRUE(visit("c", 99).empty());
  // Removed and displaced containers leave the order.
  registry.remove_cgroup(11);
  EXPECT_EQ(visit("abc", 99), std::vector<std::string>{});
  EXPECT_EQ(visit("", 99).size(), 3u);
}

TEST(NameIndex, FollowsRenamesAndForgets) {
  NameIndex names;
  names.set("a1", "web");
  names.set("b2", "web");
  names.set("c3", "db");
  names.set("d4", "");  // unnamed: not indexed
  auto ids = [&](std::string_view name) {
    auto found = names.ids(name);
    std::set<std::string> set(found.begin(), found.end());
    return set;
  };
  EXPECT_EQ(ids("web"), (std::set<std::string>{"a1", "b2"}));
  EXPECT_EQ(ids("db"), (std::set<std::string>{"c3"}));
  EXPECT_TRUE(ids("").empty());
  names.set("b2", "api");  // renamed
  EXPECT_EQ(ids("web"), (std::set<std::string>{"a1"}));
  EXPECT_EQ(ids("api"), (std::set<std::string>{"b2"}));
  names.set("b2", "api");  // unchanged
  EXPECT_EQ(ids("api"), (std::set<std::string>{"b2"}));
  names.set("a1", "");  // gone
  EXPECT_TRUE(ids("web").empty());
  EXPECT_EQ(names.size(), 2u);
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

// --- look-alikes: a known id claimed outside the container's cgroup ---

const std::string kUserManager = "/user.slice/user-1000.slice/user@1000.service";

struct LookalikeCase {
  std::string name;
  std::string root_path;       // the container's cgroup, known first
  std::string lookalike_path;  // claims its id
};

void PrintTo(const LookalikeCase& c, std::ostream* os) {
  *os << c.lookalike_path;
}

const std::vector<LookalikeCase> kLookalikeCases = {
    {"InAUsersSubtree", "/docker/" + kId, kUserManager + "/docker-" + kId + ".scope"},
    {"SubCgroupInAUsersSubtree", "/docker/" + kId, kUserManager + "/docker-" + kId + ".scope/sh"},
    {"InsideAnotherContainer", "/docker/" + kId, "/docker/" + kOtherId + "/docker/" + kId},
    {"ElsewhereOnTheHost", "/docker/" + kId, "/system.slice/docker-" + kId + ".scope"},
    {"StringPrefixIsNotBelow", "/docker/" + kId, "/docker/" + kId + ".scope"},
    {"StringPrefixSubCgroup", "/docker/" + kId, "/docker/" + kId + ".scope/init"},
    {"AnotherUsersRootlessContainer", kUserManager + "/user.slice/libpod-" + kId + ".scope",
     "/user.slice/user-1001.slice/user@1001.service/user.slice/libpod-" + kId + ".scope"},
};

class RegistryLookalikeTest : public testing::TestWithParam<LookalikeCase> {};

TEST_P(RegistryLookalikeTest, IsCountedAndNeverMerged) {
  const auto& row = GetParam();
  Registry registry;
  auto root = registry.add_cgroup(kRootCgroup, row.root_path, ContainerOrigin::created, 1);
  ASSERT_TRUE(root.new_container);

  for (int attempt = 0; attempt < 2; ++attempt) {  // seen again by a walk: counted once
    auto added = registry.add_cgroup(kSubCgroup, row.lookalike_path, ContainerOrigin::created, 1);
    EXPECT_TRUE(added.lookalike) << "attempt " << attempt;
    EXPECT_FALSE(added.container);
    EXPECT_FALSE(added.new_container);
    EXPECT_FALSE(added.orphan);
    EXPECT_FALSE(added.displaced);
  }
  EXPECT_EQ(registry.lookalike_cgroups(), 1u);
  EXPECT_FALSE(registry.find_by_cgroup(kSubCgroup));
  EXPECT_TRUE(root.container->sub_cgroups.empty());
  EXPECT_EQ(registry.find_by_id(kId), root.container);
  EXPECT_EQ(registry.size(), 1u);

  // Gone and made again: a new cgroup, a new look-alike.
  EXPECT_FALSE(registry.remove_cgroup(kSubCgroup).was_known);
  EXPECT_TRUE(
      registry.add_cgroup(kSubCgroup, row.lookalike_path, ContainerOrigin::created, 1).lookalike);
  EXPECT_EQ(registry.lookalike_cgroups(), 2u);
}

INSTANTIATE_TEST_SUITE_P(Places, RegistryLookalikeTest, testing::ValuesIn(kLookalikeCases),
                         [](const testing::TestParamInfo<LookalikeCase>& row) {
                           return row.param.name;
                         });

TEST(RegistryLookalike, SubCgroupsBelowTheContainerStillJoin) {
  Registry registry;
  auto root = registry.add_cgroup(kRootCgroup, "/docker/" + kId, ContainerOrigin::created, 1);
  registry.add_cgroup(kSubCgroup, kUserManager + "/docker-" + kId + ".scope",
                      ContainerOrigin::created, 1);
  auto sub = registry.add_cgroup(kSecondSubCgroup, "/docker/" + kId + "/init",
                                 ContainerOrigin::created, 1);
  EXPECT_EQ(sub.container, root.container);
  EXPECT_FALSE(sub.lookalike);
  EXPECT_EQ(root.container->sub_cgroups, std::vector<std::uint64_t>{kSecondSubCgroup});
}

// The look-alike first, in a user's subtree; then the container where only root makes
// cgroups. The id goes to the latter, and the former becomes the look-alike.
TEST(RegistryLookalike, ClaimWhereOnlyRootMakesCgroupsTakesTheId) {
  Registry registry;
  auto first = registry.add_cgroup(kRootCgroup, kUserManager + "/docker-" + kId + ".scope",
                                   ContainerOrigin::created, 1);
  ASSERT_TRUE(first.new_container);
  EXPECT_EQ(first.container->owner_uid, 1000u);
  registry.add_cgroup(kSubCgroup, kUserManager + "/docker-" + kId + ".scope/sh",
                      ContainerOrigin::created, 1);

  auto real = registry.add_cgroup(2001, "/docker/" + kId, ContainerOrigin::created, 2);
  ASSERT_TRUE(real.new_container);
  EXPECT_EQ(real.displaced, first.container);
  EXPECT_TRUE(first.container->removed);
  EXPECT_EQ(first.container->sub_cgroups, std::vector<std::uint64_t>{kSubCgroup});  // to forget
  EXPECT_EQ(real.container->owner_uid, std::nullopt);
  EXPECT_EQ(registry.find_by_id(kId), real.container);
  EXPECT_FALSE(registry.find_by_cgroup(kRootCgroup));
  EXPECT_FALSE(registry.find_by_cgroup(kSubCgroup));
  EXPECT_EQ(registry.lookalike_cgroups(), 1u);
  EXPECT_EQ(registry.size(), 1u);

  // Walked again: the old root stays a look-alike, its sub-cgroup is one as well.
  EXPECT_TRUE(registry
                  .add_cgroup(kRootCgroup, kUserManager + "/docker-" + kId + ".scope",
                              ContainerOrigin::created, 1)
                  .lookalike);
  EXPECT_TRUE(registry
                  .add_cgroup(kSubCgroup, kUserManager + "/docker-" + kId + ".scope/sh",
                              ContainerOrigin::created, 1)
                  .lookalike);
  EXPECT_EQ(registry.lookalike_cgroups(), 2u);
}

TEST(RegistryLookalike, InsideAContainerYieldsToTheHost) {
  Registry registry;
  auto nested = registry.add_cgroup(kRootCgroup, "/docker/" + kOtherId + "/docker/" + kId,
                                    ContainerOrigin::existing, 0);
  ASSERT_TRUE(nested.new_container);
  auto real = registry.add_cgroup(2001, "/system.slice/docker-" + kId + ".scope",
                                  ContainerOrigin::existing, 0);
  EXPECT_EQ(real.displaced, nested.container);
  EXPECT_EQ(registry.find_by_id(kId), real.container);
}

TEST(RegistryLookalike, BetweenEqualClaimsTheFirstStays) {
  Registry registry;
  auto first = registry.add_cgroup(kRootCgroup, "/system.slice/docker-" + kId + ".scope",
                                   ContainerOrigin::existing, 0);
  auto second = registry.add_cgroup(2001, "/docker/" + kId, ContainerOrigin::existing, 0);
  EXPECT_TRUE(second.lookalike);
  EXPECT_FALSE(second.displaced);
  EXPECT_EQ(registry.find_by_id(kId), first.container);
}

TEST(RegistryLookalike, RootsOwnUserManagerIsRoots) {
  Registry registry;
  const std::string root_manager = "/user.slice/user-0.slice/user@0.service";
  auto first =
      registry.add_cgroup(kRootCgroup, root_manager + "/user.slice/libpod-" + kId + ".scope",
                          ContainerOrigin::existing, 0);
  EXPECT_EQ(first.container->owner_uid, 0u);
  auto second = registry.add_cgroup(2001, "/docker/" + kId, ContainerOrigin::existing, 0);
  EXPECT_TRUE(second.lookalike);
  EXPECT_EQ(registry.find_by_id(kId), first.container);
}

// A sub-cgroup whose root lies where only root makes cgroups, while a look-alike holds the
// id (the root's mkdir was lost): an orphan, so that a walk finds the root.
TEST(RegistryLookalike, SubCgroupOfTheRealRootIsAnOrphanWhileALookalikeHoldsTheId) {
  Registry registry;
  registry.add_cgroup(kRootCgroup, kUserManager + "/docker-" + kId + ".scope",
                      ContainerOrigin::created, 1);
  auto sub =
      registry.add_cgroup(kSubCgroup, "/docker/" + kId + "/init", ContainerOrigin::created, 1);
  EXPECT_TRUE(sub.orphan);
  EXPECT_FALSE(sub.lookalike);
  EXPECT_EQ(registry.lookalike_cgroups(), 0u);
}

// A path names one cgroup at a time: a new cgroup at a known container's path means the old
// one went and its rmdir was not seen.
TEST(RegistryLookalike, NewCgroupAtTheSamePathReplacesTheContainer) {
  Registry registry;
  auto old = registry.add_cgroup(kRootCgroup, "/default/redis", ContainerOrigin::created, 1);
  registry.add_cgroup(kSubCgroup, "/default/redis/worker", ContainerOrigin::created, 1);
  auto now = registry.add_cgroup(2001, "/default/redis/", ContainerOrigin::created, 2);
  ASSERT_TRUE(now.new_container);
  EXPECT_EQ(now.displaced, old.container);
  EXPECT_FALSE(now.lookalike);
  EXPECT_EQ(registry.lookalike_cgroups(), 0u);
  EXPECT_EQ(registry.find_by_id("redis"), now.container);
  EXPECT_FALSE(registry.find_by_cgroup(kSubCgroup));
}

TEST(RegistryLookalike, PruneForgetsWhatIsGone) {
  Registry registry;
  registry.add_cgroup(kRootCgroup, "/docker/" + kId, ContainerOrigin::created, 1);
  auto lookalike = kUserManager + "/docker-" + kId + ".scope";
  registry.add_cgroup(kSubCgroup, lookalike, ContainerOrigin::created, 1);
  registry.add_cgroup(kSecondSubCgroup, lookalike + "/sh", ContainerOrigin::created, 1);
  ASSERT_EQ(registry.lookalike_cgroups(), 2u);
  registry.prune_lookalikes([](std::uint64_t id) { return id == kSubCgroup; });
  registry.add_cgroup(kSubCgroup, lookalike, ContainerOrigin::created, 1);  // still known
  EXPECT_EQ(registry.lookalike_cgroups(), 2u);
  registry.add_cgroup(kSecondSubCgroup, lookalike + "/sh", ContainerOrigin::created, 1);  // anew
  EXPECT_EQ(registry.lookalike_cgroups(), 3u);
}

TEST(RegistryOwner, RootlessContainersHaveTheirUsersUid) {
  Registry registry;
  auto rootless = registry.add_cgroup(1, kUserManager + "/user.slice/libpod-" + kId + ".scope",
                                      ContainerOrigin::existing, 0);
  EXPECT_EQ(rootless.container->owner_uid, 1000u);
  auto system = registry.add_cgroup(2, "/system.slice/docker-" + kOtherId + ".scope",
                                    ContainerOrigin::existing, 0);
  EXPECT_EQ(system.container->owner_uid, std::nullopt);
  // A user manager made inside a container is the container's, not a user's.
  auto inside = registry.add_cgroup(
      3, "/docker/" + kOtherId + kUserManager + "/docker-" + kId.substr(0, 60) + "beef.scope",
      ContainerOrigin::existing, 0);
  ASSERT_TRUE(inside.container);
  EXPECT_EQ(inside.container->owner_uid, std::nullopt);
}

// --- paths that are not UTF-8 ---

TEST(RegistryText, PathIsStoredAsUtf8AndComparedAsTheKernelGaveIt) {
  Registry registry;
  const std::string raw = "/\xff\xfe/docker-" + kId + ".scope";
  auto root = registry.add_cgroup(kRootCgroup, raw, ContainerOrigin::existing, 0);
  ASSERT_TRUE(root.new_container);
  EXPECT_EQ(root.container->cgroup_path, "/\xef\xbf\xbd\xef\xbf\xbd/docker-" + kId + ".scope");
  auto sub = registry.add_cgroup(kSubCgroup, raw + "/app", ContainerOrigin::existing, 0);
  EXPECT_EQ(sub.container, root.container);
  // Shown the same, yet another cgroup: not below the container's.
  auto other = registry.add_cgroup(kSecondSubCgroup, "/\xfe\xff/docker-" + kId + ".scope/app",
                                   ContainerOrigin::existing, 0);
  EXPECT_TRUE(other.lookalike);
}

}  // namespace
}  // namespace tracker
