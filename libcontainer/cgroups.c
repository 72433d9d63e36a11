/* SPDX-License-Identifier: Apache-2.0 */
/* Placeholder until the cgroup work lands: no cgroup at all. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cgroups.h"
#include "utils.h"

struct mrt_cgroup
{
  int unused;
};

int
mrt_cgroup_create (const struct mrt_cgroup_config *cfg, const struct mrt_resources *res, struct mrt_cgroup **out,
                   mrt_error_t *err)
{
  (void) cfg, (void) res, (void) err;
  *out = xmalloc0 (sizeof (**out));
  return 0;
}

int
mrt_cgroup_enter (struct mrt_cgroup *cg, pid_t pid, mrt_error_t *err)
{
  (void) cg, (void) pid, (void) err;
  return 0;
}

int
mrt_cgroup_update (struct mrt_cgroup *cg, const struct mrt_resources *res, mrt_error_t *err)
{
  (void) cg, (void) res;
  return mrt_error_make (err, ENOSYS, "cgroup update: not implemented");
}

int
mrt_cgroup_pids (struct mrt_cgroup *cg, pid_t **pids, size_t *n, mrt_error_t *err)
{
  (void) cg, (void) err;
  *pids = NULL;
  *n = 0;
  return 0;
}

int
mrt_cgroup_kill_all (struct mrt_cgroup *cg, int signal, mrt_error_t *err)
{
  (void) cg, (void) signal, (void) err;
  return 0;
}

int
mrt_cgroup_freeze (struct mrt_cgroup *cg, bool frozen, mrt_error_t *err)
{
  (void) cg, (void) frozen;
  return mrt_error_make (err, ENOSYS, "cgroup freeze: not implemented");
}

int
mrt_cgroup_is_frozen (struct mrt_cgroup *cg, bool *frozen, mrt_error_t *err)
{
  (void) cg, (void) err;
  *frozen = false;
  return 0;
}

int
mrt_cgroup_stats (struct mrt_cgroup *cg, struct mrt_cgroup_stats *stats, mrt_error_t *err)
{
  (void) cg, (void) err;
  memset (stats, 0, sizeof (*stats));
  return 0;
}

int
mrt_cgroup_destroy (struct mrt_cgroup *cg, mrt_error_t *err)
{
  (void) cg, (void) err;
  return 0;
}

void
mrt_cgroup_free (struct mrt_cgroup *cg)
{
  free (cg);
}

char *
mrt_cgroup_save (const struct mrt_cgroup *cg)
{
  (void) cg;
  return xstrdup ("none");
}

int
mrt_cgroup_restore (const struct mrt_cgroup_config *cfg, const char *saved, struct mrt_cgroup **out, mrt_error_t *err)
{
  (void) cfg, (void) saved, (void) err;
  *out = xmalloc0 (sizeof (**out));
  return 0;
}
