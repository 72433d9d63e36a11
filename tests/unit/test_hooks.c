/* SPDX-License-Identifier: Apache-2.0 */
/* mrt_hooks_run: real hooks (static busybox applets and small #!/bin/sh
 * scripts written to a temp dir) and what they observe. */

#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "hooks.h"
#include "utils.h"

static char tmpdir[] = "/tmp/minirt-test-hooks.XXXXXX";
static int saved_stderr = -1;

static void
setup (void)
{
  cr_assert_not_null (mkdtemp (tmpdir));
}

static void
teardown (void)
{
  char *cmd = xasprintf ("rm -rf '%s'", tmpdir);
  (void)!system (cmd);
  free (cmd);
}

TestSuite (hooks, .init = setup, .fini = teardown, .timeout = 30);

static char *
tmp_path (const char *name)
{
  return xasprintf ("%s/%s", tmpdir, name);
}

static char *
write_script (const char *name, const char *body)
{
  char *path = tmp_path (name);
  char *text = xasprintf ("#!/bin/sh\n%s\n", body);
  FILE *f = fopen (path, "w");
  cr_assert_not_null (f);
  fputs (text, f);
  fclose (f);
  free (text);
  chmod (path, 0755);
  return path;
}

static char *
slurp (const char *path)
{
  char *buf = NULL;
  size_t len;
  mrt_error_t err = NULL;
  if (mrt_read_file (path, 1 << 20, &buf, &len, &err) < 0)
    {
      mrt_error_free (&err);
      return xstrdup ("");
    }
  return buf;
}

/* The hooks' output goes to our fd 2: send it to a file while they run. */
static void
capture_stderr_begin (const char *path)
{
  int fd = open (path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  cr_assert (fd >= 0);
  fflush (stderr);
  saved_stderr = fcntl (2, F_DUPFD_CLOEXEC, 10);
  dup2 (fd, 2);
  close (fd);
}

static void
capture_stderr_end (void)
{
  dup2 (saved_stderr, 2);
  close (saved_stderr);
}

/* One hook of `kind` in a hooks struct the tests fill in. */
struct one_hook
{
  struct mrt_hooks hooks;
  struct mrt_hook hook;
};

static void
one_hook (struct one_hook *h, enum mrt_hook_kind kind, char *path, char **args, size_t n_args, char **env, size_t n_env,
          int64_t timeout)
{
  memset (h, 0, sizeof (*h));
  h->hook.path = path;
  h->hook.args = args;
  h->hook.n_args = n_args;
  h->hook.env = env;
  h->hook.n_env = n_env;
  if (timeout > 0)
    h->hook.timeout = (mrt_opt_i64){ .set = true, .value = timeout };
  h->hooks.list[kind] = &h->hook;
  h->hooks.n[kind] = 1;
}

Test (hooks, no_hooks_is_fine)
{
  mrt_error_t err = NULL;
  struct mrt_hooks empty = { 0 };
  cr_assert_eq (mrt_hooks_run (NULL, MRT_HOOK_PRESTART, "{}", &err), 0);
  cr_assert_eq (mrt_hooks_run (&empty, MRT_HOOK_POSTSTOP, "{}", &err), 0);
  cr_assert_null (err);
}

Test (hooks, state_on_stdin)
{
  char *out = tmp_path ("stdin");
  char *body = xasprintf ("/bin/cat > '%s'", out);
  char *script = write_script ("cat.sh", body);
  const char *state = "{\"ociVersion\":\"1.2.0\",\"id\":\"c1\",\"status\":\"creating\",\"pid\":42,\"bundle\":\"/b\"}";
  struct one_hook h;
  mrt_error_t err = NULL;

  one_hook (&h, MRT_HOOK_CREATE_RUNTIME, script, NULL, 0, NULL, 0, 0);
  cr_assert_eq (mrt_hooks_run (&h.hooks, MRT_HOOK_CREATE_RUNTIME, state, &err), 0, "%s", err ? err->msg : "");
  char *got = slurp (out);
  cr_assert_str_eq (got, state);
  free (got);
  free (out);
  free (body);
  free (script);
}

Test (hooks, env_is_exactly_the_hooks)
{
  char *log = tmp_path ("stderr");
  char *env[] = { "A=1", "HOOK_VAR=with space" };
  char *args[] = { "env" };
  struct one_hook h;
  mrt_error_t err = NULL;

  /* env(1) from busybox, run directly: no shell adds variables. */
  one_hook (&h, MRT_HOOK_PRESTART, "/bin/busybox", args, 1, env, 2, 0);
  capture_stderr_begin (log);
  int r = mrt_hooks_run (&h.hooks, MRT_HOOK_PRESTART, "{}", &err);
  capture_stderr_end ();
  cr_assert_eq (r, 0, "%s", err ? err->msg : "");
  char *got = slurp (log);
  cr_assert_str_eq (got, "A=1\nHOOK_VAR=with space\n");
  free (got);

  /* No env at all: an empty environment, not the runtime's. */
  setenv ("MINIRT_TEST_LEAK", "1", 1);
  one_hook (&h, MRT_HOOK_PRESTART, "/bin/busybox", args, 1, NULL, 0, 0);
  capture_stderr_begin (log);
  r = mrt_hooks_run (&h.hooks, MRT_HOOK_PRESTART, "{}", &err);
  capture_stderr_end ();
  unsetenv ("MINIRT_TEST_LEAK");
  cr_assert_eq (r, 0);
  got = slurp (log);
  cr_assert_str_eq (got, "");
  free (got);
  free (log);
}

Test (hooks, args_as_given_and_argv0)
{
  char *log = tmp_path ("stderr");
  /* busybox picks the applet from argv[0]: "echo" proves args[0] is passed
   * as given and not replaced by the path. */
  char *args[] = { "echo", "one", "two words" };
  struct one_hook h;
  mrt_error_t err = NULL;

  one_hook (&h, MRT_HOOK_POSTSTART, "/bin/busybox", args, 3, NULL, 0, 0);
  capture_stderr_begin (log);
  int r = mrt_hooks_run (&h.hooks, MRT_HOOK_POSTSTART, "{}", &err);
  capture_stderr_end ();
  cr_assert_eq (r, 0, "%s", err ? err->msg : "");
  char *got = slurp (log);
  cr_assert_str_eq (got, "one two words\n");
  free (got);
  free (log);
}

Test (hooks, no_args_means_argv0_is_path)
{
  char *out = tmp_path ("argv0");
  char *body = xasprintf ("echo \"$0|$#\" > '%s'", out);
  char *script = write_script ("argv0.sh", body);
  struct one_hook h;
  mrt_error_t err = NULL;

  one_hook (&h, MRT_HOOK_PRESTART, script, NULL, 0, NULL, 0, 0);
  cr_assert_eq (mrt_hooks_run (&h.hooks, MRT_HOOK_PRESTART, "{}", &err), 0, "%s", err ? err->msg : "");
  char *got = slurp (out);
  char *want = xasprintf ("%s|0\n", script);
  cr_assert_str_eq (got, want);
  free (want);
  free (got);
  free (out);
  free (body);
  free (script);
}

Test (hooks, only_stdio_reaches_the_hook)
{
  char *out = tmp_path ("fds");
  /* A plain `sh -c` opens nothing itself: the listing is what it got. */
  char *cmd = xasprintf ("cd /proc/self/fd && echo * > '%s'", out);
  char *args[] = { "sh", "-c", cmd };
  struct one_hook h;
  mrt_error_t err = NULL;
  /* An fd the caller forgot to mark CLOEXEC must not leak either. */
  int leaky = open ("/dev/null", O_RDONLY);
  cr_assert (leaky >= 0);

  one_hook (&h, MRT_HOOK_CREATE_CONTAINER, "/bin/busybox", args, 3, NULL, 0, 0);
  cr_assert_eq (mrt_hooks_run (&h.hooks, MRT_HOOK_CREATE_CONTAINER, "{}", &err), 0, "%s", err ? err->msg : "");
  close (leaky);
  char *got = slurp (out);
  /* busybox sh may keep one fd of its own for the glob's opendir; it is
   * at least 3 and closed right after, so only 0 1 2 plus that one. */
  cr_assert (strcmp (got, "0 1 2\n") == 0 || strcmp (got, "0 1 2 3\n") == 0, "fds seen by the hook: %s", got);
  free (got);
  free (cmd);
  free (out);
}

Test (hooks, timeout_kills_and_reports)
{
  char *args[] = { "sleep", "30" };
  struct one_hook h;
  mrt_error_t err = NULL;
  struct timespec t0, t1;

  one_hook (&h, MRT_HOOK_CREATE_RUNTIME, "/bin/busybox", args, 2, NULL, 0, 1);
  clock_gettime (CLOCK_MONOTONIC, &t0);
  cr_assert_lt (mrt_hooks_run (&h.hooks, MRT_HOOK_CREATE_RUNTIME, "{}", &err), 0);
  clock_gettime (CLOCK_MONOTONIC, &t1);
  cr_assert_not_null (err);
  cr_assert_str_eq (err->msg, "hooks.createRuntime[0]: \"/bin/busybox\" timed out after 1s");
  double took = (t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9;
  cr_assert (took >= 0.9 && took < 5, "took %.2fs", took);
  mrt_error_free (&err);
}

Test (hooks, failing_hook_reports_status_and_stderr)
{
  char *log = tmp_path ("stderr");
  char *script = write_script ("fail.sh", "echo 'bad things happened' >&2\necho second line >&2\nexit 3");
  char *ok = write_script ("ok.sh", "exit 0");
  char *marker = tmp_path ("third-ran");
  char *third_body = xasprintf ("touch '%s'", marker);
  char *third = write_script ("third.sh", third_body);
  struct mrt_hook list[3] = { { .path = ok }, { .path = script }, { .path = third } };
  struct mrt_hooks hooks = { 0 };
  mrt_error_t err = NULL;

  hooks.list[MRT_HOOK_PRESTART] = list;
  hooks.n[MRT_HOOK_PRESTART] = 3;
  capture_stderr_begin (log);
  int r = mrt_hooks_run (&hooks, MRT_HOOK_PRESTART, "{}", &err);
  capture_stderr_end ();
  cr_assert_lt (r, 0);
  char *want = xasprintf ("hooks.prestart[1]: \"%s\" exited with status 3: bad things happened", script);
  cr_assert_str_eq (err->msg, want);
  /* The hook's stderr was passed through, and the run stopped at it. */
  char *got = slurp (log);
  cr_assert_str_eq (got, "bad things happened\nsecond line\n");
  cr_assert_neq (access (marker, F_OK), 0, "the hook after the failing one ran");
  mrt_error_free (&err);
  free (got);
  free (want);
  free (log);
  free (script);
  free (ok);
  free (marker);
  free (third_body);
  free (third);
}

Test (hooks, killed_by_signal)
{
  char *args[] = { "sh", "-c", "kill -TERM $$" };
  struct one_hook h;
  mrt_error_t err = NULL;

  one_hook (&h, MRT_HOOK_START_CONTAINER, "/bin/busybox", args, 3, NULL, 0, 0);
  cr_assert_lt (mrt_hooks_run (&h.hooks, MRT_HOOK_START_CONTAINER, "{}", &err), 0);
  cr_assert_str_eq (err->msg, "hooks.startContainer[0]: \"/bin/busybox\" killed by signal 15 (Terminated)");
  mrt_error_free (&err);
}

Test (hooks, missing_path_is_enoent)
{
  struct one_hook h;
  mrt_error_t err = NULL;
  char *missing = tmp_path ("does-not-exist");

  one_hook (&h, MRT_HOOK_CREATE_RUNTIME, missing, NULL, 0, NULL, 0, 0);
  cr_assert_lt (mrt_hooks_run (&h.hooks, MRT_HOOK_CREATE_RUNTIME, "{}", &err), 0);
  cr_assert_eq (err->errno_, ENOENT);
  char *want = xasprintf ("hooks.createRuntime[0]: exec \"%s\": No such file or directory", missing);
  cr_assert_str_eq (err->msg, want);
  mrt_error_free (&err);
  free (want);
  free (missing);
}

Test (hooks, hook_ignoring_a_big_stdin)
{
  /* Far more than a pipe buffer, to a hook that never reads: the write
   * fails with EPIPE, which is no error and no SIGPIPE for us. */
  size_t len = 1 << 20;
  char *state = xmalloc0 (len + 1);
  memset (state, 'x', len);
  char *args[] = { "true" };
  struct one_hook h;
  mrt_error_t err = NULL;

  one_hook (&h, MRT_HOOK_POSTSTOP, "/bin/busybox", args, 1, NULL, 0, 5);
  cr_assert_eq (mrt_hooks_run (&h.hooks, MRT_HOOK_POSTSTOP, state, &err), 0, "%s", err ? err->msg : "");
  /* Our signal mask is as it was: SIGPIPE not left blocked. */
  sigset_t cur;
  sigprocmask (SIG_BLOCK, NULL, &cur);
  cr_assert (!sigismember (&cur, SIGPIPE));
  free (state);
}

Test (hooks, big_stdin_fully_read)
{
  size_t len = 300000;
  char *state = xmalloc0 (len + 1);
  memset (state, 'y', len);
  char *out = tmp_path ("count");
  char *cmd = xasprintf ("wc -c > '%s'", out);
  char *args[] = { "sh", "-c", cmd };
  struct one_hook h;
  mrt_error_t err = NULL;

  one_hook (&h, MRT_HOOK_PRESTART, "/bin/busybox", args, 3, NULL, 0, 10);
  cr_assert_eq (mrt_hooks_run (&h.hooks, MRT_HOOK_PRESTART, state, &err), 0, "%s", err ? err->msg : "");
  char *got = slurp (out);
  cr_assert_eq (strtoul (got, NULL, 10), len);
  free (got);
  free (cmd);
  free (out);
  free (state);
}

Test (hooks, daemon_holding_stderr_does_not_block)
{
  /* The hook leaves a child behind that keeps stderr open; we must return
   * when the hook exits, not when its pipe reaches EOF. */
  char *args[] = { "sh", "-c", "sleep 20 & echo $! > " };
  char *pidfile = tmp_path ("daemon.pid");
  char *cmd = xasprintf ("sleep 20 & echo $! > '%s'", pidfile);
  args[2] = cmd;
  struct one_hook h;
  mrt_error_t err = NULL;
  struct timespec t0, t1;

  one_hook (&h, MRT_HOOK_POSTSTART, "/bin/busybox", args, 3, NULL, 0, 0);
  clock_gettime (CLOCK_MONOTONIC, &t0);
  cr_assert_eq (mrt_hooks_run (&h.hooks, MRT_HOOK_POSTSTART, "{}", &err), 0, "%s", err ? err->msg : "");
  clock_gettime (CLOCK_MONOTONIC, &t1);
  char *pid = slurp (pidfile);
  if (atoi (pid) > 0)
    kill (atoi (pid), SIGKILL);
  cr_assert_lt (t1.tv_sec - t0.tv_sec, 5);
  free (pid);
  free (cmd);
  free (pidfile);
}

Test (hooks, warn_runs_all_and_logs)
{
  char *log = tmp_path ("log");
  char *marker = tmp_path ("second-ran");
  char *args_fail[] = { "false" };
  char *cmd = xasprintf ("touch '%s'", marker);
  char *args_touch[] = { "sh", "-c", cmd };
  struct mrt_hook list[2] = {
    { .path = "/bin/busybox", .args = args_fail, .n_args = 1 },
    { .path = "/bin/busybox", .args = args_touch, .n_args = 3 },
  };
  struct mrt_hooks hooks = { 0 };
  struct mrt_log lg = { .fd = open (log, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644), .to_stderr = false };

  hooks.list[MRT_HOOK_POSTSTOP] = list;
  hooks.n[MRT_HOOK_POSTSTOP] = 2;
  mrt_hooks_run_warn (&hooks, MRT_HOOK_POSTSTOP, "{}", &lg);
  close (lg.fd);
  cr_assert_eq (access (marker, F_OK), 0, "the hook after the failing one did not run");
  char *got = slurp (log);
  cr_assert_not_null (strstr (got, "hooks.poststop[0]: \\\"/bin/busybox\\\" exited with status 1")
                          ? got
                          : strstr (got, "hooks.poststop[0]: \"/bin/busybox\" exited with status 1"),
                      "log: %s", got);
  free (got);
  free (cmd);
  free (marker);
  free (log);
}

/* ---- HOME from the container's passwd (passwd.c) ---- */

#include "passwd.h"

Test (hooks, passwd_home)
{
  char *path = tmp_path ("passwd");
  FILE *f = fopen (path, "w");
  cr_assert_not_null (f);
  fputs ("root:x:0:0:root:/root:/bin/sh\nbroken line\n:x::\nuser:x:1000:1000:A User,,,:/home/user:/bin/sh\n"
         "nohome:x:1001:1001\n",
         f);
  fclose (f);
  char *h;
  cr_assert_str_eq ((h = mrt_passwd_home (path, 0)), "/root");
  free (h);
  cr_assert_str_eq ((h = mrt_passwd_home (path, 1000)), "/home/user");
  free (h);
  /* Unknown uid, short entry, missing file: runc's default "/". */
  cr_assert_str_eq ((h = mrt_passwd_home (path, 4242)), "/");
  free (h);
  cr_assert_str_eq ((h = mrt_passwd_home (path, 1001)), "/");
  free (h);
  cr_assert_str_eq ((h = mrt_passwd_home ("/nonexistent/passwd", 0)), "/");
  free (h);
  free (path);
}

Test (hooks, env_add_home_keeps_a_given_home)
{
  char **env = xmalloc0 (3 * sizeof (char *));
  env[0] = xstrdup ("A=1");
  env[1] = xstrdup ("HOME=/mine");
  mrt_env_add_home (&env, 0);
  cr_assert_str_eq (env[1], "HOME=/mine");
  cr_assert_null (env[2]);
  free (env[0]);
  free (env[1]);
  free (env);
}

Test (hooks, huge_timeout_is_no_timeout)
{
  char *args[] = { "true" };
  struct one_hook h;
  mrt_error_t err = NULL;

  one_hook (&h, MRT_HOOK_PRESTART, "/bin/busybox", args, 1, NULL, 0, INT64_MAX);
  cr_assert_eq (mrt_hooks_run (&h.hooks, MRT_HOOK_PRESTART, "{}", &err), 0, "%s", err ? err->msg : "");
}

Test (hooks, runtime_with_closed_stdio)
{
  /* conmon or a shim may start the runtime with stdio closed: the pipes
   * then get fds 0-2 and must not be clobbered by the hook's dup2s. */
  char *out = tmp_path ("closed-stdio");
  char *cmd = xasprintf ("cat > '%s'", out);
  char *args[] = { "sh", "-c", cmd };
  pid_t pid = fork ();
  cr_assert (pid >= 0);
  if (pid == 0)
    {
      struct one_hook h;
      mrt_error_t err = NULL;
      close (0);
      close (1);
      close (2);
      one_hook (&h, MRT_HOOK_PRESTART, "/bin/busybox", args, 3, NULL, 0, 5);
      _exit (mrt_hooks_run (&h.hooks, MRT_HOOK_PRESTART, "{\"closed\":true}", &err) == 0 ? 0 : 1);
    }
  int status;
  cr_assert_eq (waitpid (pid, &status, 0), pid);
  cr_assert (WIFEXITED (status) && WEXITSTATUS (status) == 0);
  char *got = slurp (out);
  cr_assert_str_eq (got, "{\"closed\":true}");
  free (got);
  free (cmd);
  free (out);
}
