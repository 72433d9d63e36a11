/* SPDX-License-Identifier: Apache-2.0 */
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "ops_parse.h"
#include "utils.h"

int
mrt_parse_ram_bytes (const char *s, int64_t *out)
{
  /* ^(\d+(\.\d+)?) ?([kKmMgGtTpP])?[iI]?[bB]?$ */
  const char *p = s;
  if (!isdigit ((unsigned char)*p))
    return -1;
  while (isdigit ((unsigned char)*p))
    p++;
  if (*p == '.')
    {
      p++;
      if (!isdigit ((unsigned char)*p))
        return -1;
      while (isdigit ((unsigned char)*p))
        p++;
    }
  cleanup_free char *num = xstrndup (s, (size_t)(p - s));
  if (*p == ' ')
    p++;
  static const char units[] = "kmgtp";
  double mul = 1;
  const char *u = *p ? strchr (units, tolower ((unsigned char)*p)) : NULL;
  if (u)
    {
      for (const char *q = units; q <= u; q++)
        mul *= 1024;
      p++;
    }
  if (*p == 'i' || *p == 'I')
    p++;
  if (*p == 'b' || *p == 'B')
    p++;
  if (*p != '\0')
    return -1;
  errno = 0;
  double v = strtod (num, NULL) * mul;
  if (errno != 0 || !isfinite (v) || v >= 9223372036854775807.0)
    return -1;
  *out = (int64_t)v;
  return 0;
}

int
mrt_parse_duration (const char *s, uint64_t *ns)
{
  static const struct
  {
    const char *name;
    double ns;
  } units[] = {
    /* Longest first, so "ms" is not read as "m". */
    { "ns", 1 },   { "us", 1e3 }, { "\xc2\xb5s", 1e3 }, { "\xce\xbcs", 1e3 },
    { "ms", 1e6 }, { "s", 1e9 },  { "m", 60e9 },        { "h", 3600e9 },
  };
  const char *p = s;
  double total = 0;
  if (*p == '+')
    p++;
  if (strcmp (p, "0") == 0)
    return -1; /* valid for Go, but an interval must be > 0 */
  if (*p == '\0')
    return -1;
  while (*p)
    {
      /* Go's time.ParseDuration: digits [. digits], at least one digit;
       * no exponent, no hex, no inf (strtod would take them). */
      double v = 0, scale = 1;
      bool digits = false;
      for (; isdigit ((unsigned char)*p); p++, digits = true)
        v = v * 10 + (*p - '0');
      if (*p == '.')
        for (p++; isdigit ((unsigned char)*p); p++, digits = true)
          v += (*p - '0') * (scale /= 10);
      if (!digits)
        return -1;
      size_t best = 0, best_len = 0;
      for (size_t i = 0; i < ARRAY_SIZE (units); i++)
        {
          size_t len = strlen (units[i].name);
          if (strncmp (p, units[i].name, len) == 0 && len > best_len)
            best = i, best_len = len;
        }
      if (best_len == 0)
        return -1;
      total += v * units[best].ns;
      p += best_len;
    }
  /* Go refuses more than INT64_MAX ns; below 1 ns it would be 0, which
   * runc takes and then never ticks: refused as an interval. */
  if (!(total >= 1) || total >= 9223372036854775807.0)
    return -1;
  *ns = (uint64_t)total;
  return 0;
}

static int
parse_u64 (const char *flag, const char *s, mrt_opt_u64 *out, mrt_error_t *err)
{
  char *end;
  errno = 0;
  uint64_t v = strtoull (s, &end, 10);
  if (*s == '\0' || *s == '-' || *s == '+' || *end != '\0' || errno != 0)
    return mrt_error_make (err, 0, "update: --%s: invalid value \"%s\": not a non-negative integer", flag, s);
  out->set = true;
  out->value = v;
  return 0;
}

static int
parse_i64 (const char *flag, const char *s, mrt_opt_i64 *out, mrt_error_t *err)
{
  char *end;
  errno = 0;
  int64_t v = strtoll (s, &end, 10);
  if (*s == '\0' || *s == '+' || *end != '\0' || errno != 0)
    return mrt_error_make (err, 0, "update: --%s: invalid value \"%s\": not an integer", flag, s);
  out->set = true;
  out->value = v;
  return 0;
}

/* runc: "-1" is unlimited, anything else goes through units.RAMInBytes. */
static int
parse_bytes (const char *flag, const char *s, mrt_opt_i64 *out, mrt_error_t *err)
{
  int64_t v;
  if (strcmp (s, "-1") == 0)
    v = -1;
  else if (mrt_parse_ram_bytes (s, &v) < 0)
    return mrt_error_make (err, 0, "update: --%s: invalid size \"%s\"", flag, s);
  out->set = true;
  out->value = v;
  return 0;
}

static int
fill (const struct mrt_update_flags *f, struct mrt_resources *r, mrt_error_t *err)
{
  /* Intel RDT is not implemented: refuse rather than ignore a limit. */
  if (f->l3_cache_schema && *f->l3_cache_schema)
    return mrt_error_make (err, 0, "update: --l3-cache-schema: Intel RDT is not supported");
  if (f->mem_bw_schema && *f->mem_bw_schema)
    return mrt_error_make (err, 0, "update: --mem-bw-schema: Intel RDT is not supported");

  struct mrt_memory *m = r->memory = xmalloc0 (sizeof (*m));
  if ((f->memory && *f->memory && parse_bytes ("memory", f->memory, &m->limit, err) < 0)
      || (f->memory_reservation && *f->memory_reservation
          && parse_bytes ("memory-reservation", f->memory_reservation, &m->reservation, err) < 0)
      || (f->memory_swap && *f->memory_swap && parse_bytes ("memory-swap", f->memory_swap, &m->swap, err) < 0))
    return -1;

  struct mrt_cpu *c = r->cpu = xmalloc0 (sizeof (*c));
  if ((f->cpu_period && *f->cpu_period && parse_u64 ("cpu-period", f->cpu_period, &c->period, err) < 0)
      || (f->cpu_quota && *f->cpu_quota && parse_i64 ("cpu-quota", f->cpu_quota, &c->quota, err) < 0)
      || (f->cpu_share && *f->cpu_share && parse_u64 ("cpu-share", f->cpu_share, &c->shares, err) < 0)
      || (f->cpu_rt_period && *f->cpu_rt_period
          && parse_u64 ("cpu-rt-period", f->cpu_rt_period, &c->realtime_period, err) < 0)
      || (f->cpu_rt_runtime && *f->cpu_rt_runtime
          && parse_i64 ("cpu-rt-runtime", f->cpu_rt_runtime, &c->realtime_runtime, err) < 0))
    return -1;
  /* runc: a share of 0 means "not given". */
  if (c->shares.set && c->shares.value == 0)
    c->shares.set = false;
  if (f->cpuset_cpus && *f->cpuset_cpus)
    c->cpus = xstrdup (f->cpuset_cpus);
  if (f->cpuset_mems && *f->cpuset_mems)
    c->mems = xstrdup (f->cpuset_mems);

  if (f->blkio_weight && *f->blkio_weight)
    {
      mrt_opt_u64 w = { 0 };
      if (parse_u64 ("blkio-weight", f->blkio_weight, &w, err) < 0)
        return -1;
      if (w.value != 0 && (w.value < 10 || w.value > 1000))
        return mrt_error_make (err, 0, "update: --blkio-weight: %" PRIu64 " is out of range 10..1000", w.value);
      if (w.value != 0)
        {
          r->block_io = xmalloc0 (sizeof (*r->block_io));
          r->block_io->weight = w;
        }
    }

  if (f->pids_limit && *f->pids_limit)
    {
      if (parse_i64 ("pids-limit", f->pids_limit, &r->pids_limit, err) < 0)
        return -1;
      /* runc: 0 leaves the limit alone; any negative value is "max". */
      if (r->pids_limit.value == 0)
        r->pids_limit.set = false;
    }
  return 0;
}

int
mrt_update_flags_to_resources (const struct mrt_update_flags *f, struct mrt_resources **out, mrt_error_t *err)
{
  struct mrt_resources *r = xmalloc0 (sizeof (*r));
  if (fill (f, r, err) < 0)
    {
      mrt_resources_free (r);
      *out = NULL;
      return -1;
    }
  *out = r;
  return 0;
}
