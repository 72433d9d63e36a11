/* SPDX-License-Identifier: Apache-2.0 */
#ifndef MINIRT_ROOTFS_INTERNAL_H
#define MINIRT_ROOTFS_INTERNAL_H

/* Shared between rootfs.c, mounts.c and devices.c; not a public contract. */

#include <stdbool.h>

#include "minirt/error.h"
#include "minirt/spec.h"

struct mrt_mount_ctx
{
  int rootfd;         /* O_PATH fd of the bind-mounted rootfs */
  const char *rootfs; /* its host path */
  const char *bundle; /* base for relative bind sources (NULL: cwd) */
  bool in_userns;
  bool new_netns;
  bool new_cgroupns;
  const int *idmap_trees; /* mounts[i]'s detached idmapped tree or -1 (mount_idmap.h) */
  size_t n_idmap_trees;
};

/* Mount mounts[i]; errors are prefixed "mounts[i]: ". */
int mrt_mount_entry (const struct mrt_mount_ctx *ctx, const struct mrt_mount *m, size_t i, mrt_error_t *err);

/* Default devices, /dev symlinks, /dev/pts and /dev/shm, linux.devices. */
int mrt_devices_setup (const struct mrt_mount_ctx *ctx, const struct mrt_spec *spec, mrt_error_t *err);

/* Copy the content of directory from_dir into to_dir (tmpcopyup). */
int mrt_copy_tree (int from_dir, int to_dir, int depth, mrt_error_t *err);

/* MS_BIND|MS_REMOUNT `path` with `flags`.  keep_locked: add the flags of
 * the current mount (nosuid, nodev, noexec, atime) first, as runc does for
 * readonlyPaths; otherwise only after an EPERM (locked flags in a userns). */
int mrt_remount_bind (const char *path, unsigned long flags, bool keep_locked);

/* Is there a `mounts` entry whose destination is `dest` (cleaned)? */
const struct mrt_mount *mrt_find_mount (const struct mrt_spec *spec, const char *dest);

/* Compare two container paths ignoring duplicate and trailing slashes. */
bool mrt_path_equal (const char *a, const char *b);

#endif
