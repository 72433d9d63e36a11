/* SPDX-License-Identifier: Apache-2.0 */
#ifndef MINIRT_MOUNT_OPTIONS_H
#define MINIRT_MOUNT_OPTIONS_H

/* Translation of a `mounts[]` entry's options into what mount(2) and
 * mount_setattr(2) take, with the same table runc uses: known flags set or
 * clear MS_* bits, propagation words become a separate propagation step,
 * "r"-prefixed attributes become recursive mount_setattr bits, everything
 * else is filesystem data joined with ",". */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/mount.h>

#include "minirt/error.h"
#include "minirt/spec.h"

struct mrt_mount_options
{
  unsigned long flags;       /* MS_* for mount(2), incl. MS_BIND/MS_REC/MS_REMOUNT */
  unsigned long clear;       /* MS_* explicitly cleared (rw, suid, ...) */
  unsigned long propagation; /* last MS_SHARED/SLAVE/PRIVATE/UNBINDABLE[|MS_REC], 0 if none */
  uint64_t attr_set;         /* MOUNT_ATTR_* to set recursively (rro, rnosuid, ...) */
  uint64_t attr_clr;         /* MOUNT_ATTR_* to clear recursively (rrw, rsuid, ...) */
  char *data;                /* fs data ("size=64k,mode=755"), NULL when none */
  bool tmpcopyup;            /* runc extension: copy the lower dir into the tmpfs */
  bool idmap;                /* "idmap"/"ridmap": idmapped mount (uses the mount's mappings) */
  bool idmap_recursive;
};

/* Parse options[0..n); never fails on unknown words (they become data). */
void mrt_mount_options_parse (const char *const *options, size_t n, const char *type, struct mrt_mount_options *out);
void mrt_mount_options_free (struct mrt_mount_options *o);

/* Is this a bind mount (type "bind" or option bind/rbind)? */
static inline bool
mrt_mount_options_is_bind (const struct mrt_mount_options *o)
{
  return (o->flags & MS_BIND) != 0;
}

/* Parse a linux.rootfsPropagation value; -1 for an unknown word.  "" and
 * NULL give 0 (use the default). */
long mrt_propagation_parse (const char *value);

#define cleanup_mount_options __attribute__ ((cleanup (mrt_mount_options_free)))

#endif
