// SPDX-License-Identifier: GPL-2.0
/* tracker's kernel side: cgroup and process lifecycle tracepoints.
 *
 * Every program exists twice, as tp_btf and as raw_tp; user space loads the
 * tp_btf set and falls back to raw_tp where BTF-typed tracepoints are refused.
 * All kernel memory is read with BPF_CORE_READ so one body serves both. */
#include "vmlinux.h"

#include <bpf/bpf_core_read.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

#include "tracker_events.h"

char LICENSE[] SEC("license") = "GPL";

/* Fixed at load time: which cgroup hierarchy is tracked (see src/cgroup/hierarchy.cpp). */
const volatile __u32 tracked_hierarchy_id = 0;
/* 0: the v2 (default) hierarchy; otherwise the v1 controller whose cgroup is used. */
const volatile __u32 tracked_v1_controller = 0;
#define V1_MEMORY 1
#define V1_CPUSET 2
#define V1_PIDS 3
#define V1_CPU 4

/* Changed at run time by user space (mmapped .bss). */
struct tracker_config tracker_config = {};

/* Records that found no room in the ring, by kind: a lost cgroup event makes
 * user space reconcile with cgroupfs, a lost process event does not. */
__u64 cgroup_events_lost = 0;
__u64 process_events_lost = 0;

/* Updates of `containers` that failed (the map was full), and those of them
 * whose cgroup event was lost too. Each is counted after its event went out. */
__u64 state_map_failures = 0;
__u64 state_map_failures_unreported = 0;
/* Written by user space: the failures it has dealt with, and how many cgroups
 * it could not record itself. Until both say all is recorded, a cgroup
 * without an entry may be a container's: its events go to user space, which
 * filters them with its registry, instead of being dropped here. */
__u64 state_map_settled = 0;
__u32 state_map_unrecorded = 0;

struct {
  __uint(type, BPF_MAP_TYPE_RINGBUF);
  __uint(max_entries, 4 * 1024 * 1024);
} events SEC(".maps");

/* Size set at load time (ProbeOptions::state_map_entries). No LRU: an evicted
 * container would silently lose its events under a container scope. */
struct {
  __uint(type, BPF_MAP_TYPE_HASH);
  __uint(max_entries, 131072);
  __uint(map_flags, BPF_F_NO_PREALLOC);
  __type(key, __u64);
  __type(value, struct tracker_container_value);
} containers SEC(".maps");

/* Where a cgroup event is put together: its path is read first, then only the
 * bytes it takes go to the ring. */
struct {
  __uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
  __uint(max_entries, 1);
  __type(key, __u32);
  __type(value, struct tracker_event);
} cgroup_scratch SEC(".maps");

static __always_inline int v1_subsys_id(void)
{
  switch (tracked_v1_controller) {
  case V1_MEMORY:
    if (bpf_core_enum_value_exists(enum cgroup_subsys_id, memory_cgrp_id))
      return bpf_core_enum_value(enum cgroup_subsys_id, memory_cgrp_id);
    break;
  case V1_CPUSET:
    if (bpf_core_enum_value_exists(enum cgroup_subsys_id, cpuset_cgrp_id))
      return bpf_core_enum_value(enum cgroup_subsys_id, cpuset_cgrp_id);
    break;
  case V1_PIDS:
    if (bpf_core_enum_value_exists(enum cgroup_subsys_id, pids_cgrp_id))
      return bpf_core_enum_value(enum cgroup_subsys_id, pids_cgrp_id);
    break;
  case V1_CPU:
    if (bpf_core_enum_value_exists(enum cgroup_subsys_id, cpu_cgrp_id))
      return bpf_core_enum_value(enum cgroup_subsys_id, cpu_cgrp_id);
    break;
  }
  return -1;
}

static __always_inline __u64 v1_cgroup_id(struct task_struct *task)
{
  int id = v1_subsys_id();
  if (id < 0 || id >= 16)
    return 0;
  struct css_set *cset = BPF_CORE_READ(task, cgroups);
  struct cgroup_subsys_state *css = NULL;
  bpf_core_read(&css, sizeof(css), &cset->subsys[id]);
  return BPF_CORE_READ(css, cgroup, kn, id);
}

static __always_inline __u64 current_cgroup_id(struct task_struct *task)
{
  if (tracked_v1_controller == 0)
    return bpf_get_current_cgroup_id();
  return v1_cgroup_id(task);
}

/* Any task's cgroup in the tracked hierarchy, not only current's. */
static __always_inline __u64 task_cgroup_id(struct task_struct *task)
{
  if (tracked_v1_controller == 0)
    return BPF_CORE_READ(task, cgroups, dfl_cgrp, kn, id);
  return v1_cgroup_id(task);
}

/* The number a pid has in the namespace at `level`, 0 when not visible there. */
static __always_inline __u32 pid_nr_at(struct pid *pid, unsigned int level, void *ns)
{
  if (!pid || BPF_CORE_READ(pid, level) < level)
    return 0;
  if (BPF_CORE_READ(pid, numbers[level].ns) != ns)
    return 0;
  return BPF_CORE_READ(pid, numbers[level].nr);
}

static __always_inline void fill_context(struct tracker_task_context *c, struct task_struct *task,
                                         __u64 cgroup_id)
{
  __u64 pid_tgid = bpf_get_current_pid_tgid();
  struct pid *thread_pid = BPF_CORE_READ(task, thread_pid);
  unsigned int level = BPF_CORE_READ(thread_pid, level);
  struct pid_namespace *pid_ns = BPF_CORE_READ(thread_pid, numbers[level].ns);
  struct task_struct *leader = BPF_CORE_READ(task, group_leader);
  struct task_struct *parent = BPF_CORE_READ(task, real_parent);

  c->timestamp_ns = bpf_ktime_get_boot_ns();
  c->cgroup_id = cgroup_id;
  c->host_pid = pid_tgid >> 32;
  c->host_tid = (__u32)pid_tgid;
  c->host_ppid = BPF_CORE_READ(parent, tgid);
  c->tid = BPF_CORE_READ(thread_pid, numbers[level].nr);
  c->pid = pid_nr_at(BPF_CORE_READ(leader, thread_pid), level, pid_ns);
  c->ppid = pid_nr_at(BPF_CORE_READ(parent, thread_pid), level, pid_ns);
  c->uid = (__u32)bpf_get_current_uid_gid();
  c->mnt_ns = BPF_CORE_READ(task, nsproxy, mnt_ns, ns.inum);
  c->pid_ns = BPF_CORE_READ(pid_ns, ns.inum);
  bpf_get_current_comm(c->comm, sizeof(c->comm));
}

/* A process event's record, sized by its type. */
static __always_inline struct tracker_event *reserve_event(__u32 type, __u64 size)
{
  struct tracker_event *e = bpf_ringbuf_reserve(&events, size, 0);
  if (!e) {
    __sync_fetch_and_add(&process_events_lost, 1);
    return NULL;
  }
  e->type = type;
  e->flags = 0;
  return e;
}

static __always_inline bool state_map_degraded(void)
{
  return state_map_failures != state_map_settled || state_map_unrecorded != 0;
}

static __always_inline bool is_pending(__u32 state)
{
  return state == TRACKER_CGROUP_PENDING || state == TRACKER_CGROUP_PENDING_STARTED;
}

/* The state of the container a cgroup belongs to; 0 for no container. */
static __always_inline __u32 container_state(__u64 cgroup_id,
                                             struct tracker_container_value **self)
{
  struct tracker_container_value *v = bpf_map_lookup_elem(&containers, &cgroup_id);
  *self = v;
  if (!v)
    return 0;
  if (v->root_cgroup_id == cgroup_id || is_pending(v->state))
    return v->state;
  __u64 root_id = v->root_cgroup_id;
  struct tracker_container_value *root = bpf_map_lookup_elem(&containers, &root_id);
  return root ? root->state : v->state;
}

/* Conservative: whatever user space has not classified yet passes, it filters exactly. */
static __always_inline bool scope_passes(__u32 state)
{
  __u32 mode = tracker_config.scope_mode;
  if (mode == TRACKER_SCOPE_ALL || is_pending(state))
    return true;
  if (state == 0 && state_map_degraded())
    return true; /* perhaps a container the map could not hold */
  switch (mode) {
  case TRACKER_SCOPE_CONTAINER:
    return state != 0;
  case TRACKER_SCOPE_CONTAINER_NEW:
    return state == TRACKER_CONTAINER_CREATED || state == TRACKER_CONTAINER_STARTED;
  case TRACKER_SCOPE_CONTAINER_STARTED:
    return state == TRACKER_CONTAINER_STARTED;
  case TRACKER_SCOPE_NOT_CONTAINER:
    return state == 0;
  }
  return true;
}

static __always_inline bool event_wanted(__u32 type)
{
  return tracker_config.event_mask & TRACKER_MASK(type);
}

/* Sends a cgroup event; false when the ring had no room for it. */
static __always_inline bool submit_cgroup_event(__u32 type, __u32 flags, __u64 cgroup_id,
                                                const char *path)
{
  __u32 zero = 0;
  struct tracker_event *e = bpf_map_lookup_elem(&cgroup_scratch, &zero);
  if (!e)
    return false;
  struct task_struct *task = (struct task_struct *)bpf_get_current_task();
  e->type = type;
  fill_context(&e->ctx, task, current_cgroup_id(task));
  e->data.cgroup.cgroup_id = cgroup_id;
  e->data.cgroup.hierarchy_id = tracked_hierarchy_id;
  long bytes = bpf_probe_read_kernel_str(e->data.cgroup.path, TRACKER_CGROUP_PATH_MAX, path);
  if (bytes <= 0) {
    e->data.cgroup.path[0] = 0;
    bytes = 1;
    flags |= TRACKER_FLAG_PATH_TRUNCATED; /* unreadable: user space looks it up by id */
  }
  if (bytes >= TRACKER_KERNEL_CGROUP_PATH_LEN)
    flags |= TRACKER_FLAG_PATH_TRUNCATED; /* it filled the kernel's buffer, or ours */
  if (bytes > TRACKER_CGROUP_PATH_MAX)
    bytes = TRACKER_CGROUP_PATH_MAX;
  e->flags = flags;
  e->data.cgroup.path_len = bytes - 1;
  if (bpf_ringbuf_output(&events, e, TRACKER_CGROUP_RECORD_SIZE(bytes), 0) != 0) {
    __sync_fetch_and_add(&cgroup_events_lost, 1);
    return false;
  }
  return true;
}

/* mkdir, and rename (v1): the cgroup is pending until user space has
 * classified its (new) path, or it joins the known container it lies in. */
static __always_inline int on_cgroup_named(__u32 type, struct cgroup *cgrp, const char *path)
{
  if (BPF_CORE_READ(cgrp, root, hierarchy_id) != tracked_hierarchy_id)
    return 0;

  __u64 cgroup_id = BPF_CORE_READ(cgrp, kn, id);
  __u64 parent_id = BPF_CORE_READ(cgrp, self.parent, cgroup, kn, id);
  struct tracker_container_value value = {
      .state = TRACKER_CGROUP_PENDING,
      .root_cgroup_id = cgroup_id,
  };
  struct tracker_container_value *parent = bpf_map_lookup_elem(&containers, &parent_id);
  if (parent && !is_pending(parent->state))
    value = *parent; /* a sub-cgroup of a known container */
  bool recorded = bpf_map_update_elem(&containers, &cgroup_id, &value, BPF_ANY) == 0;
  bool sent =
      submit_cgroup_event(type, recorded ? 0 : TRACKER_FLAG_STATE_UNRECORDED, cgroup_id, path);
  if (!recorded) {
    /* Counted once the event is out, so that user space, having read every
     * flagged event up to this count, knows it has seen them all. */
    if (!sent)
      __sync_fetch_and_add(&state_map_failures_unreported, 1);
    __sync_fetch_and_add(&state_map_failures, 1);
  }
  return 0;
}

static __always_inline int on_cgroup_rmdir(struct cgroup *cgrp, const char *path)
{
  if (BPF_CORE_READ(cgrp, root, hierarchy_id) != tracked_hierarchy_id)
    return 0;

  __u64 cgroup_id = BPF_CORE_READ(cgrp, kn, id);
  bpf_map_delete_elem(&containers, &cgroup_id);
  submit_cgroup_event(TRACKER_EVENT_CGROUP_RMDIR, 0, cgroup_id, path);
  return 0;
}

static __always_inline int on_process_fork(struct task_struct *parent, struct task_struct *child)
{
  if (!event_wanted(TRACKER_EVENT_PROCESS_FORK))
    return 0;
  struct task_struct *task = (struct task_struct *)bpf_get_current_task();
  __u64 cgroup_id = current_cgroup_id(task);
  struct tracker_container_value *self;
  if (!scope_passes(container_state(cgroup_id, &self)))
    return 0;

  struct tracker_event *e = reserve_event(TRACKER_EVENT_PROCESS_FORK, TRACKER_FORK_RECORD_SIZE);
  if (!e)
    return 0;
  fill_context(&e->ctx, task, cgroup_id);
  struct pid *child_pid = BPF_CORE_READ(child, thread_pid);
  unsigned int level = BPF_CORE_READ(child_pid, level);
  struct pid_namespace *ns = BPF_CORE_READ(child_pid, numbers[level].ns);
  e->data.fork.child_host_pid = BPF_CORE_READ(child, tgid);
  e->data.fork.child_host_tid = BPF_CORE_READ(child, pid);
  e->data.fork.child_tid = BPF_CORE_READ(child_pid, numbers[level].nr);
  e->data.fork.child_pid =
      pid_nr_at(BPF_CORE_READ(child, group_leader, thread_pid), level, ns);
  bpf_ringbuf_submit(e, 0);
  return 0;
}

static __always_inline int on_process_exec(struct task_struct *task, struct linux_binprm *bprm)
{
  __u64 cgroup_id = current_cgroup_id(task);
  struct tracker_container_value *self;
  __u32 state = container_state(cgroup_id, &self);
  __u32 mnt_ns = BPF_CORE_READ(task, nsproxy, mnt_ns, ns.inum);
  __u32 flags = 0;

  /* "Started": the first exec in a new mount namespace inside a created container. */
  if (self && mnt_ns != tracker_config.host_mnt_ns) {
    if (state == TRACKER_CONTAINER_CREATED) {
      __u64 root_id = self->root_cgroup_id;
      struct tracker_container_value *root = bpf_map_lookup_elem(&containers, &root_id);
      if (root)
        root->state = TRACKER_CONTAINER_STARTED;
      self->state = TRACKER_CONTAINER_STARTED;
      state = TRACKER_CONTAINER_STARTED;
      flags = TRACKER_FLAG_CONTAINER_STARTED;
    } else if (self->state == TRACKER_CGROUP_PENDING) {
      self->state = TRACKER_CGROUP_PENDING_STARTED;
      flags = TRACKER_FLAG_CONTAINER_STARTED;
    }
  }

  /* A start is always reported: user space keeps its registry from it. So is
   * what may be one in a container the map could not hold. */
  bool maybe_start = !self && mnt_ns != tracker_config.host_mnt_ns && state_map_degraded();
  if (!flags && !maybe_start &&
      (!event_wanted(TRACKER_EVENT_PROCESS_EXEC) || !scope_passes(state)))
    return 0;

  struct tracker_event *e = reserve_event(TRACKER_EVENT_PROCESS_EXEC, TRACKER_EXEC_RECORD_SIZE);
  if (!e)
    return 0;
  e->flags = flags;
  fill_context(&e->ctx, task, cgroup_id);
  bpf_probe_read_kernel_str(e->data.exec.filename, sizeof(e->data.exec.filename),
                            BPF_CORE_READ(bprm, filename));
  unsigned long arg_start = BPF_CORE_READ(task, mm, arg_start);
  unsigned long arg_end = BPF_CORE_READ(task, mm, arg_end);
  __u32 len = 0;
  if (arg_end > arg_start) {
    unsigned long span = arg_end - arg_start;
    len = span > TRACKER_ARGV_LEN ? TRACKER_ARGV_LEN : (__u32)span;
  }
  if (len && bpf_probe_read_user(e->data.exec.argv, len & (2 * TRACKER_ARGV_LEN - 1),
                                 (void *)arg_start) != 0)
    len = 0;
  e->data.exec.argv_len = len;
  bpf_ringbuf_submit(e, 0);
  return 0;
}

/* The whole process of pid 1 in a pid namespace of its own: a container's init. */
static __always_inline bool is_namespace_init(struct task_struct *task)
{
  __u64 pid_tgid = bpf_get_current_pid_tgid();
  if ((__u32)pid_tgid != pid_tgid >> 32)
    return false;
  struct pid *thread_pid = BPF_CORE_READ(task, thread_pid);
  unsigned int level = BPF_CORE_READ(thread_pid, level);
  return level > 0 && BPF_CORE_READ(thread_pid, numbers[level].nr) == 1;
}

static __always_inline int on_process_exit(struct task_struct *task)
{
  __u64 cgroup_id = current_cgroup_id(task);
  struct tracker_container_value *self;
  __u32 state = container_state(cgroup_id, &self);
  /* How a container ended is always told, whatever the events and scope. */
  __u32 flags = state && !is_pending(state) && is_namespace_init(task) ? TRACKER_FLAG_CONTAINER_INIT : 0;
  if (!flags && (!event_wanted(TRACKER_EVENT_PROCESS_EXIT) || !scope_passes(state)))
    return 0;

  struct tracker_event *e = reserve_event(TRACKER_EVENT_PROCESS_EXIT, TRACKER_EXIT_RECORD_SIZE);
  if (!e)
    return 0;
  e->flags = flags;
  fill_context(&e->ctx, task, cgroup_id);
  e->data.exit.exit_code = BPF_CORE_READ(task, exit_code);
  e->data.exit.group_exit = BPF_CORE_READ(task, signal, live.counter) == 0;
  bpf_ringbuf_submit(e, 0);
  return 0;
}

/* The OOM killer's victim, told when it lies in a known container. Kernels
 * before 6.8 pass the victim's pid and run this in the task that ran out of
 * memory, which a memory cgroup's OOM puts in the same cgroup; later kernels
 * pass the victim itself. */
SEC("raw_tp/mark_victim")
int raw_tp_mark_victim(struct bpf_raw_tracepoint_args *args)
{
  struct task_struct *current = (struct task_struct *)bpf_get_current_task();
  __u64 cgroup_id;
  __u32 victim;
  if (bpf_core_field_exists(struct trace_event_raw_mark_victim, total_vm)) {
    struct task_struct *task = (struct task_struct *)args->args[0];
    cgroup_id = task_cgroup_id(task);
    victim = BPF_CORE_READ(task, tgid);
  } else {
    cgroup_id = current_cgroup_id(current);
    victim = (__u32)args->args[0];
  }
  struct tracker_container_value *self;
  __u32 state = container_state(cgroup_id, &self);
  if (!state || is_pending(state))
    return 0;
  struct tracker_event *e = reserve_event(TRACKER_EVENT_OOM_KILL, TRACKER_OOM_RECORD_SIZE);
  if (!e)
    return 0;
  e->flags = 0;
  fill_context(&e->ctx, current, cgroup_id);
  e->data.oom.victim_host_pid = victim;
  e->data.oom.pad = 0;
  bpf_ringbuf_submit(e, 0);
  return 0;
}

#define TRACKER_PROGRAMS(kind)                                                            \
  SEC(#kind "/cgroup_mkdir")                                                              \
  int BPF_PROG(kind##_cgroup_mkdir, struct cgroup *cgrp, const char *path)                \
  {                                                                                       \
    return on_cgroup_named(TRACKER_EVENT_CGROUP_MKDIR, cgrp, path);                       \
  }                                                                                       \
  SEC(#kind "/cgroup_rename")                                                             \
  int BPF_PROG(kind##_cgroup_rename, struct cgroup *cgrp, const char *path)               \
  {                                                                                       \
    return on_cgroup_named(TRACKER_EVENT_CGROUP_RENAME, cgrp, path);                      \
  }                                                                                       \
  SEC(#kind "/cgroup_rmdir")                                                              \
  int BPF_PROG(kind##_cgroup_rmdir, struct cgroup *cgrp, const char *path)                \
  {                                                                                       \
    return on_cgroup_rmdir(cgrp, path);                                                   \
  }                                                                                       \
  SEC(#kind "/sched_process_fork")                                                        \
  int BPF_PROG(kind##_sched_process_fork, struct task_struct *parent,                     \
               struct task_struct *child)                                                 \
  {                                                                                       \
    return on_process_fork(parent, child);                                                \
  }                                                                                       \
  SEC(#kind "/sched_process_exec")                                                        \
  int BPF_PROG(kind##_sched_process_exec, struct task_struct *p, pid_t old_pid,           \
               struct linux_binprm *bprm)                                                 \
  {                                                                                       \
    return on_process_exec(p, bprm);                                                      \
  }                                                                                       \
  SEC(#kind "/sched_process_exit")                                                        \
  int BPF_PROG(kind##_sched_process_exit, struct task_struct *p)                          \
  {                                                                                       \
    return on_process_exit(p);                                                            \
  }

TRACKER_PROGRAMS(tp_btf)
TRACKER_PROGRAMS(raw_tp)
