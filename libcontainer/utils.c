/* SPDX-License-Identifier: Apache-2.0 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include "utils.h"

void *
xmalloc0 (size_t size)
{
  void *p = calloc (1, size ? size : 1);
  if (p == NULL)
    abort ();
  return p;
}

void *
xrealloc (void *p, size_t size)
{
  void *r = realloc (p, size ? size : 1);
  if (r == NULL)
    abort ();
  return r;
}

char *
xstrdup (const char *s)
{
  if (s == NULL)
    return NULL;
  char *r = strdup (s);
  if (r == NULL)
    abort ();
  return r;
}

char *
xstrndup (const char *s, size_t n)
{
  char *r = strndup (s, n);
  if (r == NULL)
    abort ();
  return r;
}

void
mrt_memstream_close (FILE *f)
{
  /* A failed write to a memstream is a failed allocation that would
   * otherwise leave a silently truncated buffer (a seccomp cache key, a
   * state record): treated like any other allocation failure. */
  bool failed = ferror (f) != 0;
  if (fclose (f) != 0 || failed)
    abort ();
}

char *
xvasprintf (const char *fmt, va_list ap)
{
  char *r = NULL;
  if (vasprintf (&r, fmt, ap) < 0)
    abort ();
  return r;
}

char *
xasprintf (const char *fmt, ...)
{
  va_list ap;
  va_start (ap, fmt);
  char *r = xvasprintf (fmt, ap);
  va_end (ap);
  return r;
}

int
mrt_read_fd (int fd, size_t max_size, char **out, size_t *len, mrt_error_t *err)
{
  size_t cap = 4096, used = 0;
  cleanup_free char *buf = xmalloc0 (cap + 1);
  for (;;)
    {
      if (used == cap)
        {
          if (cap >= max_size)
            return mrt_error_make (err, EFBIG, "file larger than %zu bytes", max_size);
          cap *= 2;
          buf = xrealloc (buf, cap + 1);
        }
      ssize_t n = read (fd, buf + used, cap - used);
      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        return mrt_error_sys (err, "read");
      if (n == 0)
        break;
      used += n;
      if (used > max_size)
        return mrt_error_make (err, EFBIG, "file larger than %zu bytes", max_size);
    }
  buf[used] = '\0';
  if (len)
    *len = used;
  *out = steal_pointer (&buf);
  return 0;
}

int
mrt_read_file (const char *path, size_t max_size, char **out, size_t *len, mrt_error_t *err)
{
  cleanup_close int fd = open (path, O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return mrt_error_sys (err, "open `%s`", path);
  if (mrt_read_fd (fd, max_size, out, len, err) < 0)
    return mrt_error_prefix (err, "read `%s`", path);
  return 0;
}

int
mrt_write_all (int fd, const void *buf, size_t len)
{
  const char *p = buf;
  while (len > 0)
    {
      ssize_t n = write (fd, p, len);
      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        return -1;
      p += n;
      len -= n;
    }
  return 0;
}

int
mrt_write_file_atomic (const char *path, const void *data, size_t len, mode_t mode, mrt_error_t *err)
{
  cleanup_free char *tmp = xasprintf ("%s.tmp.%d", path, getpid ());
  cleanup_close int fd = open (tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, mode);
  if (fd < 0)
    return mrt_error_sys (err, "create `%s`", tmp);
  if (mrt_write_all (fd, data, len) < 0)
    {
      mrt_error_sys (err, "write `%s`", tmp);
      unlink (tmp);
      return -1;
    }
  if (rename (tmp, path) < 0)
    {
      mrt_error_sys (err, "rename `%s` to `%s`", tmp, path);
      unlink (tmp);
      return -1;
    }
  return 0;
}

int
mrt_write_pid_file (const char *path, pid_t pid, mrt_error_t *err)
{
  char buf[32];
  int n = snprintf (buf, sizeof (buf), "%d", (int)pid);
  cleanup_free char *abs = NULL;
  if (path[0] != '/')
    {
      char cwd[PATH_MAX];
      if (getcwd (cwd, sizeof (cwd)) == NULL)
        return mrt_error_sys (err, "--pid-file: getcwd");
      abs = xasprintf ("%s/%s", cwd, path);
      path = abs;
    }
  if (mrt_write_file_atomic (path, buf, (size_t)n, 0644, err) < 0)
    return mrt_error_prefix (err, "--pid-file");
  return 0;
}

int
mrt_write_file_at (int dirfd, const char *name, const char *data, size_t len, mrt_error_t *err)
{
  cleanup_close int fd = openat (dirfd, name, O_WRONLY | O_CLOEXEC);
  if (fd < 0)
    return mrt_error_sys (err, "open `%s`", name);
  if (mrt_write_all (fd, data, len) < 0)
    return mrt_error_sys (err, "write `%s` to `%s`", data, name);
  return 0;
}

int
mrt_mkdir_p (const char *path, mode_t mode, mrt_error_t *err)
{
  /* Usually everything but (at most) the last component exists. */
  if (mkdir (path, mode) == 0 || errno == EEXIST)
    return 0;
  cleanup_free char *copy = xstrdup (path);
  for (char *p = copy + 1; *p; p++)
    {
      if (*p != '/')
        continue;
      *p = '\0';
      if (mkdir (copy, mode) < 0 && errno != EEXIST)
        return mrt_error_sys (err, "mkdir `%s`", copy);
      *p = '/';
    }
  if (mkdir (copy, mode) < 0 && errno != EEXIST)
    return mrt_error_sys (err, "mkdir `%s`", copy);
  return 0;
}

ssize_t
mrt_send_fd (int sock, int fd, const void *data, size_t len)
{
  union
  {
    char buf[CMSG_SPACE (sizeof (int))];
    struct cmsghdr align;
  } control;
  struct iovec iov = { .iov_base = (void *)data, .iov_len = len };
  struct msghdr msg = {
    .msg_iov = &iov,
    .msg_iovlen = 1,
    .msg_control = control.buf,
    .msg_controllen = sizeof (control.buf),
  };
  struct cmsghdr *cmsg;
  ssize_t n;

  memset (&control, 0, sizeof (control));
  cmsg = CMSG_FIRSTHDR (&msg);
  cmsg->cmsg_level = SOL_SOCKET;
  cmsg->cmsg_type = SCM_RIGHTS;
  cmsg->cmsg_len = CMSG_LEN (sizeof (int));
  memcpy (CMSG_DATA (cmsg), &fd, sizeof (int));
  do
    n = sendmsg (sock, &msg, MSG_NOSIGNAL);
  while (n < 0 && errno == EINTR);
  return n;
}
