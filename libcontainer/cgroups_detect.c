/* SPDX-License-Identifier: Apache-2.0 */
/* Cgroups detection: which hierarchies are mounted (v1, v2 or hybrid)
 * and where the caller's own cgroup is in each.
 *
 * Layout: /proc/self/mountinfo gives the cgroup mounts (a cgroup2 mount at
 * the sysfs root means pure v2; v1 mounts plus a cgroup2 one is hybrid,
 * managed through v1 like runc does).  /proc/self/cgroup gives our own
 * cgroup in each hierarchy: a relative cgroupsPath (and an empty one, the
 * container ID) nests under it, an absolute one is taken as is. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cgroups_internal.h"
#include "utils.h"

#define DEFAULT_SYSFS "/sys/fs/cgroup"

static const char *const known_ctrls[] = {
  "cpu",  "cpuacct", "cpuset",   "memory",  "devices",    "freezer", "blkio",
  "pids", "net_cls", "net_prio", "hugetlb", "perf_event", "rdma",    "misc",
};

static bool
is_ctrl_option (const char *opt)
{
  if (strncmp (opt, "name=", 5) == 0)
    return true;
  for (size_t i = 0; i < ARRAY_SIZE (known_ctrls); i++)
    if (strcmp (opt, known_ctrls[i]) == 0)
      return true;
  return false;
}

/* mountinfo escapes space, tab, newline and backslash as \ooo. */
static void
unescape_octal (char *s)
{
  char *w = s;
  for (char *r = s; *r; r++)
    {
      if (r[0] == '\\' && r[1] >= '0' && r[1] <= '3' && r[2] >= '0' && r[2] <= '7' && r[3] >= '0' && r[3] <= '7')
        {
          *w++ = (char)((r[1] - '0') * 64 + (r[2] - '0') * 8 + (r[3] - '0'));
          r += 3;
        }
      else
        *w++ = *r;
    }
  *w = '\0';
}

static char *
ctrls_from_options (const char *opts)
{
  cleanup_free char *copy = xstrdup (opts);
  cleanup_free char *out = xstrdup ("");
  char *save = NULL;
  for (char *tok = strtok_r (copy, ",", &save); tok; tok = strtok_r (NULL, ",", &save))
    {
      if (!is_ctrl_option (tok))
        continue;
      char *n = xasprintf ("%s%s%s", out, *out ? "," : "", tok);
      free (out);
      out = n;
    }
  return steal_pointer (&out);
}

/* Mount points under /sys/fs/cgroup move under cfg->sysfs_root (tests). */
static char *
remap_mount (const struct mrt_cgroup_config *cfg, const char *mnt)
{
  size_t dlen = strlen (DEFAULT_SYSFS);
  if (cfg->sysfs_root && strncmp (mnt, DEFAULT_SYSFS, dlen) == 0 && (mnt[dlen] == '/' || mnt[dlen] == '\0'))
    return xasprintf ("%s%s", cfg->sysfs_root, mnt + dlen);
  return xstrdup (mnt);
}

static bool
under_sysfs (const char *mnt)
{
  size_t dlen = strlen (DEFAULT_SYSFS);
  return strncmp (mnt, DEFAULT_SYSFS, dlen) == 0 && (mnt[dlen] == '/' || mnt[dlen] == '\0');
}

void
mrt_cg_layout_clear (struct mrt_cg_layout *l)
{
  for (size_t i = 0; i < l->n_m; i++)
    {
      free (l->m[i].ctrls);
      free (l->m[i].mount);
      free (l->m[i].root);
      free (l->m[i].own);
    }
  free (l->m);
  memset (l, 0, sizeof (*l));
}

static void
layout_add (struct mrt_cg_layout *l, const struct mrt_cgroup_config *cfg, const char *ctrls, const char *mnt,
            const char *root)
{
  for (size_t i = 0; i < l->n_m; i++)
    if (strcmp (l->m[i].ctrls, ctrls) == 0)
      {
        /* The same hierarchy mounted twice: keep the one in /sys/fs/cgroup. */
        if (!under_sysfs (mnt))
          return;
        free (l->m[i].mount);
        free (l->m[i].root);
        l->m[i].mount = remap_mount (cfg, mnt);
        l->m[i].root = xstrdup (root);
        return;
      }
  l->m = xrealloc (l->m, (l->n_m + 1) * sizeof (*l->m));
  l->m[l->n_m++]
      = (struct mrt_cg_mount){ .ctrls = xstrdup (ctrls), .mount = remap_mount (cfg, mnt), .root = xstrdup (root) };
}

static int
parse_mountinfo (const struct mrt_cgroup_config *cfg, struct mrt_cg_layout *v1, struct mrt_cg_layout *v2,
                 mrt_error_t *err)
{
  const char *file = cfg->proc_self_mountinfo ? cfg->proc_self_mountinfo : "/proc/self/mountinfo";
  cleanup_free char *buf = NULL;
  if (mrt_read_file (file, 16 << 20, &buf, NULL, err) < 0)
    return -1;
  for (char *line = buf; line && *line;)
    {
      char *nl = strchr (line, '\n');
      if (nl)
        *nl = '\0';
      /* id parent maj:min root mountpoint opts [optional...] - type source superopts */
      char *sep = strstr (line, " - ");
      char *f[5] = { 0 };
      char *save = NULL;
      if (sep)
        {
          *sep = '\0';
          char *p = line;
          for (int i = 0; i < 5 && p; i++)
            f[i] = strtok_r (i == 0 ? p : NULL, " ", &save);
          save = NULL;
          char *type = strtok_r (sep + 3, " ", &save);
          strtok_r (NULL, " ", &save); /* source */
          char *super = strtok_r (NULL, " ", &save);
          if (f[4] && type && super)
            {
              unescape_octal (f[3]);
              unescape_octal (f[4]);
              if (strcmp (type, "cgroup2") == 0)
                layout_add (v2, cfg, "", f[4], f[3]);
              else if (strcmp (type, "cgroup") == 0)
                {
                  cleanup_free char *ctrls = ctrls_from_options (super);
                  if (*ctrls)
                    layout_add (v1, cfg, ctrls, f[4], f[3]);
                }
            }
        }
      line = nl ? nl + 1 : NULL;
    }
  return 0;
}

static char *
first_ctrl (const char *ctrls)
{
  return xstrndup (ctrls, strchrnul (ctrls, ',') - ctrls);
}

/* Our own cgroup in each hierarchy, from /proc/self/cgroup. */
static int
fill_own (const struct mrt_cgroup_config *cfg, struct mrt_cg_layout *l, mrt_error_t *err)
{
  const char *file = cfg->proc_self_cgroup ? cfg->proc_self_cgroup : "/proc/self/cgroup";
  cleanup_free char *buf = NULL;
  if (mrt_read_file (file, 1 << 20, &buf, NULL, err) < 0)
    return -1;
  for (char *line = buf; line && *line;)
    {
      char *nl = strchr (line, '\n');
      if (nl)
        *nl = '\0';
      char *c1 = strchr (line, ':');
      char *c2 = c1 ? strchr (c1 + 1, ':') : NULL;
      if (c2)
        {
          *c2 = '\0';
          const char *ctrls = c1 + 1, *path = c2 + 1;
          for (size_t i = 0; i < l->n_m; i++)
            {
              struct mrt_cg_mount *m = &l->m[i];
              if (m->own)
                continue;
              bool match;
              if (*m->ctrls == '\0') /* v2, or the cgroup2 mount of a hybrid */
                match = *ctrls == '\0';
              else
                {
                  cleanup_free char *first = first_ctrl (m->ctrls);
                  match = *ctrls != '\0' && mrt_cg_has_ctrl (ctrls, first);
                }
              if (match)
                m->own = xstrdup (path);
            }
        }
      line = nl ? nl + 1 : NULL;
    }
  return 0;
}

int
mrt_cg_detect (const struct mrt_cgroup_config *cfg, struct mrt_cg_layout *out, mrt_error_t *err)
{
  struct mrt_cg_layout v1 = { 0 }, v2 = { 0 };
  const char *sysfs = cfg->sysfs_root ? cfg->sysfs_root : DEFAULT_SYSFS;
  memset (out, 0, sizeof (*out));
  if (parse_mountinfo (cfg, &v1, &v2, err) < 0)
    goto fail;
  bool v2_at_root = v2.n_m > 0 && strcmp (v2.m[0].mount, sysfs) == 0;
  if (v2_at_root || (v1.n_m == 0 && v2.n_m > 0))
    {
      *out = v2;
      out->v2 = true;
      memset (&v2, 0, sizeof (v2));
    }
  else if (v1.n_m > 0)
    {
      *out = v1;
      out->hybrid = v2.n_m > 0;
      memset (&v1, 0, sizeof (v1));
      /* Hybrid: like runc, the container also gets a cgroup in the
       * cgroup2 mount (no controllers; systemd and tools look there). */
      if (out->hybrid)
        {
          out->m = xrealloc (out->m, (out->n_m + 1) * sizeof (*out->m));
          out->m[out->n_m++] = v2.m[0];
          v2.n_m--;
          memmove (v2.m, v2.m + 1, v2.n_m * sizeof (*v2.m));
        }
    }
  else
    {
      mrt_error_make (err, ENOENT, "cgroups: no cgroup filesystem mounted");
      goto fail;
    }
  mrt_cg_layout_clear (&v1);
  mrt_cg_layout_clear (&v2);
  if (fill_own (cfg, out, err) < 0)
    {
      mrt_cg_layout_clear (out);
      return -1;
    }
  return 0;
fail:
  mrt_cg_layout_clear (&v1);
  mrt_cg_layout_clear (&v2);
  return -1;
}
