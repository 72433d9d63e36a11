/* SPDX-License-Identifier: Apache-2.0 */
/* `minirt seccomp diff A B`: what changes for a workload going from profile
 * A to profile B, per syscall, in the words `explain` uses. */
#include <stdio.h>
#include <string.h>

#include "seccomp_describe.h"
#include "utils.h"

static void
diff_strv (FILE *out, const char *what, char *const *a, size_t na, char *const *b, size_t nb, size_t *changes)
{
  cleanup_free char *line = xstrdup ("");
  for (int pass = 0; pass < 2; pass++)
    {
      char *const *x = pass ? a : b, *const *y = pass ? b : a;
      size_t nx = pass ? na : nb, ny = pass ? nb : na;
      for (size_t i = 0; i < nx; i++)
        {
          bool found = false;
          for (size_t k = 0; k < ny; k++)
            found = found || strcmp (x[i], y[k]) == 0;
          if (found)
            continue;
          char *n = xasprintf ("%s%s%c %s", line, *line ? ", " : "", pass ? '-' : '+', x[i]);
          free (line);
          line = n;
          (*changes)++;
        }
    }
  if (*line)
    fprintf (out, "%s: %s\n", what, line);
}

char *
mrt_seccomp_diff (const struct mrt_seccomp *a, const struct mrt_seccomp *b, size_t *n_changes)
{
  char *buf = NULL;
  size_t len = 0;
  FILE *out = open_memstream (&buf, &len);
  if (out == NULL)
    return NULL;
  struct sd_view va, vb;
  sd_view_build (a, &va);
  sd_view_build (b, &vb);
  *n_changes = 0;

  cleanup_free char *da = sd_action_text (&va.def), *db = sd_action_text (&vb.def);
  if (strcmp (da, db) != 0)
    {
      fprintf (out, "default action: %s -> %s (for every syscall not named)\n", da, db);
      (*n_changes)++;
    }
  diff_strv (out, "architectures", a->architectures, a->n_architectures, b->architectures, b->n_architectures,
             n_changes);
  diff_strv (out, "flags", a->flags, a->n_flags, b->flags, b->n_flags, n_changes);
  if ((a->listener_path == NULL) != (b->listener_path == NULL)
      || (a->listener_path && strcmp (a->listener_path, b->listener_path) != 0))
    {
      fprintf (out, "listenerPath: %s -> %s\n", a->listener_path ? a->listener_path : "(none)",
               b->listener_path ? b->listener_path : "(none)");
      (*n_changes)++;
    }

  /* Three passes over the merged, sorted names: added, removed, changed. */
  static const char *const titles[] = { "added", "removed", "changed" };
  for (int pass = 0; pass < 3; pass++)
    {
      cleanup_free char *body = NULL;
      size_t body_len = 0, count = 0;
      FILE *bf = open_memstream (&body, &body_len);
      if (bf == NULL)
        break;
      const struct sd_view *main = pass == 1 ? &va : &vb, *other = pass == 1 ? &vb : &va;
      for (size_t i = 0; i < main->n; i++)
        {
          const struct sd_syscall *s = &main->v[i], *o = sd_view_find (other, s->name);
          if ((pass < 2) != (o == NULL))
            continue;
          cleanup_free char *t = sd_treatment_text (main, s);
          if (pass == 2)
            {
              cleanup_free char *was = sd_treatment_text (other, o);
              if (strcmp (was, t) == 0)
                continue;
              fprintf (bf, "  ~ %s: %s -> %s\n", s->name, was, t);
            }
          else
            fprintf (bf, "  %c %s: %s\n", pass ? '-' : '+', s->name, t);
          count++;
        }
      mrt_memstream_close (bf);
      if (count)
        fprintf (out, "%s (%zu):\n%s", titles[pass], count, body);
      *n_changes += count;
    }
  if (*n_changes == 0)
    fprintf (out, "no differences\n");
  sd_view_free (&va);
  sd_view_free (&vb);
  mrt_memstream_close (out);
  return buf;
}
