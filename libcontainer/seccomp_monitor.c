/* SPDX-License-Identifier: Apache-2.0 */
/* The violation-report monitor process (seccomp_monitor.h).
 *
 * Why answering from here keeps the profile's effect:
 *  - ERRNO: the notification is answered with that errno (the value the
 *    untransformed filter gives for these very arguments), which is what
 *    the kernel would have returned;
 *  - KILL_PROCESS / KILL_THREAD / TRAP with SIGSYS at its default action:
 *    the calling thread gets SIGSYS, which is fatal, so the process ends
 *    "killed by SIGSYS" (shell status 159) as under the kernel's kill.  The
 *    notification is not answered: the fatal signal wakes the task and it
 *    never returns to user space.  Where a signal from outside cannot do
 *    that (SIGSYS blocked, ignored or caught, or the task is the init of its
 *    pid namespace, which drops signals it has no handler for) SIGKILL is
 *    used: the process still dies (status 137).  A multi-threaded process
 *    dies as a whole even for KILL_THREAD: no signal ends one thread only;
 *  - TRAP with a SIGSYS handler: the syscall returns its own number (the
 *    kernel's rollback) and then the thread gets SIGSYS; unlike the
 *    kernel's, that siginfo is not SYS_SECCOMP.
 * Sending the signal before answering would interrupt the wait in the
 * kernel, which restarts the syscall after a handler: a notification loop.
 *
 * The runtime's own syscalls never reach this process: `start` continues
 * them until execve (seccomp_notify.c) and only then hands the listener
 * over, so nothing here can block the set-up. */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <linux/audit.h>
#include <linux/seccomp.h>
#include <poll.h>
#include <seccomp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cgroups.h"
#include "seccomp_internal.h"
#include "seccomp_monitor.h"
#include "state.h"
#include "syscalls.h"
#include "utils.h"

/* How long `delete` lets the monitor write its last report. */
#define END_GRACE_MS 2000
#define LOCK_RETRY_MS 50
#define X32_SYSCALL_BIT 0x40000000

struct monitor
{
  const struct mrt_seccomp_monitor_config *cfg;
  struct mrt_log log;
  int sock;    /* where listeners are handed over */
  int *notify; /* the listeners handed over so far */
  size_t n_notify;
  int pidfd; /* the container's init, -1 once it exited */
  int sigfd; /* SIGTERM / SIGINT: `delete` ends us */
  bool ending;
  struct mrt_seccomp_counts counts;
  uint64_t reported; /* counts.total at the last report */
  struct timespec last_violation;
};

/* ---- the caller's side ---------------------------------------------------- */

static int
sock_path (int dirfd, struct sockaddr_un *addr, mrt_error_t *err)
{
  memset (addr, 0, sizeof (*addr));
  addr->sun_family = AF_UNIX;
  int n = snprintf (addr->sun_path, sizeof (addr->sun_path), "/proc/self/fd/%d/%s", dirfd, MRT_SECCOMP_MONITOR_SOCK);
  if (n < 0 || (size_t)n >= sizeof (addr->sun_path))
    return mrt_error_make (err, ENAMETOOLONG, "seccomp report: socket path");
  return 0;
}

int
mrt_seccomp_monitor_hand_over (int dirfd, int notify_fd, mrt_error_t *err)
{
  struct sockaddr_un addr;
  cleanup_close int sock = socket (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

  if (sock < 0)
    return mrt_error_sys (err, "seccomp report: socket");
  if (sock_path (dirfd, &addr, err) < 0)
    return -1;
  if (connect (sock, (struct sockaddr *)&addr, sizeof (addr)) < 0)
    return mrt_error_sys (err, "seccomp report: connect to the monitor");
  if (mrt_send_fd (sock, notify_fd, "L", 1) != 1)
    return mrt_error_sys (err, "seccomp report: send the listener to the monitor");
  return 0;
}

static bool
wait_pidfd (int pidfd, int timeout_ms)
{
  struct pollfd p = { .fd = pidfd, .events = POLLIN };
  int r;
  while ((r = poll (&p, 1, timeout_ms)) < 0 && errno == EINTR)
    ;
  return r > 0;
}

void
mrt_seccomp_monitor_end (pid_t pid, uint64_t start_time)
{
  if (pid <= 0)
    return;
  cleanup_close int pidfd = mrt_pidfd_open (pid, 0);
  if (pidfd < 0 || !mrt_proc_alive (pid, start_time))
    return;
  if (mrt_pidfd_send_signal (pidfd, SIGTERM, NULL, 0) < 0)
    return;
  if (wait_pidfd (pidfd, END_GRACE_MS))
    return;
  if (mrt_pidfd_send_signal (pidfd, SIGKILL, NULL, 0) == 0)
    wait_pidfd (pidfd, 10000);
}

/* ---- the monitor: state and log ------------------------------------------- */

static void
sleep_or_end (struct monitor *m, int ms)
{
  struct pollfd p = { .fd = m->sigfd, .events = POLLIN };
  if (poll (&p, 1, ms) > 0)
    m->ending = true;
}

/* Under the container's lock, like every command that changes state.json.
 * `delete` holds that lock while it ends us: never wait for it blindly. */
static void
update_state (struct monitor *m, const char *line)
{
  struct mrt_state_dir d;
  struct mrt_state_record r;
  mrt_error_t err = NULL;

  if (mrt_state_dir_open (m->cfg->state_root, m->cfg->id, false, &d, &err) < 0)
    goto out_err;
  for (;;)
    {
      int locked = mrt_state_dir_try_lock (&d, &err);
      if (locked < 0)
        goto out_close; /* deleted meanwhile */
      if (locked)
        break;
      sleep_or_end (m, LOCK_RETRY_MS);
      if (m->ending)
        goto out_close;
    }
  if (mrt_state_read (&d, &r, &err) < 0)
    goto out_close;
  size_t i;
  for (i = 0; i < r.n_annotations; i++)
    if (strcmp (r.annotations[i].key, MRT_SECCOMP_REPORT_RESULT_ANNOTATION) == 0)
      break;
  if (i == r.n_annotations)
    {
      r.annotations = xrealloc (r.annotations, (r.n_annotations + 1) * sizeof (*r.annotations));
      r.annotations[i].key = xstrdup (MRT_SECCOMP_REPORT_RESULT_ANNOTATION);
      r.annotations[i].value = NULL;
      r.n_annotations++;
    }
  free (r.annotations[i].value);
  r.annotations[i].value = xstrdup (line);
  if (mrt_state_write (&d, &r, &err) < 0)
    mrt_log_warning (&m->log, "seccomp report of `%s`: %s", m->cfg->id, err->msg);
  mrt_state_write_done (&d);
  mrt_state_record_clear (&r);
out_close:
  mrt_state_dir_close (&d);
out_err:
  mrt_error_free (&err);
}

/* Log (and record) the report if something was counted since the last. */
static void
report (struct monitor *m, bool to_state)
{
  if (m->counts.total == m->reported)
    return;
  cleanup_free char *line = mrt_seccomp_counts_format (&m->counts);
  m->reported = m->counts.total;
  mrt_log_warning (&m->log, "container `%s`: %s", m->cfg->id, line);
  if (to_state)
    update_state (m, line);
}

/* ---- the monitor: answering ------------------------------------------------ */

struct task_info
{
  pid_t tgid;
  bool ns_init;         /* pid 1 of its pid namespace */
  uint64_t sig_blocked; /* of the thread */
  uint64_t sig_ignored, sig_caught;
};

static void
read_status (pid_t pid, struct task_info *t, bool process_fields)
{
  char path[64], line[512];
  snprintf (path, sizeof (path), "/proc/%d/status", (int)pid);
  cleanup_file FILE *f = fopen (path, "re");
  if (f == NULL)
    return;
  while (fgets (line, sizeof (line), f))
    {
      if (!process_fields)
        {
          if (strncmp (line, "Tgid:", 5) == 0)
            t->tgid = (pid_t)strtol (line + 5, NULL, 10);
          else if (strncmp (line, "SigBlk:", 7) == 0)
            t->sig_blocked = strtoull (line + 7, NULL, 16);
          continue;
        }
      if (strncmp (line, "NSpid:", 6) == 0)
        {
          char *last = strrchr (line, '\t');
          t->ns_init = last && strtol (last + 1, NULL, 10) == 1;
        }
      else if (strncmp (line, "SigIgn:", 7) == 0)
        t->sig_ignored = strtoull (line + 7, NULL, 16);
      else if (strncmp (line, "SigCgt:", 7) == 0)
        t->sig_caught = strtoull (line + 7, NULL, 16);
    }
}

static void
answer (int notify, const struct seccomp_notif *req, int64_t val, int error, uint32_t flags)
{
  struct seccomp_notif_resp resp = { .id = req->id, .val = val, .error = error, .flags = flags };
  /* ENOENT: the task died or was interrupted meanwhile; nothing to do. */
  ioctl (notify, SECCOMP_IOCTL_NOTIF_SEND, &resp);
}

static void
signal_task (int notify, const struct seccomp_notif *req, enum mrt_seccomp_verdict_kind kind)
{
  struct task_info t = { .tgid = 0 };
  const uint64_t sigsys = 1ULL << (SIGSYS - 1);
  pid_t tid = (pid_t)req->pid;

  read_status (tid, &t, false);
  if (t.tgid <= 0)
    return;
  read_status (t.tgid, &t, true);
  /* The pid may have been reused if the task died since RECV. */
  uint64_t id = req->id;
  if (ioctl (notify, SECCOMP_IOCTL_NOTIF_ID_VALID, &id) < 0)
    return;
  bool can_deliver = !t.ns_init || (t.sig_caught & sigsys);
  bool default_action = !((t.sig_blocked | t.sig_ignored | t.sig_caught) & sigsys);
  if (kind == MRT_VERDICT_TRAP && (t.sig_caught & sigsys) && !(t.sig_blocked & sigsys))
    {
      answer (notify, req, req->data.nr, 0, 0);
      syscall (SYS_tgkill, t.tgid, tid, SIGSYS);
      return;
    }
  syscall (SYS_tgkill, t.tgid, tid, can_deliver && default_action ? SIGSYS : SIGKILL);
}

int
mrt_seccomp_monitor_answer (int notify, const struct mrt_seccomp_filter *original, struct mrt_seccomp_counts *counts)
{
  struct seccomp_notif req;
  struct mrt_seccomp_verdict v;

  if (mrt_seccomp_notif_recv (notify, &req) <= 0)
    return 0;
  uint32_t ret = mrt_seccomp_filter_eval (original, req.data.arch, req.data.nr, (const uint64_t *)req.data.args);
  mrt_seccomp_verdict_of (ret, &v);
  if (v.kind == MRT_VERDICT_CONTINUE)
    {
      /* Not denied by the profile as written (cannot happen with filters
       * of the same structure; kept safe anyway). */
      answer (notify, &req, 0, 0, SECCOMP_USER_NOTIF_FLAG_CONTINUE);
      return 0;
    }
  /* x32 calls come as AUDIT_ARCH_X86_64 with __X32_SYSCALL_BIT in the
   * number; libseccomp names them under its own x32 token. */
  uint32_t arch = req.data.arch;
  if (arch == AUDIT_ARCH_X86_64 && (req.data.nr & X32_SYSCALL_BIT))
    arch = SCMP_ARCH_X32;
  cleanup_free char *name = seccomp_syscall_resolve_num_arch (arch, req.data.nr);
  if (name == NULL)
    name = xasprintf ("syscall_%d", req.data.nr);
  mrt_seccomp_counts_add (counts, name);
  if (v.kind == MRT_VERDICT_ERRNO)
    answer (notify, &req, 0, -v.errno_, 0);
  else
    signal_task (notify, &req, v.kind);
  return 1;
}

static void
handle_one (struct monitor *m, int notify)
{
  if (mrt_seccomp_monitor_answer (notify, m->cfg->original, &m->counts) > 0)
    clock_gettime (CLOCK_MONOTONIC, &m->last_violation);
}

/* ---- the monitor: main loop ------------------------------------------------ */

static int
ms_until_quiet (const struct monitor *m)
{
  struct timespec now;
  if (m->counts.total == m->reported)
    return -1;
  clock_gettime (CLOCK_MONOTONIC, &now);
  int64_t due = (int64_t)m->last_violation.tv_sec * 1000 + m->last_violation.tv_nsec / 1000000
                + (int64_t)m->cfg->quiet_seconds * 1000;
  int64_t left = due - ((int64_t)now.tv_sec * 1000 + now.tv_nsec / 1000000);
  return left < 0 ? 0 : (int)left;
}

/* One listener handed over on the socket (the init's by `start`; a
 * process started later in the container may bring its own). */
static void
accept_listener (struct monitor *m)
{
  cleanup_close int conn = accept4 (m->sock, NULL, NULL, SOCK_CLOEXEC);
  char control[CMSG_SPACE (sizeof (int))] = { 0 };
  char byte;
  struct iovec iov = { .iov_base = &byte, .iov_len = 1 };
  struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = control, .msg_controllen = sizeof (control) };
  int fd;

  if (conn < 0 || recvmsg (conn, &msg, MSG_CMSG_CLOEXEC) <= 0)
    return;
  struct cmsghdr *cmsg = CMSG_FIRSTHDR (&msg);
  if (cmsg == NULL || cmsg->cmsg_level != SOL_SOCKET || cmsg->cmsg_type != SCM_RIGHTS)
    return;
  memcpy (&fd, CMSG_DATA (cmsg), sizeof (int));
  m->notify = xrealloc (m->notify, (m->n_notify + 1) * sizeof (*m->notify));
  m->notify[m->n_notify++] = fd;
}

/* The container stops as a whole, as with runc's and CRI-O's stop: with
 * its own pid namespace the init's death ends every other process in it;
 * without, they are killed through the cgroup first (CRI-O's `kill --all`
 * for a shared pid namespace).  Without a cgroup (cgroups disabled) only
 * the init can be named. */
static void
stop_container (struct monitor *m)
{
  if (!m->cfg->private_pidns && m->cfg->cgroup != NULL)
    {
      mrt_error_t e = NULL;
      if (mrt_cgroup_kill_all (m->cfg->cgroup, SIGKILL, &e) < 0)
        mrt_log_warning (&m->log, "container `%s`: stop: %s", m->cfg->id, e ? e->msg : "kill --all");
      mrt_error_free (&e);
    }
  mrt_pidfd_send_signal (m->pidfd, SIGKILL, NULL, 0);
}

/* Until the init has exited and no task uses any of the filters (a
 * container without its own pid namespace may keep some), or `delete`
 * ends us. */
static void
serve (struct monitor *m)
{
  for (;;)
    {
      size_t n = m->n_notify;
      struct pollfd *p = xmalloc0 ((3 + n) * sizeof (*p));
      p[0] = (struct pollfd){ .fd = m->sigfd, .events = POLLIN };
      p[1] = (struct pollfd){ .fd = m->pidfd, .events = POLLIN };
      p[2] = (struct pollfd){ .fd = m->sock, .events = POLLIN };
      for (size_t i = 0; i < n; i++)
        p[3 + i] = (struct pollfd){ .fd = m->notify[i], .events = POLLIN };
      int r = poll (p, 3 + n, ms_until_quiet (m));
      if (r < 0)
        {
          free (p);
          if (errno == EINTR)
            continue;
          return;
        }
      if (p[0].revents)
        {
          free (p);
          m->ending = true;
          return;
        }
      /* Backwards: a listener that hung up is replaced by the last one. */
      for (size_t i = n; i-- > 0;)
        {
          if (p[3 + i].revents & POLLIN)
            handle_one (m, m->notify[i]);
          else if (p[3 + i].revents)
            {
              /* POLLHUP: no task uses this filter any more. */
              close (m->notify[i]);
              m->notify[i] = m->notify[--m->n_notify];
            }
        }
      if (p[2].revents & POLLIN)
        accept_listener (m);
      if (p[1].revents)
        {
          /* The init exited: the container is stopped, report now. */
          report (m, true);
          close (m->pidfd);
          m->pidfd = -1;
        }
      free (p);
      if (m->pidfd < 0 && m->n_notify == 0)
        return;
      if (r == 0 && ms_until_quiet (m) == 0)
        {
          report (m, true);
          if (m->cfg->mode == MRT_SECCOMP_REPORT_STOP && m->pidfd >= 0)
            {
              mrt_log_warning (&m->log, "container `%s`: stopped %u seconds after its last forbidden syscall",
                               m->cfg->id, m->cfg->quiet_seconds);
              stop_container (m);
            }
        }
    }
}

static void
close_other_fds (int *keep, size_t n)
{
  unsigned int lo = 3;
  /* insertion sort: a handful of fds */
  for (size_t i = 1; i < n; i++)
    for (size_t j = i; j > 0 && keep[j - 1] > keep[j]; j--)
      {
        int t = keep[j];
        keep[j] = keep[j - 1];
        keep[j - 1] = t;
      }
  for (size_t i = 0; i < n; i++)
    {
      if (keep[i] < (int)lo)
        continue;
      if ((unsigned int)keep[i] > lo)
        syscall (SYS_close_range, lo, (unsigned int)keep[i] - 1, 0);
      lo = (unsigned int)keep[i] + 1;
    }
  syscall (SYS_close_range, lo, ~0U, 0);
}

static void
redirect_stdio (bool keep_stderr)
{
  int null = open ("/dev/null", O_RDWR | O_CLOEXEC);
  if (null < 0)
    return;
  dup2 (null, 0);
  dup2 (null, 1);
  if (!keep_stderr)
    dup2 (null, 2);
  if (null > 2)
    close (null);
}

/* Without this, ps shows the monitor as the `minirt create` it was forked
 * from, which looks like a create that never ended.  Best effort: needs
 * CAP_SYS_RESOURCE, which a runtime running as root has. */
static void
set_cmdline (const char *id)
{
  /* Lives as long as the process (the kernel reads it for /proc/PID/cmdline). */
  size_t len = strlen ("minirt-seccomp-monitor") + 1 + strlen (id) + 1;
  char *title = xmalloc0 (len);
  strcpy (stpcpy (title, "minirt-seccomp-monitor") + 1, id);
  unsigned long start = (unsigned long)title, end = start + len;
  /* The kernel keeps arg_start <= arg_end at each step. */
  if (prctl (PR_SET_MM, PR_SET_MM_ARG_START, start, 0, 0) == 0)
    prctl (PR_SET_MM, PR_SET_MM_ARG_END, end, 0, 0);
  else if (prctl (PR_SET_MM, PR_SET_MM_ARG_END, end, 0, 0) == 0)
    prctl (PR_SET_MM, PR_SET_MM_ARG_START, start, 0, 0);
}

static void __attribute__ ((noreturn))
monitor_main (const struct mrt_seccomp_monitor_config *cfg, int sock, int pidfd, int ready)
{
  struct monitor m = { .cfg = cfg, .sock = sock, .pidfd = pidfd, .sigfd = -1 };
  sigset_t ends, none;

  prctl (PR_SET_NAME, "minirt-seccomp", 0, 0, 0);
  set_cmdline (cfg->id);
  if (chdir ("/") < 0)
    _exit (1);
  sigemptyset (&none);
  sigemptyset (&ends);
  sigaddset (&ends, SIGTERM);
  sigaddset (&ends, SIGINT);
  sigprocmask (SIG_SETMASK, &none, NULL);
  sigprocmask (SIG_BLOCK, &ends, NULL);
  signal (SIGHUP, SIG_IGN);
  signal (SIGPIPE, SIG_IGN);
  m.sigfd = signalfd (-1, &ends, SFD_CLOEXEC);
  m.log = *cfg->log;
  m.log.to_stderr = cfg->keep_stderr;
  redirect_stdio (cfg->keep_stderr);
  int keep[] = { sock, pidfd, ready, m.sigfd, m.log.fd };
  close_other_fds (keep, ARRAY_SIZE (keep) - (m.log.fd < 0 ? 1 : 0));
  if (m.sigfd < 0)
    _exit (1);

  /* Ready: the caller's fds are gone, the socket listens. */
  pid_t self = getpid ();
  if (write (ready, &self, sizeof (self)) != sizeof (self))
    _exit (1);
  close (ready);

  serve (&m);
  report (&m, !m.ending);
  _exit (0);
}

int
mrt_seccomp_monitor_spawn (const struct mrt_seccomp_monitor_config *cfg, pid_t *pid, uint64_t *start_time,
                           mrt_error_t *err)
{
  struct sockaddr_un addr;
  cleanup_close int sock = socket (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  cleanup_close int pidfd = -1;
  int ready[2] = { -1, -1 };
  pid_t child, monitor = 0;

  *pid = 0;
  *start_time = 0;
  if (sock < 0)
    return mrt_error_sys (err, "seccomp report: socket");
  if (sock_path (cfg->dirfd, &addr, err) < 0)
    return -1;
  pidfd = mrt_pidfd_open (cfg->init_pid, 0);
  if (pidfd < 0)
    return mrt_error_sys (err, "seccomp report: pidfd_open %d", (int)cfg->init_pid);
  /* The monitor works from / (it must not pin the caller's cwd): a
   * relative --root has to be resolved now. */
  cleanup_free char *root = realpath (cfg->state_root, NULL);
  if (root == NULL)
    return mrt_error_sys (err, "seccomp report: resolve the state root `%s`", cfg->state_root);
  if (bind (sock, (struct sockaddr *)&addr, sizeof (addr)) < 0)
    return mrt_error_sys (err, "seccomp report: bind the monitor's socket");
  /* From here on the socket file exists: `out` removes it on failure. */
  if (listen (sock, 1) < 0)
    {
      mrt_error_sys (err, "seccomp report: listen on the monitor's socket");
      goto out;
    }
  if (pipe2 (ready, O_CLOEXEC) < 0)
    {
      mrt_error_sys (err, "seccomp report: pipe");
      goto out;
    }

  /* Double fork: the monitor is nobody's child in the caller's tree (the
   * caller's reaper inherits it) and has its own session. */
  child = fork ();
  if (child < 0)
    {
      mrt_error_sys (err, "seccomp report: fork the monitor");
      goto out;
    }
  if (child == 0)
    {
      close (ready[0]);
      setsid ();
      pid_t m = fork ();
      if (m == 0)
        {
          struct mrt_seccomp_monitor_config abs = *cfg;
          abs.state_root = root;
          monitor_main (&abs, sock, pidfd, ready[1]);
        }
      _exit (m < 0 ? 1 : 0);
    }
  close (ready[1]);
  ready[1] = -1;
  while (waitpid (child, NULL, 0) < 0 && errno == EINTR)
    ;
  ssize_t n;
  do
    n = read (ready[0], &monitor, sizeof (monitor));
  while (n < 0 && errno == EINTR);
  if (n != sizeof (monitor) || monitor <= 0)
    {
      mrt_error_make (err, ECHILD, "seccomp report: the monitor did not start");
      goto out;
    }
  *pid = monitor;
  mrt_proc_stat (monitor, start_time, NULL);
out:
  for (int i = 0; i < 2; i++)
    if (ready[i] >= 0)
      close (ready[i]);
  if (*pid == 0)
    unlinkat (cfg->dirfd, MRT_SECCOMP_MONITOR_SOCK, 0);
  return *pid > 0 ? 0 : -1;
}
