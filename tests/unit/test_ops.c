/* SPDX-License-Identifier: Apache-2.0 */
/* update and events: the flag values as runc reads them (sizes, durations,
 * integers), and what an update, a freeze and a stats read do on fake v1
 * and v2 cgroup trees in a temp dir, including the v1 device-rule
 * transition that never denies a device allowed before and after. */
#include <criterion/criterion.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cgroups_internal.h"
#include "../../src/ops_parse.h"
#include "utils.h"

#include "fake_tree.h"

/* ---- flag values ------------------------------------------------------------ */

Test (ops_parse, ram_bytes_like_units_RAMInBytes)
{
  static const struct
  {
    const char *in;
    int64_t want;
  } ok[] = {
    { "1024", 1024 },    { "1k", 1024 },      { "1K", 1024 },    { "1kb", 1024 }, { "1KiB", 1024 },
    { "64m", 64 << 20 }, { "1 MB", 1 << 20 }, { "1g", 1 << 30 }, { "0.5k", 512 }, { "2.5m", 5 << 19 },
    { "1t", 1LL << 40 }, { "1p", 1LL << 50 }, { "0", 0 },        { "7b", 7 },
  };
  for (size_t i = 0; i < ARRAY_SIZE (ok); i++)
    {
      int64_t v = -5;
      cr_expect_eq (mrt_parse_ram_bytes (ok[i].in, &v), 0, "%s", ok[i].in);
      cr_expect_eq (v, ok[i].want, "%s: %lld", ok[i].in, (long long)v);
    }
  static const char *const bad[] = { "", "k", "1.", ".5", "1x", "1kk", "-1", "1  m", "1e3", "99999999p" };
  for (size_t i = 0; i < ARRAY_SIZE (bad); i++)
    {
      int64_t v;
      cr_expect_lt (mrt_parse_ram_bytes (bad[i], &v), 0, "\"%s\" accepted", bad[i]);
    }
}

Test (ops_parse, durations_like_time_ParseDuration)
{
  static const struct
  {
    const char *in;
    uint64_t want;
  } ok[] = {
    { "5s", 5000000000ULL },
    { "100ms", 100000000ULL },
    { "1m30s", 90000000000ULL },
    { "1.5s", 1500000000ULL },
    { "250us", 250000ULL },
    { "1h", 3600000000000ULL },
    { "10ns", 10 },
    { "+2s", 2000000000ULL },
    { ".5s", 500000000ULL },
    { "1.s", 1000000000ULL },
    { "2000000h", 7200000000000000000ULL },
  };
  for (size_t i = 0; i < ARRAY_SIZE (ok); i++)
    {
      uint64_t v = 0;
      cr_expect_eq (mrt_parse_duration (ok[i].in, &v), 0, "%s", ok[i].in);
      cr_expect_eq (v, ok[i].want, "%s: %llu", ok[i].in, (unsigned long long)v);
    }
  static const char *const bad[] = { "",     "0",      "5",   "5x",   "-1s", "s",  "1s2",   "0s",      "0.1ns",
                                     "1e3s", "0x1p3s", "inf", "infs", ".",   ".s", "1..5s", "2562048h" };
  for (size_t i = 0; i < ARRAY_SIZE (bad); i++)
    {
      uint64_t v;
      cr_expect_lt (mrt_parse_duration (bad[i], &v), 0, "\"%s\" accepted", bad[i]);
    }
}

Test (ops_parse, update_flags_fill_only_what_is_given)
{
  struct mrt_update_flags f = { 0 };
  struct mrt_resources *r = NULL;
  mrt_error_t err = NULL;
  cr_assert_eq (mrt_update_flags_to_resources (&f, &r, &err), 0);
  cr_expect (!r->memory->limit.set && !r->memory->swap.set && !r->memory->reservation.set);
  cr_expect (!r->cpu->shares.set && !r->cpu->quota.set && !r->cpu->period.set && r->cpu->cpus == NULL);
  cr_expect (!r->pids_limit.set);
  cr_expect_null (r->block_io);
  cr_expect_eq (r->n_devices, 0);
  mrt_resources_free (r);

  f = (struct mrt_update_flags){ .memory = "64m",
                                 .memory_swap = "-1",
                                 .memory_reservation = "32M",
                                 .cpu_period = "100000",
                                 .cpu_quota = "-1",
                                 .cpu_share = "512",
                                 .cpu_rt_period = "1000000",
                                 .cpu_rt_runtime = "950000",
                                 .cpuset_cpus = "0-1",
                                 .cpuset_mems = "0",
                                 .pids_limit = "20",
                                 .blkio_weight = "300" };
  cr_assert_eq (mrt_update_flags_to_resources (&f, &r, &err), 0, "%s", err ? err->msg : "");
  cr_expect (r->memory->limit.set && r->memory->limit.value == 64 << 20);
  cr_expect (r->memory->swap.set && r->memory->swap.value == -1);
  cr_expect (r->memory->reservation.set && r->memory->reservation.value == 32 << 20);
  cr_expect (r->cpu->period.set && r->cpu->period.value == 100000);
  cr_expect (r->cpu->quota.set && r->cpu->quota.value == -1);
  cr_expect (r->cpu->shares.set && r->cpu->shares.value == 512);
  cr_expect (r->cpu->realtime_period.set && r->cpu->realtime_period.value == 1000000);
  cr_expect (r->cpu->realtime_runtime.set && r->cpu->realtime_runtime.value == 950000);
  cr_expect_str_eq (r->cpu->cpus, "0-1");
  cr_expect_str_eq (r->cpu->mems, "0");
  cr_expect (r->pids_limit.set && r->pids_limit.value == 20);
  cr_assert_not_null (r->block_io);
  cr_expect (r->block_io->weight.set && r->block_io->weight.value == 300);
  mrt_resources_free (r);

  /* runc: 0 leaves pids and shares alone, -1 lifts the pids limit. */
  f = (struct mrt_update_flags){ .pids_limit = "0", .cpu_share = "0", .blkio_weight = "0" };
  cr_assert_eq (mrt_update_flags_to_resources (&f, &r, &err), 0);
  cr_expect (!r->pids_limit.set && !r->cpu->shares.set);
  cr_expect_null (r->block_io);
  mrt_resources_free (r);
  f = (struct mrt_update_flags){ .pids_limit = "-1" };
  cr_assert_eq (mrt_update_flags_to_resources (&f, &r, &err), 0);
  cr_expect (r->pids_limit.set && r->pids_limit.value == -1);
  mrt_resources_free (r);
}

Test (ops_parse, update_flag_errors_name_the_flag)
{
  static const struct
  {
    struct mrt_update_flags f;
    const char *msg;
  } cases[] = {
    { { .memory = "12q" }, "update: --memory: invalid size \"12q\"" },
    { { .memory_swap = "-2" }, "update: --memory-swap: invalid size \"-2\"" },
    { { .memory_reservation = "x" }, "update: --memory-reservation: invalid size \"x\"" },
    { { .cpu_period = "-5" }, "update: --cpu-period: invalid value \"-5\": not a non-negative integer" },
    { { .cpu_quota = "1.5" }, "update: --cpu-quota: invalid value \"1.5\": not an integer" },
    { { .cpu_share = "abc" }, "update: --cpu-share: invalid value \"abc\": not a non-negative integer" },
    { { .cpu_rt_runtime = ""
                          "9x" },
      "update: --cpu-rt-runtime: invalid value \"9x\": not an integer" },
    { { .pids_limit = "lots" }, "update: --pids-limit: invalid value \"lots\": not an integer" },
    { { .blkio_weight = "5" }, "update: --blkio-weight: 5 is out of range 10..1000" },
    { { .l3_cache_schema = "L3:0=f" }, "update: --l3-cache-schema: Intel RDT is not supported" },
    { { .mem_bw_schema = "MB:0=70" }, "update: --mem-bw-schema: Intel RDT is not supported" },
  };
  for (size_t i = 0; i < ARRAY_SIZE (cases); i++)
    {
      struct mrt_resources *r = (struct mrt_resources *)1;
      mrt_error_t err = NULL;
      cr_expect_lt (mrt_update_flags_to_resources (&cases[i].f, &r, &err), 0, "case %zu accepted", i);
      cr_expect_null (r);
      if (err)
        cr_expect_str_eq (err->msg, cases[i].msg);
      mrt_error_free (&err);
    }
}

/* ---- fake cgroup trees -------------------------------------------------------- */

static void
setup_tmp (void)
{
  snprintf (tmp, sizeof (tmp), "/tmp/minirt-ops-unit.XXXXXX");
  cr_assert_not_null (mkdtemp (tmp));
}

static void
teardown_tmp (void)
{
  rm_rf (tmp);
}

/* The devices hierarchy alone, at "/". */
static void
fake_v1_devices (void)
{
  put ("mountinfo", "30 31 0:30 / /sys/fs/cgroup/devices rw,relatime shared:1 - cgroup cgroup rw,devices\n"
                    "31 31 0:31 / /sys/fs/cgroup/freezer rw,relatime shared:2 - cgroup cgroup rw,freezer\n");
  put ("cgroup", "2:devices:/\n1:freezer:/\n");
  put ("sys/devices/tasks", "");
  put ("sys/freezer/tasks", "");
}

static struct mrt_cgroup *
must_create (const struct mrt_cgroup_config *cfg)
{
  struct mrt_cgroup *cg = NULL;
  mrt_error_t err = NULL;
  int r = mrt_cgroup_create (cfg, NULL, &cg, &err);
  cr_assert_eq (r, 0, "create: %s", err ? err->msg : "?");
  return cg;
}

TestSuite (ops_fake, .init = setup_tmp, .fini = teardown_tmp);

Test (ops_fake, v2_update_from_flags_freeze_and_stats)
{
  fake_v2 ();
  struct mrt_cgroup_config cfg = config ("c", "minirt-test/u2");
  struct mrt_cgroup *cg = must_create (&cfg);
  const char *d = "sys/user.slice/me/minirt-test/u2";
  struct mrt_update_flags f = { .memory = "64m",
                                .memory_swap = "96m",
                                .memory_reservation = "32m",
                                .cpu_quota = "50000",
                                .cpu_period = "100000",
                                .cpu_share = "512",
                                .pids_limit = "20" };
  struct mrt_resources *res = NULL;
  mrt_error_t err = NULL;
  cr_assert_eq (mrt_update_flags_to_resources (&f, &res, &err), 0);
  cr_assert_eq (mrt_cgroup_update (cg, res, &err), 0, "%s", err ? err->msg : "");
  mrt_resources_free (res);
  char path[256];
#define FILE_OF(name) (snprintf (path, sizeof (path), "%s/%s", d, name), path)
  expect_file (FILE_OF ("memory.max"), "67108864");
  expect_file (FILE_OF ("memory.swap.max"), "33554432"); /* v2 swap excludes memory */
  expect_file (FILE_OF ("memory.low"), "33554432");
  expect_file (FILE_OF ("cpu.max"), "50000 100000");
  expect_file (FILE_OF ("cpu.weight"), "20");
  expect_file (FILE_OF ("pids.max"), "20");

  /* A later update changes only what it names. */
  f = (struct mrt_update_flags){ .pids_limit = "-1" };
  cr_assert_eq (mrt_update_flags_to_resources (&f, &res, &err), 0);
  cr_assert_eq (mrt_cgroup_update (cg, res, &err), 0, "%s", err ? err->msg : "");
  mrt_resources_free (res);
  expect_file (FILE_OF ("pids.max"), "max");
  expect_file (FILE_OF ("memory.max"), "67108864");

  /* pause and resume write cgroup.freeze; is_frozen reads cgroup.events. */
  cr_assert_eq (mrt_cgroup_freeze (cg, true, &err), 0);
  expect_file (FILE_OF ("cgroup.freeze"), "1");
  put (FILE_OF ("cgroup.events"), "populated 1\nfrozen 1\n");
  bool frozen = false;
  cr_assert_eq (mrt_cgroup_is_frozen (cg, &frozen, &err), 0);
  cr_expect (frozen);
  cr_assert_eq (mrt_cgroup_freeze (cg, false, &err), 0);
  expect_file (FILE_OF ("cgroup.freeze"), "0");
  put (FILE_OF ("cgroup.events"), "populated 1\nfrozen 0\n");
  cr_assert_eq (mrt_cgroup_is_frozen (cg, &frozen, &err), 0);
  cr_expect (!frozen);

  /* events --stats: the figures of the v2 files. */
  put (FILE_OF ("cpu.stat"), "usage_usec 1500\nuser_usec 1000\nsystem_usec 500\nnr_periods 7\nnr_throttled 2\n"
                             "throttled_usec 30\n");
  put (FILE_OF ("memory.current"), "4096000\n");
  put (FILE_OF ("memory.peak"), "5000000\n");
  put (FILE_OF ("memory.swap.current"), "0\n");
  put (FILE_OF ("memory.stat"), "anon 100\nfile 8192\n");
  put (FILE_OF ("memory.events"), "low 0\nhigh 0\nmax 3\noom 0\noom_kill 0\n");
  put (FILE_OF ("pids.current"), "4\n");
  put (FILE_OF ("io.stat"), "8:0 rbytes=4096 wbytes=8192 rios=1 wios=2 dbytes=0 dios=0\n");
  put (FILE_OF ("hugetlb.2MB.max"), "max\n");
  put (FILE_OF ("hugetlb.2MB.rsvd.max"), "max\n");
  put (FILE_OF ("hugetlb.2MB.current"), "4194304\n");
  put (FILE_OF ("hugetlb.2MB.events"), "max 2\n");
  put (FILE_OF ("hugetlb.1GB.max"), "0\n");
  struct mrt_cgroup_stats st;
  cr_assert_eq (mrt_cgroup_stats (cg, &st, &err), 0);
  cr_expect_eq (st.cpu_usage_ns, 1500000);
  cr_expect_eq (st.cpu_user_ns, 1000000);
  cr_expect_eq (st.cpu_system_ns, 500000);
  cr_expect_eq (st.cpu_periods, 7);
  cr_expect_eq (st.cpu_throttled_periods, 2);
  cr_expect_eq (st.cpu_throttled_ns, 30000);
  cr_expect_eq (st.memory_usage, 4096000);
  cr_expect_eq (st.memory_max_usage, 5000000);
  cr_expect_eq (st.memory_limit, 67108864);
  cr_expect_eq (st.memory_cache, 8192);
  cr_expect_eq (st.memory_failcnt, 3);
  cr_expect_eq (st.pids_current, 4);
  cr_expect_eq (st.pids_limit, 0); /* "max" */
  cr_expect_eq (st.n_memory_raw, 2);
  cr_expect_str_eq (st.memory_raw[0].key, "anon");
  cr_expect_eq (st.memory_raw[0].value, 100);
  cr_expect_str_eq (st.memory_raw[1].key, "file");
  cr_expect_eq (st.n_cpus, 0); /* no per-CPU figures on v2, as runc */
  cr_assert_eq (st.n_io_service_bytes, 2);
  cr_expect (st.io_service_bytes[0].major == 8 && st.io_service_bytes[0].value == 4096);
  cr_expect_str_eq (st.io_service_bytes[0].op, "Read");
  cr_expect_str_eq (st.io_service_bytes[1].op, "Write");
  cr_assert_eq (st.n_io_serviced, 2);
  cr_expect_eq (st.io_serviced[1].value, 2);
  cr_assert_eq (st.n_hugetlb, 2);
  cr_expect_str_eq (st.hugetlb[0].size, "1GB");
  cr_expect_str_eq (st.hugetlb[1].size, "2MB");
  cr_expect (st.hugetlb[1].usage == 4194304 && st.hugetlb[1].failcnt == 2);
#undef FILE_OF
  cr_expect_eq (mrt_cgroup_destroy (cg, &err), 0);
  mrt_cgroup_free (cg);
}

static const struct mrt_device_cgroup_rule deny_all = { .allow = false, .type = 'a' };

Test (ops_fake, v1_device_update_writes_only_the_difference)
{
  fake_v1_devices ();
  struct mrt_cgroup_config cfg = config ("c", "minirt-test/dv");
  struct mrt_cgroup *cg = must_create (&cfg);
  const char *d = "sys/devices/minirt-test/dv";
  char path[256];
#define FILE_OF(name) (snprintf (path, sizeof (path), "%s/%s", d, name), path)
  /* What the kernel shows for a container made with the default rules,
   * plus c 1:11 rw that an earlier update allowed. */
  put (FILE_OF ("devices.list"), "c *:* m\nb *:* m\nc 1:3 rwm\nc 1:8 rwm\nc 1:7 rwm\nc 5:0 rwm\nc 1:5 rwm\n"
                                 "c 1:9 rwm\nc 136:* rwm\nc 5:2 rwm\nc 10:200 rwm\nc 1:11 rw\n");
  put (FILE_OF ("devices.allow"), "");
  put (FILE_OF ("devices.deny"), "");
  /* New rules: deny all, allow c 1:11 w only, allow b 8:0 r. */
  struct mrt_device_cgroup_rule rules[] = {
    deny_all,
    { .allow = true, .type = 'c', .major = { true, 1 }, .minor = { true, 11 }, .access = (char *)"w" },
    { .allow = true, .type = 'b', .major = { true, 8 }, .minor = { true, 0 }, .access = (char *)"r" },
  };
  struct mrt_resources res = { .devices = rules, .n_devices = ARRAY_SIZE (rules) };
  mrt_error_t err = NULL;
  cr_assert_eq (mrt_cgroup_update (cg, &res, &err), 0, "%s", err ? err->msg : "");
  /* No "a": nothing that stays allowed is ever denied. */
  expect_file (FILE_OF ("devices.deny"), "c 1:11 r\n");
  expect_file (FILE_OF ("devices.allow"), "b 8:0 r\n");

  /* Nothing to change: nothing written. */
  put (FILE_OF ("devices.list"), "c *:* m\nb *:* m\nc 1:3 rwm\nc 1:8 rwm\nc 1:7 rwm\nc 5:0 rwm\nc 1:5 rwm\n"
                                 "c 1:9 rwm\nc 136:* rwm\nc 5:2 rwm\nc 10:200 rwm\nc 1:11 w\nb 8:0 r\n");
  put (FILE_OF ("devices.allow"), "");
  put (FILE_OF ("devices.deny"), "");
  cr_assert_eq (mrt_cgroup_update (cg, &res, &err), 0, "%s", err ? err->msg : "");
  expect_file (FILE_OF ("devices.deny"), "");
  expect_file (FILE_OF ("devices.allow"), "");

  /* A default rule cannot be taken away by a later deny of the user's
   * (later rules win, and the defaults come last, as at create). */
  struct mrt_device_cgroup_rule deny_null[] = {
    { .allow = false, .type = 'c', .major = { true, 1 }, .minor = { true, 3 }, .access = (char *)"rwm" },
  };
  struct mrt_resources res2 = { .devices = deny_null, .n_devices = 1 };
  cr_assert_eq (mrt_cgroup_update (cg, &res2, &err), 0, "%s", err ? err->msg : "");
  expect_file (FILE_OF ("devices.allow"), "");

  /* From an allow-all cgroup there is no diff to make: full rewrite. */
  put (FILE_OF ("devices.list"), "a *:* rwm\n");
  put (FILE_OF ("devices.deny"), "");
  cr_assert_eq (mrt_cgroup_update (cg, &res, &err), 0, "%s", err ? err->msg : "");
  expect_file (FILE_OF ("devices.deny"), "a\n");
#undef FILE_OF
  cr_expect_eq (mrt_cgroup_destroy (cg, &err), 0);
  mrt_cgroup_free (cg);
}

Test (ops_fake, v1_stats_percpu_kernel_memory_and_raw)
{
  put ("mountinfo", "30 31 0:30 / /sys/fs/cgroup/cpuacct rw - cgroup cgroup rw,cpuacct\n"
                    "31 31 0:31 / /sys/fs/cgroup/memory rw - cgroup cgroup rw,memory\n"
                    "32 31 0:32 / /sys/fs/cgroup/cpuset rw - cgroup cgroup rw,cpuset\n"
                    "33 31 0:33 / /sys/fs/cgroup/hugetlb rw - cgroup cgroup rw,hugetlb\n");
  put ("cgroup", "4:hugetlb:/\n3:cpuset:/\n2:cpuacct:/\n1:memory:/\n");
  put ("sys/hugetlb/tasks", "");
  put ("sys/cpuacct/tasks", "");
  put ("sys/memory/tasks", "");
  put ("sys/cpuset/tasks", "");
  put ("sys/cpuset/cpuset.cpus", "0-2,5\n");
  put ("sys/cpuset/cpuset.mems", "0\n");
  struct mrt_cgroup_config cfg = config ("c", "minirt-test/st");
  struct mrt_cgroup *cg = must_create (&cfg);
  put ("sys/cpuacct/minirt-test/st/cpuacct.usage", "30\n");
  put ("sys/cpuacct/minirt-test/st/cpuacct.usage_percpu", "10 20 \n");
  put ("sys/cpuacct/minirt-test/st/cpuacct.usage_all", "cpu user system\n0 1 9\n1 2 18\n");
  put ("sys/memory/minirt-test/st/memory.usage_in_bytes", "4096\n");
  put ("sys/memory/minirt-test/st/memory.memsw.max_usage_in_bytes", "8192\n");
  put ("sys/memory/minirt-test/st/memory.memsw.failcnt", "2\n");
  put ("sys/memory/minirt-test/st/memory.kmem.usage_in_bytes", "512\n");
  put ("sys/memory/minirt-test/st/memory.kmem.limit_in_bytes", "9223372036854771712\n");
  put ("sys/memory/minirt-test/st/memory.oom_control", "oom_kill_disable 0\nunder_oom 0\noom_kill 3\n");
  put ("sys/memory/minirt-test/st/memory.stat", "rss 7\ncache 5\nactive_anon 1\n");
  struct mrt_cgroup_stats st;
  mrt_error_t err = NULL;
  cr_assert_eq (mrt_cgroup_stats (cg, &st, &err), 0);
  cr_expect_eq (st.cpu_usage_ns, 30);
  cr_assert_eq (st.n_cpus, 2);
  cr_expect (st.percpu[0] == 10 && st.percpu[1] == 20);
  cr_expect (st.has_percpu_split);
  cr_expect (st.percpu_user[0] == 1 && st.percpu_kernel[0] == 9 && st.percpu_user[1] == 2 && st.percpu_kernel[1] == 18);
  cr_expect_eq (st.memory_usage, 4096);
  cr_expect_eq (st.memory_cache, 5);
  cr_expect (st.swap_max_usage == 8192 && st.swap_failcnt == 2);
  cr_expect (st.has_kernel && st.kernel_usage == 512 && st.kernel_limit == 9223372036854771712ULL);
  cr_expect (!st.has_kernel_tcp);
  cr_expect_eq (st.oom_kills, 3);
  cr_assert_eq (st.n_memory_raw, 3);
  cr_expect_str_eq (st.memory_raw[0].key, "active_anon");
  cr_expect_str_eq (st.memory_raw[1].key, "cache");
  cr_expect_str_eq (st.memory_raw[2].key, "rss");
  cr_expect_eq (st.memory_raw[2].value, 7);
  put ("sys/hugetlb/minirt-test/st/hugetlb.2MB.limit_in_bytes", "9223372036854771712\n");
  put ("sys/hugetlb/minirt-test/st/hugetlb.2MB.usage_in_bytes", "2097152\n");
  put ("sys/hugetlb/minirt-test/st/hugetlb.2MB.max_usage_in_bytes", "4194304\n");
  put ("sys/hugetlb/minirt-test/st/hugetlb.2MB.failcnt", "1\n");
  put ("sys/cpuset/minirt-test/st/cpuset.sched_load_balance", "1\n");
  put ("sys/cpuset/minirt-test/st/cpuset.sched_relax_domain_level", "-1\n");
  cr_assert_eq (mrt_cgroup_stats (cg, &st, &err), 0);
  cr_assert_eq (st.n_cpuset_cpus, 4, "copied from the parent at create: %zu", st.n_cpuset_cpus);
  cr_expect (st.cpuset_cpus[0] == 0 && st.cpuset_cpus[2] == 2 && st.cpuset_cpus[3] == 5);
  cr_expect (st.n_cpuset_mems == 1 && st.cpuset_mems[0] == 0);
  cr_expect_eq (st.sched_load_balance, 1);
  cr_expect_eq (st.sched_relax_domain_level, -1);
  cr_assert_eq (st.n_hugetlb, 1);
  cr_expect_str_eq (st.hugetlb[0].size, "2MB");
  cr_expect (st.hugetlb[0].usage == 2097152 && st.hugetlb[0].max == 4194304 && st.hugetlb[0].failcnt == 1);
  cr_expect_eq (mrt_cgroup_destroy (cg, &err), 0);
  mrt_cgroup_free (cg);
}

Test (ops_fake, v2_failed_update_puts_back_what_it_changed)
{
  fake_v2 ();
  struct mrt_cgroup_config cfg = config ("c", "minirt-test/rb");
  struct mrt_cgroup *cg = must_create (&cfg);
  put ("sys/user.slice/me/minirt-test/rb/memory.max", "max\n");
  put ("sys/user.slice/me/minirt-test/rb/pids.max", "50");
  /* cpu.max cannot be written (a directory): the update fails after
   * memory.max was set (pids.max comes later on v2: never written). */
  put ("sys/user.slice/me/minirt-test/rb/cpu.max/x", "");
  struct mrt_update_flags f = { .memory = "64m", .pids_limit = "7", .cpu_quota = "50000", .cpu_period = "100000" };
  struct mrt_resources *res = NULL;
  mrt_error_t err = NULL;
  cr_assert_eq (mrt_update_flags_to_resources (&f, &res, &err), 0);
  cr_assert_lt (mrt_cgroup_update (cg, res, &err), 0);
  cr_expect (strstr (err->msg, "cpu.max") != NULL, "%s", err->msg);
  mrt_error_free (&err);
  mrt_resources_free (res);
  expect_file ("sys/user.slice/me/minirt-test/rb/memory.max", "max");
  expect_file ("sys/user.slice/me/minirt-test/rb/pids.max", "50");
  mrt_cgroup_free (cg);
}
