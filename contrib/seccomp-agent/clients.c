/* SPDX-License-Identifier: Apache-2.0 */
/* The clients of minirt-seccomp-agent: a runtime's connection carrying
 * the containerProcessState and the listener fd, then that container's
 * notifications, each answered (errno or continue) and counted, and the
 * stop (SIGKILL to the init) when the container is to be stopped. */
#include <errno.h>
#include <limits.h>
#include <linux/audit.h>
#include <linux/seccomp.h>
#include <seccomp.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <yajl/yajl_tree.h>

#include "agent.h"

#define STOP_ANNOTATION "io.kubernetes.cri-o.seccompNotifierAction"
#define MAX_MESSAGE (1 << 20)
#define X32_SYSCALL_BIT 0x40000000

struct client **clients;
size_t n_clients;

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

void
client_remove (size_t i)
{
  client_free (clients[i]);
  clients[i] = clients[--n_clients];
}

void
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

/* The runtime's message is complete: take what the containerProcessState
 * says.  The runtime's connection is no longer needed. */
static int
client_start (struct client *c, yajl_val root)
{
  close (c->conn);
  c->conn = -1;
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
  /* A pid beyond pid_t must not wrap onto another process (4294967297
   * would be init), which stop would then kill. */
  if (pid > 0 && pid <= INT_MAX)
    c->pidfd = (int)syscall (SYS_pidfd_open, (pid_t)pid, 0);
  else
    errno = ESRCH;
  if (c->stop && c->pidfd < 0)
    logf_ ("container %s: no pid to stop (%lld): %m", c->id, pid);
  logf_ ("container %s: listening (pid %lld%s)", c->id, pid, c->stop ? ", stop on forbidden syscalls" : "");
  return 0;
}

/* Read what the runtime sends; the listener rides on the first chunk.  The
 * message ends where its JSON document does, not at EOF: runc (1.1.5 and
 * later) never closes the connection it sent the state on (its
 * sendContainerProcessState closes only a dup of the socket), so its end
 * stays open as long as the "runc run" that made it, and an agent that
 * waited for EOF left the container blocked in its first notified syscall.
 * The top-level value is an object, so no proper prefix of it parses: once
 * the bytes parse, they are the whole message. */
int
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
      if (c->notify_fd < 0 || c->buf == NULL)
        logf_ ("a runtime connected but sent no listener");
      else
        {
          /* It never parsed, or the client would have started. */
          char errbuf[256] = "";
          yajl_tree_free (yajl_tree_parse (c->buf, errbuf, sizeof (errbuf)));
          logf_ ("bad containerProcessState: %s", errbuf);
        }
      return -1;
    }
  if (c->len + (size_t)n > MAX_MESSAGE)
    {
      logf_ ("a runtime sent more than %d bytes", MAX_MESSAGE);
      return -1;
    }
  c->buf = realloc (c->buf, c->len + (size_t)n + 1);
  if (c->buf == NULL)
    die ("out of memory");
  memcpy (c->buf + c->len, chunk, (size_t)n);
  c->len += (size_t)n;
  c->buf[c->len] = '\0';
  if (c->notify_fd < 0)
    return 0;
  char errbuf[256];
  yajl_val root = yajl_tree_parse (c->buf, errbuf, sizeof (errbuf));
  if (root == NULL)
    return 0; /* not all of it yet */
  int ret = client_start (c, root);
  yajl_tree_free (root);
  return ret;
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

int
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

void
client_stop (struct client *c)
{
  c->stopped = true;
  c->deadline_ms = 0;
  if (c->pidfd >= 0 && syscall (SYS_pidfd_send_signal, c->pidfd, SIGKILL, NULL, 0) < 0 && errno != ESRCH)
    logf_ ("container %s: kill: %m", c->id);
  logf_ ("container %s: stopped", c->id);
  report (c);
}
