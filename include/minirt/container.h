/* SPDX-License-Identifier: Apache-2.0 */
#ifndef MINIRT_CONTAINER_H
#define MINIRT_CONTAINER_H

/* The lifecycle API that the minirt CLI calls.  One function per command;
 * each takes the global context (parsed from the global flags) and the
 * command's own options, and returns 0 or a negative value with *err set. */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "minirt/error.h"
#include "minirt/log.h"
#include "minirt/spec.h"

enum mrt_cgroup_manager
{
  MRT_CGROUP_MANAGER_CGROUPFS,
  MRT_CGROUP_MANAGER_SYSTEMD,
  MRT_CGROUP_MANAGER_DISABLED
};

/* Global flags. */
struct mrt_context
{
  const char *state_root; /* --root, default /run/minirt or $XDG_RUNTIME_DIR/minirt */
  struct mrt_log *log;
  bool debug;
  enum mrt_cgroup_manager cgroup_manager; /* --systemd-cgroup / --cgroup-manager */
  const char *cache_dir;                  /* compiled seccomp filters (never under state_root); NULL: none */
  bool rootless_cgroups;                  /* --rootless: survive cgroup permission errors (runc's RootlessCgroups) */
};

struct mrt_create_options
{
  const char *id;
  const char *bundle;      /* default: current directory */
  const char *config_file; /* default: <bundle>/config.json */
  const char *pid_file;
  const char *console_socket;
  unsigned preserve_fds;
  bool no_pivot;
  bool no_new_keyring;
  bool detach; /* run only */
  bool keep;   /* run only: do not delete when it exits */
  /* seccomp record: the config given in memory instead of config_file, and
   * a seccomp listener kept by the caller (NOTIFY needs no listenerPath). */
  const char *config_data;
  size_t config_len;
  bool seccomp_own_listener;
};

enum mrt_status
{
  MRT_STATUS_CREATING,
  MRT_STATUS_CREATED,
  MRT_STATUS_RUNNING,
  MRT_STATUS_PAUSED,
  MRT_STATUS_STOPPED
};

const char *mrt_status_name (enum mrt_status s);

/* What `state` prints; also the element type of `list`. */
struct mrt_container_state
{
  char *oci_version;
  char *id;
  pid_t pid; /* 0 when stopped */
  enum mrt_status status;
  char *bundle;
  char *rootfs;
  char *created; /* RFC 3339 */
  char *owner;
  struct mrt_kv *annotations;
  size_t n_annotations;
};

void mrt_container_state_free (struct mrt_container_state *s);
/* JSON as printed by `state` (pretty = indented). Caller frees. */
char *mrt_container_state_to_json (const struct mrt_container_state *s, bool pretty);

int mrt_container_create (struct mrt_context *ctx, const struct mrt_create_options *opts, mrt_error_t *err);
int mrt_container_start (struct mrt_context *ctx, const char *id, mrt_error_t *err);
/* create + start; without opts->detach waits and stores the container's exit
 * status (128+signal when killed) in *exit_status. */
int mrt_container_run (struct mrt_context *ctx, const struct mrt_create_options *opts, int *exit_status,
                       mrt_error_t *err);
int mrt_container_state (struct mrt_context *ctx, const char *id, struct mrt_container_state **out, mrt_error_t *err);
int mrt_container_kill (struct mrt_context *ctx, const char *id, int signal, bool all, mrt_error_t *err);
int mrt_container_delete (struct mrt_context *ctx, const char *id, bool force, mrt_error_t *err);
int mrt_container_list (struct mrt_context *ctx, struct mrt_container_state ***out, size_t *n, mrt_error_t *err);

/* ps: the host PIDs of every process in the container's cgroup (a
 * malloc'd array, *n entries). */
int mrt_container_pids (struct mrt_context *ctx, const char *id, pid_t **pids, size_t *n, mrt_error_t *err);
/* Freeze every process of a created or running container (v1 freezer,
 * v2 cgroup.freeze); resume thaws a paused one. */
int mrt_container_pause (struct mrt_context *ctx, const char *id, mrt_error_t *err);
int mrt_container_resume (struct mrt_context *ctx, const char *id, mrt_error_t *err);
/* Apply new limits to a created, running or paused container: only the
 * fields set in `res` change. */
int mrt_container_update (struct mrt_context *ctx, const char *id, const struct mrt_resources *res, mrt_error_t *err);

#define MRT_STATS_MAX_CPUS 256
#define MRT_STATS_MAX_RAW 96
#define MRT_STATS_MAX_BLKIO 64
#define MRT_STATS_MAX_HUGETLB 8

/* One line of a blkio statistics file: "8:0 Read 4096". */
struct mrt_blkio_entry
{
  uint64_t major, minor, value;
  char op[16];
};

/* What `events --stats` reports (runc's types.Stats subset).  A figure the
 * cgroup does not have is 0; an unlimited limit is the kernel's "max"
 * (v1: its huge number, v2: UINT64_MAX), pids_limit 0 = no limit. */
struct mrt_cgroup_stats
{
  uint64_t cpu_usage_ns, cpu_user_ns, cpu_system_ns;
  uint64_t cpu_periods, cpu_throttled_periods, cpu_throttled_ns;
  uint64_t memory_usage, memory_limit, memory_max_usage, memory_cache, memory_failcnt;
  uint64_t swap_usage, swap_limit; /* v1: memory+swap (memsw), v2: swap alone */
  uint64_t pids_current, pids_limit;
  uint64_t oom_kills; /* processes the OOM killer took (v1 memory.oom_control, v2 memory.events) */
  /* v1 only, as runc reports them: per-CPU usage (cpuacct.usage_percpu,
   * and usage_all's user/system split when present), the swap (memsw)
   * peak and failcnt, kernel and kernel TCP memory (memory.kmem*). */
  size_t n_cpus;
  bool has_percpu_split;
  uint64_t percpu[MRT_STATS_MAX_CPUS], percpu_user[MRT_STATS_MAX_CPUS], percpu_kernel[MRT_STATS_MAX_CPUS];
  uint64_t swap_max_usage, swap_failcnt;
  bool has_kernel, has_kernel_tcp;
  uint64_t kernel_usage, kernel_limit, kernel_max_usage, kernel_failcnt;
  uint64_t kernel_tcp_usage, kernel_tcp_limit, kernel_tcp_max_usage, kernel_tcp_failcnt;
  /* v1 cpuset settings (runc's "cpuset"): cpus and mems as lists. */
  size_t n_cpuset_cpus, n_cpuset_mems;
  uint16_t cpuset_cpus[MRT_STATS_MAX_CPUS], cpuset_mems[MRT_STATS_MAX_CPUS];
  uint64_t cpu_exclusive, mem_hardwall, mem_exclusive, memory_migrate, memory_spread_page, memory_spread_slab,
      memory_pressure, sched_load_balance;
  int64_t sched_relax_domain_level;
  /* Block IO (runc's blkio.io_service_bytes_recursive and
   * io_serviced_recursive): v1 from the bfq or throttle files, v2 from
   * io.stat. */
  size_t n_io_service_bytes, n_io_serviced;
  struct mrt_blkio_entry io_service_bytes[MRT_STATS_MAX_BLKIO], io_serviced[MRT_STATS_MAX_BLKIO];
  /* Per huge page size ("2MB"): v1 usage/max usage/failcnt, v2 current
   * and the "max" count of hugetlb.<size>.events. */
  size_t n_hugetlb;
  struct
  {
    char size[16];
    uint64_t usage, max, failcnt;
  } hugetlb[MRT_STATS_MAX_HUGETLB];
  /* memory.stat, every "key value" line (runc's "raw"). */
  size_t n_memory_raw;
  struct
  {
    char key[48];
    uint64_t value;
  } memory_raw[MRT_STATS_MAX_RAW];
};

/* The cgroup figures of a container and its status at the time of reading
 * (a stopped container's cgroup still holds its last figures, e.g. the
 * OOM kill that stopped it, until delete). */
int mrt_container_stats (struct mrt_context *ctx, const char *id, struct mrt_cgroup_stats *stats,
                         enum mrt_status *status, mrt_error_t *err);

/* `exec`: a new process in a running (or created) container.  Either
 * process_file (a runtime-spec process JSON, used as it is) or the flag form,
 * which starts from the container's own process (config.json) as runc does. */
struct mrt_exec_options
{
  const char *id;
  const char *process_file; /* --process */
  char *const *args;        /* the command (flag form) */
  size_t n_args;
  bool tty;               /* --tty */
  const char *cwd;        /* --cwd */
  const char *const *env; /* --env, appended to the container's env */
  size_t n_env;
  const char *user;                   /* --user UID[:GID] */
  const char *const *additional_gids; /* --additional-gids */
  size_t n_additional_gids;
  const char *const *caps; /* --cap: added to every capability set */
  size_t n_caps;
  bool no_new_privs;    /* --no-new-privs */
  const char *apparmor; /* accepted, ignored like the config's */
  const char *process_label;
  bool detach;          /* --detach */
  const char *pid_file; /* --pid-file: the process's host PID */
  const char *console_socket;
  unsigned preserve_fds;
  const char *const *cgroups; /* --cgroup [CONTROLLER[,CONTROLLER]:]PATH */
  size_t n_cgroups;
  bool ignore_paused;
};

/* Without opts->detach waits and stores the process's exit status
 * (128+signal when killed) in *exit_status. */
int mrt_container_exec (struct mrt_context *ctx, const struct mrt_exec_options *opts, int *exit_status,
                        mrt_error_t *err);
/* The process `exec` runs, from the container's process (`base`, may be
 * NULL with --process) and the options, exactly as runc builds it: flag
 * form: base with args, --cwd, --env appended, --user, --additional-gids
 * appended, --cap added to every set, terminal = --tty, --no-new-privs;
 * --process: the file as it is.  In both, rlimits and capabilities the
 * process does not name come from the container.  Pure (no side effect). */
int mrt_exec_process_build (const struct mrt_process *base, const struct mrt_exec_options *opts,
                            struct mrt_process **out, mrt_error_t *err);

/* Signal names and numbers as `kill` accepts them: "KILL", "SIGKILL", "9". */
int mrt_parse_signal (const char *s, int *signal, mrt_error_t *err);

#endif
