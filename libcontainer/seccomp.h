/* SPDX-License-Identifier: Apache-2.0 */
#ifndef MINIRT_SECCOMP_H
#define MINIRT_SECCOMP_H

/* linux.seccomp -> kernel filter.  Compiled in the parent before any side
 * effect (so a bad profile leaves nothing behind), loaded in the child right
 * before execve with a single seccomp(2) call on a ready sock_fprog. */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "minirt/error.h"
#include "minirt/log.h"
#include "minirt/spec.h"

struct mrt_seccomp_filter;

/* Translate the profile exactly as runc does (see seccomp.c) and prepend
 * runc's -ENOSYS stub.  Errors name the field: "linux.seccomp.flags[0]: ...". */
int mrt_seccomp_compile (const struct mrt_seccomp *profile, const struct mrt_log *log, struct mrt_seccomp_filter **out,
                         mrt_error_t *err);
/* Options of mrt_seccomp_compile_ex. */
enum
{
  /* The runtime keeps the listener itself (recording, violation reports):
   * NOTIFY rules and a NOTIFY defaultAction need no listenerPath. */
  MRT_SECCOMP_OWN_LISTENER = 1 << 0,
  /* Violation reports (seccomp_report.h): every denying action (ERRNO,
   * KILL*, TRAP, the default included) becomes SCMP_ACT_NOTIFY so that a
   * supervisor sees each one; ALLOW, LOG and TRACE stay in the kernel.
   * The supervisor answers from the untransformed filter.  Implies
   * MRT_SECCOMP_OWN_LISTENER. */
  MRT_SECCOMP_NOTIFY_DENIED = 1 << 1,
};
int mrt_seccomp_compile_ex (const struct mrt_seccomp *profile, const struct mrt_log *log, unsigned int options,
                            struct mrt_seccomp_filter **out, mrt_error_t *err);
/* mrt_seccomp_compile_ex through a cache of finished programs in cache_dir
 * (made 0700 if missing; NULL or "": no cache); see seccomp_cache.c.  A
 * filter from the cache has no libseccomp context (no export_pfc). */
int mrt_seccomp_compile_cached (const struct mrt_seccomp *profile, const struct mrt_log *log, unsigned int options,
                                const char *cache_dir, struct mrt_seccomp_filter **out, mrt_error_t *err);
/* True when the profile has SCMP_ACT_NOTIFY (default or any rule), i.e. it
 * needs a listener and so a listenerPath unless the runtime keeps it. */
bool mrt_seccomp_profile_uses_notify (const struct mrt_seccomp *p);
/* True when the filter has a NOTIFY action and so yields a listener fd. */
bool mrt_seccomp_filter_wants_listener (const struct mrt_seccomp_filter *f);
/* Load into the calling thread (and with TSYNC its siblings).  *notify_fd is
 * set to the listener fd (O_CLOEXEC) when the filter has NOTIFY, else -1.
 * Async-signal-safe apart from error reporting: fine after clone/fork. */
int mrt_seccomp_load (const struct mrt_seccomp_filter *f, int *notify_fd, mrt_error_t *err);
void mrt_seccomp_filter_free (struct mrt_seccomp_filter *f);

/* The final program and the flags given to seccomp(SECCOMP_SET_MODE_FILTER)
 * (SECCOMP_FILTER_FLAG_*), for tests, `minirt features` and debugging. */
size_t mrt_seccomp_filter_length (const struct mrt_seccomp_filter *f);
unsigned int mrt_seccomp_filter_flags (const struct mrt_seccomp_filter *f);
/* libseccomp's pseudo-C rendering of the rules (without our ENOSYS stub). */
int mrt_seccomp_filter_export_pfc (const struct mrt_seccomp_filter *f, int fd, mrt_error_t *err);

/* What the loaded filter would return (SECCOMP_RET_*) for syscall `nr` of
 * architecture `audit_arch` (0: native) with these arguments (NULL: zeros). */
uint32_t mrt_seccomp_filter_eval (const struct mrt_seccomp_filter *f, uint32_t audit_arch, int nr,
                                  const uint64_t *args);

/* Send the notify fd and the containerProcessState JSON to listenerPath. */
int mrt_seccomp_send_listener (const char *listener_path, int notify_fd, const char *process_state_json,
                               mrt_error_t *err);

/* Build the containerProcessState JSON of runtime-cli.md ("The seccomp
 * listener"): {"ociVersion","fds":["seccompFd"],"pid","metadata","state"}.
 * state_json is the container's state object (minirt state's JSON),
 * metadata may be NULL (sent as ""). */
char *mrt_seccomp_process_state_json (pid_t pid, const char *metadata, const char *state_json);

/* The listener hand-over of PROTOCOL.md, both sides.  The child must not
 * reach execve (which closes its O_CLOEXEC listener) before the host side
 * holds a copy, and it cannot send the fd itself: any syscall after the load
 * may be notified with nobody listening yet.  So:
 *   child: pick N = lowest free fd, send "seccomp N" on conn, load the filter
 *          (the listener gets N), wait for "seccomp ok", close N;
 *   host:  on "seccomp N", pidfd_getfd(N) (retrying until the load happened),
 *          send "seccomp ok", then mrt_seccomp_supervise_until_exec.
 * The child's wait for "seccomp ok" may itself be notified: the host answers
 * it, since it supervises right after acknowledging.
 * mrt_seccomp_load_announced loads without any of that when the filter has no
 * listener.  mrt_seccomp_take_listener returns the host's copy (O_CLOEXEC). */
#define MRT_SECCOMP_ANNOUNCE "seccomp %d"
#define MRT_SECCOMP_ACK "seccomp ok"
int mrt_seccomp_load_announced (const struct mrt_seccomp_filter *f, int conn, mrt_error_t *err);
int mrt_seccomp_take_listener (pid_t pid, int fdnum, int conn, mrt_error_t *err);

/* Between loading a filter with a listener and execve the runtime's child
 * may itself hit SCMP_ACT_NOTIFY rules (any syscall, write and the
 * defaultAction included).  The host-side process holding the listener (a
 * copy got with pidfd_getfd) calls this: every notification is answered with
 * SECCOMP_USER_NOTIF_FLAG_CONTINUE until exec_conn_fd (the O_CLOEXEC exec
 * connection of the child) reports EOF, which means execve succeeded.
 * Returns 0 then.  If the child sends a text message instead (its set-up
 * failed), it is kept serving until the child is gone, and -1 is returned
 * with *err holding that text verbatim (errno_ 0).  A failure of poll/recv
 * or of the listener itself is -1 with a system error. */
int mrt_seccomp_supervise_until_exec (int notify_fd, int exec_conn_fd, mrt_error_t *err);
/* The same, telling `fn` about the child's notified syscalls that a run
 * without a listener makes too: those after the hand-over ended with the
 * child's close(announced_fd), up to and including the execve.  Only a
 * filter that notifies close (a NOTIFY defaultAction, as `seccomp record`
 * uses) shows that end; with others fn is never called.  fn runs before the
 * syscall is continued. */
struct seccomp_notif;
typedef void (*mrt_seccomp_notif_fn) (void *data, const struct seccomp_notif *req);
int mrt_seccomp_supervise_until_exec_ex (int notify_fd, int exec_conn_fd, int announced_fd, mrt_seccomp_notif_fn fn,
                                         void *data, mrt_error_t *err);

/* For `minirt features`: NULL-terminated lists of names. */
const char *const *mrt_seccomp_known_actions (void);
const char *const *mrt_seccomp_known_operators (void);
const char *const *mrt_seccomp_known_archs (void);
const char *const *mrt_seccomp_known_flags (void);
/* Flag known to minirt and accepted by this kernel. */
bool mrt_seccomp_flag_supported (const char *flag);
/* The action libseccomp would use for a name ("SCMP_ACT_ERRNO" and errno). */
int mrt_seccomp_action_value (enum mrt_seccomp_action action, const mrt_opt_u64 *errno_ret, uint32_t *out);

#endif
