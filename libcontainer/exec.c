/* SPDX-License-Identifier: Apache-2.0 */
/* `exec`, the runtime's side: everything is read and checked first (state,
 * config copy, process, seccomp, namespaces); then the new process is made
 * (exec.h, exec_child.c), put in the container's cgroup, given its seccomp
 * listener's hand-over, and waited for in the foreground.  The container's
 * lock is held only while reading the state: a long exec must not block
 * kill, pause or delete, and the init's pidfd pins what we join. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "exec.h"
#include "foreground.h"
#include "lifecycle.h"
#include "minirt/rootless.h"
#include "process.h"
#include "seccomp_monitor.h"
#include "seccomp_report.h"
#include "syscalls.h"
#include "terminal.h"
#include "utils.h"

/* Everything exec needs, gathered before the first side effect. */
struct exec_plan
{
  struct mrt_state_record rec;
  enum mrt_status status;
  struct mrt_spec *spec;
  struct mrt_process *proc;
  char **env;
  struct mrt_seccomp_filter *seccomp;
  struct mrt_cgroup *cg;
  struct mrt_exec_subcgroup *subs;
  size_t n_subs;
  int init_pidfd;
  int init_root;
  int ns_flags;
  bool userns;
  bool report; /* the listener goes to the violation-report monitor */
  const char *state_root;
};

static void
plan_free (struct exec_plan *p)
{
  mrt_state_record_clear (&p->rec);
  mrt_spec_free (p->spec);
  mrt_process_free (p->proc);
  if (p->env)
    {
      for (size_t i = 0; p->env[i]; i++)
        free (p->env[i]);
      free (p->env);
    }
  if (p->seccomp)
    mrt_seccomp_filter_free (p->seccomp);
  mrt_cgroup_free (p->cg);
  mrt_exec_subcgroups_free (p->subs, p->n_subs);
  if (p->init_pidfd >= 0)
    close (p->init_pidfd);
  if (p->init_root >= 0)
    close (p->init_root);
}

/* /proc/<pid>/ns names, indexed by enum mrt_ns_type. */
static const char *const proc_ns_name[MRT_NS__COUNT] = {
  [MRT_NS_PID] = "pid", [MRT_NS_NETWORK] = "net", [MRT_NS_MOUNT] = "mnt",     [MRT_NS_IPC] = "ipc",
  [MRT_NS_UTS] = "uts", [MRT_NS_USER] = "user",   [MRT_NS_CGROUP] = "cgroup", [MRT_NS_TIME] = "time",
};

static bool
same_ns (pid_t pid, const char *name)
{
  char path[64], self[64];
  struct stat a, b;
  snprintf (path, sizeof (path), "/proc/%d/ns/%s", (int)pid, name);
  snprintf (self, sizeof (self), "/proc/self/ns/%s", name);
  if (stat (path, &a) < 0 || stat (self, &b) < 0)
    return false;
  return a.st_dev == b.st_dev && a.st_ino == b.st_ino;
}

/* Every namespace of the config, as the init holds it now (also those it
 * joined by path).  One the runtime already shares is left out: setns into
 * one's own user namespace is EINVAL. */
static int
plan_namespaces (struct exec_plan *p, mrt_error_t *err)
{
  const struct mrt_linux *lx = p->spec->linux_;
  for (size_t i = 0; lx && i < lx->n_namespaces; i++)
    {
      enum mrt_ns_type t = lx->namespaces[i].type;
      if ((unsigned)t >= MRT_NS__COUNT || same_ns (p->rec.pid, proc_ns_name[t]))
        continue;
      p->ns_flags |= mrt_ns_type_clone_flag (t);
      if (t == MRT_NS_USER)
        p->userns = true;
    }
  if (!(p->ns_flags & CLONE_NEWNS))
    {
      /* No mount namespace of its own: its root is a chroot. */
      cleanup_free char *root = xasprintf ("/proc/%d/root", (int)p->rec.pid);
      p->init_root = open (root, O_PATH | O_DIRECTORY | O_CLOEXEC);
      if (p->init_root < 0)
        return mrt_error_sys (err, "container `%s`: open %s", p->rec.id, root);
    }
  return 0;
}

static int
plan_cgroup (struct mrt_context *ctx, struct exec_plan *p, const struct mrt_exec_options *o, mrt_error_t *err)
{
  if (mrt_exec_subcgroups_parse (o->cgroups, o->n_cgroups, &p->subs, &p->n_subs, err) < 0)
    return -1;
  if (p->rec.cgroup == NULL)
    {
      if (p->n_subs)
        return mrt_error_make (err, 0, "--cgroup: container `%s` has no cgroup", o->id);
      return 0;
    }
  struct mrt_cgroup_config cfg;
  mrt_cgroup_config_for (ctx, o->id, p->spec, &cfg);
  if (mrt_cgroup_restore (&cfg, p->rec.cgroup, &p->cg, err) < 0)
    return mrt_error_prefix (err, "container `%s`", o->id);
  /* The frozen cgroup, not the record, says whether it is paused. */
  bool frozen = false;
  mrt_error_t ignored = NULL;
  if (mrt_cgroup_is_frozen (p->cg, &frozen, &ignored) == 0 && frozen)
    p->status = MRT_STATUS_PAUSED;
  mrt_error_free (&ignored);
  return 0;
}

static int
check_stdio_options (const struct mrt_process *proc, const struct mrt_exec_options *o, mrt_error_t *err)
{
  /* runc's checkTerminal. */
  if (o->detach && proc->terminal && o->console_socket == NULL)
    return mrt_error_make (err, 0, "exec: cannot allocate a tty when detaching without --console-socket");
  if (o->console_socket && (!o->detach || !proc->terminal))
    return mrt_error_make (err, 0, "--console-socket: only with --detach and a terminal (--tty or process.terminal)");
  for (unsigned fd = 3; fd < 3 + o->preserve_fds; fd++)
    if (fcntl ((int)fd, F_GETFD) < 0)
      return mrt_error_sys (err, "--preserve-fds: fd %u", fd);
  return 0;
}

static int
plan_make (struct mrt_context *ctx, const struct mrt_exec_options *o, struct exec_plan *p, mrt_error_t *err)
{
  struct mrt_state_dir d;
  int ret = -1;
  p->state_root = ctx->state_root;
  if (mrt_state_dir_open (ctx->state_root, o->id, true, &d, err) < 0)
    return -1;
  if (mrt_state_read (&d, &p->rec, err) < 0)
    goto out;
  p->status = mrt_state_status (&d, &p->rec);
  if (p->status == MRT_STATUS_STOPPED)
    {
      mrt_error_make (err, 0, "cannot exec in a stopped container `%s`", o->id);
      goto out;
    }
  if (p->status == MRT_STATUS_CREATING || p->rec.pid <= 0)
    {
      mrt_error_make (err, 0, "cannot exec in container `%s`: it is still being created", o->id);
      goto out;
    }
  if (mrt_state_load_spec (&d, &p->spec, err) < 0)
    {
      mrt_error_prefix (err, "container `%s`", o->id);
      goto out;
    }
  ret = 0;
out:
  mrt_state_dir_close (&d);
  if (ret < 0)
    return -1;

  if (plan_cgroup (ctx, p, o, err) < 0)
    return -1;
  if (p->status == MRT_STATUS_PAUSED && !o->ignore_paused)
    return mrt_error_make (err, 0, "cannot exec in a paused container `%s` (use --ignore-paused to override)", o->id);
  if (mrt_exec_process_build (p->spec->process, o, &p->proc, err) < 0)
    return -1;
  if (check_stdio_options (p->proc, o, err) < 0)
    return -1;
  if (geteuid () != 0 && mrt_rootless_validate_user (p->spec->linux_, &p->proc->user, err) < 0)
    return -1;
  unsigned short rows, cols;
  if (p->proc->terminal && o->console_socket == NULL && mrt_foreground_host_winsize (&rows, &cols))
    {
      /* The pty starts with the caller's size (the process sets it itself,
       * before it runs); SIGWINCH follows later changes. */
      p->proc->console_height = (mrt_opt_u64){ true, rows };
      p->proc->console_width = (mrt_opt_u64){ true, cols };
    }
  p->env = xmalloc0 ((p->proc->n_env + 1) * sizeof (char *));
  for (size_t i = 0; i < p->proc->n_env; i++)
    p->env[i] = xstrdup (p->proc->env[i]);
  const struct mrt_linux *lx = p->spec->linux_;
  /* runc: exec applies the container's filter to the new process.  With
   * violation reports (seccomp_report.h) it is the rewritten filter, and the
   * listener joins the container's monitor. */
  if (lx && lx->seccomp)
    {
      enum mrt_seccomp_report_mode mode = MRT_SECCOMP_REPORT_OFF;
      mrt_error_t ignored = NULL;
      mrt_seccomp_report_mode (p->spec, &mode, &ignored);
      mrt_error_free (&ignored);
      p->report = mode != MRT_SECCOMP_REPORT_OFF && p->rec.seccomp_monitor_pid > 0;
      if (mrt_seccomp_compile_cached (lx->seccomp, ctx->log, p->report ? MRT_SECCOMP_NOTIFY_DENIED : 0, ctx->cache_dir,
                                      &p->seccomp, err)
          < 0)
        return mrt_error_prefix (err, "container `%s`", o->id);
    }
  if (p->proc->apparmor_profile && *p->proc->apparmor_profile)
    mrt_log_debug (ctx->log, "exec: apparmor profile \"%s\" ignored (no AppArmor support)", p->proc->apparmor_profile);

  /* The pidfd pins the init we checked: if it dies, setns fails. */
  p->init_pidfd = mrt_pidfd_open (p->rec.pid, 0);
  if (p->init_pidfd < 0 || !mrt_proc_alive (p->rec.pid, p->rec.pid_start))
    return mrt_error_make (err, 0, "cannot exec in a stopped container `%s`", o->id);
  return plan_namespaces (p, err);
}

/* ---- the hand-over -------------------------------------------------------- */

/* The listener of a filter with SCMP_ACT_NOTIFY goes to listenerPath, with
 * the state, as at create; the process keeps running on CONTINUE answers
 * until its execve. */
static int
seccomp_handover (const struct exec_plan *p, pid_t pid, int sync, int fdnum, mrt_error_t *err)
{
  cleanup_close int notify = mrt_seccomp_take_listener (pid, fdnum, sync, err);
  if (notify < 0)
    return -1;
  if (mrt_seccomp_supervise_until_exec (notify, sync, err) < 0)
    return -1;
  if (p->report)
    {
      struct mrt_state_dir d;
      if (mrt_state_dir_open (p->state_root, p->rec.id, false, &d, err) < 0)
        return -1;
      int r = mrt_seccomp_monitor_hand_over (d.dirfd, notify, err);
      mrt_state_dir_close (&d);
      return r;
    }
  const struct mrt_seccomp *sc = p->spec->linux_->seccomp;
  if (sc->listener_path == NULL)
    return 0;
  enum mrt_status st = p->status == MRT_STATUS_PAUSED ? MRT_STATUS_PAUSED : MRT_STATUS_RUNNING;
  if (p->status == MRT_STATUS_CREATED)
    st = MRT_STATUS_CREATED;
  cleanup_free char *state = mrt_hook_state_json (&p->rec, st, p->spec->oci_version);
  cleanup_free char *payload = mrt_seccomp_process_state_json (pid, sc->listener_metadata, state);
  return mrt_seccomp_send_listener (sc->listener_path, notify, payload, err);
}

/* Read the process's messages until its execve (EOF). */
static int
follow_setup (const struct exec_plan *p, pid_t pid, int sync, mrt_error_t *err)
{
  cleanup_free char *buf = xmalloc0 (MRT_MSG_MAX + 1);
  for (;;)
    {
      ssize_t n = recv (sync, buf, MRT_MSG_MAX, 0);
      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        return mrt_error_sys (err, "exec: read from the new process");
      if (n == 0)
        return 0;
      buf[n] = '\0';
      int fdnum;
      if (buf[0] == MRT_EXEC_ERROR)
        return mrt_error_make (err, 0, "%s", buf + 1);
      if (sscanf (buf, MRT_SECCOMP_ANNOUNCE, &fdnum) == 1)
        return seccomp_handover (p, pid, sync, fdnum, err);
      return mrt_error_make (err, 0, "exec: unexpected message from the new process");
    }
}

static void
reap (pid_t pid)
{
  while (waitpid (pid, NULL, 0) < 0 && errno == EINTR)
    ;
}

/* Fork the joiner, put it in the cgroup, learn the process's pid and follow
 * it to its execve.  On failure nothing of it is left. */
static pid_t
start_process (const struct exec_plan *p, const struct mrt_exec_options *o, int console_child, mrt_error_t *err)
{
  int sync[2];
  char type = 0;
  cleanup_free char *text = NULL;
  pid_t pid = -1;

  struct mrt_cgroup_join join;
  mrt_cgroup_join_init (&join);
  if (p->cg && mrt_exec_cgroup_join_open (p->cg, p->subs, p->n_subs, &join, err) < 0)
    return -1;
  if (socketpair (AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sync) < 0)
    {
      mrt_cgroup_join_close (&join);
      return mrt_error_sys (err, "exec: socketpair for the set-up channel");
    }
  struct mrt_exec_launch l = {
    .id = o->id,
    .spec = p->spec,
    .proc = p->proc,
    .env = p->env,
    .seccomp = p->seccomp,
    .init_pidfd = p->init_pidfd,
    .ns_flags = p->ns_flags,
    .userns = p->userns,
    .no_new_keyring = p->rec.no_new_keyring,
    .init_root = p->init_root,
    .preserve_fds = o->preserve_fds,
    .sync = sync[1],
    .sync_parent = sync[0],
    .console_sock = console_child,
    .close_in_child = { -1, -1, -1, -1 },
    .cgroup_join = p->cg ? &join : NULL,
  };
  pid_t joiner = mrt_exec_spawn (&l, err);
  close (sync[1]);
  if (joiner < 0)
    {
      mrt_cgroup_join_close (&join);
      close (sync[0]);
      return -1;
    }
  int finished = p->cg ? mrt_cgroup_join_finish (p->cg, &join, l.in_cgroup2, joiner, err) : 0;
  mrt_cgroup_join_close (&join);
  if (finished < 0 || mrt_msg_send (sync[0], MRT_EXEC_GO, NULL) < 0 || mrt_msg_recv (sync[0], &type, &text, err) < 0)
    {
      if (err && *err == NULL)
        mrt_error_sys (err, "exec: start the new process");
      kill (joiner, SIGKILL);
      reap (joiner);
      close (sync[0]);
      return -1;
    }
  reap (joiner);
  if (type == MRT_EXEC_ERROR)
    mrt_error_make (err, 0, "%s", text);
  else if (type != MRT_EXEC_PID || (pid = (pid_t)strtol (text, NULL, 10)) <= 0)
    mrt_error_make (err, 0, "exec: the new process died during set-up");
  if (pid <= 0)
    {
      close (sync[0]);
      return -1;
    }
  if (mrt_msg_send (sync[0], MRT_EXEC_GO, NULL) < 0)
    mrt_error_sys (err, "exec: start the new process");
  else if (follow_setup (p, pid, sync[0], err) == 0)
    {
      close (sync[0]);
      return pid;
    }
  kill (pid, SIGKILL);
  reap (pid);
  close (sync[0]);
  return -1;
}

int
mrt_container_exec (struct mrt_context *ctx, const struct mrt_exec_options *o, int *exit_status, mrt_error_t *err)
{
  struct exec_plan p = { .init_pidfd = -1, .init_root = -1 };
  int console[2] = { -1, -1 }; /* [0] ours (foreground pty), [1] the process's */
  cleanup_close int master = -1;
  int sfd = -1, ret = -1;
  sigset_t all, old;
  bool blocked = false;
  struct mrt_host_tty tty = { .fd = -1 };
  pid_t pid = -1;

  *exit_status = 0;
  if (mrt_validate_id (o->id, err) < 0 || plan_make (ctx, o, &p, err) < 0)
    goto out;
  if (p.proc->terminal && o->console_socket)
    {
      console[1] = mrt_terminal_console_socket_connect (o->console_socket, err);
      if (console[1] < 0)
        {
          mrt_error_prefix (err, "--console-socket");
          goto out;
        }
    }
  else if (p.proc->terminal && socketpair (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, console) < 0)
    {
      mrt_error_sys (err, "exec: socketpair for the terminal");
      goto out;
    }
  if (console[0] >= 0)
    mrt_host_tty_raw (&tty);
  if (!o->detach)
    {
      /* Blocked before the process exists, so no signal meant for it is
       * lost; the joiner unblocks them for itself. */
      sigfillset (&all);
      sigprocmask (SIG_BLOCK, &all, &old);
      blocked = true;
      sfd = signalfd (-1, &all, SFD_CLOEXEC);
      if (sfd < 0)
        {
          mrt_error_sys (err, "exec: signalfd for the signals to forward");
          goto out;
        }
    }
  pid = start_process (&p, o, console[1], err);
  if (pid < 0)
    goto out;
  if (console[1] >= 0)
    close (console[1]);
  console[1] = -1;
  if (console[0] >= 0 && mrt_terminal_recv_master (console[0], &master, err) < 0)
    goto kill;
  if (o->pid_file && mrt_write_pid_file (o->pid_file, pid, err) < 0)
    goto kill;
  if (o->detach)
    {
      ret = 0;
      goto out;
    }
  ret = mrt_foreground_wait (pid, sfd, master, &tty, exit_status, err);
  goto out;

kill:
  kill (pid, SIGKILL);
  reap (pid);
out:
  for (int i = 0; i < 2; i++)
    if (console[i] >= 0)
      close (console[i]);
  if (sfd >= 0)
    close (sfd);
  if (blocked)
    sigprocmask (SIG_SETMASK, &old, NULL);
  mrt_host_tty_restore (&tty);
  plan_free (&p);
  return ret;
}
