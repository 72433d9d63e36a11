/* SPDX-License-Identifier: Apache-2.0 */
/* The small helpers every cgroup file uses: whether a controller list
 * holds a controller, the hierarchy that holds one, and reading and
 * writing the files of a cgroup directory. */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cgroups_internal.h"
#include "utils.h"

bool
mrt_cg_has_ctrl (const char *ctrls, const char *name)
{
  size_t len = strlen (name);
  for (const char *p = ctrls; p && *p;)
    {
      const char *end = strchrnul (p, ',');
      if ((size_t)(end - p) == len && strncmp (p, name, len) == 0)
        return true;
      p = *end ? end + 1 : end;
    }
  return false;
}

struct mrt_cg_hier *
mrt_cg_find (const struct mrt_cgroup *cg, const char *ctrl)
{
  if (cg->v2)
    return cg->n_h ? &cg->h[0] : NULL;
  for (size_t i = 0; i < cg->n_h; i++)
    if (ctrl == NULL || *ctrl == '\0' || mrt_cg_has_ctrl (cg->h[i].ctrls, ctrl))
      return &cg->h[i];
  return NULL;
}

int
mrt_cg_write (const struct mrt_cgroup *cg, const char *dir, const char *file, const char *value, bool append,
              const char *field, mrt_error_t *err)
{
  cleanup_free char *path = xasprintf ("%s/%s", dir, file);
  int flags = O_WRONLY | O_CLOEXEC | (append ? O_APPEND : O_TRUNC);
  /* A fake test tree has plain directories: let writes create files. */
  if (cg->fake)
    flags |= O_CREAT;
  cleanup_close int fd = open (path, flags, 0644);
  if (fd < 0 && errno == ENOENT && cg->v2 && !cg->fake)
    return mrt_error_make (err, 0,
                           "%s: write %s: %s (is its controller enabled in the parent's cgroup.subtree_control?)",
                           field, file, strerror (ENOENT));
  if (fd < 0)
    return mrt_error_sys (err, "%s: write %s", field, file);
  cleanup_free char *line = append ? xasprintf ("%s\n", value) : NULL;
  const char *data = append ? line : value;
  if (mrt_write_all (fd, data, strlen (data)) < 0)
    return mrt_error_sys (err, "%s: write %s", field, file);
  return 0;
}

int
mrt_cg_write_fd (const struct mrt_cgroup *cg, const char *dir, const char *file, int *fd, const char *value,
                 const char *field, mrt_error_t *err)
{
  if (*fd < 0)
    {
      cleanup_free char *path = xasprintf ("%s/%s", dir, file);
      *fd = open (path, O_WRONLY | O_CLOEXEC | O_APPEND | (cg->fake ? O_CREAT : 0), 0644);
      if (*fd < 0)
        return mrt_error_sys (err, "%s: write %s", field, file);
    }
  cleanup_free char *line = xasprintf ("%s\n", value);
  if (mrt_write_all (*fd, line, strlen (line)) < 0)
    return mrt_error_sys (err, "%s: write %s", field, file);
  return 0;
}

int
mrt_cg_writef (const struct mrt_cgroup *cg, const char *dir, const char *file, bool append, const char *field,
               mrt_error_t *err, const char *fmt, ...)
{
  va_list ap;
  va_start (ap, fmt);
  cleanup_free char *value = xvasprintf (fmt, ap);
  va_end (ap);
  return mrt_cg_write (cg, dir, file, value, append, field, err);
}

char *
mrt_cg_read (const char *dir, const char *file)
{
  cleanup_free char *path = xasprintf ("%s/%s", dir, file);
  cleanup_close int fd = open (path, O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return NULL;
  char *buf = NULL;
  size_t len = 0;
  mrt_error_t err = NULL;
  if (mrt_read_fd (fd, 1 << 20, &buf, &len, &err) < 0)
    {
      int e = err ? err->errno_ : EIO;
      mrt_error_free (&err);
      errno = e ? e : EIO;
      return NULL;
    }
  while (len > 0 && buf[len - 1] == '\n')
    buf[--len] = '\0';
  return buf;
}

int
mrt_cg_read_keyed (const char *dir, const char *file, const char *key, uint64_t *value)
{
  cleanup_free char *buf = mrt_cg_read (dir, file);
  if (buf == NULL)
    return -1;
  size_t klen = strlen (key);
  for (char *line = buf; line && *line;)
    {
      char *nl = strchr (line, '\n');
      if (nl)
        *nl = '\0';
      if (strncmp (line, key, klen) == 0 && line[klen] == ' ')
        {
          *value = strtoull (line + klen + 1, NULL, 10);
          return 0;
        }
      line = nl ? nl + 1 : NULL;
    }
  errno = ENOENT;
  return -1;
}

bool
mrt_cg_exists (const char *dir, const char *file)
{
  cleanup_free char *path = xasprintf ("%s/%s", dir, file);
  return access (path, F_OK) == 0;
}
