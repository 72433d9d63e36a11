/* SPDX-License-Identifier: Apache-2.0 */
/* exec --cgroup on a fake v1 tree in a temp dir: which directory of each
 * hierarchy the new process joins. */
#include <criterion/criterion.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cgroups.h"
#include "exec.h"
#include "utils.h"

#include "fake_tree.h"

static const char *const hierarchies[] = { "cpu,cpuacct", "memory", "pids" };

static void
setup (void)
{
  snprintf (tmp, sizeof (tmp), "/tmp/minirt-exec-cg-unit.XXXXXX");
  cr_assert_not_null (mkdtemp (tmp));
  cleanup_free char *mi = xstrdup ("");
  cleanup_free char *pc = xstrdup ("");
  for (size_t i = 0; i < ARRAY_SIZE (hierarchies); i++)
    {
      char *n = xasprintf ("%s%zu 31 0:%zu / /sys/fs/cgroup/%s rw - cgroup cgroup rw,%s\n", mi, 30 + i, 30 + i,
                           hierarchies[i], hierarchies[i]);
      free (mi);
      mi = n;
      n = xasprintf ("%s%zu:%s:/\n", pc, 5 - i, hierarchies[i]);
      free (pc);
      pc = n;
      cleanup_free char *tasks = xasprintf ("sys/%s/tasks", hierarchies[i]);
      put (tasks, "");
    }
  put ("mountinfo", mi);
  put ("cgroup", pc);
}

static int
remove_one (const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
  (void)st, (void)flag, (void)ftw;
  return remove (path);
}

static void
teardown (void)
{
  cr_expect_eq (nftw (tmp, remove_one, 16, FTW_DEPTH | FTW_PHYS), 0);
}

static struct mrt_cgroup *
container_cgroup (void)
{
  static char sys[300], mi[300], pc[300], sd[300];
  snprintf (sys, sizeof (sys), "%s/sys", tmp);
  snprintf (mi, sizeof (mi), "%s/mountinfo", tmp);
  snprintf (pc, sizeof (pc), "%s/cgroup", tmp);
  snprintf (sd, sizeof (sd), "%s/no-systemd", tmp);
  struct mrt_cgroup_config cfg = { .id = "c1",
                                   .cgroups_path = "t/c1",
                                   .sysfs_root = sys,
                                   .proc_self_cgroup = pc,
                                   .proc_self_mountinfo = mi,
                                   .systemd_run_dir = sd };
  struct mrt_cgroup *cg = NULL;
  mrt_error_t err = NULL;
  cr_assert_eq (mrt_cgroup_create (&cfg, NULL, &cg, &err), 0, "%s", err ? err->msg : "");
  return cg;
}

TestSuite (exec_cgroup, .init = setup, .fini = teardown);

/* The directory the join of hierarchy `h` (its mount name) goes to. */
static const char *
joined_dir (const struct mrt_cgroup_join *j, const char *h)
{
  cleanup_free char *needle = xasprintf ("/sys/%s/", h);
  for (size_t i = 0; i < j->n_tasks; i++)
    if (strstr (j->paths[i], needle))
      return j->paths[i];
  return NULL;
}

static void
expect_dir (const struct mrt_cgroup_join *j, const char *h, const char *rel)
{
  cleanup_free char *want = xasprintf ("%s/sys/%s/%s", tmp, h, rel);
  const char *got = joined_dir (j, h);
  cr_assert_not_null (got, "%s not joined", h);
  cr_expect_str_eq (got, want);
}

Test (exec_cgroup, one_controller_to_its_sub_cgroup_the_rest_to_the_container)
{
  struct mrt_cgroup *cg = container_cgroup ();
  put ("sys/pids/t/c1/sub/tasks", "");
  put ("sys/cpu,cpuacct/t/c1/sub/tasks", "");
  struct mrt_exec_subcgroup *subs = NULL;
  struct mrt_cgroup_join j;
  size_t n = 0;
  mrt_error_t err = NULL;

  const char *pids[] = { "pids:sub" };
  cr_assert_eq (mrt_exec_subcgroups_parse (pids, 1, &subs, &n, &err), 0);
  cr_assert_eq (mrt_exec_cgroup_join_open (cg, subs, n, &j, &err), 0, "%s", err ? err->msg : "");
  cr_expect_eq (j.n_tasks, 3);
  expect_dir (&j, "pids", "t/c1/sub");
  expect_dir (&j, "memory", "t/c1");
  expect_dir (&j, "cpu,cpuacct", "t/c1");
  mrt_cgroup_join_close (&j);
  mrt_exec_subcgroups_free (subs, n);

  /* cpuacct names the hierarchy it shares with cpu. */
  const char *acct[] = { "cpuacct:sub" };
  cr_assert_eq (mrt_exec_subcgroups_parse (acct, 1, &subs, &n, &err), 0);
  cr_assert_eq (mrt_exec_cgroup_join_open (cg, subs, n, &j, &err), 0, "%s", err ? err->msg : "");
  expect_dir (&j, "cpu,cpuacct", "t/c1/sub");
  expect_dir (&j, "pids", "t/c1");
  mrt_cgroup_join_close (&j);
  mrt_exec_subcgroups_free (subs, n);

  /* No prefix: every hierarchy. */
  put ("sys/memory/t/c1/sub/tasks", "");
  const char *all[] = { "sub" };
  cr_assert_eq (mrt_exec_subcgroups_parse (all, 1, &subs, &n, &err), 0);
  cr_assert_eq (mrt_exec_cgroup_join_open (cg, subs, n, &j, &err), 0, "%s", err ? err->msg : "");
  expect_dir (&j, "memory", "t/c1/sub");
  expect_dir (&j, "pids", "t/c1/sub");
  mrt_cgroup_join_close (&j);
  mrt_exec_subcgroups_free (subs, n);
  mrt_cgroup_free (cg);
}

Test (exec_cgroup, missing_sub_cgroup_and_unknown_controller_are_errors)
{
  struct mrt_cgroup *cg = container_cgroup ();
  struct mrt_exec_subcgroup *subs = NULL;
  struct mrt_cgroup_join j;
  size_t n = 0;
  mrt_error_t err = NULL;
  const char *missing[] = { "nosuch" };
  cr_assert_eq (mrt_exec_subcgroups_parse (missing, 1, &subs, &n, &err), 0);
  cr_expect_lt (mrt_exec_cgroup_join_open (cg, subs, n, &j, &err), 0);
  cr_assert_not_null (err);
  cr_expect (strstr (err->msg, "--cgroup: join") && strstr (err->msg, "nosuch"), "%s", err->msg);
  mrt_error_free (&err);
  mrt_cgroup_join_close (&j);
  mrt_exec_subcgroups_free (subs, n);

  const char *unknown[] = { "blkio:sub" };
  cr_assert_eq (mrt_exec_subcgroups_parse (unknown, 1, &subs, &n, &err), 0);
  cr_expect_lt (mrt_exec_cgroup_join_open (cg, subs, n, &j, &err), 0);
  cr_assert_not_null (err);
  cr_expect_str_eq (err->msg, "--cgroup: no cgroup hierarchy has the controller \"blkio\"");
  mrt_error_free (&err);
  mrt_cgroup_join_close (&j);
  mrt_exec_subcgroups_free (subs, n);
  mrt_cgroup_free (cg);
}
