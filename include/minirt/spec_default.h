/* SPDX-License-Identifier: Apache-2.0 */
#ifndef MINIRT_SPEC_DEFAULT_H
#define MINIRT_SPEC_DEFAULT_H

/* The config.json that `minirt spec` writes: runc's default (an interactive
 * `sh` with a terminal, the usual mounts, masked and read-only paths, the
 * default capabilities).  With `rootless`, runc's rootless variant: a user
 * namespace mapping the caller's euid/egid to root, no network namespace,
 * /sys bind-mounted, no device cgroup rules.  Pretty-printed; caller frees;
 * NULL only when out of memory. */

#include <stdbool.h>

char *mrt_spec_default_json (bool rootless);

#endif
