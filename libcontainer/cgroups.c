/* SPDX-License-Identifier: Apache-2.0 */
/* Cgroups: detection of v1/v2/hybrid, path resolution, the public API.
 * The resource writers live in cgroups_v1.c and cgroups_v2.c, the v2
 * device filter in cgroups_bpf.c.
 *
 * Layout: /proc/self/mountinfo gives the cgroup mounts (a cgroup2 mount at
 * the sysfs root means pure v2; v1 mounts plus a cgroup2 one is hybrid,
 * managed through v1 like runc does).  /proc/self/cgroup gives our own
 * cgroup in each hierarchy: a relative cgroupsPath (and an empty one, the
 * container ID) nests under it, an absolute one is taken as is. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <linux/magic.h>
#include <time.h>
#include <unistd.h>

#include "cgroups_internal.h"
#include "utils.h"

#define DEFAULT_SYSFS "/sys/fs/cgroup"

/* ---- small file helpers ------------------------------------------------ */

bool
mrt_cg_has_ctrl (const char *ctrls, const char *name)
{
  size_t len = strlen (name);
  for (const char *p = ctrls; p && *p;)
    {
      const char *end = strchrnul (p, ',');
      if ((size_t)(end - p) == len && strncmp (p, name, len) == 0)
        return true;
      p = *end ? end + 1 : end;
    }
  return false;
}

struct mrt_cg_hier *
mrt_cg_find (const struct mrt_cgroup *cg, const char *ctrl)
{
  if (cg->v2)
    return cg->n_h ? &cg->h[0] : NULL;
  for (size_t i = 0; i < cg->n_h; i++)
    if (ctrl == NULL || *ctrl == '\0' || mrt_cg_has_ctrl (cg->h[i].ctrls, ctrl))
      return &cg->h[i];
  return NULL;
}

int
mrt_cg_write (const struct mrt_cgroup *cg, const char *dir, const char *file, const char *value, bool append,
              const char *field, mrt_error_t *err)
{
  cleanup_free char *path = xasprintf ("%s/%s", dir, file);
  int flags = O_WRONLY | O_CLOEXEC | (append ? O_APPEND : O_TRUNC);
  /* A fake test tree has plain directories: let writes create files. */
  if (cg->fake)
    flags |= O_CREAT;
  cleanup_close int fd = open (path, flags, 0644);
  if (fd < 0 && errno == ENOENT && cg->v2 && !cg->fake)
    return mrt_error_make (err, 0,
                           "%s: write %s: %s (is its controller enabled in the parent's cgroup.subtree_control?)",
                           field, file, strerror (ENOENT));
  if (fd < 0)
    return mrt_error_sys (err, "%s: write %s", field, file);
  cleanup_free char *line = append ? xasprintf ("%s\n", value) : NULL;
  const char *data = append ? line : value;
  if (mrt_write_all (fd, data, strlen (data)) < 0)
    return mrt_error_sys (err, "%s: write %s", field, file);
  return 0;
}

int
mrt_cg_writef (const struct mrt_cgroup *cg, const char *dir, const char *file, bool append, const char *field,
               mrt_error_t *err, const char *fmt, ...)
{
  cleanup_free char *value = NULL;
  va_list ap;
  va_start (ap, fmt);
  int r = vasprintf (&value, fmt, ap);
  va_end (ap);
  if (r < 0)
    abort ();
  return mrt_cg_write (cg, dir, file, value, append, field, err);
}

char *
mrt_cg_read (const char *dir, const char *file)
{
  cleanup_free char *path = xasprintf ("%s/%s", dir, file);
  cleanup_close int fd = open (path, O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return NULL;
  char *buf = NULL;
  size_t len = 0;
  mrt_error_t err = NULL;
  if (mrt_read_fd (fd, 1 << 20, &buf, &len, &err) < 0)
    {
      int e = err ? err->errno_ : EIO;
      mrt_error_free (&err);
      errno = e ? e : EIO;
      return NULL;
    }
  while (len > 0 && buf[len - 1] == '\n')
    buf[--len] = '\0';
  return buf;
}

int
mrt_cg_read_keyed (const char *dir, const char *file, const char *key, uint64_t *value)
{
  cleanup_free char *buf = mrt_cg_read (dir, file);
  if (buf == NULL)
    return -1;
  size_t klen = strlen (key);
  for (char *line = buf; line && *line;)
    {
      char *nl = strchr (line, '\n');
      if (nl)
        *nl = '\0';
      if (strncmp (line, key, klen) == 0 && line[klen] == ' ')
        {
          *value = strtoull (line + klen + 1, NULL, 10);
          return 0;
        }
      line = nl ? nl + 1 : NULL;
    }
  errno = ENOENT;
  return -1;
}

bool
mrt_cg_exists (const char *dir, const char *file)
{
  cleanup_free char *path = xasprintf ("%s/%s", dir, file);
  return access (path, F_OK) == 0;
}

/* ---- detection --------------------------------------------------------- */

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
  return strndup (ctrls, strchrnul (ctrls, ',') - ctrls);
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

/* ---- paths --------------------------------------------------------------- */

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
  cleanup_free char *name = strndup (slice, len - 6);
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

/* ---- object lifetime ------------------------------------------------------ */

static struct mrt_cgroup *
cgroup_new (const struct mrt_cgroup_config *cfg)
{
  struct mrt_cgroup *cg = xmalloc0 (sizeof (*cg));
  cg->devices = cfg->devices;
  cg->n_devices = cfg->n_devices;
  cg->log = cfg->log;
  cg->disabled = cfg->manager == MRT_CGROUP_MANAGER_DISABLED;
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

/* plan_only: fill cg with the paths and tops, make nothing. */
static int
create_dirs (struct mrt_cgroup *cg, const struct mrt_cg_layout *l, const char *path, bool relative, bool plan_only,
             mrt_error_t *err)
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
  if (cg->n_h == 0)
    return mrt_error_make (err, ENOENT, "cgroups: the caller's cgroup was not found in /proc/self/cgroup");
  if (plan_only)
    return 0;
  if (!cg->v2 && mrt_cg_v1_prepare_cpuset (cg, err) < 0)
    return -1;
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
  struct mrt_cg_layout l = { 0 };
  if (mrt_cg_cgroup_path (cfg, &path, &relative, err) < 0 || mrt_cg_detect (cfg, &l, err) < 0)
    {
      mrt_cgroup_free (cg);
      return -1;
    }
  int r = create_dirs (cg, &l, path, relative, false, err);
  mrt_cg_layout_clear (&l);
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
  struct mrt_cg_layout l = { 0 };
  int r = mrt_cg_cgroup_path (cfg, &path, &relative, err);
  if (r == 0)
    r = mrt_cg_detect (cfg, &l, err);
  if (r == 0)
    r = create_dirs (cg, &l, path, relative, true, err);
  mrt_cg_layout_clear (&l);
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

/* ---- processes --------------------------------------------------------------- */

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

static int
collect_pids (const char *dir, pid_t **pids, size_t *n, mrt_error_t *err)
{
  cleanup_free char *buf = mrt_cg_read (dir, "cgroup.procs");
  if (buf == NULL)
    {
      if (errno == ENOENT)
        return 0;
      return mrt_error_sys (err, "read `%s/cgroup.procs`", dir);
    }
  for (char *p = buf; *p;)
    {
      char *end;
      long v = strtol (p, &end, 10);
      if (end == p)
        break;
      *pids = xrealloc (*pids, (*n + 1) * sizeof (**pids));
      (*pids)[(*n)++] = (pid_t)v;
      p = end;
      while (*p == '\n')
        p++;
    }
  DIR *d = opendir (dir);
  if (d == NULL)
    return 0;
  struct dirent *de;
  int ret = 0;
  while (ret == 0 && (de = readdir (d)))
    {
      if (de->d_type != DT_DIR || strcmp (de->d_name, ".") == 0 || strcmp (de->d_name, "..") == 0)
        continue;
      cleanup_free char *sub = xasprintf ("%s/%s", dir, de->d_name);
      ret = collect_pids (sub, pids, n, err);
    }
  closedir (d);
  return ret;
}

/* The hierarchy that best tells which processes are in: every one holds
 * them all since enter() writes each; prefer pids and freezer. */
static struct mrt_cg_hier *
procs_hier (const struct mrt_cgroup *cg)
{
  struct mrt_cg_hier *h = mrt_cg_find (cg, "pids");
  if (h == NULL)
    h = mrt_cg_find (cg, "freezer");
  if (h == NULL)
    h = mrt_cg_find (cg, "");
  return h;
}

int
mrt_cgroup_pids (struct mrt_cgroup *cg, pid_t **pids, size_t *n, mrt_error_t *err)
{
  *pids = NULL;
  *n = 0;
  if (mrt_cgroup_is_disabled (cg))
    return 0;
  struct mrt_cg_hier *h = procs_hier (cg);
  if (h == NULL)
    return 0;
  if (collect_pids (h->path, pids, n, err) < 0)
    {
      free (*pids);
      *pids = NULL;
      *n = 0;
      return -1;
    }
  return 0;
}

int
mrt_cgroup_freeze (struct mrt_cgroup *cg, bool frozen, mrt_error_t *err)
{
  if (mrt_cgroup_is_disabled (cg))
    return 0;
  return cg->v2 ? mrt_cg_v2_freeze (cg, frozen, err) : mrt_cg_v1_freeze (cg, frozen, err);
}

int
mrt_cgroup_is_frozen (struct mrt_cgroup *cg, bool *frozen, mrt_error_t *err)
{
  *frozen = false;
  if (mrt_cgroup_is_disabled (cg))
    return 0;
  return cg->v2 ? mrt_cg_v2_is_frozen (cg, frozen, err) : mrt_cg_v1_is_frozen (cg, frozen, err);
}

int
mrt_cgroup_kill_all (struct mrt_cgroup *cg, int signal, mrt_error_t *err)
{
  if (mrt_cgroup_is_disabled (cg))
    return 0;
  if (cg->v2 && signal == SIGKILL && !cg->fake && mrt_cg_exists (cg->h[0].path, "cgroup.kill"))
    return mrt_cg_write (cg, cg->h[0].path, "cgroup.kill", "1", false, "kill --all", err);
  cleanup_free pid_t *pids = NULL;
  size_t n = 0;
  /* An empty cgroup (the common case at delete: the init is gone) has
   * nobody who could fork: no freeze/thaw round trip. */
  if (mrt_cgroup_pids (cg, &pids, &n, err) < 0)
    return -1;
  if (n == 0)
    return 0;
  free (pids);
  pids = NULL;
  n = 0;
  /* Frozen, nobody can fork a new process between our read and our kill.
   * A paused container stays paused, unless it is SIGKILL: v1 frozen tasks
   * cannot die until thawed (runc thaws too). */
  bool can_freeze = cg->v2 || mrt_cg_find (cg, "freezer") != NULL;
  bool was_frozen = false;
  if (can_freeze)
    {
      mrt_error_t e = NULL;
      if (mrt_cgroup_is_frozen (cg, &was_frozen, &e) < 0 || mrt_cgroup_freeze (cg, true, &e) < 0)
        can_freeze = false;
      mrt_error_free (&e);
      if (was_frozen && signal != SIGKILL)
        can_freeze = false; /* leave it frozen afterwards */
    }
  int ret = mrt_cgroup_pids (cg, &pids, &n, err);
  for (size_t i = 0; ret == 0 && i < n; i++)
    if (kill (pids[i], signal) < 0 && errno != ESRCH)
      ret = mrt_error_sys (err, "kill pid %d", (int)pids[i]);
  if (can_freeze)
    {
      mrt_error_t e = NULL;
      if (mrt_cgroup_freeze (cg, false, &e) < 0 && ret == 0)
        {
          ret = -1;
          if (err && *err == NULL)
            *err = steal_pointer (&e);
        }
      mrt_error_free (&e);
    }
  return ret;
}

int
mrt_cgroup_stats (struct mrt_cgroup *cg, struct mrt_cgroup_stats *stats, mrt_error_t *err)
{
  memset (stats, 0, sizeof (*stats));
  if (mrt_cgroup_is_disabled (cg))
    return 0;
  return cg->v2 ? mrt_cg_v2_stats (cg, stats, err) : mrt_cg_v1_stats (cg, stats, err);
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
  fclose (f);
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

/* ---- device rules -------------------------------------------------------------- */

/* runc's AllowedDevices: mknod of anything, the standard character devices,
 * the pty slaves and /dev/net/tun. */
static const struct
{
  char type;
  int64_t major, minor;
  const char *access;
} default_devices[] = {
  { 'c', -1, -1, "m" },    { 'b', -1, -1, "m" }, { 'c', 1, 3, "rwm" },    { 'c', 1, 8, "rwm" },
  { 'c', 1, 7, "rwm" },    { 'c', 5, 0, "rwm" }, { 'c', 1, 5, "rwm" },    { 'c', 1, 9, "rwm" },
  { 'c', 136, -1, "rwm" }, { 'c', 5, 2, "rwm" }, { 'c', 10, 200, "rwm" },
};

struct mrt_device_cgroup_rule *
mrt_cg_device_rules (const struct mrt_cgroup *cg, const struct mrt_resources *res, size_t *n)
{
  size_t n_res = res ? res->n_devices : 0;
  size_t cap = n_res + cg->n_devices + ARRAY_SIZE (default_devices);
  struct mrt_device_cgroup_rule *r = xmalloc0 (cap * sizeof (*r));
  size_t k = 0;
  for (size_t i = 0; i < n_res; i++)
    r[k++] = res->devices[i];
  for (size_t i = 0; i < cg->n_devices; i++)
    {
      const struct mrt_device *d = &cg->devices[i];
      if (d->type == 'p')
        continue; /* fifos are not device-controlled */
      r[k++] = (struct mrt_device_cgroup_rule){ .allow = true,
                                                .type = d->type == 'b' ? 'b' : 'c',
                                                .major = { true, d->major },
                                                .minor = { true, d->minor },
                                                .access = (char *)"rwm" };
    }
  for (size_t i = 0; i < ARRAY_SIZE (default_devices); i++)
    r[k++] = (struct mrt_device_cgroup_rule){ .allow = true,
                                              .type = default_devices[i].type,
                                              .major = { default_devices[i].major >= 0, default_devices[i].major },
                                              .minor = { default_devices[i].minor >= 0, default_devices[i].minor },
                                              .access = (char *)default_devices[i].access };
  *n = k;
  return r;
}
