/* SPDX-License-Identifier: Apache-2.0 */
#ifndef MINIRT_HOOKS_H
#define MINIRT_HOOKS_H

#include "minirt/error.h"
#include "minirt/spec.h"

/* Run every hook of `kind` in order, each with `state_json` on stdin,
 * honouring env, args and timeout (the hook is killed when it runs out).
 * Stops at the first failing hook and returns its error. */
int mrt_hooks_run (const struct mrt_hooks *hooks, enum mrt_hook_kind kind, const char *state_json,
                   mrt_error_t *err);

#endif
