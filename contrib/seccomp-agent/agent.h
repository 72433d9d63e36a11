/* SPDX-License-Identifier: Apache-2.0 */
/* What the files of minirt-seccomp-agent share: the options, the
 * per-container clients, the scrape connections, the counters, and the
 * helpers of seccomp-agent.c.  The agent is one single-threaded process
 * serving everything from one poll loop, so this state is plain globals. */
#ifndef MINIRT_SECCOMP_AGENT_H
#define MINIRT_SECCOMP_AGENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

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
  char tail[3]; /* the request's last bytes: its blank line may span reads */
  size_t tail_len;
  long long deadline_ms; /* closed when idle until then */
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

/* seccomp-agent.c */
extern struct options opts;
void die (const char *fmt, ...) __attribute__ ((noreturn, format (printf, 1, 2)));
void logf_ (const char *fmt, ...) __attribute__ ((format (printf, 1, 2)));
void *xcalloc (size_t n, size_t size);
char *xstrdup_ (const char *s);
long long now_ms (void);

/* clients.c: the runtimes' connections and the containers' listeners */
extern struct client **clients;
extern size_t n_clients;
void client_add (int conn);
void client_remove (size_t i);
/* 0, or -1 when done with the client (then client_remove it). */
int client_read (struct client *c);
int client_notification (struct client *c);
void client_stop (struct client *c);

/* report.c: the per-container count and its "Used forbidden syscalls" line */
void count_syscall (struct client *c, const char *name);
void report (struct client *c);

/* metrics.c: the counters and their Prometheus endpoint */
extern struct http_conn **https;
extern size_t n_https;
extern struct metric *metrics;
extern size_t n_metrics;
void metric_add (const char *id, const char *syscall);
int metrics_listen (const char *spec);
void http_add (int fd);
void http_remove (size_t i);
int http_io (struct http_conn *h);
/* The earliest deadline of a scrape connection, 0 when there is none. */
long long http_next_deadline (void);
/* Close the connections idle past their deadline. */
void http_expire (long long now);

#endif
