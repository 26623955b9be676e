#include "agent/pipeline.h"

#include <algorithm>
#include <cstring>
#include <unordered_set>

#include "cgroup/walker.h"
#include "enrich/sanitize.h"
#include "kernel/cgroup_path.h"
#include "util/log.h"
#include "util/text.h"

namespace tracker {
namespace {

std::string bounded_string(const char* text, std::size_t capacity) {
  return std::string(text, strnlen(text, capacity));
}

std::vector<std::string> split_argv(const tracker_exec_data& exec) {
  std::vector<std::string> argv;
  std::size_t length = std::min<std::size_t>(exec.argv_len, sizeof(exec.argv));
  std::size_t start = 0;
  for (std::size_t i = 0; i < length; ++i) {
    if (exec.argv[i] == '\0') {
      argv.emplace_back(exec.argv + start, i - start);
      start = i + 1;
    }
  }
  if (start < length) argv.emplace_back(exec.argv + start, length - start);  // truncated
  return argv;
}

void add_process_args(Event& event, const tracker_event& raw) {
  switch (raw.type) {
    case TRACKER_EVENT_PROCESS_FORK: {
      const auto& fork = raw.data.fork;
      event.args = {{"child_pid", "int", std::int64_t{fork.child_pid}},
                    {"child_tid", "int", std::int64_t{fork.child_tid}},
                    {"child_host_pid", "int", std::int64_t{fork.child_host_pid}},
                    {"child_host_tid", "int", std::int64_t{fork.child_host_tid}}};
      break;
    }
    case TRACKER_EVENT_PROCESS_EXEC:
      event.args = {{"pathname", "const char*",
                     bounded_string(raw.data.exec.filename, sizeof(raw.data.exec.filename))},
                    {"argv", "const char**", split_argv(raw.data.exec)}};
      break;
    case TRACKER_EVENT_PROCESS_EXIT: {
      std::int32_t status = raw.data.exit.exit_code;
      event.args = {{"exit_code", "int", std::int64_t{(status >> 8) & 0xff}},
                    {"signal", "int", std::int64_t{status & 0x7f}},
                    {"process_group_exit", "bool", raw.data.exit.group_exit != 0}};
      break;
    }
  }
}

std::optional<EventType> process_event_type(std::uint32_t type) {
  switch (type) {
    case TRACKER_EVENT_PROCESS_FORK:
      return EventType::sched_process_fork;
    case TRACKER_EVENT_PROCESS_EXEC:
      return EventType::sched_process_exec;
    case TRACKER_EVENT_PROCESS_EXIT:
      return EventType::sched_process_exit;
  }
  return std::nullopt;
}

}  // namespace

Pipeline::Pipeline(PipelineOptions options, TrackedHierarchy hierarchy, Printer& printer,
                   const MonotonicClock& clock)
    : options_(std::move(options)),
      hierarchy_(std::move(hierarchy)),
      printer_(&printer),
      monotonic_(clock) {
  registry_.set_containerd_tasks(ContainerdTasks());
}

void Pipeline::set_state_map(CgroupStateMap* map, std::uint32_t host_mnt_ns) {
  state_map_ = map;
  host_mnt_ns_ = host_mnt_ns;
}

void Pipeline::on_kernel_event(const tracker_event& event) {
  ++stats_.kernel_events;
  switch (event.type) {
    case TRACKER_EVENT_CGROUP_MKDIR:
      on_cgroup_mkdir(event);
      break;
    case TRACKER_EVENT_CGROUP_RMDIR:
      on_cgroup_rmdir(event);
      break;
    case TRACKER_EVENT_CGROUP_RENAME:
      on_cgroup_rename(event);
      break;
    case TRACKER_EVENT_OOM_KILL:
      if (auto container = registry_.find_by_cgroup(event.ctx.cgroup_id)) runtime_oom(container);
      break;
    default:
      on_process_event(event);
  }
}

tracker_container_state Pipeline::kernel_state(const ContainerRecord& container) const {
  if (container.origin == ContainerOrigin::existing) return TRACKER_CONTAINER_EXISTING;
  return container.started ? TRACKER_CONTAINER_STARTED : TRACKER_CONTAINER_CREATED;
}

void Pipeline::set_container_state(const ContainerRecord& container) {
  if (!state_map_) return;
  auto state = kernel_state(container);
  state_map_->set(container.cgroup_id, state, container.cgroup_id);
  for (auto sub : container.sub_cgroups) state_map_->set(sub, state, container.cgroup_id);
}

void Pipeline::mark_started(const std::shared_ptr<ContainerRecord>& container) {
  if (container->started || container->origin != ContainerOrigin::created) return;
  container->started = true;
  set_container_state(*container);
  updated(container);
}

// A path that filled the kernel's buffer may be cut, and a prefix can look like
// another cgroup's (".../docker/<id>" of ".../docker/<id>-not-a-container"):
// it is never classified, the path is read from cgroupfs by the cgroup's id.
std::optional<std::string> Pipeline::event_path(const tracker_event& event) {
  const auto& data = event.data.cgroup;
  std::string path = bounded_string(data.path, sizeof(data.path));
  if (!(event.flags & TRACKER_FLAG_PATH_TRUNCATED)) return path;
  auto full = resolve_path_ ? resolve_path_(data.cgroup_id)
                            : cgroup_path_of_id(hierarchy_.mount_point, hierarchy_.mount_root,
                                                data.cgroup_id);
  if (full) {
    ++stats_.cgroup_paths_resolved;
    return full;
  }
  ++stats_.cgroup_paths_unresolved;
  log(LogLevel::warning, "cgroup",
      "cgroup {}: the kernel cut its path ({} bytes: {}...) and it cannot be read from cgroupfs "
      "by its id; it is not classified",
      data.cgroup_id, path.size(), escape_for_display(bounded_utf8(path, 120)));
  return std::nullopt;
}

void Pipeline::on_cgroup_mkdir(const tracker_event& event) {
  const auto& data = event.data.cgroup;
  auto event_path_or_none = event_path(event);
  if (!event_path_or_none) {
    if (state_map_) state_map_->forget(data.cgroup_id);
    return;
  }
  const std::string& path = *event_path_or_none;
  std::int64_t timestamp = clock_.to_epoch_ns(event.ctx.timestamp_ns);
  auto added = registry_.add_cgroup(data.cgroup_id, path, ContainerOrigin::created, timestamp);
  if (added.already_known) return;
  if (added.displaced) displace(added.displaced, event.ctx, timestamp);
  if (!added.container) {
    if (state_map_) state_map_->forget(data.cgroup_id);
    if (added.orphan) {
      log(LogLevel::debug, "cgroup",
          "{}: inside a container tracker has not seen; reconcile requested",
          escape_for_display(path));
      reconcile_requested_ = true;
    }
    return;
  }

  bool started_in_kernel = false;
  if (state_map_) {
    auto value = state_map_->get(data.cgroup_id);
    started_in_kernel = value && value->state == TRACKER_CGROUP_PENDING_STARTED;
  }
  auto& container = *added.container;
  if (added.new_container && started_in_kernel && container.origin == ContainerOrigin::created)
    container.started = true;
  if (state_map_) state_map_->set(data.cgroup_id, kernel_state(container), container.cgroup_id);
  if (added.new_container)
    announce(added.container, EventType::container_create, event.ctx, timestamp);
  else if (started_in_kernel)
    mark_started(added.container);
}

void Pipeline::on_cgroup_rmdir(const tracker_event& event) {
  const auto& data = event.data.cgroup;
  if (state_map_) state_map_->forget(data.cgroup_id);
  auto removed = registry_.remove_cgroup(data.cgroup_id);
  if (removed.container)
    remove(removed.container, event.ctx, clock_.to_epoch_ns(event.ctx.timestamp_ns));
}

// A renamed cgroup (cgroup v1 only) keeps its id under a new name: what the old
// name made of it is undone as by rmdir, the new name classified as by mkdir,
// so a rename moves no cgroup into or out of a container unseen.
void Pipeline::on_cgroup_rename(const tracker_event& event) {
  const auto& data = event.data.cgroup;
  auto old = registry_.find_by_cgroup(data.cgroup_id);
  bool had_sub_cgroups =
      old && registry_.is_root_cgroup(data.cgroup_id) && !old->sub_cgroups.empty();
  auto removed = registry_.remove_cgroup(data.cgroup_id);
  if (removed.container)
    remove(removed.container, event.ctx, clock_.to_epoch_ns(event.ctx.timestamp_ns));
  on_cgroup_mkdir(event);
  if (had_sub_cgroups) reconcile_requested_ = true;  // they went with the old name
}

void Pipeline::on_process_event(const tracker_event& raw) {
  auto type = process_event_type(raw.type);
  if (!type) return;
  auto container = registry_.find_by_cgroup(raw.ctx.cgroup_id);
  if (container && raw.type == TRACKER_EVENT_PROCESS_EXEC) {
    bool starts = (raw.flags & TRACKER_FLAG_CONTAINER_STARTED) || raw.ctx.mnt_ns != host_mnt_ns_;
    if (starts && container->init_host_pid == 0) container->init_host_pid = raw.ctx.host_pid;
    if (starts && !container->started) mark_started(container);
  }
  if (container && raw.type == TRACKER_EVENT_PROCESS_EXIT && is_init_exit(*container, raw))
    init_exited(container, raw);

  if (!options_.events.contains(*type) || !options_.scope.matches_task(container.get())) return;
  Event event;
  event.type = *type;
  event.timestamp_ns = clock_.to_epoch_ns(raw.ctx.timestamp_ns);
  event.context = raw.ctx;
  event.container = std::move(container);
  add_process_args(event, raw);
  emit(std::move(event));
}

// The init of a container: the process whose exec started it, or the one its
// runtime names, and its whole thread group going (not one thread).
bool Pipeline::is_init_exit(const ContainerRecord& container, const tracker_event& raw) {
  if (container.exited || raw.ctx.host_pid != raw.ctx.host_tid) return false;
  auto init = container.init_host_pid ? container.init_host_pid
                                      : static_cast<std::uint32_t>(container.info.init_pid);
  // Unknown init: pid 1 of a pid namespace in the container's cgroup.
  if (init == 0) return (raw.flags & TRACKER_FLAG_CONTAINER_INIT) != 0;
  return raw.ctx.host_pid == init;
}

void Pipeline::init_exited(const std::shared_ptr<ContainerRecord>& container,
                           const tracker_event& raw) {
  std::int32_t status = raw.data.exit.exit_code;
  container->exit.signal = status & 0x7f;
  // As the runtimes report it: 128 + the signal that ended it, else its status.
  container->exit.code =
      container->exit.signal ? 128 + container->exit.signal : (status >> 8) & 0xff;
  end(container, raw.ctx, clock_.to_epoch_ns(raw.ctx.timestamp_ns));
}

void Pipeline::runtime_exited(const std::shared_ptr<ContainerRecord>& container, int exit_code) {
  if (container->exited || container->removed) return;
  container->exit.code = exit_code;
  container->exit.signal = exit_code > 128 && exit_code < 128 + 65 ? exit_code - 128 : 0;
  end(container, tracker_task_context{}, wall_clock_ns());
}

void Pipeline::runtime_oom(const std::shared_ptr<ContainerRecord>& container) {
  if (container->exit.oom_killed) return;
  container->exit.oom_killed = true;
  updated(container);
}

void Pipeline::runtime_health(const std::shared_ptr<ContainerRecord>& container,
                              const std::string& health) {
  if (container->info.health == health || container->exited || container->removed) return;
  container->info.health = health;
  updated(container);
  if (container->told != ContainerRecord::Told::added) return;
  for (auto* listener : listeners_) listener->container_health(container);
}

void Pipeline::end(const std::shared_ptr<ContainerRecord>& container,
                   const tracker_task_context& context, std::int64_t timestamp_ns) {
  container->exited = true;
  tell_listeners(container);
  if (!options_.events.contains(EventType::container_exit) ||
      !options_.scope.matches_lifecycle(*container))
    return;
  Event event;
  event.type = EventType::container_exit;
  event.timestamp_ns = timestamp_ns;
  event.context = context;
  event.container = container;
  emit(std::move(event));
}

// The one place listeners hear of a container: added, exited (if its init's
// end was seen), removed; once each and in that order; changes only in
// between (Pipeline::updated).
void Pipeline::tell_listeners(const std::shared_ptr<ContainerRecord>& container) {
  using Told = ContainerRecord::Told;
  if (container->told == Told::nothing) {
    container->told = Told::added;
    for (auto* listener : listeners_) listener->container_added(container);
  }
  if (container->exited && container->told == Told::added) {
    container->told = Told::exited;
    for (auto* listener : listeners_) listener->container_exited(container);
  }
  if (container->removed && container->told != Told::removed) {
    container->told = Told::removed;
    for (auto* listener : listeners_) listener->container_removed(container);
  }
}

void Pipeline::updated(const std::shared_ptr<ContainerRecord>& container) {
  using Told = ContainerRecord::Told;
  if ((container->told != Told::added && container->told != Told::exited) || container->removed)
    return;
  for (auto* listener : listeners_) listener->container_changed(container);
}

void Pipeline::announce(const std::shared_ptr<ContainerRecord>& container, EventType type,
                        const tracker_task_context& context, std::int64_t timestamp_ns) {
  // A machine's path names it: enough without machined.
  if (container->info.name.empty() && !container->ref.name.empty())
    container->info.name = sanitize_string(container->ref.name, kMaxNameBytes);
  container->enrichment = enrichment_ ? enrichment_->track(container) : EnrichmentState::off;
  if (container->enrichment != EnrichmentState::pending) tell_listeners(container);
  if (!options_.events.contains(type) || !options_.scope.matches_lifecycle(*container)) return;
  Event event;
  event.type = type;
  event.timestamp_ns = timestamp_ns;
  event.context = context;
  event.container = container;
  emit(std::move(event));
}

void Pipeline::remove(const std::shared_ptr<ContainerRecord>& container,
                      const tracker_task_context& context, std::int64_t timestamp_ns) {
  if (enrichment_) enrichment_->forget(container);
  if (container->announced()) tell_listeners(container);  // tells them it is gone
  if (!options_.events.contains(EventType::container_remove) ||
      !options_.scope.matches_lifecycle(*container))
    return;
  Event event;
  event.type = EventType::container_remove;
  event.timestamp_ns = timestamp_ns;
  event.context = context;
  event.container = container;
  emit(std::move(event));
}

// `container` lost its id to another cgroup (Registry::Added::displaced): none
// of its cgroups is a container's for the kernel now, and it is removed.
void Pipeline::displace(const std::shared_ptr<ContainerRecord>& container,
                        const tracker_task_context& context, std::int64_t timestamp_ns) {
  if (state_map_) {
    state_map_->forget(container->cgroup_id);
    for (auto sub : container->sub_cgroups) state_map_->forget(sub);
  }
  remove(container, context, timestamp_ns);
}

void Pipeline::emit(Event event) {
  const auto& container = event.container;
  if (container &&
      (container->enrichment == EnrichmentState::pending || held_.count(container->id()))) {
    hold(std::move(event));
    return;
  }
  printer_->print(event);
  ++stats_.printed;
}

void Pipeline::hold(Event event) {
  auto id = event.container->id();
  auto held = held_.find(id);
  if (held == held_.end()) {
    held = held_.emplace(id, Held{}).first;
    held->second.deadline = monotonic_.now() + options_.hold_timeout;
  }
  held->second.events.push_back(std::move(event));
  ++held_total_;
  ++stats_.held;
  if (held->second.events.size() > options_.hold_limit) {
    ++stats_.held_released_early;
    print_held(id);
  } else if (held_total_ > options_.hold_total_limit) {
    release_oldest_held();
  }
}

void Pipeline::print_held(const std::string& container_id) {
  auto held = held_.find(container_id);
  if (held == held_.end()) return;
  auto events = std::move(held->second.events);
  held_.erase(held);
  held_total_ -= events.size();
  for (auto& event : events) {
    printer_->print(event);
    ++stats_.printed;
  }
}

// Past the cap on all held events, the container that has waited longest goes first.
void Pipeline::release_oldest_held() {
  auto oldest = std::min_element(held_.begin(), held_.end(), [](const auto& a, const auto& b) {
    return a.second.deadline < b.second.deadline;
  });
  if (oldest == held_.end()) return;
  ++stats_.held_released_early;
  print_held(std::string(oldest->first));
}

bool Pipeline::apply_info(ContainerRecord& container, ContainerInfo info) {
  if (info.id.empty()) info.id = container.id();
  // What the full answer lacks and a partial one had (a best-effort image
  // lookup that failed this time) is kept.
  if (info.image_digest.empty() && info.image_id == container.info.image_id)
    info.image_digest = container.info.image_digest;
  if (container.info == info) return false;
  container.info = std::move(info);
  return true;
}

void Pipeline::enrichment_progress(const std::shared_ptr<ContainerRecord>& container,
                                   EnrichmentState state, const ContainerInfo* info) {
  bool changed = info && apply_info(*container, *info);
  changed |= std::exchange(container->enrichment, state) != state;
  if (state == EnrichmentState::pending) return;
  bool already_told = container->announced();
  tell_listeners(container);
  print_held(container->id());
  if (changed && already_told) updated(container);
}

void Pipeline::release_expired() {
  if (held_.empty()) return;
  auto now = monotonic_.now();
  std::vector<std::shared_ptr<const ContainerRecord>> expired;
  for (auto& [id, held] : held_)
    if (held.deadline <= now && !held.events.empty())
      expired.push_back(held.events.front().container);
  for (auto& container : expired) {
    ++stats_.held_released_early;
    print_held(container->id());
    if (auto record = registry_.find_by_id(container->id())) tell_listeners(record);
  }
}

bool Pipeline::scan_existing(std::string& error) {
  std::int64_t now = wall_clock_ns();
  tracker_task_context nobody{};
  return walk_cgroups(
      hierarchy_.mount_point, hierarchy_.mount_root,
      [&](const CgroupDir& dir) {
        auto added = registry_.add_cgroup(dir.cgroup_id, dir.path, ContainerOrigin::existing, 0);
        if (added.displaced) displace(added.displaced, nobody, now);
        if (!added.container || added.already_known) return;
        auto& container = *added.container;
        if (state_map_)
          state_map_->set(dir.cgroup_id, kernel_state(container), container.cgroup_id);
        if (added.new_container) {
          container.created_ns = dir.ctime_ns;
          announce(added.container, EventType::existing_container, nobody, now);
        }
      },
      error);
}

bool Pipeline::reconcile() {
  ++stats_.reconciles;
  std::int64_t now = wall_clock_ns();
  tracker_task_context nobody{};
  std::unordered_set<std::uint64_t> present;
  std::unordered_set<std::uint64_t> container_cgroups;
  std::string error;
  bool walked = walk_cgroups(
      hierarchy_.mount_point, hierarchy_.mount_root,
      [&](const CgroupDir& dir) {
        present.insert(dir.cgroup_id);
        auto added = registry_.add_cgroup(dir.cgroup_id, dir.path, ContainerOrigin::created, now);
        if (added.displaced) displace(added.displaced, nobody, now);
        if (!added.container) return;
        container_cgroups.insert(dir.cgroup_id);
        if (added.already_known) return;
        auto& container = *added.container;
        if (added.new_container) {
          container.created_ns = dir.ctime_ns;
          container.started = cgroup_has_processes(dir.directory);
        }
        if (state_map_)
          state_map_->set(dir.cgroup_id, kernel_state(container), container.cgroup_id);
        if (added.new_container)
          announce(added.container, EventType::container_create, nobody, now);
      },
      error);
  if (!walked) {
    log(LogLevel::warning, "cgroup", "cannot reconcile: {}", error);
    return false;
  }
  registry_.prune_lookalikes(
      [&](std::uint64_t cgroup_id) { return present.count(cgroup_id) != 0; });

  std::vector<std::uint64_t> gone;
  registry_.for_each([&](const std::shared_ptr<ContainerRecord>& container) {
    if (!present.count(container->cgroup_id)) gone.push_back(container->cgroup_id);
    for (auto sub : container->sub_cgroups)
      if (!present.count(sub)) gone.push_back(sub);
  });
  for (auto cgroup_id : gone) {
    auto removed = registry_.remove_cgroup(cgroup_id);
    if (removed.container) remove(removed.container, nobody, now);
  }

  if (!state_map_) return true;
  for (auto cgroup_id : state_map_->ids()) {
    auto value = state_map_->get(cgroup_id);
    bool pending = value && (value->state == TRACKER_CGROUP_PENDING ||
                             value->state == TRACKER_CGROUP_PENDING_STARTED);
    bool stale = present.count(cgroup_id) ? !container_cgroups.count(cgroup_id) : !pending;
    if (stale) state_map_->forget(cgroup_id);
  }
  return true;
}

}  // namespace tracker
