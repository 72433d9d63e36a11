/* SPDX-License-Identifier: Apache-2.0 */
/* /dev inside the container, like runc: the default devices, linux.devices
 * (mknod, or bind mounts of the host's nodes in a user namespace), the
 * /dev/fd and stdio links, /dev/ptmx -> pts/ptmx, and /dev/pts and
 * /dev/shm when `mounts` does not provide them.  Paths are resolved inside
 * the rootfs (rootfs_path.h). */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "mount_options.h"
#include "rootfs_internal.h"
#include "rootfs_path.h"
#include "utils.h"

static const struct mrt_device default_devices[] = {
  /* runc's order (specconv.AllowedDevices): it shows in mountinfo when
   * they are bind mounts (user namespaces, rootless). */
  { 'c', (char *)"/dev/null", 1, 3, { true, 0666 }, { true, 0 }, { true, 0 } },
  { 'c', (char *)"/dev/random", 1, 8, { true, 0666 }, { true, 0 }, { true, 0 } },
  { 'c', (char *)"/dev/full", 1, 7, { true, 0666 }, { true, 0 }, { true, 0 } },
  { 'c', (char *)"/dev/tty", 5, 0, { true, 0666 }, { true, 0 }, { true, 0 } },
  { 'c', (char *)"/dev/zero", 1, 5, { true, 0666 }, { true, 0 }, { true, 0 } },
  { 'c', (char *)"/dev/urandom", 1, 9, { true, 0666 }, { true, 0 }, { true, 0 } },
};

static mode_t
device_type (char t)
{
  switch (t)
    {
    case 'b':
      return S_IFBLK;
    case 'p':
      return S_IFIFO;
    default:
      return S_IFCHR;
    }
}

/* The host's node bound onto an empty file: mknod is not allowed in a
 * user namespace. */
static int
bind_device (const struct mrt_mount_ctx *ctx, const struct mrt_device *d, mrt_error_t *err)
{
  cleanup_close int fd = mrt_create_in_root (ctx->rootfd, d->path, false, err);
  if (fd < 0)
    return -1;
  struct mrt_fd_path fp;
  if (mount (d->path, mrt_fd_path (fd, &fp), NULL, MS_BIND, NULL) < 0)
    return mrt_error_sys (err, "bind mount \"%s\"", d->path);
  return 0;
}

static int
create_device (const struct mrt_mount_ctx *ctx, const struct mrt_device *d, mrt_error_t *err)
{
  if (ctx->in_userns)
    return bind_device (ctx, d, err);
  const char *name;
  cleanup_close int parent = mrt_open_parent_in_root (ctx->rootfd, d->path, &name, err);
  if (parent < 0)
    return -1;
  mode_t perm = (d->file_mode.set ? d->file_mode.value : 0666) & 07777;
  dev_t dev = d->type == 'p' ? 0 : makedev (d->major, d->minor);
  if (mknodat (parent, name, device_type (d->type) | perm, dev) < 0)
    {
      if (errno == EEXIST)
        return 0;
      if (errno == EPERM)
        return bind_device (ctx, d, err);
      return mrt_error_sys (err, "mknod \"%s\"", d->path);
    }
  /* mknod applied the umask; the config's mode is the final word. */
  if (fchmodat (parent, name, perm, 0) < 0)
    return mrt_error_sys (err, "chmod \"%s\"", d->path);
  uid_t uid = d->uid.set ? d->uid.value : 0;
  gid_t gid = d->gid.set ? d->gid.value : 0;
  if (fchownat (parent, name, uid, gid, AT_SYMLINK_NOFOLLOW) < 0)
    return mrt_error_sys (err, "chown \"%s\"", d->path);
  return 0;
}

static bool
spec_has_device (const struct mrt_spec *spec, const char *path)
{
  const struct mrt_linux *l = spec->linux_;
  for (size_t i = 0; l && i < l->n_devices; i++)
    if (mrt_path_equal (l->devices[i].path, path))
      return true;
  return false;
}

static int
dev_symlinks (int devfd, mrt_error_t *err)
{
  static const char *const links[][2] = {
    { "/proc/self/fd", "fd" },       { "/proc/self/fd/0", "stdin" }, { "/proc/self/fd/1", "stdout" },
    { "/proc/self/fd/2", "stderr" }, { "/proc/kcore", "core" },
  };
  for (size_t i = 0; i < ARRAY_SIZE (links); i++)
    {
      if (strcmp (links[i][1], "core") == 0 && access ("/proc/kcore", F_OK) < 0)
        continue;
      if (symlinkat (links[i][0], devfd, links[i][1]) < 0 && errno != EEXIST)
        return mrt_error_sys (err, "symlink \"/dev/%s\"", links[i][1]);
    }
  if (unlinkat (devfd, "ptmx", 0) < 0 && errno != ENOENT)
    return mrt_error_sys (err, "remove \"/dev/ptmx\"");
  if (symlinkat ("pts/ptmx", devfd, "ptmx") < 0)
    return mrt_error_sys (err, "symlink \"/dev/ptmx\"");
  return 0;
}

/* /dev/pts and /dev/shm with runc's default options, when `mounts` has none. */
static int
default_dev_mounts (const struct mrt_mount_ctx *ctx, const struct mrt_spec *spec, mrt_error_t *err)
{
  static char *pts_opts[] = { "nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620", "gid=5" };
  static char *shm_opts[] = { "nosuid", "noexec", "nodev", "mode=1777", "size=65536k" };
  struct mrt_mount pts = { .destination = "/dev/pts",
                           .source = "devpts",
                           .type = "devpts",
                           .options = pts_opts,
                           .n_options = ARRAY_SIZE (pts_opts) - (ctx->in_userns ? 1 : 0) };
  struct mrt_mount shm = {
    .destination = "/dev/shm", .source = "shm", .type = "tmpfs", .options = shm_opts, .n_options = ARRAY_SIZE (shm_opts)
  };
  if (mrt_find_mount (spec, "/dev/pts") == NULL && mrt_mount_entry (ctx, &pts, 0, err) < 0)
    return mrt_error_prefix (err, "default /dev/pts");
  if (mrt_find_mount (spec, "/dev/shm") == NULL && mrt_mount_entry (ctx, &shm, 0, err) < 0)
    return mrt_error_prefix (err, "default /dev/shm");
  return 0;
}

int
mrt_devices_setup (const struct mrt_mount_ctx *ctx, const struct mrt_spec *spec, mrt_error_t *err)
{
  /* A bind-mounted /dev is the user's business, as in runc. */
  const struct mrt_mount *devm = mrt_find_mount (spec, "/dev");
  if (devm)
    {
      cleanup_mount_options struct mrt_mount_options o;
      mrt_mount_options_parse ((const char *const *)devm->options, devm->n_options, devm->type, &o);
      if (mrt_mount_options_is_bind (&o))
        return 0;
    }
  cleanup_close int devfd = mrt_mkdir_in_root (ctx->rootfd, "/dev", 0755, err);
  if (devfd < 0)
    return mrt_error_prefix (err, "/dev");

  for (size_t i = 0; i < ARRAY_SIZE (default_devices); i++)
    if (!spec_has_device (spec, default_devices[i].path) && create_device (ctx, &default_devices[i], err) < 0)
      return mrt_error_prefix (err, "default device \"%s\"", default_devices[i].path);
  const struct mrt_linux *l = spec->linux_;
  for (size_t i = 0; l && i < l->n_devices; i++)
    if (create_device (ctx, &l->devices[i], err) < 0)
      return mrt_error_prefix (err, "linux.devices[%zu]", i);
  if (dev_symlinks (devfd, err) < 0)
    return -1;
  return default_dev_mounts (ctx, spec, err);
}
