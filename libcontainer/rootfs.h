/* SPDX-License-Identifier: Apache-2.0 */
#ifndef MINIRT_ROOTFS_H
#define MINIRT_ROOTFS_H

/* What the container's child process does to its own mount namespace and
 * to itself before execve.  Called by process.c, in this order:
 *   mrt_rootfs_prepare      (in_userns: become uid/gid 0 of the namespace)
 *                           propagation, rootfs bind, `mounts`, /dev, devices
 *   (createContainer hooks)
 *   mrt_rootfs_pivot        pivot_root (or MS_MOVE+chroot), read-only root,
 *                           linux.sysctl, readonly and masked paths (runc's
 *                           order: sysctl before /proc/sys turns read-only)
 *   mrt_sysctl_apply        idempotent: values already in place are skipped,
 *                           so calling it again after the pivot is harmless
 *   mrt_process_apply_limits  rlimits, oom score, personality, ioprio, scheduler
 *   mrt_user_switch         groups, gid, uid (capabilities kept)
 *   mrt_caps_apply          bounding, inheritable, permitted, effective, ambient
 * Mount destinations and device paths are resolved inside the rootfs and
 * never follow symlinks out of it. */

#include <sched.h>
#include <stdbool.h>
#include <sys/types.h>

#include "minirt/error.h"
#include "minirt/spec.h"

struct mrt_rootfs_options
{
  const char *rootfs;     /* absolute path of root.path on the host */
  bool in_userns;         /* devices become bind mounts */
  bool no_pivot;          /* --no-pivot */
  bool new_mount_ns;      /* false: no mount namespace, only chroot-less setup */
  const char *bundle;     /* base of relative bind sources; NULL: the cwd */
  const int *idmap_trees; /* per mounts[] entry: idmapped tree fd or -1 */
  size_t n_idmap_trees;
};

int mrt_rootfs_prepare (const struct mrt_spec *spec, const struct mrt_rootfs_options *opts, mrt_error_t *err);
int mrt_rootfs_pivot (const struct mrt_spec *spec, const struct mrt_rootfs_options *opts, mrt_error_t *err);

/* linux.sysctl written to /proc/sys (inside the container, after pivot). */
int mrt_sysctl_apply (const struct mrt_spec *spec, mrt_error_t *err);
/* runc's check, before anything is made: an ipc key (kernel.msg*, sem,
 * shm*, fs.mqueue.*) needs an ipc namespace, net.* a network namespace
 * that is not the runtime's own (net_path: one joined by path),
 * kernel.domainname a uts namespace; kernel.hostname and anything else
 * (vm.*, fs.*, kernel.*) are refused: they are not namespaced. */
int mrt_sysctl_validate (const struct mrt_spec *spec, bool ipc, bool uts, bool net, const char *net_path,
                         mrt_error_t *err);

/* linux.personality (execution domain); called by mrt_rootfs_pivot. */
int mrt_personality_apply (const struct mrt_personality *pers, mrt_error_t *err);

/* CPU lists ("0-3,7"): parse, and set a process's affinity (pid 0: self).
 * process.execCPUAffinity.initial is applied by mrt_process_apply_limits;
 * `final` is for the caller to apply after execve with mrt_cpu_affinity_set. */
int mrt_cpu_list_parse (const char *list, cpu_set_t *set, mrt_error_t *err);
int mrt_cpu_affinity_set (pid_t pid, const char *list, mrt_error_t *err);

int mrt_process_apply_limits (const struct mrt_process *process, mrt_error_t *err);
int mrt_user_switch (const struct mrt_process *process, mrt_error_t *err);
int mrt_caps_apply (const struct mrt_process *process, mrt_error_t *err);

#endif
