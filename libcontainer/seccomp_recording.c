/* SPDX-License-Identifier: Apache-2.0 */
/* The set of syscalls `seccomp record` saw, and the allowlist made of it
 * (minirt/seccomp_record.h).  Pure: no side effects, unit-tested. */
#include <linux/audit.h>
#include <seccomp.h>
#include <stdlib.h>
#include <string.h>

#include "minirt/seccomp_record.h"
#include "seccomp.h"
#include "seccomp_internal.h"
#include "utils.h"

#define X32_SYSCALL_BIT 0x40000000

struct call
{
  uint32_t arch; /* SCMP_ARCH_* */
  int nr;
};

struct mrt_seccomp_recording
{
  struct call *v;
  size_t n, cap;
};

struct mrt_seccomp_recording *
mrt_seccomp_recording_new (void)
{
  return xmalloc0 (sizeof (struct mrt_seccomp_recording));
}

void
mrt_seccomp_recording_free (struct mrt_seccomp_recording *r)
{
  if (r == NULL)
    return;
  free (r->v);
  free (r);
}

/* libseccomp's SCMP_ARCH_* are the kernel's AUDIT_ARCH_* values, except x32,
 * which the kernel reports as x86_64 with the x32 bit in the number. */
static uint32_t
scmp_arch_of (uint32_t audit_arch, int nr)
{
  if (audit_arch == AUDIT_ARCH_X86_64 && (nr & X32_SYSCALL_BIT))
    return SCMP_ARCH_X32;
  return audit_arch;
}

static bool
add_call (struct mrt_seccomp_recording *r, uint32_t arch, int nr)
{
  /* A few hundred entries at most: a linear scan is cheaper than the
   * round trip through the kernel that brought the call here. */
  for (size_t i = 0; i < r->n; i++)
    if (r->v[i].nr == nr && r->v[i].arch == arch)
      return false;
  if (r->n == r->cap)
    {
      r->cap = r->cap ? r->cap * 2 : 64;
      r->v = xrealloc (r->v, r->cap * sizeof (*r->v));
    }
  r->v[r->n++] = (struct call){ .arch = arch, .nr = nr };
  return true;
}

bool
mrt_seccomp_recording_add (struct mrt_seccomp_recording *r, uint32_t audit_arch, int nr)
{
  return add_call (r, scmp_arch_of (audit_arch, nr), nr);
}

void
mrt_seccomp_recording_merge (struct mrt_seccomp_recording *r, const struct mrt_seccomp_recording *from)
{
  for (size_t i = 0; i < from->n; i++)
    add_call (r, from->v[i].arch, from->v[i].nr);
}

size_t
mrt_seccomp_recording_count (const struct mrt_seccomp_recording *r)
{
  return r->n;
}

static int
compare_names (const void *a, const void *b)
{
  return strcmp (*(char *const *)a, *(char *const *)b);
}

char **
mrt_seccomp_recording_names (const struct mrt_seccomp_recording *r, size_t *n, size_t *unnamed)
{
  char **names = xmalloc0 ((r->n + 1) * sizeof (*names));
  size_t k = 0;

  *unnamed = 0;
  for (size_t i = 0; i < r->n; i++)
    {
      char *name = seccomp_syscall_resolve_num_arch (r->v[i].arch, r->v[i].nr);
      if (name == NULL)
        (*unnamed)++;
      else
        names[k++] = name;
    }
  qsort (names, k, sizeof (*names), compare_names);
  size_t u = 0;
  for (size_t i = 0; i < k; i++)
    {
      if (u > 0 && strcmp (names[u - 1], names[i]) == 0)
        free (names[i]);
      else
        names[u++] = names[i];
    }
  names[u] = NULL;
  *n = u;
  return names;
}

void
mrt_seccomp_recording_names_free (char **names)
{
  if (names == NULL)
    return;
  for (size_t i = 0; names[i]; i++)
    free (names[i]);
  free (names);
}

static bool
arch_seen (const struct mrt_seccomp_recording *r, uint32_t arch)
{
  for (size_t i = 0; i < r->n; i++)
    if (r->v[i].arch == arch)
      return true;
  return false;
}

struct mrt_seccomp *
mrt_seccomp_recording_profile (const struct mrt_seccomp_recording *r, uint32_t native_arch, size_t *unnamed)
{
  struct mrt_seccomp *p = xmalloc0 (sizeof (*p));
  const char *const *known = mrt_seccomp_known_archs ();
  const char *native_name;
  size_t n_known = 0, n_names = 0;

  if (native_arch == 0)
    native_arch = seccomp_arch_native ();
  native_name = mrt_seccomp_arch_name (native_arch);
  while (known[n_known])
    n_known++;

  p->default_action = MRT_SCMP_ACT_ERRNO;
  p->architectures = xmalloc0 ((n_known + 1) * sizeof (char *));
  if (native_name)
    p->architectures[p->n_architectures++] = xstrdup (native_name);
  for (size_t i = 0; i < n_known; i++)
    {
      uint32_t arch;
      if (mrt_seccomp_arch_from_name (known[i], &arch) < 0 || arch == native_arch || !arch_seen (r, arch))
        continue;
      p->architectures[p->n_architectures++] = xstrdup (known[i]);
    }

  char **names = mrt_seccomp_recording_names (r, &n_names, unnamed);
  if (n_names == 0)
    {
      mrt_seccomp_recording_names_free (names);
      return p;
    }
  p->syscalls = xmalloc0 (sizeof (*p->syscalls));
  p->n_syscalls = 1;
  p->syscalls[0].names = names;
  p->syscalls[0].n_names = n_names;
  p->syscalls[0].action = MRT_SCMP_ACT_ALLOW;
  return p;
}
