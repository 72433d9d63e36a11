/* SPDX-License-Identifier: Apache-2.0 */
#ifndef MINIRT_SECCOMP_REPORT_H
#define MINIRT_SECCOMP_REPORT_H

/* Reporting every forbidden syscall, the defaultAction included (issue 8,
 * part 2).  CRI-O's seccomp notifier (seed 001) can only see rules it
 * rewrote to SCMP_ACT_NOTIFY, because runc refuses NOTIFY as the default
 * action; minirt rewrites every denying action (MRT_SECCOMP_NOTIFY_DENIED)
 * and a small monitor process (seccomp_monitor.c) answers each
 * notification with the effect the profile gives, counting it.
 *
 * When the report is emitted (log line + state annotation):
 *   - after every quiet period of MRT_SECCOMP_REPORT_QUIET_SECONDS without a
 *     new violation, if something new was counted since the last report;
 *     with mode `stop` the container's init is then killed (SIGKILL), as
 *     CRI-O does 5 seconds after the last forbidden syscall;
 *   - when the container's init exits (or the monitor is told to end by
 *     `delete`), if something was counted since the last report.
 * The line is cumulative: it always lists every violation so far. */

#include <stddef.h>
#include <stdint.h>

#include "minirt/error.h"
#include "minirt/spec.h"

#define MRT_SECCOMP_REPORT_ANNOTATION "run.oci.minirt.seccomp-report"
#define MRT_SECCOMP_REPORT_CRIO_ANNOTATION "io.kubernetes.cri-o.seccompNotifierAction"
/* Where `minirt state` shows the report. */
#define MRT_SECCOMP_REPORT_RESULT_ANNOTATION "run.oci.minirt.seccomp-report.result"
#define MRT_SECCOMP_REPORT_QUIET_SECONDS 5

enum mrt_seccomp_report_mode
{
  MRT_SECCOMP_REPORT_OFF,
  MRT_SECCOMP_REPORT_LOG,
  MRT_SECCOMP_REPORT_STOP,
};

/* The mode the spec's annotations ask for.  Errors name the annotation:
 * an invalid value, our annotation without linux.seccomp, or with a profile
 * that already hands SCMP_ACT_NOTIFY to an agent (listenerPath).  CRI-O's
 * annotation is ignored (OFF) when CRI-O already injected its own notifier
 * (the profile uses NOTIFY) or there is no profile. */
int mrt_seccomp_report_mode (const struct mrt_spec *spec, enum mrt_seccomp_report_mode *mode, mrt_error_t *err);

/* Violations counted per syscall name. */
struct mrt_seccomp_counts
{
  struct mrt_seccomp_count
  {
    char *name;
    uint64_t count;
  } * v; /* sorted by name */
  size_t n;
  uint64_t total;
};

void mrt_seccomp_counts_add (struct mrt_seccomp_counts *c, const char *name);
void mrt_seccomp_counts_clear (struct mrt_seccomp_counts *c);
/* "Used forbidden syscalls: chroot (2x), swapoff (2x), unshare (1x)";
 * NULL when nothing was counted. */
char *mrt_seccomp_counts_format (const struct mrt_seccomp_counts *c);

/* What the supervisor does with a notification, from the SECCOMP_RET_*
 * value the original (untransformed) filter gives for that syscall. */
enum mrt_seccomp_verdict_kind
{
  MRT_VERDICT_CONTINUE,     /* not a violation (ALLOW, LOG, ...): run it */
  MRT_VERDICT_ERRNO,        /* fail the syscall with `errno_` (0: return 0) */
  MRT_VERDICT_KILL_THREAD,  /* SCMP_ACT_KILL / KILL_THREAD */
  MRT_VERDICT_KILL_PROCESS, /* SCMP_ACT_KILL_PROCESS */
  MRT_VERDICT_TRAP,         /* SIGSYS to the calling thread */
};

struct mrt_seccomp_verdict
{
  enum mrt_seccomp_verdict_kind kind;
  int errno_;
};

void mrt_seccomp_verdict_of (uint32_t seccomp_ret, struct mrt_seccomp_verdict *v);

#endif
