/* SPDX-License-Identifier: Apache-2.0 */
/* The container's init process, from clone to execve.
 *
 * Set-up order (PROTOCOL.md; the code below follows it step by step):
 * parent (minirt create / run, container.c): parse+validate config, compile
 *   seccomp, resolve bundle paths, detached idmapped mount trees
 *   (mount_idmap.h) -> lock + state dir -> cgroup create ->
 *   open the cgroup join fds (cgroups_join.c) ->
 *   [namespaces given by path joined by a short-lived helper, user first,
 *   which clones the init with CLONE_PARENT: namespaces.c] ->
 *   clone with namespace flags (cgroup2: CLONE_INTO_CGROUP) -> uid/gid maps
 *   (setgroups deny when needed) -> wait for JOINED (the init is in its
 *   cgroups) -> createRuntime + prestart hooks (runtime ns) -> tell
 *   child to go on (GO).
 * child (child_main below):
 *   0. close the parent's fds (lock, state dir) and the caller's stray
 *      ones (close_inherited_fds); join the v1 cgroups
 *      (write "0" to each `tasks`) and say JOINED; PR_SET_DUMPABLE 0,
 *      PDEATHSIG while the parent may still die half-way; wait for GO
 *   1. the late namespaces (cgroup namespace rooted at the container's
 *      cgroup, time + timeOffsets);
 *      in a user namespace become its root (setresuid/setresgid 0);
 *      in a new network namespace bring lo up (as runc)
 *   2. session keyring (unless --no-new-keyring), new session
 *   3. mrt_rootfs_prepare (propagation, rootfs bind, mounts with the
 *      idmapped trees moved into place, /dev, devices)
 *   4. createContainer hooks
 *   5.-6. mrt_rootfs_pivot (pivot_root, read-only root, sysctl, masked/readonly);
 *      process.terminal: pty from the container's /dev/ptmx, master sent on
 *      the console socket the parent connected, slave as stdio
 *   7. hostname, domainname; cwd opened by path inside the new root
 *      (never a leaked host directory: CVE-2024-21626 class)
 *   8. mrt_process_apply_limits
 *   9. resolve process.args[0] through the container's PATH
 *  10. tell the parent CREATED; wait for `start` on exec.sock
 *  11. startContainer hooks -> every fd but stdio and preserved ones
 *      marked close-on-exec -> [seccomp if !noNewPrivileges] ->
 *      mrt_user_switch -> mrt_caps_apply -> no_new_privs ->
 *      [seccomp if noNewPrivileges] -> execve.
 *
 * CVE-2019-5736 class: minirt never re-executes /proc/self/exe; the init
 * is a clone of the runtime that only ever execve()s the container's own
 * binary.  Until that execve the child is non-dumpable (PR_SET_DUMPABLE 0),
 * so processes in the container cannot open /proc/PID/exe (or /proc/PID/fd)
 * of the runtime image while it sets up. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/close_range.h>
#include <linux/keyctl.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "hooks.h"
#include "passwd.h"
#include "process.h"
#include "rootfs.h"
#include "terminal.h"
#include "utils.h"

#define DEFAULT_PATH "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

int
mrt_msg_send (int fd, char type, const char *text)
{
  size_t len = text ? strlen (text) : 0;
  if (len > MRT_MSG_MAX - 1)
    len = MRT_MSG_MAX - 1;
  cleanup_free char *buf = xmalloc0 (len + 1);
  buf[0] = type;
  if (len)
    memcpy (buf + 1, text, len);
  ssize_t n;
  do
    n = send (fd, buf, len + 1, MSG_NOSIGNAL);
  while (n < 0 && errno == EINTR);
  return n == (ssize_t)(len + 1) ? 0 : -1;
}

int
mrt_msg_recv (int fd, char *type, char **text, mrt_error_t *err)
{
  /* Not zeroed: once glibc's mmap threshold has grown past 1 MiB (after the
   * first such buffer is freed) calloc would memset the whole buffer, ~256
   * page faults per message.  Only what recv writes is touched. */
  cleanup_free char *buf = xrealloc (NULL, MRT_MSG_MAX + 1);
  ssize_t n;
  do
    n = recv (fd, buf, MRT_MSG_MAX, 0);
  while (n < 0 && errno == EINTR);
  if (n < 0)
    return mrt_error_sys (err, "read from the container's init");
  buf[n] = '\0';
  *type = n > 0 ? buf[0] : 0;
  *text = n > 1 ? xstrdup (buf + 1) : xstrdup ("");
  return 0;
}

/* ---- executable lookup --------------------------------------------------- */

static bool
is_executable (const char *path)
{
  struct stat st;
  return stat (path, &st) == 0 && S_ISREG (st.st_mode) && access (path, X_OK) == 0;
}

int
mrt_find_executable (const char *file, char *const *env, char **out, mrt_error_t *err)
{
  if (file == NULL || *file == '\0')
    return mrt_error_make (err, EINVAL, "process.args[0]: empty");
  if (strchr (file, '/'))
    {
      struct stat st;
      if (stat (file, &st) < 0)
        return mrt_error_sys (err, "exec: \"%s\": stat %s", file, file);
      if (!S_ISREG (st.st_mode) || access (file, X_OK) < 0)
        return mrt_error_make (err, EACCES, "exec: \"%s\"", file);
      *out = xstrdup (file);
      return 0;
    }
  const char *path = DEFAULT_PATH;
  for (size_t i = 0; env && env[i]; i++)
    if (strncmp (env[i], "PATH=", 5) == 0)
      path = env[i] + 5;
  cleanup_free char *copy = xstrdup (path);
  char *save = NULL;
  for (char *dir = strtok_r (copy, ":", &save); dir; dir = strtok_r (NULL, ":", &save))
    {
      cleanup_free char *candidate = xasprintf ("%s/%s", *dir ? dir : ".", file);
      if (is_executable (candidate))
        {
          *out = steal_pointer (&candidate);
          return 0;
        }
    }
  return mrt_error_make (err, 0, "exec: \"%s\": executable file not found in $PATH", file);
}

/* ---- child helpers ------------------------------------------------------- */

int
mrt_join_session_keyring (const char *id, mrt_error_t *err)
{
  cleanup_free char *name = xasprintf ("_ses.%s", id);
  if (syscall (SYS_keyctl, KEYCTL_JOIN_SESSION_KEYRING, name) < 0 && errno != ENOSYS)
    return mrt_error_sys (err, "join a new session keyring");
  return 0;
}

static int
set_names (const struct mrt_spec *spec, mrt_error_t *err)
{
  if (spec->hostname && *spec->hostname && sethostname (spec->hostname, strlen (spec->hostname)) < 0)
    return mrt_error_sys (err, "hostname: set `%s`", spec->hostname);
  if (spec->domainname && *spec->domainname && setdomainname (spec->domainname, strlen (spec->domainname)) < 0)
    return mrt_error_sys (err, "domainname: set `%s`", spec->domainname);
  return 0;
}

/* The cwd is looked up by path after the pivot, so it is always inside the
 * container's root; getcwd() proves it (it reports "(unreachable)" for a
 * directory outside the root). */
static int
enter_cwd (const struct mrt_process *proc, mrt_error_t *err)
{
  const char *cwd = proc->cwd && *proc->cwd ? proc->cwd : "/";
  if (chdir (cwd) < 0)
    {
      mrt_error_t ignored = NULL;
      if (errno != ENOENT || mrt_mkdir_p (cwd, 0755, &ignored) < 0 || chdir (cwd) < 0)
        {
          mrt_error_free (&ignored);
          return mrt_error_sys (err, "process.cwd: chdir `%s`", cwd);
        }
    }
  char buf[4096];
  if (getcwd (buf, sizeof (buf)) == NULL || buf[0] != '/')
    return mrt_error_make (err, EPERM, "process.cwd: `%s` is outside the container", cwd);
  return 0;
}

static int
load_seccomp (struct mrt_launch *l, int conn, mrt_error_t *err)
{
  if (l->seccomp == NULL)
    return 0;
  /* With a listener: announce its fd number to `start`, load, and wait until
   * `start` holds a copy (see seccomp.h). */
  if (mrt_seccomp_load_announced (l->seccomp, conn, err) < 0)
    return mrt_error_prefix (err, "linux.seccomp");
  return 0;
}

int
mrt_fds_mark_cloexec (unsigned preserve_fds, mrt_error_t *err)
{
  for (unsigned fd = 3; fd < 3 + preserve_fds; fd++)
    {
      int flags = fcntl ((int)fd, F_GETFD);
      if (flags >= 0 && fcntl ((int)fd, F_SETFD, flags & ~FD_CLOEXEC) < 0)
        return mrt_error_sys (err, "--preserve-fds: fd %u", fd);
    }
  if (syscall (SYS_close_range, 3 + preserve_fds, ~0U, CLOSE_RANGE_CLOEXEC) == 0)
    return 0;
  /* Old kernels: walk the whole table. */
  long max = sysconf (_SC_OPEN_MAX);
  for (long fd = 3 + preserve_fds; fd < (max > 0 ? max : 65536); fd++)
    {
      int flags = fcntl ((int)fd, F_GETFD);
      if (flags >= 0)
        fcntl ((int)fd, F_SETFD, flags | FD_CLOEXEC);
    }
  return 0;
}

static char **
null_terminated (char **v, size_t n)
{
  char **r = xmalloc0 ((n + 1) * sizeof (*r));
  for (size_t i = 0; i < n; i++)
    r[i] = v[i];
  return r;
}

static void __attribute__ ((noreturn)) child_fail (struct mrt_launch *l, int conn, mrt_error_t *err)
{
  const char *msg = err && *err && (*err)->msg ? (*err)->msg : "container init failed";
  if (conn >= 0)
    mrt_write_all (conn, msg, strlen (msg));
  else
    mrt_msg_send (l->sync_child, MRT_SYNC_ERROR, msg);
  _exit (1);
}

static int
run_hooks (const struct mrt_spec *spec, enum mrt_hook_kind kind, const char *state_json, mrt_error_t *err)
{
  if (spec->hooks == NULL || spec->hooks->n[kind] == 0)
    return 0;
  return mrt_hooks_run (spec->hooks, kind, state_json, err);
}

/* ---- the child ----------------------------------------------------------- */

static void
die_of_signal (int sig)
{
  /* SA_RESETHAND made it SIG_DFL: that kills us, unless we are the init
   * of a pid namespace, which ignores default-action signals. */
  raise (sig);
  _exit (128 + sig);
}

/* The init of a pid namespace ignores signals it has no handler for, so
 * without this `kill ID` (TERM) would not stop a created container.  runc's
 * init (Go) dies of HUP, INT, QUIT, ABRT and TERM while it waits for
 * `start`; so does ours.  exec resets the handlers; a signal the caller
 * ignored stays ignored. */
static void
die_on_term_signals (void)
{
  static const int sigs[] = { SIGHUP, SIGINT, SIGQUIT, SIGABRT, SIGTERM };
  struct sigaction sa = { .sa_handler = die_of_signal, .sa_flags = SA_RESETHAND | SA_NODEFER };
  sigemptyset (&sa.sa_mask);
  for (size_t i = 0; i < ARRAY_SIZE (sigs); i++)
    {
      struct sigaction old;
      if (sigaction (sigs[i], NULL, &old) == 0 && old.sa_handler == SIG_DFL)
        sigaction (sigs[i], &sa, NULL);
    }
}

/* The waiting init is a clone of the runtime: it would hold whatever the
 * caller left open until `start` (a pipe whose reader waits for EOF, as a
 * shell pipeline or bats' fd 3 does, would not end; runc's init has only
 * stdio and the preserved fds).  Every fd minirt opens is close-on-exec,
 * so one from 3 + preserve_fds on without FD_CLOEXEC is the caller's.
 * Best effort: execve closes them anyway. */
static void
close_inherited_fds (unsigned preserve_fds)
{
  DIR *d = opendir ("/proc/self/fd");
  struct dirent *de;
  if (d == NULL)
    return;
  while ((de = readdir (d)) != NULL)
    {
      char *end;
      long fd = strtol (de->d_name, &end, 10);
      if (de->d_name[0] < '0' || de->d_name[0] > '9' || *end != '\0' || fd < 3 + (long)preserve_fds || fd == dirfd (d))
        continue;
      int flags = fcntl ((int)fd, F_GETFD);
      if (flags >= 0 && !(flags & FD_CLOEXEC))
        close ((int)fd);
    }
  closedir (d);
}

static void __attribute__ ((noreturn)) child_main (struct mrt_launch *l)
{
  mrt_error_t err = NULL;
  const struct mrt_spec *spec = l->spec;
  const struct mrt_process *proc = spec->process;
  int conn = -1;
  char type = 0;
  char *state_json = NULL, *start_json = NULL, *exe = NULL;
  sigset_t none;

  /* 0. */
  for (size_t i = 0; i < ARRAY_SIZE (l->close_in_child); i++)
    if (l->close_in_child[i] >= 0)
      close (l->close_in_child[i]);
  close_inherited_fds (l->preserve_fds);
  close (l->sync_parent);
  if (l->cgroup_join && l->cgroup_join->n_tasks > 0)
    {
      if (mrt_cgroup_join_self (l->cgroup_join, &err) < 0)
        child_fail (l, -1, &err);
      if (l->report_joined && mrt_msg_send (l->sync_child, MRT_SYNC_JOINED, NULL) < 0)
        _exit (1);
    }
  if (l->cgroup_join)
    mrt_cgroup_join_close (l->cgroup_join);
  sigemptyset (&none);
  sigprocmask (SIG_SETMASK, &none, NULL);
  /* The parent writes the maps of a new user namespace into our /proc
   * files, which a non-dumpable process hands to (host) root: a rootless
   * parent could not open them.  So, as runc's nsexec, stay dumpable until
   * the maps are written (they are by GO). */
  bool maps_pending = l->ns.create[MRT_NS_USER];
  if (!maps_pending)
    prctl (PR_SET_DUMPABLE, 0, 0, 0, 0);
  prctl (PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
  if (mrt_msg_recv (l->sync_child, &type, &state_json, &err) < 0 || type != MRT_SYNC_GO)
    _exit (1); /* the parent failed or died: it cleans up */
  if (maps_pending)
    prctl (PR_SET_DUMPABLE, 0, 0, 0, 0);

  /* 1. */
  if (mrt_ns_unshare_late (&l->ns, spec->linux_ ? spec->linux_->time_offsets : NULL, &err) < 0)
    child_fail (l, -1, &err);
  mrt_ns_plan_close (&l->ns);
  /* In a new or joined user namespace our host uid is unmapped until we
   * become its root (the maps are written by now). */
  if (l->ns.present[MRT_NS_USER] && (setresgid (0, 0, 0) < 0 || setresuid (0, 0, 0) < 0))
    {
      mrt_error_sys (&err, "linux.uidMappings: become root of the user namespace");
      child_fail (l, -1, &err);
    }
  if (l->ns.create[MRT_NS_NETWORK] && mrt_ns_loopback_up (&err) < 0)
    child_fail (l, -1, &err);

  /* 2. */
  if (!l->no_new_keyring && mrt_join_session_keyring (l->id, &err) < 0)
    child_fail (l, -1, &err);
  /* With process.terminal there always is a console socket: the client's,
   * or for a foreground `run` one whose other end minirt keeps to proxy the
   * pty (foreground.h). */
  if (setsid () < 0 && errno != EPERM)
    {
      mrt_error_sys (&err, "setsid");
      child_fail (l, -1, &err);
    }

  /* 3.-6. */
  struct mrt_rootfs_options ropts = {
    .rootfs = l->rootfs,
    .in_userns = l->ns.present[MRT_NS_USER],
    .no_pivot = l->no_pivot,
    .new_mount_ns = l->ns.present[MRT_NS_MOUNT],
    .bundle = l->bundle,
    .idmap_trees = l->idmap_trees,
    .n_idmap_trees = l->n_idmap_trees,
  };
  if (mrt_rootfs_prepare (spec, &ropts, &err) < 0)
    child_fail (l, -1, &err);
  /* Attached by now, or not wanted (no mount namespace). */
  for (size_t i = 0; i < l->n_idmap_trees; i++)
    if (l->idmap_trees[i] >= 0)
      close (l->idmap_trees[i]);
  if (run_hooks (spec, MRT_HOOK_CREATE_CONTAINER, state_json, &err) < 0)
    child_fail (l, -1, &err);
  if (mrt_rootfs_pivot (spec, &ropts, &err) < 0)
    child_fail (l, -1, &err);
  if (l->console_sock >= 0)
    {
      /* The pty comes from the container's own devpts. */
      if (mrt_terminal_setup_in_container (l->console_sock, proc, l->ns.present[MRT_NS_MOUNT], &err) < 0)
        child_fail (l, -1, &err);
      close (l->console_sock);
    }

  /* 7.-9. */
  if (set_names (spec, &err) < 0 || enter_cwd (proc, &err) < 0)
    child_fail (l, -1, &err);
  if (mrt_process_apply_limits (proc, &err) < 0)
    child_fail (l, -1, &err);
  mrt_env_add_home (&l->env, proc->user.uid); /* runc: HOME from the container's passwd */
  if (mrt_find_executable (proc->args[0], l->env, &exe, &err) < 0)
    child_fail (l, -1, &err);

  /* 10.  From here the parent may exit: it is no error any more. */
  prctl (PR_SET_PDEATHSIG, 0, 0, 0, 0);
  die_on_term_signals ();
  if (mrt_msg_send (l->sync_child, MRT_SYNC_CREATED, NULL) < 0)
    _exit (1);
  close (l->sync_child);
  /* A connection that closes without the start message (a `start`
   * killed half-way) does not start the container: wait for the next. */
  for (;;)
    {
      conn = accept4 (l->exec_listen, NULL, NULL, SOCK_CLOEXEC);
      if (conn < 0 && errno == EINTR)
        continue;
      if (conn < 0)
        _exit (1);
      free (start_json);
      start_json = NULL;
      if (mrt_msg_recv (conn, &type, &start_json, &err) == 0 && type == 'S')
        break;
      mrt_error_free (&err);
      close (conn);
    }
  close (l->exec_listen);

  /* 11. */
  if (run_hooks (spec, MRT_HOOK_START_CONTAINER, start_json, &err) < 0)
    child_fail (l, conn, &err);
  /* Before any seccomp filter: a profile may block (or notify on, with
   * nobody to answer yet) close_range and fcntl.  Only the seccomp
   * listener is opened after this, and the kernel makes it close-on-exec. */
  if (mrt_fds_mark_cloexec (l->preserve_fds, &err) < 0)
    child_fail (l, conn, &err);
  if (!proc->no_new_privileges && load_seccomp (l, conn, &err) < 0)
    child_fail (l, conn, &err);
  if (mrt_user_switch (proc, &err) < 0)
    child_fail (l, conn, &err);
  if (mrt_caps_apply (proc, &err) < 0)
    child_fail (l, conn, &err);
  if (proc->no_new_privileges && prctl (PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
    {
      mrt_error_sys (&err, "process.noNewPrivileges");
      child_fail (l, conn, &err);
    }
  if (proc->no_new_privileges && load_seccomp (l, conn, &err) < 0)
    child_fail (l, conn, &err);
  char **argv = null_terminated (proc->args, proc->n_args);
  execve (exe, argv, l->env);
  mrt_error_sys (&err, "exec `%s`", exe);
  child_fail (l, conn, &err);
}

pid_t
mrt_process_spawn (struct mrt_launch *l, mrt_error_t *err)
{
  int cgroup_fd = l->cgroup_join ? l->cgroup_join->v2_dir : -1;
  pid_t pid = mrt_ns_clone (&l->ns, cgroup_fd, &l->in_cgroup2, err);
  if (pid == 0)
    child_main (l);
  return pid;
}
