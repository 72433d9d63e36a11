/* SPDX-License-Identifier: Apache-2.0 */
/* The runtime in the foreground: signal forwarding and the pty proxy (see
 * foreground.h). */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include "foreground.h"
#include "utils.h"

int
mrt_terminal_recv_master (int sock, int *master, mrt_error_t *err)
{
  char name[256];
  union
  {
    char buf[CMSG_SPACE (sizeof (int))];
    struct cmsghdr align;
  } control;
  struct iovec iov = { .iov_base = name, .iov_len = sizeof (name) };
  struct msghdr msg = {
    .msg_iov = &iov,
    .msg_iovlen = 1,
    .msg_control = control.buf,
    .msg_controllen = sizeof (control.buf),
  };
  ssize_t n;
  memset (&control, 0, sizeof (control));
  do
    n = recvmsg (sock, &msg, MSG_CMSG_CLOEXEC);
  while (n < 0 && errno == EINTR);
  if (n < 0)
    return mrt_error_sys (err, "receive the pty master from the container process");
  struct cmsghdr *cmsg = CMSG_FIRSTHDR (&msg);
  if (n == 0 || cmsg == NULL || cmsg->cmsg_level != SOL_SOCKET || cmsg->cmsg_type != SCM_RIGHTS
      || cmsg->cmsg_len != CMSG_LEN (sizeof (int)))
    return mrt_error_make (err, EPROTO, "receive the pty master from the container process: no file descriptor came");
  memcpy (master, CMSG_DATA (cmsg), sizeof (int));
  return 0;
}

void
mrt_host_tty_raw (struct mrt_host_tty *t)
{
  static const int fds[] = { 2, 1, 0 }; /* runc's order */
  t->fd = -1;
  for (size_t i = 0; i < ARRAY_SIZE (fds); i++)
    if (isatty (fds[i]) && tcgetattr (fds[i], &t->saved) == 0)
      {
        struct termios raw = t->saved;
        cfmakeraw (&raw);
        if (tcsetattr (fds[i], TCSANOW, &raw) == 0)
          t->fd = fds[i];
        return;
      }
}

void
mrt_host_tty_restore (struct mrt_host_tty *t)
{
  if (t->fd >= 0)
    tcsetattr (t->fd, TCSANOW, &t->saved);
  t->fd = -1;
}

static void
resize_from (const struct mrt_host_tty *t, int master)
{
  struct winsize ws;
  if (t->fd >= 0 && ioctl (t->fd, TIOCGWINSZ, &ws) == 0 && ws.ws_row > 0 && ws.ws_col > 0)
    ioctl (master, TIOCSWINSZ, &ws);
}

bool
mrt_foreground_host_winsize (unsigned short *rows, unsigned short *cols)
{
  static const int fds[] = { 2, 1, 0 };
  struct winsize ws;
  for (size_t i = 0; i < ARRAY_SIZE (fds); i++)
    if (isatty (fds[i]))
      {
        if (ioctl (fds[i], TIOCGWINSZ, &ws) < 0 || ws.ws_row == 0 || ws.ws_col == 0)
          return false;
        *rows = ws.ws_row;
        *cols = ws.ws_col;
        return true;
      }
  return false;
}

void
mrt_foreground_resize (int master)
{
  struct winsize ws = { 0 };
  if (mrt_foreground_host_winsize (&ws.ws_row, &ws.ws_col))
    ioctl (master, TIOCSWINSZ, &ws);
}

/* Copy what `from` has now; false at EOF or on an error (EIO: the pty's
 * last slave closed). */
static bool
copy_once (int from, int to)
{
  char buf[16384];
  ssize_t n = read (from, buf, sizeof (buf));
  if (n < 0 && (errno == EINTR || errno == EAGAIN))
    return true;
  if (n <= 0)
    return false;
  return mrt_write_all (to, buf, (size_t)n) == 0 || errno == EAGAIN;
}

/* After the process exited: what it wrote is in the pty already (the
 * kernel flushes pending pty input before a read says EAGAIN or EIO). */
static void
drain (int master)
{
  int flags = fcntl (master, F_GETFL);
  if (flags < 0 || fcntl (master, F_SETFL, flags | O_NONBLOCK) < 0)
    return;
  char buf[16384];
  ssize_t n;
  while ((n = read (master, buf, sizeof (buf))) > 0 || (n < 0 && errno == EINTR))
    if (n > 0 && mrt_write_all (1, buf, (size_t)n) < 0)
      break;
}

static int
reap (pid_t pid, int *exit_status, mrt_error_t *err)
{
  int status;
  pid_t r = waitpid (pid, &status, WNOHANG);
  if (r < 0 && errno != EINTR)
    return mrt_error_sys (err, "wait for process %d", (int)pid);
  if (r != pid)
    return 0;
  *exit_status = WIFEXITED (status) ? WEXITSTATUS (status) : 128 + WTERMSIG (status);
  return 1;
}

int
mrt_foreground_wait (pid_t pid, int sfd, int master, const struct mrt_host_tty *tty, int *exit_status, mrt_error_t *err)
{
  static const struct mrt_host_tty none = { .fd = -1 };
  enum
  {
    SIG,
    IN,
    MASTER
  };
  struct pollfd pfd[3] = {
    [SIG] = { .fd = sfd, .events = POLLIN },
    [IN] = { .fd = master >= 0 ? 0 : -1, .events = POLLIN },
    [MASTER] = { .fd = master, .events = POLLIN },
  };
  int ret;

  if (tty == NULL)
    tty = &none;
  if (master >= 0)
    resize_from (tty, master);
  for (;;)
    {
      ret = reap (pid, exit_status, err);
      if (ret != 0)
        break;
      if (poll (pfd, 3, -1) < 0)
        {
          if (errno == EINTR)
            continue;
          ret = mrt_error_sys (err, "wait for the container process: poll");
          break;
        }
      if (pfd[SIG].revents)
        {
          struct signalfd_siginfo si;
          ssize_t n = read (sfd, &si, sizeof (si));
          if (n < 0 && (errno == EINTR || errno == EAGAIN))
            continue;
          if (n != sizeof (si))
            {
              ret = mrt_error_sys (err, "wait for the container process: read the signals to forward");
              break;
            }
          if (si.ssi_signo == SIGWINCH && master >= 0)
            resize_from (tty, master);
          else if (si.ssi_signo != SIGCHLD)
            kill (pid, (int)si.ssi_signo);
        }
      if (pfd[IN].revents && !copy_once (0, master))
        pfd[IN].fd = -1; /* EOF: a pty has no EOF to pass on; stop reading */
      if (pfd[MASTER].revents && !copy_once (master, 1))
        pfd[MASTER].fd = -1;
    }
  if (master >= 0 && ret > 0)
    drain (master);
  return ret < 0 ? -1 : 0;
}
