/* SPDX-License-Identifier: Apache-2.0 */
/* Placeholder until the rootfs work lands: chroot only, nothing else. */
#include <errno.h>
#include <unistd.h>

#include "rootfs.h"

int
mrt_rootfs_prepare (const struct mrt_spec *spec, const struct mrt_rootfs_options *opts, mrt_error_t *err)
{
  (void) spec, (void) opts, (void) err;
  return 0;
}

int
mrt_rootfs_pivot (const struct mrt_spec *spec, const struct mrt_rootfs_options *opts, mrt_error_t *err)
{
  (void) spec;
  if (chroot (opts->rootfs) < 0 || chdir ("/") < 0)
    return mrt_error_sys (err, "chroot `%s`", opts->rootfs);
  return 0;
}

int
mrt_process_apply_limits (const struct mrt_process *process, mrt_error_t *err)
{
  (void) process, (void) err;
  return 0;
}

int
mrt_user_switch (const struct mrt_process *process, mrt_error_t *err)
{
  (void) process, (void) err;
  return 0;
}

int
mrt_caps_apply (const struct mrt_process *process, mrt_error_t *err)
{
  (void) process, (void) err;
  return 0;
}
