/* SPDX-License-Identifier: Apache-2.0 */
#ifndef MINIRT_ROOTFS_PATH_H
#define MINIRT_ROOTFS_PATH_H

/* Paths inside the container's rootfs, resolved by the kernel with
 * openat2(RESOLVE_IN_ROOT): ".." and symlinks (absolute or relative) can
 * never leave the rootfs, so a hostile rootfs cannot redirect a mount or a
 * mknod onto the host (the CVE-2021-30465 class).  Mounts then target the
 * resolved fd through /proc/self/fd/N instead of a path. */

#include <stdbool.h>
#include <sys/types.h>

#include "minirt/error.h"

/* "/proc/self/fd/N" for an fd, in a caller buffer. */
struct mrt_fd_path
{
  char s[32];
};
const char *mrt_fd_path (int fd, struct mrt_fd_path *buf);

/* Open `path` inside rootfd (O_PATH unless flags say otherwise).  Returns
 * the fd or -1 with errno set (no error object: callers decide whether
 * ENOENT matters). */
int mrt_open_in_root (int rootfd, const char *path, int flags);

/* mkdir -p `path` inside rootfd; returns an O_PATH fd of the directory. */
int mrt_mkdir_in_root (int rootfd, const char *path, mode_t mode, mrt_error_t *err);

/* Make sure `path` exists inside rootfd: a directory when `dir`, else an
 * empty regular file (existing entries of any type are kept).  Parents are
 * created as directories.  Returns an O_PATH fd of the (resolved) target. */
int mrt_create_in_root (int rootfd, const char *path, bool dir, mrt_error_t *err);

/* Open the parent directory of `path` inside rootfd (created if missing)
 * and return it; *name points into `path` at the last component. */
int mrt_open_parent_in_root (int rootfd, const char *path, const char **name, mrt_error_t *err);

#endif
