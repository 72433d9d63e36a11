/* SPDX-License-Identifier: Apache-2.0 */
/* One `mounts[]` entry onto the rootfs.  The destination is resolved (and
 * created) inside the rootfs, then mounted through /proc/self/fd/N so a
 * symlink in the rootfs can never send the mount to the host.  Flags,
 * propagation and recursive attributes follow runc. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/vfs.h>
#include <linux/magic.h>

#include "mount_idmap.h"
#include "mount_options.h"
#include "rootfs_internal.h"
#include "rootfs_path.h"
#include "utils.h"

/* What a bind remount may change; the rest of the MS_* bits are for mount. */
#define REMOUNT_FLAGS                                                                                                  \
  (MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC | MS_NOATIME | MS_NODIRATIME | MS_RELATIME | MS_STRICTATIME            \
   | MS_NOSYMFOLLOW | MS_SYNCHRONOUS | MS_DIRSYNC | MS_MANDLOCK | MS_SILENT)

static unsigned long
locked_flags (const char *path)
{
  struct statvfs sv;
  unsigned long f = 0;
  if (statvfs (path, &sv) < 0)
    return 0;
  if (sv.f_flag & ST_NOSUID)
    f |= MS_NOSUID;
  if (sv.f_flag & ST_NODEV)
    f |= MS_NODEV;
  if (sv.f_flag & ST_NOEXEC)
    f |= MS_NOEXEC;
  if (sv.f_flag & ST_NOATIME)
    f |= MS_NOATIME;
  if (sv.f_flag & ST_NODIRATIME)
    f |= MS_NODIRATIME;
  if (sv.f_flag & ST_RELATIME)
    f |= MS_RELATIME;
  return f;
}

int
mrt_remount_bind (const char *path, unsigned long flags, bool keep_locked)
{
  unsigned long base = MS_BIND | MS_REMOUNT;
  if (keep_locked)
    flags |= locked_flags (path);
  if (mount (NULL, path, NULL, base | flags, NULL) == 0)
    return 0;
  if (errno != EPERM || keep_locked)
    return -1;
  /* In a user namespace the flags of the source are locked. */
  struct statvfs sv;
  unsigned long extra = locked_flags (path);
  if (statvfs (path, &sv) == 0 && (sv.f_flag & ST_RDONLY))
    extra |= MS_RDONLY;
  /* Any explicit atime word of ours conflicts with a locked one: keep theirs. */
  if (extra & (MS_NOATIME | MS_RELATIME))
    flags &= ~(MS_NOATIME | MS_RELATIME | MS_STRICTATIME);
  return mount (NULL, path, NULL, base | flags | extra, NULL);
}

bool
mrt_path_equal (const char *a, const char *b)
{
  for (;;)
    {
      while (*a == '/' && a[1] == '/')
        a++;
      while (*b == '/' && b[1] == '/')
        b++;
      if ((*a == '\0' || (*a == '/' && a[1] == '\0')) && (*b == '\0' || (*b == '/' && b[1] == '\0')))
        return true;
      if (*a != *b)
        return false;
      a++, b++;
    }
}

const struct mrt_mount *
mrt_find_mount (const struct mrt_spec *spec, const char *dest)
{
  for (size_t i = 0; i < spec->n_mounts; i++)
    if (mrt_path_equal (spec->mounts[i].destination, dest))
      return &spec->mounts[i];
  return NULL;
}

static char *
host_source (const struct mrt_mount_ctx *ctx, const char *source)
{
  if (source[0] == '/' || ctx->bundle == NULL)
    return xstrdup (source);
  return xasprintf ("%s/%s", ctx->bundle, source);
}

/* Propagation and recursive attributes, applied to the mount just made
 * (so the target is opened again: the old fd is under the new mount). */
static int
finish_mount (const struct mrt_mount_ctx *ctx, const struct mrt_mount *m, const struct mrt_mount_options *o,
              mrt_error_t *err)
{
  if (o->propagation == 0 && o->attr_set == 0 && o->attr_clr == 0)
    return 0;
  cleanup_close int fd = mrt_open_in_root (ctx->rootfd, m->destination, O_PATH);
  if (fd < 0)
    return mrt_error_sys (err, "open \"%s\"", m->destination);
  struct mrt_fd_path fp;
  if (o->propagation && mount (NULL, mrt_fd_path (fd, &fp), NULL, o->propagation, NULL) < 0)
    return mrt_error_sys (err, "set propagation of \"%s\"", m->destination);
  if (o->attr_set || o->attr_clr)
    {
      struct mount_attr attr = { .attr_set = o->attr_set, .attr_clr = o->attr_clr };
      if (mount_setattr (fd, "", AT_EMPTY_PATH | AT_RECURSIVE, &attr, sizeof (attr)) < 0)
        return mrt_error_sys (err, "mount_setattr \"%s\"", m->destination);
    }
  return 0;
}

static int
bind_mount (const struct mrt_mount_ctx *ctx, const char *source, const char *dest, unsigned long flags,
            const char *what, mrt_error_t *err)
{
  struct stat st;
  if (stat (source, &st) < 0)
    return mrt_error_sys (err, "stat bind source \"%s\"", source);
  cleanup_close int fd = mrt_create_in_root (ctx->rootfd, dest, S_ISDIR (st.st_mode), err);
  if (fd < 0)
    return mrt_error_prefix (err, "%s", what);
  struct mrt_fd_path fp;
  if (mount (source, mrt_fd_path (fd, &fp), NULL, MS_BIND | (flags & MS_REC), NULL) < 0)
    return mrt_error_sys (err, "mount \"%s\" on \"%s\"", source, dest);
  unsigned long rflags = flags & REMOUNT_FLAGS;
  if (rflags == 0)
    return 0;
  cleanup_close int top = mrt_open_in_root (ctx->rootfd, dest, O_PATH);
  if (top < 0)
    return mrt_error_sys (err, "open \"%s\"", dest);
  if (mrt_remount_bind (mrt_fd_path (top, &fp), rflags, false) < 0)
    return mrt_error_sys (err, "remount \"%s\" on \"%s\"", source, dest);
  return 0;
}

static int
plain_mount (const struct mrt_mount_ctx *ctx, const char *source, const char *dest, const char *type,
             unsigned long flags, const char *data, mrt_error_t *err)
{
  cleanup_close int fd = mrt_create_in_root (ctx->rootfd, dest, true, err);
  if (fd < 0)
    return -1;
  struct mrt_fd_path fp;
  if (mount (source, mrt_fd_path (fd, &fp), type, flags, data) < 0)
    return mrt_error_sys (err, "mount \"%s\" on \"%s\"", source, dest);
  return 0;
}

static bool
host_is_cgroup2 (void)
{
  struct statfs sf;
  return statfs ("/sys/fs/cgroup", &sf) == 0 && sf.f_type == CGROUP2_SUPER_MAGIC;
}

/* Our cgroup path for a v1 hierarchy whose mount options name
 * `controllers`, from the text of /proc/self/cgroup (read once for all
 * hierarchies). */
static char *
own_cgroup_path (const char *self_cgroup, const char *controllers)
{
  size_t clen = strlen (controllers);
  for (const char *line = self_cgroup; line && *line;)
    {
      const char *nl = strchr (line, '\n');
      size_t len = nl ? (size_t)(nl - line) : strlen (line);
      const char *c1 = memchr (line, ':', len);
      const char *c2 = c1 ? memchr (c1 + 1, ':', len - (size_t)(c1 + 1 - line)) : NULL;
      if (c2 && (size_t)(c2 - c1 - 1) == clen && memcmp (c1 + 1, controllers, clen) == 0)
        return xasprintf ("%.*s", (int)(len - (size_t)(c2 + 1 - line)), c2 + 1);
      line = nl ? nl + 1 : NULL;
    }
  return NULL;
}

/* The controller list of a v1 mount from its super options: "cpu,cpuacct"
 * or "name=systemd"; NULL when none. */
static char *
v1_controllers (const char *super)
{
  static const char *const skip[]
      = { "rw", "ro", "xattr", "clone_children", "noprefix", "cpuset_v2_mode", "nsdelegate" };
  cleanup_free char *copy = xstrdup (super);
  char *out = NULL, *save = NULL;
  for (char *t = strtok_r (copy, ",", &save); t; t = strtok_r (NULL, ",", &save))
    {
      bool skipped = false;
      for (size_t i = 0; i < ARRAY_SIZE (skip); i++)
        if (strcmp (t, skip[i]) == 0)
          skipped = true;
      if (skipped || strncmp (t, "release_agent=", 14) == 0)
        continue;
      char *n = out ? xasprintf ("%s,%s", out, t) : xstrdup (t);
      free (out);
      out = n;
    }
  return out;
}

struct v1_hier
{
  char *mountpoint;
  char *root;
  char *controllers;
};

static size_t
list_v1_hierarchies (struct v1_hier **out)
{
  cleanup_file FILE *f = fopen ("/proc/self/mountinfo", "re");
  size_t n = 0;
  *out = NULL;
  if (f == NULL)
    return 0;
  cleanup_free char *line = NULL;
  size_t cap = 0;
  while (getline (&line, &cap, f) > 0)
    {
      char *sep = strstr (line, " - ");
      if (sep == NULL)
        continue;
      char fstype[64], src[256], super[1024];
      if (sscanf (sep + 3, "%63s %255s %1023s", fstype, src, super) != 3 || strcmp (fstype, "cgroup") != 0)
        continue;
      char root[PATH_MAX], mp[PATH_MAX];
      if (sscanf (line, "%*s %*s %*s %4095s %4095s", root, mp) != 2)
        continue;
      char *ctrl = v1_controllers (super);
      if (ctrl == NULL)
        continue;
      /* A hierarchy is listed again where a bundle's rbind of /sys copied
       * it into the rootfs, which our tmpfs is about to cover: the first
       * one is the host's, as runc's GetCgroupMounts keeps it. */
      bool seen = false;
      for (size_t i = 0; i < n && !seen; i++)
        seen = strcmp ((*out)[i].controllers, ctrl) == 0;
      if (seen)
        {
          free (ctrl);
          continue;
        }
      *out = xrealloc (*out, (n + 1) * sizeof (**out));
      (*out)[n++] = (struct v1_hier){ xstrdup (mp), xstrdup (root), ctrl };
    }
  return n;
}

static void
free_v1 (struct v1_hier *h, size_t n)
{
  for (size_t i = 0; i < n; i++)
    free (h[i].mountpoint), free (h[i].root), free (h[i].controllers);
  free (h);
}

/* cgroup v1 like runc: a tmpfs at the destination, then each hierarchy as
 * a bind of our own cgroup directory (or a fresh cgroup mount in a new
 * cgroup namespace), symlinks for co-mounted controllers.  The tmpfs
 * itself stays writable, as runc 1.1 leaves it. */
static int
mount_cgroup_v1 (const struct mrt_mount_ctx *ctx, const struct mrt_mount *m, const struct mrt_mount_options *o,
                 mrt_error_t *err)
{
  unsigned long base = MS_NOSUID | MS_NODEV | MS_NOEXEC;
  if (plain_mount (ctx, "tmpfs", m->destination, "tmpfs", base, "mode=755", err) < 0)
    return -1;
  struct v1_hier *h;
  size_t n = list_v1_hierarchies (&h);
  cleanup_free char *self_cgroup = NULL;
  if (!ctx->new_cgroupns && n > 0)
    {
      mrt_error_t ignored = NULL;
      if (mrt_read_file ("/proc/self/cgroup", 1 << 20, &self_cgroup, NULL, &ignored) < 0)
        mrt_error_free (&ignored);
    }
  int ret = 0;
  for (size_t i = 0; i < n && ret == 0; i++)
    {
      const char *base_name = strrchr (h[i].mountpoint, '/') + 1;
      cleanup_free char *dest = xasprintf ("%s/%s", m->destination, base_name);
      if (ctx->new_cgroupns)
        {
          bool named = strncmp (h[i].controllers, "name=", 5) == 0;
          ret = plain_mount (ctx, named ? h[i].controllers + 5 : "cgroup", dest, "cgroup",
                             base | (o->flags & MS_RDONLY), h[i].controllers, err);
          continue;
        }
      cleanup_free char *cg = own_cgroup_path (self_cgroup, h[i].controllers);
      if (cg == NULL)
        continue;
      /* The path is relative to the hierarchy's root as this mount shows it. */
      const char *rel = cg;
      size_t rl = strlen (h[i].root);
      if (strcmp (h[i].root, "/") != 0 && strncmp (cg, h[i].root, rl) == 0)
        rel = cg + rl;
      cleanup_free char *src = xasprintf ("%s%s", h[i].mountpoint, rel);
      ret = bind_mount (ctx, src, dest, MS_REC | base | (o->flags & REMOUNT_FLAGS), "cgroup", err);
    }
  /* cpu,cpuacct is reachable as cpu and cpuacct too. */
  for (size_t i = 0; i < n && ret == 0; i++)
    {
      const char *base_name = strrchr (h[i].mountpoint, '/') + 1;
      if (strchr (base_name, ',') == NULL)
        continue;
      cleanup_close int dir = mrt_open_in_root (ctx->rootfd, m->destination, O_PATH | O_DIRECTORY);
      if (dir < 0)
        break;
      cleanup_free char *names = xstrdup (base_name);
      char *save = NULL;
      for (char *t = strtok_r (names, ",", &save); t; t = strtok_r (NULL, ",", &save))
        if (symlinkat (base_name, dir, t) < 0 && errno != EEXIST)
          ret = mrt_error_sys (err, "symlink \"%s/%s\"", m->destination, t);
    }
  free_v1 (h, n);
  if (ret < 0)
    return ret;
  return 0;
}

static int
mount_cgroup (const struct mrt_mount_ctx *ctx, const struct mrt_mount *m, const struct mrt_mount_options *o,
              mrt_error_t *err)
{
  if (!host_is_cgroup2 ())
    return mount_cgroup_v1 (ctx, m, o, err);
  unsigned long flags = o->flags & ~MS_BIND;
  cleanup_close int fd = mrt_create_in_root (ctx->rootfd, m->destination, true, err);
  if (fd < 0)
    return -1;
  struct mrt_fd_path fp;
  if (mount ("cgroup2", mrt_fd_path (fd, &fp), "cgroup2", flags, o->data) == 0)
    return 0;
  if (errno != EPERM && errno != EBUSY)
    return mrt_error_sys (err, "mount \"cgroup2\" on \"%s\"", m->destination);
  /* No cgroup namespace (or not allowed): bind our own cgroup like runc. */
  cleanup_free char *self_cgroup = NULL;
  mrt_error_t ignored = NULL;
  if (mrt_read_file ("/proc/self/cgroup", 1 << 20, &self_cgroup, NULL, &ignored) < 0)
    mrt_error_free (&ignored);
  cleanup_free char *cg = own_cgroup_path (self_cgroup, "");
  cleanup_free char *src = xasprintf ("/sys/fs/cgroup%s", cg ? cg : "/");
  return bind_mount (ctx, src, m->destination, MS_REC | (flags & REMOUNT_FLAGS), "cgroup", err);
}

/* tmpcopyup: the tmpfs starts with a copy of the directory it covers.  The
 * lower directory stays reachable through an fd opened before the mount;
 * a read-only tmpfs becomes read-only after the copy. */
static int
tmpfs_copyup (const struct mrt_mount_ctx *ctx, const struct mrt_mount *m, const struct mrt_mount_options *o,
              mrt_error_t *err)
{
  const char *source = m->source ? m->source : "tmpfs";
  cleanup_close int lower = mrt_open_in_root (ctx->rootfd, m->destination, O_RDONLY | O_DIRECTORY);
  if (plain_mount (ctx, source, m->destination, "tmpfs", o->flags & ~MS_RDONLY, o->data, err) < 0)
    return -1;
  if (lower < 0)
    return 0;
  cleanup_close int upper = mrt_open_in_root (ctx->rootfd, m->destination, O_RDONLY | O_DIRECTORY);
  if (upper < 0)
    return mrt_error_sys (err, "open \"%s\"", m->destination);
  if (mrt_copy_tree (lower, upper, 0, err) < 0)
    return mrt_error_prefix (err, "tmpcopyup \"%s\"", m->destination);
  if (o->flags & MS_RDONLY)
    {
      struct mrt_fd_path fp;
      if (mount (NULL, mrt_fd_path (upper, &fp), NULL, MS_REMOUNT | o->flags, o->data) < 0)
        return mrt_error_sys (err, "remount \"%s\" read-only", m->destination);
    }
  return 0;
}

/* The destination as a clean absolute path inside the container: where
 * it resolves to when it exists, else the lexical clean-up of the string. */
static char *
container_path (const struct mrt_mount_ctx *ctx, const char *dest)
{
  cleanup_close int fd = mrt_open_in_root (ctx->rootfd, dest, O_PATH);
  if (fd >= 0)
    {
      char root[PATH_MAX], full[PATH_MAX];
      struct mrt_fd_path a, b;
      ssize_t rl = readlink (mrt_fd_path (ctx->rootfd, &a), root, sizeof (root) - 1);
      ssize_t fl = readlink (mrt_fd_path (fd, &b), full, sizeof (full) - 1);
      if (rl > 0 && fl > 0)
        {
          root[rl] = full[fl] = '\0';
          if (strcmp (root, "/") == 0)
            return xstrdup (full);
          if (strncmp (full, root, rl) == 0 && (full[rl] == '/' || full[rl] == '\0'))
            return xstrdup (full[rl] ? full + rl : "/");
        }
    }
  /* Lexical: drop ".", "" and let ".." stop at the root. */
  cleanup_free char *copy = xstrdup (dest);
  char *out = xmalloc0 (strlen (dest) + 2);
  size_t len = 0;
  char *save = NULL;
  for (char *t = strtok_r (copy, "/", &save); t; t = strtok_r (NULL, "/", &save))
    {
      if (strcmp (t, ".") == 0)
        continue;
      if (strcmp (t, "..") == 0)
        {
          while (len > 0 && out[len] != '/')
            len--;
          out[len] = '\0';
          continue;
        }
      len += sprintf (out + len, "/%s", t);
    }
  if (len == 0)
    strcpy (out, "/");
  return out;
}

/* Like runc: over /proc only a procfs (fresh or bound), inside /proc only
 * the files lxcfs emulates; anything else could hide the masked paths. */
static int
check_proc_mount (const struct mrt_mount_ctx *ctx, const struct mrt_mount *m, const struct mrt_mount_options *o,
                  const char *source, mrt_error_t *err)
{
  static const char *const allowed[] = {
    "/proc/cpuinfo",
    "/proc/diskstats",
    "/proc/meminfo",
    "/proc/stat",
    "/proc/swaps",
    "/proc/uptime",
    "/proc/loadavg",
    "/proc/slabinfo",
    "/proc/net/dev",
    "/proc/sys/kernel/ns_last_pid",
    "/proc/sys/crypto/fips_enabled",
  };
  cleanup_free char *path = container_path (ctx, m->destination);
  if (strcmp (path, "/proc") == 0)
    {
      struct statfs sf;
      if (mrt_mount_options_is_bind (o) ? statfs (source, &sf) == 0 && sf.f_type == PROC_SUPER_MAGIC
                                        : m->type && strcmp (m->type, "proc") == 0)
        return 0;
      return mrt_error_make (err, EPERM, "\"%s\" cannot be mounted because it is not of type proc", m->destination);
    }
  if (strncmp (path, "/proc/", 6) != 0)
    return 0;
  for (size_t i = 0; i < ARRAY_SIZE (allowed); i++)
    if (strcmp (path, allowed[i]) == 0)
      return 0;
  return mrt_error_make (err, EPERM, "\"%s\" cannot be mounted because it is inside /proc", m->destination);
}

int
mrt_mount_entry (const struct mrt_mount_ctx *ctx, const struct mrt_mount *m, size_t i, mrt_error_t *err)
{
  cleanup_mount_options struct mrt_mount_options o;
  mrt_mount_options_parse ((const char *const *)m->options, m->n_options, m->type, &o);
  const char *type = m->type ? m->type : "none";
  const char *source = m->source ? m->source : type;
  int ret;

  /* The parent made the tree (mount_idmap.h); entries devices.c passes
   * in are never idmapped. */
  bool idmapped = mrt_mount_is_idmapped (m, &o);
  int tree = idmapped && i < ctx->n_idmap_trees ? ctx->idmap_trees[i] : -1;
  if (idmapped && tree < 0)
    return mrt_error_make (err, EINVAL, "mounts[%zu]: no idmapped tree was prepared for \"%s\"", i, m->destination);

  /* /dev stays writable until the devices are in (rootfs.c remounts it). */
  if (!mrt_mount_options_is_bind (&o) && mrt_path_equal (m->destination, "/dev"))
    o.flags &= ~MS_RDONLY;

  cleanup_free char *src = host_source (ctx, source);
  if (check_proc_mount (ctx, m, &o, src, err) < 0)
    return mrt_error_prefix (err, "mounts[%zu]", i);

  if (idmapped)
    ret = mrt_idmap_attach (ctx->rootfd, tree, m->destination, o.flags & REMOUNT_FLAGS, err);
  else if (mrt_mount_options_is_bind (&o))
    ret = bind_mount (ctx, src, m->destination, o.flags, "bind", err);
  else if (strcmp (type, "cgroup") == 0)
    ret = mount_cgroup (ctx, m, &o, err);
  else if (strcmp (type, "sysfs") == 0 && !ctx->new_netns)
    /* sysfs shows the net namespace it is mounted in: the host's one
     * would be refused, so share the host's /sys read-only-ish like runc. */
    ret = bind_mount (ctx, "/sys", m->destination, MS_REC | o.flags, "sysfs", err);
  else if (o.tmpcopyup && strcmp (type, "tmpfs") == 0)
    ret = tmpfs_copyup (ctx, m, &o, err);
  else
    {
      ret = plain_mount (ctx, source, m->destination, type, o.flags, o.data, err);
      if (ret < 0 && (*err)->errno_ == EPERM && (strcmp (type, "sysfs") == 0 || strcmp (type, "mqueue") == 0))
        {
          /* Not allowed in this user namespace: bind the host's one. */
          mrt_error_free (err);
          ret = bind_mount (ctx, strcmp (type, "sysfs") == 0 ? "/sys" : "/dev/mqueue", m->destination, MS_REC | o.flags,
                            type, err);
        }
    }
  if (ret == 0)
    ret = finish_mount (ctx, m, &o, err);
  if (ret < 0)
    return mrt_error_prefix (err, "mounts[%zu]", i);
  return 0;
}
