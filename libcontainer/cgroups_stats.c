/* SPDX-License-Identifier: Apache-2.0 */
/* The figures of `events --stats`, read from the files runc reads
 * (libcontainer/cgroups/fs and fs2 GetStats): v1, v2, and memory.stat. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cgroups_internal.h"
#include "utils.h"

/* ---- memory.stat ---------------------------------------------------------------------- */

/* Sorted by key, as runc prints the Go map. */
static int
compare_raw (const void *a, const void *b)
{
  /* key is the first member of the entry. */
  return strcmp ((const char *)a, (const char *)b);
}

void
mrt_cg_read_memory_raw (const char *dir, struct mrt_cgroup_stats *st)
{
  cleanup_free char *buf = mrt_cg_read (dir, "memory.stat");
  char *save = NULL;
  st->n_memory_raw = 0;
  for (char *line = buf ? strtok_r (buf, "\n", &save) : NULL; line && st->n_memory_raw < MRT_STATS_MAX_RAW;
       line = strtok_r (NULL, "\n", &save))
    {
      char *sp = strchr (line, ' ');
      if (sp == NULL || (size_t)(sp - line) >= sizeof (st->memory_raw[0].key))
        continue;
      memcpy (st->memory_raw[st->n_memory_raw].key, line, (size_t)(sp - line));
      st->memory_raw[st->n_memory_raw].key[sp - line] = '\0';
      st->memory_raw[st->n_memory_raw].value = strtoull (sp + 1, NULL, 10);
      st->n_memory_raw++;
    }
  qsort (st->memory_raw, st->n_memory_raw, sizeof (st->memory_raw[0]), compare_raw);
}

/* ---- v1 ------------------------------------------------------------------------------- */

static uint64_t
read_u64 (const char *dir, const char *file)
{
  cleanup_free char *s = mrt_cg_read (dir, file);
  if (s == NULL || strncmp (s, "max", 3) == 0)
    return 0;
  return strtoull (s, NULL, 10);
}

/* cpuacct.usage_percpu ("12 34 ...") and cpuacct.usage_all ("cpu user
 * system" then one line per CPU), both in ns. */
static void
percpu_stats (const char *dir, struct mrt_cgroup_stats *st)
{
  cleanup_free char *per = mrt_cg_read (dir, "cpuacct.usage_percpu");
  char *p = per, *end;
  st->n_cpus = 0;
  while (p && st->n_cpus < MRT_STATS_MAX_CPUS)
    {
      uint64_t v = strtoull (p, &end, 10);
      if (end == p)
        break;
      st->percpu[st->n_cpus++] = v;
      p = end;
    }
  cleanup_free char *all = mrt_cg_read (dir, "cpuacct.usage_all");
  char *save = NULL;
  size_t n = 0;
  for (char *line = all ? strtok_r (all, "\n", &save) : NULL; line; line = strtok_r (NULL, "\n", &save))
    {
      unsigned long cpu;
      unsigned long long user, sys;
      if (sscanf (line, "%lu %llu %llu", &cpu, &user, &sys) != 3 || cpu >= st->n_cpus)
        continue;
      st->percpu_user[cpu] = user;
      st->percpu_kernel[cpu] = sys;
      n++;
    }
  st->has_percpu_split = n > 0;
}

/* "0-2,5" -> 0 1 2 5 (at most MRT_STATS_MAX_CPUS entries). */
static size_t
expand_list (const char *s, uint16_t *out)
{
  size_t n = 0;
  while (s && *s && n < MRT_STATS_MAX_CPUS)
    {
      char *end;
      unsigned long a = strtoul (s, &end, 10), b = a;
      if (end == s)
        break;
      if (*end == '-')
        b = strtoul (end + 1, &end, 10);
      for (unsigned long i = a; i <= b && i <= UINT16_MAX && n < MRT_STATS_MAX_CPUS; i++)
        out[n++] = (uint16_t)i;
      s = *end == ',' ? end + 1 : NULL;
    }
  return n;
}

static void
cpuset_stats (const char *dir, struct mrt_cgroup_stats *st)
{
  cleanup_free char *cpus = mrt_cg_read (dir, "cpuset.cpus");
  cleanup_free char *mems = mrt_cg_read (dir, "cpuset.mems");
  cleanup_free char *relax = mrt_cg_read (dir, "cpuset.sched_relax_domain_level");
  st->n_cpuset_cpus = expand_list (cpus, st->cpuset_cpus);
  st->n_cpuset_mems = expand_list (mems, st->cpuset_mems);
  st->cpu_exclusive = read_u64 (dir, "cpuset.cpu_exclusive");
  st->mem_hardwall = read_u64 (dir, "cpuset.mem_hardwall");
  st->mem_exclusive = read_u64 (dir, "cpuset.mem_exclusive");
  st->memory_migrate = read_u64 (dir, "cpuset.memory_migrate");
  st->memory_spread_page = read_u64 (dir, "cpuset.memory_spread_page");
  st->memory_spread_slab = read_u64 (dir, "cpuset.memory_spread_slab");
  st->memory_pressure = read_u64 (dir, "cpuset.memory_pressure");
  st->sched_load_balance = read_u64 (dir, "cpuset.sched_load_balance");
  st->sched_relax_domain_level = relax ? strtoll (relax, NULL, 10) : 0;
}

/* "8:0 Read 4096" lines ("Total N" skipped); the number of entries, 0
 * when the file is missing or empty. */
static size_t
blkio_file (const char *dir, const char *file, struct mrt_blkio_entry *out)
{
  cleanup_free char *buf = mrt_cg_read (dir, file);
  char *save = NULL;
  size_t n = 0;
  for (char *line = buf ? strtok_r (buf, "\n", &save) : NULL; line && n < MRT_STATS_MAX_BLKIO;
       line = strtok_r (NULL, "\n", &save))
    {
      struct mrt_blkio_entry e = { 0 };
      unsigned long long maj, min, v;
      if (sscanf (line, "%llu:%llu %15s %llu", &maj, &min, e.op, &v) != 4)
        continue;
      e.major = maj, e.minor = min, e.value = v;
      out[n++] = e;
    }
  return n;
}

/* runc's order: the bfq files when they have data, else the throttle
 * ones (recursive, then not). */
static void
blkio_stats (const char *dir, struct mrt_cgroup_stats *st)
{
  static const char *const groups[][2] = {
    { "blkio.bfq.io_serviced_recursive", "blkio.bfq.io_service_bytes_recursive" },
    { "blkio.throttle.io_serviced_recursive", "blkio.throttle.io_service_bytes_recursive" },
    { "blkio.throttle.io_serviced", "blkio.throttle.io_service_bytes" },
  };
  for (size_t i = 0; i < ARRAY_SIZE (groups); i++)
    {
      st->n_io_serviced = blkio_file (dir, groups[i][0], st->io_serviced);
      if (st->n_io_serviced == 0)
        continue;
      st->n_io_service_bytes = blkio_file (dir, groups[i][1], st->io_service_bytes);
      return;
    }
}

static int
compare_hugetlb (const void *a, const void *b)
{
  /* size is the first member of the entry. */
  return strcmp ((const char *)a, (const char *)b);
}

/* The page sizes the cgroup has files for: "hugetlb.<size>.<suffix>"
 * (v1 limit_in_bytes, v2 max). */
static void
hugetlb_stats (const char *dir, bool v2, struct mrt_cgroup_stats *st)
{
  const char *suffix = v2 ? ".max" : ".limit_in_bytes";
  DIR *d = opendir (dir);
  struct dirent *de;
  if (d == NULL)
    return;
  while ((de = readdir (d)) != NULL && st->n_hugetlb < MRT_STATS_MAX_HUGETLB)
    {
      const char *name = de->d_name;
      size_t len = strlen (name), slen = strlen (suffix);
      if (strncmp (name, "hugetlb.", 8) != 0 || len <= 8 + slen || strcmp (name + len - slen, suffix) != 0)
        continue;
      size_t size_len = len - 8 - slen;
      /* "hugetlb.2MB.rsvd.max" is the reservation limit, not a size. */
      if (size_len >= sizeof (st->hugetlb[0].size) || memchr (name + 8, '.', size_len))
        continue;
      typeof (st->hugetlb[0]) *h = &st->hugetlb[st->n_hugetlb++];
      memcpy (h->size, name + 8, size_len);
      h->size[size_len] = '\0';
      cleanup_free char *usage = xasprintf ("hugetlb.%s.%s", h->size, v2 ? "current" : "usage_in_bytes");
      h->usage = read_u64 (dir, usage);
      if (v2)
        {
          cleanup_free char *events = xasprintf ("hugetlb.%s.events", h->size);
          mrt_cg_read_keyed (dir, events, "max", &h->failcnt);
        }
      else
        {
          cleanup_free char *max = xasprintf ("hugetlb.%s.max_usage_in_bytes", h->size);
          cleanup_free char *failcnt = xasprintf ("hugetlb.%s.failcnt", h->size);
          h->max = read_u64 (dir, max);
          h->failcnt = read_u64 (dir, failcnt);
        }
    }
  closedir (d);
  /* Sorted, as runc prints the Go map. */
  qsort (st->hugetlb, st->n_hugetlb, sizeof (st->hugetlb[0]), compare_hugetlb);
}

int
mrt_cg_v1_stats (struct mrt_cgroup *cg, struct mrt_cgroup_stats *st, mrt_error_t *err)
{
  (void)err;
  struct mrt_cg_hier *h;
  if ((h = mrt_cg_find (cg, "cpuacct")))
    {
      st->cpu_usage_ns = read_u64 (h->path, "cpuacct.usage");
      /* cpuacct.stat is in USER_HZ ticks. */
      uint64_t user = 0, sys = 0;
      long hz = sysconf (_SC_CLK_TCK);
      if (hz <= 0)
        hz = 100;
      if (mrt_cg_read_keyed (h->path, "cpuacct.stat", "user", &user) == 0)
        st->cpu_user_ns = user * (1000000000ULL / hz);
      if (mrt_cg_read_keyed (h->path, "cpuacct.stat", "system", &sys) == 0)
        st->cpu_system_ns = sys * (1000000000ULL / hz);
      percpu_stats (h->path, st);
    }
  if ((h = mrt_cg_find (cg, "cpu")))
    {
      mrt_cg_read_keyed (h->path, "cpu.stat", "nr_periods", &st->cpu_periods);
      mrt_cg_read_keyed (h->path, "cpu.stat", "nr_throttled", &st->cpu_throttled_periods);
      mrt_cg_read_keyed (h->path, "cpu.stat", "throttled_time", &st->cpu_throttled_ns);
    }
  if ((h = mrt_cg_find (cg, "memory")))
    {
      st->memory_failcnt = read_u64 (h->path, "memory.failcnt");
      st->swap_usage = read_u64 (h->path, "memory.memsw.usage_in_bytes");
      st->swap_limit = read_u64 (h->path, "memory.memsw.limit_in_bytes");
      st->memory_usage = read_u64 (h->path, "memory.usage_in_bytes");
      st->memory_max_usage = read_u64 (h->path, "memory.max_usage_in_bytes");
      st->memory_limit = read_u64 (h->path, "memory.limit_in_bytes");
      uint64_t v = 0;
      if (mrt_cg_read_keyed (h->path, "memory.stat", "cache", &v) == 0)
        st->memory_cache = v;
      mrt_cg_read_keyed (h->path, "memory.oom_control", "oom_kill", &st->oom_kills);
      st->swap_max_usage = read_u64 (h->path, "memory.memsw.max_usage_in_bytes");
      st->swap_failcnt = read_u64 (h->path, "memory.memsw.failcnt");
      st->has_kernel = mrt_cg_exists (h->path, "memory.kmem.usage_in_bytes");
      st->kernel_usage = read_u64 (h->path, "memory.kmem.usage_in_bytes");
      st->kernel_limit = read_u64 (h->path, "memory.kmem.limit_in_bytes");
      st->kernel_max_usage = read_u64 (h->path, "memory.kmem.max_usage_in_bytes");
      st->kernel_failcnt = read_u64 (h->path, "memory.kmem.failcnt");
      st->has_kernel_tcp = mrt_cg_exists (h->path, "memory.kmem.tcp.usage_in_bytes");
      st->kernel_tcp_usage = read_u64 (h->path, "memory.kmem.tcp.usage_in_bytes");
      st->kernel_tcp_limit = read_u64 (h->path, "memory.kmem.tcp.limit_in_bytes");
      st->kernel_tcp_max_usage = read_u64 (h->path, "memory.kmem.tcp.max_usage_in_bytes");
      st->kernel_tcp_failcnt = read_u64 (h->path, "memory.kmem.tcp.failcnt");
      mrt_cg_read_memory_raw (h->path, st);
    }
  if ((h = mrt_cg_find (cg, "cpuset")))
    cpuset_stats (h->path, st);
  if ((h = mrt_cg_find (cg, "blkio")))
    blkio_stats (h->path, st);
  if ((h = mrt_cg_find (cg, "pids")))
    {
      st->pids_current = read_u64 (h->path, "pids.current");
      st->pids_limit = read_u64 (h->path, "pids.max");
    }
  if ((h = mrt_cg_find (cg, "hugetlb")))
    hugetlb_stats (h->path, false, st);
  return 0;
}

/* ---- v2 ---------------------------------------------------------------------------- */

static uint64_t
read_u64_or (const char *dir, const char *file, uint64_t if_max)
{
  cleanup_free char *s = mrt_cg_read (dir, file);
  if (s == NULL)
    return 0;
  if (strncmp (s, "max", 3) == 0)
    return if_max;
  return strtoull (s, NULL, 10);
}

/* io.stat: "8:0 rbytes=1 wbytes=2 rios=3 wios=4 ..." becomes runc's
 * Read/Write entries of io_service_bytes and io_serviced. */
static void
io_stats (const char *dir, struct mrt_cgroup_stats *st)
{
  cleanup_free char *buf = mrt_cg_read (dir, "io.stat");
  char *save = NULL;
  for (char *line = buf ? strtok_r (buf, "\n", &save) : NULL; line; line = strtok_r (NULL, "\n", &save))
    {
      unsigned long long maj, min;
      int off = 0;
      if (sscanf (line, "%llu:%llu%n", &maj, &min, &off) != 2)
        continue;
      char *fsave = NULL;
      for (char *f = strtok_r (line + off, " ", &fsave); f; f = strtok_r (NULL, " ", &fsave))
        {
          char *eq = strchr (f, '=');
          if (eq == NULL)
            continue;
          *eq = '\0';
          bool bytes = strcmp (f, "rbytes") == 0 || strcmp (f, "wbytes") == 0;
          bool ios = strcmp (f, "rios") == 0 || strcmp (f, "wios") == 0;
          struct mrt_blkio_entry *list = bytes ? st->io_service_bytes : st->io_serviced;
          size_t *n = bytes ? &st->n_io_service_bytes : &st->n_io_serviced;
          if ((!bytes && !ios) || *n >= MRT_STATS_MAX_BLKIO)
            continue;
          struct mrt_blkio_entry *e = &list[(*n)++];
          e->major = maj, e->minor = min, e->value = strtoull (eq + 1, NULL, 10);
          snprintf (e->op, sizeof (e->op), "%s", f[0] == 'r' ? "Read" : "Write");
        }
    }
}

int
mrt_cg_v2_stats (struct mrt_cgroup *cg, struct mrt_cgroup_stats *st, mrt_error_t *err)
{
  (void)err;
  const char *dir = cg->h[0].path;
  uint64_t v;
  if (mrt_cg_read_keyed (dir, "cpu.stat", "usage_usec", &v) == 0)
    st->cpu_usage_ns = v * 1000;
  if (mrt_cg_read_keyed (dir, "cpu.stat", "user_usec", &v) == 0)
    st->cpu_user_ns = v * 1000;
  if (mrt_cg_read_keyed (dir, "cpu.stat", "system_usec", &v) == 0)
    st->cpu_system_ns = v * 1000;
  mrt_cg_read_keyed (dir, "cpu.stat", "nr_periods", &st->cpu_periods);
  mrt_cg_read_keyed (dir, "cpu.stat", "nr_throttled", &st->cpu_throttled_periods);
  if (mrt_cg_read_keyed (dir, "cpu.stat", "throttled_usec", &v) == 0)
    st->cpu_throttled_ns = v * 1000;
  st->memory_usage = read_u64_or (dir, "memory.current", 0);
  st->swap_usage = read_u64_or (dir, "memory.swap.current", 0);
  st->swap_limit = read_u64_or (dir, "memory.swap.max", UINT64_MAX);
  if (mrt_cg_read_keyed (dir, "memory.events", "max", &v) == 0)
    st->memory_failcnt = v;
  mrt_cg_read_keyed (dir, "memory.events", "oom_kill", &st->oom_kills);
  mrt_cg_read_memory_raw (dir, st);
  io_stats (dir, st);
  st->memory_limit = read_u64_or (dir, "memory.max", UINT64_MAX);
  st->memory_max_usage = read_u64_or (dir, "memory.peak", 0);
  if (mrt_cg_read_keyed (dir, "memory.stat", "file", &v) == 0)
    st->memory_cache = v;
  st->pids_current = read_u64_or (dir, "pids.current", 0);
  st->pids_limit = read_u64_or (dir, "pids.max", 0);
  hugetlb_stats (dir, true, st);
  return 0;
}
