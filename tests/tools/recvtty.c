/* SPDX-License-Identifier: Apache-2.0 */
/* recvtty: a console-socket receiver for tests, like runc's
 * contrib/cmd/recvtty.
 *
 *   recvtty [-t SECONDS] [-i LINE] [-d DELAY_MS] PATH
 *
 * Listens on the unix socket PATH (SOCK_STREAM; the socket appears at PATH
 * only once it listens, so a test may wait for the file), accepts one
 * connection, receives the pty master sent with SCM_RIGHTS, prints
 * "received fd for <payload>", then copies everything the pty prints to
 * stdout until the container's side hangs up (EOF/EIO) or SECONDS pass.
 * -i writes LINE and a newline to the pty (after DELAY_MS, default 0).
 * Exit status: 0 on hang-up, 2 on timeout, 1 on errors. */

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

static void
die (const char *what)
{
  fprintf (stderr, "recvtty: %s: %s\n", what, strerror (errno));
  exit (1);
}

static int
listen_at (const char *path)
{
  struct sockaddr_un addr = { .sun_family = AF_UNIX };
  char tmp[sizeof (addr.sun_path)];
  int fd;

  if (snprintf (tmp, sizeof (tmp), "%s.tmp", path) >= (int)sizeof (tmp))
    {
      errno = ENAMETOOLONG;
      die (path);
    }
  strcpy (addr.sun_path, tmp);
  fd = socket (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0)
    die ("socket");
  unlink (tmp);
  if (bind (fd, (struct sockaddr *)&addr, sizeof (addr)) < 0)
    die ("bind");
  if (listen (fd, 1) < 0)
    die ("listen");
  if (rename (tmp, path) < 0)
    die ("rename");
  return fd;
}

static int
receive_master (int listener, char *name, size_t size)
{
  union
  {
    char buf[CMSG_SPACE (sizeof (int))];
    struct cmsghdr align;
  } control;
  struct iovec iov = { .iov_base = name, .iov_len = size - 1 };
  struct msghdr msg
      = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = control.buf, .msg_controllen = sizeof (control.buf) };
  int conn = accept4 (listener, NULL, NULL, SOCK_CLOEXEC);
  if (conn < 0)
    die ("accept");
  ssize_t n = recvmsg (conn, &msg, MSG_CMSG_CLOEXEC);
  if (n < 0)
    die ("recvmsg");
  name[n] = '\0';
  struct cmsghdr *cmsg = CMSG_FIRSTHDR (&msg);
  if (cmsg == NULL || cmsg->cmsg_level != SOL_SOCKET || cmsg->cmsg_type != SCM_RIGHTS)
    {
      fprintf (stderr, "recvtty: no fd in the message\n");
      exit (1);
    }
  int fd;
  memcpy (&fd, CMSG_DATA (cmsg), sizeof (int));
  close (conn);
  return fd;
}

static long long
now_ms (void)
{
  struct timespec ts;
  clock_gettime (CLOCK_MONOTONIC, &ts);
  return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int
main (int argc, char **argv)
{
  const char *input = NULL;
  long long timeout_ms = -1;
  int delay_ms = 0, opt;
  char name[4096];

  while ((opt = getopt (argc, argv, "t:i:d:")) != -1)
    {
      switch (opt)
        {
        case 't':
          timeout_ms = atoll (optarg) * 1000;
          break;
        case 'i':
          input = optarg;
          break;
        case 'd':
          delay_ms = atoi (optarg);
          break;
        default:
          fprintf (stderr, "usage: recvtty [-t SECONDS] [-i LINE] [-d DELAY_MS] PATH\n");
          return 1;
        }
    }
  if (optind != argc - 1)
    {
      fprintf (stderr, "usage: recvtty [-t SECONDS] [-i LINE] [-d DELAY_MS] PATH\n");
      return 1;
    }

  int listener = listen_at (argv[optind]);
  int master = receive_master (listener, name, sizeof (name));
  close (listener);
  printf ("received fd for %s\n", name);
  fflush (stdout);

  long long deadline = timeout_ms >= 0 ? now_ms () + timeout_ms : -1;
  long long input_at = input ? now_ms () + delay_ms : -1;
  for (;;)
    {
      long long now = now_ms ();
      int wait = -1;
      if (input_at >= 0 && now >= input_at)
        {
          char *line = NULL;
          if (asprintf (&line, "%s\n", input) < 0 || write (master, line, strlen (line)) < 0)
            die ("write input");
          free (line);
          input_at = -1;
        }
      if (deadline >= 0)
        {
          if (now >= deadline)
            return 2;
          wait = (int)(deadline - now);
        }
      if (input_at >= 0 && (wait < 0 || input_at - now < wait))
        wait = (int)(input_at - now);
      struct pollfd p = { .fd = master, .events = POLLIN };
      int r = poll (&p, 1, wait);
      if (r < 0 && errno == EINTR)
        continue;
      if (r < 0)
        die ("poll");
      if (r == 0)
        continue;
      char buf[4096];
      ssize_t n = read (master, buf, sizeof (buf));
      if (n < 0 && (errno == EINTR || errno == EAGAIN))
        continue;
      /* EIO: every slave fd is closed, the container is gone. */
      if (n <= 0)
        return 0;
      if (fwrite (buf, 1, n, stdout) != (size_t)n)
        die ("write stdout");
      fflush (stdout);
    }
}
