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
 * waits on another. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <linux/audit.h>
#include <linux/seccomp.h>
#include <poll.h>
#include <seccomp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>
#include <yajl/yajl_tree.h>

#define STOP_ANNOTATION "io.kubernetes.cri-o.seccompNotifierAction"
#define METRIC "minirt_containers_seccomp_notifier_count_total"
#define HTTP_REQUEST_MAX 8192
#define MAX_MESSAGE (1 << 20)
#define X32_SYSCALL_BIT 0x40000000

enum action
{
  ACTION_ERRNO,
  ACTION_STOP,
  ACTION_CONTINUE,
};

struct options
{
  const char *socket_path;
  enum action action;
  int errno_ret;
  int stop_delay_ms;
  const char *report_path;
  const char *report_dir;
  const char *metrics;
};

struct count
{
  char *name;
  unsigned long n;
};

/* One connection from a runtime, then (once the message is complete) one
 * container's listener. */
struct client
{
  int conn;      /* the runtime's connection, until its message is complete */
  int notify_fd; /* the container's listener */
  int pidfd;     /* the container's init, for stop */
  char *buf;
  size_t len;
  char *id;
  bool stop;
  bool stopped;
  struct count *counts;
  size_t n_counts;
  long long deadline_ms; /* stop time, 0 = none */
};

/* One scrape: the request is read (and ignored: every path gets the
 * metrics), then the response is written without blocking. */
struct http_conn
{
  int fd;
  size_t in_len;
  char *out;
  size_t out_len, out_done;
  bool writing;
};

/* Survives the container: Prometheus counters never go down. */
struct metric
{
  char *id;
  char *syscall;
  unsigned long long n;
};

static struct options opts = { .action = ACTION_ERRNO, .errno_ret = EPERM, .stop_delay_ms = 5000 };
static struct client **clients;
static size_t n_clients;
static struct http_conn **https;
static size_t n_https;
static struct metric *metrics;
static size_t n_metrics;

static void __attribute__ ((noreturn, format (printf, 1, 2))) die (const char *fmt, ...)
{
  va_list ap;
  va_start (ap, fmt);
  fprintf (stderr, "minirt-seccomp-agent: ");
  vfprintf (stderr, fmt, ap);
  fprintf (stderr, "\n");
  va_end (ap);
  exit (1);
}

static void
logf_ (const char *fmt, ...)
{
  va_list ap;
  va_start (ap, fmt);
  fprintf (stderr, "minirt-seccomp-agent: ");
  vfprintf (stderr, fmt, ap);
  fprintf (stderr, "\n");
  va_end (ap);
}

static void *
xcalloc (size_t n, size_t size)
{
  void *p = calloc (n, size);
  if (p == NULL)
    die ("out of memory");
  return p;
}

static char *
xstrdup_ (const char *s)
{
  char *p = strdup (s);
  if (p == NULL)
    die ("out of memory");
  return p;
}

static long long
now_ms (void)
{
  struct timespec ts;
  clock_gettime (CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

/* ---- the per-container report ---------------------------------------------- */

static void
metric_add (const char *id, const char *syscall)
{
  for (size_t i = 0; i < n_metrics; i++)
    if (strcmp (metrics[i].id, id) == 0 && strcmp (metrics[i].syscall, syscall) == 0)
      {
        metrics[i].n++;
        return;
      }
  metrics = realloc (metrics, (n_metrics + 1) * sizeof (*metrics));
  if (metrics == NULL)
    die ("out of memory");
  metrics[n_metrics++] = (struct metric){ .id = xstrdup_ (id), .syscall = xstrdup_ (syscall), .n = 1 };
}

static void
count_syscall (struct client *c, const char *name)
{
  metric_add (c->id ? c->id : "?", name);
  for (size_t i = 0; i < c->n_counts; i++)
    if (strcmp (c->counts[i].name, name) == 0)
      {
        c->counts[i].n++;
        return;
      }
  c->counts = realloc (c->counts, (c->n_counts + 1) * sizeof (*c->counts));
  if (c->counts == NULL)
    die ("out of memory");
  c->counts[c->n_counts++] = (struct count){ .name = xstrdup_ (name), .n = 1 };
}

static int
compare_counts (const void *a, const void *b)
{
  return strcmp (((const struct count *)a)->name, ((const struct count *)b)->name);
}

/* --report-dir: DIR/<id> holds the container's latest report (written to a
 * temporary name and renamed, so a reader never sees half a line). */
static void
write_report_file (const char *id, const char *line)
{
  char path[PATH_MAX], tmp[PATH_MAX];
  /* Runtimes' IDs are [A-Za-z0-9_.+-]; anything else would escape DIR. */
  if (strchr (id, '/') || strcmp (id, ".") == 0 || strcmp (id, "..") == 0)
    {
      logf_ ("container %s: not a file name, no report file", id);
      return;
    }
  if (snprintf (path, sizeof (path), "%s/%s", opts.report_dir, id) >= (int)sizeof (path)
      || snprintf (tmp, sizeof (tmp), "%s/.%s.tmp", opts.report_dir, id) >= (int)sizeof (tmp))
    {
      logf_ ("container %s: report path too long", id);
      return;
    }
  FILE *f = fopen (tmp, "we");
  if (f == NULL)
    {
      logf_ ("open %s: %m", tmp);
      return;
    }
  fprintf (f, "%s\n", line);
  if (fclose (f) != 0 || rename (tmp, path) < 0)
    logf_ ("write %s: %m", path);
}

/* "Used forbidden syscalls: chroot (2x), swapoff (2x)", names sorted. */
static void
report (struct client *c)
{
  char *line = NULL;
  size_t size = 0;
  FILE *m = open_memstream (&line, &size);
  if (m == NULL)
    die ("open_memstream: %m");
  qsort (c->counts, c->n_counts, sizeof (*c->counts), compare_counts);
  fprintf (m, "Used forbidden syscalls: ");
  for (size_t i = 0; i < c->n_counts; i++)
    fprintf (m, "%s%s (%lux)", i ? ", " : "", c->counts[i].name, c->counts[i].n);
  fclose (m);
  logf_ ("container %s: %s", c->id ? c->id : "?", line);
  printf ("%s\n", line);
  fflush (stdout);
  if (opts.report_path)
    {
      FILE *f = fopen (opts.report_path, "ae");
      if (f == NULL)
        logf_ ("open %s: %m", opts.report_path);
      else
        {
          fprintf (f, "%s\n", line);
          fclose (f);
        }
    }
  if (opts.report_dir)
    write_report_file (c->id ? c->id : "?", line);
  free (line);
}

/* ---- clients --------------------------------------------------------------- */

static void
client_free (struct client *c)
{
  if (c->conn >= 0)
    close (c->conn);
  if (c->notify_fd >= 0)
    close (c->notify_fd);
  if (c->pidfd >= 0)
    close (c->pidfd);
  for (size_t i = 0; i < c->n_counts; i++)
    free (c->counts[i].name);
  free (c->counts);
  free (c->buf);
  free (c->id);
  free (c);
}

static void
client_remove (size_t i)
{
  client_free (clients[i]);
  clients[i] = clients[--n_clients];
}

static void
client_add (int conn)
{
  struct client *c = xcalloc (1, sizeof (*c));
  c->conn = conn;
  c->notify_fd = -1;
  c->pidfd = -1;
  clients = realloc (clients, (n_clients + 1) * sizeof (*clients));
  if (clients == NULL)
    die ("out of memory");
  clients[n_clients++] = c;
}

static const char *
json_str (yajl_val root, const char **path)
{
  yajl_val v = yajl_tree_get (root, path, yajl_t_string);
  return v ? YAJL_GET_STRING (v) : NULL;
}

static long long
json_int (yajl_val root, const char **path)
{
  yajl_val v = yajl_tree_get (root, path, yajl_t_number);
  return v && YAJL_IS_INTEGER (v) ? YAJL_GET_INTEGER (v) : -1;
}

/* The runtime's message is complete: parse the containerProcessState. */
static int
client_start (struct client *c)
{
  char errbuf[256];
  yajl_val root = yajl_tree_parse (c->buf, errbuf, sizeof (errbuf));
  if (root == NULL)
    {
      logf_ ("bad containerProcessState: %s", errbuf);
      return -1;
    }
  const char *id_path[] = { "state", "id", NULL };
  const char *state_pid_path[] = { "state", "pid", NULL };
  const char *pid_path[] = { "pid", NULL };
  const char *annot_path[] = { "state", "annotations", STOP_ANNOTATION, NULL };
  const char *id = json_str (root, id_path);
  const char *annot = json_str (root, annot_path);
  long long pid = json_int (root, state_pid_path);
  if (pid <= 0)
    pid = json_int (root, pid_path);
  c->id = xstrdup_ (id ? id : "?");
  c->stop = opts.action == ACTION_STOP || (annot && strcmp (annot, "stop") == 0);
  if (pid > 0)
    c->pidfd = (int)syscall (SYS_pidfd_open, (pid_t)pid, 0);
  if (c->stop && c->pidfd < 0)
    logf_ ("container %s: no pid to stop (%lld): %m", c->id, pid);
  yajl_tree_free (root);
  logf_ ("container %s: listening (pid %lld%s)", c->id, pid, c->stop ? ", stop on forbidden syscalls" : "");
  return 0;
}

/* Read what the runtime sends; the listener rides on the first chunk.  The
 * runtime closes its end after one message, so EOF completes it. */
static int
client_read (struct client *c)
{
  char control[CMSG_SPACE (sizeof (int) * 4)];
  char chunk[16384];
  struct iovec iov = { .iov_base = chunk, .iov_len = sizeof (chunk) };
  struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = control, .msg_controllen = sizeof (control) };
  ssize_t n = recvmsg (c->conn, &mh, MSG_DONTWAIT | MSG_CMSG_CLOEXEC);
  if (n < 0)
    return errno == EAGAIN || errno == EINTR ? 0 : -1;
  for (struct cmsghdr *cm = CMSG_FIRSTHDR (&mh); cm; cm = CMSG_NXTHDR (&mh, cm))
    if (cm->cmsg_level == SOL_SOCKET && cm->cmsg_type == SCM_RIGHTS)
      {
        size_t nfds = (cm->cmsg_len - CMSG_LEN (0)) / sizeof (int);
        int fds[4];
        memcpy (fds, CMSG_DATA (cm), nfds * sizeof (int));
        for (size_t i = 0; i < nfds; i++)
          {
            if (c->notify_fd < 0)
              c->notify_fd = fds[i];
            else
              close (fds[i]);
          }
      }
  if (n == 0)
    {
      close (c->conn);
      c->conn = -1;
      if (c->notify_fd < 0 || c->buf == NULL)
        {
          logf_ ("a runtime connected but sent no listener");
          return -1;
        }
      return client_start (c);
    }
  if (c->len + (size_t)n > MAX_MESSAGE)
    return -1;
  c->buf = realloc (c->buf, c->len + (size_t)n + 1);
  if (c->buf == NULL)
    die ("out of memory");
  memcpy (c->buf + c->len, chunk, (size_t)n);
  c->len += (size_t)n;
  c->buf[c->len] = '\0';
  return 0;
}

static const char *
syscall_name (const struct seccomp_data *d, char *buf, size_t size)
{
  uint32_t arch = d->arch;
  int nr = d->nr;
  /* libseccomp has a separate token for x32; the kernel says x86_64. */
  if (arch == AUDIT_ARCH_X86_64 && (nr & X32_SYSCALL_BIT))
    arch = SCMP_ARCH_X32;
  char *name = seccomp_syscall_resolve_num_arch (arch, nr);
  if (name == NULL)
    snprintf (buf, size, "syscall_%d", nr);
  else
    {
      snprintf (buf, size, "%s", name);
      free (name);
    }
  return buf;
}

static int
client_notification (struct client *c)
{
  struct seccomp_notif req;
  struct seccomp_notif_resp resp;
  char name[64];

  memset (&req, 0, sizeof (req));
  if (ioctl (c->notify_fd, SECCOMP_IOCTL_NOTIF_RECV, &req) < 0)
    return errno == EINTR || errno == ENOENT ? 0 : -1;
  syscall_name (&req.data, name, sizeof (name));
  memset (&resp, 0, sizeof (resp));
  resp.id = req.id;
  if (opts.action == ACTION_CONTINUE && !c->stop)
    resp.flags = SECCOMP_USER_NOTIF_FLAG_CONTINUE;
  else
    resp.error = -opts.errno_ret;
  if (ioctl (c->notify_fd, SECCOMP_IOCTL_NOTIF_SEND, &resp) < 0 && errno != ENOENT)
    return -1;
  count_syscall (c, name);
  logf_ ("container %s: pid %u: forbidden syscall %s%s", c->id, req.pid, name, resp.flags ? " (continued)" : "");
  if (c->stop && !c->stopped)
    c->deadline_ms = now_ms () + opts.stop_delay_ms;
  return 0;
}

static void
client_stop (struct client *c)
{
  c->stopped = true;
  c->deadline_ms = 0;
  if (c->pidfd >= 0 && syscall (SYS_pidfd_send_signal, c->pidfd, SIGKILL, NULL, 0) < 0 && errno != ESRCH)
    logf_ ("container %s: kill: %m", c->id);
  logf_ ("container %s: stopped", c->id);
  report (c);
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
  if (next == 0)
    return -1;
  long long left = next - now_ms ();
  return left < 0 ? 0 : (int)(left > INT_MAX ? INT_MAX : left);
}

/* ---- metrics ------------------------------------------------------------------ */

/* "unix:PATH" or "tcp:127.0.0.1:PORT" (loopback only: the counters name
 * containers, nothing for the network). */
static int
metrics_listen (const char *spec)
{
  int s;
  if (strncmp (spec, "unix:", 5) == 0)
    {
      struct sockaddr_un addr = { .sun_family = AF_UNIX };
      const char *path = spec + 5;
      if (*path == '\0' || strlen (path) >= sizeof (addr.sun_path))
        die ("--metrics: bad socket path \"%s\"", path);
      strcpy (addr.sun_path, path);
      s = socket (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
      if (s < 0)
        die ("socket: %m");
      unlink (path);
      if (bind (s, (struct sockaddr *)&addr, sizeof (addr)) < 0)
        die ("--metrics: bind %s: %m", path);
      if (listen (s, 16) < 0)
        die ("listen: %m");
      logf_ ("metrics on unix:%s", path);
      return s;
    }
  if (strncmp (spec, "tcp:127.0.0.1:", 14) == 0)
    {
      char *end;
      long port = strtol (spec + 14, &end, 10);
      if (spec[14] == '\0' || *end != '\0' || port < 0 || port > 65535)
        die ("--metrics: bad port in \"%s\"", spec);
      struct sockaddr_in addr
          = { .sin_family = AF_INET, .sin_port = htons ((uint16_t)port), .sin_addr.s_addr = htonl (INADDR_LOOPBACK) };
      socklen_t len = sizeof (addr);
      int one = 1;
      s = socket (AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
      if (s < 0)
        die ("socket: %m");
      setsockopt (s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof (one));
      if (bind (s, (struct sockaddr *)&addr, sizeof (addr)) < 0)
        die ("--metrics: bind 127.0.0.1:%ld: %m", port);
      if (listen (s, 16) < 0)
        die ("listen: %m");
      getsockname (s, (struct sockaddr *)&addr, &len);
      logf_ ("metrics on tcp:127.0.0.1:%u", (unsigned)ntohs (addr.sin_port));
      return s;
    }
  die ("--metrics: expected unix:PATH or tcp:127.0.0.1:PORT, not \"%s\"", spec);
}

static void
label_value (FILE *f, const char *v)
{
  for (; *v; v++)
    {
      if (*v == '\\' || *v == '"')
        fprintf (f, "\\%c", *v);
      else if (*v == '\n')
        fputs ("\\n", f);
      else
        fputc (*v, f);
    }
}

static int
compare_metrics (const void *a, const void *b)
{
  const struct metric *x = a, *y = b;
  int c = strcmp (x->id, y->id);
  return c ? c : strcmp (x->syscall, y->syscall);
}

/* The whole HTTP response: Prometheus text exposition format 0.0.4. */
static char *
metrics_response (size_t *len)
{
  char *body = NULL, *out = NULL;
  size_t body_len = 0;
  FILE *f = open_memstream (&body, &body_len);
  if (f == NULL)
    die ("open_memstream: %m");
  qsort (metrics, n_metrics, sizeof (*metrics), compare_metrics);
  fprintf (f,
           "# HELP " METRIC " Forbidden syscalls answered by the seccomp notifier agent, by container and syscall\n");
  fprintf (f, "# TYPE " METRIC " counter\n");
  for (size_t i = 0; i < n_metrics; i++)
    {
      fprintf (f, METRIC "{id=\"");
      label_value (f, metrics[i].id);
      fprintf (f, "\",syscall=\"");
      label_value (f, metrics[i].syscall);
      fprintf (f, "\"} %llu\n", metrics[i].n);
    }
  fclose (f);
  f = open_memstream (&out, len);
  if (f == NULL)
    die ("open_memstream: %m");
  fprintf (f,
           "HTTP/1.1 200 OK\r\nContent-Type: text/plain; version=0.0.4; charset=utf-8\r\nContent-Length: %zu\r\n"
           "Connection: close\r\n\r\n%s",
           body_len, body);
  fclose (f);
  free (body);
  return out;
}

static void
http_add (int fd)
{
  struct http_conn *h = xcalloc (1, sizeof (*h));
  h->fd = fd;
  https = realloc (https, (n_https + 1) * sizeof (*https));
  if (https == NULL)
    die ("out of memory");
  https[n_https++] = h;
}

static void
http_remove (size_t i)
{
  close (https[i]->fd);
  free (https[i]->out);
  free (https[i]);
  https[i] = https[--n_https];
}

/* -1: done with this connection. */
static int
http_io (struct http_conn *h)
{
  if (!h->writing)
    {
      /* Only the end of the request matters: every path gets the metrics. */
      char buf[2048];
      ssize_t n = read (h->fd, buf, sizeof (buf));
      if (n < 0)
        return errno == EAGAIN || errno == EINTR ? 0 : -1;
      h->in_len += (size_t)n;
      bool end = n == 0 || memmem (buf, (size_t)n, "\r\n\r\n", 4) || memmem (buf, (size_t)n, "\n\n", 2);
      if (!end && h->in_len < HTTP_REQUEST_MAX)
        return 0;
      h->out = metrics_response (&h->out_len);
      h->writing = true;
    }
  ssize_t n = send (h->fd, h->out + h->out_done, h->out_len - h->out_done, MSG_NOSIGNAL | MSG_DONTWAIT);
  if (n < 0)
    return errno == EAGAIN || errno == EINTR ? 0 : -1;
  h->out_done += (size_t)n;
  return h->out_done == h->out_len ? -1 : 0;
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
