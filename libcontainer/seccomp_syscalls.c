/* SPDX-License-Identifier: Apache-2.0 */
/* What minirt knows about syscalls for the profile tools: every name
 * libseccomp knows (for "did you mean"), a coarse grouping for `explain`,
 * seed 003's table of syscalls a container should not have, and argument
 * values in words. */
#include <inttypes.h>
#include <seccomp.h>
#include <stdio.h>
#include <string.h>

#include "minirt/seccomp_profile.h"
#include "seccomp_internal.h"
#include "utils.h"

/* ---- names ---------------------------------------------------------------------------- */

static int
cmp_str (const void *a, const void *b)
{
  return strcmp (*(const char *const *)a, *(const char *const *)b);
}

/* libseccomp has no list of names, but resolves numbers on any
 * architecture: walk the number ranges of the architectures whose tables
 * start at 0 (they hold every name the others use).  A few thousand
 * lookups: cheap enough to redo when asked, so the library keeps no cache. */
char **
mrt_syscall_all_names (size_t *count)
{
  static const uint32_t arches[] = { SCMP_ARCH_X86_64, SCMP_ARCH_X86,   SCMP_ARCH_AARCH64, SCMP_ARCH_ARM,
                                     SCMP_ARCH_PPC64,  SCMP_ARCH_S390X, SCMP_ARCH_RISCV64, SCMP_ARCH_PARISC };
  size_t n = 0, cap = 1024;
  char **v = xmalloc0 (cap * sizeof (char *));
  for (size_t a = 0; a < ARRAY_SIZE (arches); a++)
    for (int nr = 0; nr < 1100; nr++)
      {
        char *name = seccomp_syscall_resolve_num_arch (arches[a], nr);
        if (name == NULL)
          continue;
        if (n + 2 > cap)
          v = xrealloc (v, (cap *= 2) * sizeof (char *));
        v[n++] = name;
      }
  qsort (v, n, sizeof (char *), cmp_str);
  size_t u = 0;
  for (size_t i = 0; i < n; i++)
    if (u > 0 && strcmp (v[u - 1], v[i]) == 0)
      free (v[i]);
    else
      v[u++] = v[i];
  v[u] = NULL;
  *count = u;
  return v;
}

bool
mrt_syscall_known (const char *name)
{
  return seccomp_syscall_resolve_name (name) != __NR_SCMP_ERROR;
}

size_t
mrt_levenshtein (const char *a, const char *b)
{
  size_t la = strlen (a), lb = strlen (b);
  if (la > 64 || lb > 64)
    return SIZE_MAX;
  size_t row[65];
  for (size_t j = 0; j <= lb; j++)
    row[j] = j;
  for (size_t i = 1; i <= la; i++)
    {
      size_t diag = row[0];
      row[0] = i;
      for (size_t j = 1; j <= lb; j++)
        {
          size_t up = row[j];
          size_t best = diag + (a[i - 1] != b[j - 1]);
          if (up + 1 < best)
            best = up + 1;
          if (row[j - 1] + 1 < best)
            best = row[j - 1] + 1;
          row[j] = best;
          diag = up;
        }
    }
  return row[lb];
}

char *
mrt_syscall_nearest (const char *name)
{
  size_t n = 0, best = SIZE_MAX, best_d = SIZE_MAX, nl = strlen (name);
  char **all = mrt_syscall_all_names (&n);
  for (size_t i = 0; i < n; i++)
    {
      size_t d = mrt_levenshtein (name, all[i]);
      if (d == SIZE_MAX)
        continue;
      /* Half steps: "pread" means pread64 more than preadv, so a missing
       * 64/32 suffix counts less than one edit. */
      d *= 2;
      if (strncmp (all[i], name, nl) == 0 && all[i][nl] && strspn (all[i] + nl, "0123456789") == strlen (all[i] + nl))
        d -= 3;
      if (d < best_d)
        {
          best_d = d;
          best = i;
        }
    }
  /* A suggestion further away than a third of the name is noise. */
  size_t limit = nl / 3;
  if (limit < 2)
    limit = 2;
  limit *= 2;
  char *out = best_d <= limit ? xstrdup (all[best]) : NULL;
  for (size_t i = 0; i < n; i++)
    free (all[i]);
  free (all);
  return out;
}

/* ---- groups ---------------------------------------------------------------------------- */

struct group_rule
{
  const char *name; /* exact name, or a prefix when it ends with '*' */
  enum mrt_syscall_group group;
};

#define F MRT_SYSCALL_FILES
#define P MRT_SYSCALL_PROCESSES
#define N MRT_SYSCALL_NETWORK
#define M MRT_SYSCALL_MEMORY
#define T MRT_SYSCALL_TIME
#define S MRT_SYSCALL_SIGNALS_IPC
#define K MRT_SYSCALL_PRIVILEGED

/* Exact names first; the first matching rule wins. */
static const struct group_rule group_rules[] = {
  /* privileged / kernel: the host's, not the container's */
  { "acct", K },
  { "add_key", K },
  { "keyctl", K },
  { "request_key", K },
  { "bpf", K },
  { "chroot", K },
  { "pivot_root", K },
  { "create_module", K },
  { "delete_module", K },
  { "init_module", K },
  { "finit_module", K },
  { "get_kernel_syms", K },
  { "query_module", K },
  { "ioperm", K },
  { "iopl", K },
  { "kexec_load", K },
  { "kexec_file_load", K },
  { "lookup_dcookie", K },
  { "mount", K },
  { "umount", K },
  { "umount2", K },
  { "mount_setattr", K },
  { "move_mount", K },
  { "open_tree", K },
  { "fsopen", K },
  { "fsconfig", K },
  { "fsmount", K },
  { "fspick", K },
  { "nfsservctl", K },
  { "open_by_handle_at", K },
  { "name_to_handle_at", K },
  { "perf_event_open", K },
  { "quotactl", K },
  { "quotactl_fd", K },
  { "reboot", K },
  { "swapon", K },
  { "swapoff", K },
  { "sysfs", K },
  { "_sysctl", K },
  { "syslog", K },
  { "uselib", K },
  { "ustat", K },
  { "vm86", K },
  { "vm86old", K },
  { "vhangup", K },
  { "sethostname", K },
  { "setdomainname", K },
  { "setns", K },
  { "unshare", K },
  { "fanotify_init", K },
  { "settimeofday", K },
  { "stime", K },
  { "clock_settime", K },
  { "clock_settime64", K },
  { "clock_adjtime", K },
  { "clock_adjtime64", K },
  { "adjtimex", K },
  { "lsm_set_self_attr", K },
  { "pciconfig_*", K },
  { "kcmp", K },
  /* memory */
  { "brk", M },
  { "mmap", M },
  { "mmap2", M },
  { "munmap", M },
  { "mremap", M },
  { "mprotect", M },
  { "pkey_*", M },
  { "madvise", M },
  { "process_madvise", M },
  { "process_mrelease", M },
  { "mincore", M },
  { "mlock*", M },
  { "munlock*", M },
  { "msync", M },
  { "remap_file_pages", M },
  { "memfd_*", M },
  { "mbind", M },
  { "get_mempolicy", M },
  { "set_mempolicy*", M },
  { "migrate_pages", M },
  { "move_pages", M },
  { "userfaultfd", M },
  { "map_shadow_stack", M },
  { "mseal", M },
  { "cachestat", F },
  { "membarrier", M },
  /* network */
  { "accept*", N },
  { "bind", N },
  { "connect", N },
  { "getpeername", N },
  { "getsockname", N },
  { "getsockopt", N },
  { "setsockopt", N },
  { "listen", N },
  { "recv*", N },
  { "send", N },
  { "sendto", N },
  { "sendmsg", N },
  { "sendmmsg", N },
  { "shutdown", N },
  { "socket", N },
  { "socketpair", N },
  { "socketcall", N },
  /* time */
  { "alarm", T },
  { "clock_*", T },
  { "gettimeofday", T },
  { "nanosleep", T },
  { "time", T },
  { "timer_*", T },
  { "timerfd*", T },
  { "getitimer", T },
  { "setitimer", T },
  /* signals and IPC */
  { "kill", S },
  { "tkill", S },
  { "tgkill", S },
  { "rt_*", S },
  { "sig*", S },
  { "pause", S },
  { "pidfd_send_signal", S },
  { "restart_syscall", S },
  { "msg*", S },
  { "sem*", S },
  { "shm*", S },
  { "mq_*", S },
  { "ipc", S },
  { "pipe", S },
  { "pipe2", S },
  { "eventfd*", S },
  { "futex*", S },
  /* processes */
  { "arch_prctl", P },
  { "capget", P },
  { "capset", P },
  { "clone", P },
  { "clone3", P },
  { "execve", P },
  { "execveat", P },
  { "exit", P },
  { "exit_group", P },
  { "fork", P },
  { "vfork", P },
  { "get*id", P },
  { "get*id32", P },
  { "set*id", P },
  { "set*id32", P },
  { "getpgrp", P },
  { "getgroups*", P },
  { "setgroups*", P },
  { "getpriority", P },
  { "setpriority", P },
  { "getrlimit", P },
  { "setrlimit", P },
  { "prlimit64", P },
  { "ugetrlimit", P },
  { "getrusage", P },
  { "prctl", P },
  { "personality", P },
  { "sched_*", P },
  { "set_tid_address", P },
  { "set_robust_list", P },
  { "get_robust_list", P },
  { "rseq", P },
  { "wait*", P },
  { "uname", P },
  { "olduname", P },
  { "oldolduname", P },
  { "getcpu", P },
  { "ioprio_*", P },
  { "pidfd_*", P },
  { "times", P },
  { "ptrace", P },
  { "process_vm_*", P },
  { "seccomp", P },
  { "landlock_*", P },
  { "set_thread_area", P },
  { "get_thread_area", P },
  { "modify_ldt", P },
  { "sysinfo", P },
  { "getrandom", P },
  { "lsm_*", P },
  { "futex_*", S },
  /* files (and fd I/O) */
  { "access", F },
  { "faccessat*", F },
  { "chdir", F },
  { "fchdir", F },
  { "getcwd", F },
  { "chmod", F },
  { "fchmod*", F },
  { "chown*", F },
  { "fchown*", F },
  { "lchown*", F },
  { "close*", F },
  { "copy_file_range", F },
  { "creat", F },
  { "dup*", F },
  { "fadvise64*", F },
  { "fallocate", F },
  { "fanotify_mark", F },
  { "fcntl*", F },
  { "fdatasync", F },
  { "*xattr*", F },
  { "flock", F },
  { "*stat*", F },
  { "fsync", F },
  { "*truncate*", F },
  { "getdents*", F },
  { "inotify_*", F },
  { "ioctl", F },
  { "link*", F },
  { "_llseek", F },
  { "llseek", F },
  { "lseek", F },
  { "mkdir*", F },
  { "mknod*", F },
  { "open*", F },
  { "read*", F },
  { "pread*", F },
  { "pwrite*", F },
  { "rename*", F },
  { "rmdir", F },
  { "sendfile*", F },
  { "splice", F },
  { "symlink*", F },
  { "sync*", F },
  { "tee", F },
  { "umask", F },
  { "unlink*", F },
  { "utime*", F },
  { "futimesat", F },
  { "vmsplice", F },
  { "write*", F },
  { "io_*", F },
  { "epoll*", F },
  { "poll", F },
  { "ppoll*", F },
  { "select", F },
  { "_newselect", F },
  { "pselect6*", F },
  { "preadv*", F },
  { "pwritev*", F },
  { "readv", F },
  { "oldfstat", F },
  { "oldlstat", F },
  { "oldstat", F },
};

#undef F
#undef P
#undef N
#undef M
#undef T
#undef S
#undef K

/* Shell-like match with '*' anywhere. */
static bool
glob_match (const char *pat, const char *s)
{
  if (*pat == '\0')
    return *s == '\0';
  if (*pat == '*')
    return glob_match (pat + 1, s) || (*s && glob_match (pat, s + 1));
  return *s == *pat && glob_match (pat + 1, s + 1);
}

enum mrt_syscall_group
mrt_syscall_group (const char *name)
{
  for (size_t i = 0; i < ARRAY_SIZE (group_rules); i++)
    if (strchr (group_rules[i].name, '*') == NULL && strcmp (group_rules[i].name, name) == 0)
      return group_rules[i].group;
  for (size_t i = 0; i < ARRAY_SIZE (group_rules); i++)
    if (strchr (group_rules[i].name, '*') && glob_match (group_rules[i].name, name))
      return group_rules[i].group;
  return MRT_SYSCALL_OTHER;
}

const char *
mrt_syscall_group_name (enum mrt_syscall_group g)
{
  static const char *const names[] = {
    [MRT_SYSCALL_FILES] = "files",
    [MRT_SYSCALL_PROCESSES] = "processes",
    [MRT_SYSCALL_NETWORK] = "network",
    [MRT_SYSCALL_MEMORY] = "memory",
    [MRT_SYSCALL_TIME] = "time",
    [MRT_SYSCALL_SIGNALS_IPC] = "signals and IPC",
    [MRT_SYSCALL_PRIVILEGED] = "privileged/kernel",
    [MRT_SYSCALL_OTHER] = "other",
  };
  return (unsigned)g < ARRAY_SIZE (names) ? names[g] : "other";
}

/* ---- seed 003: the syscalls Docker's default profile blocks, and why ------------------------- */

struct danger
{
  const char *name, *why;
};

static const struct danger dangers[] = {
  { "acct", "accounting syscall which could let containers disable their own resource limits or process "
            "accounting; also gated by CAP_SYS_PACCT" },
  { "add_key", "the kernel keyring is not namespaced" },
  { "adjtimex", "time/date is not namespaced; also gated by CAP_SYS_TIME" },
  { "bpf", "loads potentially persistent bpf programs into the kernel; already gated by CAP_SYS_ADMIN" },
  { "clock_adjtime", "time/date is not namespaced; also gated by CAP_SYS_TIME" },
  { "clock_settime", "time/date is not namespaced; also gated by CAP_SYS_TIME" },
  { "clone", "creates new namespaces; also gated by CAP_SYS_ADMIN for CLONE_* flags, except CLONE_NEWUSER" },
  { "create_module", "manipulates kernel modules; obsolete; also gated by CAP_SYS_MODULE" },
  { "delete_module", "manipulates kernel modules; also gated by CAP_SYS_MODULE" },
  { "finit_module", "manipulates kernel modules; also gated by CAP_SYS_MODULE" },
  { "get_kernel_syms", "retrieves exported kernel and module symbols; obsolete" },
  { "get_mempolicy", "modifies kernel memory and NUMA settings; already gated by CAP_SYS_NICE" },
  { "init_module", "manipulates kernel modules; also gated by CAP_SYS_MODULE" },
  { "ioperm", "modifies kernel I/O privilege levels; already gated by CAP_SYS_RAWIO" },
  { "iopl", "modifies kernel I/O privilege levels; already gated by CAP_SYS_RAWIO" },
  { "kcmp", "process inspection; already blocked by dropping CAP_SYS_PTRACE" },
  { "kexec_file_load", "loads a new kernel for later execution; also gated by CAP_SYS_BOOT" },
  { "kexec_load", "loads a new kernel for later execution; also gated by CAP_SYS_BOOT" },
  { "keyctl", "the kernel keyring is not namespaced" },
  { "lookup_dcookie", "tracing/profiling, could leak a lot of information on the host; also gated by CAP_SYS_ADMIN" },
  { "mbind", "modifies kernel memory and NUMA settings; already gated by CAP_SYS_NICE" },
  { "mount", "mounting; already gated by CAP_SYS_ADMIN" },
  { "move_pages", "modifies kernel memory and NUMA settings" },
  { "name_to_handle_at", "sister syscall of open_by_handle_at; already gated by CAP_SYS_NICE" },
  { "nfsservctl", "interacts with the kernel nfs daemon; obsolete since Linux 3.1" },
  { "open_by_handle_at", "cause of an old container breakout; also gated by CAP_DAC_READ_SEARCH" },
  { "perf_event_open", "tracing/profiling, could leak a lot of information on the host" },
  { "personality", "enables BSD emulation: not inherently dangerous, but poorly tested, potential for a lot of "
                   "kernel vulns" },
  { "pivot_root", "should be a privileged operation" },
  { "process_vm_readv", "process inspection; already blocked by dropping CAP_SYS_PTRACE" },
  { "process_vm_writev", "process inspection; already blocked by dropping CAP_SYS_PTRACE" },
  { "ptrace", "tracing/profiling, could leak a lot of information on the host; already blocked by dropping "
              "CAP_SYS_PTRACE" },
  { "query_module", "manipulates kernel modules; obsolete" },
  { "quotactl", "quota syscall which could let containers disable their own resource limits or process "
                "accounting; also gated by CAP_SYS_ADMIN" },
  { "reboot", "reboots the host; also gated by CAP_SYS_BOOT" },
  { "request_key", "the kernel keyring is not namespaced" },
  { "set_mempolicy", "modifies kernel memory and NUMA settings; already gated by CAP_SYS_NICE" },
  { "setns", "associates a thread with a namespace; also gated by CAP_SYS_ADMIN" },
  { "settimeofday", "time/date is not namespaced; also gated by CAP_SYS_TIME" },
  { "stime", "time/date is not namespaced; also gated by CAP_SYS_TIME" },
  { "swapon", "starts/stops swapping to file/device; also gated by CAP_SYS_ADMIN" },
  { "swapoff", "starts/stops swapping to file/device; also gated by CAP_SYS_ADMIN" },
  { "sysfs", "obsolete syscall" },
  { "_sysctl", "obsolete, replaced by /proc/sys" },
  { "umount", "should be a privileged operation; also gated by CAP_SYS_ADMIN" },
  { "umount2", "should be a privileged operation; also gated by CAP_SYS_ADMIN" },
  { "unshare", "creates new namespaces; also gated by CAP_SYS_ADMIN, except unshare --user" },
  { "uselib", "older syscall related to shared libraries, unused for a long time" },
  { "userfaultfd", "userspace page fault handling, largely needed for process migration" },
  { "ustat", "obsolete syscall" },
  { "vm86", "in-kernel x86 real mode virtual machine; also gated by CAP_SYS_ADMIN" },
  { "vm86old", "in-kernel x86 real mode virtual machine; also gated by CAP_SYS_ADMIN" },
};

const char *
mrt_syscall_danger (const char *name)
{
  for (size_t i = 0; i < ARRAY_SIZE (dangers); i++)
    if (strcmp (dangers[i].name, name) == 0)
      return dangers[i].why;
  return NULL;
}

const char *
mrt_syscall_dangerous_name (size_t i)
{
  return i < ARRAY_SIZE (dangers) ? dangers[i].name : NULL;
}

/* ---- arguments in words ---------------------------------------------------------------------- */

struct bit_name
{
  uint64_t bit;
  const char *name;
};

static const struct bit_name clone_flags[] = {
  { 0x00000100, "CLONE_VM" },
  { 0x00000200, "CLONE_FS" },
  { 0x00000400, "CLONE_FILES" },
  { 0x00000800, "CLONE_SIGHAND" },
  { 0x00001000, "CLONE_PIDFD" },
  { 0x00002000, "CLONE_PTRACE" },
  { 0x00004000, "CLONE_VFORK" },
  { 0x00008000, "CLONE_PARENT" },
  { 0x00010000, "CLONE_THREAD" },
  { 0x00020000, "CLONE_NEWNS" },
  { 0x00040000, "CLONE_SYSVSEM" },
  { 0x00080000, "CLONE_SETTLS" },
  { 0x00100000, "CLONE_PARENT_SETTID" },
  { 0x00200000, "CLONE_CHILD_CLEARTID" },
  { 0x00800000, "CLONE_UNTRACED" },
  { 0x01000000, "CLONE_CHILD_SETTID" },
  { 0x02000000, "CLONE_NEWCGROUP" },
  { 0x04000000, "CLONE_NEWUTS" },
  { 0x08000000, "CLONE_NEWIPC" },
  { 0x10000000, "CLONE_NEWUSER" },
  { 0x20000000, "CLONE_NEWPID" },
  { 0x40000000, "CLONE_NEWNET" },
  { 0x80000000, "CLONE_IO" },
  { 0x00000080, "CLONE_NEWTIME" },
};

static const struct bit_name af_names[] = {
  { 1, "AF_UNIX" },       { 2, "AF_INET" }, { 4, "AF_IPX" },      { 5, "AF_APPLETALK" }, { 9, "AF_X25" },
  { 10, "AF_INET6" },     { 15, "AF_KEY" }, { 16, "AF_NETLINK" }, { 17, "AF_PACKET" },   { 29, "AF_CAN" },
  { 31, "AF_BLUETOOTH" }, { 38, "AF_ALG" }, { 40, "AF_VSOCK" },   { 44, "AF_XDP" },
};

enum arg_kind
{
  ARG_PLAIN,
  ARG_HEX,
  ARG_CLONE_FLAGS,
  ARG_ADDRESS_FAMILY,
};

struct arg_info
{
  const char *syscall;
  unsigned index;
  const char *name;
  enum arg_kind kind;
};

static const struct arg_info arg_infos[] = {
  { "clone", 0, "flags", ARG_CLONE_FLAGS },
  { "unshare", 0, "flags", ARG_CLONE_FLAGS },
  { "setns", 1, "nstype", ARG_CLONE_FLAGS },
  { "personality", 0, "persona", ARG_HEX },
  { "socket", 0, "domain", ARG_ADDRESS_FAMILY },
  { "socketpair", 0, "domain", ARG_ADDRESS_FAMILY },
  { "socket", 1, "type", ARG_PLAIN },
  { "socket", 2, "protocol", ARG_PLAIN },
  { "ioctl", 1, "request", ARG_HEX },
  { "prctl", 0, "option", ARG_PLAIN },
  { "mmap", 2, "prot", ARG_HEX },
  { "mprotect", 2, "prot", ARG_HEX },
  { "kill", 1, "signal", ARG_PLAIN },
  { "tgkill", 2, "signal", ARG_PLAIN },
  { "open", 1, "flags", ARG_HEX },
  { "openat", 2, "flags", ARG_HEX },
  { "chmod", 1, "mode", ARG_HEX },
  { "fchmodat", 2, "mode", ARG_HEX },
  { "sync_file_range", 3, "flags", ARG_HEX },
  { "ptrace", 0, "request", ARG_PLAIN },
};

static const struct arg_info *
find_arg (const char *syscall, unsigned index)
{
  for (size_t i = 0; i < ARRAY_SIZE (arg_infos); i++)
    if (arg_infos[i].index == index && strcmp (arg_infos[i].syscall, syscall) == 0)
      return &arg_infos[i];
  return NULL;
}

static char *
value_text (enum arg_kind kind, uint64_t v)
{
  if (kind == ARG_ADDRESS_FAMILY)
    for (size_t i = 0; i < ARRAY_SIZE (af_names); i++)
      if (af_names[i].bit == v)
        return xasprintf ("%s (%" PRIu64 ")", af_names[i].name, v);
  if (kind == ARG_PLAIN)
    return xasprintf ("%" PRIu64, v);
  return xasprintf ("0x%" PRIx64, v);
}

/* "CLONE_NEWNS, CLONE_NEWUSER" for the known bits of mask, the rest in hex. */
static char *
flag_list (uint64_t mask)
{
  cleanup_free char *out = xstrdup ("");
  uint64_t rest = mask;
  for (int bit = 0; bit < 64; bit++)
    {
      uint64_t b = (uint64_t)1 << bit;
      if (!(mask & b))
        continue;
      for (size_t i = 0; i < ARRAY_SIZE (clone_flags); i++)
        if (clone_flags[i].bit == b)
          {
            char *n = xasprintf ("%s%s%s", out, *out ? ", " : "", clone_flags[i].name);
            free (out);
            out = n;
            rest &= ~b;
          }
    }
  if (rest)
    {
      char *n = xasprintf ("%s%s0x%" PRIx64, out, *out ? ", " : "", rest);
      free (out);
      out = n;
    }
  return steal_pointer (&out);
}

char *
mrt_syscall_describe_arg (const char *syscall, const struct mrt_seccomp_arg *a)
{
  const struct arg_info *info = find_arg (syscall, a->index);
  cleanup_free char *argname = info ? xstrdup (info->name) : xasprintf ("arg%u", a->index);
  enum arg_kind kind = info ? info->kind : ARG_HEX;
  cleanup_free char *v = value_text (kind == ARG_CLONE_FLAGS ? ARG_HEX : kind, a->value);
  static const char *const ops[] = { [MRT_SCMP_CMP_NE] = "!=", [MRT_SCMP_CMP_LT] = "<",  [MRT_SCMP_CMP_LE] = "<=",
                                     [MRT_SCMP_CMP_EQ] = "==", [MRT_SCMP_CMP_GE] = ">=", [MRT_SCMP_CMP_GT] = ">" };

  switch (a->op)
    {
    case MRT_SCMP_CMP_EQ:
      if (kind == ARG_CLONE_FLAGS)
        {
          cleanup_free char *l = flag_list (a->value);
          return xasprintf ("with %s exactly %s", argname, *l ? l : "0");
        }
      return xasprintf ("with %s %s", argname, v);
    case MRT_SCMP_CMP_NE:
      return xasprintf ("with %s other than %s", argname, v);
    case MRT_SCMP_CMP_MASKED_EQ:
      {
        uint64_t mask = a->value, want = a->value_two;
        if (kind == ARG_CLONE_FLAGS && (want == 0 || want == mask))
          {
            cleanup_free char *l = flag_list (mask);
            return xasprintf ("%s %s in %s", want == 0 ? "without" : "with", l, argname);
          }
        if (want == 0)
          return xasprintf ("with none of the bits 0x%" PRIx64 " in %s", mask, argname);
        if (want == mask)
          return xasprintf ("with all of the bits 0x%" PRIx64 " in %s", mask, argname);
        return xasprintf ("with %s & 0x%" PRIx64 " == 0x%" PRIx64, argname, mask, want);
      }
    default:
      if ((unsigned)a->op < ARRAY_SIZE (ops) && ops[a->op])
        return xasprintf ("with %s %s %s", argname, ops[a->op], v);
      return xasprintf ("with %s ? %s", argname, v);
    }
}

bool
mrt_seccomp_has_syscall (const struct mrt_seccomp *s, const char *name)
{
  if (seccomp_syscall_resolve_name_arch (SCMP_ARCH_NATIVE, name) >= 0)
    return true;
  for (size_t i = 0; i < s->n_architectures; i++)
    {
      uint32_t arch;
      if (mrt_seccomp_arch_from_name (s->architectures[i], &arch) == 0
          && seccomp_syscall_resolve_name_arch (arch, name) >= 0)
        return true;
    }
  return false;
}
