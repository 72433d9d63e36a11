/* SPDX-License-Identifier: Apache-2.0 */
/* create and run: the parent's half of the set-up (order in process.c).
 * Every host-side resource is registered as it is made and released in
 * reverse order on failure: the init process, the cgroup, the state dir. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>

#include "cgroups.h"
#include "foreground.h"
#include "hooks.h"
#include "lifecycle.h"
#include "minirt/rootless.h"
#include "mount_idmap.h"
#include "process.h"
#include "rootfs.h"
#include "seccomp.h"
#include "seccomp_monitor.h"
#include "terminal.h"
#include "utils.h"

#define CONFIG_MAX_SIZE (16 * 1024 * 1024)

char *
mrt_hook_state_json (const struct mrt_state_record *r, enum mrt_status status, const char *oci_version)
{
  struct mrt_container_state s = {
    .oci_version = (char *)(oci_version      ? oci_version
                            : r->oci_version ? r->oci_version
                                             : "1.2.0"),
    .id = r->id,
    .pid = status == MRT_STATUS_STOPPED ? 0 : r->pid,
    .status = status,
    .bundle = r->bundle,
    .rootfs = r->rootfs,
    .created = r->created_at,
    .owner = (char *)"",
    .annotations = r->annotations,
    .n_annotations = r->n_annotations,
  };
  return mrt_container_state_to_json (&s, false);
}

void
mrt_cgroup_config_for (struct mrt_context *ctx, const char *id, const struct mrt_spec *spec,
                       struct mrt_cgroup_config *cfg)
{
  memset (cfg, 0, sizeof (*cfg));
  cfg->id = id;
  cfg->cgroups_path = spec && spec->linux_ ? spec->linux_->cgroups_path : NULL;
  cfg->manager = ctx->cgroup_manager;
  cfg->rootless = ctx->rootless_cgroups;
  /* linux.devices are allowed in the device controller, as runc does. */
  cfg->devices = spec && spec->linux_ ? spec->linux_->devices : NULL;
  cfg->n_devices = spec && spec->linux_ ? spec->linux_->n_devices : 0;
  cfg->log = ctx->log;
}

/* Everything create needs, gathered before the first side effect. */
struct plan
{
  char *bundle;
  char *config_json;
  size_t config_len;
  struct mrt_spec *spec;
  char *rootfs;
  struct mrt_seccomp_filter *seccomp;
  /* Violation reports: the filter as written (answers come from it);
   * `seccomp` is then the transformed one that is loaded. */
  enum mrt_seccomp_report_mode report;
  struct mrt_seccomp_filter *seccomp_original;
  struct mrt_ns_plan ns;
  char **env;
  unsigned preserve_fds;
  struct mrt_idmap_trees idmap; /* detached idmapped mounts the init attaches */
  /* The cgroup mounts, read once for the plan and the create, and the
   * plan's saved line (recorded before the cgroup is made). */
  struct mrt_cg_layout *cglayout;
  char *cgplan;
};

static void
plan_free (struct plan *p)
{
  free (p->bundle);
  free (p->config_json);
  mrt_spec_free (p->spec);
  free (p->rootfs);
  if (p->seccomp)
    mrt_seccomp_filter_free (p->seccomp);
  if (p->seccomp_original)
    mrt_seccomp_filter_free (p->seccomp_original);
  mrt_ns_plan_close (&p->ns);
  mrt_idmap_trees_close (&p->idmap);
  mrt_cgroup_layout_free (p->cglayout);
  free (p->cgplan);
  if (p->env)
    {
      for (size_t i = 0; p->env[i]; i++)
        free (p->env[i]);
      free (p->env);
    }
  memset (p, 0, sizeof (*p));
}

/* process.env, plus LISTEN_FDS/LISTEN_PID when the runtime was given
 * socket-activation fds (as runc does). */
static void
build_env (struct plan *p, unsigned listen_fds)
{
  const struct mrt_process *proc = p->spec->process;
  size_t n = proc->n_env;
  p->env = xmalloc0 ((n + 3) * sizeof (char *));
  size_t j = 0;
  for (size_t i = 0; i < n; i++)
    {
      if (listen_fds
          && (strncmp (proc->env[i], "LISTEN_FDS=", 11) == 0 || strncmp (proc->env[i], "LISTEN_PID=", 11) == 0))
        continue;
      p->env[j++] = xstrdup (proc->env[i]);
    }
  if (listen_fds)
    {
      p->env[j++] = xasprintf ("LISTEN_FDS=%u", listen_fds);
      p->env[j++] = xstrdup ("LISTEN_PID=1");
    }
}

/* As sd_listen_fds() (and runc): the fds are ours only when LISTEN_PID
 * names this process; LISTEN_FDS inherited from an activated ancestor
 * describes that ancestor's fds, not ours. */
static unsigned
listen_fds_from_env (void)
{
  const char *s = getenv ("LISTEN_FDS");
  const char *pid = getenv ("LISTEN_PID");
  if (s == NULL || *s == '\0' || pid == NULL || *pid == '\0')
    return 0;
  char *end;
  errno = 0;
  unsigned long p = strtoul (pid, &end, 10);
  if (errno || *end != '\0' || p != (unsigned long)getpid ())
    return 0;
  unsigned long n = strtoul (s, &end, 10);
  return *s != '-' && *end == '\0' && n < 4096 ? (unsigned)n : 0;
}

static int
plan_make (struct mrt_context *ctx, const struct mrt_create_options *opts, bool foreground, struct plan *p,
           mrt_error_t *err)
{
  const char *bundle = opts->bundle && *opts->bundle ? opts->bundle : ".";
  mrt_ns_plan_init (&p->ns);
  if (mrt_validate_id (opts->id, err) < 0)
    return -1;
  p->bundle = realpath (bundle, NULL);
  if (p->bundle == NULL)
    return mrt_error_sys (err, "bundle `%s`", bundle);
  cleanup_free char *config_path
      = opts->config_file ? xstrdup (opts->config_file) : xasprintf ("%s/config.json", p->bundle);
  if (opts->config_data)
    {
      p->config_json = xmalloc0 (opts->config_len + 1);
      memcpy (p->config_json, opts->config_data, opts->config_len);
      p->config_len = opts->config_len;
    }
  else if (mrt_read_file (config_path, CONFIG_MAX_SIZE, &p->config_json, &p->config_len, err) < 0)
    return -1;
  if (mrt_spec_parse (p->config_json, p->config_len, "config.json", &p->spec, err) < 0)
    return -1;
  const struct mrt_spec *spec = p->spec;
  if (spec->process == NULL || spec->process->n_args == 0)
    return mrt_error_make (err, EINVAL, "config.json: process.args: required to create a container");
  if (spec->root == NULL || spec->root->path == NULL)
    return mrt_error_make (err, EINVAL, "config.json: root.path: required");
  cleanup_free char *root
      = spec->root->path[0] == '/' ? xstrdup (spec->root->path) : xasprintf ("%s/%s", p->bundle, spec->root->path);
  p->rootfs = realpath (root, NULL);
  if (p->rootfs == NULL)
    return mrt_error_sys (err, "root.path: `%s`", root);
  if (spec->process->terminal && opts->console_socket == NULL && !foreground)
    return mrt_error_make (err, EINVAL, "process.terminal: needs --console-socket when the runtime detaches");
  /* runc's checkTerminal: the socket would never be used, and a caller
   * waiting on it for a pty master would wait forever. */
  if (opts->console_socket && (!spec->process->terminal || foreground))
    return mrt_error_make (err, EINVAL,
                           "--console-socket: only with process.terminal and a runtime that detaches (create, run -d)");
  /* A caller keeping the listener (seccomp record) answers every
   * notification itself: no violation-report monitor. */
  if (!opts->seccomp_own_listener && mrt_seccomp_report_mode (spec, &p->report, err) < 0)
    return -1;
  if (spec->linux_ && spec->linux_->seccomp
      && mrt_seccomp_compile_cached (spec->linux_->seccomp, ctx->log,
                                     opts->seccomp_own_listener ? MRT_SECCOMP_OWN_LISTENER : 0, ctx->cache_dir,
                                     &p->seccomp, err)
             < 0)
    return -1;
  if (p->report != MRT_SECCOMP_REPORT_OFF)
    {
      p->seccomp_original = steal_pointer (&p->seccomp);
      if (mrt_seccomp_compile_cached (spec->linux_->seccomp, ctx->log, MRT_SECCOMP_NOTIFY_DENIED, ctx->cache_dir,
                                      &p->seccomp, err)
          < 0)
        return -1;
    }
  if (mrt_ns_plan_make (spec->linux_, &p->ns, err) < 0)
    return -1;
  if (spec->linux_ && spec->linux_->time_offsets && !p->ns.create[MRT_NS_TIME]
      && (spec->linux_->time_offsets->has_monotonic || spec->linux_->time_offsets->has_boottime))
    return mrt_error_make (err, EINVAL, "linux.timeOffsets: needs a new time namespace");
  if (spec->hostname && *spec->hostname && !p->ns.present[MRT_NS_UTS])
    return mrt_error_make (err, EINVAL, "hostname: needs a uts namespace");
  if (mrt_idmap_validate (spec, geteuid () != 0, err) < 0)
    return -1;
  if (mrt_sysctl_validate (spec, p->ns.present[MRT_NS_IPC], p->ns.present[MRT_NS_UTS], p->ns.present[MRT_NS_NETWORK],
                           p->ns.join_path[MRT_NS_NETWORK], err)
      < 0)
    return -1;
  if (geteuid () != 0 && mrt_rootless_validate (spec, p->ns.present[MRT_NS_USER], p->ns.create[MRT_NS_USER], err) < 0)
    return -1;
  unsigned listen_fds = listen_fds_from_env ();
  p->preserve_fds = opts->preserve_fds + listen_fds;
  for (unsigned fd = 3; fd < 3 + p->preserve_fds; fd++)
    if (fcntl ((int)fd, F_GETFD) < 0)
      return mrt_error_sys (err, "--preserve-fds: fd %u", fd);
  /* A bad cgroupsPath, or the systemd driver without systemd, fails
   * before anything exists. */
  struct mrt_cgroup_config cgcfg;
  mrt_cgroup_config_for (ctx, opts->id, spec, &cgcfg);
  p->cglayout = mrt_cgroup_layout_new ();
  cgcfg.layout = p->cglayout;
  p->cgplan = mrt_cgroup_plan (&cgcfg, err);
  if (p->cgplan == NULL)
    return -1;
  /* Last: the only step that makes something (a helper process, reaped
   * before it returns, and mount fds that plan_free drops). */
  if (mrt_idmap_trees_open (spec, p->bundle, &p->idmap, err) < 0)
    return -1;
  build_env (p, listen_fds);
  return 0;
}

static int
listen_exec_socket (const struct mrt_state_dir *d, mrt_error_t *err)
{
  struct sockaddr_un addr = { .sun_family = AF_UNIX };
  snprintf (addr.sun_path, sizeof (addr.sun_path), "/proc/self/fd/%d/exec.sock", d->dirfd);
  int fd = socket (AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
  if (fd < 0)
    return mrt_error_sys (err, "create exec.sock");
  if (bind (fd, (struct sockaddr *)&addr, sizeof (addr)) < 0 || listen (fd, 4) < 0)
    {
      mrt_error_sys (err, "bind `%s/exec.sock`", d->path);
      close (fd);
      return -1;
    }
  return fd;
}

static int
copy_annotations (struct mrt_state_record *r, const struct mrt_spec *spec)
{
  if (spec->n_annotations == 0)
    return 0;
  r->annotations = xmalloc0 (spec->n_annotations * sizeof (*r->annotations));
  for (size_t i = 0; i < spec->n_annotations; i++)
    {
      r->annotations[i].key = xstrdup (spec->annotations[i].key);
      r->annotations[i].value = xstrdup (spec->annotations[i].value);
    }
  r->n_annotations = spec->n_annotations;
  return 0;
}

static bool
has_parent_hooks (const struct mrt_spec *spec)
{
  return spec->hooks && (spec->hooks->n[MRT_HOOK_CREATE_RUNTIME] > 0 || spec->hooks->n[MRT_HOOK_PRESTART] > 0);
}

static int
run_parent_hooks (const struct mrt_spec *spec, const struct mrt_state_record *r, mrt_error_t *err)
{
  static const enum mrt_hook_kind kinds[] = { MRT_HOOK_CREATE_RUNTIME, MRT_HOOK_PRESTART };
  if (spec->hooks == NULL)
    return 0;
  for (size_t i = 0; i < ARRAY_SIZE (kinds); i++)
    {
      if (spec->hooks->n[kinds[i]] == 0)
        continue;
      cleanup_free char *json = mrt_hook_state_json (r, MRT_STATUS_CREATING, spec->oci_version);
      if (mrt_hooks_run (spec->hooks, kinds[i], json, err) < 0)
        return -1;
    }
  return 0;
}

/* What the undo list releases, newest first. */
struct undo
{
  pid_t pid;
  pid_t monitor_pid;
  uint64_t monitor_start;
  struct mrt_cgroup *cgroup;
  bool state_dir;
  const struct mrt_spec *spec; /* poststop hooks, as runc's destroy */
  const struct mrt_state_record *rec;
  const struct mrt_log *log;
};

static void
undo_all (struct undo *u, struct mrt_state_dir *d)
{
  mrt_error_t ignored = NULL;
  bool hooks = u->spec && u->spec->hooks && u->spec->hooks->n[MRT_HOOK_POSTSTOP] > 0 && u->state_dir;
  if (u->pid > 0)
    {
      kill (u->pid, SIGKILL);
      while (waitpid (u->pid, NULL, 0) < 0 && errno == EINTR)
        ;
    }
  mrt_seccomp_monitor_end (u->monitor_pid, u->monitor_start);
  if (u->cgroup)
    {
      mrt_cgroup_kill_all (u->cgroup, SIGKILL, &ignored);
      mrt_error_free (&ignored);
      mrt_cgroup_destroy (u->cgroup, &ignored);
      mrt_error_free (&ignored);
      mrt_cgroup_free (u->cgroup);
    }
  if (hooks)
    {
      cleanup_free char *json = mrt_hook_state_json (u->rec, MRT_STATUS_STOPPED, u->spec->oci_version);
      if (mrt_hooks_run (u->spec->hooks, MRT_HOOK_POSTSTOP, json, &ignored) < 0)
        mrt_log_warning (u->log, "poststop hook: %s", ignored->msg);
      mrt_error_free (&ignored);
    }
  if (u->state_dir)
    {
      mrt_state_dir_remove (d, &ignored);
      mrt_error_free (&ignored);
    }
  mrt_state_dir_close (d);
}

/* The parent's half of create.  On success the container is `created`, its
 * state dir `d` is still locked and *pid is its init.  A foreground run with
 * process.terminal and no --console-socket gets the pty master in
 * *tty_master (runc: the runtime proxies it, foreground.h). */
/* The init vanished without sending its error: the OOM killer is the
 * usual culprit (a memory limit below what set-up needs), and the cgroup
 * counts it.  Otherwise the error at hand stands, or a generic one. */
static int
init_gone (struct mrt_cgroup *cg, mrt_error_t *err)
{
  if (mrt_cgroup_oom_kills (cg) > 0)
    {
      mrt_error_free (err);
      return mrt_error_make (err, 0,
                             "linux.resources.memory.limit: the container's init was OOM-killed during set-up "
                             "(memory limit too low?)");
    }
  if (*err == NULL)
    return mrt_error_make (err, 0, "the container's init exited during set-up");
  return -1;
}

static int
create_locked (struct mrt_context *ctx, const struct mrt_create_options *opts, bool foreground, struct mrt_state_dir *d,
               pid_t *pid_out, int *tty_master, struct mrt_state_record *rec_out, struct mrt_spec **spec_out,
               mrt_error_t *err)
{
  struct plan p = { 0 };
  struct undo u = { 0 };
  struct mrt_state_record rec = { 0 };
  struct mrt_cgroup_join join;
  int sync[2] = { -1, -1 }, exec_listen = -1, console = -1, own_console = -1;
  char type = 0;
  char *msg = NULL, *config_copy = NULL, *go_json = NULL;
  int ret = -1;

  mrt_cgroup_join_init (&join);
  if (plan_make (ctx, opts, foreground, &p, err) < 0)
    goto out;
  if (mrt_state_dir_create (ctx->state_root, opts->id, d, err) < 0)
    goto out;
  u.state_dir = true;
  u.spec = p.spec;
  u.rec = &rec;
  u.log = ctx->log;

  config_copy = mrt_state_dir_file (d, "config.json");
  if (mrt_write_file_atomic (config_copy, p.config_json, p.config_len, 0600, err) < 0)
    goto fail;
  rec.oci_version = xstrdup (p.spec->oci_version);
  rec.id = xstrdup (opts->id);
  rec.bundle = xstrdup (p.bundle);
  rec.rootfs = xstrdup (p.rootfs);
  rec.no_new_keyring = opts->no_new_keyring;
  rec.created_at = mrt_now_rfc3339 ();
  rec.creator_pid = getpid ();
  mrt_proc_stat (rec.creator_pid, &rec.creator_start, NULL);
  copy_annotations (&rec, p.spec);

  /* state.json is written as few times as `delete --force` after a killed
   * create needs (each rewrite costs a synchronous discard on an ext4
   * `discard` mount): with the cgroup-to-be before it is made, again only
   * if create() made something else, with the init's pid, and created. */
  struct mrt_cgroup_config cgcfg;
  mrt_cgroup_config_for (ctx, opts->id, p.spec, &cgcfg);
  cgcfg.layout = p.cglayout;
  rec.cgroup = xstrdup (p.cgplan);
  if (mrt_state_write (d, &rec, err) < 0)
    goto fail;
  if (mrt_cgroup_create (&cgcfg, p.spec->linux_ ? p.spec->linux_->resources : NULL, &u.cgroup, err) < 0)
    goto fail;
  {
    char *saved = mrt_cgroup_save (u.cgroup);
    bool same = strcmp (saved, rec.cgroup) == 0;
    free (rec.cgroup);
    rec.cgroup = saved;
    if (!same && mrt_state_write (d, &rec, err) < 0)
      goto fail;
  }
  if (mrt_cgroup_join_open (u.cgroup, &join, err) < 0)
    goto fail;

  exec_listen = listen_exec_socket (d, err);
  if (exec_listen < 0)
    goto fail;
  if (socketpair (AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sync) < 0)
    {
      mrt_error_sys (err, "socketpair");
      goto fail;
    }
  /* Connected here: the child cannot reach a host path after the pivot. */
  if (p.spec->process->terminal && opts->console_socket)
    {
      console = mrt_terminal_console_socket_connect (opts->console_socket, err);
      if (console < 0)
        {
          mrt_error_prefix (err, "--console-socket");
          goto fail;
        }
    }
  else if (p.spec->process->terminal && tty_master)
    {
      int pair[2];
      if (socketpair (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, pair) < 0)
        {
          mrt_error_sys (err, "socketpair for the terminal");
          goto fail;
        }
      own_console = pair[0];
      console = pair[1];
    }

  struct mrt_launch l = {
    .spec = p.spec,
    .id = opts->id,
    .rootfs = p.rootfs,
    .bundle = p.bundle,
    .log = ctx->log,
    .ns = p.ns,
    .seccomp = p.seccomp,
    .env = p.env,
    .preserve_fds = p.preserve_fds,
    .no_pivot = opts->no_pivot,
    .no_new_keyring = opts->no_new_keyring,
    .sync_child = sync[1],
    .sync_parent = sync[0],
    .exec_listen = exec_listen,
    .console_sock = console,
    .close_in_child = { d->lockfd, d->dirfd, -1, -1 },
    .cgroup_join = &join,
    /* Only createRuntime and prestart hooks need the init in its cgroup
     * before GO: otherwise it joins before it reads GO anyway, and one
     * wait less counts under load.  A failed join then shows as the
     * child's error instead of CREATED. */
    .report_joined = has_parent_hooks (p.spec),
    .idmap_trees = p.idmap.fds,
    .n_idmap_trees = p.idmap.n,
  };
  u.pid = mrt_process_spawn (&l, err);
  /* The init has its own copies: ours would pin its mounts past its end. */
  mrt_idmap_trees_close (&p.idmap);
  if (u.pid < 0)
    {
      u.pid = 0;
      goto fail;
    }
  close (sync[1]);
  sync[1] = -1;
  if (console >= 0)
    close (console);
  console = -1;
  rec.pid = u.pid;
  mrt_proc_stat (u.pid, &rec.pid_start, NULL);
  /* Recorded with the pid, in the same state write. */
  if (p.report != MRT_SECCOMP_REPORT_OFF)
    {
      struct mrt_seccomp_monitor_config mc = {
        .state_root = ctx->state_root,
        .id = opts->id,
        .dirfd = d->dirfd,
        .init_pid = u.pid,
        .original = p.seccomp_original,
        .mode = p.report,
        .log = ctx->log,
        .keep_stderr = foreground,
        .quiet_seconds = MRT_SECCOMP_REPORT_QUIET_SECONDS,
        .private_pidns = p.ns.create[MRT_NS_PID],
        .cgroup = u.cgroup,
      };
      if (mrt_seccomp_monitor_spawn (&mc, &u.monitor_pid, &u.monitor_start, err) < 0)
        goto fail;
      rec.seccomp_monitor_pid = u.monitor_pid;
      rec.seccomp_monitor_start = u.monitor_start;
    }
  if (mrt_ns_write_id_maps (u.pid, p.spec->linux_, &p.ns, err) < 0)
    goto fail;
  if (join.n_tasks > 0 && l.report_joined)
    {
      if (mrt_msg_recv (sync[0], &type, &msg, err) < 0)
        {
          init_gone (u.cgroup, err);
          goto fail;
        }
      if (type != MRT_SYNC_JOINED)
        {
          if (type == MRT_SYNC_ERROR)
            mrt_error_make (err, 0, "%s", msg);
          else
            init_gone (u.cgroup, err);
          goto fail;
        }
      free (msg);
      msg = NULL;
    }
  if (mrt_cgroup_join_finish (u.cgroup, &join, l.in_cgroup2, u.pid, err) < 0)
    goto fail;
  mrt_cgroup_join_close (&join);
  if (run_parent_hooks (p.spec, &rec, err) < 0)
    goto fail;

  go_json = mrt_hook_state_json (&rec, MRT_STATUS_CREATING, p.spec->oci_version);
  if (mrt_msg_send (sync[0], MRT_SYNC_GO, go_json) < 0)
    {
      /* The init may have failed (and exited) before GO: its error waits
       * in our receive queue. */
      int saved = errno;
      mrt_error_t e = NULL;
      if (mrt_msg_recv (sync[0], &type, &msg, &e) == 0 && type == MRT_SYNC_ERROR)
        mrt_error_make (err, 0, "%s", msg);
      else
        {
          errno = saved;
          mrt_error_sys (err, "start the container's init");
          init_gone (u.cgroup, err);
        }
      mrt_error_free (&e);
      goto fail;
    }
  /* The pid (and the monitor's) for `delete --force` after a killed
   * create, written while the init sets up instead of before GO. */
  if (mrt_state_write (d, &rec, err) < 0)
    goto fail;
  if (mrt_msg_recv (sync[0], &type, &msg, err) < 0)
    {
      init_gone (u.cgroup, err);
      goto fail;
    }
  if (type == MRT_SYNC_ERROR)
    {
      mrt_error_make (err, 0, "%s", msg);
      goto fail;
    }
  if (type != MRT_SYNC_CREATED)
    {
      init_gone (u.cgroup, err);
      goto fail;
    }
  if (own_console >= 0)
    {
      if (mrt_terminal_recv_master (own_console, tty_master, err) < 0)
        goto fail;
      /* Before `start`: the container never sees another size. */
      mrt_foreground_resize (*tty_master);
    }
  rec.created = true;
  if (mrt_state_write (d, &rec, err) < 0)
    goto fail;
  mrt_state_write_done (d);
  if (opts->pid_file && mrt_write_pid_file (opts->pid_file, u.pid, err) < 0)
    goto fail;
  *pid_out = u.pid;
  mrt_cgroup_free (u.cgroup);
  /* `run` starts and deletes with what create already holds. */
  if (rec_out)
    {
      *rec_out = rec;
      memset (&rec, 0, sizeof (rec));
    }
  if (spec_out)
    *spec_out = steal_pointer (&p.spec);
  ret = 0;
  goto out;

fail:
  if (tty_master && *tty_master >= 0)
    {
      close (*tty_master);
      *tty_master = -1;
    }
  undo_all (&u, d);
out:
  if (own_console >= 0)
    close (own_console);
  free (msg);
  free (config_copy);
  free (go_json);
  for (int i = 0; i < 2; i++)
    if (sync[i] >= 0)
      close (sync[i]);
  if (exec_listen >= 0)
    close (exec_listen);
  if (console >= 0)
    close (console);
  mrt_cgroup_join_close (&join);
  mrt_state_record_clear (&rec);
  plan_free (&p);
  return ret;
}

int
mrt_create_locked (struct mrt_context *ctx, const struct mrt_create_options *opts, struct mrt_state_dir *d, pid_t *pid,
                   mrt_error_t *err)
{
  return create_locked (ctx, opts, true, d, pid, NULL, NULL, NULL, err);
}

int
mrt_container_create (struct mrt_context *ctx, const struct mrt_create_options *opts, mrt_error_t *err)
{
  struct mrt_state_dir d;
  pid_t pid;
  if (create_locked (ctx, opts, false, &d, &pid, NULL, NULL, NULL, err) < 0)
    return -1;
  mrt_state_dir_close (&d);
  return 0;
}

int
mrt_container_run (struct mrt_context *ctx, const struct mrt_create_options *opts, int *exit_status, mrt_error_t *err)
{
  struct mrt_state_dir d;
  pid_t pid;
  sigset_t all, old;
  int sfd = -1, ret = -1, master = -1;
  struct mrt_host_tty tty = { .fd = -1 };
  struct mrt_state_record rec = { 0 };
  cleanup_spec struct mrt_spec *spec = NULL;

  *exit_status = 0;
  if (create_locked (ctx, opts, !opts->detach, &d, &pid, opts->detach ? NULL : &master, &rec, &spec, err) < 0)
    return -1;
  const struct mrt_start_known known = { .rec = &rec, .spec = spec };
  if (master >= 0)
    mrt_host_tty_raw (&tty);
  if (!opts->detach)
    {
      sigfillset (&all);
      sigprocmask (SIG_BLOCK, &all, &old);
      sfd = signalfd (-1, &all, SFD_CLOEXEC);
      if (sfd < 0)
        {
          mrt_error_sys (err, "signalfd");
          goto fail;
        }
    }
  if (mrt_start_locked_known (ctx, &d, &known, err) < 0)
    goto fail;
  mrt_state_dir_close (&d);
  if (opts->detach)
    {
      mrt_state_record_clear (&rec);
      return 0;
    }

  ret = mrt_foreground_wait (pid, sfd, master, &tty, exit_status, err);
  mrt_host_tty_restore (&tty);
  if (master >= 0)
    close (master);
  close (sfd);
  sigprocmask (SIG_SETMASK, &old, NULL);
  if (!opts->keep)
    {
      mrt_error_t derr = NULL;
      if (mrt_state_dir_open (ctx->state_root, opts->id, true, &d, &derr) == 0)
        mrt_delete_locked_known (ctx, &d, true, &known, &derr);
      if (derr && ret == 0)
        {
          *err = derr;
          mrt_state_record_clear (&rec);
          return -1;
        }
      mrt_error_free (&derr);
    }
  mrt_state_record_clear (&rec);
  return ret;

fail:
  {
    mrt_error_t ignored = NULL;
    mrt_delete_locked_known (ctx, &d, true, &known, &ignored);
    mrt_error_free (&ignored);
    while (waitpid (pid, NULL, 0) < 0 && errno == EINTR)
      ;
  }
  if (sfd >= 0)
    {
      close (sfd);
      sigprocmask (SIG_SETMASK, &old, NULL);
    }
  mrt_host_tty_restore (&tty);
  if (master >= 0)
    close (master);
  mrt_state_record_clear (&rec);
  return -1;
}
