/* SPDX-License-Identifier: Apache-2.0 */
/* `minirt seccomp explain`: a profile in words, grouped the way people
 * think about syscalls, and what it lets through that seed 003's table says
 * a container should not have. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "seccomp_describe.h"
#include "utils.h"

/* ---- the per-syscall view ------------------------------------------------------------- */

static struct sd_entry
entry_of (enum mrt_seccomp_action a, const mrt_opt_u64 *errno_ret, const struct mrt_seccomp_syscall *rule)
{
  struct sd_entry e = { .action = a, .rule = rule };
  if (a == MRT_SCMP_ACT_ERRNO || a == MRT_SCMP_ACT_TRACE)
    e.errno_ = errno_ret->set ? errno_ret->value : EPERM;
  if (a == MRT_SCMP_ACT_KILL_THREAD)
    e.action = MRT_SCMP_ACT_KILL; /* the same action, one name */
  return e;
}

static int
cmp_syscall (const void *a, const void *b)
{
  return strcmp (((const struct sd_syscall *)a)->name, ((const struct sd_syscall *)b)->name);
}

void
sd_view_build (const struct mrt_seccomp *s, struct sd_view *out)
{
  memset (out, 0, sizeof (*out));
  out->def = entry_of (s->default_action, &s->default_errno_ret, NULL);
  size_t total = 0;
  for (size_t i = 0; i < s->n_syscalls; i++)
    total += s->syscalls[i].n_names;
  out->v = xmalloc0 ((total + 1) * sizeof (*out->v));
  for (size_t i = 0; i < s->n_syscalls; i++)
    for (size_t j = 0; j < s->syscalls[i].n_names; j++)
      {
        const char *name = s->syscalls[i].names[j];
        struct sd_syscall *found = NULL;
        for (size_t k = 0; k < out->n && !found; k++)
          if (strcmp (out->v[k].name, name) == 0)
            found = &out->v[k];
        if (found == NULL)
          {
            found = &out->v[out->n++];
            found->name = name;
          }
        found->e = xrealloc (found->e, (found->n + 1) * sizeof (*found->e));
        found->e[found->n++] = entry_of (s->syscalls[i].action, &s->syscalls[i].errno_ret, &s->syscalls[i]);
      }
  qsort (out->v, out->n, sizeof (*out->v), cmp_syscall);
}

void
sd_view_free (struct sd_view *v)
{
  for (size_t i = 0; i < v->n; i++)
    free (v->v[i].e);
  free (v->v);
}

const struct sd_syscall *
sd_view_find (const struct sd_view *v, const char *name)
{
  struct sd_syscall key = { .name = name };
  return bsearch (&key, v->v, v->n, sizeof (*v->v), cmp_syscall);
}

/* ---- words ------------------------------------------------------------------------------- */

char *
sd_action_text (const struct sd_entry *e)
{
  switch (e->action)
    {
    case MRT_SCMP_ACT_ALLOW:
      return xstrdup ("allowed");
    case MRT_SCMP_ACT_LOG:
      return xstrdup ("allowed and logged");
    case MRT_SCMP_ACT_ERRNO:
      {
        cleanup_free char *n = mrt_errno_name (e->errno_);
        return xasprintf ("refused with %s", n);
      }
    case MRT_SCMP_ACT_TRACE:
      return xasprintf ("handed to a ptrace tracer (ret %" PRIu64 ")", e->errno_);
    case MRT_SCMP_ACT_TRAP:
      return xstrdup ("trapped (SIGSYS to the thread)");
    case MRT_SCMP_ACT_KILL_PROCESS:
      return xstrdup ("killed (the whole process, SIGSYS)");
    case MRT_SCMP_ACT_NOTIFY:
      return xstrdup ("sent to the seccomp agent (SCMP_ACT_NOTIFY)");
    default:
      return xstrdup ("killed (the thread, SIGSYS)");
    }
}

static bool
same_action (const struct sd_entry *a, const struct sd_entry *b)
{
  return a->action == b->action && a->errno_ == b->errno_;
}

static void
append (char **s, const char *sep, const char *piece)
{
  char *n = xasprintf ("%s%s%s", *s, **s ? sep : "", piece);
  free (*s);
  *s = n;
}

char *
sd_condition_text (const char *name, const struct mrt_seccomp_syscall *r)
{
  if (r == NULL || r->n_args == 0)
    return NULL;
  bool repeated = false, all_eq_same = true;
  for (size_t i = 0; i < r->n_args; i++)
    {
      for (size_t k = 0; k < i; k++)
        if (r->args[k].index == r->args[i].index)
          repeated = true;
      if (r->args[i].op != MRT_SCMP_CMP_EQ || r->args[i].index != r->args[0].index)
        all_eq_same = false;
    }
  /* runc ORs the conditions when an index repeats (each becomes a rule). */
  if (repeated && all_eq_same)
    {
      /* "with persona 0x0, 0x8 or 0xffffffff" */
      cleanup_free char *first = mrt_syscall_describe_arg (name, &r->args[0]);
      cleanup_free char *out = xasprintf ("only %s", first);
      for (size_t i = 1; i < r->n_args; i++)
        {
          cleanup_free char *d = mrt_syscall_describe_arg (name, &r->args[i]);
          const char *value = strrchr (d, ' ');
          append (&out, i + 1 == r->n_args ? " or" : ",", value ? value : d);
        }
      return steal_pointer (&out);
    }
  cleanup_free char *out = xstrdup ("");
  for (size_t i = 0; i < r->n_args; i++)
    {
      cleanup_free char *d = mrt_syscall_describe_arg (name, &r->args[i]);
      append (&out, repeated ? " or " : " and ", d);
    }
  char *res = xasprintf ("only %s", out);
  return res;
}

char *
sd_treatment_text (const struct sd_view *v, const struct sd_syscall *s)
{
  cleanup_free char *out = xstrdup ("");
  bool conditional = false, unconditional = false;
  for (size_t i = 0; i < s->n; i++)
    {
      cleanup_free char *a = sd_action_text (&s->e[i]);
      cleanup_free char *c = sd_condition_text (s->name, s->e[i].rule);
      cleanup_free char *piece = c ? xasprintf ("%s %s", a, c) : xstrdup (a);
      append (&out, "; ", piece);
      if (c)
        conditional = true;
      else
        unconditional = true;
    }
  if (conditional && !unconditional)
    {
      cleanup_free char *d = sd_action_text (&v->def);
      char *n = xasprintf ("%s (otherwise: %s)", out, d);
      free (out);
      out = n;
    }
  return steal_pointer (&out);
}

void
sd_print_wrapped (FILE *out, const char *indent, const char *const *names, size_t n)
{
  size_t col = 0;
  for (size_t i = 0; i < n; i++)
    {
      size_t l = strlen (names[i]) + (i + 1 < n ? 2 : 0);
      if (col == 0 || col + l > 100)
        {
          if (col)
            fputc ('\n', out);
          fputs (indent, out);
          col = strlen (indent);
        }
      else
        {
          fputc (' ', out);
          col++;
        }
      fprintf (out, "%s%s", names[i], i + 1 < n ? "," : "");
      col += l - 1;
    }
  if (col)
    fputc ('\n', out);
}

/* ---- explain -------------------------------------------------------------------------------- */

static char *
default_text (const struct sd_entry *def)
{
  cleanup_free char *a = sd_action_text (def);
  if (def->action == MRT_SCMP_ACT_ERRNO)
    return xasprintf ("%s: every syscall not named below is %s (\"%s\")", mrt_seccomp_action_name (def->action), a,
                      strerror ((int)def->errno_));
  return xasprintf ("%s: every syscall not named below is %s", mrt_seccomp_action_name (def->action), a);
}

/* One section: the syscalls whose only rules are unconditional and have
 * action `key`, by group. */
static void
print_section (FILE *out, const struct sd_view *v, const struct sd_entry *key, bool *printed)
{
  const char **by_group[MRT_SYSCALL__GROUPS] = { 0 };
  size_t n_group[MRT_SYSCALL__GROUPS] = { 0 }, total = 0;
  for (size_t i = 0; i < v->n; i++)
    {
      const struct sd_syscall *s = &v->v[i];
      bool match = true;
      for (size_t k = 0; k < s->n; k++)
        if (s->e[k].rule->n_args || !same_action (&s->e[k], key))
          match = false;
      if (!match)
        continue;
      enum mrt_syscall_group g = mrt_syscall_group (s->name);
      by_group[g] = xrealloc (by_group[g], (n_group[g] + 1) * sizeof (char *));
      by_group[g][n_group[g]++] = s->name;
      total++;
    }
  if (total > 0)
    {
      cleanup_free char *a = sd_action_text (key);
      a[0] = (char)(a[0] - 'a' + 'A');
      fprintf (out, "\n%s%s (%zu syscall%s):\n", a, same_action (key, &v->def) ? ", as the default" : "", total,
               total == 1 ? "" : "s");
      for (int g = 0; g < MRT_SYSCALL__GROUPS; g++)
        if (n_group[g])
          {
            fprintf (out, "  %s (%zu):\n", mrt_syscall_group_name (g), n_group[g]);
            sd_print_wrapped (out, "    ", by_group[g], n_group[g]);
          }
      *printed = true;
    }
  for (int g = 0; g < MRT_SYSCALL__GROUPS; g++)
    free (by_group[g]);
}

static bool
allows (enum mrt_seccomp_action a)
{
  return a == MRT_SCMP_ACT_ALLOW || a == MRT_SCMP_ACT_LOG;
}

/* Does the profile let `name` through, and if only sometimes, when? */
static bool
danger_allowed (const struct sd_view *v, const char *name, char **when)
{
  const struct sd_syscall *s = sd_view_find (v, name);
  *when = NULL;
  if (s == NULL)
    return allows (v->def.action);
  for (size_t i = 0; i < s->n; i++)
    if (s->e[i].rule->n_args == 0)
      return allows (s->e[i].action);
  /* Only conditional rules: say when it gets through. */
  cleanup_free char *cond = xstrdup ("");
  bool by_rule = false;
  for (size_t i = 0; i < s->n; i++)
    if (allows (s->e[i].action) != allows (v->def.action))
      {
        cleanup_free char *c = sd_condition_text (name, s->e[i].rule);
        /* "only with X" -> "with X" after "except" */
        const char *text = c && strncmp (c, "only ", 5) == 0 ? c + 5 : c;
        append (&cond, " or ", text ? text : "");
      }
    else if (allows (s->e[i].action))
      by_rule = true;
  if (!allows (v->def.action) && *cond == '\0' && !by_rule)
    return false;
  if (*cond)
    *when = xasprintf ("%s %s", allows (v->def.action) ? "except" : "only", cond);
  return true;
}

char *
mrt_seccomp_explain (const struct mrt_seccomp *s)
{
  char *buf = NULL;
  size_t len = 0;
  FILE *out = open_memstream (&buf, &len);
  if (out == NULL)
    return NULL;
  struct sd_view v;
  sd_view_build (s, &v);

  cleanup_free char *def = default_text (&v.def);
  fprintf (out, "Default action: %s\n", def);
  fprintf (out, "Architectures: ");
  if (s->n_architectures == 0)
    fprintf (out, "the native one only");
  for (size_t i = 0; i < s->n_architectures; i++)
    fprintf (out, "%s%s", i ? ", " : "", s->architectures[i]);
  fputc ('\n', out);
  if (s->n_flags)
    {
      fprintf (out, "Flags: ");
      for (size_t i = 0; i < s->n_flags; i++)
        fprintf (out, "%s%s", i ? ", " : "", s->flags[i]);
      fputc ('\n', out);
    }
  if (s->listener_path)
    fprintf (out, "Listener: %s\n", s->listener_path);

  /* Sections in a fixed order of actions, each errno value its own. */
  static const enum mrt_seccomp_action order[]
      = { MRT_SCMP_ACT_ALLOW, MRT_SCMP_ACT_LOG,  MRT_SCMP_ACT_NOTIFY, MRT_SCMP_ACT_TRACE,
          MRT_SCMP_ACT_ERRNO, MRT_SCMP_ACT_TRAP, MRT_SCMP_ACT_KILL,   MRT_SCMP_ACT_KILL_PROCESS };
  bool printed = false;
  for (size_t o = 0; o < ARRAY_SIZE (order); o++)
    {
      /* The distinct errno values of this action, ascending. */
      uint64_t last = 0;
      bool first = true;
      for (;;)
        {
          bool found = false;
          uint64_t next = UINT64_MAX;
          for (size_t i = 0; i < v.n; i++)
            for (size_t k = 0; k < v.v[i].n; k++)
              if (v.v[i].e[k].action == order[o] && (first || v.v[i].e[k].errno_ > last) && v.v[i].e[k].errno_ <= next)
                next = v.v[i].e[k].errno_, found = true;
          if (!found)
            break;
          struct sd_entry key = { .action = order[o], .errno_ = next };
          print_section (out, &v, &key, &printed);
          first = false;
          last = next;
          if (next == UINT64_MAX)
            break;
        }
    }

  /* Syscalls with conditions, or named by several rules that disagree. */
  bool header = false;
  for (size_t i = 0; i < v.n; i++)
    {
      bool plain = true;
      for (size_t k = 0; k < v.v[i].n; k++)
        if (v.v[i].e[k].rule->n_args || !same_action (&v.v[i].e[k], &v.v[i].e[0]))
          plain = false;
      if (plain)
        continue;
      if (!header)
        fprintf (out, "\nOnly under conditions:\n");
      header = true;
      cleanup_free char *t = sd_treatment_text (&v, &v.v[i]);
      fprintf (out, "  %s: %s\n", v.v[i].name, t);
    }
  cleanup_free char *d = sd_action_text (&v.def);
  fprintf (out, "\n%s: %s.\n", printed || header ? "Everything else" : "Every syscall", d);

  fprintf (out, "\nDangerous syscalls this profile allows (seed 003's table of what Docker's default blocks):\n");
  size_t n_danger = 0;
  for (size_t i = 0; mrt_syscall_dangerous_name (i); i++)
    {
      const char *name = mrt_syscall_dangerous_name (i);
      cleanup_free char *when = NULL;
      if (!mrt_seccomp_has_syscall (s, name) || !danger_allowed (&v, name, &when))
        continue;
      n_danger++;
      if (when)
        fprintf (out, "  %s (%s): %s\n", name, when, mrt_syscall_danger (name));
      else
        fprintf (out, "  %s: %s\n", name, mrt_syscall_danger (name));
    }
  if (n_danger == 0)
    fprintf (out, "  none\n");
  sd_view_free (&v);
  mrt_memstream_close (out);
  return buf;
}
