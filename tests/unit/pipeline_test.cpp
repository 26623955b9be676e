#include "agent/pipeline.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

namespace tracker {
namespace {

namespace fs = std::filesystem;

const std::string kIdA = "3cfaa5502403c9a029e90998854937971a5a318ac0045b1285dcd2fc016af5dd";
const std::string kIdB = "ab5f2e287ba019ba83c8ba4837dc9f3f3bac865d3649ed6a2ce57ae9eef3e415";
const std::string kIdC = "c0ffee0000000000000000000000000000000000000000000000000000000c01";
const std::string kIdD = "d00d000000000000000000000000000000000000000000000000000000000d01";
const std::string kIdE = "e1e1000000000000000000000000000000000000000000000000000000000e01";
const std::string kPodUid = "21471a9b-8ad8-4156-90c4-098b6b9130c4";

constexpr std::uint32_t kHostMntNs = 4026531840;
constexpr std::uint32_t kContainerMntNs = 4026532500;
constexpr std::uint64_t kHostCgroup = 7;  // a cgroup of no container, e.g. a user session
// Synthetic cgroup ids beside a real directory tree, far from any inode number in it.
constexpr std::uint64_t kUnusedInode = 1ull << 60;

// The kernel's cgroup id → state map.
class FakeStateMap : public CgroupStateMap {
 public:
  bool set(std::uint64_t cgroup_id, tracker_container_state state,
           std::uint64_t root_cgroup_id) override {
    values_[cgroup_id] = {static_cast<__u32>(state), 0, root_cgroup_id};
    return true;
  }
  void forget(std::uint64_t cgroup_id) override { values_.erase(cgroup_id); }
  std::optional<tracker_container_value> get(std::uint64_t cgroup_id) const override {
    auto it = values_.find(cgroup_id);
    if (it == values_.end()) return std::nullopt;
    return it->second;
  }
  std::vector<std::uint64_t> ids() const override {
    std::vector<std::uint64_t> result;
    for (auto& [id, value] : values_) result.push_back(id);
    return result;
  }

  // What the BPF side does on cgroup_mkdir before user space hears of it.
  void kernel_mkdir(std::uint64_t cgroup_id) { set(cgroup_id, TRACKER_CGROUP_PENDING, cgroup_id); }

  // The state, or 0 when the map holds nothing for the cgroup.
  std::uint32_t state(std::uint64_t cgroup_id) const {
    auto value = get(cgroup_id);
    return value ? value->state : 0;
  }
  std::uint64_t root(std::uint64_t cgroup_id) const {
    auto value = get(cgroup_id);
    return value ? value->root_cgroup_id : 0;
  }
  bool holds(std::uint64_t cgroup_id) const { return values_.count(cgroup_id) != 0; }

 private:
  std::map<std::uint64_t, tracker_container_value> values_;
};

class CapturingPrinter : public Printer {
 public:
  void print(const Event& event) override { events.push_back(event); }

  // "<event> <first 8 of the container id or host> <host pid>" for each printed event.
  std::vector<std::string> summary() const {
    std::vector<std::string> lines;
    for (auto& e : events) {
      std::string who = e.container ? e.container->id().substr(0, 8) : "host";
      std::string line = std::string(event_name(e.type)) + " " + who;
      if (e.context.host_pid) line += " " + std::to_string(e.context.host_pid);
      lines.push_back(line);
    }
    return lines;
  }
  void clear() { events.clear(); }

  std::vector<Event> events;
};

// A directory tree shaped like a cgroup hierarchy.
class TempTree {
 public:
  TempTree() {
    std::string pattern = (fs::temp_directory_path() / "tracker-pipeline-XXXXXX").string();
    if (!mkdtemp(pattern.data())) ADD_FAILURE() << "mkdtemp: " << std::strerror(errno);
    root_ = pattern;
  }
  ~TempTree() {
    std::error_code ignored;
    fs::remove_all(root_, ignored);
  }
  const std::string& path() const { return root_; }

  // Creates `relative` (and its parents); returns its inode, the cgroup id the walk reports.
  std::uint64_t make(const std::string& relative) {
    fs::create_directories(root_ + relative);
    return inode(relative);
  }
  std::uint64_t inode(const std::string& relative) const {
    struct stat st {};
    EXPECT_EQ(stat((root_ + relative).c_str(), &st), 0) << relative;
    return st.st_ino;
  }
  void remove(const std::string& relative) { fs::remove_all(root_ + relative); }
  void write(const std::string& relative, const std::string& text) {
    std::ofstream(root_ + relative) << text;
  }

 private:
  std::string root_;
};

tracker_task_context context_of(std::uint64_t cgroup_id, std::uint32_t host_pid,
                                std::uint32_t mnt_ns = kHostMntNs) {
  tracker_task_context c{};
  c.timestamp_ns = 1'000'000'000 + host_pid;
  c.cgroup_id = cgroup_id;
  c.host_pid = c.host_tid = host_pid;
  c.pid = c.tid = host_pid;
  c.mnt_ns = mnt_ns;
  c.pid_ns = 4026531836;
  std::strncpy(c.comm, "runc", sizeof(c.comm));
  return c;
}

tracker_event cgroup_event(std::uint32_t type, std::uint64_t cgroup_id, const std::string& path,
                           std::uint32_t flags = 0) {
  tracker_event e{};
  e.type = type;
  e.flags = flags;
  e.ctx = context_of(kHostCgroup, 0);
  e.data.cgroup.cgroup_id = cgroup_id;
  e.data.cgroup.path_len = static_cast<std::uint32_t>(path.size());
  std::strncpy(e.data.cgroup.path, path.c_str(), sizeof(e.data.cgroup.path) - 1);
  return e;
}
tracker_event mkdir_event(std::uint64_t cgroup_id, const std::string& path) {
  return cgroup_event(TRACKER_EVENT_CGROUP_MKDIR, cgroup_id, path);
}
tracker_event rmdir_event(std::uint64_t cgroup_id, const std::string& path) {
  return cgroup_event(TRACKER_EVENT_CGROUP_RMDIR, cgroup_id, path);
}

tracker_event process_event(std::uint32_t type, std::uint64_t cgroup_id, std::uint32_t host_pid,
                            std::uint32_t mnt_ns = kHostMntNs, std::uint32_t flags = 0) {
  tracker_event e{};
  e.type = type;
  e.flags = flags;
  e.ctx = context_of(cgroup_id, host_pid, mnt_ns);
  if (type == TRACKER_EVENT_PROCESS_EXEC) {
    std::strncpy(e.data.exec.filename, "/bin/sh", sizeof(e.data.exec.filename));
    static const char argv[] = "sh\0-c\0true";
    std::memcpy(e.data.exec.argv, argv, sizeof(argv));
    e.data.exec.argv_len = sizeof(argv);
  }
  if (type == TRACKER_EVENT_PROCESS_FORK) e.data.fork.child_host_pid = host_pid + 1;
  return e;
}
tracker_event exec_event(std::uint64_t cgroup_id, std::uint32_t host_pid,
                         std::uint32_t mnt_ns = kHostMntNs, std::uint32_t flags = 0) {
  return process_event(TRACKER_EVENT_PROCESS_EXEC, cgroup_id, host_pid, mnt_ns, flags);
}
tracker_event fork_event(std::uint64_t cgroup_id, std::uint32_t host_pid) {
  return process_event(TRACKER_EVENT_PROCESS_FORK, cgroup_id, host_pid);
}
tracker_event exit_event(std::uint64_t cgroup_id, std::uint32_t host_pid) {
  return process_event(TRACKER_EVENT_PROCESS_EXIT, cgroup_id, host_pid);
}

PipelineOptions options_with(std::vector<std::string> scopes,
                             std::vector<EventType> events = all_event_types()) {
  PipelineOptions options;
  for (auto& scope : scopes) EXPECT_EQ(options.scope.add(scope), "") << scope;
  options.events = EventSet{};
  for (auto type : events) options.events.add(type);
  return options;
}

// A pipeline over a temporary hierarchy, with a fake state map and a capturing printer.
// A monotonic clock the test moves.
struct FakeClock : MonotonicClock {
  MonoTime now() const override { return at; }
  MonoTime at{std::chrono::hours(1000)};
};

class Harness {
 public:
  explicit Harness(PipelineOptions options = {})
      : pipeline(std::move(options),
                 TrackedHierarchy{CgroupLayout::v2, tree.path(), 0, V1Controller::none}, printer,
                 clock) {
    pipeline.set_state_map(&map, kHostMntNs);
  }

  // A kernel mkdir: the BPF side marks the cgroup pending, then user space hears of it.
  void mkdir(std::uint64_t cgroup_id, const std::string& path) {
    map.kernel_mkdir(cgroup_id);
    pipeline.on_kernel_event(mkdir_event(cgroup_id, path));
  }
  void rmdir(std::uint64_t cgroup_id, const std::string& path) {
    map.forget(cgroup_id);
    pipeline.on_kernel_event(rmdir_event(cgroup_id, path));
  }
  // A rename (cgroup v1): the BPF side marks the cgroup pending again, or
  // gives it its parent's container's state.
  void rename(std::uint64_t cgroup_id, const std::string& path, std::uint64_t parent_id = 0) {
    auto parent = map.get(parent_id);
    if (parent && parent->state != TRACKER_CGROUP_PENDING)
      map.set(cgroup_id, static_cast<tracker_container_state>(parent->state),
              parent->root_cgroup_id);
    else
      map.kernel_mkdir(cgroup_id);
    pipeline.on_kernel_event(cgroup_event(TRACKER_EVENT_CGROUP_RENAME, cgroup_id, path));
  }
  void send(const tracker_event& event) { pipeline.on_kernel_event(event); }
  std::vector<std::string> printed() const { return printer.summary(); }

  FakeClock clock;
  TempTree tree;
  FakeStateMap map;
  CapturingPrinter printer;
  Pipeline pipeline;
};

using Lines = std::vector<std::string>;

std::string short_id(const std::string& id) {
  return id.substr(0, 8);
}

// --- cgroup mkdir ---

struct MkdirCase {
  std::string name;
  std::string path;
  std::string runtime;  // empty: not a container
  std::string id;
};

void PrintTo(const MkdirCase& c, std::ostream* os) {
  *os << c.path;
}

const std::vector<MkdirCase> kMkdirCases = {
    {"DockerCgroupfs", "/docker/" + kIdA, "docker", kIdA},
    {"DockerSystemd", "/system.slice/docker-" + kIdA + ".scope", "docker", kIdA},
    {"CriContainerd",
     "/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod21471a9b_8ad8_4156_90c4_"
     "098b6b9130c4.slice/cri-containerd-" +
         kIdA + ".scope",
     "containerd", kIdA},
    {"Crio", "/kubepods/besteffort/pod" + kPodUid + "/crio-" + kIdA, "crio", kIdA},
    {"Podman", "/machine.slice/libpod-" + kIdA + ".scope", "podman", kIdA},
    {"ContainerdNamed", "/default/redis", "containerd", "redis"},
    {"SystemService", "/system.slice/nginx.service", "", ""},
    {"DockerParent", "/docker", "", ""},
    {"PodCgroup", "/kubepods/besteffort/pod" + kPodUid, "", ""},
    {"CrioConmon", "/kubepods/besteffort/pod" + kPodUid + "/crio-conmon-" + kIdA, "", ""},
};

class PipelineMkdirTest : public testing::TestWithParam<MkdirCase> {};

TEST_P(PipelineMkdirTest, CreatesContainerOrForgetsTheCgroup) {
  const auto& row = GetParam();
  Harness h;
  h.mkdir(100, row.path);
  if (row.runtime.empty()) {
    EXPECT_TRUE(h.printer.events.empty());
    EXPECT_FALSE(h.map.holds(100));
    EXPECT_EQ(h.pipeline.registry().size(), 0u);
    return;
  }
  ASSERT_EQ(h.printer.events.size(), 1u);
  const Event& event = h.printer.events[0];
  EXPECT_EQ(event.type, EventType::container_create);
  ASSERT_TRUE(event.container);
  EXPECT_EQ(event.container->id(), row.id);
  EXPECT_EQ(event.container->origin, ContainerOrigin::created);
  EXPECT_EQ(event.timestamp_ns, h.pipeline.clock().to_epoch_ns(event.context.timestamp_ns));
  auto args = lifecycle_args(event);
  ASSERT_GE(args.size(), 2u);
  EXPECT_EQ(std::get<std::string>(args[0].value), row.runtime);
  EXPECT_EQ(std::get<std::string>(args[1].value), row.id);
  EXPECT_EQ(h.map.state(100), TRACKER_CONTAINER_CREATED);
  EXPECT_EQ(h.map.root(100), 100u);
}

INSTANTIATE_TEST_SUITE_P(Paths, PipelineMkdirTest, testing::ValuesIn(kMkdirCases),
                         [](const testing::TestParamInfo<MkdirCase>& row) {
                           return row.param.name;
                         });

TEST(PipelineMkdir, SubCgroupJoinsItsContainerSilently) {
  Harness h;
  h.mkdir(100, "/docker/" + kIdA);
  h.mkdir(101, "/docker/" + kIdA + "/init");
  EXPECT_EQ(h.printed(), (Lines{"container_create " + short_id(kIdA)}));
  EXPECT_EQ(h.map.state(101), TRACKER_CONTAINER_CREATED);
  EXPECT_EQ(h.map.root(101), 100u);
}

TEST(PipelineMkdir, SecondMkdirOfTheSameCgroupIsNotASecondCreate) {
  Harness h;
  h.mkdir(100, "/docker/" + kIdA);
  h.send(mkdir_event(100, "/docker/" + kIdA));
  EXPECT_EQ(h.printed(), (Lines{"container_create " + short_id(kIdA)}));
  EXPECT_EQ(h.map.state(100), TRACKER_CONTAINER_CREATED);
}

TEST(PipelineMkdir, KernelPendingStartedMeansStartedAtCreate) {
  Harness h(options_with({"container=started"}));
  h.map.set(100, TRACKER_CGROUP_PENDING_STARTED, 100);
  h.send(mkdir_event(100, "/docker/" + kIdA));
  auto container = h.pipeline.registry().find_by_id(kIdA);
  ASSERT_TRUE(container);
  EXPECT_TRUE(container->started);
  EXPECT_EQ(h.map.state(100), TRACKER_CONTAINER_STARTED);
  h.send(fork_event(100, 501));
  EXPECT_EQ(h.printed(), (Lines{"container_create " + short_id(kIdA),
                                "sched_process_fork " + short_id(kIdA) + " 501"}));
}

TEST(PipelineMkdir, PendingNonContainerCgroupIsForgotten) {
  Harness h;
  h.map.set(100, TRACKER_CGROUP_PENDING_STARTED, 100);
  h.send(mkdir_event(100, "/system.slice/systemd-logind.service"));
  EXPECT_FALSE(h.map.holds(100));
  EXPECT_TRUE(h.printer.events.empty());
}

// --- containers start ---

struct StartCase {
  std::string name;
  tracker_event event;  // in the container's root (100) or sub-cgroup (101)
  bool want_started;
};

void PrintTo(const StartCase& c, std::ostream* os) {
  *os << c.name;
}

const std::vector<StartCase> kStartCases = {
    {"ExecInNewMountNamespace", exec_event(100, 500, kContainerMntNs), true},
    {"ExecInSubCgroupInNewMountNamespace", exec_event(101, 500, kContainerMntNs), true},
    {"ExecFlaggedByTheKernel", exec_event(100, 500, kHostMntNs, TRACKER_FLAG_CONTAINER_STARTED),
     true},
    {"ExecInHostMountNamespace", exec_event(100, 500, kHostMntNs), false},
    {"ForkInNewMountNamespace",
     process_event(TRACKER_EVENT_PROCESS_FORK, 100, 500, kContainerMntNs), false},
    {"ExitInNewMountNamespace",
     process_event(TRACKER_EVENT_PROCESS_EXIT, 100, 500, kContainerMntNs), false},
    {"ExecInAnotherCgroup", exec_event(kHostCgroup, 500, kContainerMntNs), false},
};

class PipelineStartTest : public testing::TestWithParam<StartCase> {};

TEST_P(PipelineStartTest, CreatedContainerStartsOnItsFirstExecInANewMountNamespace) {
  const auto& row = GetParam();
  Harness h;
  h.mkdir(100, "/docker/" + kIdA);
  h.mkdir(101, "/docker/" + kIdA + "/init");
  h.send(row.event);
  auto container = h.pipeline.registry().find_by_id(kIdA);
  ASSERT_TRUE(container);
  EXPECT_EQ(container->started, row.want_started);
  auto want_state = row.want_started ? TRACKER_CONTAINER_STARTED : TRACKER_CONTAINER_CREATED;
  EXPECT_EQ(h.map.state(100), want_state);
  EXPECT_EQ(h.map.state(101), want_state);
  EXPECT_EQ(h.map.root(101), 100u);
}

// Listeners (D-Bus, journal) hear of a start: the Started property follows it.
class RecordingListener : public ContainerListener {
 public:
  void container_added(const std::shared_ptr<ContainerRecord>& c) override {
    calls.push_back("ready " + c->id().substr(0, 4));
  }
  void container_changed(const std::shared_ptr<ContainerRecord>& c) override {
    calls.push_back(std::string("updated ") + (c->started ? "started" : "created"));
  }
  void container_exited(const std::shared_ptr<ContainerRecord>& c) override {
    calls.push_back("exited " + std::to_string(c->exit.code));
  }
  void container_removed(const std::shared_ptr<ContainerRecord>& c) override {
    calls.push_back("gone " + c->id().substr(0, 4));
  }
  std::vector<std::string> calls;
};

tracker_event exit_with(std::uint64_t cgroup_id, std::uint32_t host_pid, std::int32_t status) {
  auto e = exit_event(cgroup_id, host_pid);
  e.data.exit.exit_code = status;
  return e;
}

TEST(PipelineExit, TheInitsExitEndsTheContainer) {
  Harness h;
  RecordingListener listener;
  h.pipeline.add_listener(&listener);
  h.mkdir(100, "/docker/" + kIdA);
  h.send(exec_event(100, 500, kContainerMntNs));  // starts it: 500 is its init
  h.send(exit_with(100, 501, 0));                 // another process
  auto container = h.pipeline.registry().find_by_id(kIdA);
  EXPECT_FALSE(container->exited);
  h.send(exit_with(100, 500, 7 << 8));  // exit 7
  EXPECT_TRUE(container->exited);
  EXPECT_EQ(container->exit.code, 7);
  EXPECT_EQ(container->exit.signal, 0);
  h.send(exit_with(100, 500, 9));  // seen once only
  h.rmdir(100, "/docker/" + kIdA);
  EXPECT_EQ(listener.calls,
            (std::vector<std::string>{"ready " + kIdA.substr(0, 4), "updated started", "exited 7",
                                      "gone " + kIdA.substr(0, 4)}));
  auto lines = h.printed();
  EXPECT_EQ(std::count(lines.begin(), lines.end(), "container_exit " + short_id(kIdA) + " 500"), 1)
      << "the init's own exit, once";
  EXPECT_EQ(lines.back(), "container_remove " + short_id(kIdA));
}

TEST(PipelineExit, ASignalIs128PlusItsNumberAsTheRuntimesSay) {
  Harness h;
  h.mkdir(100, "/docker/" + kIdA);
  h.send(exec_event(100, 500, kContainerMntNs));
  h.send(exit_with(100, 500, 9));  // SIGKILL
  auto container = h.pipeline.registry().find_by_id(kIdA);
  EXPECT_EQ(container->exit.code, 137);
  EXPECT_EQ(container->exit.signal, 9);
}

TEST(PipelineExit, WithoutASeenStartTheRuntimesInitPidCounts) {
  Harness h;
  h.mkdir(100, "/docker/" + kIdA);
  auto container = h.pipeline.registry().find_by_id(kIdA);
  container->info.init_pid = 600;
  h.send(exit_with(100, 600, 3 << 8));
  EXPECT_TRUE(container->exited);
  EXPECT_EQ(container->exit.code, 3);
}

// A container found at start-up (no start seen, enrichment off): the kernel
// flags pid 1 of its pid namespace; a nested namespace's init does not count
// once the container's own init is known.
TEST(PipelineExit, TheKernelsInitFlagEndsAContainerWhoseInitIsUnknown) {
  Harness h;
  h.mkdir(100, "/docker/" + kIdA);
  auto container = h.pipeline.registry().find_by_id(kIdA);
  h.send(exit_with(100, 700, 0));  // not flagged: some process
  EXPECT_FALSE(container->exited);
  auto init = exit_with(100, 701, 2 << 8);
  init.flags = TRACKER_FLAG_CONTAINER_INIT;
  h.send(init);
  EXPECT_TRUE(container->exited);
  EXPECT_EQ(container->exit.code, 2);

  h.mkdir(200, "/docker/" + kIdB);
  h.send(exec_event(200, 800, kContainerMntNs));  // 800 is its init
  auto nested = exit_with(200, 801, 0);
  nested.flags = TRACKER_FLAG_CONTAINER_INIT;
  h.send(nested);
  EXPECT_FALSE(h.pipeline.registry().find_by_id(kIdB)->exited);
}

// The OOM killer's victim in a container: known before its init's exit is.
TEST(PipelineExit, AnOomKillRecordMarksTheContainer) {
  Harness h;
  RecordingListener listener;
  h.pipeline.add_listener(&listener);
  h.mkdir(100, "/docker/" + kIdA);
  h.send(exec_event(100, 500, kContainerMntNs));
  auto oom = process_event(TRACKER_EVENT_OOM_KILL, 100, 500);
  oom.data.oom.victim_host_pid = 500;
  h.send(oom);
  h.send(exit_with(100, 500, 9));
  auto container = h.pipeline.registry().find_by_id(kIdA);
  EXPECT_TRUE(container->exit.oom_killed);
  EXPECT_EQ(container->exit.code, 137);
  auto oom_elsewhere = process_event(TRACKER_EVENT_OOM_KILL, kHostCgroup, 11);
  h.send(oom_elsewhere);  // the host's: no container, nothing printed
  auto lines = h.printed();
  EXPECT_EQ(std::count_if(lines.begin(), lines.end(),
                          [](const std::string& line) { return line.find("oom") == 0; }),
            0);
}

TEST(PipelineListeners, StartIsAnUpdateBetweenReadyAndGone) {
  Harness h;
  RecordingListener listener;
  h.pipeline.add_listener(&listener);
  h.mkdir(100, "/docker/" + kIdA);
  h.send(exec_event(100, 500, kContainerMntNs));
  h.send(exec_event(100, 501, kContainerMntNs));
  h.rmdir(100, "/docker/" + kIdA);
  EXPECT_EQ(listener.calls,
            (std::vector<std::string>{"ready " + kIdA.substr(0, 4), "updated started",
                                      "gone " + kIdA.substr(0, 4)}));
}

TEST_P(PipelineStartTest, ExistingContainerNeverStarts) {
  const auto& row = GetParam();
  Harness h;
  auto root = h.tree.make("/docker/" + kIdA);
  auto sub = h.tree.make("/docker/" + kIdA + "/init");
  std::string error;
  ASSERT_TRUE(h.pipeline.scan_existing(error)) << error;
  tracker_event event = row.event;
  event.ctx.cgroup_id = event.ctx.cgroup_id == 100   ? root
                        : event.ctx.cgroup_id == 101 ? sub
                                                     : event.ctx.cgroup_id;
  h.send(event);
  auto container = h.pipeline.registry().find_by_id(kIdA);
  ASSERT_TRUE(container);
  EXPECT_FALSE(container->started);
  EXPECT_EQ(h.map.state(root), TRACKER_CONTAINER_EXISTING);
  EXPECT_EQ(h.map.state(sub), TRACKER_CONTAINER_EXISTING);
}

INSTANTIATE_TEST_SUITE_P(Events, PipelineStartTest, testing::ValuesIn(kStartCases),
                         [](const testing::TestParamInfo<StartCase>& row) {
                           return row.param.name;
                         });

// --- scope and event filters ---

// Containers of every kind, each running one process that forks: pid 1 on the host, 2 in an
// existing container (A), 3 in a created one (B), 4 in a started one (C), 5 in a started one
// whose id starts differently (D).
void populate(Harness& h) {
  auto& registry = h.pipeline.registry();
  registry.add_cgroup(200, "/docker/" + kIdA, ContainerOrigin::existing, 0);
  registry.add_cgroup(300, "/docker/" + kIdB, ContainerOrigin::created, 0);
  registry
      .add_cgroup(400, "/docker/" + kIdA.substr(0, 5) + kIdC.substr(5), ContainerOrigin::created, 0)
      .container->started = true;
  registry.add_cgroup(500, "/docker/" + kIdD, ContainerOrigin::created, 0).container->started =
      true;
}

void fork_everywhere(Harness& h) {
  h.send(fork_event(kHostCgroup, 1));
  h.send(fork_event(200, 2));
  h.send(fork_event(300, 3));
  h.send(fork_event(400, 4));
  h.send(fork_event(500, 5));
}

struct ScopeCase {
  std::string name;
  std::vector<std::string> scopes;
  std::vector<std::uint32_t> want_pids;
};

void PrintTo(const ScopeCase& c, std::ostream* os) {
  *os << c.name;
}

const std::vector<ScopeCase> kScopeCases = {
    {"NoScopeShowsAll", {}, {1, 2, 3, 4, 5}},
    {"ContainerHidesTheHost", {"container"}, {2, 3, 4, 5}},
    {"NotContainerShowsTheHostOnly", {"not-container"}, {1}},
    {"NewHidesExisting", {"container=new"}, {3, 4, 5}},
    {"StartedShowsStartedOnly", {"container=started"}, {4, 5}},
    {"IdPrefix", {"container=3cfaa"}, {2, 4}},
    {"IdPrefixAndStarted", {"container=3cfaa", "container=started"}, {4}},
    {"TwoIdPrefixes", {"container=3cfaa", "container=ab5f"}, {2, 3, 4}},
};

class PipelineScopeTest : public testing::TestWithParam<ScopeCase> {};

TEST_P(PipelineScopeTest, ProcessEventsFollowTheScope) {
  Harness h(options_with(GetParam().scopes));
  populate(h);
  fork_everywhere(h);
  std::vector<std::uint32_t> pids;
  for (auto& e : h.printer.events) pids.push_back(e.context.host_pid);
  EXPECT_EQ(pids, GetParam().want_pids);
}

INSTANTIATE_TEST_SUITE_P(Scopes, PipelineScopeTest, testing::ValuesIn(kScopeCases),
                         [](const testing::TestParamInfo<ScopeCase>& row) {
                           return row.param.name;
                         });

// Output to /dev/null: the daemon asks the kernel for lifecycle events only.
TEST(EventSetTest, LifecycleOnlyKeepsNoProcessEvent) {
  auto lifecycle = EventSet::all().lifecycle_only();
  EXPECT_TRUE(lifecycle.contains(EventType::container_create));
  EXPECT_TRUE(lifecycle.contains(EventType::container_remove));
  EXPECT_TRUE(lifecycle.contains(EventType::container_exit));
  EXPECT_TRUE(lifecycle.contains(EventType::existing_container));
  EXPECT_FALSE(lifecycle.contains(EventType::sched_process_exec));
  EXPECT_FALSE(lifecycle.contains(EventType::sched_process_fork));
  EXPECT_FALSE(lifecycle.contains(EventType::sched_process_exit));
  EXPECT_EQ(lifecycle.kernel_mask(), 0u);
  EventSet only_exec;
  only_exec.add(EventType::sched_process_exec);
  EXPECT_TRUE(only_exec.lifecycle_only().empty());
}

struct EventSetCase {
  std::string name;
  std::vector<EventType> events;
  Lines want;
};

void PrintTo(const EventSetCase& c, std::ostream* os) {
  *os << c.name;
}

const std::vector<EventSetCase> kEventSetCases = {
    {"All",
     all_event_types(),
     {"container_create " + short_id(kIdA), "sched_process_exec " + short_id(kIdA) + " 10",
      "sched_process_fork " + short_id(kIdA) + " 10", "sched_process_exit host 11",
      "container_remove " + short_id(kIdA)}},
    {"ExecOnly", {EventType::sched_process_exec}, {"sched_process_exec " + short_id(kIdA) + " 10"}},
    {"LifecycleOnly",
     {EventType::container_create, EventType::container_remove},
     {"container_create " + short_id(kIdA), "container_remove " + short_id(kIdA)}},
    {"RemoveWithoutCreate",
     {EventType::container_remove, EventType::sched_process_exit},
     {"sched_process_exit host 11", "container_remove " + short_id(kIdA)}},
    {"ExistingOnlyShowsNothingHere", {EventType::existing_container}, {}},
};

class PipelineEventSetTest : public testing::TestWithParam<EventSetCase> {};

TEST_P(PipelineEventSetTest, OnlySelectedEventsGoOut) {
  Harness h(options_with({}, GetParam().events));
  h.mkdir(100, "/docker/" + kIdA);
  h.send(exec_event(100, 10, kContainerMntNs));
  h.send(fork_event(100, 10));
  h.send(exit_event(kHostCgroup, 11));
  h.rmdir(100, "/docker/" + kIdA);
  EXPECT_EQ(h.printed(), GetParam().want);
  // Filtered or not, the container was tracked and started.
  EXPECT_EQ(h.pipeline.stats().kernel_events, 5u);
}

INSTANTIATE_TEST_SUITE_P(EventSets, PipelineEventSetTest, testing::ValuesIn(kEventSetCases),
                         [](const testing::TestParamInfo<EventSetCase>& row) {
                           return row.param.name;
                         });

TEST(PipelineEventSet, StartIsRecordedEvenWhenExecIsNotShown) {
  Harness h(options_with({}, {EventType::container_create}));
  h.mkdir(100, "/docker/" + kIdA);
  h.send(exec_event(100, 10, kHostMntNs, TRACKER_FLAG_CONTAINER_STARTED));
  EXPECT_EQ(h.printed(), (Lines{"container_create " + short_id(kIdA)}));
  EXPECT_EQ(h.map.state(100), TRACKER_CONTAINER_STARTED);
}

TEST(PipelineArgs, ProcessEventsCarryTheirArgs) {
  Harness h;
  h.send(exec_event(kHostCgroup, 10));
  h.send(fork_event(kHostCgroup, 10));
  ASSERT_EQ(h.printer.events.size(), 2u);
  const auto& exec = h.printer.events[0].args;
  ASSERT_EQ(exec.size(), 2u);
  EXPECT_EQ(std::get<std::string>(exec[0].value), "/bin/sh");
  EXPECT_EQ(std::get<std::vector<std::string>>(exec[1].value),
            (std::vector<std::string>{"sh", "-c", "true"}));
  EXPECT_FALSE(h.printer.events[0].container);
  const auto& fork = h.printer.events[1].args;
  ASSERT_FALSE(fork.empty());
  EXPECT_EQ(fork[2].name, "child_host_pid");
  EXPECT_EQ(std::get<std::int64_t>(fork[2].value), 11);
}

// --- lifecycle under a scope ---

struct LifecycleScopeCase {
  std::string name;
  std::vector<std::string> scopes;
  Lines want;
};

void PrintTo(const LifecycleScopeCase& c, std::ostream* os) {
  *os << c.name;
}

const std::vector<LifecycleScopeCase> kLifecycleScopeCases = {
    {"All",
     {},
     {"existing_container " + short_id(kIdA), "container_create " + short_id(kIdB),
      "container_remove " + short_id(kIdB), "container_remove " + short_id(kIdA)}},
    {"NewHidesExisting",
     {"container=new"},
     {"container_create " + short_id(kIdB), "container_remove " + short_id(kIdB)}},
    {"StartedStillAnnouncesCreated",
     {"container=started"},
     {"container_create " + short_id(kIdB), "container_remove " + short_id(kIdB)}},
    {"NotContainerHidesLifecycles", {"not-container"}, {}},
    {"IdPrefix",
     {"container=3cfaa"},
     {"existing_container " + short_id(kIdA), "container_remove " + short_id(kIdA)}},
};

class PipelineLifecycleScopeTest : public testing::TestWithParam<LifecycleScopeCase> {};

TEST_P(PipelineLifecycleScopeTest, LifecycleEventsFollowTheScope) {
  Harness h(options_with(GetParam().scopes));
  auto existing = h.tree.make("/docker/" + kIdA);
  std::string error;
  ASSERT_TRUE(h.pipeline.scan_existing(error)) << error;
  h.mkdir(kUnusedInode, "/docker/" + kIdB);
  h.rmdir(kUnusedInode, "/docker/" + kIdB);
  h.rmdir(existing, "/docker/" + kIdA);
  EXPECT_EQ(h.printed(), GetParam().want);
}

INSTANTIATE_TEST_SUITE_P(Scopes, PipelineLifecycleScopeTest,
                         testing::ValuesIn(kLifecycleScopeCases),
                         [](const testing::TestParamInfo<LifecycleScopeCase>& row) {
                           return row.param.name;
                         });

// --- rmdir ---

TEST(PipelineRmdir, RemoveFollowsCreate) {
  Harness h;
  h.mkdir(100, "/docker/" + kIdA);
  h.mkdir(101, "/docker/" + kIdA + "/init");
  h.rmdir(101, "/docker/" + kIdA + "/init");
  EXPECT_EQ(h.printed(), (Lines{"container_create " + short_id(kIdA)}));
  EXPECT_FALSE(h.map.holds(101));
  h.rmdir(100, "/docker/" + kIdA);
  EXPECT_EQ(h.printed(),
            (Lines{"container_create " + short_id(kIdA), "container_remove " + short_id(kIdA)}));
  EXPECT_FALSE(h.map.holds(100));
  EXPECT_EQ(h.pipeline.registry().size(), 0u);
  ASSERT_EQ(h.printer.events.size(), 2u);
  EXPECT_TRUE(h.printer.events[1].container->removed);
}

TEST(PipelineRmdir, UnknownCgroupIsNoRemove) {
  Harness h;
  h.send(rmdir_event(100, "/docker/" + kIdA));
  h.rmdir(101, "/system.slice/nginx.service");
  EXPECT_TRUE(h.printer.events.empty());
}

TEST(PipelineRmdir, RemoveIsOncePerContainer) {
  Harness h;
  h.mkdir(100, "/docker/" + kIdA);
  h.rmdir(100, "/docker/" + kIdA);
  h.rmdir(100, "/docker/" + kIdA);
  EXPECT_EQ(h.printed(),
            (Lines{"container_create " + short_id(kIdA), "container_remove " + short_id(kIdA)}));
}

TEST(PipelineRmdir, EnrichmentHearsAddAndRemove) {
  struct Observer : EnrichmentSource {
    EnrichmentState track(const std::shared_ptr<ContainerRecord>& c) override {
      calls.push_back("added " + c->id().substr(0, 8));
      return EnrichmentState::off;
    }
    void forget(const std::shared_ptr<ContainerRecord>& c) override {
      calls.push_back("removed " + c->id().substr(0, 8));
    }
    Lines calls;
  } observer;
  Harness h(options_with({"not-container"}));  // even when nothing is printed
  h.pipeline.set_enrichment(&observer);
  h.mkdir(100, "/docker/" + kIdA);
  h.rmdir(100, "/docker/" + kIdA);
  EXPECT_EQ(observer.calls, (Lines{"added " + short_id(kIdA), "removed " + short_id(kIdA)}));
  EXPECT_TRUE(h.printer.events.empty());
}

// --- events held while enrichment is in flight ---

// Marks every container it hears of as being enriched, as the enrichment service does.
struct EnrichingObserver : EnrichmentSource {
  EnrichmentState track(const std::shared_ptr<ContainerRecord>&) override {
    return EnrichmentState::pending;
  }
  void forget(const std::shared_ptr<ContainerRecord>& c) override { removed = c; }
  std::shared_ptr<ContainerRecord> removed;
};

PipelineOptions hold_options(std::size_t limit, std::chrono::milliseconds timeout) {
  PipelineOptions options;
  options.hold_limit = limit;
  options.hold_timeout = timeout;
  return options;
}

constexpr std::chrono::milliseconds kHour = std::chrono::hours(1);

void enriched(Pipeline& pipeline, const std::shared_ptr<ContainerRecord>& container) {
  pipeline.enrichment_progress(container, EnrichmentState::done, nullptr);
}

TEST(PipelineHold, EventsWaitForEnrichmentThenGoOutInOrder) {
  Harness h(hold_options(100, kHour));
  EnrichingObserver observer;
  h.pipeline.set_enrichment(&observer);
  h.mkdir(100, "/docker/" + kIdA);
  h.send(exec_event(100, 10, kContainerMntNs));
  h.send(exit_event(kHostCgroup, 20));  // the host's events do not wait
  h.send(fork_event(100, 10));
  h.send(exit_event(100, 11));
  EXPECT_EQ(h.printed(), (Lines{"sched_process_exit host 20"}));

  auto container = h.pipeline.registry().find_by_id(kIdA);
  ASSERT_TRUE(container);
  ContainerInfo info;
  info.image = "nginx:1.25";
  h.pipeline.enrichment_progress(container, EnrichmentState::done, &info);
  EXPECT_EQ(h.printed(), (Lines{"sched_process_exit host 20", "container_create " + short_id(kIdA),
                                "sched_process_exec " + short_id(kIdA) + " 10",
                                "sched_process_fork " + short_id(kIdA) + " 10",
                                "sched_process_exit " + short_id(kIdA) + " 11"}));
  EXPECT_EQ(h.printer.events[1].container->info.image, "nginx:1.25");
  EXPECT_EQ(h.pipeline.stats().printed, 5u);
  EXPECT_EQ(h.pipeline.stats().held_released_early, 0u);

  h.send(exit_event(100, 12));  // after release nothing waits
  EXPECT_EQ(h.printed().back(), "sched_process_exit " + short_id(kIdA) + " 12");
}

TEST(PipelineHold, PendingSetThroughTheRegistryHoldsLaterEvents) {
  Harness h(hold_options(100, kHour));
  h.mkdir(100, "/docker/" + kIdA);
  h.pipeline.registry().find_by_id(kIdA)->enrichment = EnrichmentState::pending;
  h.send(fork_event(100, 10));
  h.send(exit_event(100, 10));
  EXPECT_EQ(h.printed(), (Lines{"container_create " + short_id(kIdA)}));
  enriched(h.pipeline, h.pipeline.registry().find_by_id(kIdA));
  EXPECT_EQ(h.printed(), (Lines{"container_create " + short_id(kIdA),
                                "sched_process_fork " + short_id(kIdA) + " 10",
                                "sched_process_exit " + short_id(kIdA) + " 10"}));
}

TEST(PipelineHold, RemoveWaitsBehindTheHeldCreate) {
  Harness h(hold_options(100, kHour));
  EnrichingObserver observer;
  h.pipeline.set_enrichment(&observer);
  h.mkdir(100, "/docker/" + kIdA);
  h.send(fork_event(100, 10));
  h.rmdir(100, "/docker/" + kIdA);
  EXPECT_TRUE(h.printer.events.empty());
  ASSERT_TRUE(observer.removed);  // gone from the registry; enrichment still holds the record
  enriched(h.pipeline, observer.removed);
  EXPECT_EQ(h.printed(), (Lines{"container_create " + short_id(kIdA),
                                "sched_process_fork " + short_id(kIdA) + " 10",
                                "container_remove " + short_id(kIdA)}));
}

TEST(PipelineHold, ReleaseLetsOutOnlyThatContainer) {
  Harness h(hold_options(100, kHour));
  EnrichingObserver observer;
  h.pipeline.set_enrichment(&observer);
  h.mkdir(100, "/docker/" + kIdA);
  h.mkdir(200, "/docker/" + kIdB);
  h.send(fork_event(100, 10));
  h.send(fork_event(200, 20));
  enriched(h.pipeline, h.pipeline.registry().find_by_id(kIdB));
  EXPECT_EQ(h.printed(), (Lines{"container_create " + short_id(kIdB),
                                "sched_process_fork " + short_id(kIdB) + " 20"}));
}

TEST(PipelineHold, HoldLimitLetsEventsOutEarlyInOrder) {
  Harness h(hold_options(3, kHour));
  EnrichingObserver observer;
  h.pipeline.set_enrichment(&observer);
  h.mkdir(100, "/docker/" + kIdA);  // held: 1
  h.send(fork_event(100, 10));      // held: 2
  h.send(fork_event(100, 11));      // held: 3
  EXPECT_TRUE(h.printer.events.empty());
  h.send(fork_event(100, 12));  // one too many: everything goes
  EXPECT_EQ(h.printed(), (Lines{"container_create " + short_id(kIdA),
                                "sched_process_fork " + short_id(kIdA) + " 10",
                                "sched_process_fork " + short_id(kIdA) + " 11",
                                "sched_process_fork " + short_id(kIdA) + " 12"}));
  EXPECT_EQ(h.pipeline.stats().held_released_early, 1u);

  h.send(fork_event(100, 13));  // still being enriched: waits again
  EXPECT_EQ(h.printer.events.size(), 4u);
  enriched(h.pipeline, h.pipeline.registry().find_by_id(kIdA));
  EXPECT_EQ(h.printed().back(), "sched_process_fork " + short_id(kIdA) + " 13");
}

TEST(PipelineHold, ExpiredHoldsAreReleased) {
  Harness h(hold_options(100, std::chrono::milliseconds(0)));
  EnrichingObserver observer;
  h.pipeline.set_enrichment(&observer);
  h.mkdir(100, "/docker/" + kIdA);
  h.send(fork_event(100, 10));
  EXPECT_TRUE(h.printer.events.empty());
  h.pipeline.release_expired();
  EXPECT_EQ(h.printed(), (Lines{"container_create " + short_id(kIdA),
                                "sched_process_fork " + short_id(kIdA) + " 10"}));
  EXPECT_EQ(h.pipeline.stats().held_released_early, 1u);
}

TEST(PipelineHold, HoldDeadlinesFollowTheMonotonicClockOnly) {
  Harness h(hold_options(100, std::chrono::seconds(2)));
  EnrichingObserver observer;
  h.pipeline.set_enrichment(&observer);
  h.mkdir(100, "/docker/" + kIdA);
  // Whatever the wall clock does meanwhile (an NTP step, a restored VM), only
  // monotonic time lets the events out.
  h.clock.at += std::chrono::milliseconds(1999);
  h.pipeline.release_expired();
  EXPECT_TRUE(h.printer.events.empty());
  h.clock.at += std::chrono::milliseconds(1);
  h.pipeline.release_expired();
  EXPECT_EQ(h.printed(), (Lines{"container_create " + short_id(kIdA)}));
}

TEST(PipelineHold, TotalCapLetsTheLongestWaitingContainerOut) {
  auto options = hold_options(100, kHour);
  options.hold_total_limit = 3;
  Harness h(options);
  EnrichingObserver observer;
  h.pipeline.set_enrichment(&observer);
  h.mkdir(100, "/docker/" + kIdA);  // held: 1
  h.clock.at += std::chrono::milliseconds(1);
  h.mkdir(200, "/docker/" + kIdB);  // held: 2
  h.send(fork_event(200, 20));      // held: 3
  EXPECT_TRUE(h.printer.events.empty());
  h.send(fork_event(200, 21));  // one too many of all: A has waited longest
  EXPECT_EQ(h.printed(), (Lines{"container_create " + short_id(kIdA)}));
  EXPECT_EQ(h.pipeline.stats().held_released_early, 1u);
  EXPECT_EQ(h.pipeline.stats().held, 4u);
}

TEST(PipelineHold, UnexpiredHoldsStay) {
  Harness h(hold_options(100, kHour));
  EnrichingObserver observer;
  h.pipeline.set_enrichment(&observer);
  h.mkdir(100, "/docker/" + kIdA);
  h.pipeline.release_expired();
  EXPECT_TRUE(h.printer.events.empty());
  EXPECT_EQ(h.pipeline.stats().held_released_early, 0u);
}

// --- the start-up walk and reconciliation over a directory tree ---

struct Tree {
  std::uint64_t a, a_init, b, c, service, init_scope;
};

Tree make_host(TempTree& tree) {
  Tree t{};
  t.a = tree.make("/docker/" + kIdA);
  t.a_init = tree.make("/docker/" + kIdA + "/init");
  t.b = tree.make("/system.slice/docker-" + kIdB + ".scope");
  t.service = tree.make("/system.slice/containerd.service");
  t.c = tree.make("/kubepods/besteffort/pod" + kPodUid + "/" + kIdC);
  t.init_scope = tree.make("/init.scope");
  return t;
}

std::vector<std::string> sorted(std::vector<std::string> lines) {
  std::sort(lines.begin(), lines.end());
  return lines;
}

TEST(PipelineScan, ReportsEachContainerOnceAsExisting) {
  Harness h;
  auto t = make_host(h.tree);
  std::string error;
  ASSERT_TRUE(h.pipeline.scan_existing(error)) << error;
  EXPECT_EQ(sorted(h.printed()),
            sorted({"existing_container " + short_id(kIdA), "existing_container " + short_id(kIdB),
                    "existing_container " + short_id(kIdC)}));
  for (auto& event : h.printer.events) {
    EXPECT_EQ(event.container->origin, ContainerOrigin::existing);
    EXPECT_GT(event.container->created_ns, 0);
  }
  EXPECT_EQ(h.map.state(t.a), TRACKER_CONTAINER_EXISTING);
  EXPECT_EQ(h.map.state(t.a_init), TRACKER_CONTAINER_EXISTING);
  EXPECT_EQ(h.map.root(t.a_init), t.a);
  EXPECT_EQ(h.map.state(t.b), TRACKER_CONTAINER_EXISTING);
  EXPECT_EQ(h.map.state(t.c), TRACKER_CONTAINER_EXISTING);
  EXPECT_FALSE(h.map.holds(t.service));
  EXPECT_FALSE(h.map.holds(t.init_scope));
  EXPECT_EQ(h.pipeline.registry().find_by_cgroup(t.a_init), h.pipeline.registry().find_by_id(kIdA));
}

TEST(PipelineScan, MissingHierarchyIsAnError) {
  Harness h;
  h.tree.remove("");
  std::string error;
  EXPECT_FALSE(h.pipeline.scan_existing(error));
  EXPECT_NE(error.find(h.tree.path()), std::string::npos) << error;
}

TEST(PipelineReconcile, UnchangedTreeEmitsNothing) {
  Harness h;
  make_host(h.tree);
  std::string error;
  ASSERT_TRUE(h.pipeline.scan_existing(error)) << error;
  h.printer.clear();
  h.pipeline.reconcile();
  h.pipeline.reconcile();
  EXPECT_EQ(h.printed(), Lines{});
  EXPECT_EQ(h.pipeline.registry().size(), 3u);
  EXPECT_EQ(h.pipeline.stats().reconciles, 2u);
}

TEST(PipelineReconcile, AppearedAndVanishedContainersOnce) {
  Harness h;
  auto t = make_host(h.tree);
  std::string error;
  ASSERT_TRUE(h.pipeline.scan_existing(error)) << error;
  h.printer.clear();

  auto d = h.tree.make("/docker/" + kIdD);  // made before B goes: no inode reuse
  h.tree.remove("/system.slice/docker-" + kIdB + ".scope");
  h.pipeline.reconcile();
  EXPECT_EQ(h.printed(),
            (Lines{"container_create " + short_id(kIdD), "container_remove " + short_id(kIdB)}));
  auto created = h.pipeline.registry().find_by_id(kIdD);
  ASSERT_TRUE(created);
  EXPECT_EQ(created->origin, ContainerOrigin::created);
  EXPECT_FALSE(created->started);
  EXPECT_GT(created->created_ns, 0);
  EXPECT_EQ(h.map.state(d), TRACKER_CONTAINER_CREATED);
  EXPECT_FALSE(h.map.holds(t.b));
  EXPECT_FALSE(h.pipeline.registry().find_by_id(kIdB));

  h.pipeline.reconcile();
  EXPECT_EQ(h.printer.events.size(), 2u);
}

TEST(PipelineReconcile, ContainerWithProcessesIsStarted) {
  Harness h;
  std::string error;
  ASSERT_TRUE(h.pipeline.scan_existing(error)) << error;
  auto d = h.tree.make("/docker/" + kIdD);
  h.tree.write("/docker/" + kIdD + "/cgroup.procs", "4242\n");
  h.pipeline.reconcile();
  auto created = h.pipeline.registry().find_by_id(kIdD);
  ASSERT_TRUE(created);
  EXPECT_TRUE(created->started);
  EXPECT_EQ(h.map.state(d), TRACKER_CONTAINER_STARTED);
}

TEST(PipelineReconcile, VanishedSubCgroupIsNoRemove) {
  Harness h;
  auto t = make_host(h.tree);
  std::string error;
  ASSERT_TRUE(h.pipeline.scan_existing(error)) << error;
  h.printer.clear();
  h.tree.remove("/docker/" + kIdA + "/init");
  h.pipeline.reconcile();
  EXPECT_EQ(h.printed(), Lines{});
  auto a = h.pipeline.registry().find_by_id(kIdA);
  ASSERT_TRUE(a);
  EXPECT_TRUE(a->sub_cgroups.empty());
  EXPECT_FALSE(h.map.holds(t.a_init));
  EXPECT_TRUE(h.map.holds(t.a));
}

TEST(PipelineReconcile, KnownFromEventsIsNotAnnouncedAgain) {
  Harness h;
  std::string error;
  ASSERT_TRUE(h.pipeline.scan_existing(error)) << error;
  auto d = h.tree.make("/docker/" + kIdD);
  h.mkdir(d, "/docker/" + kIdD);
  h.pipeline.reconcile();
  EXPECT_EQ(h.printed(), (Lines{"container_create " + short_id(kIdD)}));
}

TEST(PipelineReconcile, StateMapKeepsPendingAndForgetsStale) {
  Harness h;
  auto t = make_host(h.tree);
  std::string error;
  ASSERT_TRUE(h.pipeline.scan_existing(error)) << error;
  h.map.set(kUnusedInode + 1, TRACKER_CGROUP_PENDING, kUnusedInode + 1);  // mkdir not read yet
  h.map.set(kUnusedInode + 2, TRACKER_CGROUP_PENDING_STARTED, kUnusedInode + 2);  // likewise
  h.map.set(kUnusedInode + 3, TRACKER_CONTAINER_CREATED, kUnusedInode + 3);       // rmdir lost
  h.map.set(t.service, TRACKER_CGROUP_PENDING, t.service);  // present, no container
  h.pipeline.reconcile();
  EXPECT_TRUE(h.map.holds(kUnusedInode + 1));
  EXPECT_TRUE(h.map.holds(kUnusedInode + 2));
  EXPECT_FALSE(h.map.holds(kUnusedInode + 3));
  EXPECT_FALSE(h.map.holds(t.service));
  EXPECT_TRUE(h.map.holds(t.a));
  EXPECT_TRUE(h.map.holds(t.a_init));
}

TEST(PipelineReconcile, OrphanSubCgroupMkdirAsksForAReconcileInsteadOfWalking) {
  Harness h;
  std::string error;
  ASSERT_TRUE(h.pipeline.scan_existing(error)) << error;
  auto e = h.tree.make("/docker/" + kIdE);
  auto e_init = h.tree.make("/docker/" + kIdE + "/init");
  h.mkdir(e_init, "/docker/" + kIdE + "/init");  // its root's mkdir was lost
  EXPECT_EQ(h.printed(), Lines{});
  EXPECT_EQ(h.pipeline.stats().reconciles, 0u);
  EXPECT_TRUE(h.pipeline.take_reconcile_request());
  EXPECT_FALSE(h.pipeline.take_reconcile_request());

  EXPECT_TRUE(h.pipeline.reconcile());  // as KernelRecovery runs it, rate-limited
  EXPECT_EQ(h.printed(), (Lines{"container_create " + short_id(kIdE)}));
  EXPECT_EQ(h.map.state(e), TRACKER_CONTAINER_CREATED);
  EXPECT_EQ(h.map.state(e_init), TRACKER_CONTAINER_CREATED);
  EXPECT_EQ(h.map.root(e_init), e);
  h.mkdir(e_init, "/docker/" + kIdE + "/init");
  h.pipeline.reconcile();
  EXPECT_EQ(h.printer.events.size(), 1u);
  EXPECT_FALSE(h.pipeline.take_reconcile_request());
}

TEST(PipelineReconcile, UnreadableHierarchyIsAFailedReconcile) {
  Harness h;
  h.tree.remove("");
  EXPECT_FALSE(h.pipeline.reconcile());
}

// --- cgroup rename (cgroup v1): the id stays, the name changes ---

TEST(PipelineRename, OutOfAContainerNameRemovesTheContainer) {
  Harness h(options_with({"container"}));
  h.mkdir(100, "/docker/" + kIdA);
  h.rename(100, "/docker/not-a-container");
  EXPECT_EQ(h.printed(),
            (Lines{"container_create " + short_id(kIdA), "container_remove " + short_id(kIdA)}));
  EXPECT_FALSE(h.map.holds(100));
  EXPECT_FALSE(h.pipeline.registry().find_by_cgroup(100));
  h.printer.clear();
  h.send(exec_event(100, 42, kContainerMntNs));
  EXPECT_EQ(h.printed(), Lines{});  // no longer the container's
}

TEST(PipelineRename, IntoAContainerNameCreatesTheContainer) {
  Harness h(options_with({"container"}));
  h.mkdir(100, "/docker/plain");
  EXPECT_FALSE(h.map.holds(100));
  h.rename(100, "/docker/" + kIdA);
  EXPECT_EQ(h.printed(), (Lines{"container_create " + short_id(kIdA)}));
  EXPECT_EQ(h.map.state(100), TRACKER_CONTAINER_CREATED);
  h.send(exec_event(100, 42, kContainerMntNs));
  EXPECT_EQ(h.printed(), (Lines{"container_create " + short_id(kIdA),
                                "sched_process_exec " + short_id(kIdA) + " 42"}));
}

TEST(PipelineRename, FromOneIdToAnotherIsARemoveAndACreate) {
  Harness h;
  h.mkdir(100, "/docker/" + kIdA);
  h.rename(100, "/docker/" + kIdB);
  EXPECT_EQ(h.printed(),
            (Lines{"container_create " + short_id(kIdA), "container_remove " + short_id(kIdA),
                   "container_create " + short_id(kIdB)}));
  EXPECT_EQ(h.pipeline.registry().find_by_cgroup(100), h.pipeline.registry().find_by_id(kIdB));
  EXPECT_EQ(h.map.state(100), TRACKER_CONTAINER_CREATED);
}

TEST(PipelineRename, SubCgroupStaysInItsContainer) {
  Harness h;
  h.mkdir(100, "/docker/" + kIdA);
  h.mkdir(101, "/docker/" + kIdA + "/init");
  h.rename(101, "/docker/" + kIdA + "/other", 100);
  EXPECT_EQ(h.printed(), (Lines{"container_create " + short_id(kIdA)}));
  EXPECT_EQ(h.pipeline.registry().find_by_cgroup(101), h.pipeline.registry().find_by_id(kIdA));
  EXPECT_EQ(h.map.root(101), 100u);
  EXPECT_FALSE(h.pipeline.take_reconcile_request());
}

TEST(PipelineRename, RenamedContainerFindsItsSubCgroupsAgainOnReconcile) {
  Harness h;
  auto a = h.tree.make("/docker/" + kIdA);
  auto a_init = h.tree.make("/docker/" + kIdA + "/init");
  h.mkdir(a, "/docker/" + kIdA);
  h.mkdir(a_init, "/docker/" + kIdA + "/init");
  fs::rename(h.tree.path() + "/docker/" + kIdA, h.tree.path() + "/docker/" + kIdB);
  h.rename(a, "/docker/" + kIdB);
  EXPECT_TRUE(h.pipeline.take_reconcile_request());
  h.pipeline.reconcile();
  auto b = h.pipeline.registry().find_by_id(kIdB);
  ASSERT_TRUE(b);
  EXPECT_EQ(h.pipeline.registry().find_by_cgroup(a_init), b);
  EXPECT_EQ(h.map.root(a_init), a);
  EXPECT_FALSE(h.pipeline.registry().find_by_id(kIdA));
}

// --- paths the kernel cut ---

// What the kernel sends for a path that filled its 1024-byte buffer: the first
// 1023 bytes, flagged.
tracker_event cut_mkdir(std::uint64_t cgroup_id, const std::string& full_path) {
  std::string cut = full_path.substr(0, TRACKER_KERNEL_CGROUP_PATH_LEN - 1);
  return cgroup_event(TRACKER_EVENT_CGROUP_MKDIR, cgroup_id, cut, TRACKER_FLAG_PATH_TRUNCATED);
}

// Parents long enough that "<parents>/docker/<id>" is exactly 1023 bytes.
std::string long_parents() {
  std::size_t want = TRACKER_KERNEL_CGROUP_PATH_LEN - 1 - ("/docker/" + kIdA).size();
  std::string parents;
  while (parents.size() < want) {
    std::size_t left = want - parents.size();
    std::size_t chunk = left > 202 ? 200 : left;  // "/" and a name; never a last empty one
    parents += "/" + std::string(chunk - 1, 'p');
  }
  return parents;
}

TEST(PipelineCutPath, PrefixThatLooksLikeAContainerIsNotClassified) {
  Harness h(options_with({"container"}));
  std::string real = long_parents() + "/docker/" + kIdA + "-plus-more-of-its-name";
  ASSERT_EQ(real.substr(0, TRACKER_KERNEL_CGROUP_PATH_LEN - 1), long_parents() + "/docker/" + kIdA);
  std::vector<std::uint64_t> asked;
  h.pipeline.set_path_resolver([&](std::uint64_t id) -> std::optional<std::string> {
    asked.push_back(id);
    return real;
  });
  h.map.kernel_mkdir(100);
  h.send(cut_mkdir(100, real));
  EXPECT_EQ(asked, std::vector<std::uint64_t>{100});
  EXPECT_EQ(h.printed(), Lines{});
  EXPECT_FALSE(h.map.holds(100));
  EXPECT_EQ(h.pipeline.registry().size(), 0u);
  EXPECT_EQ(h.pipeline.stats().cgroup_paths_resolved, 1u);
}

TEST(PipelineCutPath, ContainerBeyondTheKernelsLimitIsFoundByItsId) {
  Harness h;
  std::string real = long_parents() + "/xxxxxxxxxxxxxxxx/docker/" + kIdB;
  h.pipeline.set_path_resolver([&](std::uint64_t) -> std::optional<std::string> { return real; });
  h.map.kernel_mkdir(100);
  h.send(cut_mkdir(100, real));
  EXPECT_EQ(h.printed(), (Lines{"container_create " + short_id(kIdB)}));
  auto b = h.pipeline.registry().find_by_id(kIdB);
  ASSERT_TRUE(b);
  EXPECT_EQ(b->cgroup_path, real);
  EXPECT_EQ(h.map.state(100), TRACKER_CONTAINER_CREATED);
}

TEST(PipelineCutPath, GoneBeforeItCouldBeReadIsSkippedAndCounted) {
  Harness h;
  h.pipeline.set_path_resolver([](std::uint64_t) -> std::optional<std::string> { return {}; });
  h.map.kernel_mkdir(100);
  h.send(cut_mkdir(100, long_parents() + "/docker/" + kIdA));
  EXPECT_EQ(h.printed(), Lines{});
  EXPECT_FALSE(h.map.holds(100));
  EXPECT_EQ(h.pipeline.registry().size(), 0u);
  EXPECT_EQ(h.pipeline.stats().cgroup_paths_unresolved, 1u);
}

TEST(PipelineCutPath, WholePathIsTakenAsItIs) {
  Harness h;
  bool asked = false;
  h.pipeline.set_path_resolver([&](std::uint64_t) -> std::optional<std::string> {
    asked = true;
    return {};
  });
  h.mkdir(100, long_parents() + "/docker/" + kIdA);  // 1023 bytes, but the kernel says whole
  EXPECT_FALSE(asked);
  EXPECT_EQ(h.printed(), (Lines{"container_create " + short_id(kIdA)}));
}

// --- look-alike cgroups: a container's id claimed outside its cgroup ---

const std::string kUserManager = "/user.slice/user-1000.slice/user@1000.service";

TEST(PipelineLookalike, ExecInALookalikeIsTheHostsAndOutOfTheContainersScope) {
  for (bool scoped : {false, true}) {
    Harness h(scoped ? options_with({"container=" + short_id(kIdA)}) : PipelineOptions{});
    h.mkdir(100, "/docker/" + kIdA);
    h.send(exec_event(100, 10, kContainerMntNs));
    h.mkdir(200, kUserManager + "/docker-" + kIdA + ".scope");
    h.mkdir(201, kUserManager + "/docker-" + kIdA + ".scope/sh");
    h.send(exec_event(200, 20));
    h.send(exec_event(201, 21, kContainerMntNs));
    EXPECT_FALSE(h.map.holds(200));  // the kernel passes nothing of it to --scope container
    EXPECT_FALSE(h.map.holds(201));
    EXPECT_EQ(h.pipeline.lookalike_cgroups(), 2u);
    auto container = h.pipeline.registry().find_by_id(kIdA);
    ASSERT_TRUE(container);
    EXPECT_TRUE(container->sub_cgroups.empty());
    Lines want = {"container_create " + short_id(kIdA),
                  "sched_process_exec " + short_id(kIdA) + " 10"};
    if (!scoped)
      want.insert(want.end(), {"sched_process_exec host 20", "sched_process_exec host 21"});
    EXPECT_EQ(h.printed(), want) << "scoped: " << scoped;
  }
}

// The look-alike first, then the container: the id goes to the container, and whatever
// was told of the look-alike is taken back.
TEST(PipelineLookalike, ContainerWhereOnlyRootMakesCgroupsTakesTheIdBack) {
  Harness h;
  h.mkdir(200, kUserManager + "/docker-" + kIdA + ".scope");
  h.mkdir(201, kUserManager + "/docker-" + kIdA + ".scope/sh");
  EXPECT_EQ(h.map.state(201), TRACKER_CONTAINER_CREATED);
  h.mkdir(100, "/docker/" + kIdA);
  EXPECT_EQ(h.printed(),
            (Lines{"container_create " + short_id(kIdA), "container_remove " + short_id(kIdA),
                   "container_create " + short_id(kIdA)}));
  EXPECT_EQ(h.printer.events[2].container->cgroup_id, 100u);
  EXPECT_FALSE(h.map.holds(200));
  EXPECT_FALSE(h.map.holds(201));
  EXPECT_EQ(h.map.state(100), TRACKER_CONTAINER_CREATED);
  EXPECT_EQ(h.pipeline.lookalike_cgroups(), 1u);
  h.printer.clear();
  h.send(exec_event(201, 21));
  EXPECT_EQ(h.printed(), Lines{"sched_process_exec host 21"});
}

TEST(PipelineLookalike, StartUpWalkGivesTheIdToTheContainerWhateverTheOrder) {
  Harness h;
  auto lookalike = h.tree.make(kUserManager + "/docker-" + kIdA + ".scope");
  auto lookalike_sub = h.tree.make(kUserManager + "/docker-" + kIdA + ".scope/sh");
  auto real = h.tree.make("/docker/" + kIdA);
  std::string error;
  ASSERT_TRUE(h.pipeline.scan_existing(error)) << error;
  auto container = h.pipeline.registry().find_by_id(kIdA);
  ASSERT_TRUE(container);
  EXPECT_EQ(container->cgroup_id, real);
  EXPECT_EQ(h.map.state(real), TRACKER_CONTAINER_EXISTING);
  EXPECT_FALSE(h.map.holds(lookalike));
  EXPECT_FALSE(h.map.holds(lookalike_sub));
  EXPECT_FALSE(h.pipeline.registry().find_by_cgroup(lookalike_sub));

  auto counted = h.pipeline.lookalike_cgroups();
  EXPECT_GE(counted, 1u);
  h.printer.clear();
  h.pipeline.reconcile();
  h.pipeline.reconcile();
  EXPECT_EQ(h.pipeline.lookalike_cgroups(), counted) << "counted again by a walk";
  EXPECT_EQ(h.printed(), Lines{});
  EXPECT_FALSE(h.map.holds(lookalike));
}

// --- cgroup paths that are not UTF-8 ---

TEST(PipelineText, PathsAreKeptAsUtf8WhereTheyEnter) {
  const std::string raw = "/\xff\xfe/docker-" + kIdA + ".scope";
  const std::string shown = "/\xef\xbf\xbd\xef\xbf\xbd/docker-" + kIdA + ".scope";
  {  // the start-up walk
    Harness h;
    auto root = h.tree.make(raw);
    auto sub = h.tree.make(raw + "/app");
    std::string error;
    ASSERT_TRUE(h.pipeline.scan_existing(error)) << error;
    EXPECT_EQ(h.printed(), Lines{"existing_container " + short_id(kIdA)});
    auto container = h.pipeline.registry().find_by_id(kIdA);
    ASSERT_TRUE(container);
    EXPECT_EQ(container->cgroup_path, shown);
    EXPECT_EQ(h.map.root(sub), root);
  }
  {  // a mkdir event, and reconcile
    Harness h;
    h.mkdir(100, raw);
    h.mkdir(101, raw + "/app");
    auto container = h.pipeline.registry().find_by_id(kIdA);
    ASSERT_TRUE(container);
    EXPECT_EQ(container->cgroup_path, shown);
    EXPECT_EQ(container->sub_cgroups, std::vector<std::uint64_t>{101});
    h.tree.make("/\xfe\xff/docker-" + kIdB + ".scope");
    h.pipeline.reconcile();
    auto b = h.pipeline.registry().find_by_id(kIdB);
    ASSERT_TRUE(b);
    EXPECT_EQ(b->cgroup_path, "/\xef\xbf\xbd\xef\xbf\xbd/docker-" + kIdB + ".scope");
  }
}

}  // namespace
}  // namespace tracker
