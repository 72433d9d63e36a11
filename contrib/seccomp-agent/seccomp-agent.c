/* SPDX-License-Identifier: Apache-2.0 */
/* minirt-seccomp-agent: a seccomp notifier agent in the spirit of CRI-O's
 * (seed 001).
 *
 *   minirt-seccomp-agent --socket PATH [--action errno|stop|continue]
 *                        [--errno N] [--stop-delay SECONDS] [--report FILE]
 *                        [--report-dir DIR] [--metrics unix:PATH|tcp:127.0.0.1:PORT]
 *
 * It listens on the unix socket PATH (a container's linux.seccomp.listenerPath).
 * A runtime connects once per container and sends the containerProcessState
 * JSON with the notify fd attached (SCM_RIGHTS).  Every notified syscall is
 * then answered: with an errno (EPERM unless --errno), or let through with
 * --action continue.  Each forbidden syscall is counted by name (resolved with
 * libseccomp).  With --action stop, or when the container carries the
 * annotation io.kubernetes.cri-o.seccompNotifierAction=stop, the container is
 * killed (SIGKILL to its init process) --stop-delay seconds (5) after its last
 * forbidden syscall and the agent prints
 *     Used forbidden syscalls: chroot (2x), swapoff (2x)
 * on stdout (exactly that: the container ID goes to the stderr log line
 * "container ID: Used forbidden ..." and to the name of --report-dir's file),
 * appends it to --report FILE and writes it to --report-dir DIR/<id>.
 * Without stop, the same line is printed when the container's filter goes
 * away.
 *
 * --metrics serves Prometheus' text format over HTTP on a unix socket or a
 * 127.0.0.1 port (port 0: any free one, printed on stderr), one counter per
 * container and syscall, named after CRI-O's
 * container_runtime_crio_containers_seccomp_notifier_count_total:
 *     minirt_containers_seccomp_notifier_count_total{id="ctr",syscall="chroot"} 2
 * Counters of containers that are gone stay (counters never go down).
 *
 * Every fd is non-blocking and served from one poll loop: no container ever
 * waits on another.
 *
 * Files: seccomp-agent.c the options and the poll loop, clients.c the
 * runtimes' messages and the notifications, report.c the counts and the
 * report line, metrics.c the Prometheus endpoint. */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "agent.h"

struct options opts = { .action = ACTION_ERRNO, .errno_ret = EPERM, .stop_delay_ms = 5000 };

void
die (const char *fmt, ...)
{
  va_list ap;
  va_start (ap, fmt);
  fprintf (stderr, "minirt-seccomp-agent: ");
  vfprintf (stderr, fmt, ap);
  fprintf (stderr, "\n");
  va_end (ap);
  exit (1);
}

void
logf_ (const char *fmt, ...)
{
  va_list ap;
  va_start (ap, fmt);
  fprintf (stderr, "minirt-seccomp-agent: ");
  vfprintf (stderr, fmt, ap);
  fprintf (stderr, "\n");
  va_end (ap);
}

void *
xcalloc (size_t n, size_t size)
{
  void *p = calloc (n, size);
  if (p == NULL)
    die ("out of memory");
  return p;
}

char *
xstrdup_ (const char *s)
{
  char *p = strdup (s);
  if (p == NULL)
    die ("out of memory");
  return p;
}

long long
now_ms (void)
{
  struct timespec ts;
  clock_gettime (CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

static int
listen_on (const char *path)
{
  struct sockaddr_un addr = { .sun_family = AF_UNIX };
  if (strlen (path) >= sizeof (addr.sun_path))
    die ("socket path too long: %s", path);
  strcpy (addr.sun_path, path);
  int s = socket (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
  if (s < 0)
    die ("socket: %m");
  unlink (path);
  if (bind (s, (struct sockaddr *)&addr, sizeof (addr)) < 0)
    die ("bind %s: %m", path);
  if (listen (s, 64) < 0)
    die ("listen: %m");
  return s;
}

static void
usage (FILE *f)
{
  fprintf (f, "usage: minirt-seccomp-agent --socket PATH [--action errno|stop|continue] [--errno N]\n"
              "                            [--stop-delay SECONDS] [--report FILE] [--report-dir DIR]\n"
              "                            [--metrics unix:PATH|tcp:127.0.0.1:PORT]\n");
}

static void
parse_args (int argc, char **argv)
{
  static const struct option longopts[] = {
    { "socket", required_argument, NULL, 's' },
    { "action", required_argument, NULL, 'a' },
    { "errno", required_argument, NULL, 'e' },
    { "stop-delay", required_argument, NULL, 'd' },
    { "report", required_argument, NULL, 'r' },
    { "help", no_argument, NULL, 'h' },
    { "report-dir", required_argument, NULL, 'D' },
    { "metrics", required_argument, NULL, 'm' },
    { NULL, 0, NULL, 0 },
  };
  int o;
  while ((o = getopt_long (argc, argv, "s:a:e:d:r:h", longopts, NULL)) != -1)
    switch (o)
      {
      case 's':
        opts.socket_path = optarg;
        break;
      case 'a':
        if (strcmp (optarg, "errno") == 0)
          opts.action = ACTION_ERRNO;
        else if (strcmp (optarg, "stop") == 0)
          opts.action = ACTION_STOP;
        else if (strcmp (optarg, "continue") == 0)
          opts.action = ACTION_CONTINUE;
        else
          die ("--action: unknown action \"%s\" (errno, stop or continue)", optarg);
        break;
      case 'e':
        opts.errno_ret = atoi (optarg);
        if (opts.errno_ret <= 0 || opts.errno_ret > 4095)
          die ("--errno: bad value \"%s\"", optarg);
        break;
      case 'd':
        opts.stop_delay_ms = (int)(strtod (optarg, NULL) * 1000);
        if (opts.stop_delay_ms < 0)
          die ("--stop-delay: bad value \"%s\"", optarg);
        break;
      case 'r':
        opts.report_path = optarg;
        break;
      case 'D':
        opts.report_dir = optarg;
        break;
      case 'm':
        opts.metrics = optarg;
        break;
      case 'h':
        usage (stdout);
        exit (0);
      default:
        usage (stderr);
        exit (2);
      }
  if (opts.socket_path == NULL || optind != argc)
    {
      usage (stderr);
      exit (2);
    }
}

static int
signal_fd (void)
{
  sigset_t set;
  sigemptyset (&set);
  sigaddset (&set, SIGTERM);
  sigaddset (&set, SIGINT);
  sigprocmask (SIG_BLOCK, &set, NULL);
  int fd = signalfd (-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
  if (fd < 0)
    die ("signalfd: %m");
  return fd;
}

static int
poll_timeout (void)
{
  long long next = 0;
  for (size_t i = 0; i < n_clients; i++)
    if (clients[i]->deadline_ms && (next == 0 || clients[i]->deadline_ms < next))
      next = clients[i]->deadline_ms;
  long long h = http_next_deadline ();
  if (h && (next == 0 || h < next))
    next = h;
  if (next == 0)
    return -1;
  long long left = next - now_ms ();
  return left < 0 ? 0 : (int)(left > INT_MAX ? INT_MAX : left);
}

/* ---- main loop --------------------------------------------------------------- */

/* One round of the loop; false when asked to exit. */
static bool
serve (int lsock, int sfd, int msock)
{
  size_t n = n_clients, nh = n_https, base = 3 + nh;
  struct pollfd *pfd = xcalloc (base + n, sizeof (*pfd));
  pfd[0] = (struct pollfd){ .fd = lsock, .events = POLLIN };
  pfd[1] = (struct pollfd){ .fd = sfd, .events = POLLIN };
  pfd[2] = (struct pollfd){ .fd = msock, .events = POLLIN };
  for (size_t i = 0; i < nh; i++)
    pfd[3 + i] = (struct pollfd){ .fd = https[i]->fd, .events = https[i]->writing ? POLLOUT : POLLIN };
  for (size_t i = 0; i < n; i++)
    pfd[base + i]
        = (struct pollfd){ .fd = clients[i]->conn >= 0 ? clients[i]->conn : clients[i]->notify_fd, .events = POLLIN };
  if (poll (pfd, base + n, poll_timeout ()) < 0 && errno != EINTR)
    die ("poll: %m");
  if (pfd[1].revents)
    {
      free (pfd);
      return false;
    }
  /* Walk backwards: client_remove moves the last client into slot i. */
  for (size_t i = n; i-- > 0;)
    {
      struct client *c = clients[i];
      short ev = pfd[base + i].revents;
      int ret = 0;
      if (pfd[base + i].fd == c->conn)
        {
          if (ev)
            ret = client_read (c);
        }
      else if (ev & POLLIN)
        ret = client_notification (c);
      else if (ev & (POLLHUP | POLLERR))
        {
          /* Every task using the filter is gone. */
          if (c->n_counts && !c->stopped)
            report (c);
          logf_ ("container %s: gone", c->id);
          ret = -1;
        }
      if (ret == 0 && c->deadline_ms && c->deadline_ms <= now_ms ())
        client_stop (c);
      if (ret < 0)
        client_remove (i);
    }
  for (size_t i = nh; i-- > 0;)
    if (pfd[3 + i].revents && http_io (https[i]) < 0)
      http_remove (i);
  http_expire (now_ms ());
  if (pfd[0].revents & POLLIN)
    {
      int conn;
      while ((conn = accept4 (lsock, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK)) >= 0)
        client_add (conn);
    }
  if (msock >= 0 && (pfd[2].revents & POLLIN))
    {
      int conn;
      while ((conn = accept4 (msock, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK)) >= 0)
        http_add (conn);
    }
  free (pfd);
  return true;
}

int
main (int argc, char **argv)
{
  parse_args (argc, argv);
  signal (SIGPIPE, SIG_IGN);
  int sfd = signal_fd ();
  int lsock = listen_on (opts.socket_path);
  int msock = opts.metrics ? metrics_listen (opts.metrics) : -1;
  logf_ ("listening on %s", opts.socket_path);
  while (serve (lsock, sfd, msock))
    ;
  for (size_t i = n_clients; i-- > 0;)
    {
      if (clients[i]->n_counts && !clients[i]->stopped)
        report (clients[i]);
      client_remove (i);
    }
  free (clients);
  while (n_https)
    http_remove (n_https - 1);
  free (https);
  for (size_t i = 0; i < n_metrics; i++)
    {
      free (metrics[i].id);
      free (metrics[i].syscall);
    }
  free (metrics);
  if (msock >= 0)
    {
      if (strncmp (opts.metrics, "unix:", 5) == 0)
        unlink (opts.metrics + 5);
      close (msock);
    }
  unlink (opts.socket_path);
  close (lsock);
  return 0;
}
