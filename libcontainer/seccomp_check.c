/* SPDX-License-Identifier: Apache-2.0 */
/* `minirt seccomp check`: the mistakes people really make in profiles,
 * each reported at the line that causes it.  Everything here is a warning
 * (the profile loads, but probably does not do what its author meant); the
 * errors are what minirt itself would refuse when compiling it. */
#include <ctype.h>
#include <errno.h>
#include <seccomp.h>
#include <stdarg.h>
#include <stdio.h>
#include <sys/capability.h>
#include <string.h>

#include "minirt/seccomp_profile.h"
#include "seccomp.h"
#include "seccomp_internal.h"
#include "utils.h"

struct findings
{
  struct mrt_profile_finding *v;
  size_t n, cap;
};

static void __attribute__ ((format (printf, 4, 5)))
add (struct findings *f, bool error, unsigned line, const char *fmt, ...)
{
  if (f->n == f->cap)
    {
      f->cap = f->cap ? f->cap * 2 : 16;
      f->v = xrealloc (f->v, f->cap * sizeof (*f->v));
    }
  va_list ap;
  va_start (ap, fmt);
  char *msg = xvasprintf (fmt, ap);
  va_end (ap);
  f->v[f->n++] = (struct mrt_profile_finding){ .error = error, .line = line, .msg = msg };
}

void
mrt_profile_findings_free (struct mrt_profile_finding *f, size_t n)
{
  for (size_t i = 0; i < n; i++)
    free (f[i].msg);
  free (f);
}

static unsigned line_of (const struct mrt_profile *p, const char *fmt, ...) __attribute__ ((format (printf, 2, 3)));

static unsigned
line_of (const struct mrt_profile *p, const char *fmt, ...)
{
  va_list ap;
  va_start (ap, fmt);
  cleanup_free char *path = xvasprintf (fmt, ap);
  va_end (ap);
  return mrt_profile_line_of (p, path);
}

static bool
is_denying (enum mrt_seccomp_action a)
{
  return a == MRT_SCMP_ACT_ERRNO || a == MRT_SCMP_ACT_KILL || a == MRT_SCMP_ACT_KILL_PROCESS
         || a == MRT_SCMP_ACT_KILL_THREAD || a == MRT_SCMP_ACT_TRAP;
}

static bool
is_allowing (enum mrt_seccomp_action a)
{
  return a == MRT_SCMP_ACT_ALLOW || a == MRT_SCMP_ACT_LOG;
}

/* ---- unknown fields ---------------------------------------------------------------------- */

static const char *const oci_top[] = { "defaultAction", "defaultErrnoRet",  "architectures", "flags",
                                       "listenerPath",  "listenerMetadata", "syscalls",      NULL };
static const char *const docker_top[] = { "archMap", "defaultErrno", NULL };
static const char *const oci_rule[] = { "names", "action", "errnoRet", "args", NULL };
static const char *const docker_rule[] = { "name", "errno", "comment", "includes", "excludes", NULL };
static const char *const arg_keys[] = { "index", "value", "valueTwo", "op", NULL };
static const char *const filter_keys[] = { "caps", "arches", "minKernel", NULL };
static const char *const archmap_keys[] = { "architecture", "subArchitectures", NULL };

static bool
in_set (const char *const *set, const char *s)
{
  for (; set && *set; set++)
    if (strcmp (*set, s) == 0)
      return true;
  return false;
}

static const char *
nearest_key (const char *key, const char *const *a, const char *const *b)
{
  const char *best = NULL;
  size_t best_d = 4;
  for (int k = 0; k < 2; k++)
    for (const char *const *s = k ? b : a; s && *s; s++)
      {
        size_t d = mrt_levenshtein (key, *s);
        if (d < best_d)
          best_d = d, best = *s;
      }
  return best;
}

/* The line map holds every path of the document: keys are the last
 * component of paths one level below an object we know. */
static void
check_keys (const struct mrt_profile *p, struct findings *f)
{
  bool docker = p->format == MRT_PROFILE_DOCKER;
  size_t bl = strlen (p->base);
  for (size_t i = 0; i < p->n_lines; i++)
    {
      const char *path = p->lines[i].path;
      if (bl)
        {
          if (strncmp (path, p->base, bl) != 0 || path[bl] != '.')
            continue;
          path += bl + 1;
        }
      if (*path == '\0')
        continue;
      const char *key = strrchr (path, '.');
      key = key ? key + 1 : path;
      if (strchr (key, '[') || strchr (key, ']'))
        continue; /* an array element, not a key */
      size_t plen = (size_t)(key - path);
      cleanup_free char *parent = plen ? xstrndup (path, plen - 1) : xstrdup ("");
      const char *const *set = NULL, *const *extra = NULL;
      unsigned a, b;
      char tail[32];
      int used = 0;
      if (*parent == '\0')
        set = oci_top, extra = docker ? docker_top : NULL;
      else if (sscanf (parent, "syscalls[%u]%n", &a, &used) == 1 && parent[used] == '\0')
        set = oci_rule, extra = docker ? docker_rule : NULL;
      else if (sscanf (parent, "syscalls[%u].args[%u]%n", &a, &b, &used) == 2 && parent[used] == '\0')
        set = arg_keys;
      else if (docker && sscanf (parent, "syscalls[%u].%31[a-z]%n", &a, tail, &used) == 2 && parent[used] == '\0'
               && (strcmp (tail, "includes") == 0 || strcmp (tail, "excludes") == 0))
        set = filter_keys;
      else if (docker && sscanf (parent, "archMap[%u]%n", &a, &used) == 1 && parent[used] == '\0')
        set = archmap_keys;
      if (set == NULL || in_set (set, key) || in_set (extra, key))
        continue;
      const char *near = nearest_key (key, set, extra);
      if (!docker && (in_set (docker_top, key) || in_set (docker_rule, key)))
        add (f, false, p->lines[i].line, "%s: \"%s\" is a Docker/Kubernetes field that OCI runtimes ignore", path, key);
      else if (near)
        add (f, false, p->lines[i].line, "%s: unknown field, ignored (did you mean \"%s\"?)", path, near);
      else
        add (f, false, p->lines[i].line, "%s: unknown field, ignored", path);
    }
}

/* ---- rules ----------------------------------------------------------------------------------- */

static void
check_rules (const struct mrt_profile *p, struct findings *f)
{
  uint32_t def = 0;
  mrt_seccomp_action_value (p->s.default_action, &p->s.default_errno_ret, &def);
  for (size_t i = 0; i < p->s.n_syscalls; i++)
    {
      const struct mrt_seccomp_syscall *s = &p->s.syscalls[i];
      bool legacy = p->extra && p->extra[i].legacy_name;
      if (legacy)
        add (f, false, line_of (p, "syscalls[%zu].name", i),
             "syscalls[%zu].name: legacy field \"name\": runc, crun and minirt read only \"names\" in config.json "
             "(minirt seccomp convert rewrites it)",
             i);
      for (size_t j = 0; j < s->n_names; j++)
        {
          if (mrt_syscall_known (s->names[j]))
            continue;
          cleanup_free char *near = mrt_syscall_nearest (s->names[j]);
          cleanup_free char *where
              = legacy ? xasprintf ("syscalls[%zu].name", i) : xasprintf ("syscalls[%zu].names[%zu]", i, j);
          cleanup_free char *hint = near ? xasprintf (" (did you mean \"%s\"?)", near) : xstrdup ("");
          add (f, false, mrt_profile_line_of (p, where),
               "%s: unknown syscall \"%s\"%s: libseccomp does not know it, so runc and minirt skip it without a word",
               where, s->names[j], hint);
        }
      uint32_t act = 0;
      if (mrt_seccomp_action_value (s->action, &s->errno_ret, &act) == 0 && act == def)
        add (f, false, line_of (p, "syscalls[%zu].action", i),
             "syscalls[%zu].action: %s is also the defaultAction%s: this rule changes nothing (runc and minirt "
             "drop it)",
             i, mrt_seccomp_action_name (s->action), s->action == MRT_SCMP_ACT_ERRNO ? " with the same errno" : "");
    }

  /* The same syscall in two unconditional rules: libseccomp keeps one. */
  for (size_t i = 0; i < p->s.n_syscalls; i++)
    for (size_t j = 0; j < p->s.syscalls[i].n_names; j++)
      for (size_t k = i + 1; k < p->s.n_syscalls; k++)
        {
          const struct mrt_seccomp_syscall *a = &p->s.syscalls[i], *b = &p->s.syscalls[k];
          if (a->n_args || b->n_args
              || (p->extra
                  && (p->extra[i].includes.n_caps || p->extra[k].includes.n_caps || p->extra[i].includes.n_arches
                      || p->extra[k].includes.n_arches)))
            continue;
          for (size_t m = 0; m < b->n_names; m++)
            if (strcmp (a->names[j], b->names[m]) == 0)
              add (f, false, line_of (p, "syscalls[%zu].names[%zu]", k, m),
                   "syscalls[%zu].names[%zu]: \"%s\" is already in syscalls[%zu]%s", k, m, b->names[m], i,
                   a->action == b->action
                       ? ""
                       : " with another action: libseccomp keeps the first rule and ignores this one");
        }
}

/* ---- Docker includes / excludes ---------------------------------------------------------------- */

/* "CAP_SYS_ADMIN" as libcap knows it; *near gets the closest known name. */
static bool
cap_known (const char *name, char **near)
{
  size_t best = SIZE_MAX;
  *near = NULL;
  for (int i = 0; i < 64; i++)
    {
      char *n = cap_to_name (i);
      if (n == NULL)
        continue;
      if (n[0] >= '0' && n[0] <= '9')
        {
          cap_free (n);
          continue; /* libcap does not know it */
        }
      for (char *c = n; *c; c++)
        *c = (char)toupper ((unsigned char)*c);
      size_t d = mrt_levenshtein (name, n);
      if (d < best)
        {
          best = d;
          free (*near);
          *near = xstrdup (n);
        }
      cap_free (n);
      if (d == 0)
        return true;
    }
  if (best > 3)
    {
      free (*near);
      *near = NULL;
    }
  return false;
}

/* moby compares caps and arches as plain strings: a name it does not use
 * makes an includes rule dead and an excludes rule toothless. */
static void
check_filter (const struct mrt_profile *p, struct findings *f, size_t i, const char *key,
              const struct mrt_profile_filter *flt)
{
  const char *effect = strcmp (key, "includes") == 0 ? "this rule never applies" : "this never excludes the rule";
  for (size_t k = 0; k < flt->n_caps; k++)
    {
      cleanup_free char *near = NULL;
      if (cap_known (flt->caps[k], &near))
        continue;
      cleanup_free char *hint = near ? xasprintf (" (did you mean \"%s\"?)", near) : xstrdup ("");
      add (f, false, line_of (p, "syscalls[%zu].%s.caps[%zu]", i, key, k),
           "syscalls[%zu].%s.caps[%zu]: unknown capability \"%s\"%s: %s", i, key, k, flt->caps[k], hint, effect);
    }
  for (size_t k = 0; k < flt->n_arches; k++)
    {
      const char *docker = mrt_profile_docker_arch (flt->arches[k]);
      if (docker && strcmp (docker, flt->arches[k]) == 0)
        continue;
      cleanup_free char *hint = docker ? xasprintf (" (moby calls it \"%s\")", docker) : xstrdup ("");
      add (f, false, line_of (p, "syscalls[%zu].%s.arches[%zu]", i, key, k),
           "syscalls[%zu].%s.arches[%zu]: \"%s\" is not an architecture name moby matches%s: %s", i, key, k,
           flt->arches[k], hint, effect);
    }
}

static void
check_filters (const struct mrt_profile *p, struct findings *f)
{
  for (size_t i = 0; p->extra && i < p->s.n_syscalls; i++)
    {
      check_filter (p, f, i, "includes", &p->extra[i].includes);
      check_filter (p, f, i, "excludes", &p->extra[i].excludes);
    }
}

/* ---- families blocked in part ---------------------------------------------------------------- */

/* Syscalls that do the same thing: a denylist that names one of them
 * without the others does not stop the operation (seed 003's prevent-chmod
 * stops chmod(1) of busybox but not coreutils, which calls fchmodat). */
static const char *const families[][9] = {
  { "mkdir", "mkdirat" },
  { "chmod", "fchmod", "fchmodat", "fchmodat2" },
  { "chown", "chown32", "lchown", "lchown32", "fchown", "fchown32", "fchownat" },
  { "open", "openat", "openat2", "creat" },
  { "rename", "renameat", "renameat2" },
  { "unlink", "unlinkat" },
  { "rmdir", "unlinkat" },
  { "link", "linkat" },
  { "symlink", "symlinkat" },
  { "mknod", "mknodat" },
  { "execve", "execveat" },
  { "clone", "clone3" },
  { "mount", "fsopen", "fsmount", "move_mount", "open_tree" },
  { "umount", "umount2" },
  { "kill", "tkill", "tgkill", "pidfd_send_signal" },
  { "setuid", "setuid32", "setreuid", "setreuid32", "setresuid", "setresuid32", "setfsuid", "setfsuid32" },
  { "setgid", "setgid32", "setregid", "setregid32", "setresgid", "setresgid32", "setfsgid", "setfsgid32" },
  { "init_module", "finit_module" },
  { "kexec_load", "kexec_file_load" },
  { "settimeofday", "clock_settime", "clock_settime64", "stime" },
  { "truncate", "truncate64", "ftruncate", "ftruncate64" },
  { "utime", "utimes", "futimesat", "utimensat", "utimensat_time64" },
  { "setxattr", "lsetxattr", "fsetxattr" },
  { "removexattr", "lremovexattr", "fremovexattr" },
  { "socket", "socketcall" },
};

enum treatment
{
  T_ABSENT, /* not on any architecture of the profile */
  T_DENIED, /* named by a denying rule (with or without conditions) */
  T_ALLOWED,
  T_OTHER, /* notify, trace, or denied by default */
};

static enum treatment
treatment_of (const struct mrt_profile *p, const char *name, size_t *rule, size_t *index)
{
  if (!mrt_seccomp_has_syscall (&p->s, name))
    return T_ABSENT;
  bool allowed_by_rule = false;
  for (size_t i = 0; i < p->s.n_syscalls; i++)
    for (size_t j = 0; j < p->s.syscalls[i].n_names; j++)
      if (strcmp (p->s.syscalls[i].names[j], name) == 0)
        {
          const struct mrt_seccomp_syscall *r = &p->s.syscalls[i];
          /* ENOSYS says "not implemented, use the older call" (Docker's
           * clone3): a deliberate fallback, not a block. */
          if (r->action == MRT_SCMP_ACT_ERRNO && r->errno_ret.set && r->errno_ret.value == ENOSYS)
            return T_OTHER;
          if (is_denying (p->s.syscalls[i].action))
            {
              *rule = i, *index = j;
              return T_DENIED;
            }
          if (is_allowing (p->s.syscalls[i].action))
            allowed_by_rule = true;
        }
  return allowed_by_rule || is_allowing (p->s.default_action) ? T_ALLOWED : T_OTHER;
}

static void
check_families (const struct mrt_profile *p, struct findings *f)
{
  for (size_t i = 0; i < ARRAY_SIZE (families); i++)
    {
      const char *denied = NULL;
      size_t rule = 0, index = 0;
      cleanup_free char *allowed = xstrdup ("");
      for (size_t k = 0; k < ARRAY_SIZE (families[i]) && families[i][k]; k++)
        {
          size_t r = 0, x = 0;
          switch (treatment_of (p, families[i][k], &r, &x))
            {
            case T_DENIED:
              if (denied == NULL)
                denied = families[i][k], rule = r, index = x;
              break;
            case T_ALLOWED:
              {
                char *n = xasprintf ("%s%s%s", allowed, *allowed ? ", " : "", families[i][k]);
                free (allowed);
                allowed = n;
                break;
              }
            default:
              break;
            }
        }
      if (denied == NULL || *allowed == '\0')
        continue;
      bool legacy = p->extra && p->extra[rule].legacy_name;
      cleanup_free char *where
          = legacy ? xasprintf ("syscalls[%zu].name", rule) : xasprintf ("syscalls[%zu].names[%zu]", rule, index);
      add (f, false, mrt_profile_line_of (p, where),
           "%s: %s is refused but %s %s allowed: the same operation still works through %s", where, denied, allowed,
           strchr (allowed, ',') ? "are" : "is", strchr (allowed, ',') ? "them" : "it");
    }
}

/* ---- architectures ----------------------------------------------------------------------------- */

/* Docker's archMap: the architectures a kernel runs next to the native one. */
static const char *const companions[][3] = {
  { "SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32" },
  { "SCMP_ARCH_AARCH64", "SCMP_ARCH_ARM", NULL },
  { "SCMP_ARCH_MIPS64", "SCMP_ARCH_MIPS", "SCMP_ARCH_MIPS64N32" },
  { "SCMP_ARCH_MIPS64N32", "SCMP_ARCH_MIPS", "SCMP_ARCH_MIPS64" },
  { "SCMP_ARCH_MIPSEL64", "SCMP_ARCH_MIPSEL", "SCMP_ARCH_MIPSEL64N32" },
  { "SCMP_ARCH_MIPSEL64N32", "SCMP_ARCH_MIPSEL", "SCMP_ARCH_MIPSEL64" },
  { "SCMP_ARCH_S390X", "SCMP_ARCH_S390", NULL },
};

/* The companions of `arch` missing from list, or NULL. */
static char *
missing_companions (const char *arch, char *const *list, size_t n)
{
  for (size_t c = 0; c < ARRAY_SIZE (companions); c++)
    {
      if (strcmp (arch, companions[c][0]) != 0)
        continue;
      cleanup_free char *missing = xstrdup ("");
      for (size_t k = 1; k < 3 && companions[c][k]; k++)
        {
          bool found = false;
          for (size_t m = 0; m < n; m++)
            found = found || strcmp (list[m], companions[c][k]) == 0;
          if (!found)
            {
              char *s = xasprintf ("%s%s%s", missing, *missing ? ", " : "", companions[c][k]);
              free (missing);
              missing = s;
            }
        }
      return *missing ? steal_pointer (&missing) : NULL;
    }
  return NULL;
}

static void
check_arches (const struct mrt_profile *p, struct findings *f)
{
  /* Under a deny-by-default profile a foreign program is refused anyway:
   * SIGSYS instead of EPERM changes little.  Under allow-by-default it is
   * killed where the author meant to let it run. */
  if (is_denying (p->s.default_action))
    return;
  static const char *const why = "programs built for those match none of the rules and are killed (SIGSYS) at "
                                 "their first syscall; Docker's default lists them together";
  for (size_t i = 0; i < p->s.n_architectures; i++)
    {
      cleanup_free char *missing = missing_companions (p->s.architectures[i], p->s.architectures, p->s.n_architectures);
      if (missing)
        add (f, false, line_of (p, "architectures[%zu]", i), "architectures[%zu]: %s without %s: %s", i,
             p->s.architectures[i], missing, why);
    }
  for (size_t i = 0; i < p->n_arch_map; i++)
    {
      cleanup_free char *missing = missing_companions (p->arch_map[i].arch, p->arch_map[i].sub, p->arch_map[i].n_sub);
      if (missing)
        add (f, false, line_of (p, "archMap[%zu].architecture", i),
             "archMap[%zu]: %s without the subArchitectures %s: %s", i, p->arch_map[i].arch, missing, why);
    }
}

/* ---- can a container run at all? -------------------------------------------------------------- */

/* The unconditional rule for `name`, or the default action. */
static enum mrt_seccomp_action
action_for (const struct mrt_profile *p, const char *name, char **where)
{
  for (size_t i = p->s.n_syscalls; i-- > 0;)
    for (size_t j = 0; j < p->s.syscalls[i].n_names; j++)
      if (p->s.syscalls[i].n_args == 0 && strcmp (p->s.syscalls[i].names[j], name) == 0)
        {
          *where = p->extra && p->extra[i].legacy_name ? xasprintf ("syscalls[%zu].name", i)
                                                       : xasprintf ("syscalls[%zu].names[%zu]", i, j);
          return p->s.syscalls[i].action;
        }
  *where = xstrdup ("defaultAction");
  return p->s.default_action;
}

static void
check_runnable (const struct mrt_profile *p, struct findings *f)
{
  cleanup_free char *where = NULL;
  enum mrt_seccomp_action a = action_for (p, "execve", &where);
  if (is_denying (a))
    add (f, false, mrt_profile_line_of (p, where),
         "%s: execve is refused (%s): no container can even start under this profile (minirt refuses to create "
         "it; runc starts it and it fails)",
         where, mrt_seccomp_action_name (a));
  if (is_denying (a))
    return; /* nothing runs at all: the rest is moot */
  cleanup_free char *w1 = NULL, *w2 = NULL;
  enum mrt_seccomp_action e1 = action_for (p, "exit_group", &w1), e2 = action_for (p, "exit", &w2);
  if (e1 == MRT_SCMP_ACT_ERRNO && e2 == MRT_SCMP_ACT_ERRNO)
    add (f, false, mrt_profile_line_of (p, w1),
         "%s: exit_group and exit are refused: no process can end normally (glibc's _exit then executes an invalid "
         "instruction: SIGSEGV, exit status 139)",
         w1);
}

/* What minirt would say when creating a container with this profile. */
static void
check_compiles (const struct mrt_profile *p, struct findings *f)
{
  cleanup_error mrt_error_t err = NULL;
  struct mrt_seccomp *s = NULL;
  struct mrt_seccomp_filter *filter = NULL;
  cleanup_free char *where = NULL;
  if (is_denying (action_for (p, "execve", &where)))
    return; /* already said, and compiling would only repeat it */
  /* A Docker/Kubernetes profile gets its listenerPath from the runtime
   * manager (CRI-O injects one); a config.json must have it. */
  unsigned options = p->format == MRT_PROFILE_DOCKER ? MRT_SECCOMP_OWN_LISTENER : 0;
  if (mrt_profile_resolve (p, NULL, &s, &err) == 0 && mrt_seccomp_compile_ex (s, NULL, options, &filter, &err) == 0)
    {
      mrt_seccomp_filter_free (filter);
      mrt_seccomp_free (s);
      return;
    }
  mrt_seccomp_free (s);
  const char *msg = err && err->msg ? err->msg : "cannot compile";
  unsigned line = 1;
  const char *prefix = "linux.seccomp.";
  if (p->format != MRT_PROFILE_DOCKER && strncmp (msg, prefix, strlen (prefix)) == 0)
    {
      cleanup_free char *path = xstrndup (msg + strlen (prefix), strcspn (msg + strlen (prefix), ": "));
      line = mrt_profile_line_of (p, path);
    }
  add (f, true, line, "minirt would refuse this profile: %s", msg);
}

int
mrt_profile_check (const struct mrt_profile *p, struct mrt_profile_finding **out, size_t *n, mrt_error_t *err)
{
  struct findings f = { 0 };
  (void)err;
  check_keys (p, &f);
  check_rules (p, &f);
  check_filters (p, &f);
  check_families (p, &f);
  check_arches (p, &f);
  check_runnable (p, &f);
  check_compiles (p, &f);

  /* By line; stable, so one line's findings keep the order of the checks. */
  for (size_t i = 1; i < f.n; i++)
    for (size_t k = i; k > 0 && f.v[k - 1].line > f.v[k].line; k--)
      {
        struct mrt_profile_finding t = f.v[k];
        f.v[k] = f.v[k - 1];
        f.v[k - 1] = t;
      }
  int errors = 0;
  for (size_t i = 0; i < f.n; i++)
    errors += f.v[i].error;
  *out = f.v;
  *n = f.n;
  return errors;
}
