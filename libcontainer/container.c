/* SPDX-License-Identifier: Apache-2.0 */
/* Placeholder lifecycle: replaced by the real implementation (issue 4). */
#include <errno.h>

#include "minirt/container.h"

#define NOT_IMPLEMENTED(what) mrt_error_make (err, ENOSYS, "%s: not implemented", what)

int mrt_container_create (struct mrt_context *ctx, const struct mrt_create_options *opts, mrt_error_t *err)
{ (void) ctx; (void) opts; return NOT_IMPLEMENTED ("create"); }
