/* SPDX-License-Identifier: Apache-2.0 */
/* `linux.resources`, in config.json and standalone (update --resources). */
#include <inttypes.h>
#include <string.h>

#include "spec_parse.h"
#include "utils.h"

/* ---- devices (the device cgroup rules) ------------------------------------- */

static int
parse_device_rule (struct sj_ctx *c, yajl_val v, void *out)
{
  struct mrt_device_cgroup_rule *d = out;
  yajl_val allow = sj_get (v, "allow");
  if (allow == NULL)
    return sj_error_at (c, "allow", "missing required boolean");
  if (sj_bool (c, v, "allow", &d->allow) < 0)
    return -1;
  cleanup_free char *type = NULL;
  if (sj_string (c, v, "type", false, &type) < 0)
    return -1;
  d->type = 'a';
  if (type != NULL)
    {
      if (strlen (type) != 1 || strchr ("acb", type[0]) == NULL)
        return sj_error_at (c, "type", "unknown device type \"%s\" (expected a, c or b)", type);
      d->type = type[0];
    }
  if (sj_opt_i64 (c, v, "major", -1, UINT32_MAX, &d->major) < 0
      || sj_opt_i64 (c, v, "minor", -1, UINT32_MAX, &d->minor) < 0 || sj_string (c, v, "access", false, &d->access) < 0)
    return -1;
  if (d->access != NULL && strspn (d->access, "rwm") != strlen (d->access))
    return sj_error_at (c, "access", "expected a combination of r, w and m, got \"%s\"", d->access);
  return 0;
}

/* ---- memory, cpu --------------------------------------------------------------- */

static int
parse_memory (struct sj_ctx *c, yajl_val v, void *out)
{
  struct mrt_memory *m = out;
  if (sj_opt_i64 (c, v, "limit", -1, INT64_MAX, &m->limit) < 0
      || sj_opt_i64 (c, v, "reservation", -1, INT64_MAX, &m->reservation) < 0
      || sj_opt_i64 (c, v, "swap", -1, INT64_MAX, &m->swap) < 0
      || sj_opt_i64 (c, v, "kernel", -1, INT64_MAX, &m->kernel) < 0
      || sj_opt_i64 (c, v, "kernelTCP", -1, INT64_MAX, &m->kernel_tcp) < 0
      || sj_opt_u64 (c, v, "swappiness", 100, &m->swappiness) < 0)
    return -1;
  if (sj_opt_bool (c, v, "disableOOMKiller", &m->disable_oom_killer) < 0
      || sj_opt_bool (c, v, "useHierarchy", &m->use_hierarchy) < 0
      || sj_opt_bool (c, v, "checkBeforeUpdate", &m->check_before_update) < 0)
    return -1;
  return 0;
}

static int
parse_cpu (struct sj_ctx *c, yajl_val v, void *out)
{
  struct mrt_cpu *cpu = out;
  if (sj_opt_u64 (c, v, "shares", UINT64_MAX, &cpu->shares) < 0
      || sj_opt_i64 (c, v, "quota", INT64_MIN, INT64_MAX, &cpu->quota) < 0
      || sj_opt_u64 (c, v, "burst", UINT64_MAX, &cpu->burst) < 0
      || sj_opt_u64 (c, v, "period", UINT64_MAX, &cpu->period) < 0
      || sj_opt_i64 (c, v, "realtimeRuntime", INT64_MIN, INT64_MAX, &cpu->realtime_runtime) < 0
      || sj_opt_u64 (c, v, "realtimePeriod", UINT64_MAX, &cpu->realtime_period) < 0)
    return -1;
  if (sj_string (c, v, "cpus", false, &cpu->cpus) < 0 || sj_string (c, v, "mems", false, &cpu->mems) < 0
      || sj_opt_i64 (c, v, "idle", INT64_MIN, INT64_MAX, &cpu->idle) < 0)
    return -1;
  return 0;
}

static void
free_cpu (struct mrt_cpu *cpu)
{
  if (cpu == NULL)
    return;
  free (cpu->cpus);
  free (cpu->mems);
  free (cpu);
}

/* ---- blockIO ----------------------------------------------------------------------- */

static int
parse_major_minor (struct sj_ctx *c, yajl_val v, int64_t *major, int64_t *minor)
{
  if (sj_i64 (c, v, "major", true, 0, UINT32_MAX, major) < 0 || sj_i64 (c, v, "minor", true, 0, UINT32_MAX, minor) < 0)
    return -1;
  return 0;
}

static int
parse_weight_device (struct sj_ctx *c, yajl_val v, void *out)
{
  struct mrt_weight_device *w = out;
  if (parse_major_minor (c, v, &w->major, &w->minor) < 0)
    return -1;
  /* 0 removes a per-device weight, so it is allowed here */
  if (sj_opt_u64 (c, v, "weight", 1000, &w->weight) < 0 || sj_opt_u64 (c, v, "leafWeight", 1000, &w->leaf_weight) < 0)
    return -1;
  if (w->weight.set && w->weight.value != 0 && w->weight.value < 10)
    return sj_error_at (c, "weight", "expected 0 or an integer in 10..1000, got %" PRIu64, w->weight.value);
  if (w->leaf_weight.set && w->leaf_weight.value != 0 && w->leaf_weight.value < 10)
    return sj_error_at (c, "leafWeight", "expected 0 or an integer in 10..1000, got %" PRIu64, w->leaf_weight.value);
  return 0;
}

static int
parse_throttle_device (struct sj_ctx *c, yajl_val v, void *out)
{
  struct mrt_throttle_device *t = out;
  if (parse_major_minor (c, v, &t->major, &t->minor) < 0 || sj_u64 (c, v, "rate", true, UINT64_MAX, &t->rate) < 0)
    return -1;
  return 0;
}

static int
parse_throttle_list (struct sj_ctx *c, yajl_val v, const char *key, struct mrt_throttle_device **out, size_t *n)
{
  return sj_object_array (c, v, key, false, sizeof (struct mrt_throttle_device), (void **)out, n,
                          parse_throttle_device);
}

static int
parse_block_io (struct sj_ctx *c, yajl_val v, void *out)
{
  struct mrt_block_io *b = out;
  if (sj_opt_u64_range (c, v, "weight", 10, 1000, &b->weight) < 0
      || sj_opt_u64_range (c, v, "leafWeight", 10, 1000, &b->leaf_weight) < 0)
    return -1;
  if (sj_object_array (c, v, "weightDevice", false, sizeof (struct mrt_weight_device), (void **)&b->weight_device,
                       &b->n_weight_device, parse_weight_device)
      < 0)
    return -1;
  if (parse_throttle_list (c, v, "throttleReadBpsDevice", &b->throttle_read_bps_device, &b->n_throttle_read_bps_device)
          < 0
      || parse_throttle_list (c, v, "throttleWriteBpsDevice", &b->throttle_write_bps_device,
                              &b->n_throttle_write_bps_device)
             < 0
      || parse_throttle_list (c, v, "throttleReadIOPSDevice", &b->throttle_read_iops_device,
                              &b->n_throttle_read_iops_device)
             < 0
      || parse_throttle_list (c, v, "throttleWriteIOPSDevice", &b->throttle_write_iops_device,
                              &b->n_throttle_write_iops_device)
             < 0)
    return -1;
  return 0;
}

static void
free_block_io (struct mrt_block_io *b)
{
  if (b == NULL)
    return;
  free (b->weight_device);
  free (b->throttle_read_bps_device);
  free (b->throttle_write_bps_device);
  free (b->throttle_read_iops_device);
  free (b->throttle_write_iops_device);
  free (b);
}

/* ---- hugepageLimits, network, pids, rdma --------------------------------------------- */

static int
parse_hugepage_limit (struct sj_ctx *c, yajl_val v, void *out)
{
  struct mrt_hugepage_limit *h = out;
  if (sj_string (c, v, "pageSize", true, &h->page_size) < 0 || sj_u64 (c, v, "limit", true, UINT64_MAX, &h->limit) < 0)
    return -1;
  /* "2MB", "1GB", "64KB": the name of a hugetlb cgroup file */
  size_t digits = strspn (h->page_size, "0123456789");
  const char *unit = h->page_size + digits;
  if (digits == 0 || (strcmp (unit, "KB") != 0 && strcmp (unit, "MB") != 0 && strcmp (unit, "GB") != 0))
    return sj_error_at (c, "pageSize", "expected a size like \"2MB\" or \"1GB\", got \"%s\"", h->page_size);
  return 0;
}

static int
parse_net_priority (struct sj_ctx *c, yajl_val v, void *out)
{
  struct mrt_net_priority *p = out;
  if (sj_string (c, v, "name", true, &p->name) < 0 || sj_u32 (c, v, "priority", true, &p->priority) < 0)
    return -1;
  return 0;
}

static int
parse_network (struct sj_ctx *c, yajl_val v, void *out)
{
  struct mrt_network *n = out;
  if (sj_opt_u64 (c, v, "classID", UINT32_MAX, &n->class_id) < 0)
    return -1;
  return sj_object_array (c, v, "priorities", false, sizeof (struct mrt_net_priority), (void **)&n->priorities,
                          &n->n_priorities, parse_net_priority);
}

static void
free_network (struct mrt_network *n)
{
  if (n == NULL)
    return;
  for (size_t i = 0; n->priorities && i < n->n_priorities; i++)
    free (n->priorities[i].name);
  free (n->priorities);
  free (n);
}

static int
parse_pids (struct sj_ctx *c, yajl_val v, struct mrt_resources *r)
{
  yajl_val o;
  if (sj_object (c, v, "pids", false, &o) < 0)
    return -1;
  if (o == NULL)
    return 0;
  size_t mark = sj_push_key (c, "pids");
  int ret = sj_i64 (c, o, "limit", true, INT64_MIN, INT64_MAX, &r->pids_limit.value);
  sj_pop (c, mark);
  r->pids_limit.set = ret == 0;
  return ret;
}

/* "rdma": {"mlx5_1": {"hcaHandles": 3, "hcaObjects": 10000}} */
static int
parse_rdma (struct sj_ctx *c, yajl_val v, struct mrt_resources *r)
{
  yajl_val o;
  if (sj_object (c, v, "rdma", false, &o) < 0)
    return -1;
  if (o == NULL)
    return 0;
  r->rdma = xmalloc0 (o->u.object.len * sizeof (struct mrt_rdma));
  r->n_rdma = o->u.object.len;
  size_t mark = sj_push_key (c, "rdma");
  int ret = 0;
  for (size_t i = 0; i < o->u.object.len && ret == 0; i++)
    {
      struct mrt_rdma *d = &r->rdma[i];
      yajl_val dv = o->u.object.values[i];
      d->device = xstrdup (o->u.object.keys[i]);
      size_t m = sj_push_key (c, d->device);
      if (sj_val_object (c, dv) < 0 || sj_opt_u64 (c, dv, "hcaHandles", UINT32_MAX, &d->hca_handles) < 0
          || sj_opt_u64 (c, dv, "hcaObjects", UINT32_MAX, &d->hca_objects) < 0)
        ret = -1;
      else
        sj_pop (c, m);
    }
  sj_pop (c, mark);
  return ret;
}

/* ---- resources ---------------------------------------------------------------------------- */

int
parse_resources (struct sj_ctx *c, yajl_val v, void *out)
{
  struct mrt_resources *r = out;
  if (sj_object_array (c, v, "devices", false, sizeof (struct mrt_device_cgroup_rule), (void **)&r->devices,
                       &r->n_devices, parse_device_rule)
      < 0)
    return -1;
  if (sj_sub_object (c, v, "memory", false, sizeof (struct mrt_memory), (void **)&r->memory, parse_memory) < 0
      || sj_sub_object (c, v, "cpu", false, sizeof (struct mrt_cpu), (void **)&r->cpu, parse_cpu) < 0
      || sj_sub_object (c, v, "blockIO", false, sizeof (struct mrt_block_io), (void **)&r->block_io, parse_block_io)
             < 0)
    return -1;
  if (sj_object_array (c, v, "hugepageLimits", false, sizeof (struct mrt_hugepage_limit), (void **)&r->hugepage_limits,
                       &r->n_hugepage_limits, parse_hugepage_limit)
      < 0)
    return -1;
  if (sj_sub_object (c, v, "network", false, sizeof (struct mrt_network), (void **)&r->network, parse_network) < 0
      || parse_pids (c, v, r) < 0 || parse_rdma (c, v, r) < 0)
    return -1;
  return sj_string_map (c, v, "unified", &r->unified, &r->n_unified);
}

void
free_resources_contents (struct mrt_resources *r)
{
  for (size_t i = 0; r->devices && i < r->n_devices; i++)
    free (r->devices[i].access);
  free (r->devices);
  free (r->memory);
  free_cpu (r->cpu);
  free_block_io (r->block_io);
  for (size_t i = 0; r->hugepage_limits && i < r->n_hugepage_limits; i++)
    free (r->hugepage_limits[i].page_size);
  free (r->hugepage_limits);
  free_network (r->network);
  for (size_t i = 0; r->rdma && i < r->n_rdma; i++)
    free (r->rdma[i].device);
  free (r->rdma);
  sj_free_kv (r->unified, r->n_unified);
}
