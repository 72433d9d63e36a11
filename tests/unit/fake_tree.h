/* SPDX-License-Identifier: Apache-2.0 */
#ifndef MINIRT_TEST_FAKE_TREE_H
#define MINIRT_TEST_FAKE_TREE_H

/* A fake cgroup (or /proc) tree in a temp dir for the unit tests: `tmp` is
 * its root, made by each suite's setup; every path here is relative to it. */

#include <criterion/criterion.h>
#include <dirent.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cgroups.h"
#include "utils.h"

static char tmp[256];

/* Create `rel` (and its directories) holding `content`. */
static inline void
put (const char *rel, const char *content)
{
  char path[512];
  snprintf (path, sizeof (path), "%s/%s", tmp, rel);
  char *slash = strrchr (path, '/');
  *slash = '\0';
  mrt_error_t err = NULL;
  cr_assert_eq (mrt_mkdir_p (path, 0755, &err), 0);
  *slash = '/';
  FILE *f = fopen (path, "w");
  cr_assert_not_null (f, "create %s", path);
  fputs (content, f);
  fclose (f);
}

/* The content of `rel` (to free), or NULL when missing. */
static inline char *
get (const char *rel)
{
  char path[512];
  snprintf (path, sizeof (path), "%s/%s", tmp, rel);
  char *buf = NULL;
  mrt_error_t err = NULL;
  if (mrt_read_file (path, 1 << 20, &buf, NULL, &err) < 0)
    {
      mrt_error_free (&err);
      return NULL;
    }
  return buf;
}

static inline bool
exists (const char *rel)
{
  char path[512];
  snprintf (path, sizeof (path), "%s/%s", tmp, rel);
  return access (path, F_OK) == 0;
}

#define expect_file(rel, want)                                                                                         \
  do                                                                                                                   \
    {                                                                                                                  \
      cleanup_free char *_got = get (rel);                                                                             \
      cr_assert_not_null (_got, "%s missing", rel);                                                                    \
      cr_expect_str_eq (_got, want, "%s: got \"%s\", want \"%s\"", rel, _got, want);                                   \
    }                                                                                                                  \
  while (0)

#define expect_contains(rel, want)                                                                                     \
  do                                                                                                                   \
    {                                                                                                                  \
      cleanup_free char *_got = get (rel);                                                                             \
      cr_assert_not_null (_got, "%s missing", rel);                                                                    \
      cr_expect (strstr (_got, want) != NULL, "%s: \"%s\" lacks \"%s\"", rel, _got, want);                             \
    }                                                                                                                  \
  while (0)

static inline void
rm_rf (const char *path)
{
  DIR *d = opendir (path);
  if (d)
    {
      struct dirent *de;
      while ((de = readdir (d)))
        {
          if (strcmp (de->d_name, ".") == 0 || strcmp (de->d_name, "..") == 0)
            continue;
          cleanup_free char *sub = xasprintf ("%s/%s", path, de->d_name);
          if (de->d_type == DT_DIR)
            rm_rf (sub);
          else
            unlink (sub);
        }
      closedir (d);
    }
  rmdir (path);
}

/* The cgroup config that reads the fake tree instead of the machine's. */
static inline struct mrt_cgroup_config
config (const char *id, const char *path)
{
  static char sys[300], mi[300], pc[300], sd[300];
  snprintf (sys, sizeof (sys), "%s/sys", tmp);
  snprintf (mi, sizeof (mi), "%s/mountinfo", tmp);
  snprintf (pc, sizeof (pc), "%s/cgroup", tmp);
  snprintf (sd, sizeof (sd), "%s/no-systemd", tmp);
  return (struct mrt_cgroup_config){ .id = id,
                                     .cgroups_path = path,
                                     .sysfs_root = sys,
                                     .proc_self_cgroup = pc,
                                     .proc_self_mountinfo = mi,
                                     .systemd_run_dir = sd };
}

/* A pure v2 tree; we live in /user.slice/me. */
static inline void
fake_v2 (void)
{
  put ("mountinfo", "20 1 0:20 / / rw - ext4 /dev/sda rw\n"
                    "41 23 0:38 / /sys/fs/cgroup rw,nosuid - cgroup2 cgroup2 rw,nsdelegate\n");
  put ("cgroup", "0::/user.slice/me\n");
  put ("sys/cgroup.controllers", "cpuset cpu io memory hugetlb pids rdma misc\n");
  put ("sys/cgroup.subtree_control", "cpu memory pids\n");
  put ("sys/user.slice/me/cgroup.controllers", "cpu memory pids io\n");
  put ("sys/user.slice/me/cgroup.subtree_control", "");
}

#endif
