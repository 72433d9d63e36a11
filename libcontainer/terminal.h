/* SPDX-License-Identifier: Apache-2.0 */
#ifndef MINIRT_TERMINAL_H
#define MINIRT_TERMINAL_H

#include "minirt/error.h"
#include "minirt/spec.h"

/* Open a new pty pair (both O_CLOEXEC); the caller owns both fds. */
int mrt_terminal_open (int *master, int *slave, mrt_error_t *err);
/* In the child: new session, slave as controlling terminal and stdio 0-2,
 * consoleSize applied. */
int mrt_terminal_setup_child (int slave, const struct mrt_process *process, mrt_error_t *err);
/* Send the pty master over the unix socket at `path` with SCM_RIGHTS. */
int mrt_terminal_send_console_socket (const char *path, int master, mrt_error_t *err);

#endif
