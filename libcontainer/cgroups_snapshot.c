/* SPDX-License-Identifier: Apache-2.0 */
/* The limits an `update` may change, read before it and written back when
 * it fails half-way (runc re-applies the old config the same way). */
#include <stdlib.h>
#include <string.h>

#include "cgroups_internal.h"
#include "utils.h"

struct saved
{
  const char *dir; /* owned by the cgroup */
  const char *file;
  char *value;
};

struct mrt_cg_snapshot
{
  struct saved *v;
  size_t n;
};

/* Controller and file; the order is the one a restore writes in. */
static const char *const v1_files[][2] = {
  { "memory", "memory.memsw.limit_in_bytes" },
  { "memory", "memory.limit_in_bytes" },
  { "memory", "memory.soft_limit_in_bytes" },
  { "memory", "memory.swappiness" },
  { "memory", "memory.oom_control" },
  { "cpu", "cpu.shares" },
  { "cpu", "cpu.cfs_period_us" },
  { "cpu", "cpu.cfs_quota_us" },
  { "cpu", "cpu.cfs_burst_us" },
  { "cpu", "cpu.rt_period_us" },
  { "cpu", "cpu.rt_runtime_us" },
  { "cpu", "cpu.idle" },
  { "cpuset", "cpuset.cpus" },
  { "cpuset", "cpuset.mems" },
  { "pids", "pids.max" },
  { "blkio", "blkio.weight" },
  { "blkio", "blkio.bfq.weight" },
  { "blkio", "blkio.leaf_weight" },
  { "net_cls", "net_cls.classid" },
};

static const char *const v2_files[] = {
  "memory.max",    "memory.swap.max", "memory.low",  "memory.high", "memory.oom.group", "cpu.weight", "cpu.max",
  "cpu.max.burst", "cpu.idle",        "cpuset.cpus", "cpuset.mems", "pids.max",         "io.weight",  "io.bfq.weight",
};

static void
add (struct mrt_cg_snapshot *s, const char *dir, const char *file)
{
  char *value = mrt_cg_read (dir, file);
  if (value == NULL)
    return;
  /* memory.oom_control reads "oom_kill_disable N\n..." and takes "N". */
  if (strcmp (file, "memory.oom_control") == 0)
    {
      uint64_t v = 0;
      free (value);
      if (mrt_cg_read_keyed (dir, file, "oom_kill_disable", &v) < 0)
        return;
      value = xasprintf ("%d", v ? 1 : 0);
    }
  s->v = xrealloc (s->v, (s->n + 1) * sizeof (*s->v));
  s->v[s->n++] = (struct saved){ dir, file, value };
}

struct mrt_cg_snapshot *
mrt_cg_snapshot_take (const struct mrt_cgroup *cg)
{
  struct mrt_cg_snapshot *s = xmalloc0 (sizeof (*s));
  if (cg->v2)
    {
      for (size_t i = 0; cg->n_h && i < ARRAY_SIZE (v2_files); i++)
        add (s, cg->h[0].path, v2_files[i]);
      return s;
    }
  for (size_t i = 0; i < ARRAY_SIZE (v1_files); i++)
    {
      struct mrt_cg_hier *h = mrt_cg_find (cg, v1_files[i][0]);
      if (h)
        add (s, h->path, v1_files[i][1]);
    }
  return s;
}

void
mrt_cg_snapshot_restore (const struct mrt_cgroup *cg, const struct mrt_cg_snapshot *s)
{
  /* Some pairs must be written in an order that depends on the values
   * (memory under memsw, quota within period): a second pass writes what
   * the first could not. */
  bool *done = xmalloc0 ((s->n + 1) * sizeof (bool));
  for (int pass = 0; pass < 2; pass++)
    for (size_t i = 0; i < s->n; i++)
      {
        if (done[i])
          continue;
        cleanup_free char *now = mrt_cg_read (s->v[i].dir, s->v[i].file);
        mrt_error_t ignored = NULL;
        if ((now && strcmp (now, s->v[i].value) == 0)
            || mrt_cg_write (cg, s->v[i].dir, s->v[i].file, s->v[i].value, false, "restore", &ignored) == 0)
          done[i] = true;
        mrt_error_free (&ignored);
      }
  for (size_t i = 0; i < s->n; i++)
    if (!done[i])
      mrt_log_warning (cg->log, "update failed and %s/%s could not be set back to \"%s\"", s->v[i].dir, s->v[i].file,
                       s->v[i].value);
  free (done);
}

void
mrt_cg_snapshot_free (struct mrt_cg_snapshot *s)
{
  if (s == NULL)
    return;
  for (size_t i = 0; i < s->n; i++)
    free (s->v[i].value);
  free (s->v);
  free (s);
}
