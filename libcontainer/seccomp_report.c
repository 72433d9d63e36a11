/* SPDX-License-Identifier: Apache-2.0 */
/* Violation reports: which mode the annotations ask for, counting and
 * formatting, and what to do with one notification (see seccomp_report.h;
 * the process that does it is seccomp_monitor.c). */
#include <linux/seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "seccomp.h"
#include "seccomp_report.h"
#include "utils.h"

/* The kernel caps SECCOMP_RET_ERRNO data the same way. */
#define ERRNO_MAX 4095

static const char *
annotation (const struct mrt_spec *spec, const char *key)
{
  for (size_t i = 0; i < spec->n_annotations; i++)
    if (strcmp (spec->annotations[i].key, key) == 0)
      return spec->annotations[i].value ? spec->annotations[i].value : "";
  return NULL;
}

static int
parse_value (const char *key, const char *value, enum mrt_seccomp_report_mode *mode, mrt_error_t *err)
{
  if (strcmp (value, "log") == 0)
    *mode = MRT_SECCOMP_REPORT_LOG;
  else if (strcmp (value, "stop") == 0)
    *mode = MRT_SECCOMP_REPORT_STOP;
  else
    return mrt_error_make (err, 0, "config.json: annotations[\"%s\"]: invalid value \"%s\": expected log or stop", key,
                           value);
  return 0;
}

int
mrt_seccomp_report_mode (const struct mrt_spec *spec, enum mrt_seccomp_report_mode *mode, mrt_error_t *err)
{
  const struct mrt_seccomp *profile = spec->linux_ ? spec->linux_->seccomp : NULL;
  const char *ours = annotation (spec, MRT_SECCOMP_REPORT_ANNOTATION);
  const char *crio = annotation (spec, MRT_SECCOMP_REPORT_CRIO_ANNOTATION);

  *mode = MRT_SECCOMP_REPORT_OFF;
  if (ours)
    {
      if (parse_value (MRT_SECCOMP_REPORT_ANNOTATION, ours, mode, err) < 0)
        return -1;
      if (profile == NULL)
        return mrt_error_make (err, 0, "config.json: annotations[\"%s\"]: needs linux.seccomp",
                               MRT_SECCOMP_REPORT_ANNOTATION);
      if (mrt_seccomp_profile_uses_notify (profile))
        return mrt_error_make (err, 0,
                               "config.json: annotations[\"%s\"]: the profile already uses SCMP_ACT_NOTIFY "
                               "(its listener belongs to linux.seccomp.listenerPath)",
                               MRT_SECCOMP_REPORT_ANNOTATION);
      /* Our annotation wins over CRI-O's, whatever that one says. */
      return 0;
    }
  if (crio == NULL)
    return 0;
  if (parse_value (MRT_SECCOMP_REPORT_CRIO_ANNOTATION, crio, mode, err) < 0)
    return -1;
  /* CRI-O sets this annotation on the containers it injected its own
   * notifier into: then the listener is CRI-O's, not ours. */
  if (profile == NULL || mrt_seccomp_profile_uses_notify (profile))
    *mode = MRT_SECCOMP_REPORT_OFF;
  return 0;
}

void
mrt_seccomp_counts_add (struct mrt_seccomp_counts *c, const char *name)
{
  size_t lo = 0, hi = c->n;
  while (lo < hi)
    {
      size_t mid = (lo + hi) / 2;
      int cmp = strcmp (c->v[mid].name, name);
      if (cmp == 0)
        {
          c->v[mid].count++;
          c->total++;
          return;
        }
      if (cmp < 0)
        lo = mid + 1;
      else
        hi = mid;
    }
  c->v = xrealloc (c->v, (c->n + 1) * sizeof (*c->v));
  memmove (&c->v[lo + 1], &c->v[lo], (c->n - lo) * sizeof (*c->v));
  c->v[lo].name = xstrdup (name);
  c->v[lo].count = 1;
  c->n++;
  c->total++;
}

void
mrt_seccomp_counts_clear (struct mrt_seccomp_counts *c)
{
  for (size_t i = 0; i < c->n; i++)
    free (c->v[i].name);
  free (c->v);
  memset (c, 0, sizeof (*c));
}

char *
mrt_seccomp_counts_format (const struct mrt_seccomp_counts *c)
{
  char *out = NULL;
  size_t len = 0;
  FILE *f;

  if (c->n == 0)
    return NULL;
  f = open_memstream (&out, &len);
  if (f == NULL)
    abort ();
  fputs ("Used forbidden syscalls: ", f);
  for (size_t i = 0; i < c->n; i++)
    fprintf (f, "%s%s (%llux)", i ? ", " : "", c->v[i].name, (unsigned long long)c->v[i].count);
  mrt_memstream_close (f);
  return out;
}

void
mrt_seccomp_verdict_of (uint32_t ret, struct mrt_seccomp_verdict *v)
{
  uint32_t data = ret & SECCOMP_RET_DATA;
  v->errno_ = 0;
  switch (ret & SECCOMP_RET_ACTION_FULL)
    {
    case SECCOMP_RET_KILL_PROCESS:
      v->kind = MRT_VERDICT_KILL_PROCESS;
      break;
    case SECCOMP_RET_KILL_THREAD:
      v->kind = MRT_VERDICT_KILL_THREAD;
      break;
    case SECCOMP_RET_TRAP:
      v->kind = MRT_VERDICT_TRAP;
      break;
    case SECCOMP_RET_ERRNO:
      v->kind = MRT_VERDICT_ERRNO;
      v->errno_ = data > ERRNO_MAX ? ERRNO_MAX : (int)data;
      break;
    default:
      v->kind = MRT_VERDICT_CONTINUE;
      break;
    }
}
