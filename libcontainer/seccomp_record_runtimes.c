/* SPDX-License-Identifier: Apache-2.0 */
/* The syscalls a runtime's own init makes under the container's filter,
 * after loading it and up to the workload's execve, which a recorded
 * profile must allow for that runtime to start the workload at all
 * (minirt/seccomp_record.h).  Pure: no side effects, unit-tested.
 *
 * Measured on x86_64 (Debian 12, kernel 6.18) with `strace -f` of
 * `RUNTIME run` and `RUNTIME exec`, a filter in config.json, busybox
 * `echo`: every syscall of the init's task (and of any thread it clones)
 * after the successful prctl(PR_SET_SECCOMP)/seccomp(SECCOMP_SET_MODE_FILTER)
 * up to its execve, 20 runs (runc run), 10 (runc exec) or 3 to 6 (crun,
 * minirt), for noNewPrivileges true and false and for uid 0 and 1000.  Where the filter is loaded depends on
 * noNewPrivileges (without it, loading needs CAP_SYS_ADMIN, so runc, crun
 * and minirt load it before dropping capabilities and switching user), and
 * the runtime that deploys a profile decides it (a pod's
 * allowPrivilegeEscalation), not the recorded bundle: the tables are the
 * union of both. */
#include <seccomp.h>
#include <stdlib.h>
#include <string.h>

#include "minirt/seccomp_record.h"
#include "seccomp.h"
#include "utils.h"

/* runc 1.1.5 (Debian's 1.1.5+ds1-1+deb12u1).
 *  - noNewPrivileges true, the filter is loaded last: close of its sync and
 *    log pipes, open+write of the exec fifo, getpid for the start hooks'
 *    state, then (the CVE-2024-21626 backport) closing every fd from
 *    /proc/self/fd: openat, fstatfs (is it procfs?), getdents64, close;
 *    Go registers the directory fd with its poller: epoll_ctl (EPERM from
 *    the kernel anyway, refused is harmless but it is made);
 *  - noNewPrivileges false adds finalizeNamespace's capget/capset/prctl
 *    (PR_SET_KEEPCAPS, ambient, bounding), setgroups/setgid/setuid, chdir,
 *    getcwd, the exec path lookup (newfstatat, faccessat2), the parent's
 *    pid (getppid), fcntl/fstat/read of /proc/self/fd, fchown of stdio
 *    for a non-root user;
 *  - the Go runtime on that thread: futex (waking another thread; a refused
 *    wake is a fatal runtime error), rt_sigreturn (after a preemption
 *    signal; refused, the thread crashes) were seen in some runs only;
 *    nanosleep and sched_yield (lock spinning) were never seen but are what
 *    the same thread does under lock contention.
 *  `runc exec` (its setns init) makes a subset of these. */
static const char *const runc_calls[]
    = { "capget",       "capset",      "chdir",     "close",      "epoll_ctl", "execve", "faccessat2",
        "fchown",       "fcntl",       "fstat",     "fstatfs",    "futex",     "getcwd", "getdents64",
        "getpid",       "getppid",     "nanosleep", "newfstatat", "openat",    "prctl",  "read",
        "rt_sigreturn", "sched_yield", "setgid",    "setgroups",  "setuid",    "write",  NULL };

/* crun 1.8.1: with noNewPrivileges only close (of its sync socket) comes
 * between the load and execve; without, prctl (keepcaps, ambient, bounding
 * set), setresgid/setresuid, capset, resetting every signal's disposition
 * and the mask (rt_sigaction, rt_sigprocmask) and a write to its sync
 * socket follow.  `crun exec` loads the filter before switching user either
 * way, and then also reads /proc/self/setgroups (openat, statx, read),
 * calls setgroups, and checks and chowns stdio (ioctl TCGETS, fchown). */
static const char *const crun_calls[]
    = { "capset",       "close",          "execve",    "fchown",    "ioctl",     "openat", "prctl", "read",
        "rt_sigaction", "rt_sigprocmask", "setgroups", "setresgid", "setresuid", "statx",  "write", NULL };

/* minirt without a listener (an enforced profile): with noNewPrivileges
 * only the execve; without, switching user and dropping capabilities
 * (reading /proc/self/setgroups: openat, read, close; setgroups, prctl,
 * setresgid, setresuid, capget, capset), umask, newfstatat of stdio, and
 * fchown of stdio when they are pipes (what CRI runtimes give) and the
 * user is not root.  `minirt exec` adds prctl.  A recording also notes
 * minirt's calls of that very run, which go into the same rule. */
static const char *const minirt_calls[]
    = { "capget", "capset", "close",     "execve",    "fchown",    "newfstatat", "openat",
        "prctl",  "read",   "setgroups", "setresgid", "setresuid", "umask",      NULL };

static const struct
{
  const char *name;
  unsigned bit;
  const char *const *calls;
} runtimes[] = {
  { "minirt", MRT_RECORD_FOR_MINIRT, minirt_calls },
  { "runc", MRT_RECORD_FOR_RUNC, runc_calls },
  { "crun", MRT_RECORD_FOR_CRUN, crun_calls },
};

int
mrt_seccomp_record_runtimes_parse (const char *s, unsigned *out)
{
  if (s == NULL || strcmp (s, "any") == 0)
    {
      *out = MRT_RECORD_FOR_ANY;
      return 0;
    }
  for (size_t i = 0; i < ARRAY_SIZE (runtimes); i++)
    if (strcmp (s, runtimes[i].name) == 0)
      {
        *out = runtimes[i].bit;
        return 0;
      }
  return -1;
}

char *
mrt_seccomp_record_runtimes_describe (unsigned which)
{
  char *out = xstrdup ("");
  for (size_t i = 0; i < ARRAY_SIZE (runtimes); i++)
    if (which & runtimes[i].bit)
      {
        char *next = xasprintf ("%s%s%s", out, *out ? ", " : "", runtimes[i].name);
        free (out);
        out = next;
      }
  return out;
}

static bool
has_name (char *const *v, size_t n, const char *name)
{
  for (size_t i = 0; i < n; i++)
    if (strcmp (v[i], name) == 0)
      return true;
  return false;
}

static int
compare_names (const void *a, const void *b)
{
  return strcmp (*(char *const *)a, *(char *const *)b);
}

/* Add name to the runtime rule unless the workload's rule (p->syscalls[0])
 * or the runtime rule has it, or the native architecture has no such
 * syscall (the tables were measured on x86_64). */
static void
add_runtime_name (struct mrt_seccomp *p, struct mrt_seccomp_syscall *rt, size_t *cap, uint32_t native_arch,
                  const char *name)
{
  if ((p->n_syscalls > 0 && has_name (p->syscalls[0].names, p->syscalls[0].n_names, name))
      || has_name (rt->names, rt->n_names, name) || seccomp_syscall_resolve_name_arch (native_arch, name) < 0)
    return;
  if (rt->n_names + 1 >= *cap)
    {
      *cap = *cap ? *cap * 2 : 32;
      rt->names = xrealloc (rt->names, *cap * sizeof (char *));
    }
  rt->names[rt->n_names++] = xstrdup (name);
  rt->names[rt->n_names] = NULL;
}

size_t
mrt_seccomp_record_add_runtime_rule (struct mrt_seccomp *p, unsigned which, char *const *extra, uint32_t native_arch)
{
  struct mrt_seccomp_syscall rt = { .action = MRT_SCMP_ACT_ALLOW };
  size_t cap = 0;

  if (native_arch == 0)
    native_arch = seccomp_arch_native ();
  for (size_t i = 0; i < ARRAY_SIZE (runtimes); i++)
    if (which & runtimes[i].bit)
      for (const char *const *c = runtimes[i].calls; *c; c++)
        add_runtime_name (p, &rt, &cap, native_arch, *c);
  for (size_t i = 0; extra && extra[i]; i++)
    add_runtime_name (p, &rt, &cap, native_arch, extra[i]);
  if (rt.n_names == 0)
    return 0;
  qsort (rt.names, rt.n_names, sizeof (char *), compare_names);
  {
    cleanup_free char *who = mrt_seccomp_record_runtimes_describe (which);
    rt.comment = xasprintf ("not the workload's: what the runtimes (%s) call between loading the filter and the "
                            "workload's execve (minirt seccomp record --for-runtime)",
                            *who ? who : "minirt");
  }
  /* The workload's rule stays first: a reader (and `diff`) finds what the
   * workload needs in syscalls[0], what the runtimes need in syscalls[1]. */
  p->syscalls = xrealloc (p->syscalls, (p->n_syscalls + 1) * sizeof (*p->syscalls));
  p->syscalls[p->n_syscalls++] = rt;
  return rt.n_names;
}
