/* SPDX-License-Identifier: Apache-2.0 */
/* start, kill, delete, state, list: commands on a container created by
 * another invocation, found through its state dir (state.h). */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>

#include "cgroups.h"
#include "hooks.h"
#include "lifecycle.h"
#include "process.h"
#include "rootfs.h"
#include "seccomp.h"
#include "seccomp_monitor.h"
#include "syscalls.h"
#include "utils.h"

int
mrt_state_load_spec (const struct mrt_state_dir *d, struct mrt_spec **out, mrt_error_t *err)
{
  cleanup_free char *json = NULL;
  size_t len = 0;
  cleanup_close int fd = openat (d->dirfd, "config.json", O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
  *out = NULL;
  if (fd < 0)
    return mrt_error_sys (err, "read config of `%s`", d->id);
  if (mrt_read_fd (fd, 16 * 1024 * 1024, &json, &len, err) < 0)
    return -1;
  return mrt_spec_parse (json, len, "config.json", out, err);
}

static void
run_hooks_warn (struct mrt_context *ctx, const struct mrt_spec *spec, enum mrt_hook_kind kind,
                const struct mrt_state_record *r, enum mrt_status status)
{
  if (spec == NULL || spec->hooks == NULL || spec->hooks->n[kind] == 0)
    return;
  cleanup_free char *json = mrt_hook_state_json (r, status, spec->oci_version);
  /* The spec: a failing poststart/poststop hook is a warning and the
   * remaining hooks still run. */
  mrt_hooks_run_warn (spec->hooks, kind, json, ctx->log);
}

/* ---- start --------------------------------------------------------------- */

static int
connect_exec_socket (const struct mrt_state_dir *d, mrt_error_t *err)
{
  struct sockaddr_un addr = { .sun_family = AF_UNIX };
  snprintf (addr.sun_path, sizeof (addr.sun_path), "/proc/self/fd/%d/exec.sock", d->dirfd);
  int fd = socket (AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
  if (fd < 0)
    return mrt_error_sys (err, "socket");
  if (connect (fd, (struct sockaddr *)&addr, sizeof (addr)) < 0)
    {
      mrt_error_sys (err, "start container `%s`: connect to its init", d->id);
      close (fd);
      return -1;
    }
  return fd;
}

/* The init announced a seccomp listener as fd N: take it, keep answering
 * CONTINUE until the init has execve()d, then hand it to listenerPath, or
 * to the violation-report monitor that `create` started. */
static int
take_seccomp_listener (const struct mrt_spec *spec, const struct mrt_state_dir *d, const struct mrt_state_record *r,
                       int conn, int n, struct mrt_start_listener *keep, mrt_error_t *err)
{
  enum mrt_seccomp_report_mode report = MRT_SECCOMP_REPORT_OFF;
  mrt_error_t ignored = NULL;
  cleanup_close int notify = mrt_seccomp_take_listener (r->pid, n, conn, err);
  if (notify < 0)
    return -1;
  if (mrt_seccomp_supervise_until_exec_ex (notify, conn, n, keep ? keep->pre_exec_fn : NULL, keep ? keep->data : NULL,
                                           err)
      < 0)
    return -1;
  /* create checked the annotations already. */
  mrt_seccomp_report_mode (spec, &report, &ignored);
  mrt_error_free (&ignored);
  if (report != MRT_SECCOMP_REPORT_OFF && r->seccomp_monitor_pid > 0)
    return mrt_seccomp_monitor_hand_over (d->dirfd, notify, err);
  const struct mrt_seccomp *sc = spec->linux_->seccomp;
  if (sc->listener_path == NULL)
    {
      if (keep)
        keep->fd = steal_fd (&notify);
      return 0;
    }
  cleanup_free char *state = mrt_hook_state_json (r, MRT_STATUS_CREATING, spec->oci_version);
  /* containerProcessState: `state` is already a JSON object; metadata is
   * a JSON string. */
  cleanup_free char *meta = sc->listener_metadata ? xstrdup (sc->listener_metadata) : xstrdup ("");
  cleanup_free char *escaped = xmalloc0 (strlen (meta) * 6 + 1);
  char *q = escaped;
  for (const char *s = meta; *s; s++)
    {
      unsigned char c = (unsigned char)*s;
      if (c == '"' || c == '\\')
        *q++ = '\\', *q++ = (char)c;
      else if (c < 0x20)
        q += sprintf (q, "\\u%04x", c);
      else
        *q++ = (char)c;
    }
  cleanup_free char *payload
      = xasprintf ("{\"ociVersion\":\"%s\",\"fds\":[\"seccompFd\"],\"pid\":%d,\"metadata\":\"%s\",\"state\":%s}",
                   spec->oci_version ? spec->oci_version : "1.2.0", (int)r->pid, escaped, state);
  return mrt_seccomp_send_listener (sc->listener_path, notify, payload, err);
}

int
mrt_start_locked (struct mrt_context *ctx, struct mrt_state_dir *d, mrt_error_t *err)
{
  return mrt_start_locked_ex (ctx, d, NULL, err);
}

/* known: the record and spec a `run` holds from its create (NULL: read
 * them from the state dir). */
static int
start_locked (struct mrt_context *ctx, struct mrt_state_dir *d, const struct mrt_start_known *known,
              struct mrt_start_listener *keep, mrt_error_t *err)
{
  struct mrt_state_record own = { 0 };
  cleanup_spec struct mrt_spec *own_spec = NULL;
  mrt_error_t spec_err = NULL;
  cleanup_close int conn = -1;
  cleanup_free char *json = NULL;
  char buf[4096];
  int ret = -1;

  if (keep)
    keep->fd = -1;
  if (known == NULL && mrt_state_read (d, &own, err) < 0)
    return -1;
  const struct mrt_state_record *rp = known ? known->rec : &own;
  enum mrt_status st = mrt_state_status (d, rp);
  if (st != MRT_STATUS_CREATED)
    {
      mrt_error_make (err, EINVAL, "cannot start container `%s`: it is %s", d->id, mrt_status_name (st));
      goto out;
    }
  if (known == NULL && mrt_state_load_spec (d, &own_spec, &spec_err) < 0)
    {
      mrt_error_prefix (&spec_err, "container `%s`", d->id);
      *err = steal_pointer (&spec_err);
      goto out;
    }
  const struct mrt_spec *spec = known ? known->spec : own_spec;
  conn = connect_exec_socket (d, err);
  if (conn < 0)
    goto out;
  json = mrt_hook_state_json (rp, MRT_STATUS_CREATED, spec->oci_version);
  if (mrt_msg_send (conn, 'S', json) < 0)
    {
      mrt_error_sys (err, "start container `%s`", d->id);
      goto out;
    }
  for (;;)
    {
      ssize_t n = recv (conn, buf, sizeof (buf) - 1, 0);
      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        {
          mrt_error_sys (err, "start container `%s`", d->id);
          goto out;
        }
      if (n == 0)
        break; /* execve closed the O_CLOEXEC connection */
      buf[n] = '\0';
      int fdnum;
      if (sscanf (buf, "seccomp %d", &fdnum) == 1)
        {
          if (take_seccomp_listener (spec, d, rp, conn, fdnum, keep, err) < 0)
            goto out;
          break;
        }
      mrt_error_make (err, 0, "%s", buf);
      goto out;
    }
  if (unlinkat (d->dirfd, "exec.sock", 0) < 0 && errno != ENOENT)
    {
      mrt_error_sys (err, "start container `%s`: remove exec.sock", d->id);
      goto out;
    }
  const struct mrt_exec_cpu_affinity *aff = spec->process ? spec->process->exec_cpu_affinity : NULL;
  if (aff && aff->final && *aff->final)
    {
      mrt_error_t aerr = NULL;
      if (mrt_cpu_affinity_set (rp->pid, aff->final, &aerr) < 0)
        mrt_log_warning (ctx->log, "process.execCPUAffinity.final: %s", aerr->msg);
      mrt_error_free (&aerr);
    }
  run_hooks_warn (ctx, spec, MRT_HOOK_POSTSTART, rp, MRT_STATUS_RUNNING);
  ret = 0;
out:
  mrt_state_record_clear (&own);
  return ret;
}

int
mrt_start_locked_ex (struct mrt_context *ctx, struct mrt_state_dir *d, struct mrt_start_listener *keep,
                     mrt_error_t *err)
{
  return start_locked (ctx, d, NULL, keep, err);
}

int
mrt_start_locked_known (struct mrt_context *ctx, struct mrt_state_dir *d, const struct mrt_start_known *known,
                        mrt_error_t *err)
{
  return start_locked (ctx, d, known, NULL, err);
}

int
mrt_container_start (struct mrt_context *ctx, const char *id, mrt_error_t *err)
{
  struct mrt_state_dir d;
  if (mrt_state_dir_open (ctx->state_root, id, true, &d, err) < 0)
    return -1;
  int r = mrt_start_locked (ctx, &d, err);
  mrt_state_dir_close (&d);
  return r;
}

/* ---- kill ---------------------------------------------------------------- */

/* A pidfd for the init only when it still is the process we started. */
static int
open_init_pidfd (const struct mrt_state_record *r)
{
  if (r->pid <= 0)
    return -1;
  int fd = mrt_pidfd_open (r->pid, 0);
  if (fd < 0)
    return -1;
  if (!mrt_proc_alive (r->pid, r->pid_start))
    {
      close (fd);
      return -1;
    }
  return fd;
}

static struct mrt_cgroup *
restore_cgroup (struct mrt_context *ctx, const struct mrt_state_dir *d, const struct mrt_state_record *r,
                const struct mrt_spec *spec, mrt_error_t *err)
{
  struct mrt_cgroup *cg = NULL;
  struct mrt_cgroup_config cfg;
  if (r->cgroup == NULL)
    return NULL;
  mrt_cgroup_config_for (ctx, d->id, spec, &cfg);
  if (mrt_cgroup_restore (&cfg, r->cgroup, &cg, err) < 0)
    return NULL;
  return cg;
}

/* Whether the cgroup recorded in the state is frozen (`paused`); a cgroup
 * that cannot be read is not. */
static bool
saved_cgroup_frozen (const char *id, const char *saved, struct mrt_cgroup **out)
{
  struct mrt_cgroup_config cfg = { .id = id };
  struct mrt_cgroup *cg = NULL;
  mrt_error_t ignored = NULL;
  bool frozen = false;
  if (saved == NULL || mrt_cgroup_restore (&cfg, saved, &cg, &ignored) < 0 || mrt_cgroup_is_disabled (cg)
      || mrt_cgroup_is_frozen (cg, &frozen, &ignored) < 0)
    frozen = false;
  mrt_error_free (&ignored);
  if (out && frozen)
    *out = cg;
  else
    mrt_cgroup_free (cg);
  return frozen;
}

int
mrt_container_kill (struct mrt_context *ctx, const char *id, int signal, bool all, mrt_error_t *err)
{
  struct mrt_state_dir d;
  struct mrt_state_record r;
  cleanup_close int pidfd = -1;
  int ret = -1;
  if (mrt_state_dir_open (ctx->state_root, id, true, &d, err) < 0)
    return -1;
  if (mrt_state_read (&d, &r, err) < 0)
    {
      mrt_state_dir_close (&d);
      return -1;
    }
  enum mrt_status st = mrt_state_status (&d, &r);
  if (st != MRT_STATUS_CREATED && st != MRT_STATUS_RUNNING && st != MRT_STATUS_PAUSED && !all)
    {
      mrt_error_make (err, ESRCH, "container `%s` is not running", id);
      goto out;
    }
  if (all)
    {
      cleanup_spec struct mrt_spec *spec = NULL;
      mrt_error_t ignored = NULL;
      mrt_state_load_spec (&d, &spec, &ignored);
      mrt_error_free (&ignored);
      struct mrt_cgroup *cg = restore_cgroup (ctx, &d, &r, spec, err);
      if (cg == NULL && *err)
        goto out;
      int k = cg ? mrt_cgroup_kill_all (cg, signal, err) : 0;
      mrt_cgroup_free (cg);
      if (k < 0)
        goto out;
    }
  pidfd = open_init_pidfd (&r);
  if (pidfd >= 0 && mrt_pidfd_send_signal (pidfd, signal, NULL, 0) < 0 && errno != ESRCH)
    {
      mrt_error_sys (err, "kill container `%s`", id);
      goto out;
    }
  /* A frozen task cannot die: SIGKILL of a paused container thaws it
   * (runc does the same); other signals stay pending until resume. */
  struct mrt_cgroup *frozen_cg = NULL;
  if (pidfd >= 0 && signal == SIGKILL && !all && saved_cgroup_frozen (id, r.cgroup, &frozen_cg))
    {
      mrt_error_t ignored = NULL;
      mrt_cgroup_freeze (frozen_cg, false, &ignored);
      mrt_error_free (&ignored);
      mrt_cgroup_free (frozen_cg);
    }
  if (pidfd < 0 && !all)
    {
      mrt_error_make (err, ESRCH, "container `%s` is not running", id);
      goto out;
    }
  ret = 0;
out:
  mrt_state_record_clear (&r);
  mrt_state_dir_close (&d);
  return ret;
}

/* ---- delete -------------------------------------------------------------- */

static void
kill_and_wait (int pidfd)
{
  if (mrt_pidfd_send_signal (pidfd, SIGKILL, NULL, 0) < 0)
    return;
  struct pollfd pfd = { .fd = pidfd, .events = POLLIN };
  while (poll (&pfd, 1, 10000) < 0 && errno == EINTR)
    ;
}

int
mrt_delete_locked (struct mrt_context *ctx, struct mrt_state_dir *d, bool force, mrt_error_t *err)
{
  return mrt_delete_locked_known (ctx, d, force, NULL, err);
}

int
mrt_delete_locked_known (struct mrt_context *ctx, struct mrt_state_dir *d, bool force,
                         const struct mrt_start_known *known, mrt_error_t *err)
{
  struct mrt_state_record r;
  cleanup_spec struct mrt_spec *own_spec = NULL;
  const struct mrt_spec *spec = NULL;
  mrt_error_t spec_err = NULL;
  cleanup_close int pidfd = -1;
  int ret = -1;

  if (mrt_state_read (d, &r, err) < 0)
    {
      /* A create killed before its first state write: nothing else exists. */
      if (!force)
        goto out;
      mrt_error_free (err);
      ret = mrt_state_dir_remove (d, err);
      goto out;
    }
  enum mrt_status st = mrt_state_status (d, &r);
  if (st == MRT_STATUS_RUNNING && !force)
    {
      if (saved_cgroup_frozen (d->id, r.cgroup, NULL))
        st = MRT_STATUS_PAUSED;
      mrt_error_make (err, EBUSY, "cannot delete container `%s` that is not stopped: %s", d->id, mrt_status_name (st));
      goto out;
    }
  /* The known spec only for the very container `run` made (not one made
   * again under the same id after it stopped). */
  if (known && known->rec->pid == r.pid && known->rec->pid_start == r.pid_start)
    spec = known->spec;
  else
    {
      mrt_state_load_spec (d, &own_spec, &spec_err);
      mrt_error_free (&spec_err);
      spec = own_spec;
    }
  pidfd = open_init_pidfd (&r);
  struct mrt_cgroup *cg = restore_cgroup (ctx, d, &r, spec, err);
  if (cg == NULL && *err)
    {
      if (pidfd >= 0)
        kill_and_wait (pidfd);
      mrt_seccomp_monitor_end (r.seccomp_monitor_pid, r.seccomp_monitor_start);
      goto out;
    }
  if (cg == NULL && r.cgroup == NULL && !r.created && spec && force)
    {
      /* A create killed between making its cgroup and recording it (we
       * hold the lock, so it is not still running): find the cgroup the
       * way create made it.  create() only adds what is missing and
       * destroy() only removes what that create() made plus the leaf, so
       * when nothing was made this is a no-op. */
      struct mrt_cgroup_config cfg;
      mrt_error_t ignored = NULL;
      mrt_cgroup_config_for (ctx, d->id, spec, &cfg);
      if (mrt_cgroup_create (&cfg, NULL, &cg, &ignored) < 0)
        cg = NULL;
      mrt_error_free (&ignored);
    }
  /* The whole cgroup first: it thaws a paused container, whose init could
   * not die otherwise. */
  if (cg)
    {
      mrt_error_t ignored = NULL;
      mrt_cgroup_kill_all (cg, SIGKILL, &ignored);
      mrt_error_free (&ignored);
    }
  if (pidfd >= 0)
    kill_and_wait (pidfd);
  /* After the init: the monitor logs its last report as it ends. */
  mrt_seccomp_monitor_end (r.seccomp_monitor_pid, r.seccomp_monitor_start);
  if (cg)
    {
      int c = mrt_cgroup_destroy (cg, err);
      mrt_cgroup_free (cg);
      if (c < 0)
        goto out;
    }
  if (r.created)
    run_hooks_warn (ctx, spec, MRT_HOOK_POSTSTOP, &r, MRT_STATUS_STOPPED);
  ret = mrt_state_dir_remove (d, err);
out:
  mrt_state_record_clear (&r);
  mrt_state_dir_close (d);
  return ret;
}

int
mrt_container_delete (struct mrt_context *ctx, const char *id, bool force, mrt_error_t *err)
{
  struct mrt_state_dir d;
  if (mrt_state_dir_open (ctx->state_root, id, true, &d, err) < 0)
    {
      if (force && (*err)->errno_ == ENOENT)
        {
          mrt_error_free (err);
          return 0;
        }
      return -1;
    }
  return mrt_delete_locked (ctx, &d, force, err);
}

/* ---- state, list --------------------------------------------------------- */

/* No state.json yet: `create` is at work exactly while it holds the lock. */
static bool
create_in_progress (const struct mrt_state_dir *d)
{
  cleanup_close int fd = openat (d->dirfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0)
    return false;
  return flock (fd, LOCK_SH | LOCK_NB) < 0 && errno == EWOULDBLOCK;
}

static int
state_of (const char *root, const char *id, struct mrt_container_state **out, mrt_error_t *err)
{
  struct mrt_state_dir d;
  struct mrt_state_record r;
  if (mrt_state_dir_open (root, id, false, &d, err) < 0)
    return -1;
  if (mrt_state_read (&d, &r, err) < 0)
    {
      /* Another user's container: not ours to describe (O_PATH opened
       * its directory without search permission). */
      if ((*err)->errno_ == EACCES || (*err)->errno_ == EPERM)
        {
          mrt_state_dir_close (&d);
          return -1;
        }
      /* Between mkdir and the first state write of a `create`. */
      mrt_error_free (err);
      memset (&r, 0, sizeof (r));
      r.id = xstrdup (id);
    }
  mrt_state_to_public (&d, &r, out);
  if (r.created_at == NULL && create_in_progress (&d))
    (*out)->status = MRT_STATUS_CREATING;
  /* A created or running container whose cgroup is frozen is paused. */
  if (((*out)->status == MRT_STATUS_RUNNING || (*out)->status == MRT_STATUS_CREATED)
      && saved_cgroup_frozen (id, r.cgroup, NULL))
    (*out)->status = MRT_STATUS_PAUSED;
  mrt_state_record_clear (&r);
  mrt_state_dir_close (&d);
  return 0;
}

int
mrt_container_state (struct mrt_context *ctx, const char *id, struct mrt_container_state **out, mrt_error_t *err)
{
  if (state_of (ctx->state_root, id, out, err) < 0)
    return -1;
  /* runc's `state` leaves the owner empty; `list` names it. */
  free ((*out)->owner);
  (*out)->owner = xstrdup ("");
  return 0;
}

static int
compare_states (const void *a, const void *b)
{
  const struct mrt_container_state *const *x = a, *const *y = b;
  return strcmp ((*x)->id, (*y)->id);
}

int
mrt_container_list (struct mrt_context *ctx, struct mrt_container_state ***out, size_t *n, mrt_error_t *err)
{
  *out = NULL;
  *n = 0;
  DIR *dir = opendir (ctx->state_root);
  if (dir == NULL)
    return errno == ENOENT ? 0 : mrt_error_sys (err, "list `%s`", ctx->state_root);
  struct mrt_container_state **v = NULL;
  size_t len = 0;
  struct dirent *de;
  while ((de = readdir (dir)) != NULL)
    {
      mrt_error_t ignored = NULL;
      struct mrt_container_state *s = NULL;
      if (mrt_validate_id (de->d_name, &ignored) < 0 || de->d_type != DT_DIR
          || state_of (ctx->state_root, de->d_name, &s, &ignored) < 0)
        {
          /* runc says why it leaves out a container it cannot read. */
          if (ignored && (ignored->errno_ == EACCES || ignored->errno_ == EPERM))
            mrt_log_warning (ctx->log, "load container %s: %s", de->d_name, ignored->msg);
          mrt_error_free (&ignored);
          continue;
        }
      v = xrealloc (v, (len + 1) * sizeof (*v));
      v[len++] = s;
    }
  closedir (dir);
  /* Sorted by ID, as runc lists them. */
  if (len > 1)
    qsort (v, len, sizeof (*v), compare_states);
  *out = v;
  *n = len;
  return 0;
}
