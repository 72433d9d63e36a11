/* SPDX-License-Identifier: Apache-2.0 */
/* The switch to process.user: supplementary groups, gid, uid, umask.
 * Capabilities survive the uid change (PR_SET_KEEPCAPS) so mrt_caps_apply
 * can set them afterwards.  Raw syscalls: the child may come from a raw
 * clone, where glibc's all-threads setxid broadcast has no business. */
#include <errno.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <sys/syscall.h>

#include "rootfs.h"
#include "utils.h"

/* In a user namespace whose setgroups file says "deny", setgroups(2) is
 * refused: leave the groups alone unless some were asked for. */
static bool
setgroups_denied (void)
{
  char *s = NULL;
  mrt_error_t e = NULL;
  if (mrt_read_file ("/proc/self/setgroups", 64, &s, NULL, &e) < 0)
    {
      mrt_error_free (&e);
      return false;
    }
  bool deny = strncmp (s, "deny", 4) == 0;
  free (s);
  return deny;
}

/* runc's fixStdioPermissions: stdio not already owned by the user is given
 * to the user, keeping its group, so that the user can reopen it
 * (/dev/stdout, /proc/self/fd/N) and own its terminal.  minirt hands the
 * caller's stdio over untouched where runc puts its own pipes in between
 * (foreground run and exec), so only what a container may own is changed:
 * pipes and sockets (what containerd, conmon and runc itself pass) and a
 * pty of the container's own devpts.  A caller's terminal or file stays the
 * caller's.  Refusals (an unmapped owner in a user namespace, a read-only
 * /dev) leave the fd alone, as in runc. */
static int
stdio_to_user (uid_t uid, mrt_error_t *err)
{
  struct stat pts, st;
  bool have_pts = stat ("/dev/pts/ptmx", &pts) == 0;
  for (int fd = 0; fd <= 2; fd++)
    {
      if (fstat (fd, &st) < 0)
        {
          if (errno == EBADF)
            continue;
          return mrt_error_sys (err, "fstat fd %d", fd);
        }
      bool ours = S_ISFIFO (st.st_mode) || S_ISSOCK (st.st_mode)
                  || (S_ISCHR (st.st_mode) && have_pts && st.st_dev == pts.st_dev);
      if (!ours || st.st_uid == uid)
        continue;
      if (fchown (fd, uid, st.st_gid) < 0 && errno != EINVAL && errno != EPERM && errno != EROFS)
        return mrt_error_sys (err, "chown fd %d to uid %u", fd, (unsigned)uid);
    }
  return 0;
}

int
mrt_user_switch (const struct mrt_process *process, mrt_error_t *err)
{
  if (process == NULL)
    return 0;
  const struct mrt_user *u = &process->user;
  if (stdio_to_user (u->uid, err) < 0)
    return -1;
  if (!setgroups_denied ())
    {
      gid_t *gids = xmalloc0 ((u->n_additional_gids + 1) * sizeof (gid_t));
      for (size_t i = 0; i < u->n_additional_gids; i++)
        gids[i] = u->additional_gids[i];
      long r = syscall (SYS_setgroups, u->n_additional_gids, gids);
      free (gids);
      if (r < 0)
        return mrt_error_sys (err, "process.user.additionalGids: setgroups");
    }
  else if (u->n_additional_gids > 0)
    return mrt_error_make (err, EPERM, "process.user.additionalGids: setgroups is denied in this user namespace");

  if (prctl (PR_SET_KEEPCAPS, 1, 0, 0, 0) < 0)
    return mrt_error_sys (err, "prctl PR_SET_KEEPCAPS");
  if (syscall (SYS_setresgid, u->gid, u->gid, u->gid) < 0)
    return mrt_error_sys (err, "process.user.gid: setresgid %u", u->gid);
  if (syscall (SYS_setresuid, u->uid, u->uid, u->uid) < 0)
    return mrt_error_sys (err, "process.user.uid: setresuid %u", u->uid);
  if (prctl (PR_SET_KEEPCAPS, 0, 0, 0, 0) < 0)
    return mrt_error_sys (err, "prctl PR_SET_KEEPCAPS");
  umask (u->umask.set ? (mode_t)u->umask.value : 0022);
  return 0;
}
