/* SPDX-License-Identifier: Apache-2.0 */
/* Placeholder: the parser (issue 3). */
#include <errno.h>
#include "minirt/spec.h"
int mrt_spec_parse (const char *json, size_t len, const char *filename, struct mrt_spec **out, mrt_error_t *err)
{ (void) json; (void) len; (void) out; return mrt_error_make (err, ENOSYS, "%s: parser not implemented", filename); }
void mrt_spec_free (struct mrt_spec *spec) { (void) spec; }
