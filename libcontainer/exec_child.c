/* SPDX-License-Identifier: Apache-2.0 */
/* The new process of `exec`, from fork to execve (the two steps and the
 * messages are in exec.h).  runc's setns init order:
 *   joiner: close the runtime's fds, join the cgroup (its v1 `tasks`
 *           files, opened by the runtime; cgroup2: born there with
 *           CLONE_INTO_CGROUP, else the runtime writes its pid),
 *           PR_SET_DUMPABLE 0, wait for GO -> setns(init pidfd, all flags)
 *           [-> chroot to the init's root when there is no mount namespace]
 *           -> clone(CLONE_PARENT) -> report the pid, exit.
 *   process: wait for GO -> root of the user namespace -> setsid, session
 *           keyring -> process.terminal: pty from the container's /dev/ptmx,
 *           master to the console socket, slave as ctty and stdio ->
 *           rlimits and the other process attributes, personality -> HOME,
 *           args[0] through the container's PATH -> chdir (as root; retried
 *           as the user on EACCES, like runc) -> every fd but stdio and
 *           preserved ones close-on-exec -> [seccomp if
 *           !noNewPrivileges] -> user and groups (stdio chowned as runc
 *           does) -> capabilities -> no_new_privs -> [seccomp if
 *           noNewPrivileges] -> execve.
 * The cwd is looked up by path after setns(mount) (or the chroot) moved the
 * root and cwd into the container, so it cannot be a host directory
 * (CVE-2024-21626 class).  Non-dumpable until execve: the container cannot
 * open /proc/PID/exe of the runtime's image (CVE-2019-5736 class). */
#include <errno.h>
#include <fcntl.h>
#include <linux/sched.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "exec.h"
#include "passwd.h"
#include "process.h"
#include "rootfs.h"
#include "syscalls.h"
#include "terminal.h"
#include "utils.h"

static void __attribute__ ((noreturn)) fail (const struct mrt_exec_launch *l, mrt_error_t *err)
{
  const char *msg = err && *err && (*err)->msg ? (*err)->msg : "exec: set-up failed";
  mrt_msg_send (l->sync, MRT_EXEC_ERROR, msg);
  _exit (1);
}

static void
wait_go (const struct mrt_exec_launch *l)
{
  char type = 0;
  cleanup_free char *text = NULL;
  mrt_error_t err = NULL;
  if (mrt_msg_recv (l->sync, &type, &text, &err) < 0 || type != MRT_EXEC_GO)
    _exit (1); /* the runtime failed or died: it cleans up */
}

static pid_t
clone_parent (void)
{
  /* The exit signal is the joiner's own (SIGCHLD) with CLONE_PARENT;
   * clone3 wants 0 in the arguments. */
  struct clone_args args = { .flags = CLONE_PARENT, .exit_signal = 0 };
  pid_t pid = (pid_t)mrt_clone3 (&args);
  if (pid < 0 && errno == ENOSYS)
    pid = (pid_t)syscall (SYS_clone, CLONE_PARENT, NULL, NULL, NULL, NULL);
  return pid;
}

static int
load_seccomp (const struct mrt_exec_launch *l, mrt_error_t *err)
{
  if (l->seccomp == NULL)
    return 0;
  if (mrt_seccomp_load_announced (l->seccomp, l->sync, err) < 0)
    return mrt_error_prefix (err, "linux.seccomp");
  return 0;
}

/* 0: done; 1: refused as root, to retry as the user (runc). */
static int
try_chdir (const char *cwd, bool last, mrt_error_t *err)
{
  if (chdir (cwd) < 0)
    {
      if (!last && (errno == EACCES || errno == EPERM))
        return 1;
      return mrt_error_sys (err, "process.cwd: chdir `%s`", cwd);
    }
  char buf[4096];
  if (getcwd (buf, sizeof (buf)) == NULL || buf[0] != '/')
    return mrt_error_make (err, 0, "process.cwd: `%s` is outside the container", cwd);
  return 0;
}

static void __attribute__ ((noreturn)) process_main (const struct mrt_exec_launch *l)
{
  const struct mrt_process *proc = l->proc;
  char **env = l->env;
  cleanup_free char *exe = NULL;
  mrt_error_t err = NULL;

  prctl (PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
  wait_go (l);
  if (l->userns && (setresgid (0, 0, 0) < 0 || setresuid (0, 0, 0) < 0))
    {
      mrt_error_sys (&err, "become root of the container's user namespace");
      fail (l, &err);
    }
  if (setsid () < 0)
    {
      mrt_error_sys (&err, "exec: setsid");
      fail (l, &err);
    }
  if (!l->no_new_keyring && mrt_join_session_keyring (l->id, &err) < 0)
    fail (l, &err);
  if (proc->terminal)
    {
      /* No /dev/console for an exec'd process (runc neither). */
      if (mrt_terminal_setup_in_container (l->console_sock, proc, false, &err) < 0)
        fail (l, &err);
      close (l->console_sock);
    }
  if (mrt_process_apply_limits (proc, &err) < 0)
    fail (l, &err);
  if (l->spec->linux_ && mrt_personality_apply (l->spec->linux_->personality, &err) < 0)
    fail (l, &err);
  mrt_env_add_home (&env, proc->user.uid);
  if (mrt_find_executable (proc->args[0], env, &exe, &err) < 0)
    fail (l, &err);
  const char *cwd = proc->cwd && *proc->cwd ? proc->cwd : "/";
  int retry = try_chdir (cwd, false, &err);
  if (retry < 0)
    fail (l, &err);
  /* Before any seccomp filter, as for the init: a profile may block (or
   * notify on) close_range and fcntl. */
  if (mrt_fds_mark_cloexec (l->preserve_fds, &err) < 0)
    fail (l, &err);
  if (!proc->no_new_privileges && load_seccomp (l, &err) < 0)
    fail (l, &err);
  if (mrt_user_switch (proc, &err) < 0 || mrt_caps_apply (proc, &err) < 0)
    fail (l, &err);
  if (retry && try_chdir (cwd, true, &err) < 0)
    fail (l, &err);
  if (proc->no_new_privileges && prctl (PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
    {
      mrt_error_sys (&err, "process.noNewPrivileges");
      fail (l, &err);
    }
  if (proc->no_new_privileges && load_seccomp (l, &err) < 0)
    fail (l, &err);
  /* From here the runtime may go away (exec --detach). */
  prctl (PR_SET_PDEATHSIG, 0, 0, 0, 0);
  execve (exe, proc->args, env);
  mrt_error_sys (&err, "exec `%s`", exe);
  fail (l, &err);
}

static void __attribute__ ((noreturn)) joiner_main (const struct mrt_exec_launch *l)
{
  mrt_error_t err = NULL;
  sigset_t none;

  for (size_t i = 0; i < ARRAY_SIZE (l->close_in_child); i++)
    if (l->close_in_child[i] >= 0)
      close (l->close_in_child[i]);
  close (l->sync_parent);
  /* First, so that nothing of the new process runs outside the cgroup; a
   * failure is reported after GO, when the runtime listens. */
  int joined = 0;
  if (l->cgroup_join)
    {
      joined = mrt_cgroup_join_self (l->cgroup_join, &err);
      mrt_cgroup_join_close (l->cgroup_join);
    }
  sigemptyset (&none);
  sigprocmask (SIG_SETMASK, &none, NULL);
  prctl (PR_SET_DUMPABLE, 0, 0, 0, 0);
  prctl (PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
  wait_go (l);
  if (joined < 0)
    fail (l, &err);

  if (l->ns_flags && setns (l->init_pidfd, l->ns_flags) < 0)
    {
      if (errno == ESRCH)
        mrt_error_make (&err, 0, "container `%s` is not running", l->id);
      else
        mrt_error_sys (&err, "join the namespaces of container `%s`", l->id);
      fail (l, &err);
    }
  close (l->init_pidfd);
  if (l->init_root >= 0)
    {
      if (fchdir (l->init_root) < 0 || chroot (".") < 0 || chdir ("/") < 0)
        {
          mrt_error_sys (&err, "enter the root of container `%s`", l->id);
          fail (l, &err);
        }
      close (l->init_root);
    }
  pid_t pid = clone_parent ();
  if (pid < 0)
    {
      mrt_error_sys (&err, "clone the process in container `%s`", l->id);
      fail (l, &err);
    }
  if (pid == 0)
    process_main (l);
  char buf[32];
  snprintf (buf, sizeof (buf), "%d", (int)pid);
  _exit (mrt_msg_send (l->sync, MRT_EXEC_PID, buf) < 0 ? 1 : 0);
}

pid_t
mrt_exec_spawn (struct mrt_exec_launch *l, mrt_error_t *err)
{
  pid_t pid = -1;
  l->in_cgroup2 = false;
  if (l->cgroup_join && l->cgroup_join->v2_dir >= 0)
    {
      /* Born in the cgroup2 cgroup (see cgroups_join.c); the kernel may
       * refuse, then the runtime writes the pid. */
      struct clone_args args
          = { .flags = CLONE_INTO_CGROUP, .exit_signal = SIGCHLD, .cgroup = (uint64_t)l->cgroup_join->v2_dir };
      pid = (pid_t)mrt_clone3 (&args);
      l->in_cgroup2 = pid >= 0;
    }
  if (pid < 0)
    pid = fork ();
  if (pid < 0)
    return mrt_error_sys (err, "exec: fork the process that joins the container");
  if (pid == 0)
    joiner_main (l);
  return pid;
}
