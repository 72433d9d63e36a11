/* SPDX-License-Identifier: Apache-2.0 */
/* Cgroup v1: one directory per hierarchy, runc's file names and write
 * order (libcontainer/cgroups/fs). */
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

/* The directory of a controller, or an error naming the field. */
static const char *
need (struct mrt_cgroup *cg, const char *ctrl, const char *field, mrt_error_t *err)
{
  struct mrt_cg_hier *h = mrt_cg_find (cg, ctrl);
  if (h == NULL && cg->skipped && mrt_cg_has_ctrl (cg->skipped, ctrl))
    mrt_error_make (err, 0, "%s: cannot set %s limit: container could not join or create cgroup", field, ctrl);
  else if (h == NULL)
    mrt_error_make (err, ENOENT, "%s: the %s cgroup controller is not mounted", field, ctrl);
  return h ? h->path : NULL;
}

/* Write or return -1 (the error names the field and the file); WA appends
 * one entry to a multi-entry file. */
/* clang-format off */
#define W(file, field, ...) \
  do { if (mrt_cg_writef (cg, dir, file, false, field, err, __VA_ARGS__) < 0) return -1; } while (0)
#define WA(file, field, ...) \
  do { if (mrt_cg_writef (cg, dir, file, true, field, err, __VA_ARGS__) < 0) return -1; } while (0)
/* clang-format on */

/* ---- memory ---------------------------------------------------------------- */

static int
memory_and_swap (struct mrt_cgroup *cg, const char *dir, const struct mrt_memory *m, mrt_error_t *err)
{
  bool limit_set = m->limit.set && m->limit.value != 0;
  bool swap_set = m->swap.set && m->swap.value != 0;
  int64_t limit = m->limit.value, swap = m->swap.value;
  /* Unlimited memory with no word on swap means unlimited swap too. */
  if (limit_set && limit == -1 && !swap_set && mrt_cg_exists (dir, "memory.memsw.limit_in_bytes"))
    swap = -1, swap_set = true;
  if (limit_set && swap_set)
    {
      /* The kernel wants limit <= memsw at every moment: raise memsw first
       * when it grows, lower the limit first when it shrinks. */
      uint64_t cur = 0;
      cleanup_free char *s = mrt_cg_read (dir, "memory.limit_in_bytes");
      if (s)
        cur = strtoull (s, NULL, 10);
      if (swap == -1 || cur < (uint64_t)swap)
        {
          W ("memory.memsw.limit_in_bytes", F "memory.swap", "%" PRId64, swap);
          W ("memory.limit_in_bytes", F "memory.limit", "%" PRId64, limit);
          return 0;
        }
    }
  if (limit_set)
    W ("memory.limit_in_bytes", F "memory.limit", "%" PRId64, limit);
  if (swap_set)
    W ("memory.memsw.limit_in_bytes", F "memory.swap", "%" PRId64, swap);
  return 0;
}

static int
apply_memory (struct mrt_cgroup *cg, const struct mrt_memory *m, bool creating, mrt_error_t *err)
{
  if (m == NULL)
    return 0;
  bool any = m->limit.set || m->reservation.set || m->swap.set || m->swappiness.set || m->disable_oom_killer.set
             || m->use_hierarchy.set;
  /* runc 1.1 ignores both: kmem limits are deprecated (gone in 6.x). */
  if (m->kernel.set)
    mrt_log_debug (cg->log, F "memory.kernel: kernel memory settings are ignored");
  if (m->kernel_tcp.set)
    mrt_log_debug (cg->log, F "memory.kernelTCP: kernel memory settings are ignored");
  if (!any)
    return 0;
  const char *dir = need (cg, "memory", F "memory", err);
  if (dir == NULL)
    return -1;
  if (!creating && m->check_before_update.set && m->check_before_update.value && m->limit.set && m->limit.value > 0)
    {
      /* runc: a limit below what is in use now is refused, not enforced. */
      cleanup_free char *s = mrt_cg_read (dir, "memory.usage_in_bytes");
      uint64_t usage = s ? strtoull (s, NULL, 10) : 0;
      if (usage > (uint64_t)m->limit.value)
        return mrt_error_make (err, EBUSY, F "memory.limit: %" PRId64 " is below the current usage %" PRIu64,
                               m->limit.value, usage);
    }
  if (memory_and_swap (cg, dir, m, err) < 0)
    return -1;
  if (m->reservation.set && m->reservation.value != 0)
    W ("memory.soft_limit_in_bytes", F "memory.reservation", "%" PRId64, m->reservation.value);
  if (m->swappiness.set)
    W ("memory.swappiness", F "memory.swappiness", "%" PRIu64, m->swappiness.value);
  if (m->disable_oom_killer.set)
    W ("memory.oom_control", F "memory.disableOOMKiller", "%d", m->disable_oom_killer.value ? 1 : 0);
  if (m->use_hierarchy.set)
    W ("memory.use_hierarchy", F "memory.useHierarchy", "%d", m->use_hierarchy.value ? 1 : 0);
  return 0;
}

/* ---- cpu, cpuset ---------------------------------------------------------------- */

/* The kernel clamps cpu.shares to 2..262144 without an error; runc reads
 * it back and fails, so a client learns its value was not taken. */
static int
check_shares (struct mrt_cgroup *cg, const char *dir, uint64_t shares, mrt_error_t *err)
{
  W ("cpu.shares", F "cpu.shares", "%" PRIu64, shares);
  cleanup_free char *s = mrt_cg_read (dir, "cpu.shares");
  if (s == NULL)
    return mrt_error_sys (err, F "cpu.shares: read cpu.shares");
  uint64_t got = strtoull (s, NULL, 10);
  if (got < shares)
    return mrt_error_make (err, 0, F "cpu.shares: %" PRIu64 ": the maximum allowed cpu-shares is %" PRIu64, shares,
                           got);
  if (got > shares)
    return mrt_error_make (err, 0, F "cpu.shares: %" PRIu64 ": the minimum allowed cpu-shares is %" PRIu64, shares,
                           got);
  return 0;
}

static int
apply_cpu (struct mrt_cgroup *cg, const struct mrt_cpu *c, mrt_error_t *err)
{
  if (c == NULL)
    return 0;
  const char *dir;
  if (c->shares.set || c->quota.set || c->period.set || c->burst.set || c->realtime_period.set
      || c->realtime_runtime.set || c->idle.set)
    {
      if ((dir = need (cg, "cpu", F "cpu", err)) == NULL)
        return -1;
      if (c->shares.set && c->shares.value != 0 && check_shares (cg, dir, c->shares.value, err) < 0)
        return -1;
      if (c->period.set && c->period.value != 0)
        {
          /* A shorter period can be refused while the old quota exceeds
           * it: then set the quota first and retry. */
          mrt_error_t e = NULL;
          if (mrt_cg_writef (cg, dir, "cpu.cfs_period_us", false, F "cpu.period", &e, "%" PRIu64, c->period.value) < 0)
            {
              if (!c->quota.set || c->quota.value == 0)
                {
                  *err = e;
                  return -1;
                }
              mrt_error_free (&e);
              W ("cpu.cfs_quota_us", F "cpu.quota", "%" PRId64, c->quota.value);
              W ("cpu.cfs_period_us", F "cpu.period", "%" PRIu64, c->period.value);
            }
        }
      if (c->quota.set && c->quota.value != 0)
        W ("cpu.cfs_quota_us", F "cpu.quota", "%" PRId64, c->quota.value);
      if (c->burst.set)
        W ("cpu.cfs_burst_us", F "cpu.burst", "%" PRIu64, c->burst.value);
      if (c->realtime_period.set && c->realtime_period.value != 0)
        W ("cpu.rt_period_us", F "cpu.realtimePeriod", "%" PRIu64, c->realtime_period.value);
      if (c->realtime_runtime.set && c->realtime_runtime.value != 0)
        W ("cpu.rt_runtime_us", F "cpu.realtimeRuntime", "%" PRId64, c->realtime_runtime.value);
      if (c->idle.set)
        W ("cpu.idle", F "cpu.idle", "%" PRId64, c->idle.value);
    }
  if ((c->cpus && *c->cpus) || (c->mems && *c->mems))
    {
      if ((dir = need (cg, "cpuset", F "cpu.cpus", err)) == NULL)
        return -1;
      if (c->cpus && *c->cpus)
        W ("cpuset.cpus", F "cpu.cpus", "%s", c->cpus);
      if (c->mems && *c->mems)
        W ("cpuset.mems", F "cpu.mems", "%s", c->mems);
    }
  return 0;
}

static const char *const cpuset_files[] = { "cpuset.cpus", "cpuset.mems" };

/* The original walk down from `top`: reads each file and its parent's. */
static int
cpuset_copy_down (struct mrt_cgroup *cg, const struct mrt_cg_hier *h, const char *top, mrt_error_t *err)
{
  size_t toplen = strlen (top);
  for (size_t end = toplen;; end++)
    {
      if (h->path[end] != '/' && h->path[end] != '\0')
        continue;
      cleanup_free char *dir = xstrndup (h->path, end);
      cleanup_free char *parent = xstrndup (h->path, strrchr (dir, '/') - dir);
      for (size_t i = 0; i < ARRAY_SIZE (cpuset_files); i++)
        {
          cleanup_free char *cur = mrt_cg_read (dir, cpuset_files[i]);
          if (cur && *cur)
            continue;
          cleanup_free char *val = mrt_cg_read (parent, cpuset_files[i]);
          if (val == NULL)
            return mrt_error_sys (err, "cgroup cpuset: read %s/%s", parent, cpuset_files[i]);
          cleanup_free char *field = xasprintf ("cgroup cpuset `%s`", dir);
          if (mrt_cg_write (cg, dir, cpuset_files[i], val, false, field, err) < 0)
            return -1;
        }
      if (h->path[end] == '\0')
        break;
    }
  return 0;
}

struct cpuset_level
{
  char *dir;
  char *val[2];
};

/* A new cpuset cgroup starts with empty cpus and mems, and no process can
 * join it then: copy them from the parent, top-down, in every directory
 * create() made.  Directories that already existed can be empty too (a
 * runtime killed between its mkdir and this copy): every empty one on the
 * way down is filled, as runc does.  The walk up to the topmost empty
 * directory keeps what it read, and a value copied down is the next
 * directory's parent value: each file is read once. */
int
mrt_cg_v1_prepare_cpuset (struct mrt_cgroup *cg, mrt_error_t *err)
{
  struct mrt_cg_hier *h = mrt_cg_find (cg, "cpuset");
  if (h == NULL)
    return 0;
  /* lv[0] is the leaf; lv[0 .. n_empty - 1] lack a value; lv[n_empty],
   * when there, is where the walk stopped (both values, or unreadable). */
  struct cpuset_level *lv = NULL;
  size_t n = 0, n_empty = 0;
  cleanup_free char *dir = xstrdup (h->path);
  for (;;)
    {
      lv = xrealloc (lv, (n + 1) * sizeof (*lv));
      struct cpuset_level *l = &lv[n++];
      l->dir = xstrdup (dir);
      for (size_t i = 0; i < ARRAY_SIZE (cpuset_files); i++)
        l->val[i] = mrt_cg_read (dir, cpuset_files[i]);
      if (l->val[0] == NULL || l->val[1] == NULL || (*l->val[0] && *l->val[1]))
        break;
      n_empty = n;
      char *slash = strrchr (dir, '/');
      if (slash == NULL || slash == dir)
        break;
      *slash = '\0';
    }
  int ret = 0;
  if (n_empty == 0)
    {
      /* The leaf has its values (or cannot be read): only what create()
       * made is looked at, as before. */
      if (h->top)
        ret = cpuset_copy_down (cg, h, h->top, err);
      goto out;
    }
  for (size_t k = n_empty; k-- > 0;)
    {
      struct cpuset_level *cur = &lv[k];
      for (size_t i = 0; i < ARRAY_SIZE (cpuset_files); i++)
        {
          if (*cur->val[i])
            continue;
          cleanup_free char *read_val = NULL;
          const char *val = k + 1 < n ? lv[k + 1].val[i] : NULL;
          if (val == NULL)
            {
              cleanup_free char *parent = xstrndup (cur->dir, strrchr (cur->dir, '/') - cur->dir);
              read_val = mrt_cg_read (parent, cpuset_files[i]);
              if (read_val == NULL)
                {
                  ret = mrt_error_sys (err, "cgroup cpuset: read %s/%s", parent, cpuset_files[i]);
                  goto out;
                }
              val = read_val;
            }
          cleanup_free char *field = xasprintf ("cgroup cpuset `%s`", cur->dir);
          if (mrt_cg_write (cg, cur->dir, cpuset_files[i], val, false, field, err) < 0)
            {
              ret = -1;
              goto out;
            }
          char *copy = xstrdup (val);
          free (cur->val[i]);
          cur->val[i] = copy;
        }
    }
out:
  for (size_t k = 0; k < n; k++)
    free (lv[k].dir), free (lv[k].val[0]), free (lv[k].val[1]);
  free (lv);
  return ret;
}

/* ---- pids, blkio, hugetlb, network, rdma ---------------------------------------- */

static int
apply_pids (struct mrt_cgroup *cg, const struct mrt_resources *res, mrt_error_t *err)
{
  if (!res->pids_limit.set)
    return 0;
  const char *dir = need (cg, "pids", F "pids.limit", err);
  if (dir == NULL)
    return -1;
  if (res->pids_limit.value <= 0)
    W ("pids.max", F "pids.limit", "max");
  else
    W ("pids.max", F "pids.limit", "%" PRId64, res->pids_limit.value);
  return 0;
}

static int
throttle (struct mrt_cgroup *cg, const char *dir, const char *file, const char *name,
          const struct mrt_throttle_device *t, size_t n, mrt_error_t *err)
{
  for (size_t i = 0; i < n; i++)
    {
      cleanup_free char *field = xasprintf (F "blockIO.%s[%zu]", name, i);
      WA (file, field, "%" PRId64 ":%" PRId64 " %" PRIu64, t[i].major, t[i].minor, t[i].rate);
    }
  return 0;
}

static int
apply_blkio (struct mrt_cgroup *cg, const struct mrt_block_io *b, mrt_error_t *err)
{
  if (b == NULL)
    return 0;
  if (!b->weight.set && !b->leaf_weight.set && !b->n_weight_device && !b->n_throttle_read_bps_device
      && !b->n_throttle_write_bps_device && !b->n_throttle_read_iops_device && !b->n_throttle_write_iops_device)
    return 0;
  const char *dir = need (cg, "blkio", F "blockIO", err);
  if (dir == NULL)
    return -1;
  /* Kernels with only BFQ have blkio.bfq.weight and no blkio.weight. */
  bool bfq = !mrt_cg_exists (dir, "blkio.weight") && mrt_cg_exists (dir, "blkio.bfq.weight");
  if (b->weight.set)
    W (bfq ? "blkio.bfq.weight" : "blkio.weight", F "blockIO.weight", "%" PRIu64, b->weight.value);
  if (b->leaf_weight.set)
    W ("blkio.leaf_weight", F "blockIO.leafWeight", "%" PRIu64, b->leaf_weight.value);
  for (size_t i = 0; i < b->n_weight_device; i++)
    {
      const struct mrt_weight_device *d = &b->weight_device[i];
      cleanup_free char *field = xasprintf (F "blockIO.weightDevice[%zu]", i);
      if (d->weight.set)
        WA (bfq ? "blkio.bfq.weight_device" : "blkio.weight_device", field, "%" PRId64 ":%" PRId64 " %" PRIu64,
            d->major, d->minor, d->weight.value);
      if (d->leaf_weight.set)
        WA ("blkio.leaf_weight_device", field, "%" PRId64 ":%" PRId64 " %" PRIu64, d->major, d->minor,
            d->leaf_weight.value);
    }
  if (throttle (cg, dir, "blkio.throttle.read_bps_device", "throttleReadBpsDevice", b->throttle_read_bps_device,
                b->n_throttle_read_bps_device, err)
          < 0
      || throttle (cg, dir, "blkio.throttle.write_bps_device", "throttleWriteBpsDevice", b->throttle_write_bps_device,
                   b->n_throttle_write_bps_device, err)
             < 0
      || throttle (cg, dir, "blkio.throttle.read_iops_device", "throttleReadIOPSDevice", b->throttle_read_iops_device,
                   b->n_throttle_read_iops_device, err)
             < 0
      || throttle (cg, dir, "blkio.throttle.write_iops_device", "throttleWriteIOPSDevice",
                   b->throttle_write_iops_device, b->n_throttle_write_iops_device, err)
             < 0)
    return -1;
  return 0;
}

static int
apply_hugetlb (struct mrt_cgroup *cg, const struct mrt_resources *res, mrt_error_t *err)
{
  if (res->n_hugepage_limits == 0)
    return 0;
  const char *dir = need (cg, "hugetlb", F "hugepageLimits", err);
  if (dir == NULL)
    return -1;
  for (size_t i = 0; i < res->n_hugepage_limits; i++)
    {
      cleanup_free char *file = xasprintf ("hugetlb.%s.limit_in_bytes", res->hugepage_limits[i].page_size);
      cleanup_free char *field = xasprintf (F "hugepageLimits[%zu]", i);
      W (file, field, "%" PRIu64, res->hugepage_limits[i].limit);
    }
  return 0;
}

static int
apply_network (struct mrt_cgroup *cg, const struct mrt_network *n, mrt_error_t *err)
{
  if (n == NULL)
    return 0;
  const char *dir;
  if (n->class_id.set)
    {
      if ((dir = need (cg, "net_cls", F "network.classID", err)) == NULL)
        return -1;
      W ("net_cls.classid", F "network.classID", "%" PRIu64, n->class_id.value);
    }
  if (n->n_priorities)
    {
      if ((dir = need (cg, "net_prio", F "network.priorities", err)) == NULL)
        return -1;
      for (size_t i = 0; i < n->n_priorities; i++)
        {
          cleanup_free char *field = xasprintf (F "network.priorities[%zu]", i);
          WA ("net_prio.ifpriomap", field, "%s %" PRIu32, n->priorities[i].name, n->priorities[i].priority);
        }
    }
  return 0;
}

static int
apply_rdma (struct mrt_cgroup *cg, const struct mrt_resources *res, mrt_error_t *err)
{
  if (res->n_rdma == 0)
    return 0;
  const char *dir = need (cg, "rdma", F "rdma", err);
  if (dir == NULL)
    return -1;
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
  return 0;
}

/* ---- devices ------------------------------------------------------------------------ */

static void
rule_string (const struct mrt_device_cgroup_rule *r, char *buf, size_t size)
{
  char maj[24] = "*", min[24] = "*";
  if (r->major.set && r->major.value >= 0)
    snprintf (maj, sizeof (maj), "%" PRId64, r->major.value);
  if (r->minor.set && r->minor.value >= 0)
    snprintf (min, sizeof (min), "%" PRId64, r->minor.value);
  char type = r->type ? r->type : 'a';
  if (type == 'a')
    snprintf (buf, size, "a");
  else
    snprintf (buf, size, "%c %s:%s %s", type, maj, min, r->access && *r->access ? r->access : "rwm");
}

/* The kernel's v1 device controller state, as devices.list shows it:
 * deny-by-default plus allowed entries (allow_all: "a *:* rwm", whose deny
 * exceptions the file does not show).  Entries match exactly, as
 * dev_exception_add/rm in the kernel do. */
struct dev_entry
{
  char type;
  char major[24], minor[24];
  unsigned access; /* 1 r, 2 w, 4 m */
};

struct dev_state
{
  bool allow_all;
  struct dev_entry *e;
  size_t n;
};

static unsigned
access_bits (const char *s)
{
  unsigned a = 0;
  for (; s && *s; s++)
    a |= *s == 'r' ? 1 : *s == 'w' ? 2 : *s == 'm' ? 4 : 0;
  return a;
}

static void
access_string (unsigned a, char buf[4])
{
  char *p = buf;
  if (a & 1)
    *p++ = 'r';
  if (a & 2)
    *p++ = 'w';
  if (a & 4)
    *p++ = 'm';
  *p = '\0';
}

static struct dev_entry *
dev_find (struct dev_state *st, const struct dev_entry *k)
{
  for (size_t i = 0; i < st->n; i++)
    if (st->e[i].type == k->type && strcmp (st->e[i].major, k->major) == 0 && strcmp (st->e[i].minor, k->minor) == 0)
      return &st->e[i];
  return NULL;
}

/* Add (allow) or remove (deny) access bits of one entry. */
static void
dev_change (struct dev_state *st, const struct dev_entry *k, bool add)
{
  struct dev_entry *e = dev_find (st, k);
  if (add && e == NULL)
    {
      st->e = xrealloc (st->e, (st->n + 1) * sizeof (*st->e));
      e = &st->e[st->n++];
      *e = *k;
      e->access = 0;
    }
  if (e == NULL)
    return;
  e->access = add ? e->access | k->access : e->access & ~k->access;
  if (e->access == 0)
    *e = st->e[--st->n];
}

static void
dev_entry_of_rule (const struct mrt_device_cgroup_rule *r, struct dev_entry *e)
{
  memset (e, 0, sizeof (*e));
  e->type = r->type ? r->type : 'a';
  snprintf (e->major, sizeof (e->major), "*");
  snprintf (e->minor, sizeof (e->minor), "*");
  if (r->major.set && r->major.value >= 0)
    snprintf (e->major, sizeof (e->major), "%" PRId64, r->major.value);
  if (r->minor.set && r->minor.value >= 0)
    snprintf (e->minor, sizeof (e->minor), "%" PRId64, r->minor.value);
  e->access = access_bits (r->access && *r->access ? r->access : "rwm");
}

/* What the rules leave, starting from "deny a" as create writes them.  A
 * list that ends allow-all is not emulated (*ok = false). */
static void
dev_target (const struct mrt_device_cgroup_rule *rules, size_t n, struct dev_state *st, bool *ok)
{
  *ok = true;
  for (size_t i = 0; i < n; i++)
    {
      struct dev_entry e;
      dev_entry_of_rule (&rules[i], &e);
      if (e.type == 'a')
        {
          st->allow_all = rules[i].allow;
          st->n = 0;
          continue;
        }
      if (st->allow_all)
        *ok = false; /* exceptions to allow-all: not emulated */
      dev_change (st, &e, rules[i].allow);
    }
  if (st->allow_all)
    *ok = false;
}

/* Parse devices.list; false when it cannot be read or parsed. */
static bool
dev_current (const char *dir, struct dev_state *st)
{
  cleanup_free char *list = mrt_cg_read (dir, "devices.list");
  if (list == NULL)
    return false;
  char *save = NULL;
  for (char *line = strtok_r (list, "\n", &save); line; line = strtok_r (NULL, "\n", &save))
    {
      struct dev_entry e = { 0 };
      char acc[8] = "";
      if (sscanf (line, "%c %23[0-9*]:%23[0-9*] %7s", &e.type, e.major, e.minor, acc) != 4)
        return false;
      e.access = access_bits (acc);
      if (e.type == 'a')
        {
          st->allow_all = true;
          st->n = 0;
          return true;
        }
      dev_change (st, &e, true);
    }
  return true;
}

static void
entry_string (const struct dev_entry *e, unsigned access, char *buf, size_t size)
{
  char acc[4];
  access_string (access, acc);
  snprintf (buf, size, "%c %s:%s %s", e->type, e->major, e->minor, acc);
}

/* Update of a deny-by-default cgroup to deny-by-default rules: only the
 * differences are written, removals first, so a device allowed before and
 * after is never denied in between (runc's devices emulator does the
 * same).  Returns 1 when it applied, 0 when it cannot (rewrite instead). */
static int
devices_transition (struct mrt_cgroup *cg, const char *dir, const struct mrt_device_cgroup_rule *rules, size_t n,
                    mrt_error_t *err)
{
  struct dev_state cur = { 0 }, want = { 0 };
  bool ok = false;
  int ret = 0;
  dev_target (rules, n, &want, &ok);
  if (!ok || !dev_current (dir, &cur) || cur.allow_all)
    goto out;
  ret = -1;
  for (size_t i = 0; i < cur.n; i++)
    {
      struct dev_entry *t = dev_find (&want, &cur.e[i]);
      unsigned drop = cur.e[i].access & ~(t ? t->access : 0);
      char buf[96];
      entry_string (&cur.e[i], drop, buf, sizeof (buf));
      if (drop && mrt_cg_write (cg, dir, "devices.deny", buf, true, F "devices", err) < 0)
        goto out;
    }
  for (size_t i = 0; i < want.n; i++)
    {
      struct dev_entry *c = dev_find (&cur, &want.e[i]);
      unsigned add = want.e[i].access & ~(c ? c->access : 0);
      char buf[96];
      entry_string (&want.e[i], add, buf, sizeof (buf));
      if (add && mrt_cg_write (cg, dir, "devices.allow", buf, true, F "devices", err) < 0)
        goto out;
    }
  ret = 1;
out:
  free (cur.e);
  free (want.e);
  return ret;
}

static int
apply_devices (struct mrt_cgroup *cg, const struct mrt_resources *res, bool creating, mrt_error_t *err)
{
  if (!creating && res->n_devices == 0)
    return 0;
  struct mrt_cg_hier *h = mrt_cg_find (cg, "devices");
  if (h == NULL)
    {
      /* runc: device rules are not expected to work rootless. */
      if (res->n_devices == 0 || cg->rootless)
        return 0;
      return mrt_error_make (err, ENOENT, F "devices: the devices cgroup controller is not mounted");
    }
  const char *dir = h->path;
  size_t n = 0;
  cleanup_free struct mrt_device_cgroup_rule *rules = mrt_cg_device_rules (cg, res, &n);
  if (!creating)
    {
      int t = devices_transition (cg, dir, rules, n, err);
      if (t != 0)
        return t < 0 ? -1 : 0;
    }
  /* Start from nothing allowed; then each rule in order, later ones win.
   * (A new cgroup has no process yet: there is no window to mind.)  A list
   * that itself starts by denying everything, as runc's default config
   * does, needs no second deny-all. */
  char first[96] = "";
  if (n > 0)
    rule_string (&rules[0], first, sizeof (first));
  /* One fd per file for the whole list (each write is one rule). */
  cleanup_close int allow_fd = -1, deny_fd = -1;
  if ((n == 0 || rules[0].allow || strcmp (first, "a") != 0)
      && mrt_cg_write_fd (cg, dir, "devices.deny", &deny_fd, "a", F "devices", err) < 0)
    return -1;
  for (size_t i = 0; i < n; i++)
    {
      char buf[96];
      rule_string (&rules[i], buf, sizeof (buf));
      cleanup_free char *field
          = i < res->n_devices ? xasprintf (F "devices[%zu]", i) : xasprintf ("default device rule \"%s\"", buf);
      bool allow = rules[i].allow;
      if (mrt_cg_write_fd (cg, dir, allow ? "devices.allow" : "devices.deny", allow ? &allow_fd : &deny_fd, buf, field,
                           err)
          < 0)
        return -1;
    }
  return 0;
}

/* runc ignores every device rule error of the rootless cgroup manager
 * (writing devices.allow needs CAP_SYS_ADMIN in the initial namespace). */
static int
apply_devices_rootless (struct mrt_cgroup *cg, const struct mrt_resources *res, bool creating, mrt_error_t *err)
{
  if (!cg->rootless)
    return apply_devices (cg, res, creating, err);
  mrt_error_t e = NULL;
  if (apply_devices (cg, res, creating, &e) < 0)
    mrt_log_debug (cg->log, "cgroup: %s (rootless: ignored)", e->msg);
  mrt_error_free (&e);
  return 0;
}

int
mrt_cg_v1_apply (struct mrt_cgroup *cg, const struct mrt_resources *res, bool creating, mrt_error_t *err)
{
  if (res->n_unified)
    return mrt_error_make (err, EINVAL, F "unified: cannot apply unified resources on cgroup v1");
  if (apply_memory (cg, res->memory, creating, err) < 0 || apply_cpu (cg, res->cpu, err) < 0
      || apply_pids (cg, res, err) < 0 || apply_blkio (cg, res->block_io, err) < 0 || apply_hugetlb (cg, res, err) < 0
      || apply_network (cg, res->network, err) < 0 || apply_rdma (cg, res, err) < 0
      || apply_devices_rootless (cg, res, creating, err) < 0)
    return -1;
  return 0;
}

/* ---- freezer ------------------------------------------------------------------------- */

int
mrt_cg_v1_is_frozen (struct mrt_cgroup *cg, bool *frozen, mrt_error_t *err)
{
  struct mrt_cg_hier *h = mrt_cg_find (cg, "freezer");
  *frozen = false;
  if (h == NULL)
    return 0;
  cleanup_free char *s = mrt_cg_read (h->path, "freezer.state");
  if (s == NULL)
    return mrt_error_sys (err, "cgroup: read %s/freezer.state", h->path);
  *frozen = strcmp (s, "FROZEN") == 0 || strcmp (s, "FREEZING") == 0;
  return 0;
}

int
mrt_cg_v1_freeze (struct mrt_cgroup *cg, bool frozen, mrt_error_t *err)
{
  struct mrt_cg_hier *h = mrt_cg_find (cg, "freezer");
  if (h == NULL)
    return mrt_error_make (err, ENOENT, "cgroup: the freezer cgroup controller is not mounted");
  const char *want = frozen ? "FROZEN" : "THAWED";
  const char *field = frozen ? "pause" : "resume";
  /* FREEZING can last while tasks are in uninterruptible sleep; writing
   * FROZEN again retries them, as runc does. */
  for (int i = 0; i < 1000; i++)
    {
      if (mrt_cg_write (cg, h->path, "freezer.state", want, false, field, err) < 0)
        return -1;
      cleanup_free char *s = mrt_cg_read (h->path, "freezer.state");
      if (s == NULL)
        return mrt_error_sys (err, "%s: read freezer.state", field);
      if (strcmp (s, want) == 0)
        return 0;
      struct timespec ts = { 0, (i < 10 ? 1 : 10) * 1000 * 1000 };
      nanosleep (&ts, NULL);
    }
  if (frozen)
    {
      mrt_error_t e = NULL;
      mrt_cg_write (cg, h->path, "freezer.state", "THAWED", false, field, &e);
      mrt_error_free (&e);
    }
  return mrt_error_make (err, EBUSY, "%s: freezer.state did not become %s", field, want);
}
