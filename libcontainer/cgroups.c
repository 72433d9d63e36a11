/* SPDX-License-Identifier: Apache-2.0 */
/* The cgroup object and its public API: create (or only plan) a
 * container's cgroup in every hierarchy, apply and update its limits,
 * move a process in, destroy it, and save/restore it in the state file.
 *
 * Elsewhere: detection in cgroups_detect.c, cgroupsPath in cgroups_path.c,
 * file helpers in cgroups_io.c, the processes inside (pids, freeze, kill)
 * in cgroups_procs.c, device rules in cgroups_devices.c, the resource
 * writers in cgroups_v1.c and cgroups_v2.c, the v2 device filter in
 * cgroups_bpf.c. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <linux/magic.h>
#include <time.h>
#include <unistd.h>

#include "cgroups_internal.h"
#include "minirt/rootless.h"
#include "utils.h"

/* ---- object lifetime ------------------------------------------------------ */

static struct mrt_cgroup *
cgroup_new (const struct mrt_cgroup_config *cfg)
{
  struct mrt_cgroup *cg = xmalloc0 (sizeof (*cg));
  cg->devices = cfg->devices;
  cg->n_devices = cfg->n_devices;
  cg->log = cfg->log;
  cg->disabled = cfg->manager == MRT_CGROUP_MANAGER_DISABLED;
  cg->rootless = cfg->rootless;
  return cg;
}

static void
cgroup_add (struct mrt_cgroup *cg, const char *ctrls, char *path, char *top)
{
  cg->h = xrealloc (cg->h, (cg->n_h + 1) * sizeof (*cg->h));
  cg->h[cg->n_h++] = (struct mrt_cg_hier){ .ctrls = xstrdup (ctrls), .path = path, .top = top };
}

void
mrt_cgroup_free (struct mrt_cgroup *cg)
{
  if (cg == NULL)
    return;
  for (size_t i = 0; i < cg->n_h; i++)
    {
      free (cg->h[i].ctrls);
      free (cg->h[i].path);
      free (cg->h[i].top);
    }
  free (cg->h);
  free (cg->skipped);
  free (cg);
}

bool
mrt_cgroup_is_disabled (const struct mrt_cgroup *cg)
{
  return cg == NULL || cg->disabled;
}

bool
mrt_cgroup_is_v2 (const struct mrt_cgroup *cg)
{
  return cg && cg->v2;
}

const char *
mrt_cgroup_path (const struct mrt_cgroup *cg, const char *controller)
{
  if (mrt_cgroup_is_disabled (cg))
    return NULL;
  struct mrt_cg_hier *h = mrt_cg_find (cg, controller);
  return h ? h->path : NULL;
}

/* On a hybrid host, the cgroup in the cgroup2 mount (no controllers). */
static bool
hybrid_unified (const struct mrt_cgroup *cg, const struct mrt_cg_hier *h)
{
  return !cg->v2 && h->ctrls[0] == '\0';
}

static bool
is_fake_tree (const char *dir)
{
  struct statfs sfs;
  if (statfs (dir, &sfs) < 0)
    return false;
  return sfs.f_type != CGROUP_SUPER_MAGIC && sfs.f_type != CGROUP2_SUPER_MAGIC;
}

/* ---- removal ------------------------------------------------------------ */

static int
rmdir_retry (const struct mrt_cgroup *cg, const char *dir)
{
  if (cg->fake)
    {
      /* Plain directories hold the files our writes created. */
      DIR *d = opendir (dir);
      if (d)
        {
          struct dirent *de;
          while ((de = readdir (d)))
            if (de->d_type == DT_REG)
              unlinkat (dirfd (d), de->d_name, 0);
          closedir (d);
        }
    }
  for (int i = 0;; i++)
    {
      if (rmdir (dir) == 0 || errno == ENOENT)
        return 0;
      /* A dying process can keep the cgroup busy for a moment. */
      if (errno != EBUSY || i >= 200)
        return -1;
      struct timespec ts = { 0, 10 * 1000 * 1000 };
      nanosleep (&ts, NULL);
    }
}

/* Remove dir and any sub-cgroups below it (children first). */
static int
remove_tree (const struct mrt_cgroup *cg, const char *dir, mrt_error_t *err)
{
  /* A leaf (the usual case) goes at the first rmdir; only a busy one is
   * listed for sub-cgroups (a cgroup with children is EBUSY). */
  if (!cg->fake && (rmdir (dir) == 0 || errno == ENOENT))
    return 0;
  DIR *d = opendir (dir);
  if (d == NULL)
    {
      if (errno == ENOENT)
        return 0;
      return mrt_error_sys (err, "delete cgroup `%s`", dir);
    }
  struct dirent *de;
  int ret = 0;
  while ((de = readdir (d)))
    {
      if (de->d_type != DT_DIR || strcmp (de->d_name, ".") == 0 || strcmp (de->d_name, "..") == 0)
        continue;
      cleanup_free char *sub = xasprintf ("%s/%s", dir, de->d_name);
      if (remove_tree (cg, sub, err) < 0)
        ret = -1;
    }
  closedir (d);
  if (ret < 0)
    return ret;
  if (rmdir_retry (cg, dir) < 0)
    return mrt_error_sys (err, "delete cgroup `%s`", dir);
  return 0;
}

/* Remove one hierarchy's leaf (only_created: when create() made it) and
 * then the now-empty parents create() made. */
static int
remove_hier (const struct mrt_cgroup *cg, struct mrt_cg_hier *h, bool only_created, mrt_error_t *err)
{
  if (only_created && h->top == NULL)
    return 0;
  if (remove_tree (cg, h->path, err) < 0)
    return -1;
  if (h->top == NULL)
    return 0;
  cleanup_free char *p = xstrdup (h->path);
  size_t toplen = strlen (h->top);
  for (;;)
    {
      char *slash = strrchr (p, '/');
      if (slash == NULL)
        break;
      *slash = '\0';
      if (strlen (p) < toplen || strncmp (p, h->top, toplen) != 0)
        break;
      /* Shared parents may hold other containers: stop at the first busy one. */
      if (rmdir_retry (cg, p) < 0)
        break;
    }
  return 0;
}

int
mrt_cgroup_destroy (struct mrt_cgroup *cg, mrt_error_t *err)
{
  if (mrt_cgroup_is_disabled (cg))
    return 0;
  int ret = 0;
  for (size_t i = 0; i < cg->n_h; i++)
    {
      mrt_error_t e = NULL;
      if (remove_hier (cg, &cg->h[i], false, &e) < 0 && !hybrid_unified (cg, &cg->h[i]))
        {
          if (ret == 0)
            {
              ret = -1;
              if (err && *err == NULL)
                *err = steal_pointer (&e);
            }
          mrt_error_free (&e);
        }
    }
  return ret;
}

static void
undo_create (struct mrt_cgroup *cg)
{
  for (size_t i = cg->n_h; i-- > 0;)
    {
      mrt_error_t e = NULL;
      remove_hier (cg, &cg->h[i], true, &e);
      mrt_error_free (&e);
    }
}

/* ---- create ----------------------------------------------------------------- */

/* mkdir base/rel component by component; *top gets the first one made. */
static int
mkdir_tracked (const char *base, const char *rel, char **top, mrt_error_t *err)
{
  cleanup_free char *copy = xstrdup (rel);
  cleanup_free char *cur = xstrdup (base);
  char *save = NULL;
  for (char *tok = strtok_r (copy, "/", &save); tok; tok = strtok_r (NULL, "/", &save))
    {
      char *n = xasprintf ("%s/%s", cur, tok);
      free (cur);
      cur = n;
      if (mkdir (cur, 0755) == 0)
        {
          if (*top == NULL)
            *top = xstrdup (cur);
        }
      else if (errno != EEXIST)
        return mrt_error_sys (err, "create cgroup `%s`", cur);
    }
  return 0;
}

/* What mkdir_tracked would report as *top, without making anything. */
static char *
first_missing (const char *base, const char *rel)
{
  cleanup_free char *copy = xstrdup (rel);
  cleanup_free char *cur = xstrdup (base);
  char *save = NULL;
  for (char *tok = strtok_r (copy, "/", &save); tok; tok = strtok_r (NULL, "/", &save))
    {
      char *n = xasprintf ("%s/%s", cur, tok);
      free (cur);
      cur = n;
      if (access (cur, F_OK) < 0)
        return steal_pointer (&cur);
    }
  return NULL;
}

static char *
own_dir (const struct mrt_cg_mount *m)
{
  const char *own = m->own ? m->own : "/";
  size_t rlen = strlen (m->root);
  /* The mount may show only a subtree (its root); our path is below it. */
  if (strcmp (m->root, "/") != 0 && strncmp (own, m->root, rlen) == 0 && (own[rlen] == '/' || own[rlen] == '\0'))
    own += rlen;
  while (*own == '/')
    own++;
  return *own ? xasprintf ("%s/%s", m->mount, own) : xstrdup (m->mount);
}

static int
apply (struct mrt_cgroup *cg, const struct mrt_resources *res, bool creating, mrt_error_t *err)
{
  return cg->v2 ? mrt_cg_v2_apply (cg, res, creating, err) : mrt_cg_v1_apply (cg, res, creating, err);
}

/* Rootless v1: a cgroup we could make but whose cgroup.procs we cannot
 * write (another user's existing directory) is one we cannot join. */
static int
check_joinable (const char *dir, mrt_error_t *err)
{
  cleanup_free char *procs = xasprintf ("%s/cgroup.procs", dir);
  if (faccessat (AT_FDCWD, procs, W_OK, AT_EACCESS) < 0 && errno != ENOENT)
    return mrt_error_sys (err, "join cgroup `%s`", dir);
  return 0;
}

static void
skipped_add (struct mrt_cgroup *cg, const char *ctrls)
{
  char *n = cg->skipped ? xasprintf ("%s,%s", cg->skipped, ctrls) : xstrdup (ctrls);
  free (cg->skipped);
  cg->skipped = n;
}

/* runc's needAnyControllers (fs2): limits that need a cgroup of our own.
 * Device rules are not among them: rootless skips those. */
static bool
needs_controllers (const struct mrt_resources *r)
{
  const struct mrt_memory *m = r->memory;
  const struct mrt_cpu *c = r->cpu;
  const struct mrt_block_io *b = r->block_io;
  if (m
      && ((m->limit.set && m->limit.value) || (m->reservation.set && m->reservation.value)
          || (m->swap.set && m->swap.value)))
    return true;
  if (c
      && ((c->shares.set && c->shares.value) || (c->quota.set && c->quota.value) || (c->period.set && c->period.value)
          || c->idle.set || c->burst.set || (c->cpus && *c->cpus) || (c->mems && *c->mems)))
    return true;
  if (r->pids_limit.set && r->pids_limit.value)
    return true;
  if (b
      && ((b->weight.set && b->weight.value) || b->n_weight_device || b->n_throttle_read_bps_device
          || b->n_throttle_write_bps_device || b->n_throttle_read_iops_device || b->n_throttle_write_iops_device))
    return true;
  return r->n_hugepage_limits > 0;
}

/* plan_only: fill cg with the paths and tops, make nothing.  skip_denied:
 * the rootless cgroup manager with no cgroupsPath (runc's rule). */
static int
create_dirs (struct mrt_cgroup *cg, const struct mrt_cg_layout *l, const char *path, bool relative, bool plan_only,
             bool skip_denied, mrt_error_t *err)
{
  cg->v2 = l->v2;
  for (size_t i = 0; i < l->n_m; i++)
    {
      const struct mrt_cg_mount *m = &l->m[i];
      /* A v1 hierarchy we are not in (not in /proc/self/cgroup) is unused. */
      if (!l->v2 && m->own == NULL)
        continue;
      cleanup_free char *base = relative ? own_dir (m) : xstrdup (m->mount);
      char *top = NULL;
      if (i == 0)
        cg->fake = is_fake_tree (m->mount);
      if (plan_only)
        {
          cgroup_add (cg, m->ctrls, xasprintf ("%s/%s", base, path + (path[0] == '/')), first_missing (base, path));
          continue;
        }
      if (!l->v2 && *m->ctrls == '\0')
        {
          /* The hybrid cgroup2 cgroup is a courtesy: failing it is no error. */
          mrt_error_t e = NULL;
          if (mkdir_tracked (base, path, &top, &e) < 0)
            {
              mrt_log_debug (cg->log, "cgroup: %s (hybrid cgroup2 mount, skipped)", e->msg);
              mrt_error_free (&e);
              free (top);
              continue;
            }
          cgroup_add (cg, m->ctrls, xasprintf ("%s/%s", base, path + (path[0] == '/')), top);
          continue;
        }
      int r = mkdir_tracked (base, path, &top, err);
      cgroup_add (cg, m->ctrls, xasprintf ("%s/%s", base, path + (path[0] == '/')), top);
      if (r == 0 && skip_denied && !l->v2)
        r = check_joinable (cg->h[cg->n_h - 1].path, err);
      if (r < 0 && skip_denied && !l->v2 && mrt_cgroup_error_ignorable (true, NULL, (*err)->errno_))
        {
          /* runc's fs manager carries on without this hierarchy. */
          mrt_log_debug (cg->log, "cgroup: %s (rootless: %s left out)", (*err)->msg, m->ctrls);
          mrt_error_free (err);
          cg->n_h--;
          remove_hier (cg, &cg->h[cg->n_h], true, err);
          mrt_error_free (err);
          free (cg->h[cg->n_h].ctrls);
          free (cg->h[cg->n_h].path);
          free (cg->h[cg->n_h].top);
          skipped_add (cg, m->ctrls);
          continue;
        }
      if (r < 0)
        return -1;
      if (l->v2)
        {
          /* Relative: only below our own cgroup (whose subtree_control we
           * cannot write while we are in it); absolute: from the root. */
          cleanup_free char *from = NULL;
          if (relative)
            from = xasprintf ("%s/%.*s", base, (int)strcspn (path, "/"), path);
          else
            from = xstrdup (m->mount);
          if (mrt_cg_v2_enable_controllers (cg, from, err) < 0)
            return -1;
        }
    }
  if (cg->n_h == 0 && cg->skipped)
    {
      /* Nothing could be made or joined: a container without cgroups. */
      cg->disabled = true;
      return 0;
    }
  if (cg->n_h == 0)
    return mrt_error_make (err, ENOENT, "cgroups: the caller's cgroup was not found in /proc/self/cgroup");
  if (plan_only)
    return 0;
  if (!cg->v2 && mrt_cg_v1_prepare_cpuset (cg, err) < 0)
    return -1;
  return 0;
}

struct mrt_cg_layout *
mrt_cgroup_layout_new (void)
{
  return xmalloc0 (sizeof (struct mrt_cg_layout));
}

void
mrt_cgroup_layout_free (struct mrt_cg_layout *l)
{
  if (l == NULL)
    return;
  mrt_cg_layout_clear (l);
  free (l);
}

/* The layout from cfg's cache (read into it the first time), or read into
 * *tmp, which the caller clears. */
static int
layout_get (const struct mrt_cgroup_config *cfg, struct mrt_cg_layout *tmp, const struct mrt_cg_layout **out,
            mrt_error_t *err)
{
  struct mrt_cg_layout *l = cfg->layout ? cfg->layout : tmp;
  if (!l->detected)
    {
      if (mrt_cg_detect (cfg, l, err) < 0)
        return -1;
      l->detected = cfg->layout != NULL;
    }
  *out = l;
  return 0;
}

int
mrt_cgroup_create (const struct mrt_cgroup_config *cfg, const struct mrt_resources *res, struct mrt_cgroup **out,
                   mrt_error_t *err)
{
  struct mrt_cgroup *cg = cgroup_new (cfg);
  if (cg->disabled)
    {
      *out = cg;
      return 0;
    }
  cleanup_free char *path = NULL;
  bool relative = false;
  struct mrt_cg_layout tmp = { 0 };
  const struct mrt_cg_layout *l = NULL;
  if (mrt_cg_cgroup_path (cfg, &path, &relative, err) < 0 || layout_get (cfg, &tmp, &l, err) < 0)
    {
      mrt_cgroup_free (cg);
      return -1;
    }
  bool skip_denied = mrt_cgroup_error_ignorable (cfg->rootless, cfg->cgroups_path, EPERM);
  int r = create_dirs (cg, l, path, relative, false, skip_denied, err);
  mrt_cg_layout_clear (&tmp);
  if (r < 0 && cg->v2 && skip_denied && mrt_cgroup_error_ignorable (true, NULL, (*err)->errno_))
    {
      /* runc's fs2 manager: no cgroup at all is fine when no limit needs
       * one; with limits the error says why. */
      undo_create (cg);
      if (res && needs_controllers (res))
        {
          mrt_cgroup_free (cg);
          return mrt_error_prefix (err, "rootless needs no limits and no cgroupsPath when no permission is "
                                        "granted for cgroups");
        }
      mrt_log_debug (cg->log, "cgroup: %s (rootless: carrying on without a cgroup)", (*err)->msg);
      mrt_error_free (err);
      for (size_t i = 0; i < cg->n_h; i++)
        {
          free (cg->h[i].ctrls);
          free (cg->h[i].path);
          free (cg->h[i].top);
        }
      cg->n_h = 0;
      cg->disabled = true;
      *out = cg;
      return 0;
    }
  if (r == 0 && cg->disabled)
    {
      /* Every hierarchy was left out: a limit has nowhere to go. */
      if (res && mrt_cg_v1_apply (cg, res, true, err) < 0)
        {
          mrt_cgroup_free (cg);
          return -1;
        }
      *out = cg;
      return 0;
    }
  if (r == 0 && res)
    r = apply (cg, res, true, err);
  else if (r == 0)
    {
      struct mrt_resources none = { 0 };
      r = apply (cg, &none, true, err);
    }
  if (r < 0)
    {
      undo_create (cg);
      mrt_cgroup_free (cg);
      return -1;
    }
  *out = cg;
  return 0;
}

char *
mrt_cgroup_plan (const struct mrt_cgroup_config *cfg, mrt_error_t *err)
{
  struct mrt_cgroup *cg = cgroup_new (cfg);
  if (cg->disabled)
    {
      mrt_cgroup_free (cg);
      return xstrdup ("disabled");
    }
  cleanup_free char *path = NULL;
  bool relative = false;
  struct mrt_cg_layout tmp = { 0 };
  const struct mrt_cg_layout *l = NULL;
  int r = mrt_cg_cgroup_path (cfg, &path, &relative, err);
  if (r == 0)
    r = layout_get (cfg, &tmp, &l, err);
  if (r == 0)
    r = create_dirs (cg, l, path, relative, true, false, err);
  mrt_cg_layout_clear (&tmp);
  char *saved = r == 0 ? mrt_cgroup_save (cg) : NULL;
  mrt_cgroup_free (cg);
  return saved;
}

int
mrt_cgroup_update (struct mrt_cgroup *cg, const struct mrt_resources *res, mrt_error_t *err)
{
  if (mrt_cgroup_is_disabled (cg) || res == NULL)
    return 0;
  /* An update that fails half-way puts back what it changed, as runc's
   * does: the container keeps its old limits, not a mix. */
  struct mrt_cg_snapshot *snap = mrt_cg_snapshot_take (cg);
  int r = apply (cg, res, false, err);
  if (r < 0)
    mrt_cg_snapshot_restore (cg, snap);
  mrt_cg_snapshot_free (snap);
  return r;
}

/* ---- enter, stats --------------------------------------------------------------- */

int
mrt_cgroup_enter (struct mrt_cgroup *cg, pid_t pid, mrt_error_t *err)
{
  if (mrt_cgroup_is_disabled (cg))
    return 0;
  for (size_t i = 0; i < cg->n_h; i++)
    {
      cleanup_free char *field = xasprintf ("cgroup `%s`", cg->h[i].path);
      if (hybrid_unified (cg, &cg->h[i]))
        {
          mrt_error_t e = NULL;
          if (mrt_cg_writef (cg, cg->h[i].path, "cgroup.procs", false, field, &e, "%d", (int)pid) < 0)
            mrt_log_debug (cg->log, "%s (hybrid cgroup2 mount, ignored)", e->msg);
          mrt_error_free (&e);
          continue;
        }
      if (mrt_cg_writef (cg, cg->h[i].path, "cgroup.procs", false, field, err, "%d", (int)pid) < 0)
        return -1;
    }
  return 0;
}

int
mrt_cgroup_stats (struct mrt_cgroup *cg, struct mrt_cgroup_stats *stats, mrt_error_t *err)
{
  memset (stats, 0, sizeof (*stats));
  if (mrt_cgroup_is_disabled (cg))
    return 0;
  return cg->v2 ? mrt_cg_v2_stats (cg, stats, err) : mrt_cg_v1_stats (cg, stats, err);
}

uint64_t
mrt_cgroup_oom_kills (struct mrt_cgroup *cg)
{
  uint64_t n = 0;
  if (cg == NULL || mrt_cgroup_is_disabled (cg))
    return 0;
  if (cg->v2)
    mrt_cg_read_keyed (cg->h[0].path, "memory.events", "oom_kill", &n);
  else
    {
      struct mrt_cg_hier *h = mrt_cg_find (cg, "memory");
      if (h)
        mrt_cg_read_keyed (h->path, "memory.oom_control", "oom_kill", &n);
    }
  return n;
}

/* ---- save / restore --------------------------------------------------------
 * "disabled", or "v1 N ctrls path top ..." / "v2 1 - path top" with each
 * field %-escaped and "-" for no top. */

static void
put_escaped (FILE *f, const char *s)
{
  if (s == NULL || *s == '\0')
    {
      fputc ('-', f);
      return;
    }
  if (strcmp (s, "-") == 0)
    {
      fputs ("%2D", f);
      return;
    }
  for (const unsigned char *p = (const unsigned char *)s; *p; p++)
    if (*p <= 0x20 || *p == '%' || *p >= 0x7f)
      fprintf (f, "%%%02X", *p);
    else
      fputc (*p, f);
}

static char *
get_escaped (char **cursor)
{
  char *tok = strsep (cursor, " ");
  if (tok == NULL || *tok == '\0')
    return NULL;
  if (strcmp (tok, "-") == 0)
    return xstrdup ("");
  char *out = xmalloc0 (strlen (tok) + 1), *w = out;
  for (char *r = tok; *r; r++)
    {
      unsigned v;
      if (*r == '%' && sscanf (r + 1, "%2x", &v) == 1)
        {
          *w++ = (char)v;
          r += 2;
        }
      else
        *w++ = *r;
    }
  return out;
}

char *
mrt_cgroup_save (const struct mrt_cgroup *cg)
{
  if (mrt_cgroup_is_disabled (cg))
    return xstrdup ("disabled");
  char *buf = NULL;
  size_t len = 0;
  FILE *f = open_memstream (&buf, &len);
  if (f == NULL)
    abort ();
  fprintf (f, "%s %zu", cg->v2 ? "v2" : "v1", cg->n_h);
  for (size_t i = 0; i < cg->n_h; i++)
    {
      fputc (' ', f);
      put_escaped (f, cg->h[i].ctrls);
      fputc (' ', f);
      put_escaped (f, cg->h[i].path);
      fputc (' ', f);
      put_escaped (f, cg->h[i].top);
    }
  mrt_memstream_close (f);
  return buf;
}

int
mrt_cgroup_restore (const struct mrt_cgroup_config *cfg, const char *saved, struct mrt_cgroup **out, mrt_error_t *err)
{
  struct mrt_cgroup *cg = cgroup_new (cfg);
  /* What create did decides, not today's --cgroup-manager: a container
   * made with a cgroup is cleaned up whatever flags `delete` gets. */
  cg->disabled = false;
  if (saved == NULL || *saved == '\0' || strncmp (saved, "disabled", 8) == 0)
    {
      cg->disabled = true;
      *out = cg;
      return 0;
    }
  cleanup_free char *copy = xstrdup (saved);
  copy[strcspn (copy, "\n")] = '\0';
  char *cursor = copy;
  char *kind = strsep (&cursor, " ");
  char *count = strsep (&cursor, " ");
  char *end = NULL;
  unsigned long n = count ? strtoul (count, &end, 10) : 0;
  if (kind == NULL || (strcmp (kind, "v1") != 0 && strcmp (kind, "v2") != 0) || end == count || n == 0 || n > 64)
    goto bad;
  cg->v2 = strcmp (kind, "v2") == 0;
  for (unsigned long i = 0; i < n; i++)
    {
      char *ctrls = get_escaped (&cursor);
      char *path = ctrls ? get_escaped (&cursor) : NULL;
      char *top = path ? get_escaped (&cursor) : NULL;
      if (top == NULL || *path != '/')
        {
          free (ctrls);
          free (path);
          free (top);
          goto bad;
        }
      if (*top == '\0')
        {
          free (top);
          top = NULL;
        }
      cgroup_add (cg, ctrls, path, top);
      free (ctrls);
    }
  cg->fake = is_fake_tree (cg->h[0].path);
  *out = cg;
  return 0;
bad:
  mrt_cgroup_free (cg);
  return mrt_error_make (err, EINVAL, "cgroups: malformed saved cgroup state \"%s\"", saved);
}
