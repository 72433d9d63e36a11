/* SPDX-License-Identifier: Apache-2.0 */
#ifndef MINIRT_YAJL_HELPERS_H
#define MINIRT_YAJL_HELPERS_H

/* Terse yajl_gen calls for the JSON documents the library writes. */

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <yajl/yajl_gen.h>

static inline void
gen_str (yajl_gen g, const char *s)
{
  yajl_gen_string (g, (const unsigned char *)s, strlen (s));
}

static inline void
gen_key_str (yajl_gen g, const char *k, const char *v)
{
  gen_str (g, k);
  gen_str (g, v);
}

static inline void
gen_key_bool (yajl_gen g, const char *k, bool v)
{
  gen_str (g, k);
  yajl_gen_bool (g, v);
}

static inline void
gen_key_int (yajl_gen g, const char *k, long long v)
{
  gen_str (g, k);
  yajl_gen_integer (g, v);
}

/* "key": ["a", "b", ...] from a NULL-terminated array. */
static inline void
gen_key_strv (yajl_gen g, const char *k, const char *const *v)
{
  gen_str (g, k);
  yajl_gen_array_open (g);
  for (; *v; v++)
    gen_str (g, *v);
  yajl_gen_array_close (g);
}

/* A new pretty-printing generator indented with tabs, as runc writes JSON. */
static inline yajl_gen
gen_new_pretty (void)
{
  yajl_gen g = yajl_gen_alloc (NULL);
  if (g == NULL)
    return NULL;
  yajl_gen_config (g, yajl_gen_beautify, 1);
  yajl_gen_config (g, yajl_gen_indent_string, "\t");
  return g;
}

/* The finished document as a malloc'd string; frees the generator. */
static inline char *
gen_finish (yajl_gen g)
{
  const unsigned char *buf = NULL;
  size_t len = 0;
  char *out = NULL;
  if (yajl_gen_get_buf (g, &buf, &len) == yajl_gen_status_ok)
    {
      out = malloc (len + 1);
      if (out)
        {
          memcpy (out, buf, len);
          out[len] = '\0';
          /* yajl's beautify mode ends with a newline; callers add their own. */
          while (len > 0 && out[len - 1] == '\n')
            out[--len] = '\0';
        }
    }
  yajl_gen_free (g);
  return out;
}

#endif
