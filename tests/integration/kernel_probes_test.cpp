// tracker's kernel side in this process, on the real kernel: the BPF programs
// with a pipeline and KernelRecovery, driven as the daemon's loop drives them.
// A container-state map too small for the containers, cgroup paths longer than
// the kernel's tracepoints carry, and cgroups renamed (cgroup v1) into and out
// of a container's name. Needs root and BPF.
#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <thread>

#include "agent/kernel_recovery.h"
#include "agent/pipeline.h"
#include "cgroup/hierarchy.h"
#include "harness.h"
#include "kernel/probes.h"
#include "registry/registry.h"

namespace tracker::testing {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

class CapturingPrinter : public Printer {
 public:
  void print(const Event& event) override { events.push_back(event); }
  std::vector<Event> events;
};

// Probes → Pipeline → a capturing printer, with KernelRecovery on the "tick".
class Tracked {
 public:
  Tracked(const TrackedHierarchy& hierarchy, const std::string& scope,
          std::uint32_t state_map_entries = 131072)
      : pipeline_(options_for(scope), hierarchy, printer) {
    ProbeOptions probe_options;
    probe_options.hierarchy = hierarchy;
    probe_options.state_map_entries = state_map_entries;
    std::string error;
    probes = Probes::load(probe_options, pipeline_, error);
    if (!probes) {
      ADD_FAILURE() << error;
      return;
    }
    probes->configure(pipeline_.options().scope.kernel_mode(),
                      pipeline_.options().events.kernel_mask());
    pipeline_.set_state_map(probes.get(), probes->host_mount_namespace());
    if (!pipeline_.scan_existing(error)) ADD_FAILURE() << error;
    recovery_ = std::make_unique<KernelRecovery>(*probes, pipeline_);
  }
  bool loaded() const { return probes != nullptr; }
  Pipeline& pipeline() { return pipeline_; }

  // The daemon's loop for `duration`: read the ring, tick every 100 ms.
  void run_for(std::chrono::milliseconds duration) {
    auto until = Clock::now() + duration;
    auto next_tick = Clock::now();
    while (Clock::now() < until) {
      probes->consume();
      if (Clock::now() >= next_tick) {
        recovery_->tick(Clock::now());
        next_tick += 100ms;
      }
      std::this_thread::sleep_for(10ms);
    }
    probes->consume();
  }
  // Runs the loop until an event matches, for at most `timeout`.
  const Event* wait_for(const std::function<bool(const Event&)>& match,
                        std::chrono::milliseconds timeout = 5s) {
    auto until = Clock::now() + timeout;
    while (true) {
      for (auto& event : printer.events)
        if (match(event)) return &event;
      if (Clock::now() > until) return nullptr;
      run_for(50ms);
    }
  }

  CapturingPrinter printer;
  std::unique_ptr<Probes> probes;

 private:
  static PipelineOptions options_for(const std::string& scope) {
    PipelineOptions options;
    if (!scope.empty()) {
      EXPECT_EQ(options.scope.add(scope), "");
    }
    options.hold_timeout = std::chrono::milliseconds{0};
    return options;
  }
  Pipeline pipeline_;
  std::unique_ptr<KernelRecovery> recovery_;
};

std::function<bool(const Event&)> lifecycle(EventType type, const std::string& id) {
  return [type, id](const Event& e) {
    return e.type == type && e.container && e.container->id() == id;
  };
}

std::function<bool(const Event&)> exec_of(pid_t pid) {
  return [pid](const Event& e) {
    return e.type == EventType::sched_process_exec &&
           e.context.host_pid == static_cast<std::uint32_t>(pid);
  };
}

// Runs /bin/true as a process put in the cgroup at `directory` before it
// execs; returns its pid once it has exited, or -1.
pid_t run_true_in(const std::string& directory) {
  int gate[2];
  if (pipe2(gate, O_CLOEXEC) != 0) return -1;
  pid_t pid = fork();
  if (pid == 0) {
    char go = 0;
    close(gate[1]);
    if (read(gate[0], &go, 1) != 1) _exit(126);
    execl("/bin/true", "true", static_cast<char*>(nullptr));
    _exit(127);
  }
  close(gate[0]);
  bool moved = false;
  {
    std::ofstream procs(directory + "/cgroup.procs");
    procs << pid << std::flush;
    moved = procs.good();
  }
  if (moved) (void)!write(gate[1], "x", 1);
  close(gate[1]);
  int status = 0;
  waitpid(pid, &status, 0);
  return moved && WIFEXITED(status) && WEXITSTATUS(status) == 0 ? pid : -1;
}

// Removes a synthetic tree, deepest first, however the test ends.
void remove_tree(const std::string& root) {
  std::vector<fs::path> dirs;
  std::error_code ec;
  for (auto it = fs::recursive_directory_iterator(root, ec); !ec && it != fs::end(it);
       it.increment(ec))
    if (it->is_directory(ec)) dirs.push_back(it->path());
  std::sort(dirs.begin(), dirs.end(), [](const fs::path& a, const fs::path& b) {
    return a.string().size() > b.string().size();
  });
  for (auto& dir : dirs) rmdir(dir.c_str());
  rmdir(root.c_str());
}

std::optional<TrackedHierarchy> hierarchy(const std::string& preference) {
  auto choice = detect_hierarchy(preference);
  return choice.hierarchy;
}

// --- a container-state map of 64 entries and 100 containers ---

TEST(KernelProbes, ContainersTheStateMapCannotHoldStillReachUserSpace) {
  REQUIRE_PREREQUISITE(geteuid() == 0, "root");
  auto tracked_hierarchy = hierarchy("auto");
  ASSERT_TRUE(tracked_hierarchy);
  Tracked tracked(*tracked_hierarchy, "container", 64);
  ASSERT_TRUE(tracked.loaded());
  std::string base = tracked_hierarchy->mount_point + "/tracker-itest-map-" + random_hex_id(8);
  Cleanup cleanup;
  cleanup.add([base] { remove_tree(base); });
  ASSERT_TRUE(fs::create_directories(base + "/docker"));

  constexpr int kContainers = 100;
  std::vector<std::string> ids;
  for (int i = 0; i < kContainers; ++i) {
    ids.push_back(random_hex_id());
    ASSERT_TRUE(fs::create_directory(base + "/docker/" + ids.back()));
  }
  tracked.run_for(300ms);
  EXPECT_GT(tracked.probes->state_map_failures(), 0u);
  EXPECT_TRUE(tracked.probes->state_map_degraded());

  std::map<std::string, pid_t> pids;
  for (auto& id : ids) {
    pids[id] = run_true_in(base + "/docker/" + id);
    ASSERT_GT(pids[id], 0) << id;
  }
  pid_t host = run_true_in(base);  // no container: filtered out in user space
  ASSERT_GT(host, 0);
  tracked.run_for(500ms);

  int missing = 0;
  for (auto& [id, pid] : pids) {
    auto* exec = tracked.wait_for(exec_of(pid), 10ms);
    if (!exec) {
      ++missing;
      continue;
    }
    ASSERT_TRUE(exec->container) << id;
    EXPECT_EQ(exec->container->id(), id);
  }
  EXPECT_EQ(missing, 0) << "of " << kContainers << " containers; state map failures: "
                        << tracked.probes->state_map_failures();
  EXPECT_FALSE(tracked.wait_for(exec_of(host), 10ms));
  std::cout << "state map of 64 entries, " << kContainers
            << " containers: failed updates = " << tracked.probes->state_map_failures()
            << ", exec events seen from " << kContainers - missing << " containers\n";

  // Once the containers are gone, nothing is outstanding: the kernel filters again.
  for (auto& id : ids) rmdir((base + "/docker/" + id).c_str());
  tracked.run_for(1500ms);
  EXPECT_FALSE(tracked.probes->state_map_degraded());
}

// --- paths longer than the kernel's tracepoints carry ---

// Parents below `top` that make "<parents>/docker/<id>" exactly `length` bytes long.
std::string parents_for(const std::string& top, std::size_t length) {
  std::size_t want = length - ("/docker/" + random_hex_id()).size();
  std::string parents = top;
  while (parents.size() < want) {
    std::size_t left = want - parents.size();
    std::size_t chunk = left > 202 ? 200 : left;
    parents += "/" + std::string(chunk - 1, 'p');
  }
  return parents;
}

TEST(KernelProbes, CutPathsAreReadByIdNeverClassifiedFromTheirPrefix) {
  REQUIRE_PREREQUISITE(geteuid() == 0, "root");
  auto tracked_hierarchy = hierarchy("auto");
  ASSERT_TRUE(tracked_hierarchy);
  Tracked tracked(*tracked_hierarchy, "");
  ASSERT_TRUE(tracked.loaded());
  const auto& mount = tracked_hierarchy->mount_point;
  std::string top = "/tracker-itest-long-" + random_hex_id(8);
  Cleanup cleanup;
  cleanup.add([mount, top] { remove_tree(mount + top); });

  // A container whose path is longer than the kernel's 1023 bytes.
  std::string id = random_hex_id();
  std::string beyond = parents_for(top + "/a", 1200) + "/docker/" + id;
  // A cgroup whose first 1023 bytes read as a container's path, though it is none.
  std::string lookalike_id = random_hex_id();
  std::string prefix =
      parents_for(top + "/b", TRACKER_KERNEL_CGROUP_PATH_LEN - 1) + "/docker/" + lookalike_id;
  ASSERT_EQ(prefix.size(), TRACKER_KERNEL_CGROUP_PATH_LEN - 1u);
  std::string lookalike = prefix + "-but-longer";

  ASSERT_TRUE(fs::create_directories(mount + beyond));
  ASSERT_TRUE(fs::create_directories(mount + lookalike));
  auto* created = tracked.wait_for(lifecycle(EventType::container_create, id));
  ASSERT_TRUE(created) << "no container_create for a path of " << beyond.size() << " bytes";
  EXPECT_EQ(created->container->cgroup_path, beyond);
  tracked.run_for(300ms);
  EXPECT_FALSE(tracked.pipeline().registry().find_by_id(lookalike_id));
  EXPECT_GE(tracked.pipeline().stats().cgroup_paths_resolved, 2u);
  EXPECT_EQ(tracked.probes->malformed_records(), 0u);
}

// --- rename (cgroup v1 only: v2 refuses it) ---

TEST(KernelProbes, RenameMovesNoCgroupIntoOrOutOfAContainerUnseen) {
  REQUIRE_PREREQUISITE(geteuid() == 0, "root");
  auto pids_hierarchy = hierarchy("pids");
  REQUIRE_PREREQUISITE(pids_hierarchy && pids_hierarchy->controller == V1Controller::pids,
                       "a cgroup v1 pids hierarchy");
  Tracked tracked(*pids_hierarchy, "container");
  ASSERT_TRUE(tracked.loaded());
  std::string base =
      pids_hierarchy->mount_point + "/tracker-itest-rename-" + random_hex_id(8) + "/docker";
  Cleanup cleanup;
  cleanup.add([base] { remove_tree(fs::path(base).parent_path().string()); });
  ASSERT_TRUE(fs::create_directories(base));

  // Out: a container's cgroup renamed to no container's name.
  std::string a = random_hex_id();
  ASSERT_TRUE(fs::create_directory(base + "/" + a));
  ASSERT_TRUE(tracked.wait_for(lifecycle(EventType::container_create, a)));
  std::string plain = base + "/plain-" + random_hex_id(8);
  fs::rename(base + "/" + a, plain);
  ASSERT_TRUE(tracked.wait_for(lifecycle(EventType::container_remove, a)))
      << "renamed away, the container is still tracked";
  pid_t outside = run_true_in(plain);
  ASSERT_GT(outside, 0);
  tracked.run_for(300ms);
  EXPECT_FALSE(tracked.wait_for(exec_of(outside), 10ms)) << "an exec outside any container";

  // In: a plain cgroup renamed to a container's name.
  std::string b = random_hex_id();
  std::string other = base + "/other-" + random_hex_id(8);
  ASSERT_TRUE(fs::create_directory(other));
  tracked.run_for(100ms);
  fs::rename(other, base + "/" + b);
  ASSERT_TRUE(tracked.wait_for(lifecycle(EventType::container_create, b)));
  pid_t inside = run_true_in(base + "/" + b);
  ASSERT_GT(inside, 0);
  auto* exec = tracked.wait_for(exec_of(inside));
  ASSERT_TRUE(exec) << "no exec from the renamed container";
  ASSERT_TRUE(exec->container);
  EXPECT_EQ(exec->container->id(), b);
}

}  // namespace
}  // namespace tracker::testing
