/* SPDX-License-Identifier: Apache-2.0 */
#ifndef MINIRT_TERMINAL_H
#define MINIRT_TERMINAL_H

/* process.terminal and --console-socket.
 *
 * What process.c calls, and when (runc's order):
 *
 *   parent, before clone, when process.terminal:
 *       sock = mrt_terminal_console_socket_connect (console_socket_path, &err);
 *     (connected here because the child cannot reach a host path once it has
 *     pivoted; O_CLOEXEC, the child inherits it through clone.  No
 *     --console-socket with terminal: true is an error for create and
 *     `run --detach`; a foreground `run` uses its own stdio instead.)
 *     The parent closes its copy once the child is started.
 *
 *   child, right after mrt_rootfs_pivot (the container's /dev/pts
 *   newinstance is mounted), before sysctl/hostname, the user switch and
 *   the startContainer hooks:
 *       mrt_terminal_setup_in_container (sock, spec->process, has_mount_ns, &err);
 *       close (sock);
 *     It opens the pty from the container's /dev/ptmx, applies consoleSize,
 *     bind-mounts the slave on /dev/console (only with a mount namespace),
 *     sends the master with the payload "/dev/pts/N", closes the master, and
 *     makes the slave the controlling terminal and fds 0, 1, 2.
 *     Needs a writable /dev (the default tmpfs /dev is) for /dev/console.
 *     Without a mount namespace it opens the host's /dev/ptmx: same call.
 *
 * The lower-level pieces are public for exec --tty and the tests. */

#include <stdbool.h>

#include "minirt/error.h"
#include "minirt/spec.h"

/* Open a new pty pair from the host's /dev/ptmx (both O_CLOEXEC, slave
 * O_NOCTTY); the caller owns both fds. */
int mrt_terminal_open (int *master, int *slave, mrt_error_t *err);
/* The same from "/dev/ptmx" of the current root: for the container's init
 * after pivot_root, so the pty belongs to the container's devpts. */
int mrt_terminal_open_in_container (int *master, int *slave, mrt_error_t *err);
/* "/dev/pts/N" of a master (as seen in the devpts it came from); NULL on error. */
char *mrt_terminal_name (int master);
/* TIOCSWINSZ from process.consoleSize (nothing when absent). */
int mrt_terminal_resize (int fd, const struct mrt_process *process, mrt_error_t *err);
/* In the child: new session, slave as controlling terminal and stdio 0-2,
 * consoleSize applied; closes `slave` if it is above 2. */
int mrt_terminal_setup_child (int slave, const struct mrt_process *process, mrt_error_t *err);
/* Connect to the console socket (SOCK_STREAM, or SOCK_SEQPACKET when the
 * listener is one); paths longer than sun_path work.  Returns the fd. */
int mrt_terminal_console_socket_connect (const char *path, mrt_error_t *err);
/* Send `master` with SCM_RIGHTS on a connected socket, payload `name`
 * (runc's utils.SendFds: the fd's name; "/dev/ptmx" when NULL). */
int mrt_terminal_send_master (int sockfd, int master, const char *name, mrt_error_t *err);
/* Connect to `path` and send the pty master with SCM_RIGHTS. */
int mrt_terminal_send_console_socket (const char *path, int master, mrt_error_t *err);
/* Bind-mount `slave_name` over /dev/console (created when missing). */
int mrt_terminal_mount_console (const char *slave_name, mrt_error_t *err);
/* All of the child's terminal set-up in one call: see the top of this file. */
int mrt_terminal_setup_in_container (int console_sock, const struct mrt_process *process, bool in_mount_ns,
                                     mrt_error_t *err);

#endif
