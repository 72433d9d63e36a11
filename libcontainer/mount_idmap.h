/* SPDX-License-Identifier: Apache-2.0 */
#ifndef MINIRT_MOUNT_IDMAP_H
#define MINIRT_MOUNT_IDMAP_H

/* Idmapped bind mounts (runtime-spec 1.2: mounts[].uidMappings/gidMappings,
 * options "idmap"/"ridmap"), made as runc 1.2 makes them.
 *
 * MOUNT_ATTR_IDMAP needs CAP_SYS_ADMIN in the user namespace that owns the
 * source's superblock (the host's), which the init no longer has once it
 * lives in the container's user namespace.  So the parent, before the
 * clone, makes each idmapped mount as a detached tree:
 *   open_tree(OPEN_TREE_CLONE [|AT_RECURSIVE for rbind])
 *   + mount_setattr(MOUNT_ATTR_IDMAP [|AT_RECURSIVE for ridmap], userns)
 * where the user namespace comes from a throwaway child that unshares one,
 * gets the mount's maps written and is killed and reaped at once (or is
 * the joined user namespace for "idmap" without mappings).  The init
 * inherits the tree fds and attaches each with move_mount at its place in
 * `mounts`.  A tree that is never attached vanishes with its last fd: a
 * failure leaves no mount behind. */

#include <stdbool.h>
#include <stddef.h>

#include "minirt/error.h"
#include "minirt/spec.h"
#include "mount_options.h"

/* Does this entry ask for an idmapped mount (mappings, idmap or ridmap)? */
bool mrt_mount_is_idmapped (const struct mrt_mount *m, const struct mrt_mount_options *o);

/* Every rule checked before any side effect, errors naming the field
 * ("config.json: mounts[2].uidMappings: ...").  rootless: the runtime runs
 * with euid != 0 (refused, as by runc). */
int mrt_idmap_validate (const struct mrt_spec *spec, bool rootless, mrt_error_t *err);

/* One detached idmapped tree per idmapped entry of spec->mounts (fds[i],
 * -1 for the others); n is spec->n_mounts, fds NULL when none is idmapped. */
struct mrt_idmap_trees
{
  int *fds;
  size_t n;
};

/* Parent: make the trees (bind sources relative to `bundle`).  On error
 * nothing is left: no tree, no helper process. */
int mrt_idmap_trees_open (const struct mrt_spec *spec, const char *bundle, struct mrt_idmap_trees *t, mrt_error_t *err);
void mrt_idmap_trees_close (struct mrt_idmap_trees *t);

/* A user namespace fd with these maps, from a throwaway process that is
 * reaped before returning.  `field` names the maps in errors. */
int mrt_idmap_userns_fd (const struct mrt_id_mapping *uids, size_t n_uids, const struct mrt_id_mapping *gids,
                         size_t n_gids, const char *field, mrt_error_t *err);

/* Init: attach `tree` at `dest` inside rootfd (created like a bind target)
 * and apply the remount flags (ro, nosuid, ...) the entry asks for. */
int mrt_idmap_attach (int rootfd, int tree, const char *dest, unsigned long remount_flags, mrt_error_t *err);

/* Has the kernel mount_setattr(2) (Linux 5.12), hence MOUNT_ATTR_IDMAP? */
bool mrt_idmap_supported (void);

#endif
