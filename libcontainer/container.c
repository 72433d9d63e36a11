/* SPDX-License-Identifier: Apache-2.0 */
/* Placeholder lifecycle: replaced by the real implementation (issue 4). */
#include <errno.h>

#include "minirt/container.h"

#define NOT_IMPLEMENTED(what) mrt_error_make (err, ENOSYS, "%s: not implemented", what)

int
mrt_container_create (struct mrt_context *ctx, const struct mrt_create_options *opts, mrt_error_t *err)
{
  (void) ctx, (void) opts;
  return NOT_IMPLEMENTED ("create");
}

int
mrt_container_start (struct mrt_context *ctx, const char *id, mrt_error_t *err)
{
  (void) ctx, (void) id;
  return NOT_IMPLEMENTED ("start");
}

int
mrt_container_run (struct mrt_context *ctx, const struct mrt_create_options *opts, int *exit_status, mrt_error_t *err)
{
  (void) ctx, (void) opts, (void) exit_status;
  return NOT_IMPLEMENTED ("run");
}

int
mrt_container_state (struct mrt_context *ctx, const char *id, struct mrt_container_state **out, mrt_error_t *err)
{
  (void) ctx, (void) id, (void) out;
  return NOT_IMPLEMENTED ("state");
}

int
mrt_container_kill (struct mrt_context *ctx, const char *id, int signal, bool all, mrt_error_t *err)
{
  (void) ctx, (void) id, (void) signal, (void) all;
  return NOT_IMPLEMENTED ("kill");
}

int
mrt_container_delete (struct mrt_context *ctx, const char *id, bool force, mrt_error_t *err)
{
  (void) ctx, (void) id, (void) force;
  return NOT_IMPLEMENTED ("delete");
}

int
mrt_container_list (struct mrt_context *ctx, struct mrt_container_state ***out, size_t *n, mrt_error_t *err)
{
  (void) ctx, (void) out, (void) n;
  return NOT_IMPLEMENTED ("list");
}

int
mrt_parse_signal (const char *s, int *signal, mrt_error_t *err)
{
  (void) s, (void) signal;
  return NOT_IMPLEMENTED ("signal parsing");
}

const char *
mrt_status_name (enum mrt_status s)
{
  static const char *const names[] = { "creating", "created", "running", "paused", "stopped" };
  return names[s];
}

void
mrt_container_state_free (struct mrt_container_state *s)
{
  (void) s;
}

char *
mrt_container_state_to_json (const struct mrt_container_state *s, bool pretty)
{
  (void) s, (void) pretty;
  return NULL;
}
