/* SPDX-License-Identifier: Apache-2.0 */
/* A Docker/Kubernetes profile -> the OCI linux.seccomp for one container,
 * the way moby's setupSeccomp does it (profiles/seccomp/seccomp_linux.go):
 * archMap gives the architectures of the target's native one; a rule is
 * dropped when its excludes match (any listed cap in the bounding set, the
 * arch, a kernel >= minKernel) or its includes do not (every listed cap,
 * the arch, the kernel). */
#include <stdio.h>
#include <string.h>
#include <sys/utsname.h>

#include "minirt/seccomp_profile.h"
#include "utils.h"

/* ---- resolution ------------------------------------------------------------------------------ */

struct arch_alias
{
  const char *docker, *scmp, *alias;
};

/* moby's goToNative/nativeToSeccomp names, plus uname/libseccomp aliases. */
static const struct arch_alias arch_aliases[] = {
  { "amd64", "SCMP_ARCH_X86_64", "x86_64" },
  { "x86", "SCMP_ARCH_X86", "i686" },
  { "x86", "SCMP_ARCH_X86", "i386" },
  { "x86", "SCMP_ARCH_X86", "386" },
  { "x32", "SCMP_ARCH_X32", NULL },
  { "arm64", "SCMP_ARCH_AARCH64", "aarch64" },
  { "arm", "SCMP_ARCH_ARM", "armv7l" },
  { "mips64", "SCMP_ARCH_MIPS64", NULL },
  { "mips64n32", "SCMP_ARCH_MIPS64N32", NULL },
  { "mipsel64", "SCMP_ARCH_MIPSEL64", "mips64le" },
  { "mips3l64n32", "SCMP_ARCH_MIPSEL64N32", "mipsel64n32" },
  { "mipsle", "SCMP_ARCH_MIPSEL", "mipsel" },
  { "ppc", "SCMP_ARCH_PPC", NULL },
  { "ppc64", "SCMP_ARCH_PPC64", NULL },
  { "ppc64le", "SCMP_ARCH_PPC64LE", NULL },
  { "s390", "SCMP_ARCH_S390", NULL },
  { "s390x", "SCMP_ARCH_S390X", NULL },
  { "riscv64", "SCMP_ARCH_RISCV64", NULL },
};

static const struct arch_alias *
find_arch (const char *name)
{
  for (size_t i = 0; i < ARRAY_SIZE (arch_aliases); i++)
    {
      const struct arch_alias *a = &arch_aliases[i];
      if (strcmp (a->docker, name) == 0 || strcmp (a->scmp, name) == 0 || (a->alias && strcmp (a->alias, name) == 0))
        return a;
    }
  return NULL;
}

const char *
mrt_profile_docker_arch (const char *name)
{
  const struct arch_alias *a = find_arch (name);
  return a ? a->docker : NULL;
}

struct resolved_target
{
  const struct arch_alias *arch;
  unsigned major, minor;
};

static int
target_resolve (const struct mrt_profile_target *t, struct resolved_target *rt, mrt_error_t *err)
{
  struct utsname u;
  if ((t->arch == NULL || t->kernel == NULL) && uname (&u) < 0)
    return mrt_error_sys (err, "uname");
  const char *arch = t->arch ? t->arch : u.machine;
  rt->arch = find_arch (arch);
  if (rt->arch == NULL)
    return mrt_error_make (err, 0, "unknown architecture \"%s\" (expected e.g. amd64, x86_64 or SCMP_ARCH_X86_64)",
                           arch);
  const char *kernel = t->kernel ? t->kernel : u.release;
  if (sscanf (kernel, "%u.%u", &rt->major, &rt->minor) != 2)
    return mrt_error_make (err, 0, "invalid kernel version \"%s\": expected <major>.<minor>", kernel);
  return 0;
}

int
mrt_profile_target_describe (const struct mrt_profile_target *t, char **arch, char **kernel, mrt_error_t *err)
{
  struct resolved_target rt;
  if (target_resolve (t, &rt, err) < 0)
    return -1;
  *arch = xstrdup (rt.arch->docker);
  *kernel = xasprintf ("%u.%u", rt.major, rt.minor);
  return 0;
}

static bool
in_list (char *const *list, size_t n, const char *s)
{
  for (size_t i = 0; i < n; i++)
    if (strcmp (list[i], s) == 0)
      return true;
  return false;
}

static bool
kernel_at_least (const struct resolved_target *rt, const char *min)
{
  unsigned a = 0, b = 0;
  sscanf (min, "%u.%u", &a, &b);
  return rt->major > a || (rt->major == a && rt->minor >= b);
}

/* moby's setupSeccomp loop, with the bounding set of the target. */
static bool
rule_applies (const struct mrt_profile_rule_extra *x, const struct resolved_target *rt,
              const struct mrt_profile_target *t)
{
  const struct mrt_profile_filter *ex = &x->excludes, *in = &x->includes;
  if (ex->n_arches && in_list (ex->arches, ex->n_arches, rt->arch->docker))
    return false;
  for (size_t i = 0; i < ex->n_caps; i++)
    if (in_list ((char *const *)t->caps, t->n_caps, ex->caps[i]))
      return false;
  if (ex->min_kernel && kernel_at_least (rt, ex->min_kernel))
    return false;
  if (in->n_arches && !in_list (in->arches, in->n_arches, rt->arch->docker))
    return false;
  for (size_t i = 0; i < in->n_caps; i++)
    if (!in_list ((char *const *)t->caps, t->n_caps, in->caps[i]))
      return false;
  if (in->min_kernel && !kernel_at_least (rt, in->min_kernel))
    return false;
  return true;
}

static char **
strv_copy (char *const *v, size_t n)
{
  char **out = xmalloc0 ((n + 1) * sizeof (char *));
  for (size_t i = 0; i < n; i++)
    out[i] = xstrdup (v[i]);
  return out;
}

static void
strv_push (char ***v, size_t *n, const char *s)
{
  if (in_list (*v, *n, s))
    return;
  *v = xrealloc (*v, (*n + 2) * sizeof (char *));
  (*v)[(*n)++] = xstrdup (s);
  (*v)[*n] = NULL;
}

static void
copy_rule (struct mrt_seccomp_syscall *d, const struct mrt_seccomp_syscall *s)
{
  d->names = strv_copy (s->names, s->n_names);
  d->n_names = s->n_names;
  d->action = s->action;
  d->errno_ret = s->errno_ret;
  if (s->n_args)
    {
      d->args = xmalloc0 (s->n_args * sizeof (*d->args));
      memcpy (d->args, s->args, s->n_args * sizeof (*d->args));
    }
  d->n_args = s->n_args;
}

int
mrt_profile_resolve (const struct mrt_profile *p, const struct mrt_profile_target *t, struct mrt_seccomp **out,
                     mrt_error_t *err)
{
  static const struct mrt_profile_target host = { 0 };
  struct resolved_target rt = { 0 };
  if (t == NULL)
    t = &host;
  if (p->format == MRT_PROFILE_DOCKER && target_resolve (t, &rt, err) < 0)
    return -1;

  struct mrt_seccomp *s = xmalloc0 (sizeof (*s));
  s->default_action = p->s.default_action;
  s->default_errno_ret = p->s.default_errno_ret;
  s->architectures = strv_copy (p->s.architectures, p->s.n_architectures);
  s->n_architectures = p->s.n_architectures;
  for (size_t i = 0; i < p->n_arch_map; i++)
    if (strcmp (p->arch_map[i].arch, rt.arch->scmp) == 0)
      {
        strv_push (&s->architectures, &s->n_architectures, p->arch_map[i].arch);
        for (size_t k = 0; k < p->arch_map[i].n_sub; k++)
          strv_push (&s->architectures, &s->n_architectures, p->arch_map[i].sub[k]);
      }
  s->flags = strv_copy (p->s.flags, p->s.n_flags);
  s->n_flags = p->s.n_flags;
  s->listener_path = p->s.listener_path ? xstrdup (p->s.listener_path) : NULL;
  s->listener_metadata = p->s.listener_metadata ? xstrdup (p->s.listener_metadata) : NULL;
  s->syscalls = xmalloc0 ((p->s.n_syscalls + 1) * sizeof (*s->syscalls));
  for (size_t i = 0; i < p->s.n_syscalls; i++)
    if (p->extra == NULL || rule_applies (&p->extra[i], &rt, t))
      copy_rule (&s->syscalls[s->n_syscalls++], &p->s.syscalls[i]);
  *out = s;
  return 0;
}
