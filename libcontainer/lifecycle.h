/* SPDX-License-Identifier: Apache-2.0 */
#ifndef MINIRT_LIFECYCLE_H
#define MINIRT_LIFECYCLE_H

/* Internal pieces shared by container.c (create, run) and lifecycle.c
 * (start, kill, delete, state, list). */

#include "minirt/container.h"
#include "seccomp.h"
#include "state.h"

/* The state JSON of the runtime-spec, as hooks get it on stdin. */
char *mrt_hook_state_json (const struct mrt_state_record *r, enum mrt_status status, const char *oci_version);

/* Parse the copy of config.json kept in the state dir (for hooks). */
int mrt_state_load_spec (const struct mrt_state_dir *d, struct mrt_spec **out, mrt_error_t *err);

/* start on a locked dir whose record was just read. */
int mrt_start_locked (struct mrt_context *ctx, struct mrt_state_dir *d, mrt_error_t *err);
/* For a caller that keeps the seccomp listener itself (seccomp record,
 * compiled with MRT_SECCOMP_OWN_LISTENER): start tells pre_exec_fn about
 * the init's notified syscalls (mrt_seccomp_supervise_until_exec_ex) and
 * hands the listener back in fd instead of closing it (-1 when the filter
 * has none or it went to listenerPath). */
struct mrt_start_listener
{
  mrt_seccomp_notif_fn pre_exec_fn;
  void *data;
  int fd; /* out */
};
int mrt_start_locked_ex (struct mrt_context *ctx, struct mrt_state_dir *d, struct mrt_start_listener *keep,
                         mrt_error_t *err);
/* start for `run`, which holds the record it wrote and the spec it parsed:
 * neither is read again. */
struct mrt_start_known
{
  const struct mrt_state_record *rec;
  const struct mrt_spec *spec;
};
int mrt_start_locked_known (struct mrt_context *ctx, struct mrt_state_dir *d, const struct mrt_start_known *known,
                            mrt_error_t *err);
/* create for a caller that stays in the foreground and proxies no terminal
 * (process.terminal needs --console-socket): on success the state dir stays
 * locked, *pid is the init. */
int mrt_create_locked (struct mrt_context *ctx, const struct mrt_create_options *opts, struct mrt_state_dir *d,
                       pid_t *pid, mrt_error_t *err);
/* delete on a locked dir; closes it. */
int mrt_delete_locked (struct mrt_context *ctx, struct mrt_state_dir *d, bool force, mrt_error_t *err);
/* The same after `run`'s own container stopped: its spec (known) is not
 * read again when the record is still the one `run` wrote; NULL: read. */
int mrt_delete_locked_known (struct mrt_context *ctx, struct mrt_state_dir *d, bool force,
                             const struct mrt_start_known *known, mrt_error_t *err);
/* Cgroup config for a container, as create and the later commands use it. */
struct mrt_cgroup_config;
void mrt_cgroup_config_for (struct mrt_context *ctx, const char *id, const struct mrt_spec *spec,
                            struct mrt_cgroup_config *cfg);

#endif
