/* SPDX-License-Identifier: Apache-2.0 */
/* The container's root filesystem, as runc builds it:
 *   prepare: propagation of "/" (linux.rootfsPropagation, default rslave),
 *            parent of the rootfs made private if shared, rootfs bound onto
 *            itself, every `mounts` entry, /dev and devices;
 *   pivot:   pivot_root(".", ".") + umount of the old root (or MS_MOVE +
 *            chroot for --no-pivot), read-only root, rootfs propagation,
 *            linux.sysctl, linux.personality, readonlyPaths, maskedPaths. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "mount_options.h"
#include "rootfs.h"
#include "rootfs_internal.h"
#include "rootfs_path.h"
#include "syscalls.h"
#include "utils.h"

static bool
has_namespace (const struct mrt_spec *spec, enum mrt_ns_type type)
{
  const struct mrt_linux *l = spec->linux_;
  for (size_t i = 0; l && i < l->n_namespaces; i++)
    if (l->namespaces[i].type == type)
      return true;
  return false;
}

static long
root_propagation (const struct mrt_spec *spec)
{
  long p = mrt_propagation_parse (spec->linux_ ? spec->linux_->rootfs_propagation : NULL);
  return p < 0 ? 0 : p;
}

/* pivot_root refuses a new root whose parent mount is shared: find the
 * mount holding the rootfs's parent directory and make it private (only
 * in our namespace). */
static int
make_parent_mount_private (const char *rootfs, mrt_error_t *err)
{
  char real[PATH_MAX];
  if (realpath (rootfs, real) == NULL)
    return mrt_error_sys (err, "realpath \"%s\"", rootfs);
  char *slash = strrchr (real, '/');
  if (slash && slash != real)
    *slash = '\0';
  cleanup_file FILE *f = fopen ("/proc/self/mountinfo", "re");
  if (f == NULL)
    return mrt_error_sys (err, "open /proc/self/mountinfo");
  cleanup_free char *line = NULL, *best = NULL;
  bool best_shared = false;
  size_t cap = 0, best_len = 0;
  while (getline (&line, &cap, f) > 0)
    {
      char mp[PATH_MAX];
      if (sscanf (line, "%*s %*s %*s %*s %4095s", mp) != 1)
        continue;
      size_t l = strlen (mp);
      bool prefix = strcmp (mp, "/") == 0 || (strncmp (real, mp, l) == 0 && (real[l] == '/' || real[l] == '\0'));
      if (!prefix || l < best_len)
        continue;
      free (best);
      best = xstrdup (mp);
      best_len = l;
      char *sep = strstr (line, " - ");
      char *sh = strstr (line, " shared:");
      best_shared = sh != NULL && (sep == NULL || sh < sep);
    }
  if (best && best_shared && mount (NULL, best, NULL, MS_PRIVATE, NULL) < 0)
    return mrt_error_sys (err, "make \"%s\" private", best);
  return 0;
}

static int
remount_dev_readonly (const struct mrt_mount_ctx *ctx, const struct mrt_spec *spec, mrt_error_t *err)
{
  const struct mrt_mount *devm = mrt_find_mount (spec, "/dev");
  if (devm == NULL)
    return 0;
  cleanup_mount_options struct mrt_mount_options o;
  mrt_mount_options_parse ((const char *const *)devm->options, devm->n_options, devm->type, &o);
  if (mrt_mount_options_is_bind (&o) || !(o.flags & MS_RDONLY))
    return 0;
  cleanup_close int fd = mrt_open_in_root (ctx->rootfd, "/dev", O_PATH);
  struct mrt_fd_path fp;
  if (fd < 0 || mount (NULL, mrt_fd_path (fd, &fp), NULL, MS_REMOUNT | o.flags, o.data) < 0)
    return mrt_error_sys (err, "remount \"/dev\" read-only");
  return 0;
}

/* After clone(CLONE_NEWUSER) our ids are the host's, unmapped inside:
 * files we create would fail with EOVERFLOW.  Become the namespace's root
 * (as runc's nsexec does); capabilities stay full. */
static int
become_userns_root (mrt_error_t *err)
{
  if (getuid () == 0 && getgid () == 0)
    return 0;
  if (syscall (SYS_setresgid, 0, 0, 0) < 0)
    return mrt_error_sys (err, "linux.gidMappings: setresgid 0 in the user namespace");
  if (syscall (SYS_setresuid, 0, 0, 0) < 0)
    return mrt_error_sys (err, "linux.uidMappings: setresuid 0 in the user namespace");
  return 0;
}

int
mrt_rootfs_prepare (const struct mrt_spec *spec, const struct mrt_rootfs_options *opts, mrt_error_t *err)
{
  if (opts->in_userns && become_userns_root (err) < 0)
    return -1;
  if (!opts->new_mount_ns)
    return 0;
  long prop = root_propagation (spec);
  if (mount (NULL, "/", NULL, prop ? (unsigned long)prop : MS_SLAVE | MS_REC, NULL) < 0)
    return mrt_error_sys (err, "linux.rootfsPropagation: set propagation of \"/\"");
  if (make_parent_mount_private (opts->rootfs, err) < 0)
    return mrt_error_prefix (err, "root.path");
  if (mount (opts->rootfs, opts->rootfs, "bind", MS_BIND | MS_REC, NULL) < 0)
    return mrt_error_sys (err, "root.path: bind mount \"%s\"", opts->rootfs);

  cleanup_close int rootfd = open (opts->rootfs, O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (rootfd < 0)
    return mrt_error_sys (err, "root.path: open \"%s\"", opts->rootfs);
  struct mrt_mount_ctx ctx = {
    .rootfd = rootfd,
    .rootfs = opts->rootfs,
    .bundle = opts->bundle,
    .in_userns = opts->in_userns,
    .new_netns = has_namespace (spec, MRT_NS_NETWORK),
    .new_cgroupns = has_namespace (spec, MRT_NS_CGROUP),
    .idmap_trees = opts->idmap_trees,
    .n_idmap_trees = opts->n_idmap_trees,
  };
  for (size_t i = 0; i < spec->n_mounts; i++)
    if (mrt_mount_entry (&ctx, &spec->mounts[i], i, err) < 0)
      return -1;
  if (mrt_devices_setup (&ctx, spec, err) < 0)
    return -1;
  return remount_dev_readonly (&ctx, spec, err);
}

/* runc's trick: no put_old directory is needed, the old root ends up
 * stacked under the new one and is detached right away. */
static int
pivot (const char *rootfs, mrt_error_t *err)
{
  cleanup_close int oldroot = open ("/", O_DIRECTORY | O_RDONLY | O_CLOEXEC);
  if (oldroot < 0)
    return mrt_error_sys (err, "open \"/\"");
  cleanup_close int newroot = open (rootfs, O_DIRECTORY | O_RDONLY | O_CLOEXEC);
  if (newroot < 0)
    return mrt_error_sys (err, "open \"%s\"", rootfs);
  if (fchdir (newroot) < 0)
    return mrt_error_sys (err, "chdir \"%s\"", rootfs);
  if (mrt_pivot_root (".", ".") < 0)
    return mrt_error_sys (err, "pivot_root \"%s\"", rootfs);
  if (fchdir (oldroot) < 0)
    return mrt_error_sys (err, "chdir to the old root");
  /* Our unmount must not propagate to the host. */
  if (mount (NULL, ".", NULL, MS_SLAVE | MS_REC, NULL) < 0)
    return mrt_error_sys (err, "make the old root rslave");
  if (umount2 (".", MNT_DETACH) < 0)
    return mrt_error_sys (err, "unmount the old root");
  if (chdir ("/") < 0)
    return mrt_error_sys (err, "chdir \"/\"");
  return 0;
}

static int
move_root (const char *rootfs, mrt_error_t *err)
{
  if (chdir (rootfs) < 0)
    return mrt_error_sys (err, "chdir \"%s\"", rootfs);
  if (mount (rootfs, "/", NULL, MS_MOVE, NULL) < 0)
    return mrt_error_sys (err, "move \"%s\" to \"/\"", rootfs);
  if (chroot (".") < 0)
    return mrt_error_sys (err, "chroot \"%s\"", rootfs);
  if (chdir ("/") < 0)
    return mrt_error_sys (err, "chdir \"/\"");
  return 0;
}

static int
readonly_path (int rootfd, const char *path, mrt_error_t *err)
{
  cleanup_close int fd = mrt_open_in_root (rootfd, path, O_PATH);
  if (fd < 0 && errno == ENOENT)
    return 0;
  if (fd < 0)
    return mrt_error_sys (err, "open \"%s\"", path);
  struct mrt_fd_path fp;
  if (mount (mrt_fd_path (fd, &fp), fp.s, NULL, MS_BIND | MS_REC, NULL) < 0)
    return mrt_error_sys (err, "bind mount \"%s\"", path);
  cleanup_close int top = mrt_open_in_root (rootfd, path, O_PATH);
  if (top < 0 || mrt_remount_bind (mrt_fd_path (top, &fp), MS_RDONLY, true) < 0)
    return mrt_error_sys (err, "remount \"%s\" read-only", path);
  return 0;
}

static int
masked_path (int rootfd, const char *path, mrt_error_t *err)
{
  cleanup_close int fd = mrt_open_in_root (rootfd, path, O_PATH);
  if (fd < 0 && errno == ENOENT)
    return 0;
  if (fd < 0)
    return mrt_error_sys (err, "open \"%s\"", path);
  struct stat st;
  if (fstat (fd, &st) < 0)
    return mrt_error_sys (err, "stat \"%s\"", path);
  struct mrt_fd_path fp;
  if (S_ISDIR (st.st_mode))
    {
      if (mount ("tmpfs", mrt_fd_path (fd, &fp), "tmpfs", MS_RDONLY, NULL) < 0)
        return mrt_error_sys (err, "mount \"tmpfs\" on \"%s\"", path);
    }
  else if (mount ("/dev/null", mrt_fd_path (fd, &fp), NULL, MS_BIND, NULL) < 0)
    return mrt_error_sys (err, "mount \"/dev/null\" on \"%s\"", path);
  return 0;
}

int
mrt_rootfs_pivot (const struct mrt_spec *spec, const struct mrt_rootfs_options *opts, mrt_error_t *err)
{
  if (!opts->new_mount_ns)
    {
      if (chroot (opts->rootfs) < 0 || chdir ("/") < 0)
        return mrt_error_sys (err, "chroot \"%s\"", opts->rootfs);
      return 0;
    }
  if ((opts->no_pivot ? move_root (opts->rootfs, err) : pivot (opts->rootfs, err)) < 0)
    return mrt_error_prefix (err, "root.path");

  if (spec->root && spec->root->readonly && mrt_remount_bind ("/", MS_RDONLY, false) < 0)
    return mrt_error_sys (err, "root.readonly: remount \"/\" read-only");
  long prop = root_propagation (spec);
  if (prop && !(prop & MS_PRIVATE) && mount (NULL, "/", NULL, prop, NULL) < 0)
    return mrt_error_sys (err, "linux.rootfsPropagation: set propagation of \"/\"");

  if (mrt_sysctl_apply (spec, err) < 0)
    return -1;

  const struct mrt_linux *l = spec->linux_;
  if (l == NULL)
    return 0;
  /* The contract has no other step that sees linux.personality. */
  if (mrt_personality_apply (l->personality, err) < 0)
    return -1;
  cleanup_close int rootfd = open ("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (rootfd < 0)
    return mrt_error_sys (err, "open \"/\"");
  for (size_t i = 0; i < l->n_readonly_paths; i++)
    if (readonly_path (rootfd, l->readonly_paths[i], err) < 0)
      return mrt_error_prefix (err, "linux.readonlyPaths[%zu]", i);
  for (size_t i = 0; i < l->n_masked_paths; i++)
    if (masked_path (rootfd, l->masked_paths[i], err) < 0)
      return mrt_error_prefix (err, "linux.maskedPaths[%zu]", i);
  return 0;
}
