/* SPDX-License-Identifier: Apache-2.0 */
#ifndef MINIRT_NAMESPACES_H
#define MINIRT_NAMESPACES_H

/* Which namespaces a container creates and which it joins by path.
 *   - pid, net, ipc, uts, mount, user without a path: clone flags;
 *   - cgroup without a path: unshared by the child once the parent has put
 *     it in its cgroup (so the cgroup namespace is rooted there);
 *   - time without a path: unshared by the child, which writes
 *     timeOffsets to /proc/self/timens_offsets and then enters
 *     time_for_children (offsets can only be set before the first process
 *     enters a time namespace, so clone3(CLONE_NEWTIME) cannot be used);
 *   - a path: opened by the parent (so a bad path fails before any side
 *     effect); a short-lived helper process joins them all with setns,
 *     user first, and then clones the init with the new ones
 *     (CLONE_PARENT: the init stays the parent's child).  So the new
 *     namespaces are owned by a joined user namespace, and a new user
 *     namespace can sit next to joined host-owned ones, as with runc. */

#include <stdbool.h>
#include <sys/types.h>

#include "minirt/error.h"
#include "minirt/spec.h"

struct mrt_ns_plan
{
  int clone_flags;
  bool create[MRT_NS__COUNT];
  bool present[MRT_NS__COUNT];
  int join_fd[MRT_NS__COUNT]; /* -1 unless joined by path */
  const char *join_path[MRT_NS__COUNT];
};

const char *mrt_ns_name (enum mrt_ns_type type);

void mrt_ns_plan_init (struct mrt_ns_plan *plan);
int mrt_ns_plan_make (const struct mrt_linux *linux_, struct mrt_ns_plan *plan, mrt_error_t *err);
void mrt_ns_plan_close (struct mrt_ns_plan *plan);

/* Parent: clone the child into the planned namespaces.  Returns the pid in
 * the parent and 0 in the child (like fork).  cgroup_fd >= 0: a cgroup2
 * directory the child is born in (CLONE_INTO_CGROUP) when the kernel lets
 * it; *in_cgroup tells the parent whether it was. */
pid_t mrt_ns_clone (const struct mrt_ns_plan *plan, int cgroup_fd, bool *in_cgroup, mrt_error_t *err);
/* Parent: write uid_map/gid_map (and setgroups "deny" when unprivileged). */
int mrt_ns_write_id_maps (pid_t pid, const struct mrt_linux *linux_, const struct mrt_ns_plan *plan, mrt_error_t *err);
/* Write `n` mappings to /proc/<pid>/<file> (uid_map or gid_map) in one
 * write, as the kernel requires; errors name `field`. */
int mrt_ns_write_map (pid_t pid, const char *file, const struct mrt_id_mapping *m, size_t n, const char *field,
                      mrt_error_t *err);

/* setns every namespace given by path (user first); used by the helper. */
int mrt_ns_join_paths (const struct mrt_ns_plan *plan, mrt_error_t *err);
/* Child, after the parent placed it in its cgroup: new cgroup and time
 * namespaces. */
int mrt_ns_unshare_late (const struct mrt_ns_plan *plan, const struct mrt_time_offsets *offsets, mrt_error_t *err);
/* Child, in a network namespace it created: bring the loopback interface up,
 * as runc does (its specconv adds a "loopback" network for a new netns), so
 * 127.0.0.1 works inside the container. */
int mrt_ns_loopback_up (mrt_error_t *err);

#endif
