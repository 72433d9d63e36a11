/* SPDX-License-Identifier: Apache-2.0 */
/* Resolution of container paths inside the rootfs (see rootfs_path.h). */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "rootfs_path.h"
#include "syscalls.h"
#include "utils.h"

const char *
mrt_fd_path (int fd, struct mrt_fd_path *buf)
{
  snprintf (buf->s, sizeof (buf->s), "/proc/self/fd/%d", fd);
  return buf->s;
}

int
mrt_open_in_root (int rootfd, const char *path, int flags)
{
  if (flags == 0)
    flags = O_PATH;
  while (*path == '/')
    path++;
  if (*path == '\0')
    path = ".";
  int fd;
  do
    fd = mrt_openat2 (rootfd, path, flags | O_CLOEXEC, 0, RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS);
  while (fd < 0 && errno == EAGAIN);
  return fd;
}

/* Walk `path` one component at a time, each prefix resolved from the root
 * again, creating what is missing as a directory.  A dangling symlink is
 * followed inside the root (its target is created there), like runc's
 * MkdirAllInRoot. */
static int
mkdir_in_root (int rootfd, const char *path, mode_t mode, int depth, mrt_error_t *err)
{
  if (depth > 40)
    return mrt_error_make (err, ELOOP, "mkdir \"%s\"", path);
  cleanup_free char *copy = xstrdup (path);
  cleanup_close int cur = mrt_open_in_root (rootfd, "/", O_PATH | O_DIRECTORY);
  if (cur < 0)
    return mrt_error_sys (err, "open rootfs");
  char *p = copy;
  while (*p)
    {
      while (*p == '/')
        p++;
      if (*p == '\0')
        break;
      char *end = strchr (p, '/');
      if (end)
        *end = '\0';
      int next = mrt_open_in_root (rootfd, copy, O_PATH | O_DIRECTORY);
      if (next < 0 && errno == ENOENT)
        {
          if (mkdirat (cur, p, mode) < 0 && errno != EEXIST)
            return mrt_error_sys (err, "mkdir \"%s\"", copy);
          next = mrt_open_in_root (rootfd, copy, O_PATH | O_DIRECTORY);
          char target[PATH_MAX];
          ssize_t n;
          if (next < 0 && errno == ENOENT && (n = readlinkat (cur, p, target, sizeof (target) - 1)) > 0)
            {
              target[n] = '\0';
              const char *rest = end ? end + 1 : "";
              *p = '\0';
              cleanup_free char *np
                  = target[0] == '/' ? xasprintf ("%s/%s", target, rest) : xasprintf ("%s/%s/%s", copy, target, rest);
              return mkdir_in_root (rootfd, np, mode, depth + 1, err);
            }
        }
      if (next < 0)
        return mrt_error_sys (err, "open \"%s\"", copy);
      close (cur);
      cur = next;
      if (end)
        *end = '/';
      p = end ? end : p + strlen (p);
    }
  return steal_fd (&cur);
}

/* The usual case in three syscalls instead of one pair per component:
 * `path` is missing but its parent exists.  Anything else (a missing
 * parent, a dangling symlink, an error) returns -1 for the
 * component-by-component walk, which then gives the result and the error
 * it always gave. */
static int
mkdir_leaf_fast (int rootfd, const char *path, mode_t mode)
{
  size_t len = strlen (path);
  while (len > 0 && path[len - 1] == '/')
    len--;
  const char *slash = memrchr (path, '/', len);
  const char *leaf = slash ? slash + 1 : path;
  size_t leaf_len = len - (size_t)(leaf - path);
  if (leaf_len == 0 || leaf_len >= NAME_MAX || (leaf[0] == '.' && (leaf_len == 1 || (leaf_len == 2 && leaf[1] == '.'))))
    return -1;
  cleanup_free char *dir = slash ? xstrndup (path, (size_t)(slash - path)) : xstrdup ("");
  if (dir == NULL)
    return -1;
  cleanup_close int parent = mrt_open_in_root (rootfd, dir, O_PATH | O_DIRECTORY);
  if (parent < 0)
    return -1;
  char name[NAME_MAX + 1];
  memcpy (name, leaf, leaf_len);
  name[leaf_len] = '\0';
  if (mkdirat (parent, name, mode) < 0)
    return -1;
  return mrt_open_in_root (rootfd, path, O_PATH | O_DIRECTORY);
}

int
mrt_mkdir_in_root (int rootfd, const char *path, mode_t mode, mrt_error_t *err)
{
  int fd = mrt_open_in_root (rootfd, path, O_PATH | O_DIRECTORY);
  if (fd < 0 && errno == ENOENT)
    fd = mkdir_leaf_fast (rootfd, path, mode);
  if (fd >= 0)
    return fd;
  return mkdir_in_root (rootfd, path, mode, 0, err);
}

int
mrt_open_parent_in_root (int rootfd, const char *path, const char **name, mrt_error_t *err)
{
  size_t len = strlen (path);
  while (len > 1 && path[len - 1] == '/')
    len--;
  const char *slash = memrchr (path, '/', len);
  *name = slash ? slash + 1 : path;
  cleanup_free char *dir = slash ? xstrndup (path, slash - path) : xstrdup ("");
  return mrt_mkdir_in_root (rootfd, dir, 0755, err);
}

static int
create_in_root (int rootfd, const char *path, bool dir, int depth, mrt_error_t *err)
{
  int fd = mrt_open_in_root (rootfd, path, O_PATH);
  if (fd >= 0)
    return fd;
  if (errno != ENOENT)
    return mrt_error_sys (err, "open \"%s\"", path);
  if (dir)
    {
      fd = mkdir_leaf_fast (rootfd, path, 0755);
      return fd >= 0 ? fd : mkdir_in_root (rootfd, path, 0755, 0, err);
    }
  if (depth > 40)
    return mrt_error_make (err, ELOOP, "create \"%s\"", path);

  const char *name;
  cleanup_close int parent = mrt_open_parent_in_root (rootfd, path, &name, err);
  if (parent < 0)
    return -1;
  /* O_EXCL|O_NOFOLLOW: a dangling symlink is not followed by the kernel... */
  int f = openat (parent, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
  if (f < 0 && errno != EEXIST)
    return mrt_error_sys (err, "create \"%s\"", path);
  if (f >= 0)
    close (f);
  fd = mrt_open_in_root (rootfd, path, O_PATH);
  if (fd >= 0)
    return fd;
  /* ...but by us, inside the rootfs, as runc does: create its target. */
  char target[PATH_MAX];
  ssize_t n = readlinkat (parent, name, target, sizeof (target) - 1);
  if (n <= 0)
    return mrt_error_sys (err, "open \"%s\"", path);
  target[n] = '\0';
  cleanup_free char *np = target[0] == '/' ? xstrdup (target) : xasprintf ("%.*s/%s", (int)(name - path), path, target);
  return create_in_root (rootfd, np, false, depth + 1, err);
}

int
mrt_create_in_root (int rootfd, const char *path, bool dir, mrt_error_t *err)
{
  return create_in_root (rootfd, path, dir, 0, err);
}
