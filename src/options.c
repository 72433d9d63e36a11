/* SPDX-License-Identifier: Apache-2.0 */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "options.h"
#include "utils.h"

static const struct mrt_opt *
find_opt (const struct mrt_opt_table *t, const char *name, size_t len, size_t *idx)
{
  for (size_t i = 0; i < t->n; i++)
    {
      const struct mrt_opt *o = &t->opts[i];
      if ((strlen (o->name) == len && strncmp (o->name, name, len) == 0)
          || (o->alias && strlen (o->alias) == len && strncmp (o->alias, name, len) == 0))
        {
          *idx = i;
          return o;
        }
    }
  return NULL;
}

/* Go's strconv.ParseBool, which is what `--flag=value` of a bool flag uses. */
static int
parse_bool (const char *s, bool *out)
{
  static const char *const yes[] = { "1", "t", "T", "true", "TRUE", "True" };
  static const char *const no[] = { "0", "f", "F", "false", "FALSE", "False" };
  for (size_t i = 0; i < ARRAY_SIZE (yes); i++)
    if (strcmp (s, yes[i]) == 0)
      return *out = true, 0;
  for (size_t i = 0; i < ARRAY_SIZE (no); i++)
    if (strcmp (s, no[i]) == 0)
      return *out = false, 0;
  return -1;
}

static int
set_value (const struct mrt_opt *o, struct mrt_optval *v, const char *flag, const char *value, mrt_error_t *err)
{
  v->set = true;
  switch (o->type)
    {
    case MRT_OPT_BOOL:
      if (value == NULL)
        v->on = true;
      else if (parse_bool (value, &v->on) < 0)
        return mrt_error_make (err, 0, "invalid boolean value \"%s\" for flag %s", value, flag);
      return 0;

    case MRT_OPT_UINT:
      {
        char *end = NULL;
        errno = 0;
        unsigned long n = strtoul (value, &end, 10);
        if (*value == '\0' || *value == '-' || *end != '\0' || errno != 0)
          return mrt_error_make (err, 0, "invalid value \"%s\" for flag %s: not a non-negative integer", value, flag);
        /* Callers keep it in an unsigned and count fds from 3: never let
         * it wrap (4294967299 would have become 3). */
        if (n > INT_MAX)
          return mrt_error_make (err, 0, "invalid value \"%s\" for flag %s: value out of range", value, flag);
        v->num = n;
        v->str = value;
        return 0;
      }

    case MRT_OPT_STRING:
      v->str = value;
      return 0;

    case MRT_OPT_LIST:
      v->list = xrealloc (v->list, (v->n_list + 2) * sizeof (*v->list));
      v->list[v->n_list++] = value;
      v->list[v->n_list] = NULL;
      v->str = value;
      return 0;
    }
  return 0;
}

static bool
is_help (const char *name, size_t len)
{
  return (len == 1 && name[0] == 'h') || (len == 4 && strncmp (name, "help", 4) == 0);
}

/* `-ad`: every letter a single-letter bool flag.  Returns 1 when handled. */
static int
try_combined_shorts (const struct mrt_opt_table *t, const char *name, struct mrt_optval *vals)
{
  size_t idx;
  if (strlen (name) < 2 || strchr (name, '=') != NULL)
    return 0;
  for (const char *p = name; *p; p++)
    {
      const struct mrt_opt *o = find_opt (t, p, 1, &idx);
      if (o == NULL || o->type != MRT_OPT_BOOL)
        return 0;
    }
  for (const char *p = name; *p; p++)
    {
      find_opt (t, p, 1, &idx);
      vals[idx].set = vals[idx].on = true;
    }
  return 1;
}

int
mrt_opts_parse (const struct mrt_opt_table *t, int argc, char **argv, bool stop_at_positional, struct mrt_optval *vals,
                char ***pos, int *npos, mrt_error_t *err)
{
  cleanup_free char **positional = xmalloc0 ((argc + 1) * sizeof (char *));
  int n = 0;
  bool help = false;
  int i;

  for (i = 0; i < argc; i++)
    {
      const char *arg = argv[i];
      if (strcmp (arg, "--") == 0)
        {
          i++;
          break;
        }
      if (arg[0] != '-' || arg[1] == '\0')
        {
          positional[n++] = argv[i];
          if (stop_at_positional)
            {
              i++;
              break;
            }
          continue;
        }

      const char *name = arg + 1 + (arg[1] == '-');
      const char *eq = strchr (name, '=');
      size_t len = eq ? (size_t)(eq - name) : strlen (name);
      size_t idx;
      const struct mrt_opt *o = find_opt (t, name, len, &idx);
      if (o == NULL)
        {
          if (is_help (name, len))
            {
              help = true;
              continue;
            }
          if (arg[1] != '-' && try_combined_shorts (t, name, vals))
            continue;
          return mrt_error_make (err, 0, "flag provided but not defined: %s", arg);
        }

      const char *value = eq ? eq + 1 : NULL;
      if (value == NULL && o->type != MRT_OPT_BOOL)
        {
          if (i + 1 >= argc)
            return mrt_error_make (err, 0, "flag needs an argument: %s", arg);
          value = argv[++i];
        }
      if (set_value (o, &vals[idx], arg, value, err) < 0)
        return -1;
    }
  for (; i < argc; i++)
    positional[n++] = argv[i];
  positional[n] = NULL;

  *pos = steal_pointer (&positional);
  *npos = n;
  return help ? MRT_OPT_HELP : MRT_OPT_OK;
}

void
mrt_opts_free (const struct mrt_opt_table *t, struct mrt_optval *vals)
{
  for (size_t i = 0; i < t->n; i++)
    {
      free (vals[i].list);
      vals[i].list = NULL;
    }
}

void
mrt_opts_print_help (const struct mrt_opt_table *t, FILE *out)
{
  for (size_t i = 0; i < t->n; i++)
    {
      const struct mrt_opt *o = &t->opts[i];
      cleanup_free char *spec = NULL;
      const char *meta = o->type == MRT_OPT_BOOL ? "" : " ";
      const char *mv = o->type == MRT_OPT_BOOL ? "" : (o->metavar ? o->metavar : "VALUE");
      if (o->alias && strlen (o->alias) == 1)
        spec = xasprintf ("-%s, --%s%s%s", o->alias, o->name, meta, mv);
      else if (o->alias)
        spec = xasprintf ("--%s, --%s%s%s", o->name, o->alias, meta, mv);
      else
        spec = xasprintf ("    --%s%s%s", o->name, meta, mv);
      if (strlen (spec) > 32)
        fprintf (out, "  %s\n  %-32s %s\n", spec, "", o->help);
      else
        fprintf (out, "  %-32s %s\n", spec, o->help);
    }
  fprintf (out, "  %-32s %s\n", "-h, --help", "show this help");
}

struct mrt_optval *
mrt_opt_get (const struct mrt_opt_table *t, struct mrt_optval *vals, const char *name)
{
  size_t idx;
  if (find_opt (t, name, strlen (name), &idx) == NULL)
    abort ();
  return &vals[idx];
}
