/* SPDX-License-Identifier: Apache-2.0 */
/* The per-container report of minirt-seccomp-agent: the forbidden
 * syscalls counted by name, and the "Used forbidden syscalls: ..." line on
 * stdout, in --report FILE and in --report-dir DIR/<id>. */
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "agent.h"

void
count_syscall (struct client *c, const char *name)
{
  metric_add (c->id ? c->id : "?", name);
  for (size_t i = 0; i < c->n_counts; i++)
    if (strcmp (c->counts[i].name, name) == 0)
      {
        c->counts[i].n++;
        return;
      }
  c->counts = realloc (c->counts, (c->n_counts + 1) * sizeof (*c->counts));
  if (c->counts == NULL)
    die ("out of memory");
  c->counts[c->n_counts++] = (struct count){ .name = xstrdup_ (name), .n = 1 };
}

static int
compare_counts (const void *a, const void *b)
{
  return strcmp (((const struct count *)a)->name, ((const struct count *)b)->name);
}

/* --report-dir: DIR/<id> holds the container's latest report (written to a
 * temporary name and renamed, so a reader never sees half a line). */
static void
write_report_file (const char *id, const char *line)
{
  char path[PATH_MAX], tmp[PATH_MAX];
  /* Runtimes' IDs are [A-Za-z0-9_.+-]; anything else would escape DIR. */
  if (strchr (id, '/') || strcmp (id, ".") == 0 || strcmp (id, "..") == 0)
    {
      logf_ ("container %s: not a file name, no report file", id);
      return;
    }
  if (snprintf (path, sizeof (path), "%s/%s", opts.report_dir, id) >= (int)sizeof (path)
      || snprintf (tmp, sizeof (tmp), "%s/.%s.tmp", opts.report_dir, id) >= (int)sizeof (tmp))
    {
      logf_ ("container %s: report path too long", id);
      return;
    }
  FILE *f = fopen (tmp, "we");
  if (f == NULL)
    {
      logf_ ("open %s: %m", tmp);
      return;
    }
  fprintf (f, "%s\n", line);
  if (fclose (f) != 0 || rename (tmp, path) < 0)
    logf_ ("write %s: %m", path);
}

/* "Used forbidden syscalls: chroot (2x), swapoff (2x)", names sorted. */
void
report (struct client *c)
{
  char *line = NULL;
  size_t size = 0;
  FILE *m = open_memstream (&line, &size);
  if (m == NULL)
    die ("open_memstream: %m");
  qsort (c->counts, c->n_counts, sizeof (*c->counts), compare_counts);
  fprintf (m, "Used forbidden syscalls: ");
  for (size_t i = 0; i < c->n_counts; i++)
    fprintf (m, "%s%s (%lux)", i ? ", " : "", c->counts[i].name, c->counts[i].n);
  fclose (m);
  logf_ ("container %s: %s", c->id ? c->id : "?", line);
  printf ("%s\n", line);
  fflush (stdout);
  if (opts.report_path)
    {
      FILE *f = fopen (opts.report_path, "ae");
      if (f == NULL)
        logf_ ("open %s: %m", opts.report_path);
      else
        {
          fprintf (f, "%s\n", line);
          fclose (f);
        }
    }
  if (opts.report_dir)
    write_report_file (c->id ? c->id : "?", line);
  free (line);
}
