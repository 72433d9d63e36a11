/* SPDX-License-Identifier: Apache-2.0 */
#ifndef MINIRT_FOREGROUND_H
#define MINIRT_FOREGROUND_H

/* A foreground `run` or `exec`: the runtime stays until its process exits,
 * forwards the signals it gets, and returns the exit status.  With a
 * terminal and no --console-socket the runtime owns the pty master and
 * copies between its own stdio and the pty, as runc does: the caller's
 * terminal (the first of stderr, stdout, stdin that is one) goes raw for
 * the time and its size follows SIGWINCH. */

#include <stdbool.h>
#include <sys/types.h>
#include <termios.h>

#include "minirt/error.h"

/* Receive a pty master sent with SCM_RIGHTS (mrt_terminal_send_master). */
int mrt_terminal_recv_master (int sock, int *master, mrt_error_t *err);

/* The caller's terminal size (the first of stderr, stdout, stdin that is a
 * terminal); false when there is none.  Given to the pty before the process
 * runs, so that it never sees a 0x0 terminal. */
bool mrt_foreground_host_winsize (unsigned short *rows, unsigned short *cols);
/* Apply it to a pty master (nothing without a caller's terminal). */
void mrt_foreground_resize (int master);

/* The caller's terminal, raw while the runtime proxies.  Made raw before
 * the process starts (it must never see the cooked mode), restored at the
 * end on every path; fd -1 when the caller has no terminal. */
struct mrt_host_tty
{
  int fd;
  struct termios saved;
};
void mrt_host_tty_raw (struct mrt_host_tty *t);
void mrt_host_tty_restore (struct mrt_host_tty *t);

/* Wait for `pid`, forwarding every signal read from `sfd` (a signalfd of
 * every signal, all of them blocked) but SIGCHLD; with `master` >= 0 also
 * proxy the pty (SIGWINCH resizes it from `tty` instead of being
 * forwarded).  *exit_status: the exit code, or 128+signal. */
int mrt_foreground_wait (pid_t pid, int sfd, int master, const struct mrt_host_tty *tty, int *exit_status,
                         mrt_error_t *err);

#endif
