/* SPDX-License-Identifier: Apache-2.0 */
/* linux.sysctl: "net.ipv4.ip_forward" -> /proc/sys/net/ipv4/ip_forward,
 * opened beneath /proc/sys so a key cannot name another file.  A value
 * already in place is not written again, which makes a second call (after
 * /proc/sys became read-only) harmless. */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>

#include "rootfs.h"
#include "syscalls.h"
#include "utils.h"

/* Equal up to whitespace differences ("4096\t87380" vs "4096 87380"). */
static bool
same_value (const char *a, const char *b)
{
  for (;;)
    {
      while (*a == ' ' || *a == '\t' || *a == '\n')
        a++;
      while (*b == ' ' || *b == '\t' || *b == '\n')
        b++;
      if (*a == '\0' || *b == '\0')
        return *a == *b;
      const char *ea = a + strcspn (a, " \t\n"), *eb = b + strcspn (b, " \t\n");
      if (ea - a != eb - b || memcmp (a, b, ea - a) != 0)
        return false;
      a = ea, b = eb;
    }
}

static int
write_sysctl (int sysfd, const struct mrt_kv *kv, mrt_error_t *err)
{
  cleanup_free char *rel = xstrdup (kv->key);
  for (char *p = rel; *p; p++)
    if (*p == '.')
      *p = '/';
  const uint64_t resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS;
  cleanup_close int fd = mrt_openat2 (sysfd, rel, O_RDWR | O_CLOEXEC, 0, resolve);
  int open_errno = errno;
  cleanup_close int rfd = fd >= 0 ? -1 : mrt_openat2 (sysfd, rel, O_RDONLY | O_CLOEXEC, 0, resolve);
  int readfd = fd >= 0 ? fd : rfd;
  if (readfd >= 0)
    {
      char cur[4096];
      ssize_t n = pread (readfd, cur, sizeof (cur) - 1, 0);
      if (n >= 0)
        {
          cur[n] = '\0';
          if (same_value (cur, kv->value))
            return 0;
        }
    }
  if (fd < 0)
    return mrt_error_make (err, open_errno, "open /proc/sys/%s", rel);
  if (mrt_write_all (fd, kv->value, strlen (kv->value)) < 0)
    return mrt_error_sys (err, "write /proc/sys/%s", rel);
  return 0;
}

int
mrt_sysctl_apply (const struct mrt_spec *spec, mrt_error_t *err)
{
  const struct mrt_linux *l = spec->linux_;
  if (l == NULL || l->n_sysctl == 0)
    return 0;
  cleanup_close int sysfd = open ("/proc/sys", O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (sysfd < 0)
    return mrt_error_sys (err, "linux.sysctl: open /proc/sys");
  for (size_t i = 0; i < l->n_sysctl; i++)
    if (write_sysctl (sysfd, &l->sysctl[i], err) < 0)
      return mrt_error_prefix (err, "linux.sysctl[\"%s\"]", l->sysctl[i].key);
  return 0;
}

/* The network namespace at `path` is ours (the runtime's), i.e. the host's. */
static int
is_host_netns (const char *path, bool *host, mrt_error_t *err)
{
  struct stat a, b;
  if (stat (path, &a) < 0)
    return mrt_error_sys (err, "linux.namespaces: network namespace \"%s\"", path);
  if (stat ("/proc/self/ns/net", &b) < 0)
    return mrt_error_sys (err, "linux.sysctl: stat /proc/self/ns/net");
  *host = a.st_dev == b.st_dev && a.st_ino == b.st_ino;
  return 0;
}

int
mrt_sysctl_validate (const struct mrt_spec *spec, bool ipc, bool uts, bool net, const char *net_path, mrt_error_t *err)
{
  static const char *const ipc_keys[] = { "kernel.msgmax", "kernel.msgmnb", "kernel.msgmni", "kernel.sem",
                                          "kernel.shmall", "kernel.shmmax", "kernel.shmmni", "kernel.shm_rmid_forced" };
  const struct mrt_linux *l = spec->linux_;
  for (size_t i = 0; l && i < l->n_sysctl; i++)
    {
      const char *k = l->sysctl[i].key;
      bool is_ipc = strncmp (k, "fs.mqueue.", 10) == 0;
      for (size_t j = 0; j < ARRAY_SIZE (ipc_keys) && !is_ipc; j++)
        is_ipc = strcmp (k, ipc_keys[j]) == 0;
      if (is_ipc)
        {
          if (!ipc)
            return mrt_error_make (err, 0, "linux.sysctl[\"%s\"]: not allowed in the host's ipc namespace", k);
          continue;
        }
      if (strncmp (k, "net.", 4) == 0)
        {
          bool host = !net;
          if (net && net_path && is_host_netns (net_path, &host, err) < 0)
            return -1;
          if (host)
            return mrt_error_make (err, 0, "linux.sysctl[\"%s\"]: not allowed in host network namespace", k);
          continue;
        }
      if (uts && strcmp (k, "kernel.domainname") == 0)
        continue;
      if (uts && strcmp (k, "kernel.hostname") == 0)
        return mrt_error_make (
            err, 0, "linux.sysctl[\"kernel.hostname\"]: not allowed as it conflicts with the OCI \"hostname\" field");
      return mrt_error_make (err, 0, "linux.sysctl[\"%s\"]: not in a separate kernel namespace", k);
    }
  return 0;
}
