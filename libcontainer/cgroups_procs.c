/* SPDX-License-Identifier: Apache-2.0 */
/* The processes in a container's cgroup: list them, freeze and thaw
 * them, and signal them all (kill --all, delete --force). */
#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "cgroups_internal.h"
#include "utils.h"

static int
collect_pids (const char *dir, pid_t **pids, size_t *n, mrt_error_t *err)
{
  cleanup_free char *buf = mrt_cg_read (dir, "cgroup.procs");
  if (buf == NULL)
    {
      if (errno == ENOENT)
        return 0;
      return mrt_error_sys (err, "read `%s/cgroup.procs`", dir);
    }
  for (char *p = buf; *p;)
    {
      char *end;
      long v = strtol (p, &end, 10);
      if (end == p)
        break;
      *pids = xrealloc (*pids, (*n + 1) * sizeof (**pids));
      (*pids)[(*n)++] = (pid_t)v;
      p = end;
      while (*p == '\n')
        p++;
    }
  DIR *d = opendir (dir);
  if (d == NULL)
    return 0;
  struct dirent *de;
  int ret = 0;
  while (ret == 0 && (de = readdir (d)))
    {
      if (de->d_type != DT_DIR || strcmp (de->d_name, ".") == 0 || strcmp (de->d_name, "..") == 0)
        continue;
      cleanup_free char *sub = xasprintf ("%s/%s", dir, de->d_name);
      ret = collect_pids (sub, pids, n, err);
    }
  closedir (d);
  return ret;
}

/* The hierarchy that best tells which processes are in: every one holds
 * them all since enter() writes each; prefer pids and freezer. */
static struct mrt_cg_hier *
procs_hier (const struct mrt_cgroup *cg)
{
  struct mrt_cg_hier *h = mrt_cg_find (cg, "pids");
  if (h == NULL)
    h = mrt_cg_find (cg, "freezer");
  if (h == NULL)
    h = mrt_cg_find (cg, "");
  return h;
}

int
mrt_cgroup_pids (struct mrt_cgroup *cg, pid_t **pids, size_t *n, mrt_error_t *err)
{
  *pids = NULL;
  *n = 0;
  if (mrt_cgroup_is_disabled (cg))
    return 0;
  struct mrt_cg_hier *h = procs_hier (cg);
  if (h == NULL)
    return 0;
  if (collect_pids (h->path, pids, n, err) < 0)
    {
      free (*pids);
      *pids = NULL;
      *n = 0;
      return -1;
    }
  return 0;
}

int
mrt_cgroup_freeze (struct mrt_cgroup *cg, bool frozen, mrt_error_t *err)
{
  if (mrt_cgroup_is_disabled (cg))
    return 0;
  return cg->v2 ? mrt_cg_v2_freeze (cg, frozen, err) : mrt_cg_v1_freeze (cg, frozen, err);
}

int
mrt_cgroup_is_frozen (struct mrt_cgroup *cg, bool *frozen, mrt_error_t *err)
{
  *frozen = false;
  if (mrt_cgroup_is_disabled (cg))
    return 0;
  return cg->v2 ? mrt_cg_v2_is_frozen (cg, frozen, err) : mrt_cg_v1_is_frozen (cg, frozen, err);
}

int
mrt_cgroup_kill_all (struct mrt_cgroup *cg, int signal, mrt_error_t *err)
{
  if (mrt_cgroup_is_disabled (cg))
    return 0;
  if (cg->v2 && signal == SIGKILL && !cg->fake && mrt_cg_exists (cg->h[0].path, "cgroup.kill"))
    return mrt_cg_write (cg, cg->h[0].path, "cgroup.kill", "1", false, "kill --all", err);
  cleanup_free pid_t *pids = NULL;
  size_t n = 0;
  /* An empty cgroup (the common case at delete: the init is gone) has
   * nobody who could fork: no freeze/thaw round trip. */
  if (mrt_cgroup_pids (cg, &pids, &n, err) < 0)
    return -1;
  if (n == 0)
    return 0;
  free (pids);
  pids = NULL;
  n = 0;
  /* Frozen, nobody can fork a new process between our read and our kill.
   * A paused container stays paused, unless it is SIGKILL: v1 frozen tasks
   * cannot die until thawed (runc thaws too). */
  bool can_freeze = cg->v2 || mrt_cg_find (cg, "freezer") != NULL;
  bool was_frozen = false;
  if (can_freeze)
    {
      mrt_error_t e = NULL;
      if (mrt_cgroup_is_frozen (cg, &was_frozen, &e) < 0 || mrt_cgroup_freeze (cg, true, &e) < 0)
        can_freeze = false;
      mrt_error_free (&e);
      if (was_frozen && signal != SIGKILL)
        can_freeze = false; /* leave it frozen afterwards */
    }
  int ret = mrt_cgroup_pids (cg, &pids, &n, err);
  for (size_t i = 0; ret == 0 && i < n; i++)
    if (kill (pids[i], signal) < 0 && errno != ESRCH)
      ret = mrt_error_sys (err, "kill pid %d", (int)pids[i]);
  if (can_freeze)
    {
      mrt_error_t e = NULL;
      if (mrt_cgroup_freeze (cg, false, &e) < 0 && ret == 0)
        {
          ret = -1;
          if (err && *err == NULL)
            *err = steal_pointer (&e);
        }
      mrt_error_free (&e);
    }
  return ret;
}
