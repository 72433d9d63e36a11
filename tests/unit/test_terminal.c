/* SPDX-License-Identifier: Apache-2.0 */
/* The pty pair, the console socket hand-over and the child's terminal set-up. */

#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include "terminal.h"
#include "utils.h"

static char tmpdir[] = "/tmp/minirt-test-tty.XXXXXX";

static void
setup (void)
{
  cr_assert_not_null (mkdtemp (tmpdir));
}

static void
teardown (void)
{
  char *cmd = xasprintf ("rm -rf '%s'", tmpdir);
  (void)!system (cmd);
  free (cmd);
}

TestSuite (terminal, .init = setup, .fini = teardown, .timeout = 30);

/* Read with a timeout until `want` shows up (a pty may hand data over in pieces). */
static void
read_until (int fd, const char *want)
{
  char buf[512] = "";
  size_t len = 0;
  while (strstr (buf, want) == NULL)
    {
      struct pollfd p = { .fd = fd, .events = POLLIN };
      cr_assert_eq (poll (&p, 1, 5000), 1, "timed out waiting for \"%s\", got \"%s\"", want, buf);
      ssize_t n = read (fd, buf + len, sizeof (buf) - 1 - len);
      cr_assert_gt (n, 0);
      len += n;
      buf[len] = '\0';
    }
}

static bool
is_cloexec (int fd)
{
  return (fcntl (fd, F_GETFD) & FD_CLOEXEC) != 0;
}

Test (terminal, open_pair_talks)
{
  int master = -1, slave = -1;
  mrt_error_t err = NULL;

  cr_assert_eq (mrt_terminal_open (&master, &slave, &err), 0, "%s", err ? err->msg : "");
  cr_assert (is_cloexec (master) && is_cloexec (slave));
  cr_assert (isatty (slave));
  char *name = mrt_terminal_name (master);
  cr_assert_not_null (name);
  cr_assert_eq (strncmp (name, "/dev/pts/", 9), 0);
  cr_assert_str_eq (ttyname (slave), name);

  cr_assert_eq (write (slave, "ping\n", 5), 5);
  read_until (master, "ping");
  cr_assert_eq (write (master, "pong\n", 5), 5);
  read_until (slave, "pong");
  free (name);
  close (master);
  close (slave);
}

/* Listen on a unix socket path the way recvtty / conmon do. */
static int
listen_at (const char *path, int type)
{
  struct sockaddr_un addr = { .sun_family = AF_UNIX };
  int fd = socket (AF_UNIX, type | SOCK_CLOEXEC, 0);
  cr_assert (fd >= 0);
  if (strlen (path) < sizeof (addr.sun_path))
    strcpy (addr.sun_path, path);
  else
    cr_assert_fail ("path too long for the test listener");
  cr_assert_eq (bind (fd, (struct sockaddr *)&addr, sizeof (addr)), 0, "bind: %s", strerror (errno));
  cr_assert_eq (listen (fd, 1), 0);
  return fd;
}

static int
receive_fd (int listener, char *name, size_t name_size)
{
  int conn = accept4 (listener, NULL, NULL, SOCK_CLOEXEC);
  cr_assert (conn >= 0);
  union
  {
    char buf[CMSG_SPACE (sizeof (int))];
    struct cmsghdr align;
  } control;
  struct iovec iov = { .iov_base = name, .iov_len = name_size - 1 };
  struct msghdr msg
      = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = control.buf, .msg_controllen = sizeof (control.buf) };
  ssize_t n = recvmsg (conn, &msg, MSG_CMSG_CLOEXEC);
  cr_assert_gt (n, 0);
  name[n] = '\0';
  struct cmsghdr *cmsg = CMSG_FIRSTHDR (&msg);
  cr_assert_not_null (cmsg);
  cr_assert_eq (cmsg->cmsg_type, SCM_RIGHTS);
  int fd;
  memcpy (&fd, CMSG_DATA (cmsg), sizeof (int));
  close (conn);
  return fd;
}

static void
send_and_receive (int type)
{
  char *path = xasprintf ("%s/console.sock", tmpdir);
  int listener = listen_at (path, type);
  int master = -1, slave = -1;
  mrt_error_t err = NULL;
  char name[128];

  cr_assert_eq (mrt_terminal_open (&master, &slave, &err), 0);
  /* connect() completes against the backlog, before anyone accepts. */
  cr_assert_eq (mrt_terminal_send_console_socket (path, master, &err), 0, "%s", err ? err->msg : "");
  char *want = mrt_terminal_name (master);
  close (master);

  int got = receive_fd (listener, name, sizeof (name));
  cr_assert_str_eq (name, want);
  cr_assert_eq (write (slave, "through the socket\n", 19), 19);
  read_until (got, "through the socket");
  cr_assert_eq (write (got, "and back\n", 9), 9);
  read_until (slave, "and back");
  close (got);
  close (slave);
  close (listener);
  unlink (path);
  free (want);
  free (path);
}

Test (terminal, send_over_console_socket_stream)
{
  send_and_receive (SOCK_STREAM);
}

Test (terminal, send_over_console_socket_seqpacket)
{
  send_and_receive (SOCK_SEQPACKET);
}

Test (terminal, long_console_socket_path)
{
  /* Longer than sun_path: reached through /proc/self/fd/<dir>. */
  char *dir = xasprintf ("%s/%0100d", tmpdir, 0);
  mrt_error_t err = NULL;
  cr_assert_eq (mrt_mkdir_p (dir, 0755, &err), 0);
  char *path = xasprintf ("%s/console.sock", dir);
  cr_assert_gt (strlen (path), sizeof (((struct sockaddr_un *)0)->sun_path));

  /* Bind it the same way, from the directory. */
  int dfd = open (dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
  char *short_path = xasprintf ("/proc/self/fd/%d/console.sock", dfd);
  int listener = listen_at (short_path, SOCK_STREAM);

  int master = -1, slave = -1;
  char name[128];
  cr_assert_eq (mrt_terminal_open (&master, &slave, &err), 0);
  cr_assert_eq (mrt_terminal_send_console_socket (path, master, &err), 0, "%s", err ? err->msg : "");
  int got = receive_fd (listener, name, sizeof (name));
  cr_assert (got >= 0);
  close (got);
  close (master);
  close (slave);
  close (listener);
  close (dfd);
  free (short_path);
  free (path);
  free (dir);
}

Test (terminal, console_socket_missing)
{
  char *path = xasprintf ("%s/nobody-listens", tmpdir);
  mrt_error_t err = NULL;
  cr_assert_lt (mrt_terminal_console_socket_connect (path, &err), 0);
  cr_assert_eq (err->errno_, ENOENT);
  char *want = xasprintf ("connect to console socket `%s`: No such file or directory", path);
  cr_assert_str_eq (err->msg, want);
  mrt_error_free (&err);
  free (want);
  free (path);
}

Test (terminal, setup_child_makes_controlling_tty)
{
  int master = -1, slave = -1;
  mrt_error_t err = NULL;
  cr_assert_eq (mrt_terminal_open (&master, &slave, &err), 0);
  char *name = mrt_terminal_name (master);

  pid_t pid = fork ();
  cr_assert (pid >= 0);
  if (pid == 0)
    {
      struct mrt_process p = { .console_height = { true, 42 }, .console_width = { true, 133 } };
      close (master);
      if (mrt_terminal_setup_child (slave, &p, &err) < 0)
        _exit (10);
      struct winsize ws;
      if (ioctl (0, TIOCGWINSZ, &ws) < 0 || ws.ws_row != 42 || ws.ws_col != 133)
        _exit (11);
      /* Our controlling terminal is the pty: /dev/tty opens it. */
      int tty = open ("/dev/tty", O_RDWR | O_CLOEXEC);
      if (tty < 0)
        _exit (12);
      if (tcgetsid (0) != getpid ())
        _exit (13);
      for (int fd = 0; fd <= 2; fd++)
        {
          const char *n = ttyname (fd);
          if (n == NULL || strcmp (n, name) != 0)
            _exit (14);
        }
      if (fcntl (slave, F_GETFD) >= 0 && slave > 2)
        _exit (15);
      (void)!write (1, "child ok\n", 9);
      _exit (0);
    }
  close (slave);
  read_until (master, "child ok");
  int status;
  cr_assert_eq (waitpid (pid, &status, 0), pid);
  cr_assert (WIFEXITED (status));
  cr_assert_eq (WEXITSTATUS (status), 0, "child check %d failed", WEXITSTATUS (status));
  close (master);
  free (name);
}

Test (terminal, setup_in_container_sends_and_attaches)
{
  /* Without a mount namespace: the host's /dev/ptmx, no /dev/console. */
  int sv[2];
  cr_assert_eq (socketpair (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv), 0);
  pid_t pid = fork ();
  cr_assert (pid >= 0);
  if (pid == 0)
    {
      mrt_error_t err = NULL;
      struct mrt_process p = { .console_height = { true, 24 }, .console_width = { true, 80 } };
      close (sv[0]);
      if (mrt_terminal_setup_in_container (sv[1], &p, false, &err) < 0)
        _exit (10);
      close (sv[1]);
      struct winsize ws;
      if (ioctl (1, TIOCGWINSZ, &ws) < 0 || ws.ws_row != 24 || ws.ws_col != 80)
        _exit (11);
      (void)!write (1, "attached\n", 9);
      char c;
      if (read (0, &c, 1) != 1 || c != 'q')
        _exit (12);
      _exit (0);
    }
  close (sv[1]);
  /* Like receive_fd, on the connected end. */
  char name[64];
  union
  {
    char buf[CMSG_SPACE (sizeof (int))];
    struct cmsghdr align;
  } control;
  struct iovec iov = { .iov_base = name, .iov_len = sizeof (name) - 1 };
  struct msghdr msg
      = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = control.buf, .msg_controllen = sizeof (control.buf) };
  ssize_t n = recvmsg (sv[0], &msg, MSG_CMSG_CLOEXEC);
  cr_assert_gt (n, 0);
  name[n] = '\0';
  cr_assert_eq (strncmp (name, "/dev/pts/", 9), 0, "payload %s", name);
  int master;
  memcpy (&master, CMSG_DATA (CMSG_FIRSTHDR (&msg)), sizeof (int));
  read_until (master, "attached");
  cr_assert_eq (write (master, "q\n", 2), 2);
  int status;
  cr_assert_eq (waitpid (pid, &status, 0), pid);
  cr_assert (WIFEXITED (status) && WEXITSTATUS (status) == 0, "child status %d", WEXITSTATUS (status));
  close (master);
  close (sv[0]);
}
