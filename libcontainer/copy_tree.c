/* SPDX-License-Identifier: Apache-2.0 */
/* Recursive copy between two directory fds, keeping modes, owners and
 * symlinks: runc's `tmpcopyup` fills a fresh tmpfs with what it hides. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "rootfs_internal.h"
#include "utils.h"

static int
copy_file (int from_dir, int to_dir, const char *name, const struct stat *st, mrt_error_t *err)
{
  cleanup_close int in = openat (from_dir, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
  if (in < 0)
    return mrt_error_sys (err, "open \"%s\"", name);
  cleanup_close int out
      = openat (to_dir, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, st->st_mode & 07777);
  if (out < 0)
    return mrt_error_sys (err, "create \"%s\"", name);
  char buf[65536];
  for (;;)
    {
      ssize_t n = read (in, buf, sizeof (buf));
      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        return mrt_error_sys (err, "read \"%s\"", name);
      if (n == 0)
        return 0;
      if (mrt_write_all (out, buf, n) < 0)
        return mrt_error_sys (err, "write \"%s\"", name);
    }
}

static int
copy_entry (int from_dir, int to_dir, const char *name, int depth, mrt_error_t *err)
{
  struct stat st;
  if (fstatat (from_dir, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
    return mrt_error_sys (err, "stat \"%s\"", name);
  if (S_ISDIR (st.st_mode))
    {
      if (mkdirat (to_dir, name, st.st_mode & 07777) < 0 && errno != EEXIST)
        return mrt_error_sys (err, "mkdir \"%s\"", name);
      cleanup_close int f = openat (from_dir, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
      cleanup_close int t = openat (to_dir, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
      if (f < 0 || t < 0)
        return mrt_error_sys (err, "open \"%s\"", name);
      if (mrt_copy_tree (f, t, depth + 1, err) < 0)
        return mrt_error_prefix (err, "%s", name);
    }
  else if (S_ISLNK (st.st_mode))
    {
      char target[4096];
      ssize_t n = readlinkat (from_dir, name, target, sizeof (target) - 1);
      if (n < 0)
        return mrt_error_sys (err, "readlink \"%s\"", name);
      target[n] = '\0';
      if (symlinkat (target, to_dir, name) < 0)
        return mrt_error_sys (err, "symlink \"%s\"", name);
    }
  else if (S_ISREG (st.st_mode))
    {
      if (copy_file (from_dir, to_dir, name, &st, err) < 0)
        return -1;
    }
  else if (mknodat (to_dir, name, st.st_mode, st.st_rdev) < 0)
    return mrt_error_sys (err, "mknod \"%s\"", name);
  if (fchownat (to_dir, name, st.st_uid, st.st_gid, AT_SYMLINK_NOFOLLOW) < 0 && errno != EINVAL)
    return mrt_error_sys (err, "chown \"%s\"", name);
  if (!S_ISLNK (st.st_mode) && fchmodat (to_dir, name, st.st_mode & 07777, 0) < 0)
    return mrt_error_sys (err, "chmod \"%s\"", name);
  return 0;
}

int
mrt_copy_tree (int from_dir, int to_dir, int depth, mrt_error_t *err)
{
  if (depth > 64)
    return mrt_error_make (err, ELOOP, "directory tree too deep");
  int dfd = fcntl (from_dir, F_DUPFD_CLOEXEC, 0);
  if (dfd < 0)
    return mrt_error_sys (err, "dup");
  DIR *d = fdopendir (dfd);
  if (d == NULL)
    {
      close (dfd);
      return mrt_error_sys (err, "opendir");
    }
  rewinddir (d);
  int ret = 0;
  struct dirent *de;
  while (ret == 0 && (de = readdir (d)) != NULL)
    {
      if (strcmp (de->d_name, ".") == 0 || strcmp (de->d_name, "..") == 0)
        continue;
      ret = copy_entry (from_dir, to_dir, de->d_name, depth, err);
    }
  closedir (d);
  return ret;
}
