/* SPDX-License-Identifier: Apache-2.0 */
#ifndef MINIRT_SPEC_JSON_H
#define MINIRT_SPEC_JSON_H

/* Typed accessors over a yajl tree for the spec parser, and the error path.
 *
 * Every accessor reads one member `key` of the JSON object `obj`; on any
 * mismatch it fails with a one-line error "<file>: <json.path>.<key>: <what
 * was expected>".  A member that is absent or JSON null counts as absent
 * (as Go's encoding/json treats it in runc).
 *
 * Ownership: the parsers attach every allocation to the output struct at
 * once (counts are set before elements are filled), so on any error the
 * caller frees the partially filled, zero-initialised struct and nothing
 * leaks. */

#include <stdbool.h>
#include <stdint.h>
#include <yajl/yajl_tree.h>

#include "minirt/spec.h"

/* Limits applied before yajl sees the input. */
#define SJ_MAX_SIZE (16u * 1024 * 1024)
#define SJ_MAX_DEPTH 64
#define MRT_STR_(x) #x
#define MRT_STR(x) MRT_STR_ (x)

struct sj_ctx
{
  const char *file;
  char *path; /* "linux.seccomp.syscalls[3]" */
  size_t len;
  size_t cap;
  mrt_error_t *err;
};

/* Parse `json` into a tree after the size, NUL and depth checks. */
int sj_tree_parse (const char *json, size_t len, const char *file, yajl_val *out, mrt_error_t *err);

void sj_ctx_init (struct sj_ctx *c, const char *file, mrt_error_t *err);
void sj_ctx_fini (struct sj_ctx *c);

/* The path is a stack: push returns a mark that pop restores. */
size_t sj_push_key (struct sj_ctx *c, const char *key);
size_t sj_push_index (struct sj_ctx *c, size_t i);
void sj_pop (struct sj_ctx *c, size_t mark);

/* Fail at the current path; returns -1. */
int sj_error (struct sj_ctx *c, const char *fmt, ...) __attribute__ ((format (printf, 2, 3)));
/* Fail at <current path>.<key>; returns -1. */
int sj_error_at (struct sj_ctx *c, const char *key, const char *fmt, ...) __attribute__ ((format (printf, 3, 4)));

/* "a string", "an object", ... for error messages. */
const char *sj_type_name (yajl_val v);

/* Member `key` of object `obj`, NULL when absent or null.  With duplicated
 * keys the last one wins, as in Go. */
yajl_val sj_get (yajl_val obj, const char *key);

/* Values at the current path. */
int sj_val_string (struct sj_ctx *c, yajl_val v, char **out);
int sj_val_i64 (struct sj_ctx *c, yajl_val v, int64_t min, int64_t max, int64_t *out);
int sj_val_u64 (struct sj_ctx *c, yajl_val v, uint64_t max, uint64_t *out);
int sj_val_object (struct sj_ctx *c, yajl_val v);

/* Members.  `required` makes absence an error; otherwise outputs stay
 * untouched when absent and the opt variants leave .set false. */
int sj_string (struct sj_ctx *c, yajl_val obj, const char *key, bool required, char **out);
int sj_abs_path (struct sj_ctx *c, yajl_val obj, const char *key, bool required, char **out);
int sj_bool (struct sj_ctx *c, yajl_val obj, const char *key, bool *out);
int sj_opt_bool (struct sj_ctx *c, yajl_val obj, const char *key, mrt_opt_bool *out);
int sj_i64 (struct sj_ctx *c, yajl_val obj, const char *key, bool required, int64_t min, int64_t max, int64_t *out);
int sj_u64 (struct sj_ctx *c, yajl_val obj, const char *key, bool required, uint64_t max, uint64_t *out);
int sj_u32 (struct sj_ctx *c, yajl_val obj, const char *key, bool required, uint32_t *out);
int sj_int (struct sj_ctx *c, yajl_val obj, const char *key, bool required, int min, int max, int *out);
int sj_opt_i64 (struct sj_ctx *c, yajl_val obj, const char *key, int64_t min, int64_t max, mrt_opt_i64 *out);
int sj_opt_u64 (struct sj_ctx *c, yajl_val obj, const char *key, uint64_t max, mrt_opt_u64 *out);
/* Like sj_opt_u64 with a lower bound too. */
int sj_opt_u64_range (struct sj_ctx *c, yajl_val obj, const char *key, uint64_t min, uint64_t max, mrt_opt_u64 *out);
int sj_object (struct sj_ctx *c, yajl_val obj, const char *key, bool required, yajl_val *out);
int sj_array (struct sj_ctx *c, yajl_val obj, const char *key, bool required, yajl_val *out);
int sj_string_array (struct sj_ctx *c, yajl_val obj, const char *key, bool required, char ***out, size_t *n);
int sj_string_map (struct sj_ctx *c, yajl_val obj, const char *key, struct mrt_kv **out, size_t *n);

/* An array of objects: allocates *n zeroed elements of elem_size, then calls
 * fn on each with the path at key[i].  On failure the elements stay
 * attached to *out for the caller's free. */
typedef int (*sj_elem_fn) (struct sj_ctx *c, yajl_val v, void *elem);
int sj_object_array (struct sj_ctx *c, yajl_val obj, const char *key, bool required, size_t elem_size, void **out,
                     size_t *n, sj_elem_fn fn);

/* Parse a whole object member with fn (path pushed), allocating *out of
 * size when present.  Used for optional sub-objects held by pointer. */
typedef int (*sj_obj_fn) (struct sj_ctx *c, yajl_val v, void *out);
int sj_sub_object (struct sj_ctx *c, yajl_val obj, const char *key, bool required, size_t size, void **out,
                   sj_obj_fn fn);

/* Enumerations: the string member `key` must be one of the names. */
struct sj_enum
{
  const char *name;
  int value;
};
int sj_enum (struct sj_ctx *c, yajl_val obj, const char *key, bool required, const struct sj_enum *table, size_t n,
             const char *what, int *out);
/* Lookup only; returns false when the name is unknown. */
bool sj_enum_lookup (const struct sj_enum *table, size_t n, const char *name, int *out);

void sj_free_strv (char **v, size_t n);
void sj_free_kv (struct mrt_kv *kv, size_t n);

/* Run a parser over a whole JSON document whose root must be an object:
 * shared by mrt_spec_parse and the standalone parsers. */
int sj_parse_document (const char *json, size_t len, const char *file, sj_obj_fn fn, void *out, mrt_error_t *err);

#endif
