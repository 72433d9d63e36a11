/* SPDX-License-Identifier: Apache-2.0 */
/* ps, pause, resume, update, events: the commands that act on the cgroup of
 * a container made by another invocation.  Statuses and error texts follow
 * runc ("container not running", "container not paused"). */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "cgroups.h"
#include "lifecycle.h"
#include "state.h"
#include "utils.h"

/* An open container: its state dir, record, status and cgroup. */
struct target
{
  struct mrt_state_dir d;
  struct mrt_state_record r;
  bool have_dir, have_rec;
  enum mrt_status status;
  struct mrt_cgroup *cg;
};

static void
target_close (struct target *t)
{
  mrt_cgroup_free (t->cg);
  if (t->have_rec)
    mrt_state_record_clear (&t->r);
  if (t->have_dir)
    mrt_state_dir_close (&t->d);
  memset (t, 0, sizeof (*t));
}

#define cleanup_target __attribute__ ((cleanup (target_close)))

/* Open `id` (locked when it changes the container) and restore its
 * cgroup.  The status accounts for a frozen cgroup, as `state` does. */
static int
target_open (struct mrt_context *ctx, const char *id, bool lock, struct target *t, mrt_error_t *err)
{
  memset (t, 0, sizeof (*t));
  if (mrt_state_dir_open (ctx->state_root, id, lock, &t->d, err) < 0)
    return -1;
  t->have_dir = true;
  if (mrt_state_read (&t->d, &t->r, err) < 0)
    return -1;
  t->have_rec = true;
  t->status = mrt_state_status (&t->d, &t->r);

  /* The saved line says where the cgroup is; the config is not needed
   * (update reloads it for linux.devices). */
  mrt_error_t ignored = NULL;
  struct mrt_cgroup_config cfg;
  mrt_cgroup_config_for (ctx, id, NULL, &cfg);
  if (mrt_cgroup_restore (&cfg, t->r.cgroup, &t->cg, err) < 0)
    return -1;
  if (t->status == MRT_STATUS_RUNNING || t->status == MRT_STATUS_CREATED)
    {
      bool frozen = false;
      if (!mrt_cgroup_is_disabled (t->cg) && mrt_cgroup_is_frozen (t->cg, &frozen, &ignored) == 0 && frozen)
        t->status = MRT_STATUS_PAUSED;
      mrt_error_free (&ignored);
    }
  return 0;
}

static int
need_cgroup (const struct target *t, const char *what, mrt_error_t *err)
{
  if (mrt_cgroup_is_disabled (t->cg))
    return mrt_error_make (err, 0,
                           "%s: container `%s` has no cgroup (created with --cgroup-manager disabled, or rootless "
                           "without permission to create or join one)",
                           what, t->d.id);
  return 0;
}

int
mrt_container_pids (struct mrt_context *ctx, const char *id, pid_t **pids, size_t *n, mrt_error_t *err)
{
  cleanup_target struct target t;
  *pids = NULL;
  *n = 0;
  if (target_open (ctx, id, false, &t, err) < 0)
    return -1;
  if (mrt_cgroup_is_disabled (t.cg))
    {
      /* No cgroup to read: the init is all we know of. */
      if (t.status == MRT_STATUS_STOPPED)
        return 0;
      *pids = xmalloc0 (sizeof (pid_t));
      (*pids)[0] = t.r.pid;
      *n = 1;
      return 0;
    }
  if (t.status == MRT_STATUS_STOPPED)
    return 0;
  return mrt_cgroup_pids (t.cg, pids, n, err);
}

int
mrt_container_pause (struct mrt_context *ctx, const char *id, mrt_error_t *err)
{
  cleanup_target struct target t;
  if (target_open (ctx, id, true, &t, err) < 0)
    return -1;
  if (t.status != MRT_STATUS_RUNNING && t.status != MRT_STATUS_CREATED)
    return mrt_error_make (err, 0, "pause: container `%s` is not running (status %s)", id, mrt_status_name (t.status));
  if (need_cgroup (&t, "pause", err) < 0)
    return -1;
  return mrt_cgroup_freeze (t.cg, true, err);
}

int
mrt_container_resume (struct mrt_context *ctx, const char *id, mrt_error_t *err)
{
  cleanup_target struct target t;
  if (target_open (ctx, id, true, &t, err) < 0)
    return -1;
  if (t.status != MRT_STATUS_PAUSED)
    return mrt_error_make (err, 0, "resume: container `%s` is not paused (status %s)", id, mrt_status_name (t.status));
  return mrt_cgroup_freeze (t.cg, false, err);
}

int
mrt_container_update (struct mrt_context *ctx, const char *id, const struct mrt_resources *res, mrt_error_t *err)
{
  cleanup_target struct target t;
  if (target_open (ctx, id, true, &t, err) < 0)
    return -1;
  if (t.status == MRT_STATUS_STOPPED || t.status == MRT_STATUS_CREATING)
    return mrt_error_make (err, 0, "update: container `%s` is not running (status %s)", id, mrt_status_name (t.status));
  if (need_cgroup (&t, "update", err) < 0)
    return -1;
  if (res->n_devices == 0)
    return mrt_cgroup_update (t.cg, res, err);

  /* New device rules are applied on top of linux.devices and the default
   * devices, as at create: restore the cgroup again with the config's
   * devices, which must outlive the call. */
  cleanup_spec struct mrt_spec *spec = NULL;
  if (mrt_state_load_spec (&t.d, &spec, err) < 0)
    return -1;
  struct mrt_cgroup_config cfg;
  struct mrt_cgroup *cg = NULL;
  mrt_cgroup_config_for (ctx, id, spec, &cfg);
  if (mrt_cgroup_restore (&cfg, t.r.cgroup, &cg, err) < 0)
    return -1;
  int r = mrt_cgroup_update (cg, res, err);
  mrt_cgroup_free (cg);
  return r;
}

int
mrt_container_stats (struct mrt_context *ctx, const char *id, struct mrt_cgroup_stats *stats, enum mrt_status *status,
                     mrt_error_t *err)
{
  cleanup_target struct target t;
  memset (stats, 0, sizeof (*stats));
  if (target_open (ctx, id, false, &t, err) < 0)
    return -1;
  *status = t.status;
  if (need_cgroup (&t, "events", err) < 0)
    return -1;
  return mrt_cgroup_stats (t.cg, stats, err);
}
