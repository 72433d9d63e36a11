/* SPDX-License-Identifier: Apache-2.0 */
/* Cgroups: fake v1 and v2 trees in a temp dir (every resource to the right
 * file with the right value, paths, save/restore, destroy), the BPF device
 * program (shape, and the kernel verifier accepts it), and the real v1
 * hierarchies of this machine with relative paths under our own cgroup
 * (minirt-test/unit-cg<runner pid>/..., always removed). */
#include <criterion/criterion.h>
#include <criterion/hooks.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/bpf.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cgroups_internal.h"
#include "utils.h"

#include "fake_tree.h"

static const char *const v1_ctrls[] = { "cpu",   "cpuacct", "cpuset",           "memory",  "devices", "freezer",
                                        "blkio", "pids",    "net_cls,net_prio", "hugetlb", "rdma" };

/* A hybrid v1 tree like this machine's: memory nested, the rest at "/". */
static void
fake_v1 (void)
{
  cleanup_free char *mi = xstrdup ("");
  cleanup_free char *pc = xstrdup ("");
  for (size_t i = 0; i < ARRAY_SIZE (v1_ctrls); i++)
    {
      char *n = xasprintf ("%s%zu 31 0:%zu / /sys/fs/cgroup/%s rw,relatime shared:1 - cgroup cgroup rw,%s\n", mi,
                           30 + i, 30 + i, v1_ctrls[i], v1_ctrls[i]);
      free (mi);
      mi = n;
      cleanup_free char *tasks = xasprintf ("sys/%s/tasks", v1_ctrls[i]);
      put (tasks, "");
      const char *own = strcmp (v1_ctrls[i], "memory") == 0 ? "/process_api/abc" : "/";
      n = xasprintf ("%s%zu:%s:%s\n", pc, 11 - i, v1_ctrls[i], own);
      free (pc);
      pc = n;
    }
  char *n = xasprintf ("%s50 31 0:50 / /sys/fs/cgroup/unified rw - cgroup2 cgroup2 rw\n"
                       "51 23 0:51 / /proc rw - proc proc rw\n",
                       mi);
  free (mi);
  mi = n;
  n = xasprintf ("%s0::/\n", pc);
  free (pc);
  pc = n;
  put ("mountinfo", mi);
  put ("cgroup", pc);
  put ("sys/cpuset/cpuset.cpus", "0-3\n");
  put ("sys/cpuset/cpuset.mems", "0\n");
  put ("sys/memory/process_api/abc/memory.limit_in_bytes", "9223372036854771712\n");
  put ("sys/unified/cgroup.controllers", "hugetlb\n");
}

static void
setup_tmp (void)
{
  snprintf (tmp, sizeof (tmp), "/tmp/minirt-cg-unit.XXXXXX");
  cr_assert_not_null (mkdtemp (tmp));
}

static void
teardown_tmp (void)
{
  rm_rf (tmp);
}

static struct mrt_cgroup *
must_create (const struct mrt_cgroup_config *cfg, const struct mrt_resources *res)
{
  struct mrt_cgroup *cg = NULL;
  mrt_error_t err = NULL;
  int r = mrt_cgroup_create (cfg, res, &cg, &err);
  cr_assert_eq (r, 0, "create: %s", err ? err->msg : "?");
  return cg;
}

/* ---- paths ------------------------------------------------------------------- */

TestSuite (cgroups_fake, .init = setup_tmp, .fini = teardown_tmp);

Test (cgroups_fake, v1_relative_nests_under_own_cgroup_per_hierarchy)
{
  fake_v1 ();
  struct mrt_cgroup_config cfg = config ("c1", "minirt-test/c1");
  struct mrt_cgroup *cg = must_create (&cfg, NULL);
  cr_expect (!mrt_cgroup_is_v2 (cg));
  cleanup_free char *mem = xasprintf ("%s/sys/memory/process_api/abc/minirt-test/c1", tmp);
  cleanup_free char *cpu = xasprintf ("%s/sys/cpu/minirt-test/c1", tmp);
  cleanup_free char *prio = xasprintf ("%s/sys/net_cls,net_prio/minirt-test/c1", tmp);
  cr_expect_str_eq (mrt_cgroup_path (cg, "memory"), mem);
  cr_expect_str_eq (mrt_cgroup_path (cg, "cpu"), cpu);
  cr_expect_str_eq (mrt_cgroup_path (cg, "net_prio"), prio);
  cr_expect_null (mrt_cgroup_path (cg, "perf_event"));
  cr_expect (exists ("sys/memory/process_api/abc/minirt-test/c1"));
  cr_expect (exists ("sys/pids/minirt-test/c1"));
  /* Hybrid: a cgroup in the cgroup2 mount too, as runc makes. */
  cr_expect (exists ("sys/unified/minirt-test/c1"));
  cleanup_free char *uni = xasprintf ("%s/sys/unified/minirt-test/c1", tmp);
  cleanup_free char *saved = mrt_cgroup_save (cg);
  cr_expect (strstr (saved, " - ") && strstr (saved, uni), "%s", saved);
  mrt_error_t err = NULL;
  cr_expect_eq (mrt_cgroup_destroy (cg, &err), 0);
  cr_expect (!exists ("sys/memory/process_api/abc/minirt-test"));
  cr_expect (!exists ("sys/cpu/minirt-test"));
  cr_expect (!exists ("sys/unified/minirt-test"));
  cr_expect (exists ("sys/memory/process_api/abc"));
  mrt_cgroup_free (cg);
}

Test (cgroups_fake, plan_matches_create_and_cleans_a_half_create)
{
  fake_v1 ();
  put ("sys/pids/minirt-test/other/x", "");
  struct mrt_cgroup_config cfg = config ("c", "minirt-test/p/q");
  mrt_error_t err = NULL;
  cleanup_free char *plan = mrt_cgroup_plan (&cfg, &err);
  cr_assert_not_null (plan, "%s", err ? err->msg : "");
  cr_expect (!exists ("sys/cpu/minirt-test"), "plan makes nothing");
  struct mrt_cgroup *cg = must_create (&cfg, NULL);
  cleanup_free char *saved = mrt_cgroup_save (cg);
  cr_expect_str_eq (plan, saved);
  mrt_cgroup_free (cg);
  /* As if create was killed before saving: the plan cleans up. */
  struct mrt_cgroup *back = NULL;
  cr_assert_eq (mrt_cgroup_restore (&cfg, plan, &back, &err), 0);
  cr_expect_eq (mrt_cgroup_destroy (back, &err), 0, "%s", err ? err->msg : "");
  cr_expect (!exists ("sys/cpu/minirt-test"));
  cr_expect (!exists ("sys/pids/minirt-test/p"));
  cr_expect (exists ("sys/pids/minirt-test/other/x"));
  /* ... and also when nothing was made yet. */
  cr_expect_eq (mrt_cgroup_destroy (back, &err), 0, "%s", err ? err->msg : "");
  mrt_cgroup_free (back);
  cfg.cgroups_path = "a/../..";
  cr_expect_null (mrt_cgroup_plan (&cfg, &err));
  mrt_error_free (&err);
}

Test (cgroups_fake, v1_absolute_and_empty_paths)
{
  fake_v1 ();
  struct mrt_cgroup_config cfg = config ("c2", "/abs//x/./y/");
  struct mrt_cgroup *cg = must_create (&cfg, NULL);
  cleanup_free char *mem = xasprintf ("%s/sys/memory/abs/x/y", tmp);
  cr_expect_str_eq (mrt_cgroup_path (cg, "memory"), mem);
  mrt_error_t err = NULL;
  cr_expect_eq (mrt_cgroup_destroy (cg, &err), 0);
  cr_expect (!exists ("sys/memory/abs"));
  mrt_cgroup_free (cg);

  cfg = config ("myid", "");
  cg = must_create (&cfg, NULL);
  cleanup_free char *mem2 = xasprintf ("%s/sys/memory/process_api/abc/myid", tmp);
  cleanup_free char *cpu2 = xasprintf ("%s/sys/cpu/myid", tmp);
  cr_expect_str_eq (mrt_cgroup_path (cg, "memory"), mem2);
  cr_expect_str_eq (mrt_cgroup_path (cg, "cpu"), cpu2);
  cr_expect_eq (mrt_cgroup_destroy (cg, &err), 0);
  mrt_cgroup_free (cg);
}

Test (cgroups_fake, dotdot_and_root_refused)
{
  fake_v1 ();
  struct mrt_cgroup *cg = NULL;
  mrt_error_t err = NULL;
  struct mrt_cgroup_config cfg = config ("c", "a/../../b");
  cr_assert_lt (mrt_cgroup_create (&cfg, NULL, &cg, &err), 0);
  cr_expect (strstr (err->msg, "linux.cgroupsPath") != NULL, "%s", err->msg);
  mrt_error_free (&err);
  cfg = config ("c", "/");
  cr_assert_lt (mrt_cgroup_create (&cfg, NULL, &cg, &err), 0);
  mrt_error_free (&err);
}

Test (cgroups_fake, destroy_keeps_preexisting_parents)
{
  fake_v1 ();
  put ("sys/pids/shared/keep", "x");
  struct mrt_cgroup_config cfg = config ("c", "shared/a/b");
  struct mrt_cgroup *cg = must_create (&cfg, NULL);
  cr_expect (exists ("sys/pids/shared/a/b"));
  cr_expect (exists ("sys/cpu/shared/a/b"));
  mrt_error_t err = NULL;
  cr_expect_eq (mrt_cgroup_destroy (cg, &err), 0);
  cr_expect (!exists ("sys/pids/shared/a"));
  cr_expect (exists ("sys/pids/shared/keep"));
  /* In cpu, "shared" did not exist: create() made it, destroy() removes it. */
  cr_expect (!exists ("sys/cpu/shared"));
  mrt_cgroup_free (cg);
}

Test (cgroups_fake, disabled_manager_is_noop)
{
  fake_v1 ();
  struct mrt_cgroup_config cfg = config ("c", "minirt-test/d");
  cfg.manager = MRT_CGROUP_MANAGER_DISABLED;
  struct mrt_resources res = { .pids_limit = { true, 5 } };
  struct mrt_cgroup *cg = must_create (&cfg, &res);
  mrt_error_t err = NULL;
  cr_expect (mrt_cgroup_is_disabled (cg));
  cr_expect (!exists ("sys/pids/minirt-test"));
  cr_expect_eq (mrt_cgroup_enter (cg, getpid (), &err), 0);
  cr_expect_eq (mrt_cgroup_freeze (cg, true, &err), 0);
  cr_expect_eq (mrt_cgroup_update (cg, &res, &err), 0);
  pid_t *pids;
  size_t n;
  cr_expect_eq (mrt_cgroup_pids (cg, &pids, &n, &err), 0);
  cr_expect_eq (n, 0);
  cleanup_free char *saved = mrt_cgroup_save (cg);
  cr_expect_str_eq (saved, "disabled");
  cr_expect_eq (mrt_cgroup_destroy (cg, &err), 0);
  mrt_cgroup_free (cg);
}

Test (cgroups_fake, systemd_driver)
{
  fake_v1 ();
  struct mrt_cgroup *cg = NULL;
  mrt_error_t err = NULL;
  struct mrt_cgroup_config cfg = config ("c", "machine.slice:minirt:c9");
  cfg.manager = MRT_CGROUP_MANAGER_SYSTEMD;
  cr_assert_lt (mrt_cgroup_create (&cfg, NULL, &cg, &err), 0);
  cleanup_free char *msg = xasprintf ("linux.cgroupsPath \"machine.slice:minirt:c9\": systemd cgroup driver: systemd is "
                                      "not running (no %s); use --cgroup-manager cgroupfs",
                                      cfg.systemd_run_dir ? cfg.systemd_run_dir : "/run/systemd/system");
  cr_expect_str_eq (err->msg, msg);
  mrt_error_free (&err);

  put ("no-systemd/x", "");
  cg = must_create (&cfg, NULL);
  cleanup_free char *want = xasprintf ("%s/sys/pids/machine.slice/minirt-c9.scope", tmp);
  cr_expect_str_eq (mrt_cgroup_path (cg, "pids"), want);
  cr_expect_eq (mrt_cgroup_destroy (cg, &err), 0);
  cr_expect (!exists ("sys/pids/machine.slice"));
  mrt_cgroup_free (cg);

  cfg.cgroups_path = "not-a-systemd-path";
  cr_assert_lt (mrt_cgroup_create (&cfg, NULL, &cg, &err), 0);
  cr_expect (strstr (err->msg, "slice:prefix:name") != NULL, "%s", err->msg);
  mrt_error_free (&err);
}

Test (cgroups_fake, expand_slice)
{
  char *out = NULL;
  mrt_error_t err = NULL;
  cr_assert_eq (mrt_cg_expand_slice ("a-b-c.slice", &out, &err), 0);
  cr_expect_str_eq (out, "/a.slice/a-b.slice/a-b-c.slice");
  free (out);
  cr_assert_eq (mrt_cg_expand_slice ("system.slice", &out, &err), 0);
  cr_expect_str_eq (out, "/system.slice");
  free (out);
  cr_expect_lt (mrt_cg_expand_slice ("a--b.slice", &out, &err), 0);
  mrt_error_free (&err);
  cr_expect_lt (mrt_cg_expand_slice ("noslice", &out, &err), 0);
  mrt_error_free (&err);
}

/* ---- v1 resources -------------------------------------------------------------------- */

Test (cgroups_fake, v1_every_resource_to_its_file)
{
  fake_v1 ();
  put ("sys/blkio/blkio.weight", "500\n");
  struct mrt_memory mem = { .limit = { true, 256 << 20 },
                            .reservation = { true, 128 << 20 },
                            .swap = { true, 512 << 20 },
                            .swappiness = { true, 10 },
                            .disable_oom_killer = { true, true },
                            .kernel_tcp = { true, 1 << 20 },
                            .kernel = { true, 1 << 20 } };
  struct mrt_cpu cpu = { .shares = { true, 512 },
                         .quota = { true, 50000 },
                         .period = { true, 100000 },
                         .burst = { true, 1000 },
                         .realtime_runtime = { true, 950 },
                         .realtime_period = { true, 1000 },
                         .cpus = (char *)"0-1",
                         .mems = (char *)"0",
                         .idle = { true, 0 } };
  struct mrt_weight_device wd[] = { { 8, 0, { true, 300 }, { true, 200 } } };
  struct mrt_throttle_device rbps[] = { { 8, 0, 1048576 }, { 8, 16, 2097152 } };
  struct mrt_throttle_device wiops[] = { { 8, 0, 100 } };
  struct mrt_block_io bio = { .weight = { true, 700 },
                              .leaf_weight = { true, 600 },
                              .weight_device = wd,
                              .n_weight_device = 1,
                              .throttle_read_bps_device = rbps,
                              .n_throttle_read_bps_device = 2,
                              .throttle_write_iops_device = wiops,
                              .n_throttle_write_iops_device = 1 };
  struct mrt_hugepage_limit hp[] = { { (char *)"2MB", 4194304 } };
  struct mrt_net_priority prio[] = { { (char *)"eth0", 5 } };
  struct mrt_network net = { .class_id = { true, 0x100001 }, .priorities = prio, .n_priorities = 1 };
  struct mrt_rdma rdma[] = { { (char *)"mlx5_1", { true, 3 }, { false, 0 } } };
  struct mrt_device_cgroup_rule devs[]
      = { { .allow = false, .access = (char *)"rwm" },
          { .allow = true, .type = 'c', .major = { true, 10 }, .minor = { true, 229 }, .access = (char *)"rw" } };
  struct mrt_resources res = { .memory = &mem,
                               .cpu = &cpu,
                               .block_io = &bio,
                               .hugepage_limits = hp,
                               .n_hugepage_limits = 1,
                               .network = &net,
                               .pids_limit = { true, 42 },
                               .rdma = rdma,
                               .n_rdma = 1,
                               .devices = devs,
                               .n_devices = 2 };
  struct mrt_cgroup_config cfg = config ("c", "minirt-test/r");
  struct mrt_cgroup *cg = must_create (&cfg, &res);
#define M "sys/memory/process_api/abc/minirt-test/r/"
  expect_file (M "memory.limit_in_bytes", "268435456");
  expect_file (M "memory.memsw.limit_in_bytes", "536870912");
  expect_file (M "memory.soft_limit_in_bytes", "134217728");
  expect_file (M "memory.swappiness", "10");
  expect_file (M "memory.oom_control", "1");
  /* Kernel memory is ignored, as runc 1.1 does. */
  cr_expect (!exists (M "memory.kmem.tcp.limit_in_bytes"));
  cr_expect (!exists (M "memory.kmem.limit_in_bytes"));
  expect_file ("sys/cpu/minirt-test/r/cpu.shares", "512");
  expect_file ("sys/cpu/minirt-test/r/cpu.cfs_quota_us", "50000");
  expect_file ("sys/cpu/minirt-test/r/cpu.cfs_period_us", "100000");
  expect_file ("sys/cpu/minirt-test/r/cpu.cfs_burst_us", "1000");
  expect_file ("sys/cpu/minirt-test/r/cpu.rt_runtime_us", "950");
  expect_file ("sys/cpu/minirt-test/r/cpu.rt_period_us", "1000");
  expect_file ("sys/cpu/minirt-test/r/cpu.idle", "0");
  expect_file ("sys/cpuset/minirt-test/r/cpuset.cpus", "0-1");
  expect_file ("sys/cpuset/minirt-test/r/cpuset.mems", "0");
  expect_file ("sys/pids/minirt-test/r/pids.max", "42");
  expect_file ("sys/blkio/minirt-test/r/blkio.weight", "700");
  expect_file ("sys/blkio/minirt-test/r/blkio.leaf_weight", "600");
  expect_file ("sys/blkio/minirt-test/r/blkio.weight_device", "8:0 300\n");
  expect_file ("sys/blkio/minirt-test/r/blkio.leaf_weight_device", "8:0 200\n");
  expect_file ("sys/blkio/minirt-test/r/blkio.throttle.read_bps_device", "8:0 1048576\n8:16 2097152\n");
  expect_file ("sys/blkio/minirt-test/r/blkio.throttle.write_iops_device", "8:0 100\n");
  expect_file ("sys/hugetlb/minirt-test/r/hugetlb.2MB.limit_in_bytes", "4194304");
  expect_file ("sys/net_cls,net_prio/minirt-test/r/net_cls.classid", "1048577");
  expect_file ("sys/net_cls,net_prio/minirt-test/r/net_prio.ifpriomap", "eth0 5\n");
  expect_file ("sys/rdma/minirt-test/r/rdma.max", "mlx5_1 hca_handle=3 hca_object=max\n");
  /* The rules in order (the first, deny-all, is the only deny-all written), then the defaults. */
  expect_file ("sys/devices/minirt-test/r/devices.deny", "a\n");
  expect_contains ("sys/devices/minirt-test/r/devices.allow", "c 10:229 rw\nc *:* m\nb *:* m\nc 1:3 rwm\n");
  expect_contains ("sys/devices/minirt-test/r/devices.allow", "c 136:* rwm\n");
  mrt_error_t err = NULL;
  cr_expect_eq (mrt_cgroup_destroy (cg, &err), 0);
  cr_expect (!exists ("sys/blkio/minirt-test"));
  mrt_cgroup_free (cg);
}

Test (cgroups_fake, v1_linux_devices_are_allowed)
{
  fake_v1 ();
  struct mrt_device devs[] = { { .type = 'c', .path = (char *)"/dev/fuse", .major = 10, .minor = 229 },
                               { .type = 'p', .path = (char *)"/dev/fifo" } };
  struct mrt_cgroup_config cfg = config ("c", "minirt-test/ld");
  cfg.devices = devs;
  cfg.n_devices = 2;
  struct mrt_cgroup *cg = must_create (&cfg, NULL);
  expect_contains ("sys/devices/minirt-test/ld/devices.allow", "c 10:229 rwm\nc *:* m\n");
  mrt_error_t err = NULL;
  mrt_cgroup_destroy (cg, &err);
  mrt_cgroup_free (cg);
}

Test (cgroups_fake, v1_unified_refused_and_nothing_left)
{
  fake_v1 ();
  struct mrt_kv kv[] = { { (char *)"memory.high", (char *)"1000000" } };
  struct mrt_resources res = { .unified = kv, .n_unified = 1 };
  struct mrt_cgroup_config cfg = config ("c", "minirt-test/u");
  struct mrt_cgroup *cg = NULL;
  mrt_error_t err = NULL;
  cr_assert_lt (mrt_cgroup_create (&cfg, &res, &cg, &err), 0);
  cr_expect (strstr (err->msg, "linux.resources.unified") != NULL, "%s", err->msg);
  mrt_error_free (&err);
  for (size_t i = 0; i < ARRAY_SIZE (v1_ctrls); i++)
    {
      cleanup_free char *p = xasprintf ("sys/%s/minirt-test", v1_ctrls[i]);
      cr_expect (!exists (p), "%s left behind", p);
    }
  cr_expect (!exists ("sys/memory/process_api/abc/minirt-test"));
}

Test (cgroups_fake, v1_refused_write_names_field_and_file)
{
  fake_v1 ();
  /* A directory where the file should be: the write fails. */
  put ("sys/memory/process_api/abc/minirt-test/w/memory.limit_in_bytes/x", "");
  struct mrt_memory mem = { .limit = { true, 1 << 20 } };
  struct mrt_resources res = { .memory = &mem };
  struct mrt_cgroup_config cfg = config ("c", "minirt-test/w");
  struct mrt_cgroup *cg = NULL;
  mrt_error_t err = NULL;
  cr_assert_lt (mrt_cgroup_create (&cfg, &res, &cg, &err), 0);
  cr_expect_str_eq (err->msg, "linux.resources.memory.limit: write memory.limit_in_bytes: Is a directory");
  mrt_error_free (&err);
  /* What create made is gone, what was there stays. */
  cr_expect (!exists ("sys/cpu/minirt-test"));
  cr_expect (exists ("sys/memory/process_api/abc/minirt-test/w"));
}

Test (cgroups_fake, v1_memory_unlimited_sets_swap_unlimited)
{
  fake_v1 ();
  struct mrt_memory mem = { .limit = { true, -1 } };
  struct mrt_resources res = { .memory = &mem };
  put ("sys/memory/process_api/abc/minirt-test/m/memory.memsw.limit_in_bytes", "1");
  struct mrt_cgroup_config cfg = config ("c", "minirt-test/m");
  struct mrt_cgroup *cg = must_create (&cfg, &res);
  expect_file ("sys/memory/process_api/abc/minirt-test/m/memory.limit_in_bytes", "-1");
  expect_file ("sys/memory/process_api/abc/minirt-test/m/memory.memsw.limit_in_bytes", "-1");
  mrt_error_t err = NULL;
  mrt_cgroup_destroy (cg, &err);
  mrt_cgroup_free (cg);
}

Test (cgroups_fake, v1_cpuset_copied_from_parent)
{
  fake_v1 ();
  struct mrt_cgroup_config cfg = config ("c", "minirt-test/cs");
  struct mrt_cgroup *cg = must_create (&cfg, NULL);
  expect_file ("sys/cpuset/minirt-test/cpuset.cpus", "0-3");
  expect_file ("sys/cpuset/minirt-test/cpuset.mems", "0");
  expect_file ("sys/cpuset/minirt-test/cs/cpuset.cpus", "0-3");
  expect_file ("sys/cpuset/minirt-test/cs/cpuset.mems", "0");
  mrt_error_t err = NULL;
  mrt_cgroup_destroy (cg, &err);
  mrt_cgroup_free (cg);
}

Test (cgroups_fake, v1_update_and_pids_and_freeze)
{
  fake_v1 ();
  struct mrt_cgroup_config cfg = config ("c", "minirt-test/up");
  struct mrt_cgroup *cg = must_create (&cfg, NULL);
  struct mrt_resources res = { .pids_limit = { true, -1 } };
  mrt_error_t err = NULL;
  cr_assert_eq (mrt_cgroup_update (cg, &res, &err), 0);
  expect_file ("sys/pids/minirt-test/up/pids.max", "max");
  res.pids_limit.value = 0;
  put ("sys/pids/minirt-test/up/pids.max", "7");
  cr_assert_eq (mrt_cgroup_update (cg, &res, &err), 0);
  expect_file ("sys/pids/minirt-test/up/pids.max", "max");
  /* Update leaves device rules alone when none are given. */
  put ("sys/devices/minirt-test/up/devices.deny", "");
  cr_assert_eq (mrt_cgroup_update (cg, &res, &err), 0);
  expect_file ("sys/devices/minirt-test/up/devices.deny", "");

  cr_assert_eq (mrt_cgroup_enter (cg, 4242, &err), 0);
  expect_file ("sys/freezer/minirt-test/up/cgroup.procs", "4242");
  expect_file ("sys/memory/process_api/abc/minirt-test/up/cgroup.procs", "4242");
  put ("sys/pids/minirt-test/up/cgroup.procs", "11\n12\n");
  put ("sys/pids/minirt-test/up/sub/cgroup.procs", "13\n");
  pid_t *pids = NULL;
  size_t n = 0;
  cr_assert_eq (mrt_cgroup_pids (cg, &pids, &n, &err), 0);
  cr_expect_eq (n, 3);
  cr_expect (n == 3 && pids[0] == 11 && pids[1] == 12 && pids[2] == 13);
  free (pids);

  bool frozen = true;
  cr_assert_eq (mrt_cgroup_freeze (cg, true, &err), 0);
  expect_file ("sys/freezer/minirt-test/up/freezer.state", "FROZEN");
  cr_assert_eq (mrt_cgroup_is_frozen (cg, &frozen, &err), 0);
  cr_expect (frozen);
  cr_assert_eq (mrt_cgroup_freeze (cg, false, &err), 0);
  cr_assert_eq (mrt_cgroup_is_frozen (cg, &frozen, &err), 0);
  cr_expect (!frozen);

  put ("sys/cpuacct/minirt-test/up/cpuacct.usage", "123456789\n");
  put ("sys/cpuacct/minirt-test/up/cpuacct.stat", "user 10\nsystem 20\n");
  put ("sys/memory/process_api/abc/minirt-test/up/memory.usage_in_bytes", "4096\n");
  put ("sys/memory/process_api/abc/minirt-test/up/memory.max_usage_in_bytes", "8192\n");
  put ("sys/memory/process_api/abc/minirt-test/up/memory.limit_in_bytes", "1048576\n");
  put ("sys/memory/process_api/abc/minirt-test/up/memory.stat", "rss 1\ncache 2048\n");
  put ("sys/cpu/minirt-test/up/cpu.stat", "nr_periods 10\nnr_throttled 4\nthrottled_time 5000\n");
  put ("sys/memory/process_api/abc/minirt-test/up/memory.failcnt", "6\n");
  put ("sys/pids/minirt-test/up/pids.current", "3\n");
  put ("sys/pids/minirt-test/up/pids.max", "max\n");
  struct mrt_cgroup_stats st;
  cr_assert_eq (mrt_cgroup_stats (cg, &st, &err), 0);
  cr_expect_eq (st.cpu_usage_ns, 123456789);
  cr_expect_eq (st.cpu_user_ns, 10 * (1000000000ULL / sysconf (_SC_CLK_TCK)));
  cr_expect_eq (st.memory_usage, 4096);
  cr_expect_eq (st.memory_max_usage, 8192);
  cr_expect_eq (st.memory_limit, 1048576);
  cr_expect_eq (st.memory_cache, 2048);
  cr_expect_eq (st.pids_current, 3);
  cr_expect_eq (st.pids_limit, 0);
  cr_expect_eq (st.cpu_periods, 10);
  cr_expect_eq (st.cpu_throttled_periods, 4);
  cr_expect_eq (st.cpu_throttled_ns, 5000);
  cr_expect_eq (st.memory_failcnt, 6);

  /* memory.checkBeforeUpdate: a limit under the usage (4096) is refused. */
  struct mrt_memory low = { .limit = { true, 1024 }, .check_before_update = { true, true } };
  struct mrt_resources lowres = { .memory = &low };
  cr_expect_lt (mrt_cgroup_update (cg, &lowres, &err), 0);
  cr_expect (err && strstr (err->msg, "linux.resources.memory.limit: 1024 is below the current usage 4096"), "%s",
             err ? err->msg : "");
  mrt_error_free (&err);
  expect_file ("sys/memory/process_api/abc/minirt-test/up/memory.limit_in_bytes", "1048576\n");
  low.check_before_update.value = false;
  cr_expect_eq (mrt_cgroup_update (cg, &lowres, &err), 0);
  expect_file ("sys/memory/process_api/abc/minirt-test/up/memory.limit_in_bytes", "1024");
  cr_expect_eq (mrt_cgroup_destroy (cg, &err), 0, "%s", err ? err->msg : "");
  cr_expect (!exists ("sys/pids/minirt-test"));
  mrt_cgroup_free (cg);
}

Test (cgroups_fake, save_restore_round_trip)
{
  fake_v1 ();
  struct mrt_cgroup_config cfg = config ("c", "minirt-test/with space/%odd-");
  struct mrt_cgroup *cg = must_create (&cfg, NULL);
  cleanup_free char *saved = mrt_cgroup_save (cg);
  cr_expect (strchr (saved, '\n') == NULL);
  cr_expect (strncmp (saved, "v1 12 ", 6) == 0, "%s", saved);
  struct mrt_cgroup *back = NULL;
  mrt_error_t err = NULL;
  cr_assert_eq (mrt_cgroup_restore (&cfg, saved, &back, &err), 0, "%s", err ? err->msg : "");
  cleanup_free char *again = mrt_cgroup_save (back);
  cr_expect_str_eq (saved, again);
  cr_expect_str_eq (mrt_cgroup_path (back, "memory"), mrt_cgroup_path (cg, "memory"));
  cr_expect (back->fake);
  /* The restored object removes what the first one created. */
  cr_expect_eq (mrt_cgroup_destroy (back, &err), 0);
  cr_expect (!exists ("sys/pids/minirt-test"));
  cr_expect (!exists ("sys/memory/process_api/abc/minirt-test"));
  mrt_cgroup_free (back);
  mrt_cgroup_free (cg);

  cr_expect_lt (mrt_cgroup_restore (&cfg, "v1 2 cpu /x", &back, &err), 0);
  mrt_error_free (&err);
  cr_expect_lt (mrt_cgroup_restore (&cfg, "garbage", &back, &err), 0);
  mrt_error_free (&err);
}

/* ---- v2 ------------------------------------------------------------------------------------ */

Test (cgroups_fake, v2_every_resource_to_its_file)
{
  fake_v2 ();
  /* minirt-test exists (with controllers): only it gets subtree_control. */
  put ("sys/user.slice/me/minirt-test/cgroup.controllers", "cpu memory pids io\n");
  put ("sys/user.slice/me/minirt-test/cgroup.subtree_control", "memory\n");
  struct mrt_memory mem = { .limit = { true, 256 << 20 },
                            .reservation = { true, 128 << 20 },
                            .swap = { true, 384 << 20 },
                            .kernel = { true, 1 },
                            .swappiness = { true, 5 } };
  struct mrt_cpu cpu = { .shares = { true, 1024 },
                         .quota = { true, 50000 },
                         .period = { true, 200000 },
                         .burst = { true, 10 },
                         .cpus = (char *)"1",
                         .mems = (char *)"0",
                         .idle = { true, 1 } };
  struct mrt_weight_device wd[] = { { 8, 0, { true, 100 }, { false, 0 } } };
  struct mrt_throttle_device rbps[] = { { 8, 0, 1048576 } };
  struct mrt_throttle_device wiops[] = { { 8, 16, 100 } };
  struct mrt_block_io bio = { .weight = { true, 500 },
                              .weight_device = wd,
                              .n_weight_device = 1,
                              .throttle_read_bps_device = rbps,
                              .n_throttle_read_bps_device = 1,
                              .throttle_write_iops_device = wiops,
                              .n_throttle_write_iops_device = 1 };
  struct mrt_hugepage_limit hp[] = { { (char *)"1GB", 0 } };
  struct mrt_rdma rdma[] = { { (char *)"mlx4", { true, 1 }, { true, 2 } } };
  struct mrt_kv kv[] = { { (char *)"memory.high", (char *)"200000000" }, { (char *)"cpu.weight", (char *)"77" } };
  struct mrt_resources res = { .memory = &mem,
                               .cpu = &cpu,
                               .block_io = &bio,
                               .hugepage_limits = hp,
                               .n_hugepage_limits = 1,
                               .pids_limit = { true, -1 },
                               .rdma = rdma,
                               .n_rdma = 1,
                               .unified = kv,
                               .n_unified = 2 };
  struct mrt_cgroup_config cfg = config ("c", "minirt-test/v");
  struct mrt_cgroup *cg = must_create (&cfg, &res);
  cr_expect (mrt_cgroup_is_v2 (cg));
#define V "sys/user.slice/me/minirt-test/v/"
  expect_file (V "memory.max", "268435456");
  expect_file (V "memory.swap.max", "134217728"); /* memory+swap minus memory */
  expect_file (V "memory.low", "134217728");
  cr_expect (!exists (V "memory.swappiness"));
  expect_file (V "cpu.max", "50000 200000");
  expect_file (V "cpu.max.burst", "10");
  expect_file (V "cpu.idle", "1");
  expect_file (V "cpuset.cpus", "1");
  expect_file (V "cpuset.mems", "0");
  /* The weight (truncating write) then the per-device line (appended):
   * a fake file shows both run together. */
  expect_file (V "io.weight", "4950"
                              "8:0 910\n");
  expect_file (V "io.max", "8:0 rbps=1048576\n8:16 wiops=100\n");
  expect_file (V "pids.max", "max");
  expect_file (V "hugetlb.1GB.max", "0");
  expect_file (V "rdma.max", "mlx4 hca_handle=1 hca_object=2\n");
  expect_file (V "memory.high", "200000000");
  /* unified wins over the converted cpu.shares (39). */
  expect_file (V "cpu.weight", "77");
  /* Controllers enabled below our own cgroup only. */
  expect_file ("sys/user.slice/me/cgroup.subtree_control", "");
  expect_file ("sys/user.slice/me/minirt-test/cgroup.subtree_control", "memory\n+cpu\n+pids\n+io\n");
  mrt_error_t err = NULL;
  cr_expect_eq (mrt_cgroup_destroy (cg, &err), 0);
  cr_expect (!exists ("sys/user.slice/me/minirt-test/v"));
  cr_expect (exists ("sys/user.slice/me/minirt-test"));
  mrt_cgroup_free (cg);
}

Test (cgroups_fake, v2_conversions)
{
  cr_expect_eq (mrt_cg_shares_to_weight (2), 1);
  cr_expect_eq (mrt_cg_shares_to_weight (1024), 39);
  cr_expect_eq (mrt_cg_shares_to_weight (262144), 10000);
  cr_expect_eq (mrt_cg_blkio_to_io_weight (10), 1);
  cr_expect_eq (mrt_cg_blkio_to_io_weight (500), 4950);
  cr_expect_eq (mrt_cg_blkio_to_io_weight (1000), 10000);
  int64_t out;
  mrt_error_t err = NULL;
  cr_expect_eq (mrt_cg_swap_v2 (0, -1, &out, &err), 0);
  cr_expect_eq (out, -1);
  cr_expect_eq (mrt_cg_swap_v2 (-1, 100, &out, &err), 0);
  cr_expect_eq (out, -1);
  cr_expect_eq (mrt_cg_swap_v2 (300, 100, &out, &err), 0);
  cr_expect_eq (out, 200);
  cr_expect_lt (mrt_cg_swap_v2 (50, 100, &out, &err), 0);
  mrt_error_free (&err);
  cr_expect_lt (mrt_cg_swap_v2 (50, 0, &out, &err), 0);
  mrt_error_free (&err);
}

Test (cgroups_fake, v2_weight_pids_zero_partial_cpu_update)
{
  fake_v2 ();
  struct mrt_cpu cpu = { .shares = { true, 1024 }, .quota = { true, -1 } };
  struct mrt_block_io bio = { .weight = { true, 500 } };
  struct mrt_resources res = { .cpu = &cpu, .block_io = &bio, .pids_limit = { true, 0 } };
  struct mrt_cgroup_config cfg = config ("c", "minirt-test/w");
  struct mrt_cgroup *cg = must_create (&cfg, &res);
#define W2 "sys/user.slice/me/minirt-test/w/"
  expect_file (W2 "cpu.weight", "39");
  expect_file (W2 "cpu.max", "max 100000");
  expect_file (W2 "io.weight", "4950");
  expect_file (W2 "pids.max", "max");
  /* A period alone keeps the quota that is there. */
  put (W2 "cpu.max", "20000 100000\n");
  struct mrt_cpu cpu2 = { .period = { true, 50000 } };
  struct mrt_resources res2 = { .cpu = &cpu2, .pids_limit = { true, 9 } };
  mrt_error_t err = NULL;
  cr_assert_eq (mrt_cgroup_update (cg, &res2, &err), 0);
  expect_file (W2 "cpu.max", "20000 50000");
  expect_file (W2 "pids.max", "9");
  /* Realtime does not exist on v2. */
  struct mrt_cpu rt = { .realtime_runtime = { true, 10 } };
  struct mrt_resources res3 = { .cpu = &rt };
  cr_assert_lt (mrt_cgroup_update (cg, &res3, &err), 0);
  cr_expect (strstr (err->msg, "linux.resources.cpu.realtimeRuntime") != NULL);
  mrt_error_free (&err);
  /* freeze on v2 writes cgroup.freeze */
  cr_assert_eq (mrt_cgroup_freeze (cg, true, &err), 0);
  expect_file (W2 "cgroup.freeze", "1");
  put (W2 "cpu.stat",
       "usage_usec 1500\nuser_usec 1000\nsystem_usec 500\nnr_periods 7\nnr_throttled 2\nthrottled_usec 30\n");
  put (W2 "memory.swap.current", "100\n");
  put (W2 "memory.swap.max", "max\n");
  put (W2 "memory.current", "4096\n");
  put (W2 "memory.max", "max\n");
  put (W2 "memory.stat", "anon 1\nfile 777\n");
  put (W2 "pids.current", "2\n");
  put (W2 "pids.max", "10\n");
  struct mrt_cgroup_stats st;
  cr_assert_eq (mrt_cgroup_stats (cg, &st, &err), 0);
  cr_expect_eq (st.cpu_usage_ns, 1500000);
  cr_expect_eq (st.cpu_system_ns, 500000);
  cr_expect_eq (st.memory_usage, 4096);
  cr_expect_eq (st.memory_limit, UINT64_MAX);
  cr_expect_eq (st.memory_cache, 777);
  cr_expect_eq (st.pids_current, 2);
  cr_expect_eq (st.pids_limit, 10);
  cr_expect_eq (st.cpu_periods, 7);
  cr_expect_eq (st.cpu_throttled_periods, 2);
  cr_expect_eq (st.cpu_throttled_ns, 30000);
  cr_expect_eq (st.swap_usage, 100);
  cr_expect_eq (st.swap_limit, UINT64_MAX);
  cleanup_free char *saved = mrt_cgroup_save (cg);
  cr_expect (strncmp (saved, "v2 1 - ", 7) == 0, "%s", saved);
  cr_expect_eq (mrt_cgroup_destroy (cg, &err), 0);
  cr_expect (!exists ("sys/user.slice/me/minirt-test"));
  mrt_cgroup_free (cg);
}

/* ---- BPF ------------------------------------------------------------------------------- */

static struct bpf_insn *
program (const struct mrt_device_cgroup_rule *rules, size_t n_rules, size_t *n)
{
  struct bpf_insn *p = mrt_bpf_devices_program (rules, n_rules, n);
  if (geteuid () != 0)
    return p; /* loading needs CAP_BPF */
  mrt_error_t err = NULL;
  int fd = mrt_bpf_load (p, *n, &err);
  cr_assert_geq (fd, 0, "verifier refused: %s", err ? err->msg : "");
  close (fd);
  return p;
}

TestSuite (cgroups_bpf);

Test (cgroups_bpf, empty_list_denies_everything)
{
  size_t n;
  cleanup_free struct bpf_insn *p = program (NULL, 0, &n);
  cr_expect_eq (n, 8); /* 6 prologue + mov r0, 0 + exit */
  cr_expect_eq (p[6].code, BPF_ALU | BPF_MOV | BPF_K);
  cr_expect_eq (p[6].imm, 0);
  cr_expect_eq (p[7].code, BPF_JMP | BPF_EXIT);
}

Test (cgroups_bpf, full_rule_shape_and_jumps)
{
  struct mrt_device_cgroup_rule r[]
      = { { .allow = true, .type = 'c', .major = { true, 1 }, .minor = { true, 3 }, .access = (char *)"rw" } };
  size_t n;
  cleanup_free struct bpf_insn *p = program (r, 1, &n);
  /* prologue 6 + type 1 + access 3 + major 1 + minor 1 + verdict 2 + default 2 */
  cr_assert_eq (n, 16);
  cr_expect_eq (p[6].code, BPF_JMP | BPF_JNE | BPF_K);
  cr_expect_eq (p[6].imm, BPF_DEVCG_DEV_CHAR);
  cr_expect_eq (p[8].imm, BPF_DEVCG_ACC_READ | BPF_DEVCG_ACC_WRITE);
  cr_expect_eq (p[10].imm, 1);
  cr_expect_eq (p[11].imm, 3);
  cr_expect_eq (p[12].imm, 1); /* allow */
  /* Every test jumps to the default block at 14. */
  for (int i = 6; i <= 11; i++)
    if (BPF_CLASS (p[i].code) == BPF_JMP)
      cr_expect_eq (i + 1 + p[i].off, 14, "insn %d jumps to %d", i, i + 1 + p[i].off);
}

Test (cgroups_bpf, catch_all_stops_generation)
{
  /* deny all, then allow c 1:3: the last rule is tested first, the deny
   * all ends the program (no unreachable default, or the verifier would
   * refuse it). */
  struct mrt_device_cgroup_rule r[] = { { .allow = false, .access = (char *)"rwm" },
                                        { .allow = true, .type = 'c', .major = { true, 1 }, .minor = { true, 3 } } };
  size_t n;
  cleanup_free struct bpf_insn *p = program (r, 2, &n);
  cr_expect_eq (n, 6 + 5 + 2);
  cr_expect_eq (p[n - 2].imm, 0);
  /* Rules before an allow-all are dead. */
  struct mrt_device_cgroup_rule r2[]
      = { { .allow = true, .type = 'b', .major = { true, 8 } }, { .allow = true, .type = 'a' } };
  cleanup_free struct bpf_insn *p2 = program (r2, 2, &n);
  cr_expect_eq (n, 8);
  cr_expect_eq (p2[6].imm, 1);
}

Test (cgroups_bpf, default_rule_list_loads)
{
  struct mrt_cgroup cg = { 0 };
  struct mrt_device_cgroup_rule spec[]
      = { { .allow = false, .access = (char *)"rwm" },
          { .allow = false, .type = 'c', .major = { true, 5 }, .access = (char *)"w" },
          { .allow = true, .type = 'b', .minor = { true, 0 }, .access = (char *)"m" } };
  struct mrt_resources res = { .devices = spec, .n_devices = 3 };
  size_t n_rules;
  cleanup_free struct mrt_device_cgroup_rule *rules = mrt_cg_device_rules (&cg, &res, &n_rules);
  cr_expect_eq (n_rules, 3 + 11);
  size_t n;
  cleanup_free struct bpf_insn *p = program (rules, n_rules, &n);
  cr_expect_gt (n, 50);
}

/* ---- the real hierarchies ------------------------------------------------------------------
 * Relative paths only: they nest under our own cgroup in each hierarchy
 * (for this machine's v1 controllers at "/" that is
 * /sys/fs/cgroup/<ctrl>/minirt-test/unit-cg-<pid>, as runc does). */

static struct mrt_cgroup *live;
static pid_t child = -1;
static int to_child = -1, from_child = -1;

static void
real_fini (void)
{
  if (child > 0)
    {
      kill (child, SIGKILL);
      if (live)
        {
          mrt_error_t e = NULL;
          mrt_cgroup_freeze (live, false, &e);
          mrt_error_free (&e);
        }
      waitpid (child, NULL, 0);
      child = -1;
    }
  if (live)
    {
      mrt_error_t e = NULL;
      mrt_cgroup_freeze (live, false, &e);
      mrt_error_free (&e);
      mrt_cgroup_destroy (live, &e);
      mrt_error_free (&e);
      mrt_cgroup_free (live);
      live = NULL;
    }
  if (to_child >= 0)
    close (to_child);
  if (from_child >= 0)
    close (from_child);
  to_child = from_child = -1;
}

static bool
have_v1_tree (void)
{
  return geteuid () == 0 && access ("/sys/fs/cgroup/pids/cgroup.procs", F_OK) == 0
         && access ("/sys/fs/cgroup/freezer/cgroup.procs", F_OK) == 0;
}

/* A child that, for each byte it reads, tries to open /dev/null and
 * /dev/kmsg and answers two bytes: '1' when the open worked. */
static void
start_child (void)
{
  int down[2], up[2];
  cr_assert_eq (pipe2 (down, O_CLOEXEC), 0);
  cr_assert_eq (pipe2 (up, O_CLOEXEC), 0);
  child = fork ();
  cr_assert_geq (child, 0);
  if (child == 0)
    {
      char c;
      while (read (down[0], &c, 1) == 1)
        {
          char ans[2];
          int a = open ("/dev/null", O_RDONLY | O_CLOEXEC);
          int b = open ("/dev/kmsg", O_RDONLY | O_NONBLOCK | O_CLOEXEC);
          ans[0] = a >= 0 ? '1' : '0';
          ans[1] = b >= 0 ? '1' : '0';
          if (a >= 0)
            close (a);
          if (b >= 0)
            close (b);
          if (write (up[1], ans, 2) != 2)
            _exit (1);
        }
      _exit (0);
    }
  close (down[0]);
  close (up[1]);
  to_child = down[1];
  from_child = up[0];
}

static void
ask_child (bool *null_ok, bool *kmsg_ok)
{
  char ans[2];
  cr_assert_eq (write (to_child, "?", 1), 1);
  cr_assert_eq (read (from_child, ans, 2), 2);
  *null_ok = ans[0] == '1';
  *kmsg_ok = ans[1] == '1';
}

static char *
read_in (const char *dir, const char *file)
{
  cleanup_free char *p = xasprintf ("%s/%s", dir, file);
  char *buf = NULL;
  mrt_error_t err = NULL;
  if (mrt_read_file (p, 1 << 20, &buf, NULL, &err) < 0)
    {
      mrt_error_free (&err);
      return NULL;
    }
  buf[strcspn (buf, "\n")] = '\0';
  return buf;
}

TestSuite (cgroups_real, .fini = real_fini);

Test (cgroups_real, v1_lifecycle_with_a_real_process)
{
  if (!have_v1_tree ())
    cr_skip_test ("no cgroup v1 pids/freezer hierarchies");
  cleanup_free char *path = xasprintf ("minirt-test/unit-cg-%d/life", getpid ());
  struct mrt_memory mem = { .limit = { true, 64 << 20 } };
  struct mrt_cpu cpu = { .shares = { true, 512 }, .quota = { true, 20000 }, .period = { true, 100000 } };
  struct mrt_resources res = { .memory = &mem, .cpu = &cpu, .pids_limit = { true, 20 } };
  struct mrt_cgroup_config cfg = { .id = "life", .cgroups_path = path };
  mrt_error_t err = NULL;
  cr_assert_eq (mrt_cgroup_create (&cfg, &res, &live, &err), 0, "%s", err ? err->msg : "");
  cr_assert (!mrt_cgroup_is_v2 (live));

  const char *memdir = mrt_cgroup_path (live, "memory");
  const char *pidsdir = mrt_cgroup_path (live, "pids");
  const char *cpudir = mrt_cgroup_path (live, "cpu");
  cr_assert_not_null (memdir);
  cleanup_free char *want_pids = xasprintf ("/sys/fs/cgroup/pids/%s", path);
  cr_expect_str_eq (pidsdir, want_pids);
  cleanup_free char *lim = read_in (memdir, "memory.limit_in_bytes");
  cr_expect_str_eq (lim, "67108864");
  cleanup_free char *pmax = read_in (pidsdir, "pids.max");
  cr_expect_str_eq (pmax, "20");
  cleanup_free char *quota = read_in (cpudir, "cpu.cfs_quota_us");
  cr_expect_str_eq (quota, "20000");
  cleanup_free char *shares = read_in (cpudir, "cpu.shares");
  cr_expect_str_eq (shares, "512");

  start_child ();
  cr_assert_eq (mrt_cgroup_enter (live, child, &err), 0, "%s", err ? err->msg : "");
  /* The kernel agrees the child is in it. */
  cleanup_free char *pc = xasprintf ("/proc/%d/cgroup", child);
  cleanup_free char *cgfile = NULL;
  cr_assert_eq (mrt_read_file (pc, 1 << 16, &cgfile, NULL, &err), 0);
  cleanup_free char *line = xasprintf ("pids:/%s\n", path);
  cr_expect (strstr (cgfile, line) != NULL, "%s", cgfile);

  /* Devices: the default allow list has /dev/null, not /dev/kmsg. */
  bool null_ok, kmsg_ok;
  ask_child (&null_ok, &kmsg_ok);
  cr_expect (null_ok);
  cr_expect (!kmsg_ok);

  pid_t *pids = NULL;
  size_t n = 0;
  cr_assert_eq (mrt_cgroup_pids (live, &pids, &n, &err), 0);
  cr_expect_eq (n, 1);
  cr_expect (n == 1 && pids[0] == child);
  free (pids);

  struct mrt_cgroup_stats st;
  cr_assert_eq (mrt_cgroup_stats (live, &st, &err), 0);
  cr_expect_eq (st.memory_limit, 64 << 20);
  cr_expect_eq (st.pids_current, 1);
  cr_expect_eq (st.pids_limit, 20);
  cr_expect_gt (st.memory_usage, 0);

  bool frozen = false;
  cr_assert_eq (mrt_cgroup_freeze (live, true, &err), 0, "%s", err ? err->msg : "");
  cr_assert_eq (mrt_cgroup_is_frozen (live, &frozen, &err), 0);
  cr_expect (frozen);
  cr_assert_eq (mrt_cgroup_freeze (live, false, &err), 0);
  cr_assert_eq (mrt_cgroup_is_frozen (live, &frozen, &err), 0);
  cr_expect (!frozen);
  ask_child (&null_ok, &kmsg_ok);
  cr_expect (null_ok, "child runs again after thaw");

  /* update: a new pids limit and device rules that allow /dev/kmsg. */
  struct mrt_device_cgroup_rule allow_kmsg[]
      = { { .allow = true, .type = 'c', .major = { true, 1 }, .minor = { true, 11 }, .access = (char *)"r" } };
  struct mrt_resources upd = { .pids_limit = { true, 30 }, .devices = allow_kmsg, .n_devices = 1 };
  cr_assert_eq (mrt_cgroup_update (live, &upd, &err), 0, "%s", err ? err->msg : "");
  cleanup_free char *pmax2 = read_in (pidsdir, "pids.max");
  cr_expect_str_eq (pmax2, "30");
  ask_child (&null_ok, &kmsg_ok);
  cr_expect (kmsg_ok);

  /* A paused container stays paused through a kill --all of SIGCONT. */
  cr_assert_eq (mrt_cgroup_freeze (live, true, &err), 0);
  cr_assert_eq (mrt_cgroup_kill_all (live, SIGCONT, &err), 0, "%s", err ? err->msg : "");
  cr_assert_eq (mrt_cgroup_is_frozen (live, &frozen, &err), 0);
  cr_expect (frozen);

  /* Save/restore (under another --cgroup-manager: the saved state
   * decides), then kill --all SIGKILL, which kills even a frozen cgroup,
   * and delete from the restored object. */
  cleanup_free char *saved = mrt_cgroup_save (live);
  struct mrt_cgroup *back = NULL;
  cfg.manager = MRT_CGROUP_MANAGER_DISABLED;
  cr_assert_eq (mrt_cgroup_restore (&cfg, saved, &back, &err), 0);
  cr_assert (!mrt_cgroup_is_disabled (back));
  cr_assert_eq (mrt_cgroup_kill_all (back, SIGKILL, &err), 0, "%s", err ? err->msg : "");
  int status = 0;
  cr_assert_eq (waitpid (child, &status, 0), child);
  child = -1;
  cr_expect (WIFSIGNALED (status) && WTERMSIG (status) == SIGKILL);
  cr_expect_eq (mrt_cgroup_destroy (back, &err), 0, "%s", err ? err->msg : "");
  mrt_cgroup_free (back);
  cleanup_free char *top = xasprintf ("/sys/fs/cgroup/pids/minirt-test/unit-cg-%d", getpid ());
  cr_expect (access (pidsdir, F_OK) < 0);
  cr_expect (access (memdir, F_OK) < 0);
  cr_expect (access (top, F_OK) < 0);
  mrt_cgroup_free (live);
  live = NULL;
}

Test (cgroups_real, v1_refused_write_leaves_nothing)
{
  if (!have_v1_tree ())
    cr_skip_test ("no cgroup v1 hierarchies");
  cleanup_free char *path = xasprintf ("minirt-test/unit-cg-%d/bad", getpid ());
  struct mrt_cpu cpu = { .quota = { true, 500 } }; /* below the 1ms minimum */
  struct mrt_resources res = { .cpu = &cpu };
  struct mrt_cgroup_config cfg = { .id = "bad", .cgroups_path = path };
  mrt_error_t err = NULL;
  cr_assert_lt (mrt_cgroup_create (&cfg, &res, &live, &err), 0);
  cr_expect_str_eq (err->msg, "linux.resources.cpu.quota: write cpu.cfs_quota_us: Invalid argument");
  mrt_error_free (&err);
  cleanup_free char *cpu_dir = xasprintf ("/sys/fs/cgroup/cpu/minirt-test/unit-cg-%d", getpid ());
  cleanup_free char *pids_dir = xasprintf ("/sys/fs/cgroup/pids/minirt-test/unit-cg-%d", getpid ());
  cr_expect (access (cpu_dir, F_OK) < 0);
  cr_expect (access (pids_dir, F_OK) < 0);
}

/* cgroup v2 on the real cgroup2 mount of this hybrid machine (no
 * controllers, but freeze, kill and the BPF device filter need none):
 * told it is mounted at /sys/fs/cgroup, remapped to the real mount. */
Test (cgroups_real, v2_unified_devices_freeze_kill)
{
  if (geteuid () != 0 || access ("/sys/fs/cgroup/unified/cgroup.procs", F_OK) < 0)
    cr_skip_test ("no cgroup2 mount at /sys/fs/cgroup/unified");
  char mi[] = "/tmp/minirt-cg-mi.XXXXXX";
  int fd = mkstemp (mi);
  cr_assert_geq (fd, 0);
  const char *line = "41 23 0:38 / /sys/fs/cgroup rw - cgroup2 cgroup2 rw\n";
  cr_assert_eq (write (fd, line, strlen (line)), (ssize_t)strlen (line));
  close (fd);
  cleanup_free char *path = xasprintf ("minirt-test/unit-cg-%d/v2", getpid ());
  struct mrt_cgroup_config cfg
      = { .id = "v2", .cgroups_path = path, .sysfs_root = "/sys/fs/cgroup/unified", .proc_self_mountinfo = mi };
  mrt_error_t err = NULL;
  int r = mrt_cgroup_create (&cfg, NULL, &live, &err);
  unlink (mi);
  cr_assert_eq (r, 0, "%s", err ? err->msg : "");
  cr_assert (mrt_cgroup_is_v2 (live));
  cr_assert (!live->fake);
  const char *dir = mrt_cgroup_path (live, "");
  cleanup_free char *want = xasprintf ("/sys/fs/cgroup/unified/%s", path);
  cr_expect_str_eq (dir, want);

  start_child ();
  cr_assert_eq (mrt_cgroup_enter (live, child, &err), 0, "%s", err ? err->msg : "");
  bool null_ok, kmsg_ok;
  ask_child (&null_ok, &kmsg_ok);
  cr_expect (null_ok, "/dev/null is in the default allow list");
  cr_expect (!kmsg_ok, "/dev/kmsg is not");

  /* update replaces the program: now kmsg is allowed for reading. */
  struct mrt_device_cgroup_rule allow_kmsg[]
      = { { .allow = true, .type = 'c', .major = { true, 1 }, .minor = { true, 11 }, .access = (char *)"r" } };
  struct mrt_resources upd = { .devices = allow_kmsg, .n_devices = 1 };
  cr_assert_eq (mrt_cgroup_update (live, &upd, &err), 0, "%s", err ? err->msg : "");
  ask_child (&null_ok, &kmsg_ok);
  cr_expect (kmsg_ok);
  cr_expect (null_ok);

  pid_t *pids = NULL;
  size_t n = 0;
  cr_assert_eq (mrt_cgroup_pids (live, &pids, &n, &err), 0);
  cr_expect (n == 1 && pids[0] == child);
  free (pids);

  /* Not SIGKILL: freeze, signal each pid, thaw. */
  cr_assert_eq (mrt_cgroup_kill_all (live, SIGSTOP, &err), 0, "%s", err ? err->msg : "");
  cleanup_free char *statf = xasprintf ("/proc/%d/stat", child);
  char state = '?';
  for (int i = 0; i < 100 && state != 'T'; i++)
    {
      cleanup_free char *st = NULL;
      cr_assert_eq (mrt_read_file (statf, 4096, &st, NULL, &err), 0);
      state = strrchr (st, ')')[2];
      if (state != 'T')
        usleep (10000);
    }
  cr_expect_eq (state, 'T', "child state %c after SIGSTOP", state);
  cr_assert_eq (mrt_cgroup_kill_all (live, SIGCONT, &err), 0, "%s", err ? err->msg : "");
  ask_child (&null_ok, &kmsg_ok);
  cr_expect (null_ok, "child runs again after SIGCONT");

  bool frozen = false;
  cr_assert_eq (mrt_cgroup_freeze (live, true, &err), 0, "%s", err ? err->msg : "");
  cr_assert_eq (mrt_cgroup_is_frozen (live, &frozen, &err), 0);
  cr_expect (frozen);
  cr_assert_eq (mrt_cgroup_freeze (live, false, &err), 0, "%s", err ? err->msg : "");
  cr_assert_eq (mrt_cgroup_is_frozen (live, &frozen, &err), 0);
  cr_expect (!frozen);

  cr_assert_eq (mrt_cgroup_freeze (live, true, &err), 0);
  cr_assert_eq (mrt_cgroup_kill_all (live, SIGKILL, &err), 0, "%s", err ? err->msg : "");
  int status = 0;
  cr_assert_eq (waitpid (child, &status, 0), child);
  child = -1;
  cr_expect (WIFSIGNALED (status) && WTERMSIG (status) == SIGKILL);
  cr_expect_eq (mrt_cgroup_destroy (live, &err), 0, "%s", err ? err->msg : "");
  cleanup_free char *top = xasprintf ("/sys/fs/cgroup/unified/minirt-test/unit-cg-%d", getpid ());
  cr_expect (access (top, F_OK) < 0);
  mrt_cgroup_free (live);
  live = NULL;
}
