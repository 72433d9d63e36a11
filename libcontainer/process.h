/* SPDX-License-Identifier: Apache-2.0 */
#ifndef MINIRT_PROCESS_H
#define MINIRT_PROCESS_H

/* The container's init: clone, the parent<->child sync channel and the
 * child's set-up up to execve (order in PROTOCOL.md and process.c). */

#include <stdbool.h>
#include <sys/types.h>

#include "minirt/error.h"
#include "minirt/log.h"
#include "minirt/spec.h"
#include "cgroups.h"
#include "namespaces.h"
#include "seccomp.h"

/* Messages on the sync socketpair (SOCK_SEQPACKET: one message per send):
 * one type byte, then text. */
enum mrt_sync_msg
{
  MRT_SYNC_JOINED = 'J',  /* child -> parent: in its cgroups (v1 ones to join, report_joined) */
  MRT_SYNC_GO = 'G',      /* parent -> child: go on; text: state JSON for hooks */
  MRT_SYNC_CREATED = 'C', /* child -> parent: waiting for start */
  MRT_SYNC_ERROR = 'E',   /* child -> parent: text is the error */
};

#define MRT_MSG_MAX (1024 * 1024)

int mrt_msg_send (int fd, char type, const char *text);
/* *text is NUL-terminated and owned by the caller; 0 on EOF with *type 0. */
int mrt_msg_recv (int fd, char *type, char **text, mrt_error_t *err);

struct mrt_launch
{
  const struct mrt_spec *spec;
  const char *id;
  const char *rootfs; /* absolute host path */
  const char *bundle; /* absolute host path */
  const struct mrt_log *log;
  struct mrt_ns_plan ns;
  struct mrt_seccomp_filter *seccomp;
  char **env;            /* process.env (+ LISTEN_FDS/LISTEN_PID) */
  unsigned preserve_fds; /* fds 3 .. 3+preserve_fds-1 reach the container */
  bool no_pivot;
  bool no_new_keyring;
  int sync_child;                      /* the child's end of the sync socketpair */
  int sync_parent;                     /* closed by the child */
  int exec_listen;                     /* listening exec.sock */
  int console_sock;                    /* connected --console-socket, or -1 */
  int close_in_child[4];               /* parent-only fds (lock, state dir): -1 = unused */
  struct mrt_cgroup_join *cgroup_join; /* the init joins its cgroups itself */
  bool report_joined;                  /* ... and says JOINED (parent hooks wait for it) */
  bool in_cgroup2;                     /* out: born in the cgroup2 cgroup */
  const int *idmap_trees;              /* detached idmapped trees per mounts[] entry (-1: none) */
  size_t n_idmap_trees;
};

/* Join a new session keyring named _ses.<id> (as runc does), so the
 * container does not share the caller's keys; ENOSYS (no keyrings) is fine. */
int mrt_join_session_keyring (const char *id, mrt_error_t *err);

/* Clone the init.  In the parent returns its pid; the child never returns. */
pid_t mrt_process_spawn (struct mrt_launch *l, mrt_error_t *err);

/* Look `file` up in the PATH of `env` (inside the current root):
 * `exec: "foo": executable file not found in $PATH` when missing. */
int mrt_find_executable (const char *file, char *const *env, char **out, mrt_error_t *err);

/* Right before execve: every fd but 0-2 and 3..3+preserve_fds-1 (made
 * inheritable) is marked close-on-exec. */
int mrt_fds_mark_cloexec (unsigned preserve_fds, mrt_error_t *err);

#endif
