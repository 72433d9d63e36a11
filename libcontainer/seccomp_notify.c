/* SPDX-License-Identifier: Apache-2.0 */
/* The seccomp notify listener: handing it to the agent at listenerPath, and
 * keeping the runtime's own child alive between filter load and execve. */
#include <errno.h>
#include <fcntl.h>
#include <linux/seccomp.h>
#include <poll.h>
#include <seccomp.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "config.h"
#include "seccomp.h"
#include "seccomp_internal.h"
#include "syscalls.h"
#include "utils.h"

/* Longest text message the child may send on the exec connection. */
#define EXEC_MSG_MAX 4096

static char *
json_string (const char *s)
{
  size_t len = strlen (s);
  char *out = xmalloc0 (len * 6 + 3);
  char *o = out;
  *o++ = '"';
  for (const unsigned char *c = (const unsigned char *)s; *c; c++)
    {
      switch (*c)
        {
        case '"':
          o = stpcpy (o, "\\\"");
          break;
        case '\\':
          o = stpcpy (o, "\\\\");
          break;
        case '\n':
          o = stpcpy (o, "\\n");
          break;
        case '\t':
          o = stpcpy (o, "\\t");
          break;
        case '\r':
          o = stpcpy (o, "\\r");
          break;
        default:
          if (*c < 0x20)
            o += sprintf (o, "\\u%04x", *c);
          else
            *o++ = (char)*c;
        }
    }
  *o++ = '"';
  *o = '\0';
  return out;
}

char *
mrt_seccomp_process_state_json (pid_t pid, const char *metadata, const char *state_json)
{
  cleanup_free char *meta = json_string (metadata ? metadata : "");
  return xasprintf ("{\"ociVersion\":\"%s\",\"fds\":[\"seccompFd\"],\"pid\":%d,\"metadata\":%s,\"state\":%s}",
                    MINIRT_SPEC_VERSION, (int)pid, meta, state_json ? state_json : "{}");
}

int
mrt_seccomp_send_listener (const char *listener_path, int notify_fd, const char *process_state_json, mrt_error_t *err)
{
  struct sockaddr_un addr = { .sun_family = AF_UNIX };
  cleanup_close int sock = -1;
  size_t len = strlen (process_state_json);
  ssize_t n;

  if (strlen (listener_path) >= sizeof (addr.sun_path))
    return mrt_error_make (err, ENAMETOOLONG, "linux.seccomp.listenerPath: \"%s\"", listener_path);
  strcpy (addr.sun_path, listener_path);
  sock = socket (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (sock < 0)
    return mrt_error_sys (err, "linux.seccomp.listenerPath: socket");
  if (connect (sock, (struct sockaddr *)&addr, sizeof (addr)) < 0)
    return mrt_error_sys (err, "linux.seccomp.listenerPath: connect to \"%s\"", listener_path);

  n = mrt_send_fd (sock, notify_fd, process_state_json, len);
  if (n < 0)
    return mrt_error_sys (err, "linux.seccomp.listenerPath: send the listener to \"%s\"", listener_path);
  if ((size_t)n < len && mrt_write_all (sock, process_state_json + n, len - (size_t)n) < 0)
    return mrt_error_sys (err, "linux.seccomp.listenerPath: send the state to \"%s\"", listener_path);
  return 0;
}

int
mrt_seccomp_load_announced (const struct mrt_seccomp_filter *f, int conn, mrt_error_t *err)
{
  int notify_fd = -1;
  char msg[32];
  ssize_t n;

  if (!mrt_seccomp_filter_wants_listener (f))
    return mrt_seccomp_load (f, &notify_fd, err);
  /* The kernel gives the listener the lowest free fd. */
  int probe = fcntl (0, F_DUPFD_CLOEXEC, 0);
  if (probe < 0)
    return mrt_error_sys (err, "linux.seccomp: find a free fd");
  close (probe);
  int len = snprintf (msg, sizeof (msg), MRT_SECCOMP_ANNOUNCE, probe);
  if (send (conn, msg, (size_t)len, MSG_NOSIGNAL) != len)
    return mrt_error_sys (err, "linux.seccomp: announce the listener");
  if (mrt_seccomp_load (f, &notify_fd, err) < 0)
    return -1;
  if (notify_fd != probe)
    return mrt_error_make (err, 0, "linux.seccomp: the listener got fd %d, not the announced %d", notify_fd, probe);
  do
    n = recv (conn, msg, sizeof (msg) - 1, 0);
  while (n < 0 && errno == EINTR);
  if (n < 0)
    return mrt_error_sys (err, "linux.seccomp: wait for the listener to be taken");
  msg[n > 0 ? n : 0] = '\0';
  if (strcmp (msg, MRT_SECCOMP_ACK) != 0)
    return mrt_error_make (err, 0, "linux.seccomp: the runtime did not take the listener");
  close (notify_fd);
  return 0;
}

int
mrt_seccomp_take_listener (pid_t pid, int fdnum, int conn, mrt_error_t *err)
{
  cleanup_close int pidfd = mrt_pidfd_open (pid, 0);
  cleanup_close int notify = -1;

  if (pidfd < 0)
    return mrt_error_sys (err, "linux.seccomp: pidfd_open %d", (int)pid);
  /* The child announced N just before loading the filter. */
  for (int tries = 0; notify < 0; tries++)
    {
      notify = mrt_pidfd_getfd (pidfd, fdnum, 0);
      if (notify >= 0)
        break;
      if (errno != EBADF)
        return mrt_error_sys (err, "linux.seccomp: take the listener fd %d of pid %d", fdnum, (int)pid);
      if (tries >= 10000)
        return mrt_error_make (err, ETIMEDOUT, "linux.seccomp: the listener fd %d of pid %d never appeared", fdnum,
                               (int)pid);
      struct timespec ts = { 0, 200000 };
      nanosleep (&ts, NULL);
    }
  if (send (conn, MRT_SECCOMP_ACK, strlen (MRT_SECCOMP_ACK), MSG_NOSIGNAL) < 0)
    return mrt_error_sys (err, "linux.seccomp: acknowledge the listener");
  return steal_fd (&notify);
}

/* Let one notified syscall of the runtime's child run as if unfiltered.
 * ENOENT: the task died or the syscall was interrupted meanwhile. */
struct pre_exec_watch
{
  int announced_fd;
  bool handed_over; /* the child closed its copy of the listener */
  mrt_seccomp_notif_fn fn;
  void *data;
};

int
mrt_seccomp_notif_recv (int notify_fd, struct seccomp_notif *req)
{
  memset (req, 0, sizeof (*req));
  if (ioctl (notify_fd, SECCOMP_IOCTL_NOTIF_RECV, req) == 0)
    return 1;
  return errno == EINTR || errno == ENOENT ? 0 : -1;
}

int
mrt_seccomp_notif_continue (int notify_fd, uint64_t id)
{
  struct seccomp_notif_resp resp = { .id = id, .flags = SECCOMP_USER_NOTIF_FLAG_CONTINUE };
  if (ioctl (notify_fd, SECCOMP_IOCTL_NOTIF_SEND, &resp) < 0 && errno != ENOENT)
    return -1;
  return 0;
}

static int
continue_one (int notify_fd, struct pre_exec_watch *w, mrt_error_t *err)
{
  struct seccomp_notif req;
  int r = mrt_seccomp_notif_recv (notify_fd, &req);

  if (r <= 0)
    return r < 0 ? mrt_error_sys (err, "seccomp listener: receive") : 0;
  if (w->fn && w->handed_over)
    w->fn (w->data, &req);
  /* The hand-over (recv of the acknowledgement, close of the listener) is
   * only made because of the listener: not reported. */
  if (!w->handed_over && req.data.nr == __NR_close && req.data.arch == seccomp_arch_native ()
      && req.data.args[0] == (uint64_t)w->announced_fd)
    w->handed_over = true;
  if (mrt_seccomp_notif_continue (notify_fd, req.id) < 0)
    return mrt_error_sys (err, "seccomp listener: continue syscall %d", req.data.nr);
  return 0;
}

/* Why this makes SCMP_ACT_NOTIFY safe everywhere, even as defaultAction or
 * on write/close/read (which runc has to refuse):
 *  - the child loads the filter only after it has told us the fd number the
 *    listener will get, so no notified syscall is needed to announce it;
 *  - from the load until execve, every syscall the child makes that the
 *    filter notifies blocks until someone answers: we are that someone and
 *    answer CONTINUE, i.e. the runtime's own set-up syscalls behave as if the
 *    filter allowed them (CONTINUE is only unsafe as a security decision
 *    about a syscall's pointer arguments, and here the caller is our own
 *    code, not the workload);
 *  - the exec connection is O_CLOEXEC in the child: EOF on it is the kernel
 *    telling us execve succeeded.  From then on the notifications are the
 *    workload's and belong to the agent, so we stop at once.  Checking the
 *    connection before the listener in each round keeps that ordering: a
 *    pre-exec notification blocks the child, so it cannot have exec'd yet. */
int
mrt_seccomp_supervise_until_exec (int notify_fd, int exec_conn_fd, mrt_error_t *err)
{
  return mrt_seccomp_supervise_until_exec_ex (notify_fd, exec_conn_fd, -1, NULL, NULL, err);
}

int
mrt_seccomp_supervise_until_exec_ex (int notify_fd, int exec_conn_fd, int announced_fd, mrt_seccomp_notif_fn fn,
                                     void *data, mrt_error_t *err)
{
  struct pre_exec_watch watch = { .announced_fd = announced_fd, .fn = fn, .data = data };
  struct pollfd pfd[2] = {
    { .fd = exec_conn_fd, .events = POLLIN },
    { .fd = notify_fd, .events = POLLIN },
  };
  cleanup_free char *child_msg = NULL;

  for (;;)
    {
      if (poll (pfd, 2, -1) < 0)
        {
          if (errno == EINTR)
            continue;
          return mrt_error_sys (err, "seccomp listener: poll");
        }
      if (pfd[0].revents)
        {
          char buf[EXEC_MSG_MAX];
          ssize_t n = recv (exec_conn_fd, buf, sizeof (buf) - 1, MSG_DONTWAIT);
          if (n == 0 || (n < 0 && errno == ECONNRESET))
            break;
          if (n < 0 && errno != EAGAIN && errno != EINTR)
            return mrt_error_sys (err, "exec connection: receive");
          if (n > 0 && child_msg == NULL)
            {
              buf[n] = '\0';
              child_msg = xstrdup (buf);
            }
        }
      if (pfd[1].revents & POLLIN)
        {
          if (continue_one (notify_fd, &watch, err) < 0)
            return -1;
        }
      else if (pfd[1].revents)
        pfd[1].fd = -1; /* no task uses the filter any more */
    }
  if (child_msg)
    return mrt_error_make (err, 0, "%s", child_msg);
  return 0;
}
