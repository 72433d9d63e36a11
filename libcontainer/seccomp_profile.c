/* SPDX-License-Identifier: Apache-2.0 */
/* Reading seccomp profiles in every form people have them (see
 * seccomp_profile.h); seccomp_resolve.c turns Docker profiles into OCI ones.
 *
 * Line numbers: the document is parsed twice, once into a yajl tree for the
 * typed accessors (so an OCI profile gets exactly the errors `minirt create`
 * gives), once with yajl callbacks that record the line of every value under
 * the same JSON path syntax the accessors use.  yajl_get_bytes_consumed in a
 * callback is the offset just past the token, so the line is exact. */
#include <errno.h>
#include <inttypes.h>
#include <string.h>
#include <yajl/yajl_parse.h>

#include "minirt/seccomp_profile.h"
#include "seccomp.h"
#include "seccomp_internal.h"
#include "spec_parse.h"
#include "utils.h"

/* ---- the path -> line map ------------------------------------------------------- */

struct line_builder
{
  const char *json;
  size_t pos;
  unsigned line;
  yajl_handle h;
  struct
  {
    size_t base_len;
    bool is_array;
    size_t index;
  } stack[SJ_MAX_DEPTH + 2];
  int depth;
  char *key;
  char *path;
  size_t len, cap;
  struct mrt_profile_line *out;
  size_t n, n_cap;
};

static void
lb_append (struct line_builder *b, const char *s, size_t l)
{
  if (b->len + l + 1 > b->cap)
    {
      b->cap = (b->len + l + 1) * 2;
      b->path = xrealloc (b->path, b->cap);
    }
  memcpy (b->path + b->len, s, l);
  b->len += l;
  b->path[b->len] = '\0';
}

static unsigned
lb_line (struct line_builder *b)
{
  size_t end = yajl_get_bytes_consumed (b->h);
  /* The token's last byte is at end - 1 and is never a newline. */
  for (; b->pos + 1 < end; b->pos++)
    if (b->json[b->pos] == '\n')
      b->line++;
  return b->line;
}

static int
lb_value (struct line_builder *b, bool container)
{
  if (b->depth > 0)
    {
      b->len = b->stack[b->depth - 1].base_len;
      b->path[b->len] = '\0';
      if (b->stack[b->depth - 1].is_array)
        {
          char buf[32];
          int l = snprintf (buf, sizeof (buf), "[%zu]", b->stack[b->depth - 1].index++);
          lb_append (b, buf, l);
        }
      else
        {
          if (b->len > 0)
            lb_append (b, ".", 1);
          lb_append (b, b->key ? b->key : "", b->key ? strlen (b->key) : 0);
        }
    }
  if (b->n == b->n_cap)
    {
      b->n_cap = b->n_cap ? b->n_cap * 2 : 256;
      b->out = xrealloc (b->out, b->n_cap * sizeof (*b->out));
    }
  b->out[b->n].path = xstrdup (b->path ? b->path : "");
  b->out[b->n].line = lb_line (b);
  b->n++;
  if (container)
    {
      if (b->depth >= (int)ARRAY_SIZE (b->stack))
        return 0;
      b->stack[b->depth].base_len = b->len;
      b->stack[b->depth].index = 0;
      b->depth++;
    }
  return 1;
}

static int
lb_null (void *ctx)
{
  return lb_value (ctx, false);
}
static int
lb_bool (void *ctx, int v)
{
  (void)v;
  return lb_value (ctx, false);
}
static int
lb_number (void *ctx, const char *s, size_t l)
{
  (void)s, (void)l;
  return lb_value (ctx, false);
}
static int
lb_string (void *ctx, const unsigned char *s, size_t l)
{
  (void)s, (void)l;
  return lb_value (ctx, false);
}
static int
lb_start_map (void *ctx)
{
  struct line_builder *b = ctx;
  if (!lb_value (b, true))
    return 0;
  b->stack[b->depth - 1].is_array = false;
  return 1;
}
static int
lb_key (void *ctx, const unsigned char *s, size_t l)
{
  struct line_builder *b = ctx;
  free (b->key);
  b->key = xmalloc0 (l + 1);
  memcpy (b->key, s, l);
  return 1;
}
static int
lb_end (void *ctx)
{
  struct line_builder *b = ctx;
  if (b->depth > 0)
    b->depth--;
  return 1;
}
static int
lb_start_array (void *ctx)
{
  struct line_builder *b = ctx;
  if (!lb_value (b, true))
    return 0;
  b->stack[b->depth - 1].is_array = true;
  return 1;
}

static const yajl_callbacks lb_callbacks = {
  .yajl_null = lb_null,
  .yajl_boolean = lb_bool,
  .yajl_number = lb_number,
  .yajl_string = lb_string,
  .yajl_start_map = lb_start_map,
  .yajl_map_key = lb_key,
  .yajl_end_map = lb_end,
  .yajl_start_array = lb_start_array,
  .yajl_end_array = lb_end,
};

/* The tree parse already accepted the document, so this cannot fail on
 * syntax; the map is best effort if it somehow does. */
static void
build_lines (struct mrt_profile *p, const char *json, size_t len)
{
  struct line_builder b = { .json = json, .line = 1, .path = xmalloc0 (64), .cap = 64 };
  b.h = yajl_alloc (&lb_callbacks, NULL, &b);
  if (b.h == NULL)
    return;
  yajl_parse (b.h, (const unsigned char *)json, len);
  yajl_complete_parse (b.h);
  yajl_free (b.h);
  free (b.key);
  free (b.path);
  p->lines = b.out;
  p->n_lines = b.n;
}

unsigned
mrt_profile_line_of_abs (const struct mrt_profile *p, const char *path)
{
  cleanup_free char *cur = xstrdup (path);
  for (;;)
    {
      /* The last match wins, like sj_get with duplicated keys. */
      for (size_t i = p->n_lines; i-- > 0;)
        if (strcmp (p->lines[i].path, cur) == 0)
          return p->lines[i].line;
      if (*cur == '\0')
        return 1;
      char *cut = cur + strlen (cur);
      while (cut > cur && cut[-1] != '.' && cut[-1] != '[')
        cut--;
      if (cut > cur && cut[-1] == '[')
        cut--;
      else if (cut > cur)
        cut--;
      *cut = '\0';
    }
}

unsigned
mrt_profile_line_of (const struct mrt_profile *p, const char *path)
{
  if (*p->base == '\0')
    return mrt_profile_line_of_abs (p, path);
  cleanup_free char *abs
      = *path == '\0' ? xstrdup (p->base) : xasprintf ("%s%s%s", p->base, *path == '[' ? "" : ".", path);
  return mrt_profile_line_of_abs (p, abs);
}

/* "FILE: invalid JSON: ..." -> "FILE:LINE: invalid JSON: ...", the line
 * where yajl stopped. */
static int
syntax_error_line (const struct mrt_profile *p, const char *json, size_t len, mrt_error_t *err)
{
  const char *msg = err && *err ? (*err)->msg : NULL;
  size_t fl = strlen (p->file);
  if (msg == NULL || strncmp (msg, p->file, fl) != 0 || strncmp (msg + fl, ": invalid JSON", 14) != 0)
    return -1;
  yajl_handle h = yajl_alloc (NULL, NULL, NULL);
  if (h == NULL)
    return -1;
  size_t end = len;
  if (yajl_parse (h, (const unsigned char *)json, len) != yajl_status_ok || yajl_complete_parse (h) != yajl_status_ok)
    end = yajl_get_bytes_consumed (h);
  yajl_free (h);
  unsigned line = 1;
  for (size_t i = 0; i < end && i < len; i++)
    line += json[i] == '\n';
  char *n = xasprintf ("%s:%u%s", p->file, line, msg + fl);
  free ((*err)->msg);
  (*err)->msg = n;
  return -1;
}

/* "FILE: path: msg" (from the accessors) -> "FILE:LINE: path: msg". */
static int
relocate_error (const struct mrt_profile *p, mrt_error_t *err)
{
  if (err == NULL || *err == NULL || (*err)->msg == NULL)
    return -1;
  const char *msg = (*err)->msg;
  size_t fl = strlen (p->file);
  if (strncmp (msg, p->file, fl) != 0 || strncmp (msg + fl, ": ", 2) != 0)
    return -1;
  const char *rest = msg + fl + 2;
  size_t pl = strcspn (rest, ": ");
  unsigned line = 1;
  if (rest[pl] == ':')
    {
      cleanup_free char *path = xstrndup (rest, pl);
      line = mrt_profile_line_of_abs (p, path);
    }
  char *n = xasprintf ("%s:%u: %s", p->file, line, rest);
  free ((*err)->msg);
  (*err)->msg = n;
  return -1;
}

/* ---- Docker profiles ----------------------------------------------------------------- */

long
mrt_errno_from_name (const char *name)
{
  for (int e = 1; e < 4096; e++)
    {
      const char *n = strerrorname_np (e);
      if (n && strcmp (n, name) == 0)
        return e;
    }
  return -1;
}

char *
mrt_errno_name (unsigned long e)
{
  const char *n = e < 4096 ? strerrorname_np ((int)e) : NULL;
  return n ? xstrdup (n) : xasprintf ("%lu", e);
}

static int
parse_action_name (struct sj_ctx *c, yajl_val v, const char *key, enum mrt_seccomp_action *out)
{
  cleanup_free char *s = NULL;
  if (sj_string (c, v, key, true, &s) < 0)
    return -1;
  for (int a = 0; a < MRT_SCMP_ACT__COUNT; a++)
    if (strcmp (mrt_seccomp_action_name (a), s) == 0)
      {
        *out = a;
        return 0;
      }
  return sj_error_at (c, key, "unknown action \"%s\"", s);
}

/* errnoRet (a number) and errno (a name, containers/common): either, or both if they agree. */
static int
parse_errno (struct sj_ctx *c, yajl_val v, const char *num_key, const char *name_key, mrt_opt_u64 *out)
{
  cleanup_free char *name = NULL;
  if (sj_opt_u64 (c, v, num_key, UINT32_MAX, out) < 0 || sj_string (c, v, name_key, false, &name) < 0)
    return -1;
  if (name == NULL || *name == '\0')
    return 0;
  long e = mrt_errno_from_name (name);
  if (e < 0)
    return sj_error_at (c, name_key, "unknown errno name \"%s\"", name);
  if (out->set && out->value != (uint64_t)e)
    return sj_error_at (c, name_key, "\"%s\" (%ld) disagrees with %s %" PRIu64, name, e, num_key, out->value);
  out->set = true;
  out->value = (uint64_t)e;
  return 0;
}

static bool
kernel_text_valid (const char *s)
{
  unsigned a, b;
  char tail;
  return sscanf (s, "%u.%u%c", &a, &b, &tail) == 2;
}

static int
parse_filter (struct sj_ctx *c, yajl_val v, const char *key, struct mrt_profile_filter *f)
{
  yajl_val o = NULL;
  if (sj_object (c, v, key, false, &o) < 0)
    return -1;
  if (o == NULL)
    return 0;
  size_t mark = sj_push_key (c, key);
  int r = 0;
  if (sj_string_array (c, o, "caps", false, &f->caps, &f->n_caps) < 0
      || sj_string_array (c, o, "arches", false, &f->arches, &f->n_arches) < 0
      || sj_string (c, o, "minKernel", false, &f->min_kernel) < 0)
    r = -1;
  else if (f->min_kernel && !kernel_text_valid (f->min_kernel))
    r = sj_error_at (c, "minKernel", "invalid kernel version \"%s\": expected <major>.<minor>", f->min_kernel);
  sj_pop (c, mark);
  return r;
}

static int
parse_docker_rule (struct sj_ctx *c, yajl_val v, struct mrt_seccomp_syscall *s, struct mrt_profile_rule_extra *x)
{
  if (sj_val_object (c, v) < 0)
    return -1;
  yajl_val name = sj_get (v, "name");
  if (name != NULL && sj_get (v, "names") != NULL)
    return sj_error (c, "both \"name\" and \"names\": use either");
  if (name != NULL)
    {
      s->names = xmalloc0 (sizeof (char *));
      s->n_names = 1;
      if (sj_string (c, v, "name", true, &s->names[0]) < 0)
        return -1;
      x->legacy_name = true;
    }
  else if (sj_string_array (c, v, "names", true, &s->names, &s->n_names) < 0)
    return -1;
  if (s->n_names == 0)
    return sj_error_at (c, "names", "expected at least one syscall name");
  for (size_t i = 0; i < s->n_names; i++)
    if (s->names[i][0] == '\0')
      return sj_error_at (c, x->legacy_name ? "name" : "names", "expected a syscall name, got \"\"");
  if (parse_action_name (c, v, "action", &s->action) < 0 || parse_errno (c, v, "errnoRet", "errno", &s->errno_ret) < 0
      || sj_string (c, v, "comment", false, &x->comment) < 0)
    return -1;
  if (sj_object_array (c, v, "args", false, sizeof (struct mrt_seccomp_arg), (void **)&s->args, &s->n_args,
                       parse_seccomp_arg)
      < 0)
    return -1;
  return parse_filter (c, v, "includes", &x->includes) < 0 || parse_filter (c, v, "excludes", &x->excludes) < 0 ? -1
                                                                                                                : 0;
}

static int
check_arch_names (struct sj_ctx *c, const char *key, char **names, size_t n)
{
  for (size_t i = 0; i < n; i++)
    {
      uint32_t arch;
      if (mrt_seccomp_arch_from_name (names[i], &arch) < 0)
        {
          size_t mark = sj_push_key (c, key);
          sj_push_index (c, i);
          sj_error (c, "unknown architecture \"%s\"", names[i]);
          sj_pop (c, mark);
          return -1;
        }
    }
  return 0;
}

static int
parse_docker (struct sj_ctx *c, yajl_val v, struct mrt_profile *p)
{
  struct mrt_seccomp *s = &p->s;
  if (parse_action_name (c, v, "defaultAction", &s->default_action) < 0
      || parse_errno (c, v, "defaultErrnoRet", "defaultErrno", &s->default_errno_ret) < 0)
    return -1;
  if (sj_string_array (c, v, "architectures", false, &s->architectures, &s->n_architectures) < 0
      || check_arch_names (c, "architectures", s->architectures, s->n_architectures) < 0)
    return -1;
  if (sj_string_array (c, v, "flags", false, &s->flags, &s->n_flags) < 0
      || sj_string (c, v, "listenerPath", false, &s->listener_path) < 0
      || sj_string (c, v, "listenerMetadata", false, &s->listener_metadata) < 0)
    return -1;
  for (size_t i = 0; i < s->n_flags; i++)
    {
      bool ok = false;
      for (const char *const *f = mrt_seccomp_known_flags (); *f; f++)
        ok = ok || strcmp (*f, s->flags[i]) == 0;
      if (!ok)
        {
          size_t mark = sj_push_key (c, "flags");
          sj_push_index (c, i);
          sj_error (c, "unknown flag \"%s\"", s->flags[i]);
          sj_pop (c, mark);
          return -1;
        }
    }

  yajl_val map = NULL;
  if (sj_array (c, v, "archMap", false, &map) < 0)
    return -1;
  if (map && map->u.array.len > 0 && s->n_architectures > 0)
    return sj_error (c, "both \"architectures\" and \"archMap\": use either");
  if (map)
    {
      p->arch_map = xmalloc0 ((map->u.array.len + 1) * sizeof (*p->arch_map));
      for (size_t i = 0; i < map->u.array.len; i++)
        {
          struct mrt_profile_arch_map *m = &p->arch_map[i];
          p->n_arch_map = i + 1;
          size_t mark = sj_push_key (c, "archMap");
          sj_push_index (c, i);
          yajl_val e = map->u.array.values[i];
          int r = sj_val_object (c, e);
          if (r == 0)
            r = sj_string (c, e, "architecture", true, &m->arch);
          if (r == 0)
            r = sj_string_array (c, e, "subArchitectures", false, &m->sub, &m->n_sub);
          if (r == 0)
            {
              uint32_t a;
              if (mrt_seccomp_arch_from_name (m->arch, &a) < 0)
                r = sj_error_at (c, "architecture", "unknown architecture \"%s\"", m->arch);
            }
          if (r == 0)
            r = check_arch_names (c, "subArchitectures", m->sub, m->n_sub);
          sj_pop (c, mark);
          if (r < 0)
            return -1;
        }
    }

  yajl_val calls = NULL;
  if (sj_array (c, v, "syscalls", false, &calls) < 0)
    return -1;
  if (calls == NULL)
    return 0;
  size_t n = calls->u.array.len;
  s->syscalls = xmalloc0 ((n + 1) * sizeof (*s->syscalls));
  p->extra = xmalloc0 ((n + 1) * sizeof (*p->extra));
  for (size_t i = 0; i < n; i++)
    {
      s->n_syscalls = i + 1;
      size_t mark = sj_push_key (c, "syscalls");
      sj_push_index (c, i);
      int r = parse_docker_rule (c, calls->u.array.values[i], &s->syscalls[i], &p->extra[i]);
      sj_pop (c, mark);
      if (r < 0)
        return -1;
    }
  return 0;
}

/* ---- format detection and loading ---------------------------------------------------------- */

static bool
has_docker_fields (yajl_val v)
{
  static const char *const top[] = { "archMap", "defaultErrno" };
  static const char *const rule[] = { "name", "includes", "excludes", "comment", "errno" };
  for (size_t i = 0; i < ARRAY_SIZE (top); i++)
    if (sj_get (v, top[i]))
      return true;
  yajl_val calls = sj_get (v, "syscalls");
  if (!YAJL_IS_ARRAY (calls))
    return false;
  for (size_t i = 0; i < calls->u.array.len; i++)
    for (size_t k = 0; k < ARRAY_SIZE (rule); k++)
      if (YAJL_IS_OBJECT (calls->u.array.values[i]) && sj_get (calls->u.array.values[i], rule[k]))
        return true;
  return false;
}

const char *
mrt_profile_format_name (enum mrt_profile_format f)
{
  switch (f)
    {
    case MRT_PROFILE_OCI:
      return "OCI linux.seccomp";
    case MRT_PROFILE_CONFIG:
      return "linux.seccomp of a config.json";
    default:
      return "Docker/Kubernetes profile";
    }
}

static void
free_filter (struct mrt_profile_filter *f)
{
  sj_free_strv (f->caps, f->n_caps);
  sj_free_strv (f->arches, f->n_arches);
  free (f->min_kernel);
}

void
mrt_profile_free (struct mrt_profile *p)
{
  if (p == NULL)
    return;
  if (p->extra)
    for (size_t i = 0; i < p->s.n_syscalls; i++)
      {
        free (p->extra[i].comment);
        free_filter (&p->extra[i].includes);
        free_filter (&p->extra[i].excludes);
      }
  free (p->extra);
  for (size_t i = 0; i < p->n_arch_map; i++)
    {
      free (p->arch_map[i].arch);
      sj_free_strv (p->arch_map[i].sub, p->arch_map[i].n_sub);
    }
  free (p->arch_map);
  free_seccomp_contents (&p->s);
  for (size_t i = 0; i < p->n_lines; i++)
    free (p->lines[i].path);
  free (p->lines);
  free (p->file);
  free (p->base);
  free (p);
}

static void
profile_freep (struct mrt_profile **p)
{
  mrt_profile_free (*p);
}

int
mrt_profile_parse (const char *json, size_t len, const char *file, struct mrt_profile **out, mrt_error_t *err)
{
  __attribute__ ((cleanup (profile_freep))) struct mrt_profile *p = xmalloc0 (sizeof (*p));
  yajl_val tree = NULL;
  p->file = xstrdup (file ? file : "profile.json");
  p->base = xstrdup ("");
  *out = NULL;
  if (sj_tree_parse (json, len, p->file, &tree, err) < 0)
    return syntax_error_line (p, json, len, err);
  build_lines (p, json, len);

  struct sj_ctx c;
  sj_ctx_init (&c, p->file, err);
  yajl_val obj = tree;
  int r = sj_val_object (&c, tree);
  if (r == 0 && sj_get (tree, "defaultAction") == NULL
      && (sj_get (tree, "ociVersion") || sj_get (tree, "linux") || sj_get (tree, "process")))
    {
      p->format = MRT_PROFILE_CONFIG;
      free (p->base);
      p->base = xstrdup ("linux.seccomp");
      yajl_val linux_ = NULL;
      r = sj_object (&c, tree, "linux", false, &linux_);
      sj_push_key (&c, "linux");
      if (r == 0 && linux_ != NULL)
        r = sj_object (&c, linux_, "seccomp", false, &obj);
      if (r == 0 && (linux_ == NULL || obj == NULL))
        r = sj_error_at (&c, "seccomp", "not set: this config.json has no seccomp profile");
      if (r == 0)
        sj_push_key (&c, "seccomp");
    }
  else if (r == 0)
    p->format = has_docker_fields (tree) ? MRT_PROFILE_DOCKER : MRT_PROFILE_OCI;

  if (r == 0)
    r = p->format == MRT_PROFILE_DOCKER ? parse_docker (&c, obj, p) : parse_seccomp (&c, obj, &p->s);
  sj_ctx_fini (&c);
  yajl_tree_free (tree);
  if (r < 0)
    return relocate_error (p, err);
  *out = steal_pointer (&p);
  return 0;
}

int
mrt_profile_load (const char *path, struct mrt_profile **out, mrt_error_t *err)
{
  cleanup_free char *buf = NULL;
  size_t len = 0;
  *out = NULL;
  if (mrt_read_file (path, SJ_MAX_SIZE + 1, &buf, &len, err) < 0)
    return -1;
  return mrt_profile_parse (buf, len, path, out, err);
}
