/* SPDX-License-Identifier: Apache-2.0 */
/* Idmapped bind mounts: validation, the parent's detached trees, the
 * init's attach (see mount_idmap.h for why the work is split so). */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "mount_idmap.h"
#include "namespaces.h"
#include "rootfs_internal.h"
#include "rootfs_path.h"
#include "utils.h"

/* The kernel's limit on lines in uid_map/gid_map. */
#define MAX_MAP_EXTENTS 340

bool
mrt_mount_is_idmapped (const struct mrt_mount *m, const struct mrt_mount_options *o)
{
  return m->n_uid_mappings > 0 || m->n_gid_mappings > 0 || o->idmap;
}

/* The field an error about the entry as a whole names. */
static const char *
idmap_field (const struct mrt_mount *m)
{
  return m->n_uid_mappings ? "uidMappings" : m->n_gid_mappings ? "gidMappings" : "options";
}

static const struct mrt_namespace *
user_namespace (const struct mrt_spec *spec)
{
  const struct mrt_linux *l = spec->linux_;
  for (size_t i = 0; l && i < l->n_namespaces; i++)
    if (l->namespaces[i].type == MRT_NS_USER)
      return &l->namespaces[i];
  return NULL;
}

static bool
ranges_overlap (uint32_t a, uint32_t b, uint32_t size_a, uint32_t size_b)
{
  return (uint64_t)a < (uint64_t)b + size_b && (uint64_t)b < (uint64_t)a + size_a;
}

/* What the kernel would refuse in uid_map/gid_map and the parser lets
 * through (it checks each entry's range alone), caught before anything
 * exists and named by entry. */
static int
check_maps (const struct mrt_id_mapping *m, size_t n, size_t i, const char *field, mrt_error_t *err)
{
  if (n > MAX_MAP_EXTENTS)
    return mrt_error_make (err, 0, "config.json: mounts[%zu].%s: %zu entries, the kernel takes at most %d", i, field, n,
                           MAX_MAP_EXTENTS);
  for (size_t j = 0; j < n; j++)
    {
      for (size_t k = 0; k < j; k++)
        {
          if (ranges_overlap (m[j].container_id, m[k].container_id, m[j].size, m[k].size))
            return mrt_error_make (err, 0, "config.json: mounts[%zu].%s[%zu]: containerID range overlaps entry %zu", i,
                                   field, j, k);
          if (ranges_overlap (m[j].host_id, m[k].host_id, m[j].size, m[k].size))
            return mrt_error_make (err, 0, "config.json: mounts[%zu].%s[%zu]: hostID range overlaps entry %zu", i,
                                   field, j, k);
        }
    }
  return 0;
}

/* runc 1.2's rules (libcontainer/configs/validate and specconv): bind
 * mounts only, not rootless, both maps or neither; "idmap"/"ridmap" with
 * neither takes the container's user namespace (its maps, or the joined
 * one), so there must be one. */
static int
validate_one (const struct mrt_spec *spec, const struct mrt_mount *m, const struct mrt_mount_options *o, size_t i,
              bool rootless, mrt_error_t *err)
{
  if (!mrt_mount_options_is_bind (o))
    return mrt_error_make (err, 0, "config.json: mounts[%zu].%s: idmapped mounts are only supported for bind mounts", i,
                           idmap_field (m));
  if (rootless)
    return mrt_error_make (err, 0,
                           "config.json: mounts[%zu].%s: idmapped mounts are not supported for rootless containers", i,
                           idmap_field (m));
  if (m->n_uid_mappings && !m->n_gid_mappings)
    return mrt_error_make (err, 0, "config.json: mounts[%zu].gidMappings: required along with uidMappings", i);
  if (m->n_gid_mappings && !m->n_uid_mappings)
    return mrt_error_make (err, 0, "config.json: mounts[%zu].uidMappings: required along with gidMappings", i);
  if (m->n_uid_mappings)
    return check_maps (m->uid_mappings, m->n_uid_mappings, i, "uidMappings", err) < 0
                   || check_maps (m->gid_mappings, m->n_gid_mappings, i, "gidMappings", err) < 0
               ? -1
               : 0;
  const char *word = o->idmap_recursive ? "ridmap" : "idmap";
  const struct mrt_namespace *ns = user_namespace (spec);
  if (ns == NULL)
    return mrt_error_make (err, 0,
                           "config.json: mounts[%zu].options: \"%s\" without uidMappings/gidMappings uses the "
                           "container's user namespace, and linux.namespaces has none",
                           i, word);
  if ((ns->path == NULL || *ns->path == '\0')
      && (spec->linux_->n_uid_mappings == 0 || spec->linux_->n_gid_mappings == 0))
    return mrt_error_make (err, 0,
                           "config.json: mounts[%zu].options: \"%s\" without uidMappings/gidMappings uses "
                           "linux.uidMappings/gidMappings, which are empty",
                           i, word);
  return 0;
}

int
mrt_idmap_validate (const struct mrt_spec *spec, bool rootless, mrt_error_t *err)
{
  for (size_t i = 0; i < spec->n_mounts; i++)
    {
      const struct mrt_mount *m = &spec->mounts[i];
      cleanup_mount_options struct mrt_mount_options o;
      mrt_mount_options_parse ((const char *const *)m->options, m->n_options, m->type, &o);
      if (mrt_mount_is_idmapped (m, &o) && validate_one (spec, m, &o, i, rootless, err) < 0)
        return -1;
    }
  return 0;
}

/* ---- the throwaway user namespace ---------------------------------------- */

/* The child unshares a user namespace, says so with one byte and lives
 * until `hold` reads EOF: when we close it, or when we die (with
 * PDEATHSIG as a second guard), so it can never outlive us. */
static void __attribute__ ((noreturn)) userns_child (int ready, int hold)
{
  prctl (PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
  if (unshare (CLONE_NEWUSER) < 0)
    _exit (1);
  if (write (ready, "u", 1) != 1)
    _exit (1);
  close (ready);
  char c;
  while (read (hold, &c, 1) < 0 && errno == EINTR)
    ;
  _exit (0);
}

int
mrt_idmap_userns_fd (const struct mrt_id_mapping *uids, size_t n_uids, const struct mrt_id_mapping *gids, size_t n_gids,
                     const char *field, mrt_error_t *err)
{
  int ready[2], hold[2];
  if (pipe2 (ready, O_CLOEXEC) < 0)
    return mrt_error_sys (err, "%s: pipe", field);
  if (pipe2 (hold, O_CLOEXEC) < 0)
    {
      mrt_error_sys (err, "%s: pipe", field);
      close (ready[0]), close (ready[1]);
      return -1;
    }
  pid_t pid = fork ();
  if (pid == 0)
    {
      close (ready[0]);
      close (hold[1]);
      userns_child (ready[1], hold[0]);
    }
  close (ready[1]);
  close (hold[0]);
  int fd = -1;
  if (pid < 0)
    {
      mrt_error_sys (err, "%s: fork the user namespace helper", field);
      goto out;
    }
  char c;
  ssize_t n;
  do
    n = read (ready[0], &c, 1);
  while (n < 0 && errno == EINTR);
  if (n != 1)
    {
      mrt_error_make (err, EPERM, "%s: the helper could not create a user namespace", field);
      goto out;
    }
  /* As root in our own user namespace no setgroups "deny" is needed
   * (rootless is refused by mrt_idmap_validate). */
  if (mrt_ns_write_map (pid, "uid_map", uids, n_uids, field, err) < 0
      || mrt_ns_write_map (pid, "gid_map", gids, n_gids, field, err) < 0)
    goto out;
  char path[64];
  snprintf (path, sizeof (path), "/proc/%d/ns/user", (int)pid);
  fd = open (path, O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    mrt_error_sys (err, "%s: open %s", field, path);
out:
  close (ready[0]);
  close (hold[1]);
  if (pid > 0)
    {
      kill (pid, SIGKILL);
      while (waitpid (pid, NULL, 0) < 0 && errno == EINTR)
        ;
    }
  return fd;
}

/* ---- the parent's trees -------------------------------------------------- */

/* Where an entry's id mappings come from: its own maps, the container's
 * new user namespace's maps, or a joined user namespace (path). */
struct idmap_source
{
  const struct mrt_id_mapping *uids, *gids;
  size_t n_uids, n_gids;
  const char *path;
};

static void
idmap_source_of (const struct mrt_spec *spec, const struct mrt_mount *m, struct idmap_source *s)
{
  memset (s, 0, sizeof (*s));
  if (m->n_uid_mappings || m->n_gid_mappings)
    {
      *s = (struct idmap_source){ m->uid_mappings, m->gid_mappings, m->n_uid_mappings, m->n_gid_mappings, NULL };
      return;
    }
  const struct mrt_namespace *ns = user_namespace (spec);
  if (ns && ns->path && *ns->path)
    {
      s->path = ns->path;
      return;
    }
  const struct mrt_linux *l = spec->linux_;
  *s = (struct idmap_source){ l->uid_mappings, l->gid_mappings, l->n_uid_mappings, l->n_gid_mappings, NULL };
}

static bool
same_maps (const struct mrt_id_mapping *a, size_t na, const struct mrt_id_mapping *b, size_t nb)
{
  return na == nb && (na == 0 || memcmp (a, b, na * sizeof (*a)) == 0);
}

static bool
same_source (const struct idmap_source *a, const struct idmap_source *b)
{
  if (a->path || b->path)
    return a->path && b->path && strcmp (a->path, b->path) == 0;
  return same_maps (a->uids, a->n_uids, b->uids, b->n_uids) && same_maps (a->gids, a->n_gids, b->gids, b->n_gids);
}

static int
source_userns_fd (const struct idmap_source *s, size_t i, const char *field, mrt_error_t *err)
{
  if (s->path)
    {
      int fd = open (s->path, O_RDONLY | O_CLOEXEC);
      if (fd < 0)
        return mrt_error_sys (err, "config.json: mounts[%zu].options: open user namespace \"%s\"", i, s->path);
      return fd;
    }
  cleanup_free char *what = xasprintf ("config.json: mounts[%zu].%s", i, field);
  return mrt_idmap_userns_fd (s->uids, s->n_uids, s->gids, s->n_gids, what, err);
}

static int
make_tree (const char *src, const struct mrt_mount_options *o, int userns, size_t i, const char *field,
           mrt_error_t *err)
{
  unsigned int flags = OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | ((o->flags & MS_REC) ? AT_RECURSIVE : 0);
  cleanup_close int tree = open_tree (AT_FDCWD, src, flags);
  if (tree < 0)
    return mrt_error_sys (err, "config.json: mounts[%zu].source: open_tree \"%s\"", i, src);
  struct mount_attr attr = { .attr_set = MOUNT_ATTR_IDMAP, .userns_fd = (uint64_t)userns };
  unsigned int at = AT_EMPTY_PATH | (o->idmap_recursive ? AT_RECURSIVE : 0);
  if (mount_setattr (tree, "", at, &attr, sizeof (attr)) < 0)
    {
      if (errno == EINVAL)
        return mrt_error_sys (err,
                              "config.json: mounts[%zu].%s: \"%s\" cannot be idmapped (a filesystem without support?)",
                              i, field, src);
      return mrt_error_sys (err, "config.json: mounts[%zu].%s: idmapped mount of \"%s\"", i, field, src);
    }
  return steal_fd (&tree);
}

int
mrt_idmap_trees_open (const struct mrt_spec *spec, const char *bundle, struct mrt_idmap_trees *t, mrt_error_t *err)
{
  t->fds = NULL;
  t->n = 0;
  size_t n = spec->n_mounts;
  cleanup_free int *userns = xmalloc0 ((n ? n : 1) * sizeof (int));
  cleanup_free struct idmap_source *sources = xmalloc0 ((n ? n : 1) * sizeof (*sources));
  for (size_t i = 0; i < n; i++)
    userns[i] = -1;
  int ret = 0;
  for (size_t i = 0; i < n && ret == 0; i++)
    {
      const struct mrt_mount *m = &spec->mounts[i];
      cleanup_mount_options struct mrt_mount_options o;
      mrt_mount_options_parse ((const char *const *)m->options, m->n_options, m->type, &o);
      if (!mrt_mount_is_idmapped (m, &o))
        continue;
      if (t->fds == NULL)
        {
          t->n = n;
          t->fds = xmalloc0 (n * sizeof (int));
          for (size_t j = 0; j < n; j++)
            t->fds[j] = -1;
        }
      const char *field = idmap_field (m);
      idmap_source_of (spec, m, &sources[i]);
      /* One helper per distinct mapping, as several volumes usually share
       * the container's. */
      int ns = -1;
      for (size_t j = 0; j < i && ns < 0; j++)
        if (userns[j] >= 0 && same_source (&sources[j], &sources[i]))
          ns = userns[j];
      if (ns < 0)
        ns = userns[i] = source_userns_fd (&sources[i], i, field, err);
      if (ns < 0)
        {
          ret = -1;
          break;
        }
      const char *source = m->source ? m->source : "";
      cleanup_free char *src
          = source[0] == '/' || bundle == NULL ? xstrdup (source) : xasprintf ("%s/%s", bundle, source);
      t->fds[i] = make_tree (src, &o, ns, i, field, err);
      if (t->fds[i] < 0)
        ret = -1;
    }
  for (size_t i = 0; i < n; i++)
    if (userns[i] >= 0)
      close (userns[i]);
  if (ret < 0)
    mrt_idmap_trees_close (t);
  return ret;
}

void
mrt_idmap_trees_close (struct mrt_idmap_trees *t)
{
  for (size_t i = 0; t->fds && i < t->n; i++)
    if (t->fds[i] >= 0)
      close (t->fds[i]);
  free (t->fds);
  t->fds = NULL;
  t->n = 0;
}

/* ---- the init's attach --------------------------------------------------- */

int
mrt_idmap_attach (int rootfd, int tree, const char *dest, unsigned long remount_flags, mrt_error_t *err)
{
  struct stat st;
  if (fstat (tree, &st) < 0)
    return mrt_error_sys (err, "stat the idmapped tree for \"%s\"", dest);
  cleanup_close int target = mrt_create_in_root (rootfd, dest, S_ISDIR (st.st_mode), err);
  if (target < 0)
    return mrt_error_prefix (err, "idmap");
  if (move_mount (tree, "", target, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
    return mrt_error_sys (err, "move the idmapped mount onto \"%s\"", dest);
  if (remount_flags == 0)
    return 0;
  cleanup_close int top = mrt_open_in_root (rootfd, dest, O_PATH);
  if (top < 0)
    return mrt_error_sys (err, "open \"%s\"", dest);
  struct mrt_fd_path fp;
  if (mrt_remount_bind (mrt_fd_path (top, &fp), remount_flags, false) < 0)
    return mrt_error_sys (err, "remount the idmapped mount on \"%s\"", dest);
  return 0;
}

bool
mrt_idmap_supported (void)
{
  /* Invalid arguments on purpose: only ENOSYS says the call is missing. */
  return syscall (SYS_mount_setattr, -1, "", 0, NULL, 0) < 0 && errno != ENOSYS;
}
