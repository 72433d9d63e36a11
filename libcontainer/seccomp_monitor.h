/* SPDX-License-Identifier: Apache-2.0 */
#ifndef MINIRT_SECCOMP_MONITOR_H
#define MINIRT_SECCOMP_MONITOR_H

/* The violation-report monitor (seccomp_report.h): a small process forked by
 * `create`/`run` for containers with the report annotation only.  A
 * container made by `create` outlives that command, so the process is
 * detached (double fork, own session, cwd /, stdio on /dev/null, every fd of
 * the caller closed except the --log file) and recorded in state.json;
 * `delete` ends it.  It lives until the container's init exits and its
 * filter has no task left.
 *
 * The listener reaches it the way listenerPath agents get theirs: `start`
 * takes it from the init (seccomp_notify.c), answers the runtime's own
 * syscalls until execve, then sends it on the state dir's
 * MRT_SECCOMP_MONITOR_SOCK, which the monitor bound before `create` returned.
 * The socket stays open for the container's life: a process started later
 * in the container (exec) can hand its own listener over the same way, and
 * its violations join the same report. */

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "minirt/error.h"
#include "minirt/log.h"
#include "seccomp.h"
#include "seccomp_report.h"

#define MRT_SECCOMP_MONITOR_SOCK "seccomp-report.sock"

struct mrt_cgroup;

struct mrt_seccomp_monitor_config
{
  const char *state_root;
  const char *id;
  int dirfd; /* the container's state dir: the socket is bound there */
  pid_t init_pid;
  /* The profile as written: every answer comes from it. */
  const struct mrt_seccomp_filter *original;
  enum mrt_seccomp_report_mode mode;
  const struct mrt_log *log; /* its fd (--log) is kept, format too */
  bool keep_stderr;          /* foreground run: errors/warnings on stderr too */
  unsigned quiet_seconds;    /* MRT_SECCOMP_REPORT_QUIET_SECONDS */
  /* For stop: without a private pid namespace, killing the init leaves the
   * container's other processes running, so stop kills the whole cgroup
   * (as `kill --all`).  The monitor's forked copy is used, never freed. */
  bool private_pidns;
  struct mrt_cgroup *cgroup;
};

/* Start the monitor; *pid and *start_time identify it (for state.json). */
int mrt_seccomp_monitor_spawn (const struct mrt_seccomp_monitor_config *cfg, pid_t *pid, uint64_t *start_time,
                               mrt_error_t *err);
/* `start` (or exec): give a listener, once the process it filters has
 * execve()d, to the monitor of this state dir. */
int mrt_seccomp_monitor_hand_over (int dirfd, int notify_fd, mrt_error_t *err);
/* Receive one notification and answer it with the effect `original` (the
 * profile as written) gives, counting it if it is a violation.  1 when a
 * violation was counted, 0 otherwise (nothing pending, task gone, not
 * denied).  What the monitor does for each notification; exposed for tests. */
int mrt_seccomp_monitor_answer (int notify_fd, const struct mrt_seccomp_filter *original,
                                struct mrt_seccomp_counts *counts);
/* `delete` and a failed `create`: SIGTERM (it writes its last report to the
 * log), SIGKILL if it is still there after a moment; waits until it is gone.
 * Does nothing when pid/start_time no longer name the monitor. */
void mrt_seccomp_monitor_end (pid_t pid, uint64_t start_time);

#endif
