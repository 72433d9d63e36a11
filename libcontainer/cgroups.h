/* SPDX-License-Identifier: Apache-2.0 */
#ifndef MINIRT_CGROUPS_H
#define MINIRT_CGROUPS_H

/* Cgroup v1 and v2, behind one API.  A container's cgroup is created at
 * linux.cgroupsPath; a relative path (and an empty one, meaning the
 * container ID) nests under the caller's own cgroup, read from
 * /proc/self/cgroup.  The object below is the one owner of the host
 * resource and mrt_cgroup_destroy() its one undo. */

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "minirt/container.h"
#include "minirt/error.h"
#include "minirt/log.h"
#include "minirt/spec.h"

struct mrt_cgroup;
struct mrt_cg_layout;

struct mrt_cgroup_config
{
  const char *id;
  const char *cgroups_path;        /* linux.cgroupsPath, may be NULL/"" */
  enum mrt_cgroup_manager manager; /* DISABLED: every call is a no-op */
  /* runc's rootless cgroup manager: with no cgroupsPath, a hierarchy whose
   * cgroup cannot be made or joined for lack of permission is left out
   * (none left: as DISABLED); limits for a left-out controller fail with
   * "container could not join or create cgroup"; device rules that cannot
   * be written are skipped. */
  bool rootless;
  /* For tests on a fake tree; NULL means the real ones. */
  const char *sysfs_root;          /* default "/sys/fs/cgroup" */
  const char *proc_self_cgroup;    /* default "/proc/self/cgroup" */
  const char *proc_self_mountinfo; /* default "/proc/self/mountinfo" */
  /* linux.devices: each one is allowed in the device controller on top of
   * linux.resources.devices and the default devices, as runc does. */
  const struct mrt_device *devices;
  size_t n_devices;
  const struct mrt_log *log; /* debug notes; may be NULL */
  /* Test hook: "/run/systemd/system" when NULL. */
  const char *systemd_run_dir;
  /* The cgroup mounts and our own cgroups, read at the first plan() or
   * create() that gets this cache and reused by the next ones (a create
   * plans, then creates); NULL: read at every call. */
  struct mrt_cg_layout *layout;
};

/* An empty layout cache for mrt_cgroup_config.layout, and its release. */
struct mrt_cg_layout *mrt_cgroup_layout_new (void);
void mrt_cgroup_layout_free (struct mrt_cg_layout *l);

/* Create the cgroup and apply `res` (may be NULL).  On failure nothing is
 * left behind.  Errors name the field and the file:
 * "linux.resources.memory.limit: write memory.limit_in_bytes: Device or resource busy". */
int mrt_cgroup_create (const struct mrt_cgroup_config *cfg, const struct mrt_resources *res, struct mrt_cgroup **out,
                       mrt_error_t *err);
/* The mrt_cgroup_save() line of the cgroup create() would make with this
 * config, computed without making anything (NULL and *err on a bad path).
 * Record it before create(): a create killed half-way is then still
 * cleaned up by restore + destroy, which skip what does not exist. */
char *mrt_cgroup_plan (const struct mrt_cgroup_config *cfg, mrt_error_t *err);
/* Move `pid` into the cgroup (every hierarchy on v1). */
int mrt_cgroup_enter (struct mrt_cgroup *cg, pid_t pid, mrt_error_t *err);

/* The container's init joins its cgroup itself (cgroups_join.c says why:
 * it saves an RCU grace period per start).  The parent opens, before the
 * clone, the v1 `tasks` files and the cgroup2 directory; clone3 takes
 * v2_dir with CLONE_INTO_CGROUP; the child calls join_self first thing;
 * the parent, once the child said so, calls join_finish, which writes the
 * pid to cgroup2's cgroup.procs when the clone could not place it there
 * (in_v2 false).  Every fd is O_CLOEXEC. */
struct mrt_cgroup_join
{
  int *tasks;   /* v1: <dir>/tasks, opened for writing */
  char **paths; /* their directories */
  size_t n_tasks;
  int v2_dir;       /* cgroup2 directory for CLONE_INTO_CGROUP, or -1 */
  char *v2_path;    /* NULL without a cgroup2 cgroup */
  bool v2_optional; /* the hybrid cgroup2 mount: failing it is no error */
};
void mrt_cgroup_join_init (struct mrt_cgroup_join *j);
int mrt_cgroup_join_open (struct mrt_cgroup *cg, struct mrt_cgroup_join *j, mrt_error_t *err);
/* The same with another directory per hierarchy (dirs[i] for cg's i-th,
 * NULL = the cgroup's own), e.g. exec --cgroup's sub-cgroups; field names
 * the origin in errors ("--cgroup: join"). */
int mrt_cgroup_join_open_dirs (struct mrt_cgroup *cg, const char *const *dirs, const char *field,
                               struct mrt_cgroup_join *j, mrt_error_t *err);
int mrt_cgroup_join_self (struct mrt_cgroup_join *j, mrt_error_t *err);
int mrt_cgroup_join_finish (struct mrt_cgroup *cg, const struct mrt_cgroup_join *j, bool in_v2, pid_t pid,
                            mrt_error_t *err);
void mrt_cgroup_join_close (struct mrt_cgroup_join *j);
/* Apply new resources (`update`); only the fields set in `res` change.
 * Device rules change only when res->n_devices > 0. */
int mrt_cgroup_update (struct mrt_cgroup *cg, const struct mrt_resources *res, mrt_error_t *err);
/* Every pid in the cgroup and its descendants (malloc'd array). */
int mrt_cgroup_pids (struct mrt_cgroup *cg, pid_t **pids, size_t *n, mrt_error_t *err);
/* Signal every process: cgroup.kill on v2 for SIGKILL, otherwise
 * freeze, signal each pid, thaw. */
int mrt_cgroup_kill_all (struct mrt_cgroup *cg, int signal, mrt_error_t *err);
/* Freeze (true) or thaw (false) and wait until the state settles. */
int mrt_cgroup_freeze (struct mrt_cgroup *cg, bool frozen, mrt_error_t *err);
int mrt_cgroup_is_frozen (struct mrt_cgroup *cg, bool *frozen, mrt_error_t *err);
int mrt_cgroup_stats (struct mrt_cgroup *cg, struct mrt_cgroup_stats *stats, mrt_error_t *err);
/* How many processes of the cgroup the OOM killer took (0 when unknown). */
uint64_t mrt_cgroup_oom_kills (struct mrt_cgroup *cg);
/* Remove the cgroup directories (after the processes are gone), with any
 * sub-cgroups the container made and the empty parents create() made. */
int mrt_cgroup_destroy (struct mrt_cgroup *cg, mrt_error_t *err);
void mrt_cgroup_free (struct mrt_cgroup *cg);

/* Information for the runtime: true when the manager is DISABLED (every
 * call a no-op), true on cgroup v2, and the cgroup's directory for a
 * controller ("memory", "pids"...; "" = any; on v2 the one directory), or
 * NULL when that controller has no hierarchy.  The string belongs to cg. */
bool mrt_cgroup_is_disabled (const struct mrt_cgroup *cg);
bool mrt_cgroup_is_v2 (const struct mrt_cgroup *cg);
const char *mrt_cgroup_path (const struct mrt_cgroup *cg, const char *controller);

/* A one-line text form kept in the container's state dir, so that later
 * commands (delete, pause, ps, update) find the same cgroup. */
char *mrt_cgroup_save (const struct mrt_cgroup *cg);
int mrt_cgroup_restore (const struct mrt_cgroup_config *cfg, const char *saved, struct mrt_cgroup **out,
                        mrt_error_t *err);

#endif
