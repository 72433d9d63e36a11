/* SPDX-License-Identifier: Apache-2.0 */
/* `minirt seccomp record`: run a bundle's workload under a filter whose
 * defaultAction is SCMP_ACT_NOTIFY, with the listener kept by minirt, and
 * record every syscall the workload makes (minirt/seccomp_record.h).
 *
 * How the run goes, and why it cannot deadlock:
 *  - the bundle's config.json is copied with linux.seccomp replaced by
 *    {"defaultAction": "SCMP_ACT_NOTIFY", "architectures": [native and its
 *    companions], "listenerPath": a socket of ours} and created like `run`
 *    creates it (MRT_SECCOMP_OWN_LISTENER: no violation-report monitor);
 *  - the init loads that filter at its usual place, right before execve, so
 *    the runtime's set-up (mounts, pivot_root, hooks, ...) is never filtered
 *    and never recorded.  Every syscall after the load blocks until someone
 *    answers the notification, and that includes the init's own syscalls
 *    before execve.  The listener hand-over of seccomp_notify.c makes that
 *    safe: the init announces the fd number the listener will get *before*
 *    loading (no notified syscall needed to tell us), we take the listener
 *    with pidfd_getfd and from then on answer every pre-exec notification
 *    with CONTINUE (mrt_seccomp_supervise_until_exec_ex) until the O_CLOEXEC
 *    exec connection reports EOF, i.e. execve succeeded.  The init's wait
 *    for our acknowledgement is itself notified, which is fine because we
 *    supervise right after acknowledging.  Nothing minirt does in the init
 *    between load and execve waits for anything but us;
 *  - of those pre-exec syscalls, the hand-over's own (recv of the
 *    acknowledgement, close of the listener) are not recorded; the others
 *    (with noNewPrivileges false: setgroups, setresuid, capset, prctl...)
 *    are made under the filter by every run of this bundle under minirt,
 *    with the enforced profile too, so they go into the runtimes' rule
 *    (seccomp_record_runtimes.c), with what runc and crun make at that
 *    point, which this run cannot see; the last one, the execve that
 *    starts the workload, belongs to the workload;
 *  - after execve `start` hands the listener to our socket, as it would to
 *    any agent, and so does `minirt exec` for each process it starts in the
 *    container (with a filter, and a listener, of its own).  We answer every
 *    notification of every process and thread (filters are inherited across
 *    fork, clone and execve, and cannot be removed) with CONTINUE, noting
 *    (architecture, number).  Until we accept a listener its syscalls just
 *    wait: nothing is lost.
 * CONTINUE's time-of-check/time-of-use caveat (another thread may change
 * the memory a pointer argument points to between our look and the kernel's)
 * makes it useless as a security decision, but we decide nothing: we only
 * note the syscall number, which the workload cannot change after the fact,
 * and let the kernel do what it would do without a filter. */
#include <errno.h>
#include <linux/seccomp.h>
#include <poll.h>
#include <seccomp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/timerfd.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "lifecycle.h"
#include "minirt/seccomp_record.h"
#include "seccomp.h"
#include "seccomp_internal.h"
#include "utils.h"

/* After the first SIGINT/SIGTERM/SIGHUP the init gets SIGTERM and this long
 * to exit (docker stop's default) before it is killed. */
#define STOP_GRACE_SECONDS 10
/* Progress lines at most this often. */
#define PROGRESS_INTERVAL_MS 1000

/* The architectures a native one can run besides itself (Docker's archMap):
 * all are in the recording filter, so a 32-bit helper is recorded rather
 * than killed by the filter's bad-architecture action. */
struct companions
{
  uint32_t native;
  uint32_t other[2];
};

static const struct companions companion_table[] = {
  { SCMP_ARCH_X86_64, { SCMP_ARCH_X86, SCMP_ARCH_X32 } },
  { SCMP_ARCH_AARCH64, { SCMP_ARCH_ARM, 0 } },
  { SCMP_ARCH_MIPS64, { SCMP_ARCH_MIPS, SCMP_ARCH_MIPS64N32 } },
  { SCMP_ARCH_MIPS64N32, { SCMP_ARCH_MIPS, SCMP_ARCH_MIPS64 } },
  { SCMP_ARCH_MIPSEL64, { SCMP_ARCH_MIPSEL, SCMP_ARCH_MIPSEL64N32 } },
  { SCMP_ARCH_MIPSEL64N32, { SCMP_ARCH_MIPSEL, SCMP_ARCH_MIPSEL64 } },
  { SCMP_ARCH_S390X, { SCMP_ARCH_S390, 0 } },
};

static void notice (const struct mrt_seccomp_record_options *o, const char *fmt, ...)
    __attribute__ ((format (printf, 2, 3)));

static void
notice (const struct mrt_seccomp_record_options *o, const char *fmt, ...)
{
  if (o->notice == NULL)
    return;
  va_list ap;
  va_start (ap, fmt);
  cleanup_free char *line = xvasprintf (fmt, ap);
  va_end (ap);
  o->notice (o->notice_data, line);
}

/* ---- the config to run ------------------------------------------------------ */

/* {"defaultAction": "SCMP_ACT_NOTIFY", "architectures": [native, companions],
 *  "listenerPath": our socket}: `start` and `minirt exec` hand every
 * listener of the container to us the standard way (runtime-cli.md). */
static struct mrt_seccomp *
recording_filter (const char *listener_path)
{
  struct mrt_seccomp *f = xmalloc0 (sizeof (*f));
  uint32_t native = seccomp_arch_native ();
  f->default_action = MRT_SCMP_ACT_NOTIFY;
  f->listener_path = xstrdup (listener_path);
  f->architectures = xmalloc0 (4 * sizeof (char *));
  f->architectures[f->n_architectures++] = xstrdup (mrt_seccomp_arch_name (native));
  for (size_t i = 0; i < ARRAY_SIZE (companion_table); i++)
    if (companion_table[i].native == native)
      for (size_t k = 0; k < 2; k++)
        if (companion_table[i].other[k] && mrt_seccomp_arch_name (companion_table[i].other[k]))
          f->architectures[f->n_architectures++] = xstrdup (mrt_seccomp_arch_name (companion_table[i].other[k]));
  return f;
}

/* ---- the recorder ------------------------------------------------------------ */

struct recorder
{
  const struct mrt_seccomp_record_options *o;
  struct mrt_seccomp_recording *workload;
  struct mrt_seccomp_recording *runtime; /* minirt's own, after the load */
  struct seccomp_data last_pre_exec;     /* the workload's execve */
  bool have_last;
  size_t reported; /* count in the last progress line */
  struct timespec reported_at;
  /* The recording filter's listenerPath: every listener of the container
   * (its init's, and one per `minirt exec` process) arrives here. */
  char *sock_dir, *sock_path;
  int sock;
  int *listeners;
  size_t n_listeners;
};

static void
on_pre_exec (void *data, const struct seccomp_notif *req)
{
  struct recorder *rec = data;
  mrt_seccomp_recording_add (rec->runtime, req->data.arch, req->data.nr);
  rec->last_pre_exec = req->data;
  rec->have_last = true;
}

static long
ms_since (const struct timespec *t)
{
  struct timespec now;
  clock_gettime (CLOCK_MONOTONIC, &now);
  return (now.tv_sec - t->tv_sec) * 1000 + (now.tv_nsec - t->tv_nsec) / 1000000;
}

/* Milliseconds until a pending progress line is due; -1: none pending. */
static int
progress (struct recorder *rec, bool force)
{
  size_t n = mrt_seccomp_recording_count (rec->workload);
  if (n == rec->reported)
    return -1;
  long since = ms_since (&rec->reported_at);
  if (!force && since < PROGRESS_INTERVAL_MS)
    return (int)(PROGRESS_INTERVAL_MS - since);
  notice (rec->o, "recorded %zu syscalls", n);
  rec->reported = n;
  clock_gettime (CLOCK_MONOTONIC, &rec->reported_at);
  return -1;
}

/* Answer one notification with CONTINUE and note the syscall. */
static int
record_one (struct recorder *rec, int notify_fd, mrt_error_t *err)
{
  struct seccomp_notif req;
  int r = mrt_seccomp_notif_recv (notify_fd, &req);

  if (r <= 0)
    return r < 0 ? mrt_error_sys (err, "seccomp record: receive a notification") : 0;
  mrt_seccomp_recording_add (rec->workload, req.data.arch, req.data.nr);
  if (mrt_seccomp_notif_continue (notify_fd, req.id) < 0)
    return mrt_error_sys (err, "seccomp record: continue syscall %d", req.data.nr);
  return 0;
}

/* Notifications already queued when the init exited. */
static int
drain (struct recorder *rec, mrt_error_t *err)
{
  for (size_t i = 0; i < rec->n_listeners; i++)
    {
      struct pollfd p = { .fd = rec->listeners[i], .events = POLLIN };
      while (poll (&p, 1, 0) > 0 && (p.revents & POLLIN))
        if (record_one (rec, rec->listeners[i], err) < 0)
          return -1;
    }
  return 0;
}

static int
open_socket (struct recorder *rec, mrt_error_t *err)
{
  struct sockaddr_un addr = { .sun_family = AF_UNIX };
  char tmpl[] = "/tmp/minirt-record-XXXXXX";

  if (mkdtemp (tmpl) == NULL)
    return mrt_error_sys (err, "seccomp record: create a directory for the listener socket");
  rec->sock_dir = xstrdup (tmpl);
  rec->sock_path = xasprintf ("%s/listener.sock", tmpl);
  snprintf (addr.sun_path, sizeof (addr.sun_path), "%s", rec->sock_path);
  rec->sock = socket (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
  if (rec->sock < 0)
    return mrt_error_sys (err, "seccomp record: socket");
  if (bind (rec->sock, (struct sockaddr *)&addr, sizeof (addr)) < 0 || listen (rec->sock, 16) < 0)
    return mrt_error_sys (err, "seccomp record: listen on `%s`", rec->sock_path);
  return 0;
}

/* One runtime handing over a listener (mrt_seccomp_send_listener): the fd
 * comes with the first bytes of the containerProcessState JSON, which we
 * read to its end (the sender closes) and do not need otherwise. */
static int
accept_listener (struct recorder *rec, mrt_error_t *err)
{
  cleanup_close int conn = accept4 (rec->sock, NULL, NULL, SOCK_CLOEXEC);
  int fd = -1;

  if (conn < 0)
    {
      if (errno == EAGAIN || errno == EINTR || errno == ECONNABORTED)
        return 0;
      return mrt_error_sys (err, "seccomp record: accept a listener");
    }
  /* A runtime sends a few hundred bytes and closes; a client that does
   * not must not stop the recording. */
  struct timeval tv = { .tv_sec = 5 };
  setsockopt (conn, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof (tv));
  for (;;)
    {
      char buf[4096];
      char control[CMSG_SPACE (sizeof (int))];
      struct iovec iov = { .iov_base = buf, .iov_len = sizeof (buf) };
      struct msghdr msg
          = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = control, .msg_controllen = sizeof (control) };
      ssize_t n = recvmsg (conn, &msg, MSG_CMSG_CLOEXEC);
      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        break;
      for (struct cmsghdr *c = CMSG_FIRSTHDR (&msg); c; c = CMSG_NXTHDR (&msg, c))
        if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS && fd < 0)
          memcpy (&fd, CMSG_DATA (c), sizeof (int));
    }
  if (fd < 0)
    return 0; /* not a runtime: nothing to do */
  rec->listeners = xrealloc (rec->listeners, (rec->n_listeners + 1) * sizeof (int));
  rec->listeners[rec->n_listeners++] = fd;
  return 0;
}

static void
remove_listener (struct recorder *rec, size_t i)
{
  close (rec->listeners[i]);
  rec->listeners[i] = rec->listeners[--rec->n_listeners];
}

static int
arm_grace_timer (int tfd, mrt_error_t *err)
{
  struct itimerspec its = { .it_value = { .tv_sec = STOP_GRACE_SECONDS } };
  if (timerfd_settime (tfd, 0, &its, NULL) < 0)
    return mrt_error_sys (err, "seccomp record: timerfd_settime");
  return 0;
}

/* Record until the init exits.  Signals: SIGCHLD reaps, SIGINT/SIGTERM/
 * SIGHUP stop the container, the others are forwarded to the init as `run`
 * does. */
static int
record_loop (struct recorder *rec, pid_t pid, int sfd, int *exit_status, mrt_error_t *err)
{
  cleanup_close int tfd = timerfd_create (CLOCK_MONOTONIC, TFD_CLOEXEC);
  int stops = 0;

  if (tfd < 0)
    return mrt_error_sys (err, "seccomp record: timerfd_create");
  for (;;)
    {
      enum
      {
        P_SIGNALS,
        P_TIMER,
        P_SOCKET,
        P_LISTENERS
      };
      size_t n = P_LISTENERS + rec->n_listeners;
      cleanup_free struct pollfd *pfd = xmalloc0 (n * sizeof (*pfd));
      pfd[P_SIGNALS] = (struct pollfd){ .fd = sfd, .events = POLLIN };
      pfd[P_TIMER] = (struct pollfd){ .fd = tfd, .events = POLLIN };
      pfd[P_SOCKET] = (struct pollfd){ .fd = rec->sock, .events = POLLIN };
      for (size_t i = 0; i < rec->n_listeners; i++)
        pfd[P_LISTENERS + i] = (struct pollfd){ .fd = rec->listeners[i], .events = POLLIN };
      int timeout = progress (rec, false);
      if (poll (pfd, n, timeout) < 0)
        {
          if (errno == EINTR)
            continue;
          return mrt_error_sys (err, "seccomp record: poll");
        }
      /* Backwards: removing one moves the last into its place. */
      for (size_t i = rec->n_listeners; i-- > 0;)
        {
          short ev = pfd[P_LISTENERS + i].revents;
          if (ev & POLLIN)
            {
              if (record_one (rec, rec->listeners[i], err) < 0)
                return -1;
            }
          else if (ev)
            remove_listener (rec, i); /* no task uses that filter any more */
        }
      if ((pfd[P_SOCKET].revents & POLLIN) && accept_listener (rec, err) < 0)
        return -1;
      if (pfd[P_TIMER].revents & POLLIN)
        {
          uint64_t ticks;
          if (read (tfd, &ticks, sizeof (ticks)) < 0 && errno != EAGAIN)
            return mrt_error_sys (err, "seccomp record: timerfd");
          notice (rec->o, "the container did not stop within %d s: killing it", STOP_GRACE_SECONDS);
          kill (pid, SIGKILL);
        }
      if (!(pfd[P_SIGNALS].revents & POLLIN))
        continue;
      struct signalfd_siginfo si;
      ssize_t got = read (sfd, &si, sizeof (si));
      if (got < 0 && (errno == EINTR || errno == EAGAIN))
        continue;
      if (got != sizeof (si))
        return mrt_error_sys (err, "seccomp record: read signals");
      switch (si.ssi_signo)
        {
        case SIGCHLD:
          {
            int status;
            pid_t r = waitpid (pid, &status, WNOHANG);
            if (r < 0 && errno != EINTR)
              return mrt_error_sys (err, "seccomp record: wait for the container");
            if (r == pid)
              {
                *exit_status = WIFEXITED (status) ? WEXITSTATUS (status) : 128 + WTERMSIG (status);
                return drain (rec, err);
              }
            break;
          }
        case SIGINT:
        case SIGTERM:
        case SIGHUP:
          /* The init (our child, not reaped yet) cannot have been replaced
           * by another process with its pid. */
          if (stops++ == 0)
            {
              notice (rec->o, "stopping the container: SIGTERM to its init (interrupt again to kill it)");
              kill (pid, SIGTERM);
              if (arm_grace_timer (tfd, err) < 0)
                return -1;
            }
          else
            {
              notice (rec->o, "killing the container");
              kill (pid, SIGKILL);
            }
          break;
        default:
          kill (pid, (int)si.ssi_signo);
        }
    }
}

/* The parent directory of the output must exist and be writable before the
 * workload runs, not only after. */
static int
check_output (const char *output, mrt_error_t *err)
{
  if (output == NULL || *output == '\0')
    return mrt_error_make (err, EINVAL, "--output: required");
  cleanup_free char *dir = xstrdup (output);
  char *slash = strrchr (dir, '/');
  const char *d = slash == NULL ? "." : slash == dir ? "/" : (*slash = '\0', dir);
  if (access (d, W_OK) < 0)
    return mrt_error_sys (err, "--output: directory `%s`", d);
  return 0;
}

/* Like the end of `run`: state, cgroup and whatever still runs in it. */
static void
delete_container (struct mrt_context *ctx, const char *id)
{
  struct mrt_state_dir d;
  mrt_error_t ignored = NULL;
  if (mrt_state_dir_open (ctx->state_root, id, true, &d, &ignored) == 0)
    mrt_delete_locked (ctx, &d, true, &ignored);
  mrt_error_free (&ignored);
}

static int
write_profile (struct recorder *rec, int exit_status, mrt_error_t *err)
{
  const struct mrt_seccomp_record_options *o = rec->o;
  unsigned which = o->runtimes ? o->runtimes : MRT_RECORD_FOR_ANY;
  size_t unnamed = 0, n_mine = 0, unnamed_mine = 0;

  struct mrt_seccomp *p = mrt_seccomp_recording_profile (rec->workload, 0, &unnamed);
  size_t n_workload = p->n_syscalls ? p->syscalls[0].n_names : 0;
  /* minirt's own calls of this run after the load (the hand-over's aside)
   * are what an enforced run under minirt makes too. */
  char **mine
      = (which & MRT_RECORD_FOR_MINIRT) ? mrt_seccomp_recording_names (rec->runtime, &n_mine, &unnamed_mine) : NULL;
  size_t n_runtime = mrt_seccomp_record_add_runtime_rule (p, which, mine, 0);
  mrt_seccomp_recording_names_free (mine);
  cleanup_free char *doc = mrt_seccomp_to_json (p, o->format);
  cleanup_free char *json = doc ? xasprintf ("%s\n", doc) : NULL;
  cleanup_free char *runtime_names = NULL;
  if (n_runtime)
    {
      const struct mrt_seccomp_syscall *rt = &p->syscalls[p->n_syscalls - 1];
      runtime_names = xstrdup ("");
      for (size_t i = 0; i < rt->n_names; i++)
        {
          char *next = xasprintf ("%s%s%s", runtime_names, i ? ", " : "", rt->names[i]);
          free (runtime_names);
          runtime_names = next;
        }
    }
  mrt_seccomp_free (p);
  if (json == NULL)
    return mrt_error_make (err, ENOMEM, "seccomp record: write the profile");
  if (unnamed)
    notice (o, "warning: %zu syscall numbers have no name in this libseccomp: the profile cannot allow them", unnamed);
  if (runtime_names)
    {
      cleanup_free char *rts = mrt_seccomp_record_runtimes_describe (which);
      notice (o,
              "also allowed, in a rule of their own (syscalls[%zu]): %s (made by %s after loading the filter and "
              "before execve)",
              n_workload ? (size_t)1 : (size_t)0, runtime_names, rts);
    }
  if (mrt_write_file_atomic (o->output, json, strlen (json), 0644, err) < 0)
    return mrt_error_prefix (err, "--output");
  notice (o, "the workload exited with status %d; %zu syscalls allowed in %s", exit_status, n_workload + n_runtime,
          o->output);
  return 0;
}

static void
recorder_fini (struct recorder *rec)
{
  mrt_seccomp_recording_free (rec->workload);
  mrt_seccomp_recording_free (rec->runtime);
  while (rec->n_listeners > 0)
    remove_listener (rec, rec->n_listeners - 1);
  free (rec->listeners);
  if (rec->sock >= 0)
    close (rec->sock);
  if (rec->sock_path)
    unlink (rec->sock_path);
  if (rec->sock_dir)
    rmdir (rec->sock_dir);
  free (rec->sock_path);
  free (rec->sock_dir);
}

int
mrt_seccomp_record (struct mrt_context *ctx, const struct mrt_seccomp_record_options *o, int *exit_status,
                    mrt_error_t *err)
{
  const char *bundle = o->bundle && *o->bundle ? o->bundle : ".";
  cleanup_free char *id = o->id ? xstrdup (o->id) : xasprintf ("minirt-record-%d", (int)getpid ());
  cleanup_free char *config_path = xasprintf ("%s/config.json", bundle);
  cleanup_free char *json = NULL, *config = NULL;
  cleanup_spec struct mrt_spec *spec = NULL;
  struct recorder rec = { .o = o, .sock = -1 };
  size_t len = 0;
  sigset_t all, old;
  cleanup_close int sfd = -1;
  struct mrt_state_dir d;
  pid_t pid = 0;
  int ret = -1;

  *exit_status = 0;
  if (mrt_validate_id (id, err) < 0 || check_output (o->output, err) < 0)
    return -1;
  /* Every mistake in the bundle is reported against the user's own file. */
  if (mrt_read_file (config_path, 16 * 1024 * 1024, &json, &len, err) < 0)
    return -1;
  if (mrt_spec_parse (json, len, "config.json", &spec, err) < 0)
    return -1;
  if (spec->process && spec->process->terminal)
    return mrt_error_make (err, EINVAL,
                           "config.json: process.terminal: seccomp record runs the workload without a terminal: set "
                           "it to false");
  if (spec->linux_ && spec->linux_->seccomp)
    notice (o, "the bundle's linux.seccomp is replaced by the recording filter while recording");

  sigprocmask (SIG_SETMASK, NULL, &old);
  rec.workload = mrt_seccomp_recording_new ();
  rec.runtime = mrt_seccomp_recording_new ();
  clock_gettime (CLOCK_MONOTONIC, &rec.reported_at);
  if (open_socket (&rec, err) < 0)
    goto out;
  struct mrt_seccomp *filter = recording_filter (rec.sock_path);
  config = mrt_config_set_seccomp (json, len, "config.json", filter, err);
  mrt_seccomp_free (filter);
  if (config == NULL)
    goto out;

  /* Blocked before the container exists, so an interrupt can never leave
   * it behind; the init unblocks its own mask. */
  sigfillset (&all);
  sigprocmask (SIG_BLOCK, &all, &old);
  sfd = signalfd (-1, &all, SFD_CLOEXEC);
  if (sfd < 0)
    {
      mrt_error_sys (err, "seccomp record: signalfd");
      goto out;
    }

  struct mrt_create_options copts = {
    .id = id,
    .bundle = bundle,
    .config_data = config,
    .config_len = strlen (config),
    .seccomp_own_listener = true,
  };
  if (mrt_create_locked (ctx, &copts, &d, &pid, err) < 0)
    goto out;
  struct mrt_start_listener keep = { .pre_exec_fn = on_pre_exec, .data = &rec, .fd = -1 };
  if (mrt_start_locked_ex (ctx, &d, &keep, err) < 0)
    {
      mrt_state_dir_close (&d);
      goto fail;
    }
  mrt_state_dir_close (&d);
  notice (o, "recording container `%s` (interrupt to stop it and write the profile)", id);
  /* The last syscall before execve returned is the execve itself. */
  if (rec.have_last)
    mrt_seccomp_recording_add (rec.workload, rec.last_pre_exec.arch, rec.last_pre_exec.nr);

  if (record_loop (&rec, pid, sfd, exit_status, err) < 0)
    goto fail;
  pid = 0; /* reaped */
  progress (&rec, true);
  delete_container (ctx, id);
  ret = write_profile (&rec, *exit_status, err);
  goto out;

fail:
  if (pid > 0)
    kill (pid, SIGKILL);
  delete_container (ctx, id);
  if (pid > 0)
    while (waitpid (pid, NULL, 0) < 0 && errno == EINTR)
      ;
out:
  if (sfd >= 0)
    close (steal_fd (&sfd));
  sigprocmask (SIG_SETMASK, &old, NULL);
  recorder_fini (&rec);
  return ret;
}
