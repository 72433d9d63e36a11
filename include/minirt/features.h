/* SPDX-License-Identifier: Apache-2.0 */
#ifndef MINIRT_FEATURES_H
#define MINIRT_FEATURES_H

/* The JSON printed by `minirt features` (runtime-spec features.md): what
 * this build really supports.  Capabilities come from libcap, the seccomp
 * actions, operators, architectures and flags from the linked libseccomp
 * (its API level) and, for the flags, a probe of the running kernel.
 * Pretty-printed; caller frees; NULL only when out of memory. */

char *mrt_features_json (void);
/* The mount options listed by features (NULL-terminated). */
extern const char *const mrt_features_mount_options[];
/* "2.5.4": the version of the linked libseccomp.  Caller frees. */
char *mrt_libseccomp_version (void);

#endif
