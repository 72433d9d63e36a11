/* SPDX-License-Identifier: Apache-2.0 */
/* The rootless decisions of include/minirt/rootless.h, after runc 1.1.5's
 * rootless_linux.go, main.go and libcontainer/cgroups/fs. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "minirt/rootless.h"
#include "utils.h"

int
mrt_rootless_cgroups (const char *flag, uid_t euid, bool in_userns, bool *out, mrt_error_t *err)
{
  if (flag && strcmp (flag, "true") == 0)
    *out = true;
  else if (flag && strcmp (flag, "false") == 0)
    *out = false;
  else if (flag == NULL || strcmp (flag, "auto") == 0)
    /* Root inside a user namespace cannot know whether the cgroup is its
     * own, so runc lets it survive permission errors too. */
    *out = euid != 0 || in_userns;
  else
    return mrt_error_make (err, 0, "invalid --rootless \"%s\": expected true, false or auto", flag);
  return 0;
}

bool
mrt_uid_map_is_userns (const char *uid_map)
{
  unsigned long inside, outside, len;
  if (uid_map == NULL || sscanf (uid_map, "%lu %lu %lu", &inside, &outside, &len) != 3)
    return false;
  /* Any second line means a namespace too. */
  const char *nl = strchr (uid_map, '\n');
  bool more = nl && nl[1] != '\0';
  return more || inside != 0 || outside != 0 || len != 4294967295UL;
}

bool
mrt_running_in_userns (void)
{
  cleanup_close int fd = open ("/proc/self/uid_map", O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return false;
  char buf[4096];
  ssize_t n = read (fd, buf, sizeof (buf) - 1);
  if (n <= 0)
    return false;
  buf[n] = '\0';
  return mrt_uid_map_is_userns (buf);
}

char *
mrt_default_state_root (uid_t euid, bool in_userns, const char *xdg, const char *user, bool *from_xdg)
{
  bool honour = false;
  if (xdg && *xdg)
    {
      if (euid != 0)
        honour = true;
      else if (in_userns)
        honour = user == NULL || strcmp (user, "root") != 0;
      /* The real root keeps /run/minirt even with XDG_RUNTIME_DIR=/run/user/0. */
    }
  *from_xdg = honour;
  return honour ? xasprintf ("%s/minirt", xdg) : xstrdup ("/run/minirt");
}

int
mrt_xdg_state_root_prepare (const char *root, mrt_error_t *err)
{
  if (mrt_mkdir_p (root, 0700, err) < 0)
    return mrt_error_prefix (err, "$XDG_RUNTIME_DIR: the path must be writable by the user");
  if (chmod (root, 01700) < 0)
    return mrt_error_sys (err, "$XDG_RUNTIME_DIR: check the permissions of the path: chmod %s", root);
  return 0;
}

bool
mrt_cgroup_error_ignorable (bool rootless, const char *cgroups_path, int errnum)
{
  if (!rootless || (cgroups_path && *cgroups_path))
    return false;
  return errnum == EPERM || errnum == EACCES || errnum == EROFS;
}

static bool
id_mapped (const struct mrt_id_mapping *m, size_t n, uint64_t id)
{
  for (size_t i = 0; i < n; i++)
    if (id >= m[i].container_id && id - m[i].container_id < m[i].size)
      return true;
  return false;
}

/* The numeric value of a "uid=N" option (runc reads it with %d and lets
 * anything else pass as an unknown option). */
static bool
option_id (const char *opt, const char *key, uint64_t *id)
{
  size_t kl = strlen (key);
  if (strncmp (opt, key, kl) != 0)
    return false;
  char *end = NULL;
  errno = 0;
  unsigned long long v = strtoull (opt + kl, &end, 10);
  if (end == opt + kl || errno != 0 || opt[kl] == '-')
    return false;
  *id = v;
  return true;
}

int
mrt_rootless_validate (const struct mrt_spec *spec, bool has_userns, bool creates, mrt_error_t *err)
{
  const struct mrt_linux *l = spec->linux_;
  if (!has_userns)
    return mrt_error_make (err, 0, "linux.namespaces: rootless container requires user namespaces");
  /* A joined namespace comes with its maps; only a new one needs them here. */
  if (!creates)
    return 0;
  if (l == NULL || l->n_uid_mappings == 0)
    return mrt_error_make (err, 0, "linux.uidMappings: a rootless container requires at least one uid mapping");
  if (l->n_gid_mappings == 0)
    return mrt_error_make (err, 0, "linux.gidMappings: a rootless container requires at least one gid mapping");
  for (size_t i = 0; i < spec->n_mounts; i++)
    {
      const struct mrt_mount *m = &spec->mounts[i];
      for (size_t j = 0; j < m->n_options; j++)
        {
          uint64_t id;
          if (option_id (m->options[j], "uid=", &id) && !id_mapped (l->uid_mappings, l->n_uid_mappings, id))
            return mrt_error_make (err, 0,
                                   "mounts[%zu].options: %s: cannot specify uid= mount options for unmapped uid in "
                                   "rootless containers",
                                   i, m->options[j]);
          if (option_id (m->options[j], "gid=", &id) && !id_mapped (l->gid_mappings, l->n_gid_mappings, id))
            return mrt_error_make (err, 0,
                                   "mounts[%zu].options: %s: cannot specify gid= mount options for unmapped gid in "
                                   "rootless containers",
                                   i, m->options[j]);
        }
    }
  return spec->process ? mrt_rootless_validate_user (l, &spec->process->user, err) : 0;
}

int
mrt_rootless_validate_user (const struct mrt_linux *l, const struct mrt_user *u, mrt_error_t *err)
{
  /* A joined user namespace's maps are not in the config: the kernel
   * judges those ids. */
  bool maps = l && l->n_uid_mappings > 0 && l->n_gid_mappings > 0;
  if (maps && !id_mapped (l->uid_mappings, l->n_uid_mappings, u->uid))
    return mrt_error_make (err, 0, "process.user.uid: cannot set uid to unmapped user in user namespace");
  if (maps && !id_mapped (l->gid_mappings, l->n_gid_mappings, u->gid))
    return mrt_error_make (err, 0, "process.user.gid: cannot set gid to unmapped user in user namespace");
  if (u->n_additional_gids > 0)
    return mrt_error_make (err, 0,
                           "process.user.additionalGids: cannot set any additional groups in a rootless container");
  return 0;
}
