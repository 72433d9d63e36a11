/* SPDX-License-Identifier: Apache-2.0 */
#ifndef MINIRT_ROOTFS_H
#define MINIRT_ROOTFS_H

/* What the container's child process does to its own mount namespace and
 * to itself before execve.  Called by process.c, in this order:
 *   mrt_rootfs_prepare      propagation, rootfs bind, `mounts`, /dev, devices
 *   (createContainer hooks)
 *   mrt_rootfs_pivot        pivot_root (or MS_MOVE+chroot), masked and
 *                           readonly paths, read-only root
 *   mrt_process_apply_limits  rlimits, oom score, personality, ioprio, scheduler
 *   mrt_user_switch         groups, gid, uid (capabilities kept)
 *   mrt_caps_apply          bounding, inheritable, permitted, effective, ambient
 * Mount destinations and device paths are resolved inside the rootfs and
 * never follow symlinks out of it. */

#include <stdbool.h>

#include "minirt/error.h"
#include "minirt/spec.h"

struct mrt_rootfs_options
{
  const char *rootfs;   /* absolute path of root.path on the host */
  bool in_userns;       /* devices become bind mounts */
  bool no_pivot;        /* --no-pivot */
  bool new_mount_ns;    /* false: no mount namespace, only chroot-less setup */
};

int mrt_rootfs_prepare (const struct mrt_spec *spec, const struct mrt_rootfs_options *opts, mrt_error_t *err);
int mrt_rootfs_pivot (const struct mrt_spec *spec, const struct mrt_rootfs_options *opts, mrt_error_t *err);

int mrt_process_apply_limits (const struct mrt_process *process, mrt_error_t *err);
int mrt_user_switch (const struct mrt_process *process, mrt_error_t *err);
int mrt_caps_apply (const struct mrt_process *process, mrt_error_t *err);

#endif
