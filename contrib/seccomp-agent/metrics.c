/* SPDX-License-Identifier: Apache-2.0 */
/* The --metrics endpoint of minirt-seccomp-agent: a counter per container
 * and syscall (kept after the container is gone: counters never go down),
 * served in Prometheus' text format over HTTP, without blocking. */
#include <errno.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "agent.h"

#define METRIC "minirt_containers_seccomp_notifier_count_total"
#define HTTP_REQUEST_MAX 8192
/* A scraper that sends nothing (or stops reading) for this long is dropped:
 * it would hold an fd forever. */
#define HTTP_IDLE_MS 5000
/* Beyond this many open scrapes, the oldest is dropped for a new one, so
 * idle clients can neither exhaust the agent's fds (which it needs for the
 * containers' listeners) nor lock out a real scraper. */
#define HTTP_CONN_MAX 32

struct http_conn **https;
size_t n_https;
struct metric *metrics;
size_t n_metrics;

void
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

/* "unix:PATH" or "tcp:127.0.0.1:PORT" (loopback only: the counters name
 * containers, nothing for the network). */
int
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

void
http_add (int fd)
{
  if (n_https >= HTTP_CONN_MAX)
    {
      size_t oldest = 0;
      for (size_t i = 1; i < n_https; i++)
        if (https[i]->deadline_ms < https[oldest]->deadline_ms)
          oldest = i;
      http_remove (oldest);
    }
  struct http_conn *h = xcalloc (1, sizeof (*h));
  h->fd = fd;
  h->deadline_ms = now_ms () + HTTP_IDLE_MS;
  https = realloc (https, (n_https + 1) * sizeof (*https));
  if (https == NULL)
    die ("out of memory");
  https[n_https++] = h;
}

void
http_remove (size_t i)
{
  close (https[i]->fd);
  free (https[i]->out);
  free (https[i]);
  https[i] = https[--n_https];
}

long long
http_next_deadline (void)
{
  long long next = 0;
  for (size_t i = 0; i < n_https; i++)
    if (next == 0 || https[i]->deadline_ms < next)
      next = https[i]->deadline_ms;
  return next;
}

void
http_expire (long long now)
{
  for (size_t i = n_https; i-- > 0;)
    if (https[i]->deadline_ms <= now)
      http_remove (i);
}

/* Whether the request ends in this read: the blank line is looked for in
 * the last bytes of the previous reads followed by this one, as a client
 * may send "...\r\n\r" and "\n" apart. */
static bool
request_complete (struct http_conn *h, const char *buf, size_t n)
{
  char joined[sizeof (h->tail) + 2048];
  size_t len = h->tail_len;
  memcpy (joined, h->tail, len);
  memcpy (joined + len, buf, n);
  len += n;
  bool end = memmem (joined, len, "\r\n\r\n", 4) || memmem (joined, len, "\n\n", 2);
  h->tail_len = len < sizeof (h->tail) ? len : sizeof (h->tail);
  memcpy (h->tail, joined + len - h->tail_len, h->tail_len);
  return end;
}

/* -1: done with this connection. */
int
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
      h->deadline_ms = now_ms () + HTTP_IDLE_MS;
      bool end = n == 0 || request_complete (h, buf, (size_t)n);
      if (!end && h->in_len < HTTP_REQUEST_MAX)
        return 0;
      h->out = metrics_response (&h->out_len);
      h->writing = true;
    }
  ssize_t n = send (h->fd, h->out + h->out_done, h->out_len - h->out_done, MSG_NOSIGNAL | MSG_DONTWAIT);
  if (n < 0)
    return errno == EAGAIN || errno == EINTR ? 0 : -1;
  h->out_done += (size_t)n;
  h->deadline_ms = now_ms () + HTTP_IDLE_MS;
  return h->out_done == h->out_len ? -1 : 0;
}
