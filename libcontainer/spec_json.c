/* SPDX-License-Identifier: Apache-2.0 */
/* The JSON layer of the spec parser: input limits, the yajl tree, the error
 * path and typed member accessors.  See spec_json.h for the rules. */
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "spec_json.h"
#include "utils.h"

/* ---- input checks and tree ------------------------------------------------ */

/* yajl_tree_free recurses, so bound the nesting before yajl builds a tree.
 * Brackets inside strings do not count.  yajl_tree_parse also accepts
 * comments, which JSON (and runc) do not; refusing them here keeps this
 * scan exact. */
static const char *
check_structure (const char *json, size_t len)
{
  bool in_string = false;
  int depth = 0;
  for (size_t i = 0; i < len; i++)
    {
      char ch = json[i];
      if (in_string)
        {
          if (ch == '\\')
            i++;
          else if (ch == '"')
            in_string = false;
          continue;
        }
      if (ch == '"')
        in_string = true;
      else if (ch == '/')
        return "comments are not allowed";
      else if (ch == '[' || ch == '{')
        {
          if (++depth > SJ_MAX_DEPTH)
            return "nested deeper than " MRT_STR (SJ_MAX_DEPTH) " levels";
        }
      else if ((ch == ']' || ch == '}') && depth > 0)
        depth--;
    }
  return NULL;
}

/* yajl's message spans several lines (it draws an arrow); keep the first. */
static void
first_line (char *s)
{
  s[strcspn (s, "\n")] = '\0';
  size_t l = strlen (s);
  while (l > 0 && (s[l - 1] == ' ' || s[l - 1] == '.'))
    s[--l] = '\0';
}

int
sj_tree_parse (const char *json, size_t len, const char *file, yajl_val *out, mrt_error_t *err)
{
  if (len > SJ_MAX_SIZE)
    return mrt_error_make (err, 0, "%s: too large (%zu bytes, the limit is %u)", file, len, SJ_MAX_SIZE);
  const char *nul = memchr (json, '\0', len);
  if (nul != NULL)
    return mrt_error_make (err, 0, "%s: invalid JSON: NUL byte at offset %zu", file, (size_t)(nul - json));
  const char *bad = check_structure (json, len);
  if (bad != NULL)
    return mrt_error_make (err, 0, "%s: invalid JSON: %s", file, bad);

  cleanup_free char *copy = xmalloc0 (len + 1);
  memcpy (copy, json, len);
  char errbuf[256] = "";
  yajl_val tree = yajl_tree_parse (copy, errbuf, sizeof (errbuf));
  if (tree == NULL)
    {
      first_line (errbuf);
      return mrt_error_make (err, 0, "%s: invalid JSON: %s", file, errbuf[0] ? errbuf : "parse error");
    }
  *out = tree;
  return 0;
}

/* ---- path and errors ------------------------------------------------------- */

void
sj_ctx_init (struct sj_ctx *c, const char *file, mrt_error_t *err)
{
  c->file = file ? file : "config.json";
  c->cap = 128;
  c->path = xmalloc0 (c->cap);
  c->len = 0;
  c->err = err;
}

void
sj_ctx_fini (struct sj_ctx *c)
{
  free (c->path);
  c->path = NULL;
}

static void
path_append (struct sj_ctx *c, const char *s, size_t l)
{
  if (c->len + l + 1 > c->cap)
    {
      while (c->len + l + 1 > c->cap)
        c->cap *= 2;
      c->path = xrealloc (c->path, c->cap);
    }
  memcpy (c->path + c->len, s, l);
  c->len += l;
  c->path[c->len] = '\0';
}

size_t
sj_push_key (struct sj_ctx *c, const char *key)
{
  size_t mark = c->len;
  if (c->len > 0)
    path_append (c, ".", 1);
  path_append (c, key, strlen (key));
  return mark;
}

size_t
sj_push_index (struct sj_ctx *c, size_t i)
{
  size_t mark = c->len;
  char buf[32];
  int l = snprintf (buf, sizeof (buf), "[%zu]", i);
  path_append (c, buf, l);
  return mark;
}

void
sj_pop (struct sj_ctx *c, size_t mark)
{
  c->len = mark;
  c->path[mark] = '\0';
}

/* Keys and values quoted in a message come from the file: escape control
 * characters so that the error stays one line. */
static char *
escape_controls (const char *s)
{
  size_t n = 0;
  for (const char *p = s; *p; p++)
    n += ((unsigned char)*p < 0x20 || *p == 0x7f) ? 4 : 1;
  char *out = xmalloc0 (n + 1), *o = out;
  for (const char *p = s; *p; p++)
    if ((unsigned char)*p < 0x20 || *p == 0x7f)
      o += sprintf (o, "\\x%02x", (unsigned char)*p);
    else
      *o++ = *p;
  return out;
}

static int __attribute__ ((format (printf, 2, 0))) sj_errorv (struct sj_ctx *c, const char *fmt, va_list ap)
{
  cleanup_free char *msg = NULL;
  if (vasprintf (&msg, fmt, ap) < 0)
    return mrt_error_make (c->err, 0, "%s: out of memory", c->file);
  cleanup_free char *full = c->len == 0 ? xstrdup (msg) : xasprintf ("%s: %s", c->path, msg);
  cleanup_free char *clean = escape_controls (full);
  return mrt_error_make (c->err, 0, "%s: %s", c->file, clean);
}

int
sj_error (struct sj_ctx *c, const char *fmt, ...)
{
  va_list ap;
  va_start (ap, fmt);
  sj_errorv (c, fmt, ap);
  va_end (ap);
  return -1;
}

int
sj_error_at (struct sj_ctx *c, const char *key, const char *fmt, ...)
{
  size_t mark = sj_push_key (c, key);
  va_list ap;
  va_start (ap, fmt);
  sj_errorv (c, fmt, ap);
  va_end (ap);
  sj_pop (c, mark);
  return -1;
}

const char *
sj_type_name (yajl_val v)
{
  if (v == NULL)
    return "nothing";
  switch (v->type)
    {
    case yajl_t_string:
      return "a string";
    case yajl_t_number:
      return "a number";
    case yajl_t_object:
      return "an object";
    case yajl_t_array:
      return "an array";
    case yajl_t_true:
    case yajl_t_false:
      return "a boolean";
    case yajl_t_null:
      return "null";
    default:
      return "an unknown value";
    }
}

yajl_val
sj_get (yajl_val obj, const char *key)
{
  if (!YAJL_IS_OBJECT (obj))
    return NULL;
  for (size_t i = obj->u.object.len; i > 0; i--)
    if (strcmp (obj->u.object.keys[i - 1], key) == 0)
      {
        yajl_val v = obj->u.object.values[i - 1];
        return YAJL_IS_NULL (v) ? NULL : v;
      }
  return NULL;
}

/* ---- values at the current path ------------------------------------------ */

int
sj_val_string (struct sj_ctx *c, yajl_val v, char **out)
{
  if (!YAJL_IS_STRING (v))
    return sj_error (c, "expected a string, got %s", sj_type_name (v));
  free (*out);
  *out = xstrdup (v->u.string);
  return 0;
}

int
sj_val_object (struct sj_ctx *c, yajl_val v)
{
  if (!YAJL_IS_OBJECT (v))
    return sj_error (c, "expected an object, got %s", sj_type_name (v));
  return 0;
}

static bool
is_integer_text (const char *s)
{
  return strpbrk (s, ".eE") == NULL;
}

int
sj_val_i64 (struct sj_ctx *c, yajl_val v, int64_t min, int64_t max, int64_t *out)
{
  if (!YAJL_IS_NUMBER (v))
    return sj_error (c, "expected an integer, got %s", sj_type_name (v));
  const char *s = v->u.number.r;
  errno = 0;
  char *end = NULL;
  long long n = strtoll (s, &end, 10);
  if (!is_integer_text (s) || errno != 0 || end == s || *end != '\0' || n < min || n > max)
    return sj_error (c, "expected an integer in %" PRId64 "..%" PRId64 ", got %s", min, max, s);
  *out = n;
  return 0;
}

/* Unsigned values go up to 2^64-1 (seccomp argument values), past what
 * yajl's long long holds, so parse the number text ourselves. */
static int
val_u64_range (struct sj_ctx *c, yajl_val v, uint64_t min, uint64_t max, uint64_t *out)
{
  if (!YAJL_IS_NUMBER (v))
    return sj_error (c, "expected an integer, got %s", sj_type_name (v));
  const char *s = v->u.number.r;
  char *end = NULL;
  errno = 0;
  unsigned long long n = 0;
  bool negative = false;
  if (s[0] == '-')
    negative = strtoll (s, &end, 10) != 0; /* only "-0" is non-negative */
  else
    n = strtoull (s, &end, 10);
  if (negative || !is_integer_text (s) || errno != 0 || end == s || *end != '\0' || n < min || n > max)
    return sj_error (c, "expected an integer in %" PRIu64 "..%" PRIu64 ", got %s", min, max, s);
  *out = n;
  return 0;
}

int
sj_val_u64 (struct sj_ctx *c, yajl_val v, uint64_t max, uint64_t *out)
{
  return val_u64_range (c, v, 0, max, out);
}

/* ---- members ----------------------------------------------------------------- */

static int
missing (struct sj_ctx *c, const char *key, const char *what)
{
  return sj_error_at (c, key, "missing required %s", what);
}

int
sj_string (struct sj_ctx *c, yajl_val obj, const char *key, bool required, char **out)
{
  yajl_val v = sj_get (obj, key);
  if (v == NULL)
    return required ? missing (c, key, "string") : 0;
  size_t mark = sj_push_key (c, key);
  int r = sj_val_string (c, v, out);
  sj_pop (c, mark);
  return r;
}

int
sj_abs_path (struct sj_ctx *c, yajl_val obj, const char *key, bool required, char **out)
{
  if (sj_string (c, obj, key, required, out) < 0)
    return -1;
  if (*out != NULL && (*out)[0] != '/')
    return sj_error_at (c, key, "expected an absolute path, got \"%s\"", *out);
  return 0;
}

int
sj_opt_bool (struct sj_ctx *c, yajl_val obj, const char *key, mrt_opt_bool *out)
{
  yajl_val v = sj_get (obj, key);
  if (v == NULL)
    return 0;
  if (!YAJL_IS_TRUE (v) && !YAJL_IS_FALSE (v))
    return sj_error_at (c, key, "expected a boolean, got %s", sj_type_name (v));
  out->set = true;
  out->value = YAJL_IS_TRUE (v);
  return 0;
}

int
sj_bool (struct sj_ctx *c, yajl_val obj, const char *key, bool *out)
{
  mrt_opt_bool b = { false, false };
  if (sj_opt_bool (c, obj, key, &b) < 0)
    return -1;
  if (b.set)
    *out = b.value;
  return 0;
}

int
sj_i64 (struct sj_ctx *c, yajl_val obj, const char *key, bool required, int64_t min, int64_t max, int64_t *out)
{
  yajl_val v = sj_get (obj, key);
  if (v == NULL)
    return required ? missing (c, key, "integer") : 0;
  size_t mark = sj_push_key (c, key);
  int r = sj_val_i64 (c, v, min, max, out);
  sj_pop (c, mark);
  return r;
}

int
sj_u64 (struct sj_ctx *c, yajl_val obj, const char *key, bool required, uint64_t max, uint64_t *out)
{
  yajl_val v = sj_get (obj, key);
  if (v == NULL)
    return required ? missing (c, key, "integer") : 0;
  size_t mark = sj_push_key (c, key);
  int r = sj_val_u64 (c, v, max, out);
  sj_pop (c, mark);
  return r;
}

int
sj_u32 (struct sj_ctx *c, yajl_val obj, const char *key, bool required, uint32_t *out)
{
  uint64_t v = *out;
  if (sj_u64 (c, obj, key, required, UINT32_MAX, &v) < 0)
    return -1;
  *out = (uint32_t)v;
  return 0;
}

int
sj_int (struct sj_ctx *c, yajl_val obj, const char *key, bool required, int min, int max, int *out)
{
  int64_t v = *out;
  if (sj_i64 (c, obj, key, required, min, max, &v) < 0)
    return -1;
  *out = (int)v;
  return 0;
}

int
sj_opt_i64 (struct sj_ctx *c, yajl_val obj, const char *key, int64_t min, int64_t max, mrt_opt_i64 *out)
{
  if (sj_get (obj, key) == NULL)
    return 0;
  if (sj_i64 (c, obj, key, true, min, max, &out->value) < 0)
    return -1;
  out->set = true;
  return 0;
}

int
sj_opt_u64 (struct sj_ctx *c, yajl_val obj, const char *key, uint64_t max, mrt_opt_u64 *out)
{
  if (sj_get (obj, key) == NULL)
    return 0;
  if (sj_u64 (c, obj, key, true, max, &out->value) < 0)
    return -1;
  out->set = true;
  return 0;
}

int
sj_opt_u64_range (struct sj_ctx *c, yajl_val obj, const char *key, uint64_t min, uint64_t max, mrt_opt_u64 *out)
{
  yajl_val v = sj_get (obj, key);
  if (v == NULL)
    return 0;
  size_t mark = sj_push_key (c, key);
  int r = val_u64_range (c, v, min, max, &out->value);
  sj_pop (c, mark);
  out->set = r == 0;
  return r;
}

int
sj_object (struct sj_ctx *c, yajl_val obj, const char *key, bool required, yajl_val *out)
{
  yajl_val v = sj_get (obj, key);
  *out = NULL;
  if (v == NULL)
    return required ? missing (c, key, "object") : 0;
  if (!YAJL_IS_OBJECT (v))
    return sj_error_at (c, key, "expected an object, got %s", sj_type_name (v));
  *out = v;
  return 0;
}

int
sj_array (struct sj_ctx *c, yajl_val obj, const char *key, bool required, yajl_val *out)
{
  yajl_val v = sj_get (obj, key);
  *out = NULL;
  if (v == NULL)
    return required ? missing (c, key, "array") : 0;
  if (!YAJL_IS_ARRAY (v))
    return sj_error_at (c, key, "expected an array, got %s", sj_type_name (v));
  *out = v;
  return 0;
}

int
sj_string_array (struct sj_ctx *c, yajl_val obj, const char *key, bool required, char ***out, size_t *n)
{
  yajl_val a;
  if (sj_array (c, obj, key, required, &a) < 0)
    return -1;
  if (a == NULL)
    return 0;
  size_t len = a->u.array.len;
  sj_free_strv (*out, *n);
  *out = xmalloc0 ((len + 1) * sizeof (char *)); /* NULL-terminated for execve */
  *n = len;
  size_t mark = sj_push_key (c, key);
  int r = 0;
  for (size_t i = 0; i < len && r == 0; i++)
    {
      size_t m = sj_push_index (c, i);
      r = sj_val_string (c, a->u.array.values[i], &(*out)[i]);
      if (r == 0)
        sj_pop (c, m);
    }
  sj_pop (c, mark);
  return r;
}

int
sj_string_map (struct sj_ctx *c, yajl_val obj, const char *key, struct mrt_kv **out, size_t *n)
{
  yajl_val o;
  if (sj_object (c, obj, key, false, &o) < 0)
    return -1;
  if (o == NULL)
    return 0;
  size_t len = o->u.object.len;
  sj_free_kv (*out, *n);
  *out = xmalloc0 (len * sizeof (struct mrt_kv));
  *n = len;
  size_t mark = sj_push_key (c, key);
  int r = 0;
  for (size_t i = 0; i < len && r == 0; i++)
    {
      (*out)[i].key = xstrdup (o->u.object.keys[i]);
      size_t m = sj_push_key (c, o->u.object.keys[i]);
      r = sj_val_string (c, o->u.object.values[i], &(*out)[i].value);
      if (r == 0)
        sj_pop (c, m);
    }
  sj_pop (c, mark);
  return r;
}

int
sj_object_array (struct sj_ctx *c, yajl_val obj, const char *key, bool required, size_t elem_size, void **out,
                 size_t *n, sj_elem_fn fn)
{
  yajl_val a;
  if (sj_array (c, obj, key, required, &a) < 0)
    return -1;
  if (a == NULL)
    return 0;
  size_t len = a->u.array.len;
  *out = xmalloc0 (len * elem_size);
  *n = len;
  size_t mark = sj_push_key (c, key);
  int r = 0;
  for (size_t i = 0; i < len && r == 0; i++)
    {
      size_t m = sj_push_index (c, i);
      yajl_val v = a->u.array.values[i];
      r = sj_val_object (c, v);
      if (r == 0)
        r = fn (c, v, (char *)*out + i * elem_size);
      if (r == 0)
        sj_pop (c, m);
    }
  sj_pop (c, mark);
  return r;
}

int
sj_sub_object (struct sj_ctx *c, yajl_val obj, const char *key, bool required, size_t size, void **out, sj_obj_fn fn)
{
  yajl_val o;
  if (sj_object (c, obj, key, required, &o) < 0)
    return -1;
  if (o == NULL)
    return 0;
  free (*out);
  *out = xmalloc0 (size);
  size_t mark = sj_push_key (c, key);
  int r = fn (c, o, *out);
  sj_pop (c, mark);
  return r;
}

bool
sj_enum_lookup (const struct sj_enum *table, size_t n, const char *name, int *out)
{
  for (size_t i = 0; i < n; i++)
    if (strcmp (table[i].name, name) == 0)
      {
        *out = table[i].value;
        return true;
      }
  return false;
}

int
sj_enum (struct sj_ctx *c, yajl_val obj, const char *key, bool required, const struct sj_enum *table, size_t n,
         const char *what, int *out)
{
  cleanup_free char *s = NULL;
  if (sj_string (c, obj, key, required, &s) < 0)
    return -1;
  if (s == NULL)
    return 0;
  if (!sj_enum_lookup (table, n, s, out))
    return sj_error_at (c, key, "unknown %s \"%s\"", what, s);
  return 0;
}

void
sj_free_strv (char **v, size_t n)
{
  if (v == NULL)
    return;
  for (size_t i = 0; i < n; i++)
    free (v[i]);
  free (v);
}

void
sj_free_kv (struct mrt_kv *kv, size_t n)
{
  if (kv == NULL)
    return;
  for (size_t i = 0; i < n; i++)
    {
      free (kv[i].key);
      free (kv[i].value);
    }
  free (kv);
}

int
sj_parse_document (const char *json, size_t len, const char *file, sj_obj_fn fn, void *out, mrt_error_t *err)
{
  if (file == NULL)
    file = "config.json";
  if (json == NULL)
    return mrt_error_make (err, 0, "%s: no input", file);
  yajl_val tree = NULL;
  if (sj_tree_parse (json, len, file, &tree, err) < 0)
    return -1;
  struct sj_ctx c;
  sj_ctx_init (&c, file, err);
  int r = sj_val_object (&c, tree);
  if (r == 0)
    r = fn (&c, tree, out);
  sj_ctx_fini (&c);
  yajl_tree_free (tree);
  return r;
}
