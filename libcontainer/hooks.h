/* SPDX-License-Identifier: Apache-2.0 */
#ifndef MINIRT_HOOKS_H
#define MINIRT_HOOKS_H

#include "minirt/error.h"
#include "minirt/log.h"
#include "minirt/spec.h"

/* Run every hook of `kind` in order, each with `state_json` on stdin,
 * honouring env, args and timeout (the hook is killed when it runs out).
 * Stops at the first failing hook and returns its error.
 *
 * Each hook is fork+execve'd directly (no shell): argv is hook->args (or
 * just { path } when absent), envp exactly hook->env (empty when absent).
 * Its stdout and stderr go to the caller's fd 2; only fds 0-2 reach it.
 * Errors (one line, naming the hook):
 *   hooks.createRuntime[0]: exec "/path": No such file or directory   (errno_ = ENOENT)
 *   hooks.prestart[1]: "/path" exited with status 3: <first line of its stderr>
 *   hooks.prestart[1]: "/path" killed by signal 9 (Killed)
 *   hooks.createRuntime[0]: "/path" timed out after 5s
 * Safe to call from the container's init (createContainer, startContainer):
 * it installs no signal handler and leaves the caller's signal mask as it
 * found it.  `hooks` may be NULL. */
int mrt_hooks_run (const struct mrt_hooks *hooks, enum mrt_hook_kind kind, const char *state_json, mrt_error_t *err);

/* For poststart and poststop: the spec says a failure is a warning and the
 * remaining hooks still run.  Runs them all, logging each failure on `log`
 * (may be NULL). */
void mrt_hooks_run_warn (const struct mrt_hooks *hooks, enum mrt_hook_kind kind, const char *state_json,
                         const struct mrt_log *log);

#endif
