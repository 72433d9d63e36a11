/* SPDX-License-Identifier: Apache-2.0 */
#ifndef MINIRT_PASSWD_H
#define MINIRT_PASSWD_H

/* The container's /etc/passwd, read the way runc does for HOME. */

#include <sys/types.h>

#include "minirt/error.h"

/* Home directory of `uid` in the passwd file at `path`; "/" when the file
 * or the entry is missing (runc's default).  Never NULL; caller frees. */
char *mrt_passwd_home (const char *path, uid_t uid);

/* runc: when the process env has no HOME, add HOME from the container's
 * /etc/passwd (call after pivot_root).  *env is a NULL-terminated,
 * heap-allocated array and may be reallocated. */
void mrt_env_add_home (char ***env, uid_t uid);

#endif
