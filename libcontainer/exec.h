/* SPDX-License-Identifier: Apache-2.0 */
#ifndef MINIRT_EXEC_H
#define MINIRT_EXEC_H

/* Internal pieces of `exec`: exec.c (the runtime's side), exec_child.c (the
 * new process up to execve), exec_cgroup.c (--cgroup).
 *
 * The new process is made in two steps, because a process can join a pid
 * (and time) namespace only for its children:
 *   runtime ──fork──► joiner: setns(init's pidfd, every CLONE_NEW* of the
 *                     container at once: the kernel joins the user
 *                     namespace first), then clone(CLONE_PARENT) ──► the
 *                     process (a child of the runtime, inside the pid
 *                     namespace); the joiner reports its pid and exits.
 * Messages on the SOCK_SEQPACKET pair (type byte + text, mrt_msg_send):
 *   runtime -> joiner   'G'   after the joiner was put in the cgroup
 *   joiner  -> runtime  'P'   "<pid>" of the process (host pid namespace)
 *   runtime -> process  'G'   go on (the runtime knows its pid now)
 *   process -> runtime  'E'   "<error text>": set-up failed, it exits
 *   process -> runtime  "seccomp N" / "seccomp ok": the listener hand-over
 *                       of seccomp.h
 *   EOF (the process's end is O_CLOEXEC): execve succeeded. */

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "cgroups.h"
#include "minirt/error.h"
#include "minirt/spec.h"
#include "seccomp.h"

enum
{
  MRT_EXEC_GO = 'G',
  MRT_EXEC_PID = 'P',
  MRT_EXEC_ERROR = 'E',
};

struct mrt_exec_launch
{
  const char *id;
  const struct mrt_spec *spec;    /* the container's config */
  const struct mrt_process *proc; /* what to run */
  char **env;                     /* proc's env, heap NULL-terminated (HOME may be added) */
  const struct mrt_seccomp_filter *seccomp;
  int init_pidfd;
  int ns_flags;        /* CLONE_NEW* to join through init_pidfd */
  bool userns;         /* the container has a user namespace: become its root */
  bool no_new_keyring; /* created with --no-new-keyring: keep the caller's session keyring (runc) */
  int init_root;       /* no mount namespace: O_PATH of /proc/<init>/root to chroot to; else -1 */
  unsigned preserve_fds;
  int sync;                            /* the children's end of the pair */
  int sync_parent;                     /* the runtime's end: closed in the children */
  int console_sock;                    /* process.terminal: where the pty master goes; else -1 */
  int close_in_child[4];               /* runtime-only fds; -1 = unused */
  struct mrt_cgroup_join *cgroup_join; /* the joiner moves itself; may be NULL */
  bool in_cgroup2;                     /* out: the joiner was born in the cgroup2 cgroup */
};

/* Fork the joiner (see above); returns its pid. */
pid_t mrt_exec_spawn (struct mrt_exec_launch *l, mrt_error_t *err);

/* --cgroup [CONTROLLER[,CONTROLLER]:]PATH, runc's rules: PATH relative to the
 * container's cgroup; without a prefix only one --cgroup; ctrl "" = all. */
struct mrt_exec_subcgroup
{
  char *ctrl;
  char *path;
};
int mrt_exec_subcgroups_parse (const char *const *args, size_t n, struct mrt_exec_subcgroup **out, size_t *n_out,
                               mrt_error_t *err);
void mrt_exec_subcgroups_free (struct mrt_exec_subcgroup *v, size_t n);
/* The join fds (cgroups.h, mrt_cgroup_join) for the container's cgroup, or
 * for the existing sub-cgroups given (every v1 hierarchy: the sub-cgroup of
 * its controller if one is named, else the container's).  The joiner moves
 * itself with them (cgroups_join.c says why not the runtime by pid). */
int mrt_exec_cgroup_join_open (struct mrt_cgroup *cg, const struct mrt_exec_subcgroup *subs, size_t n,
                               struct mrt_cgroup_join *j, mrt_error_t *err);

#endif
