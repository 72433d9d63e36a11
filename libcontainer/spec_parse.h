/* SPDX-License-Identifier: Apache-2.0 */
#ifndef MINIRT_SPEC_PARSE_H
#define MINIRT_SPEC_PARSE_H

/* Internal entry points shared by the spec_parse*.c files.  Each parse_*
 * function fills a zeroed struct from a JSON object whose path is already
 * pushed on the context; each free_*_contents frees what a (possibly
 * partial) parse attached, but not the struct itself. */

#include "spec_json.h"

int parse_process (struct sj_ctx *c, yajl_val v, void *out);
void free_process_contents (struct mrt_process *p);

int parse_linux (struct sj_ctx *c, yajl_val v, void *out);
void free_linux (struct mrt_linux *l);

int parse_resources (struct sj_ctx *c, yajl_val v, void *out);
void free_resources_contents (struct mrt_resources *r);

int parse_seccomp (struct sj_ctx *c, yajl_val v, void *out);
void free_seccomp_contents (struct mrt_seccomp *s);
/* One element of linux.seccomp.syscalls[].args. */
int parse_seccomp_arg (struct sj_ctx *c, yajl_val v, void *out);

/* uidMappings / gidMappings elements (linux and idmapped mounts). */
int parse_id_mapping (struct sj_ctx *c, yajl_val v, void *out);

#endif
