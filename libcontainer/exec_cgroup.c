/* SPDX-License-Identifier: Apache-2.0 */
/* exec's cgroup: the container's, or with --cgroup an existing sub-cgroup
 * of it, per controller on v1 (runc's getSubCgroupPaths/addIntoCgroup). */
#include <errno.h>
#include <string.h>

#include "cgroups_internal.h"
#include "exec.h"
#include "utils.h"

void
mrt_exec_subcgroups_free (struct mrt_exec_subcgroup *v, size_t n)
{
  for (size_t i = 0; i < n; i++)
    {
      free (v[i].ctrl);
      free (v[i].path);
    }
  free (v);
}

/* A path below the container's cgroup: relative, no "..", no empty name. */
static int
check_sub_path (const char *arg, const char *path, mrt_error_t *err)
{
  if (*path == '\0' || *path == '/')
    return mrt_error_make (err, 0, "--cgroup: \"%s\": the path must be relative to the container's cgroup", arg);
  cleanup_free char *copy = xstrdup (path);
  char *save = NULL;
  for (char *c = strtok_r (copy, "/", &save); c; c = strtok_r (NULL, "/", &save))
    if (strcmp (c, "..") == 0)
      return mrt_error_make (err, 0, "--cgroup: \"%s\": the path must stay below the container's cgroup", arg);
  return 0;
}

int
mrt_exec_subcgroups_parse (const char *const *args, size_t n, struct mrt_exec_subcgroup **out, size_t *n_out,
                           mrt_error_t *err)
{
  struct mrt_exec_subcgroup *v = NULL;
  size_t len = 0;
  *out = NULL;
  *n_out = 0;
  for (size_t i = 0; i < n; i++)
    {
      const char *arg = args[i];
      const char *colon = strchr (arg, ':');
      const char *path = colon ? colon + 1 : arg;
      if (colon && strchr (path, ':'))
        {
          mrt_error_make (err, 0, "--cgroup: invalid argument \"%s\" (expected [CONTROLLER[,CONTROLLER]:]PATH)", arg);
          goto fail;
        }
      if (check_sub_path (arg, path, err) < 0)
        goto fail;
      if (colon == NULL)
        {
          if (n != 1)
            {
              mrt_error_make (err, 0, "--cgroup: \"%s\": missing <controller>: prefix (several --cgroup given)", arg);
              goto fail;
            }
          v = xrealloc (v, (len + 1) * sizeof (*v));
          v[len].ctrl = xstrdup ("");
          v[len++].path = xstrdup (path);
          continue;
        }
      cleanup_free char *ctrls = xstrndup (arg, (size_t)(colon - arg));
      char *save = NULL;
      if (*ctrls == '\0' || ctrls[strlen (ctrls) - 1] == ',' || *ctrls == ',' || strstr (ctrls, ",,"))
        {
          mrt_error_make (err, 0, "--cgroup: \"%s\": empty <controller> prefix", arg);
          goto fail;
        }
      for (char *c = strtok_r (ctrls, ",", &save); c; c = strtok_r (NULL, ",", &save))
        {
          for (size_t j = 0; j < len; j++)
            if (strcmp (v[j].ctrl, c) == 0)
              {
                mrt_error_make (err, 0, "--cgroup: controller \"%s\" given more than once", c);
                goto fail;
              }
          v = xrealloc (v, (len + 1) * sizeof (*v));
          v[len].ctrl = xstrdup (c);
          v[len++].path = xstrdup (path);
        }
    }
  *out = v;
  *n_out = len;
  return 0;
fail:
  mrt_exec_subcgroups_free (v, len);
  return -1;
}

static const char *
sub_for (const struct mrt_cg_hier *h, const struct mrt_exec_subcgroup *subs, size_t n)
{
  for (size_t i = 0; i < n; i++)
    if (subs[i].ctrl[0] == '\0' || (h->ctrls[0] && mrt_cg_has_ctrl (h->ctrls, subs[i].ctrl)))
      return subs[i].path;
  return NULL;
}

int
mrt_exec_cgroup_join_open (struct mrt_cgroup *cg, const struct mrt_exec_subcgroup *subs, size_t n,
                           struct mrt_cgroup_join *j, mrt_error_t *err)
{
  mrt_cgroup_join_init (j);
  if (n == 0)
    return mrt_cgroup_join_open (cg, j, err);
  if (mrt_cgroup_is_disabled (cg))
    return mrt_error_make (err, 0, "--cgroup: the container has no cgroup");
  if (cg->v2)
    {
      /* One hierarchy: the controller names only have to agree on a path. */
      for (size_t i = 1; i < n; i++)
        if (strcmp (subs[i].path, subs[0].path) != 0)
          return mrt_error_make (err, 0, "--cgroup: cgroup v2 has one hierarchy: \"%s\" and \"%s\" differ",
                                 subs[0].path, subs[i].path);
    }
  else
    for (size_t i = 0; i < n; i++)
      {
        if (subs[i].ctrl[0] == '\0')
          continue;
        bool found = false;
        for (size_t k = 0; k < cg->n_h && !found; k++)
          found = cg->h[k].ctrls[0] && mrt_cg_has_ctrl (cg->h[k].ctrls, subs[i].ctrl);
        if (!found)
          return mrt_error_make (err, 0, "--cgroup: no cgroup hierarchy has the controller \"%s\"", subs[i].ctrl);
      }
  char **dirs = xmalloc0 ((cg->n_h + 1) * sizeof (*dirs));
  for (size_t i = 0; i < cg->n_h; i++)
    {
      const char *sub = cg->v2 ? subs[0].path : sub_for (&cg->h[i], subs, n);
      dirs[i] = sub ? xasprintf ("%s/%s", cg->h[i].path, sub) : NULL;
    }
  int r = mrt_cgroup_join_open_dirs (cg, (const char *const *)dirs, "--cgroup: join", j, err);
  for (size_t i = 0; i < cg->n_h; i++)
    free (dirs[i]);
  free (dirs);
  return r;
}
