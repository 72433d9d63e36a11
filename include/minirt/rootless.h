/* SPDX-License-Identifier: Apache-2.0 */
#ifndef MINIRT_ROOTLESS_H
#define MINIRT_ROOTLESS_H

/* What changes when minirt runs without root, decided as runc 1.1.5
 * decides it.  Pure functions of their inputs, so the unit tests can drive
 * every branch. */

#include <stdbool.h>
#include <sys/types.h>

#include "minirt/error.h"
#include "minirt/spec.h"

/* --rootless true|false|auto (NULL = auto): whether cgroup permission
 * errors may be survived (runc's RootlessCgroups).  auto: yes for a
 * non-zero euid, and for euid 0 inside a user namespace; no for the real
 * root.  An unknown word is an error naming the flag. */
int mrt_rootless_cgroups (const char *flag, uid_t euid, bool in_userns, bool *out, mrt_error_t *err);

/* True when the uid map text (the contents of /proc/self/uid_map) is not
 * the initial namespace's identity map "0 0 4294967295". */
bool mrt_uid_map_is_userns (const char *uid_map);
/* The same for the calling process (false when the file cannot be read). */
bool mrt_running_in_userns (void);

/* The default --root, malloc'd: $XDG_RUNTIME_DIR/minirt when runc would
 * honour $XDG_RUNTIME_DIR (set and non-empty; a non-zero euid, or euid 0
 * inside a user namespace with $USER unset or not "root"), else
 * /run/minirt.  *from_xdg tells which. */
char *mrt_default_state_root (uid_t euid, bool in_userns, const char *xdg, const char *user, bool *from_xdg);

/* runc's treatment of a state root under $XDG_RUNTIME_DIR: made with its
 * parents (mode 0700) and given the sticky bit, so that the XDG cleaner
 * leaves it alone. */
int mrt_xdg_state_root_prepare (const char *root, mrt_error_t *err);

/* Whether a cgroup step that failed with `errnum` may be skipped: the
 * rootless cgroup manager, no linux.cgroupsPath (an explicit path is the
 * user's request and its failure an error), and a permission error in the
 * loose sense (EPERM, EACCES, EROFS), as runc's fs manager decides. */
bool mrt_cgroup_error_ignorable (bool rootless, const char *cgroups_path, int errnum);

/* What runc 1.1.5 refuses in a config run by a non-root user
 * (validate/rootless.go and setupUser): no user namespace, no uid or gid
 * mapping, a uid=/gid= mount option or process.user.uid/gid that is not
 * mapped, additionalGids (setgroups is denied).  has_userns: the config
 * creates or joins one; `creates`: it creates it (then maps are needed).
 * One-line errors naming the field. */
int mrt_rootless_validate (const struct mrt_spec *spec, bool has_userns, bool creates, mrt_error_t *err);
/* Its process.user part, also for `exec` (runc's setupUser): uid and gid
 * mapped by the config's maps (none, a joined namespace: not checked), no
 * additional groups. */
int mrt_rootless_validate_user (const struct mrt_linux *l, const struct mrt_user *u, mrt_error_t *err);

#endif
