/* SPDX-License-Identifier: Apache-2.0 */
/* The container's cgroup path from linux.cgroupsPath: the cgroupfs form
 * (relative or absolute, cleaned, ".." refused) and the systemd
 * "slice:prefix:name" form with its slice expansion and the check that
 * systemd runs. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cgroups_internal.h"
#include "utils.h"

int
mrt_cg_expand_slice (const char *slice, char **out, mrt_error_t *err)
{
  size_t len = strlen (slice);
  const char *suffix = ".slice";
  if (len < 6 || strcmp (slice + len - 6, suffix) != 0 || strchr (slice, '/'))
    return mrt_error_make (err, 0, "invalid slice name \"%s\"", slice);
  if (strcmp (slice, "-.slice") == 0)
    {
      *out = xstrdup ("");
      return 0;
    }
  cleanup_free char *name = xstrndup (slice, len - 6);
  cleanup_free char *path = xstrdup ("");
  for (char *p = name;; p++)
    {
      if (*p != '-' && *p != '\0')
        continue;
      if (p == name || p[-1] == '-' || (*p == '\0' && p[-1] == '-'))
        return mrt_error_make (err, 0, "invalid slice name \"%s\"", slice);
      char saved = *p;
      *p = '\0';
      char *n = xasprintf ("%s/%s.slice", path, name);
      free (path);
      path = n;
      *p = saved;
      if (saved == '\0')
        break;
    }
  *out = steal_pointer (&path);
  return 0;
}

static int
systemd_path (const struct mrt_cgroup_config *cfg, char **out, mrt_error_t *err)
{
  const char *run = cfg->systemd_run_dir ? cfg->systemd_run_dir : "/run/systemd/system";
  struct stat st;
  const char *p = cfg->cgroups_path;
  cleanup_free char *dflt = NULL;
  if (p == NULL || *p == '\0')
    p = dflt = xasprintf ("system.slice:minirt:%s", cfg->id);
  cleanup_free char *copy = xstrdup (p);
  char *c1 = strchr (copy, ':');
  char *c2 = c1 ? strchr (c1 + 1, ':') : NULL;
  if (c2 == NULL || strchr (c2 + 1, ':'))
    return mrt_error_make (
        err, 0, "linux.cgroupsPath: \"%s\": expected \"slice:prefix:name\" with the systemd cgroup driver", p);
  *c1 = *c2 = '\0';
  const char *slice = *copy ? copy : "system.slice", *prefix = c1 + 1, *name = c2 + 1;
  if (*name == '\0')
    name = cfg->id;
  cleanup_free char *spath = NULL;
  if (mrt_cg_expand_slice (slice, &spath, err) < 0)
    return mrt_error_prefix (err, "linux.cgroupsPath");
  size_t nlen = strlen (name);
  if (nlen > 6 && strcmp (name + nlen - 6, ".slice") == 0)
    {
      cleanup_free char *npath = NULL;
      if (mrt_cg_expand_slice (name, &npath, err) < 0)
        return mrt_error_prefix (err, "linux.cgroupsPath");
      *out = xasprintf ("%s", npath);
    }
  else
    *out = xasprintf ("%s/%s%s%s.scope", spath, prefix, *prefix ? "-" : "", name);
  /* Checked after the format, so that a bad path is reported as such. */
  if (stat (run, &st) < 0 || !S_ISDIR (st.st_mode))
    {
      free (*out);
      *out = NULL;
      return mrt_error_make (err, 0,
                             "linux.cgroupsPath \"%s\": systemd cgroup driver: systemd is not running (no %s); "
                             "use --cgroup-manager cgroupfs",
                             p, run);
    }
  return 0;
}

/* Clean a cgroup path: collapse "//" and "/./", drop a trailing "/",
 * refuse "..", keep a leading "/". */
static int
clean_path (const char *in, char **out, mrt_error_t *err)
{
  cleanup_free char *copy = xstrdup (in);
  char *res = xstrdup (in[0] == '/' ? "/" : "");
  char *save = NULL;
  for (char *tok = strtok_r (copy, "/", &save); tok; tok = strtok_r (NULL, "/", &save))
    {
      if (strcmp (tok, ".") == 0)
        continue;
      if (strcmp (tok, "..") == 0)
        {
          free (res);
          return mrt_error_make (err, EINVAL, "linux.cgroupsPath: \"%s\": \"..\" is not allowed", in);
        }
      size_t len = strlen (res);
      char *n = xasprintf ("%s%s%s", res, (len == 0 || res[len - 1] == '/') ? "" : "/", tok);
      free (res);
      res = n;
    }
  *out = res;
  return 0;
}

int
mrt_cg_cgroup_path (const struct mrt_cgroup_config *cfg, char **out, bool *relative, mrt_error_t *err)
{
  cleanup_free char *raw = NULL;
  if (cfg->manager == MRT_CGROUP_MANAGER_SYSTEMD)
    {
      if (systemd_path (cfg, &raw, err) < 0)
        return -1;
      *relative = false;
    }
  else
    {
      const char *p = cfg->cgroups_path;
      if (p == NULL || *p == '\0')
        p = cfg->id;
      if (p == NULL || *p == '\0')
        return mrt_error_make (err, EINVAL, "cgroups: no cgroupsPath and no container id");
      raw = xstrdup (p);
      *relative = raw[0] != '/';
    }
  if (clean_path (raw, out, err) < 0)
    return -1;
  if (**out == '\0' || strcmp (*out, "/") == 0)
    {
      free (*out);
      *out = NULL;
      return mrt_error_make (err, EINVAL, "linux.cgroupsPath: \"%s\": the cgroup would be a hierarchy root", raw);
    }
  return 0;
}
