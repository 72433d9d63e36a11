/* SPDX-License-Identifier: Apache-2.0 */
#ifndef MINIRT_STATE_H
#define MINIRT_STATE_H

/* The state directory: <root>/<id>/ holds
 *   state.json   written atomically (temp file + rename)
 *   config.json  a copy of the bundle's config, written once by create:
 *                delete runs poststop hooks from it and exec builds its
 *                process (env, cwd, user, caps, rlimits, seccomp) from it,
 *                even when the bundle changed or is gone
 *   exec.sock    the start socket; present exactly while the init waits
 *                for `start` (see PROTOCOL.md)
 * The directory itself is the lock: flock()ed by every command that
 * changes the container.  mkdir(<root>/<id>) is the one atomic step that
 * decides which of two concurrent `create` of one ID wins. */

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "minirt/container.h"
#include "minirt/error.h"

#define MRT_ID_MAX 1024

/* runc's rule: [A-Za-z0-9_.+-], not "." or "..", no '/', 1..1024 chars. */
int mrt_validate_id (const char *id, mrt_error_t *err);

struct mrt_state_dir
{
  char *root; /* --root */
  char *id;
  char *path; /* <root>/<id> */
  int dirfd;  /* O_PATH|O_DIRECTORY of <root>/<id> */
  int lockfd; /* <root>/<id> opened O_RDONLY, flock()ed when locked */
};

/* mkdir <root>/<id> and take its lock.  EEXIST: "container with id exists". */
int mrt_state_dir_create (const char *root, const char *id, struct mrt_state_dir *out, mrt_error_t *err);
/* Open an existing container's dir; with `lock` wait for its lock (and fail
 * if the container was deleted while waiting). */
int mrt_state_dir_open (const char *root, const char *id, bool lock, struct mrt_state_dir *out, mrt_error_t *err);
/* The lock of a dir opened without it, not waiting: 1 when taken, 0 when
 * another command holds it (for a process that must stay responsive). */
int mrt_state_dir_try_lock (struct mrt_state_dir *d, mrt_error_t *err);
/* Remove every file of the dir, then the dir (the lock is held until then). */
int mrt_state_dir_remove (struct mrt_state_dir *d, mrt_error_t *err);
void mrt_state_dir_close (struct mrt_state_dir *d);
/* "/proc/self/fd/<dirfd>/<name>": a path that works however long --root is. */
char *mrt_state_dir_file (const struct mrt_state_dir *d, const char *name);

/* What state.json holds. */
struct mrt_state_record
{
  char *oci_version;
  char *id;
  bool created;       /* false while `create` is still at work */
  pid_t pid;          /* container init on the host, 0 before clone */
  uint64_t pid_start; /* field 22 of /proc/PID/stat, against PID reuse */
  pid_t creator_pid;  /* the `create`/`run` process */
  uint64_t creator_start;
  char *bundle;
  char *rootfs;
  char *created_at; /* RFC 3339 */
  char *cgroup;     /* mrt_cgroup_save() text, NULL when none yet */
  /* The seccomp violation-report monitor (seccomp_monitor.h), 0 if none. */
  pid_t seccomp_monitor_pid;
  uint64_t seccomp_monitor_start;
  /* create --no-new-keyring: exec joins no new session keyring either. */
  bool no_new_keyring;
  struct mrt_kv *annotations;
  size_t n_annotations;
};

void mrt_state_record_clear (struct mrt_state_record *r);
/* Atomic for readers; the caller holds the lock.  After the last write of
 * a command, mrt_state_write_done removes the spare copy writes reuse. */
int mrt_state_write (const struct mrt_state_dir *d, const struct mrt_state_record *r, mrt_error_t *err);
void mrt_state_write_done (const struct mrt_state_dir *d);
int mrt_state_read (const struct mrt_state_dir *d, struct mrt_state_record *r, mrt_error_t *err);
/* JSON text of a record and back (exposed for unit tests). */
char *mrt_state_record_to_json (const struct mrt_state_record *r);
int mrt_state_record_from_json (const char *json, struct mrt_state_record *r, mrt_error_t *err);

/* Start time (clock ticks since boot) and state letter of a live process;
 * -1 when it does not exist. */
int mrt_proc_stat (pid_t pid, uint64_t *start_time, char *state);
/* True when `pid` still is the process that had `start_time` and is not a
 * zombie. */
bool mrt_proc_alive (pid_t pid, uint64_t start_time);

/* The status as it is right now. */
enum mrt_status mrt_state_status (const struct mrt_state_dir *d, const struct mrt_state_record *r);

/* Fill a public state (as `state` prints it) from a record. */
int mrt_state_to_public (const struct mrt_state_dir *d, const struct mrt_state_record *r,
                         struct mrt_container_state **out);

/* RFC 3339 with nanoseconds in UTC, as runc writes `created`. */
char *mrt_now_rfc3339 (void);
struct timespec;
char *mrt_rfc3339 (const struct timespec *ts);

#endif
