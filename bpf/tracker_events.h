/* Structures shared by the BPF programs and user space. Plain C, fixed sizes. */
#ifndef TRACKER_EVENTS_H
#define TRACKER_EVENTS_H

#ifndef __VMLINUX_H__
#include <linux/types.h>
#endif

#define TRACKER_COMM_LEN 16
/* The longest cgroup path a record carries (PATH_MAX). */
#define TRACKER_CGROUP_PATH_MAX 4096
/* The kernel hands its cgroup tracepoints a path of at most this many bytes
 * with the NUL (TRACE_CGROUP_PATH_LEN, kernel/cgroup/cgroup-internal.h) and
 * cuts longer ones: a path that fills it may be cut. */
#define TRACKER_KERNEL_CGROUP_PATH_LEN 1024
#define TRACKER_FILENAME_LEN 256
#define TRACKER_ARGV_LEN 256

enum tracker_event_type {
  TRACKER_EVENT_CGROUP_MKDIR = 1,
  TRACKER_EVENT_CGROUP_RMDIR = 2,
  TRACKER_EVENT_PROCESS_FORK = 3,
  TRACKER_EVENT_PROCESS_EXEC = 4,
  TRACKER_EVENT_PROCESS_EXIT = 5,
  TRACKER_EVENT_CGROUP_RENAME = 6, /* cgroup v1 only: v2 refuses rename(2) */
  TRACKER_EVENT_OOM_KILL = 7,      /* the OOM killer chose a victim in a container */
};

/* Bits of tracker_config.event_mask */
#define TRACKER_MASK(type) (1u << (type))

/* Value kinds of the containers map. */
enum tracker_container_state {
  TRACKER_CGROUP_PENDING = 1,         /* new cgroup, user space has not classified it yet */
  TRACKER_CGROUP_PENDING_STARTED = 2, /* pending, and a process exec'd in a new mount ns */
  TRACKER_CONTAINER_EXISTING = 3,     /* found by the start-up walk */
  TRACKER_CONTAINER_CREATED = 4,      /* created while tracker ran */
  TRACKER_CONTAINER_STARTED = 5,      /* created, and its first process exec'd */
};

enum tracker_scope_mode {
  TRACKER_SCOPE_ALL = 0,
  TRACKER_SCOPE_CONTAINER = 1,
  TRACKER_SCOPE_CONTAINER_NEW = 2,
  TRACKER_SCOPE_CONTAINER_STARTED = 3,
  TRACKER_SCOPE_NOT_CONTAINER = 4,
};

/* Event flags */
#define TRACKER_FLAG_CONTAINER_STARTED 1u /* this exec started its container */
#define TRACKER_FLAG_PATH_TRUNCATED 2u    /* cgroup events: the path may be cut */
#define TRACKER_FLAG_STATE_UNRECORDED 4u  /* cgroup events: the containers map refused the cgroup */
#define TRACKER_FLAG_CONTAINER_INIT 8u     /* exit: a container's init (pid 1 of its pid ns) */

struct tracker_container_value {
  __u32 state;
  __u32 pad;
  __u64 root_cgroup_id; /* the container's own cgroup (itself for a root) */
};

struct tracker_config {
  __u32 scope_mode;
  __u32 event_mask;
  __u32 host_mnt_ns;
  __u32 pad;
};

struct tracker_task_context {
  __u64 timestamp_ns; /* CLOCK_BOOTTIME */
  __u64 cgroup_id;
  __u32 host_pid;
  __u32 host_tid;
  __u32 host_ppid;
  __u32 pid;
  __u32 tid;
  __u32 ppid;
  __u32 uid;
  __u32 mnt_ns;
  __u32 pid_ns;
  __u32 pad;
  char comm[TRACKER_COMM_LEN];
};

struct tracker_cgroup_data {
  __u64 cgroup_id;
  __u32 hierarchy_id;
  __u32 path_len; /* bytes of path before its NUL */
  char path[TRACKER_CGROUP_PATH_MAX]; /* a record holds path_len + 1 bytes of it */
};

struct tracker_fork_data {
  __u32 child_host_pid;
  __u32 child_host_tid;
  __u32 child_pid;
  __u32 child_tid;
};

struct tracker_exec_data {
  __u32 argv_len; /* bytes used in argv: NUL-separated arguments */
  __u32 pad;
  char filename[TRACKER_FILENAME_LEN];
  char argv[TRACKER_ARGV_LEN];
};

struct tracker_exit_data {
  __s32 exit_code;
  __u32 group_exit;
};

/* ctx.cgroup_id is the victim's cgroup; ctx's task is the one that ran out. */
struct tracker_oom_data {
  __u32 victim_host_pid;
  __u32 pad;
};

/* A record in the ring buffer is the prefix of struct tracker_event that its
 * type uses: the header, then that type's data (a cgroup event's up to the
 * NUL of its path). Fork and exit records are ~100 bytes, not sizeof. */
struct tracker_event {
  __u32 type;
  __u32 flags;
  struct tracker_task_context ctx;
  union {
    struct tracker_cgroup_data cgroup;
    struct tracker_fork_data fork;
    struct tracker_exec_data exec;
    struct tracker_exit_data exit;
    struct tracker_oom_data oom;
  } data;
};

#define TRACKER_EVENT_HEADER_SIZE __builtin_offsetof(struct tracker_event, data)
#define TRACKER_FORK_RECORD_SIZE (TRACKER_EVENT_HEADER_SIZE + sizeof(struct tracker_fork_data))
#define TRACKER_EXEC_RECORD_SIZE (TRACKER_EVENT_HEADER_SIZE + sizeof(struct tracker_exec_data))
#define TRACKER_EXIT_RECORD_SIZE (TRACKER_EVENT_HEADER_SIZE + sizeof(struct tracker_exit_data))
#define TRACKER_OOM_RECORD_SIZE (TRACKER_EVENT_HEADER_SIZE + sizeof(struct tracker_oom_data))
/* A cgroup record whose path takes `path_bytes` bytes with its NUL. */
#define TRACKER_CGROUP_RECORD_SIZE(path_bytes) \
  (TRACKER_EVENT_HEADER_SIZE + __builtin_offsetof(struct tracker_cgroup_data, path) + (path_bytes))

#endif
