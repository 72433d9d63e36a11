/* SPDX-License-Identifier: Apache-2.0 */
/* Cgroup v2: one directory, runc's conversions from the v1-shaped spec
 * values (libcontainer/cgroups/fs2). */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cgroups_internal.h"
#include "utils.h"

#define F "linux.resources."

/* Write or return -1 (the error names the field and the file); WA appends
 * one entry to a multi-entry file. */
/* clang-format off */
#define W(file, field, ...) \
  do { if (mrt_cg_writef (cg, dir, file, false, field, err, __VA_ARGS__) < 0) return -1; } while (0)
#define WA(file, field, ...) \
  do { if (mrt_cg_writef (cg, dir, file, true, field, err, __VA_ARGS__) < 0) return -1; } while (0)
/* clang-format on */

/* ---- conversions (runc 1.1) -------------------------------------------------- */

/* cpu.shares [2, 262144] to cpu.weight [1, 10000]. */
uint64_t
mrt_cg_shares_to_weight (uint64_t shares)
{
  if (shares == 0)
    return 0;
  if (shares < 2)
    shares = 2;
  if (shares > 262144)
    shares = 262144;
  return 1 + ((shares - 2) * 9999) / 262142;
}

/* blkio.weight [10, 1000] to io.weight [1, 10000]. */
uint64_t
mrt_cg_blkio_to_io_weight (uint64_t weight)
{
  if (weight == 0)
    return 0;
  if (weight < 10)
    weight = 10;
  return 1 + (weight - 10) * 9999 / 990;
}

/* memory.swap in the spec is memory+swap (v1); swap.max is swap alone.
 * *out: -1 = "max", 0 = leave alone. */
int
mrt_cg_swap_v2 (int64_t swap, int64_t limit, int64_t *out, mrt_error_t *err)
{
  if (limit == -1 && swap == 0)
    {
      *out = -1;
      return 0;
    }
  if (swap == -1 || swap == 0)
    {
      *out = swap;
      return 0;
    }
  if (limit == 0 || limit == -1)
    return mrt_error_make (err, EINVAL, F "memory.swap: unable to set a swap limit without a memory limit");
  if (swap < limit)
    return mrt_error_make (
        err, EINVAL, F "memory.swap: memory+swap limit %" PRId64 " is below the memory limit %" PRId64, swap, limit);
  *out = swap - limit;
  return 0;
}

static void
fmt_max (char *buf, size_t size, int64_t v)
{
  if (v < 0)
    snprintf (buf, size, "max");
  else
    snprintf (buf, size, "%" PRId64, v);
}

/* ---- subtree_control ------------------------------------------------------------ */

/* Enable in `from` and each directory below it on the way to the leaf
 * (exclusive) every controller it has and has not enabled yet.  A refused
 * controller is left out: a resource that needs it fails later, naming
 * the field. */
int
mrt_cg_v2_enable_controllers (struct mrt_cgroup *cg, const char *from, mrt_error_t *err)
{
  (void)err;
  const char *leaf = cg->h[0].path;
  size_t flen = strlen (from);
  if (strncmp (leaf, from, flen) != 0 || (leaf[flen] != '/' && leaf[flen] != '\0'))
    return 0;
  for (size_t end = flen; leaf[end] != '\0'; end++)
    {
      if (end != flen && leaf[end] != '/')
        continue;
      cleanup_free char *dir = xstrndup (leaf, end);
      cleanup_free char *avail = mrt_cg_read (dir, "cgroup.controllers");
      cleanup_free char *enabled = mrt_cg_read (dir, "cgroup.subtree_control");
      if (avail == NULL)
        continue;
      char *save = NULL;
      for (char *c = strtok_r (avail, " \n", &save); c; c = strtok_r (NULL, " \n", &save))
        {
          cleanup_free char *en = enabled ? xstrdup (enabled) : xstrdup ("");
          bool on = false;
          char *s2 = NULL;
          for (char *e = strtok_r (en, " \n", &s2); e; e = strtok_r (NULL, " \n", &s2))
            on = on || strcmp (e, c) == 0;
          if (on)
            continue;
          mrt_error_t e = NULL;
          if (mrt_cg_writef (cg, dir, "cgroup.subtree_control", true, "cgroup.subtree_control", &e, "+%s", c) < 0)
            mrt_log_debug (cg->log, "cgroup: enable %s in %s: %s", c, dir, e->msg);
          mrt_error_free (&e);
        }
    }
  return 0;
}

/* ---- resources ------------------------------------------------------------------- */

static int
apply_memory (struct mrt_cgroup *cg, const char *dir, const struct mrt_memory *m, bool creating, mrt_error_t *err)
{
  if (m == NULL)
    return 0;
  if (m->kernel.set)
    mrt_log_debug (cg->log, F "memory.kernel: not supported on cgroup v2, ignored");
  if (m->kernel_tcp.set)
    mrt_log_debug (cg->log, F "memory.kernelTCP: not supported on cgroup v2, ignored");
  if (m->swappiness.set)
    mrt_log_debug (cg->log, F "memory.swappiness: not supported on cgroup v2, ignored");
  if (m->disable_oom_killer.set)
    mrt_log_debug (cg->log, F "memory.disableOOMKiller: not supported on cgroup v2, ignored");
  int64_t limit = m->limit.set ? m->limit.value : 0;
  char buf[32];
  if (!creating && m->check_before_update.set && m->check_before_update.value && limit > 0)
    {
      cleanup_free char *s = mrt_cg_read (dir, "memory.current");
      uint64_t usage = s ? strtoull (s, NULL, 10) : 0;
      if (usage > (uint64_t)limit)
        return mrt_error_make (err, EBUSY, F "memory.limit: %" PRId64 " is below the current usage %" PRIu64, limit,
                               usage);
    }
  if (m->swap.set || limit == -1)
    {
      int64_t swap = 0;
      int64_t cur_limit = limit;
      if (cur_limit == 0 && m->swap.set)
        {
          /* Updating swap alone: it is relative to the current limit. */
          cleanup_free char *s = mrt_cg_read (dir, "memory.max");
          cur_limit = (s == NULL || strcmp (s, "max") == 0) ? -1 : strtoll (s, NULL, 10);
        }
      if (mrt_cg_swap_v2 (m->swap.set ? m->swap.value : 0, cur_limit, &swap, err) < 0)
        return -1;
      if (swap != 0)
        {
          /* Without swap accounting there is no memory.swap.max: only
           * "max" (the default) can be skipped. */
          if (swap == -1 && !cg->fake && !mrt_cg_exists (dir, "memory.swap.max"))
            ;
          else
            {
              fmt_max (buf, sizeof (buf), swap);
              W ("memory.swap.max", F "memory.swap", "%s", buf);
            }
        }
    }
  if (limit != 0)
    {
      fmt_max (buf, sizeof (buf), limit);
      W ("memory.max", F "memory.limit", "%s", buf);
    }
  if (m->reservation.set && m->reservation.value != 0)
    {
      fmt_max (buf, sizeof (buf), m->reservation.value);
      W ("memory.low", F "memory.reservation", "%s", buf);
    }
  return 0;
}

static int
apply_cpu (struct mrt_cgroup *cg, const char *dir, const struct mrt_cpu *c, mrt_error_t *err)
{
  if (c == NULL)
    return 0;
  if (c->realtime_period.set || c->realtime_runtime.set)
    return mrt_error_make (err, EINVAL, F "cpu.realtimeRuntime: realtime scheduling is not supported on cgroup v2");
  if (c->shares.set && c->shares.value != 0)
    W ("cpu.weight", F "cpu.shares", "%" PRIu64, mrt_cg_shares_to_weight (c->shares.value));
  if (c->idle.set)
    W ("cpu.idle", F "cpu.idle", "%" PRId64, c->idle.value);
  if (c->quota.set || c->period.set)
    {
      /* cpu.max is "quota period": keep the half that is not being set. */
      char quota[32] = "max";
      uint64_t period = 100000;
      cleanup_free char *cur = mrt_cg_read (dir, "cpu.max");
      if (cur)
        {
          char q[32];
          unsigned long long p;
          if (sscanf (cur, "%31s %llu", q, &p) == 2)
            {
              snprintf (quota, sizeof (quota), "%s", q);
              period = p;
            }
        }
      if (c->quota.set)
        fmt_max (quota, sizeof (quota), c->quota.value);
      if (c->period.set && c->period.value != 0)
        period = c->period.value;
      W ("cpu.max", c->quota.set ? F "cpu.quota" : F "cpu.period", "%s %" PRIu64, quota, period);
    }
  if (c->burst.set)
    W ("cpu.max.burst", F "cpu.burst", "%" PRIu64, c->burst.value);
  if (c->cpus && *c->cpus)
    W ("cpuset.cpus", F "cpu.cpus", "%s", c->cpus);
  if (c->mems && *c->mems)
    W ("cpuset.mems", F "cpu.mems", "%s", c->mems);
  return 0;
}

static int
io_lines (struct mrt_cgroup *cg, const char *dir, const char *key, const char *name,
          const struct mrt_throttle_device *t, size_t n, mrt_error_t *err)
{
  for (size_t i = 0; i < n; i++)
    {
      cleanup_free char *field = xasprintf (F "blockIO.%s[%zu]", name, i);
      WA ("io.max", field, "%" PRId64 ":%" PRId64 " %s=%" PRIu64, t[i].major, t[i].minor, key, t[i].rate);
    }
  return 0;
}

static int
apply_io (struct mrt_cgroup *cg, const char *dir, const struct mrt_block_io *b, mrt_error_t *err)
{
  if (b == NULL)
    return 0;
  /* With BFQ the weight is bfq's own [1, 1000] scale, unconverted. */
  bool bfq = mrt_cg_exists (dir, "io.bfq.weight");
  if (b->weight.set && b->weight.value != 0)
    {
      if (bfq)
        W ("io.bfq.weight", F "blockIO.weight", "%" PRIu64, b->weight.value);
      else
        W ("io.weight", F "blockIO.weight", "%" PRIu64, mrt_cg_blkio_to_io_weight (b->weight.value));
    }
  if (b->leaf_weight.set)
    mrt_log_debug (cg->log, F "blockIO.leafWeight: not supported on cgroup v2, ignored");
  for (size_t i = 0; i < b->n_weight_device; i++)
    {
      const struct mrt_weight_device *d = &b->weight_device[i];
      if (!d->weight.set)
        continue;
      cleanup_free char *field = xasprintf (F "blockIO.weightDevice[%zu]", i);
      if (bfq)
        WA ("io.bfq.weight", field, "%" PRId64 ":%" PRId64 " %" PRIu64, d->major, d->minor, d->weight.value);
      else
        WA ("io.weight", field, "%" PRId64 ":%" PRId64 " %" PRIu64, d->major, d->minor,
            mrt_cg_blkio_to_io_weight (d->weight.value));
    }
  if (io_lines (cg, dir, "rbps", "throttleReadBpsDevice", b->throttle_read_bps_device, b->n_throttle_read_bps_device,
                err)
          < 0
      || io_lines (cg, dir, "wbps", "throttleWriteBpsDevice", b->throttle_write_bps_device,
                   b->n_throttle_write_bps_device, err)
             < 0
      || io_lines (cg, dir, "riops", "throttleReadIOPSDevice", b->throttle_read_iops_device,
                   b->n_throttle_read_iops_device, err)
             < 0
      || io_lines (cg, dir, "wiops", "throttleWriteIOPSDevice", b->throttle_write_iops_device,
                   b->n_throttle_write_iops_device, err)
             < 0)
    return -1;
  return 0;
}

static int
apply_misc (struct mrt_cgroup *cg, const char *dir, const struct mrt_resources *res, mrt_error_t *err)
{
  if (res->pids_limit.set)
    {
      if (res->pids_limit.value <= 0)
        W ("pids.max", F "pids.limit", "max");
      else
        W ("pids.max", F "pids.limit", "%" PRId64, res->pids_limit.value);
    }
  for (size_t i = 0; i < res->n_hugepage_limits; i++)
    {
      cleanup_free char *file = xasprintf ("hugetlb.%s.max", res->hugepage_limits[i].page_size);
      cleanup_free char *field = xasprintf (F "hugepageLimits[%zu]", i);
      W (file, field, "%" PRIu64, res->hugepage_limits[i].limit);
    }
  for (size_t i = 0; i < res->n_rdma; i++)
    {
      const struct mrt_rdma *r = &res->rdma[i];
      char h[32] = "max", o[32] = "max";
      if (r->hca_handles.set)
        snprintf (h, sizeof (h), "%" PRIu64, r->hca_handles.value);
      if (r->hca_objects.set)
        snprintf (o, sizeof (o), "%" PRIu64, r->hca_objects.value);
      cleanup_free char *field = xasprintf (F "rdma.%s", r->device);
      WA ("rdma.max", field, "%s hca_handle=%s hca_object=%s", r->device, h, o);
    }
  if (res->network && (res->network->class_id.set || res->network->n_priorities))
    mrt_log_debug (cg->log, F "network: net_cls and net_prio do not exist on cgroup v2, ignored");
  return 0;
}

static int
apply_unified (struct mrt_cgroup *cg, const char *dir, const struct mrt_resources *res, mrt_error_t *err)
{
  for (size_t i = 0; i < res->n_unified; i++)
    {
      const char *key = res->unified[i].key;
      cleanup_free char *field = xasprintf (F "unified[\"%s\"]", key);
      if (*key == '\0' || strchr (key, '/') || strcmp (key, ".") == 0 || strcmp (key, "..") == 0)
        return mrt_error_make (err, EINVAL, "%s: not a cgroup file name", field);
      W (key, field, "%s", res->unified[i].value);
    }
  return 0;
}

int
mrt_cg_v2_apply (struct mrt_cgroup *cg, const struct mrt_resources *res, bool creating, mrt_error_t *err)
{
  const char *dir = cg->h[0].path;
  if (apply_memory (cg, dir, res->memory, creating, err) < 0 || apply_cpu (cg, dir, res->cpu, err) < 0
      || apply_io (cg, dir, res->block_io, err) < 0 || apply_misc (cg, dir, res, err) < 0)
    return -1;
  if (creating || res->n_devices > 0)
    {
      size_t n = 0;
      cleanup_free struct mrt_device_cgroup_rule *rules = mrt_cg_device_rules (cg, res, &n);
      /* A fake tree is no cgroup: there is nothing to attach to. */
      mrt_error_t e = NULL;
      if (!cg->fake && mrt_bpf_devices_apply (dir, rules, n, &e) < 0)
        {
          /* runc's fs2 manager ignores device errors when rootless. */
          if (!cg->rootless)
            {
              *err = steal_pointer (&e);
              return mrt_error_prefix (err, F "devices");
            }
          mrt_log_debug (cg->log, F "devices: %s (rootless: ignored)", e->msg);
          mrt_error_free (&e);
        }
    }
  /* Last, so that unified keys override the converted values. */
  return apply_unified (cg, dir, res, err);
}

/* ---- freeze ------------------------------------------------------------------------ */

int
mrt_cg_v2_is_frozen (struct mrt_cgroup *cg, bool *frozen, mrt_error_t *err)
{
  (void)err;
  const char *dir = cg->h[0].path;
  uint64_t v = 0;
  if (mrt_cg_read_keyed (dir, "cgroup.events", "frozen", &v) == 0)
    {
      *frozen = v == 1;
      return 0;
    }
  cleanup_free char *s = mrt_cg_read (dir, "cgroup.freeze");
  *frozen = s && strcmp (s, "1") == 0;
  return 0;
}

int
mrt_cg_v2_freeze (struct mrt_cgroup *cg, bool frozen, mrt_error_t *err)
{
  const char *dir = cg->h[0].path;
  const char *field = frozen ? "pause" : "resume";
  if (mrt_cg_write (cg, dir, "cgroup.freeze", frozen ? "1" : "0", false, field, err) < 0)
    return -1;
  if (cg->fake)
    return 0;
  /* cgroup.events says "frozen 1" once every task has stopped. */
  for (int i = 0; i < 1000; i++)
    {
      uint64_t v = 0;
      if (mrt_cg_read_keyed (dir, "cgroup.events", "frozen", &v) < 0)
        return mrt_error_sys (err, "%s: read cgroup.events", field);
      if ((v == 1) == frozen)
        return 0;
      struct timespec ts = { 0, (i < 10 ? 1 : 10) * 1000 * 1000 };
      nanosleep (&ts, NULL);
    }
  if (frozen)
    {
      mrt_error_t e = NULL;
      mrt_cg_write (cg, dir, "cgroup.freeze", "0", false, field, &e);
      mrt_error_free (&e);
    }
  return mrt_error_make (err, EBUSY, "%s: the cgroup did not become %s", field, frozen ? "frozen" : "thawed");
}
