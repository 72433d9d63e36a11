/* SPDX-License-Identifier: Apache-2.0 */
#ifndef MINIRT_SECCOMP_RECORD_H
#define MINIRT_SECCOMP_RECORD_H

/* `minirt seccomp record`: run a bundle's workload under a filter that
 * notifies minirt of every syscall, let each one continue, and write what
 * the workload used as a minimal allowlist. */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "minirt/container.h"
#include "minirt/error.h"
#include "minirt/seccomp_profile.h"
#include "minirt/spec.h"

/* ---- the recorded set (no side effects; unit-tested) ---------------------- */

struct mrt_seccomp_recording;

struct mrt_seccomp_recording *mrt_seccomp_recording_new (void);
void mrt_seccomp_recording_free (struct mrt_seccomp_recording *r);
/* A syscall as the kernel reports it (seccomp_data.arch, an AUDIT_ARCH_*
 * value, and .nr; x32 calls come as AUDIT_ARCH_X86_64 with the x32 bit).
 * True when this (architecture, number) was not seen before. */
bool mrt_seccomp_recording_add (struct mrt_seccomp_recording *r, uint32_t audit_arch, int nr);
/* Add everything `from` holds. */
void mrt_seccomp_recording_merge (struct mrt_seccomp_recording *r, const struct mrt_seccomp_recording *from);
/* Distinct (architecture, number) pairs seen. */
size_t mrt_seccomp_recording_count (const struct mrt_seccomp_recording *r);
/* The names of the syscalls seen, sorted, each once (a NULL-terminated
 * array of strings; free with mrt_seccomp_recording_names_free).  Numbers
 * libseccomp cannot name are left out and counted in *unnamed. */
char **mrt_seccomp_recording_names (const struct mrt_seccomp_recording *r, size_t *n, size_t *unnamed);
void mrt_seccomp_recording_names_free (char **names);

/* The minimal allowlist for what was recorded:
 *   defaultAction SCMP_ACT_ERRNO (EPERM: no defaultErrnoRet needed);
 *   architectures: native_arch (an SCMP_ARCH_* value; 0: this machine's)
 *     first, then every other architecture seen, in libseccomp's order.
 *     No companion is added for its own sake (Docker adds x86 and x32 to
 *     x86_64): a compat ABI the workload never used stays closed (its
 *     syscalls get the bad-architecture action) instead of opening every
 *     recorded name on it as well;
 *   syscalls: one SCMP_ACT_ALLOW rule, names sorted and unique (names are
 *     per architecture in the kernel but not in a profile: the union).
 * *unnamed as for mrt_seccomp_recording_names.  Free with mrt_seccomp_free. */
struct mrt_seccomp *mrt_seccomp_recording_profile (const struct mrt_seccomp_recording *r, uint32_t native_arch,
                                                   size_t *unnamed);

/* ---- the runtimes' own syscalls under the filter ---------------------------- */

/* The runtimes a recorded profile is meant to run under.  Each one's init
 * makes a few syscalls of its own after loading the filter and before the
 * workload's execve (measured: libcontainer/seccomp_record_runtimes.c);
 * refused, the container does not start (runc 1.1.5: fstatfs, getdents64...
 * of its fd clean-up), so the profile has to allow them too. */
enum
{
  MRT_RECORD_FOR_MINIRT = 1u << 0,
  MRT_RECORD_FOR_RUNC = 1u << 1, /* runc 1.1.5 */
  MRT_RECORD_FOR_CRUN = 1u << 2, /* crun 1.8.1 */
  MRT_RECORD_FOR_ANY = (1u << 3) - 1,
};
/* "minirt", "runc", "crun" or "any" (also for NULL).  -1: none of those. */
int mrt_seccomp_record_runtimes_parse (const char *s, unsigned *out);
/* "minirt, runc, crun": the names of the runtimes in `which`. */
char *mrt_seccomp_record_runtimes_describe (unsigned which);
/* Append to p (a recorded profile: its syscalls[0] is the workload's rule)
 * a second SCMP_ACT_ALLOW rule with what the runtimes in `which` need
 * (for noNewPrivileges true and false alike: the deployment decides it)
 * plus the NULL-terminated `extra` names, less those the workload's rule
 * already has and those native_arch (0: this machine's) does not know;
 * sorted.  Returns the number of names in it (0: no rule added). */
size_t mrt_seccomp_record_add_runtime_rule (struct mrt_seccomp *p, unsigned which, char *const *extra,
                                            uint32_t native_arch);

/* ---- recording a run ------------------------------------------------------- */

struct mrt_seccomp_record_options
{
  const char *id;               /* container id; NULL: "minirt-record-<pid>" */
  const char *bundle;           /* NULL: the current directory */
  const char *output;           /* the profile, written atomically */
  enum mrt_profile_form format; /* MRT_FORM_OCI or MRT_FORM_KUBERNETES */
  unsigned runtimes;            /* MRT_RECORD_FOR_*; 0: MRT_RECORD_FOR_ANY */
  /* Progress and notes for the user, one line each without newline. */
  void (*notice) (void *data, const char *line);
  void *notice_data;
};

/* Create the container with linux.seccomp replaced by the recording filter,
 * start it, record (its processes and those `minirt exec` starts in it, whose
 * listeners come to the filter's listenerPath, a socket of ours in a private
 * directory under /tmp) until its init exits (SIGINT/SIGTERM/SIGHUP stop it:
 * SIGTERM to its init first, SIGKILL on a second signal or after a grace
 * period), delete it, write the profile.  *exit_status is the workload's
 * (128+signal when killed), as for `run`. */
int mrt_seccomp_record (struct mrt_context *ctx, const struct mrt_seccomp_record_options *o, int *exit_status,
                        mrt_error_t *err);

#endif
