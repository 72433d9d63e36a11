/* SPDX-License-Identifier: Apache-2.0 */
#ifndef MINIRT_SECCOMP_H
#define MINIRT_SECCOMP_H

/* linux.seccomp -> kernel filter.  Compiled in the parent before any side
 * effect (so a bad profile leaves nothing behind), loaded in the child right
 * before execve. */

#include <stdbool.h>

#include "minirt/error.h"
#include "minirt/log.h"
#include "minirt/spec.h"

struct mrt_seccomp_filter;

int mrt_seccomp_compile (const struct mrt_seccomp *profile, const struct mrt_log *log,
                         struct mrt_seccomp_filter **out, mrt_error_t *err);
/* True when the filter has a NOTIFY action and so yields a listener fd. */
bool mrt_seccomp_filter_wants_listener (const struct mrt_seccomp_filter *f);
/* Load into the calling thread (and with TSYNC its siblings).  *notify_fd is
 * set to the listener fd (O_CLOEXEC) when the filter has NOTIFY, else -1. */
int mrt_seccomp_load (const struct mrt_seccomp_filter *f, int *notify_fd, mrt_error_t *err);
void mrt_seccomp_filter_free (struct mrt_seccomp_filter *f);

/* Send the notify fd and the containerProcessState JSON to listenerPath. */
int mrt_seccomp_send_listener (const char *listener_path, int notify_fd, const char *process_state_json,
                               mrt_error_t *err);

#endif
