/* SPDX-License-Identifier: Apache-2.0 */
/* process.terminal: the pty pair, making its slave the container's
 * controlling terminal and stdio, and handing the master to whoever listens
 * on --console-socket (conmon, containerd's shim, recvtty) with SCM_RIGHTS,
 * the way runc's utils.SendFds does. */

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <termios.h>
#include <unistd.h>

#include "terminal.h"
#include "utils.h"

#ifndef TIOCGPTPEER
#define TIOCGPTPEER _IO ('T', 0x41)
#endif

/* Open a master at `ptmx` and its slave.  The slave comes from TIOCGPTPEER
 * when the kernel has it (no path lookup, so it is the peer of *this*
 * master even if /dev/pts was swapped), else from its /dev/pts name. */
static int
open_pair (const char *ptmx, int *master, int *slave, mrt_error_t *err)
{
  cleanup_close int m = open (ptmx, O_RDWR | O_NOCTTY | O_CLOEXEC);
  int s;

  if (m < 0)
    return mrt_error_sys (err, "open `%s`", ptmx);
  if (unlockpt (m) < 0)
    return mrt_error_sys (err, "unlockpt `%s`", ptmx);
  s = ioctl (m, TIOCGPTPEER, O_RDWR | O_NOCTTY | O_CLOEXEC);
  if (s < 0)
    {
      char name[64];
      if (ptsname_r (m, name, sizeof (name)) != 0)
        return mrt_error_sys (err, "ptsname `%s`", ptmx);
      s = open (name, O_RDWR | O_NOCTTY | O_CLOEXEC);
      if (s < 0)
        return mrt_error_sys (err, "open pty slave `%s`", name);
    }
  *master = steal_fd (&m);
  *slave = s;
  return 0;
}

int
mrt_terminal_open (int *master, int *slave, mrt_error_t *err)
{
  return open_pair ("/dev/ptmx", master, slave, err);
}

int
mrt_terminal_open_in_container (int *master, int *slave, mrt_error_t *err)
{
  /* After pivot_root "/dev/ptmx" is the container's: the default devices
   * make it a symlink to pts/ptmx, the devpts newinstance mounted there. */
  return open_pair ("/dev/ptmx", master, slave, err);
}

char *
mrt_terminal_name (int master)
{
  unsigned int n;
  if (ioctl (master, TIOCGPTN, &n) < 0)
    return NULL;
  return xasprintf ("/dev/pts/%u", n);
}

int
mrt_terminal_resize (int fd, const struct mrt_process *process, mrt_error_t *err)
{
  if (process == NULL || !process->console_height.set || !process->console_width.set)
    return 0;
  struct winsize ws = {
    .ws_row = (unsigned short)process->console_height.value,
    .ws_col = (unsigned short)process->console_width.value,
  };
  if (ioctl (fd, TIOCSWINSZ, &ws) < 0)
    return mrt_error_sys (err, "process.consoleSize: set the terminal size");
  return 0;
}

int
mrt_terminal_setup_child (int slave, const struct mrt_process *process, mrt_error_t *err)
{
  /* setsid fails when we already lead a session (EPERM); that is fine. */
  if (setsid () < 0 && getsid (0) != getpid ())
    return mrt_error_sys (err, "setsid");
  if (ioctl (slave, TIOCSCTTY, 0) < 0)
    return mrt_error_sys (err, "set the controlling terminal");
  if (mrt_terminal_resize (slave, process, err) < 0)
    return -1;
  for (int fd = 0; fd <= 2; fd++)
    {
      if (slave != fd && dup2 (slave, fd) < 0)
        return mrt_error_sys (err, "dup2 the terminal to fd %d", fd);
    }
  if (slave > 2)
    close (slave);
  return 0;
}

/* struct sockaddr_un for `path`; a path longer than sun_path is reached
 * through its directory's fd, which `*dirfd` then holds open. */
static int
unix_addr (const char *path, struct sockaddr_un *addr, int *dirfd, mrt_error_t *err)
{
  memset (addr, 0, sizeof (*addr));
  addr->sun_family = AF_UNIX;
  *dirfd = -1;
  if (strlen (path) < sizeof (addr->sun_path))
    {
      strcpy (addr->sun_path, path);
      return 0;
    }
  const char *slash = strrchr (path, '/');
  const char *base = slash ? slash + 1 : path;
  cleanup_free char *dir = NULL;
  if (slash == NULL)
    dir = xstrdup (".");
  else if (slash == path)
    dir = xstrdup ("/");
  else
    dir = xasprintf ("%.*s", (int)(slash - path), path);
  *dirfd = open (dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (*dirfd < 0)
    return mrt_error_sys (err, "open `%s`", dir);
  if ((size_t)snprintf (addr->sun_path, sizeof (addr->sun_path), "/proc/self/fd/%d/%s", *dirfd, base)
      >= sizeof (addr->sun_path))
    {
      close (*dirfd);
      *dirfd = -1;
      return mrt_error_make (err, ENAMETOOLONG, "console socket `%s`", path);
    }
  return 0;
}

int
mrt_terminal_console_socket_connect (const char *path, mrt_error_t *err)
{
  static const int types[] = { SOCK_STREAM, SOCK_SEQPACKET };
  struct sockaddr_un addr;
  cleanup_close int dirfd = -1;

  if (unix_addr (path, &addr, &dirfd, err) < 0)
    return -1;
  /* runc's clients listen with SOCK_STREAM; accept a SEQPACKET listener too. */
  for (size_t i = 0; i < ARRAY_SIZE (types); i++)
    {
      int fd = socket (AF_UNIX, types[i] | SOCK_CLOEXEC, 0);
      if (fd < 0)
        return mrt_error_sys (err, "console socket: socket");
      if (connect (fd, (struct sockaddr *)&addr, sizeof (addr)) == 0)
        return fd;
      int saved = errno;
      close (fd);
      errno = saved;
      if (saved != EPROTOTYPE)
        break;
    }
  return mrt_error_sys (err, "connect to console socket `%s`", path);
}

int
mrt_terminal_send_master (int sockfd, int master, const char *name, mrt_error_t *err)
{
  const char *payload = name && *name ? name : "/dev/ptmx";
  if (mrt_send_fd (sockfd, master, payload, strlen (payload)) < 0)
    return mrt_error_sys (err, "send the terminal to the console socket");
  return 0;
}

int
mrt_terminal_send_console_socket (const char *path, int master, mrt_error_t *err)
{
  cleanup_close int fd = mrt_terminal_console_socket_connect (path, err);
  cleanup_free char *name = NULL;
  if (fd < 0)
    return -1;
  name = mrt_terminal_name (master);
  return mrt_terminal_send_master (fd, master, name, err);
}

int
mrt_terminal_mount_console (const char *slave_name, mrt_error_t *err)
{
  cleanup_close int fd = open ("/dev/console", O_RDONLY | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0666);
  if (fd < 0)
    return mrt_error_sys (err, "create `/dev/console`");
  if (mount (slave_name, "/dev/console", NULL, MS_BIND, NULL) < 0)
    return mrt_error_sys (err, "mount `%s` on `/dev/console`", slave_name);
  return 0;
}

int
mrt_terminal_setup_in_container (int console_sock, const struct mrt_process *process, bool in_mount_ns,
                                 mrt_error_t *err)
{
  cleanup_close int master = -1;
  cleanup_free char *name = NULL;
  int slave = -1;

  if (mrt_terminal_open_in_container (&master, &slave, err) < 0)
    return -1;
  name = mrt_terminal_name (master);
  if (name == NULL)
    {
      mrt_error_sys (err, "get the pty number");
      goto fail;
    }
  if (mrt_terminal_resize (master, process, err) < 0)
    goto fail;
  if (in_mount_ns && mrt_terminal_mount_console (name, err) < 0)
    goto fail;
  if (mrt_terminal_send_master (console_sock, master, name, err) < 0)
    goto fail;
  /* The master lives on with the receiver only: its last close is how
   * the container's terminal hangs up. */
  close (steal_fd (&master));
  return mrt_terminal_setup_child (slave, process, err);

fail:
  close (slave);
  return -1;
}
