/* SPDX-License-Identifier: Apache-2.0 */
/* The init joins its cgroups itself (see cgroups.h, mrt_cgroup_join).
 *
 * Why not the parent writing the init's pid to cgroup.procs: that write
 * takes the kernel's cgroup_threadgroup_rwsem for writing, a per-CPU rwsem
 * whose write side waits for an RCU grace period (6-15 ms here, the
 * largest single cost of a container start).  The kernel skips that lock
 * when a thread moves itself through the v1 `tasks` file ("0", not a
 * thread group), and a single-threaded process moved that way is moved
 * whole.  cgroup2 has no such file, but clone3(CLONE_INTO_CGROUP) makes
 * the process born there and takes the rwsem only for reading.
 *
 * The `tasks` files are opened by the parent before the clone: the kernel
 * checks the credentials of the open file, so the write works even in a
 * new user namespace whose maps are not written yet. */
#include <errno.h>
#include <fcntl.h>
#include <string.h>

#include "cgroups_internal.h"
#include "utils.h"

static bool
hybrid_unified (const struct mrt_cgroup *cg, const struct mrt_cg_hier *h)
{
  return !cg->v2 && h->ctrls[0] == '\0';
}

void
mrt_cgroup_join_init (struct mrt_cgroup_join *j)
{
  memset (j, 0, sizeof (*j));
  j->v2_dir = -1;
}

void
mrt_cgroup_join_close (struct mrt_cgroup_join *j)
{
  for (size_t i = 0; i < j->n_tasks; i++)
    {
      if (j->tasks[i] >= 0)
        close (j->tasks[i]);
      free (j->paths[i]);
    }
  free (j->tasks);
  free (j->paths);
  free (j->v2_path);
  if (j->v2_dir >= 0)
    close (j->v2_dir);
  mrt_cgroup_join_init (j);
}

int
mrt_cgroup_join_open_dirs (struct mrt_cgroup *cg, const char *const *dirs, const char *field, struct mrt_cgroup_join *j,
                           mrt_error_t *err)
{
  mrt_cgroup_join_init (j);
  if (mrt_cgroup_is_disabled (cg))
    return 0;
  j->tasks = xmalloc0 ((cg->n_h + 1) * sizeof (*j->tasks));
  j->paths = xmalloc0 ((cg->n_h + 1) * sizeof (*j->paths));
  for (size_t i = 0; i < cg->n_h; i++)
    {
      const struct mrt_cg_hier *h = &cg->h[i];
      const char *dir = dirs && dirs[i] ? dirs[i] : h->path;
      if (cg->v2 || hybrid_unified (cg, h))
        {
          /* Not fatal here: without it the parent writes cgroup.procs
           * (join_finish), which reports the error. */
          if (!cg->fake)
            j->v2_dir = open (dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
          j->v2_path = xstrdup (dir);
          /* The hybrid cgroup2 mount is a courtesy, unless asked for by
           * name (exec --cgroup). */
          j->v2_optional = !cg->v2 && dir == h->path;
          continue;
        }
      cleanup_free char *path = xasprintf ("%s/tasks", dir);
      int fd = open (path, O_WRONLY | O_CLOEXEC | (cg->fake ? O_CREAT : 0), 0644);
      if (fd < 0)
        {
          mrt_error_sys (err, "%s `%s`: open tasks", field ? field : "cgroup", dir);
          mrt_cgroup_join_close (j);
          return -1;
        }
      j->paths[j->n_tasks] = xstrdup (dir);
      j->tasks[j->n_tasks++] = fd;
    }
  return 0;
}

int
mrt_cgroup_join_open (struct mrt_cgroup *cg, struct mrt_cgroup_join *j, mrt_error_t *err)
{
  return mrt_cgroup_join_open_dirs (cg, NULL, NULL, j, err);
}

int
mrt_cgroup_join_self (struct mrt_cgroup_join *j, mrt_error_t *err)
{
  for (size_t i = 0; i < j->n_tasks; i++)
    {
      ssize_t n;
      do
        n = write (j->tasks[i], "0", 1);
      while (n < 0 && errno == EINTR);
      if (n != 1)
        return mrt_error_sys (err, "cgroup `%s`: write tasks", j->paths[i]);
      close (j->tasks[i]);
      j->tasks[i] = -1;
    }
  return 0;
}

int
mrt_cgroup_join_finish (struct mrt_cgroup *cg, const struct mrt_cgroup_join *j, bool in_v2, pid_t pid, mrt_error_t *err)
{
  if (in_v2 || j->v2_path == NULL)
    return 0;
  mrt_error_t e = NULL;
  cleanup_free char *field = xasprintf ("cgroup `%s`", j->v2_path);
  if (mrt_cg_writef (cg, j->v2_path, "cgroup.procs", false, field, &e, "%d", (int)pid) == 0)
    return 0;
  if (!j->v2_optional)
    {
      if (err)
        *err = steal_pointer (&e);
      mrt_error_free (&e);
      return -1;
    }
  mrt_log_debug (cg->log, "%s (hybrid cgroup2 mount, ignored)", e->msg);
  mrt_error_free (&e);
  return 0;
}
