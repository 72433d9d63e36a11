/* SPDX-License-Identifier: Apache-2.0 */
/* OCI hooks: run each hook of one kind, directly with execve (no shell),
 * the container state JSON on its stdin, its stdout and stderr on the
 * runtime's stderr, bounded by its timeout.
 *
 * Used both by the runtime process (createRuntime, prestart, poststart,
 * poststop) and by the container's init before it execs the user process
 * (createContainer, startContainer), so nothing here may depend on the
 * caller's signal handlers or on any global state. */

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "hooks.h"
#include "syscalls.h"
#include "utils.h"

#ifndef P_PIDFD
#define P_PIDFD 3
#endif

/* The first line of a hook's stderr is kept for the error message. */
#define FIRST_LINE_MAX 256

/* Everything the parent watches while one hook runs. */
struct hook_run
{
  int pidfd;
  int stdin_w;  /* -1 once the whole state was written (or the hook closed stdin) */
  int stderr_r; /* -1 at EOF */
  const char *input;
  size_t input_len;
  size_t input_off;
  char first_line[FIRST_LINE_MAX];
  size_t first_len;
  bool first_done;
};

/* A pipe whose ends are not 0, 1 or 2, so the dup2 calls in the child can
 * never overwrite one end with another (the runtime may run with a closed
 * stdio fd). */
static int
pipe_above_stdio (int fds[2])
{
  if (pipe2 (fds, O_CLOEXEC) < 0)
    return -1;
  for (int i = 0; i < 2; i++)
    {
      if (fds[i] > 2)
        continue;
      int moved = fcntl (fds[i], F_DUPFD_CLOEXEC, 3);
      if (moved < 0)
        {
          close (fds[0]);
          close (fds[1]);
          return -1;
        }
      close (fds[i]);
      fds[i] = moved;
    }
  return 0;
}

static void
close_fd (int *fd)
{
  if (*fd >= 0)
    close (*fd);
  *fd = -1;
}

/* In the forked child: only async-signal-safe calls until execve.  On
 * failure the errno goes to the parent over `errfd` (CLOEXEC, so a
 * successful execve closes it with nothing written). */
__attribute__ ((noreturn)) static void
hook_child (const struct mrt_hook *hook, char *const *argv, char *const *envp, int stdin_r, int stderr_w, int errfd)
{
  sigset_t none;
  int e;

  /* The caller may block or ignore signals (signal forwarding, SIGPIPE);
   * the hook starts with a clean slate, as after a fresh fork+exec. */
  sigemptyset (&none);
  for (int sig = 1; sig < NSIG; sig++)
    {
      if (sig != SIGKILL && sig != SIGSTOP)
        signal (sig, SIG_DFL);
    }
  sigprocmask (SIG_SETMASK, &none, NULL);

  if (dup2 (stdin_r, 0) < 0)
    goto fail;
  /* stdout joins the runtime's stderr: the runtime's stdout may be the
   * container's (create hands its stdio over) or a client's JSON channel. */
  if (fcntl (2, F_GETFD) < 0)
    {
      int null = open ("/dev/null", O_WRONLY | O_CLOEXEC);
      if (null < 0 || dup2 (null, 1) < 0)
        goto fail;
      /* With fd 1 closed too, open returned 1 itself, and dup2 onto the
       * same fd keeps the close-on-exec flag. */
      if (null == 1 && fcntl (1, F_SETFD, 0) < 0)
        goto fail;
    }
  else if (dup2 (2, 1) < 0)
    goto fail;
  if (dup2 (stderr_w, 2) < 0)
    goto fail;
  /* Only stdio reaches the hook, whatever the caller left without CLOEXEC;
   * errfd must survive until execve so it is moved out of the way first. */
  if (errfd != 3)
    {
      if (dup3 (errfd, 3, O_CLOEXEC) < 0)
        goto fail;
      errfd = 3;
    }
  close_range (4, ~0U, 0);

  execve (hook->path, argv, envp);
fail:
  e = errno;
  (void)!write (errfd, &e, sizeof (e));
  _exit (127);
}

static int
now_ms (int64_t *out)
{
  struct timespec ts;
  if (clock_gettime (CLOCK_MONOTONIC, &ts) < 0)
    return -1;
  *out = (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
  return 0;
}

/* Pass what the hook wrote on stderr through to ours, keeping its first line. */
static void
forward_stderr (struct hook_run *r)
{
  char buf[4096];
  for (;;)
    {
      ssize_t n = read (r->stderr_r, buf, sizeof (buf));
      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0 && errno == EAGAIN)
        return;
      if (n <= 0)
        {
          close_fd (&r->stderr_r);
          return;
        }
      (void)mrt_write_all (2, buf, n);
      for (ssize_t i = 0; i < n && !r->first_done; i++)
        {
          if (buf[i] == '\n' || r->first_len == FIRST_LINE_MAX - 1)
            r->first_done = true;
          else
            r->first_line[r->first_len++] = buf[i];
        }
    }
}

/* Feed the state to the hook; a hook that never reads stdin is fine. */
static void
feed_stdin (struct hook_run *r)
{
  while (r->input_off < r->input_len)
    {
      ssize_t n = write (r->stdin_w, r->input + r->input_off, r->input_len - r->input_off);
      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0 && errno == EAGAIN)
        return;
      if (n < 0)
        break; /* EPIPE: the hook closed its stdin */
      r->input_off += n;
    }
  close_fd (&r->stdin_w);
}

static int
describe_exit (const struct hook_run *r, const siginfo_t *info, const char *where, const char *path, mrt_error_t *err)
{
  char detail[FIRST_LINE_MAX + 3] = "";
  if (r->first_len > 0)
    snprintf (detail, sizeof (detail), ": %.*s", (int)r->first_len, r->first_line);
  if (info->si_code == CLD_EXITED)
    {
      if (info->si_status == 0)
        return 0;
      return mrt_error_make (err, 0, "%s: \"%s\" exited with status %d%s", where, path, info->si_status, detail);
    }
  return mrt_error_make (err, 0, "%s: \"%s\" killed by signal %d (%s)%s", where, path, info->si_status,
                         strsignal (info->si_status), detail);
}

/* Wait for the hook, feeding stdin and forwarding stderr meanwhile. */
static int
supervise (struct hook_run *r, const struct mrt_hook *hook, const char *where, mrt_error_t *err)
{
  int64_t deadline = -1, now;
  siginfo_t info;

  if (hook->timeout.set && hook->timeout.value > 0)
    {
      if (now_ms (&now) < 0)
        return mrt_error_sys (err, "%s: clock_gettime", where);
      /* Timeouts past any real deadline (they are only checked > 0) mean none. */
      if (hook->timeout.value < (INT64_MAX - now) / 1000)
        deadline = now + hook->timeout.value * 1000;
    }

  for (;;)
    {
      struct pollfd fds[3] = {
        { .fd = r->pidfd, .events = POLLIN },
        { .fd = r->stdin_w, .events = POLLOUT },
        { .fd = r->stderr_r, .events = POLLIN },
      };
      int timeout = -1;
      if (deadline >= 0)
        {
          if (now_ms (&now) < 0)
            return mrt_error_sys (err, "%s: clock_gettime", where);
          timeout = now >= deadline ? 0 : deadline - now > INT_MAX ? INT_MAX : (int)(deadline - now);
        }
      /* poll ignores negative fds, so finished streams drop out by themselves. */
      int n = poll (fds, 3, timeout);
      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        return mrt_error_sys (err, "%s: poll", where);
      if (n == 0)
        {
          mrt_pidfd_send_signal (r->pidfd, SIGKILL, NULL, 0);
          while (waitid (P_PIDFD, r->pidfd, &info, WEXITED) < 0 && errno == EINTR)
            ;
          forward_stderr (r);
          return mrt_error_make (err, 0, "%s: \"%s\" timed out after %llds", where, hook->path,
                                 (long long)hook->timeout.value);
        }
      if (fds[1].revents)
        feed_stdin (r);
      if (fds[2].revents)
        forward_stderr (r);
      if (fds[0].revents)
        break;
    }

  memset (&info, 0, sizeof (info));
  while (waitid (P_PIDFD, r->pidfd, &info, WEXITED) < 0)
    {
      if (errno != EINTR)
        return mrt_error_sys (err, "%s: wait for \"%s\"", where, hook->path);
    }
  /* The hook is gone; take what it left in the pipe but do not wait for
   * EOF: a daemon it started may hold the pipe open forever. */
  if (r->stderr_r >= 0)
    forward_stderr (r);
  return describe_exit (r, &info, where, hook->path, err);
}

/* Read the errno the child sends when it cannot execve; 0 when it did. */
static int
read_exec_errno (int fd)
{
  int e = 0;
  ssize_t n;
  do
    n = read (fd, &e, sizeof (e));
  while (n < 0 && errno == EINTR);
  return n == (ssize_t)sizeof (e) ? e : 0;
}

/* A NULL-terminated copy of a spec string array (the spec types only give
 * a count), made before fork: the child must not allocate. */
static char **
null_terminated (char *const *list, size_t n, char *first_default)
{
  char **v = xmalloc0 ((n + 2) * sizeof (char *));
  if (n == 0 && first_default)
    v[0] = first_default;
  for (size_t i = 0; i < n; i++)
    v[i] = list[i];
  return v;
}

static int
run_one (const struct mrt_hook *hook, const char *where, const char *state_json, mrt_error_t *err)
{
  cleanup_free char **argv = null_terminated (hook->args, hook->n_args, hook->path);
  cleanup_free char **envp = null_terminated (hook->env, hook->n_env, NULL);
  cleanup_close int pidfd = -1;
  int in[2] = { -1, -1 }, errp[2] = { -1, -1 }, ex[2] = { -1, -1 };
  struct hook_run r = { .pidfd = -1, .stdin_w = -1, .stderr_r = -1 };
  int ret = -1, exec_errno;
  pid_t pid;

  if (pipe_above_stdio (in) < 0 || pipe_above_stdio (errp) < 0 || pipe_above_stdio (ex) < 0)
    {
      mrt_error_sys (err, "%s: pipe", where);
      goto out;
    }

  pid = fork ();
  if (pid < 0)
    {
      mrt_error_sys (err, "%s: fork", where);
      goto out;
    }
  if (pid == 0)
    hook_child (hook, argv, envp, in[0], errp[1], ex[1]);

  /* Until waitid below the child stays at least a zombie, so its pid
   * cannot be reused under us. */
  pidfd = mrt_pidfd_open (pid, 0);
  close_fd (&in[0]);
  close_fd (&errp[1]);
  close_fd (&ex[1]);
  if (pidfd < 0)
    {
      mrt_error_sys (err, "%s: pidfd_open", where);
      kill (pid, SIGKILL);
      waitpid (pid, NULL, 0);
      goto out;
    }

  exec_errno = read_exec_errno (ex[0]);
  if (exec_errno != 0)
    {
      siginfo_t info;
      while (waitid (P_PIDFD, pidfd, &info, WEXITED) < 0 && errno == EINTR)
        ;
      mrt_error_make (err, exec_errno, "%s: exec \"%s\"", where, hook->path);
      goto out;
    }

  r.pidfd = pidfd;
  r.stdin_w = steal_fd (&in[1]);
  r.stderr_r = steal_fd (&errp[0]);
  r.input = state_json ? state_json : "";
  r.input_len = strlen (r.input);
  if (fcntl (r.stdin_w, F_SETFL, O_NONBLOCK) < 0 || fcntl (r.stderr_r, F_SETFL, O_NONBLOCK) < 0)
    {
      mrt_error_sys (err, "%s: fcntl", where);
      mrt_pidfd_send_signal (pidfd, SIGKILL, NULL, 0);
      siginfo_t info;
      while (waitid (P_PIDFD, pidfd, &info, WEXITED) < 0 && errno == EINTR)
        ;
      goto out;
    }
  ret = supervise (&r, hook, where, err);

out:
  close_fd (&r.stdin_w);
  close_fd (&r.stderr_r);
  for (int i = 0; i < 2; i++)
    {
      close_fd (&in[i]);
      close_fd (&errp[i]);
      close_fd (&ex[i]);
    }
  return ret;
}

/* A hook that exits without reading its stdin makes our write fail with
 * EPIPE; SIGPIPE is held back meanwhile (and a SIGPIPE we caused is
 * discarded) so the runtime survives without touching its dispositions. */
struct sigpipe_guard
{
  sigset_t old;
  bool was_pending;
};

static void
sigpipe_block (struct sigpipe_guard *g)
{
  sigset_t set, pending;
  sigemptyset (&set);
  sigaddset (&set, SIGPIPE);
  sigpending (&pending);
  g->was_pending = sigismember (&pending, SIGPIPE);
  pthread_sigmask (SIG_BLOCK, &set, &g->old);
}

static void
sigpipe_restore (struct sigpipe_guard *g)
{
  sigset_t set, pending;
  sigemptyset (&set);
  sigaddset (&set, SIGPIPE);
  sigpending (&pending);
  if (!g->was_pending && sigismember (&pending, SIGPIPE))
    {
      struct timespec zero = { 0, 0 };
      sigtimedwait (&set, NULL, &zero);
    }
  pthread_sigmask (SIG_SETMASK, &g->old, NULL);
}

int
mrt_hooks_run (const struct mrt_hooks *hooks, enum mrt_hook_kind kind, const char *state_json, mrt_error_t *err)
{
  struct sigpipe_guard guard;
  int ret = 0;

  if (hooks == NULL || (unsigned)kind >= MRT_HOOK__COUNT || hooks->n[kind] == 0)
    return 0;
  sigpipe_block (&guard);
  for (size_t i = 0; i < hooks->n[kind] && ret == 0; i++)
    {
      cleanup_free char *where = xasprintf ("hooks.%s[%zu]", mrt_hook_kind_name (kind), i);
      ret = run_one (&hooks->list[kind][i], where, state_json, err);
    }
  sigpipe_restore (&guard);
  return ret;
}

void
mrt_hooks_run_warn (const struct mrt_hooks *hooks, enum mrt_hook_kind kind, const char *state_json,
                    const struct mrt_log *log)
{
  struct sigpipe_guard guard;

  if (hooks == NULL || (unsigned)kind >= MRT_HOOK__COUNT || hooks->n[kind] == 0)
    return;
  sigpipe_block (&guard);
  for (size_t i = 0; i < hooks->n[kind]; i++)
    {
      cleanup_error mrt_error_t err = NULL;
      cleanup_free char *where = xasprintf ("hooks.%s[%zu]", mrt_hook_kind_name (kind), i);
      if (run_one (&hooks->list[kind][i], where, state_json, &err) < 0 && log != NULL)
        mrt_log_warning (log, "%s", err ? err->msg : where);
    }
  sigpipe_restore (&guard);
}
