/* SPDX-License-Identifier: Apache-2.0 */
/* linux.seccomp -> a ready sock_fprog, translated the way runc 1.1/1.2 does
 * it (libcontainer/seccomp/seccomp_linux.go and patchbpf/):
 *  - SCMP_ACT_KILL is KILL_THREAD; ERRNO and TRACE take errnoRet (EPERM when
 *    absent); defaultErrnoRet applies to the default action;
 *  - the native architecture is always in the filter, plus `architectures`;
 *  - a rule whose action equals the default is dropped (libseccomp refuses
 *    it); syscall names libseccomp does not know are skipped with a debug
 *    line (an older libseccomp must not break a newer profile);
 *  - args: one rule with every condition ANDed, unless some argument index
 *    appears twice: then every condition becomes its own rule (ORed);
 *  - the libseccomp program is exported and prefixed with runc's -ENOSYS
 *    stub (seccomp_enosys.c) so that syscalls newer than the profile fail
 *    with ENOSYS and glibc falls back (clone3 -> clone, ...).
 * The kernel load itself is one seccomp(2) call in the child (seccomp_load). */
#include <errno.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <seccomp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "seccomp.h"
#include "seccomp_internal.h"
#include "utils.h"

/* runc enables the binary tree only above this many rules: libseccomp
 * <= 2.5.4 misbehaves with the tree and (almost) no rules. */
#define OPTIMIZE_MIN_RULES 32

static const char *const action_names[MRT_SCMP_ACT__COUNT + 1] = {
  [MRT_SCMP_ACT_KILL] = "SCMP_ACT_KILL",
  [MRT_SCMP_ACT_KILL_PROCESS] = "SCMP_ACT_KILL_PROCESS",
  [MRT_SCMP_ACT_KILL_THREAD] = "SCMP_ACT_KILL_THREAD",
  [MRT_SCMP_ACT_TRAP] = "SCMP_ACT_TRAP",
  [MRT_SCMP_ACT_ERRNO] = "SCMP_ACT_ERRNO",
  [MRT_SCMP_ACT_TRACE] = "SCMP_ACT_TRACE",
  [MRT_SCMP_ACT_ALLOW] = "SCMP_ACT_ALLOW",
  [MRT_SCMP_ACT_LOG] = "SCMP_ACT_LOG",
  [MRT_SCMP_ACT_NOTIFY] = "SCMP_ACT_NOTIFY",
  [MRT_SCMP_ACT__COUNT] = NULL,
};

static const char *const op_names[MRT_SCMP_CMP__COUNT + 1] = {
  [MRT_SCMP_CMP_NE] = "SCMP_CMP_NE",
  [MRT_SCMP_CMP_LT] = "SCMP_CMP_LT",
  [MRT_SCMP_CMP_LE] = "SCMP_CMP_LE",
  [MRT_SCMP_CMP_EQ] = "SCMP_CMP_EQ",
  [MRT_SCMP_CMP_GE] = "SCMP_CMP_GE",
  [MRT_SCMP_CMP_GT] = "SCMP_CMP_GT",
  [MRT_SCMP_CMP_MASKED_EQ] = "SCMP_CMP_MASKED_EQ",
  [MRT_SCMP_CMP__COUNT] = NULL,
};

static const enum scmp_compare op_values[MRT_SCMP_CMP__COUNT] = {
  [MRT_SCMP_CMP_NE] = SCMP_CMP_NE,
  [MRT_SCMP_CMP_LT] = SCMP_CMP_LT,
  [MRT_SCMP_CMP_LE] = SCMP_CMP_LE,
  [MRT_SCMP_CMP_EQ] = SCMP_CMP_EQ,
  [MRT_SCMP_CMP_GE] = SCMP_CMP_GE,
  [MRT_SCMP_CMP_GT] = SCMP_CMP_GT,
  [MRT_SCMP_CMP_MASKED_EQ] = SCMP_CMP_MASKED_EQ,
};

struct arch_name
{
  const char *name;
  uint32_t arch;
};

/* Every architecture the linked libseccomp knows. */
static const struct arch_name arch_table[] = {
  { "SCMP_ARCH_X86", SCMP_ARCH_X86 },
  { "SCMP_ARCH_X86_64", SCMP_ARCH_X86_64 },
  { "SCMP_ARCH_X32", SCMP_ARCH_X32 },
  { "SCMP_ARCH_ARM", SCMP_ARCH_ARM },
  { "SCMP_ARCH_AARCH64", SCMP_ARCH_AARCH64 },
  { "SCMP_ARCH_MIPS", SCMP_ARCH_MIPS },
  { "SCMP_ARCH_MIPS64", SCMP_ARCH_MIPS64 },
  { "SCMP_ARCH_MIPS64N32", SCMP_ARCH_MIPS64N32 },
  { "SCMP_ARCH_MIPSEL", SCMP_ARCH_MIPSEL },
  { "SCMP_ARCH_MIPSEL64", SCMP_ARCH_MIPSEL64 },
  { "SCMP_ARCH_MIPSEL64N32", SCMP_ARCH_MIPSEL64N32 },
  { "SCMP_ARCH_PPC", SCMP_ARCH_PPC },
  { "SCMP_ARCH_PPC64", SCMP_ARCH_PPC64 },
  { "SCMP_ARCH_PPC64LE", SCMP_ARCH_PPC64LE },
  { "SCMP_ARCH_S390", SCMP_ARCH_S390 },
  { "SCMP_ARCH_S390X", SCMP_ARCH_S390X },
  { "SCMP_ARCH_PARISC", SCMP_ARCH_PARISC },
  { "SCMP_ARCH_PARISC64", SCMP_ARCH_PARISC64 },
  { "SCMP_ARCH_RISCV64", SCMP_ARCH_RISCV64 },
#ifdef SCMP_ARCH_LOONGARCH64
  { "SCMP_ARCH_LOONGARCH64", SCMP_ARCH_LOONGARCH64 },
#endif
#ifdef SCMP_ARCH_M68K
  { "SCMP_ARCH_M68K", SCMP_ARCH_M68K },
#endif
#ifdef SCMP_ARCH_SH
  { "SCMP_ARCH_SH", SCMP_ARCH_SH },
  { "SCMP_ARCH_SHEB", SCMP_ARCH_SHEB },
#endif
};

struct flag_name
{
  const char *name;
  unsigned int flag;
};

static const struct flag_name flag_table[] = {
  { "SECCOMP_FILTER_FLAG_TSYNC", SECCOMP_FILTER_FLAG_TSYNC },
  { "SECCOMP_FILTER_FLAG_LOG", SECCOMP_FILTER_FLAG_LOG },
  { "SECCOMP_FILTER_FLAG_SPEC_ALLOW", SECCOMP_FILTER_FLAG_SPEC_ALLOW },
  { "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV", SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV },
};

const char *const *
mrt_seccomp_known_actions (void)
{
  return action_names;
}

const char *const *
mrt_seccomp_known_operators (void)
{
  return op_names;
}

const char *const *
mrt_seccomp_known_archs (void)
{
  static const char *names[ARRAY_SIZE (arch_table) + 1];
  if (names[0] == NULL)
    for (size_t i = 0; i < ARRAY_SIZE (arch_table); i++)
      names[i] = arch_table[i].name;
  return names;
}

const char *const *
mrt_seccomp_known_flags (void)
{
  static const char *names[ARRAY_SIZE (flag_table) + 1];
  if (names[0] == NULL)
    for (size_t i = 0; i < ARRAY_SIZE (flag_table); i++)
      names[i] = flag_table[i].name;
  return names;
}

int
mrt_seccomp_arch_from_name (const char *name, uint32_t *arch)
{
  for (size_t i = 0; i < ARRAY_SIZE (arch_table); i++)
    if (strcmp (arch_table[i].name, name) == 0)
      {
        *arch = arch_table[i].arch;
        return 0;
      }
  return -1;
}

const char *
mrt_seccomp_arch_name (uint32_t arch)
{
  for (size_t i = 0; i < ARRAY_SIZE (arch_table); i++)
    if (arch_table[i].arch == arch)
      return arch_table[i].name;
  return NULL;
}

/* The kernel answers EFAULT (bad program pointer) for a flag combination it
 * understands and EINVAL for one it does not: libseccomp probes the same way. */
static bool
kernel_accepts_flags (unsigned int flags)
{
  return syscall (SYS_seccomp, SECCOMP_SET_MODE_FILTER, flags, NULL) < 0 && errno == EFAULT;
}

static unsigned int
flag_probe_set (unsigned int flag)
{
  /* WAIT_KILLABLE_RECV is only valid together with NEW_LISTENER. */
  if (flag == SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV)
    return flag | SECCOMP_FILTER_FLAG_NEW_LISTENER;
  return flag;
}

bool
mrt_seccomp_flag_supported (const char *name)
{
  for (size_t i = 0; i < ARRAY_SIZE (flag_table); i++)
    if (strcmp (flag_table[i].name, name) == 0)
      return kernel_accepts_flags (flag_probe_set (flag_table[i].flag));
  return false;
}

int
mrt_seccomp_action_value (enum mrt_seccomp_action action, const mrt_opt_u64 *errno_ret, uint32_t *out)
{
  uint32_t ret = errno_ret && errno_ret->set ? (uint32_t)errno_ret->value : EPERM;
  switch (action)
    {
    case MRT_SCMP_ACT_KILL:
    case MRT_SCMP_ACT_KILL_THREAD:
      *out = SCMP_ACT_KILL_THREAD;
      return 0;
    case MRT_SCMP_ACT_KILL_PROCESS:
      *out = SCMP_ACT_KILL_PROCESS;
      return 0;
    case MRT_SCMP_ACT_TRAP:
      *out = SCMP_ACT_TRAP;
      return 0;
    case MRT_SCMP_ACT_ERRNO:
      *out = SCMP_ACT_ERRNO (ret);
      return 0;
    case MRT_SCMP_ACT_TRACE:
      *out = SCMP_ACT_TRACE (ret);
      return 0;
    case MRT_SCMP_ACT_ALLOW:
      *out = SCMP_ACT_ALLOW;
      return 0;
    case MRT_SCMP_ACT_LOG:
      *out = SCMP_ACT_LOG;
      return 0;
    case MRT_SCMP_ACT_NOTIFY:
      *out = SCMP_ACT_NOTIFY;
      return 0;
    default:
      return -1;
    }
}

bool
mrt_seccomp_filter_wants_listener (const struct mrt_seccomp_filter *f)
{
  return f != NULL && f->listener;
}

size_t
mrt_seccomp_filter_length (const struct mrt_seccomp_filter *f)
{
  return f->n_insns;
}

unsigned int
mrt_seccomp_filter_flags (const struct mrt_seccomp_filter *f)
{
  return f->flags;
}

void
mrt_seccomp_filter_free (struct mrt_seccomp_filter *f)
{
  if (f == NULL)
    return;
  if (f->ctx)
    seccomp_release (f->ctx);
  free (f->insns);
  free (f);
}

static void
filter_freep (struct mrt_seccomp_filter **f)
{
  mrt_seccomp_filter_free (*f);
}

int
mrt_seccomp_filter_export_pfc (const struct mrt_seccomp_filter *f, int fd, mrt_error_t *err)
{
  if (f->ctx == NULL)
    return mrt_error_make (err, ENOTSUP, "seccomp: export pfc: the filter came from the cache");
  int ret = seccomp_export_pfc (f->ctx, fd);
  if (ret < 0)
    return mrt_error_make (err, -ret, "seccomp: export pfc");
  return 0;
}

uint32_t
mrt_seccomp_filter_eval (const struct mrt_seccomp_filter *f, uint32_t audit_arch, int nr, const uint64_t *args)
{
  struct seccomp_data data = { .nr = nr, .arch = audit_arch ? audit_arch : seccomp_arch_native () };
  if (args)
    memcpy (data.args, args, sizeof (data.args));
  return mrt_seccomp_bpf_eval (f->insns, f->n_insns, &data);
}

/* Under seed 000's violation.json even execve fails, and after the filter is
 * loaded the child cannot even write why.  Find out now, in the parent. */
static int
check_execve_allowed (const struct mrt_seccomp_filter *f, mrt_error_t *err)
{
  uint32_t ret = mrt_seccomp_filter_eval (f, 0, seccomp_syscall_resolve_name ("execve"), NULL);
  uint32_t data = ret & SECCOMP_RET_DATA;
  switch (ret & SECCOMP_RET_ACTION_FULL)
    {
    case SECCOMP_RET_ERRNO:
      return mrt_error_make (err, 0,
                             "linux.seccomp: the profile refuses execve (SCMP_ACT_ERRNO, errno %u: %s): the container "
                             "process could never start",
                             data, strerror ((int)data));
    case SECCOMP_RET_KILL_PROCESS:
    case SECCOMP_RET_KILL_THREAD:
    case SECCOMP_RET_TRAP:
      return mrt_error_make (err, 0,
                             "linux.seccomp: the profile kills on execve (SIGSYS): the container process could never "
                             "start");
    default:
      return 0; /* allowed, logged, traced or left to the notify agent */
    }
}

bool
mrt_seccomp_profile_uses_notify (const struct mrt_seccomp *p)
{
  if (p->default_action == MRT_SCMP_ACT_NOTIFY)
    return true;
  for (size_t i = 0; i < p->n_syscalls; i++)
    if (p->syscalls[i].action == MRT_SCMP_ACT_NOTIFY)
      return true;
  return false;
}

static int
add_architectures (scmp_filter_ctx ctx, const struct mrt_seccomp *p, mrt_error_t *err)
{
  for (size_t i = 0; i < p->n_architectures; i++)
    {
      uint32_t arch;
      if (mrt_seccomp_arch_from_name (p->architectures[i], &arch) < 0)
        return mrt_error_make (err, 0, "linux.seccomp.architectures[%zu]: unknown architecture \"%s\"", i,
                               p->architectures[i]);
      int ret = seccomp_arch_add (ctx, arch);
      if (ret < 0 && ret != -EEXIST)
        return mrt_error_make (err, -ret, "linux.seccomp.architectures[%zu]: add \"%s\"", i, p->architectures[i]);
    }
  return 0;
}

static int
translate_flags (const struct mrt_seccomp *p, unsigned int *flags, mrt_error_t *err)
{
  for (size_t i = 0; i < p->n_flags; i++)
    {
      const struct flag_name *found = NULL;
      for (size_t j = 0; j < ARRAY_SIZE (flag_table); j++)
        if (strcmp (flag_table[j].name, p->flags[i]) == 0)
          found = &flag_table[j];
      if (found == NULL)
        return mrt_error_make (err, 0, "linux.seccomp.flags[%zu]: unknown flag \"%s\"", i, p->flags[i]);
      if (!kernel_accepts_flags (flag_probe_set (found->flag)))
        return mrt_error_make (err, 0, "linux.seccomp.flags[%zu]: %s is not supported by this kernel", i, p->flags[i]);
      *flags |= found->flag;
    }
  return 0;
}

static void
make_condition (const struct mrt_seccomp_arg *a, struct scmp_arg_cmp *c)
{
  /* Like runc: value and valueTwo are always both passed; for MASKED_EQ
   * value is the mask and valueTwo the expected result. */
  c->arg = a->index;
  c->op = op_values[a->op];
  c->datum_a = a->value;
  c->datum_b = a->value_two;
}

/* runc's matchCall for one resolved syscall number. */
static int
add_rule (scmp_filter_ctx ctx, const struct mrt_seccomp_syscall *s, int nr, uint32_t action, size_t *n_rules)
{
  struct scmp_arg_cmp conds[6 * 8];
  unsigned int count[6] = { 0 };
  bool repeated = false;
  int ret;

  if (s->n_args == 0)
    {
      (*n_rules)++;
      return seccomp_rule_add (ctx, action, nr, 0);
    }
  if (s->n_args > ARRAY_SIZE (conds))
    return -E2BIG;
  for (size_t k = 0; k < s->n_args; k++)
    {
      if (s->args[k].index >= 6)
        return -EINVAL;
      if (++count[s->args[k].index] > 1)
        repeated = true;
      make_condition (&s->args[k], &conds[k]);
    }
  if (!repeated)
    {
      (*n_rules)++;
      return seccomp_rule_add_array (ctx, action, nr, (unsigned int)s->n_args, conds);
    }
  /* Some index appears twice: a single rule could never match both values,
   * so runc adds every condition as a rule of its own (they OR). */
  for (size_t k = 0; k < s->n_args; k++)
    {
      (*n_rules)++;
      ret = seccomp_rule_add_array (ctx, action, nr, 1, &conds[k]);
      if (ret < 0)
        return ret;
    }
  return 0;
}

/* MRT_SECCOMP_NOTIFY_DENIED: the kernel asks the supervisor instead of
 * denying.  The rule structure (names, args) is unchanged, so the
 * transformed filter notifies exactly where the original one denies. */
static uint32_t
notify_if_denied (uint32_t action, unsigned int options)
{
  if (!(options & MRT_SECCOMP_NOTIFY_DENIED))
    return action;
  switch (action & SECCOMP_RET_ACTION_FULL)
    {
    case SECCOMP_RET_KILL_PROCESS:
    case SECCOMP_RET_KILL_THREAD:
    case SECCOMP_RET_TRAP:
    case SECCOMP_RET_ERRNO:
      return SCMP_ACT_NOTIFY;
    default:
      return action;
    }
}

static int
add_rules (scmp_filter_ctx ctx, const struct mrt_seccomp *p, uint32_t default_action, unsigned int options,
           const struct mrt_log *log, size_t *n_rules, mrt_error_t *err)
{
  for (size_t i = 0; i < p->n_syscalls; i++)
    {
      const struct mrt_seccomp_syscall *s = &p->syscalls[i];
      uint32_t action;
      if (mrt_seccomp_action_value (s->action, &s->errno_ret, &action) < 0)
        return mrt_error_make (err, 0, "linux.seccomp.syscalls[%zu].action: unknown action", i);
      action = notify_if_denied (action, options);
      if (action == default_action)
        {
          /* libseccomp refuses a rule that repeats the default (-EACCES). */
          mrt_log_debug (log, "seccomp: linux.seccomp.syscalls[%zu]: same action as defaultAction, skipped", i);
          continue;
        }
      for (size_t k = 0; k < s->n_args; k++)
        if ((unsigned)s->args[k].op >= MRT_SCMP_CMP__COUNT)
          return mrt_error_make (err, 0, "linux.seccomp.syscalls[%zu].args[%zu].op: unknown operator", i, k);
      for (size_t j = 0; j < s->n_names; j++)
        {
          int nr = seccomp_syscall_resolve_name (s->names[j]);
          if (nr == __NR_SCMP_ERROR)
            {
              mrt_log_debug (log, "seccomp: unknown syscall \"%s\" ignored (linux.seccomp.syscalls[%zu].names[%zu])",
                             s->names[j], i, j);
              continue;
            }
          int ret = add_rule (ctx, s, nr, action, n_rules);
          if (ret < 0)
            return mrt_error_make (err, -ret, "linux.seccomp.syscalls[%zu].names[%zu]: add rule for \"%s\"", i, j,
                                   s->names[j]);
        }
    }
  return 0;
}

/* libseccomp 2.5 can only export to an fd: use an anonymous memfd. */
static int
export_bpf (scmp_filter_ctx ctx, struct sock_filter **insns, size_t *n, mrt_error_t *err)
{
  cleanup_close int fd = memfd_create ("minirt-seccomp", MFD_CLOEXEC);
  cleanup_free char *buf = NULL;
  size_t len = 0;
  int ret;

  if (fd < 0)
    return mrt_error_sys (err, "seccomp: memfd_create");
  ret = seccomp_export_bpf (ctx, fd);
  if (ret < 0)
    return mrt_error_make (err, -ret, "linux.seccomp: export BPF");
  if (lseek (fd, 0, SEEK_SET) < 0)
    return mrt_error_sys (err, "seccomp: lseek");
  if (mrt_read_fd (fd, BPF_MAXINSNS * 16 * sizeof (struct sock_filter), &buf, &len, err) < 0)
    return -1;
  if (len == 0 || len % sizeof (struct sock_filter) != 0)
    return mrt_error_make (err, 0, "linux.seccomp: libseccomp exported a truncated program (%zu bytes)", len);
  *n = len / sizeof (struct sock_filter);
  *insns = xmalloc0 (len);
  memcpy (*insns, buf, len);
  return 0;
}

/* runc's isAllowAction, plus its skip when the default already is ENOSYS. */
static bool
wants_enosys_stub (const struct mrt_seccomp *p, uint32_t default_action)
{
  switch (p->default_action)
    {
    case MRT_SCMP_ACT_ALLOW:
    case MRT_SCMP_ACT_LOG:
    case MRT_SCMP_ACT_TRACE:
      /* A tracer should handle future syscalls itself. */
      return false;
    default:
      return default_action != SCMP_ACT_ERRNO (ENOSYS);
    }
}

int
mrt_seccomp_compile_ex (const struct mrt_seccomp *p, const struct mrt_log *log, unsigned int options,
                        struct mrt_seccomp_filter **out, mrt_error_t *err)
{
  __attribute__ ((cleanup (filter_freep))) struct mrt_seccomp_filter *f = xmalloc0 (sizeof (*f));
  uint32_t default_action;
  size_t n_rules = 0;
  int ret;

  if (mrt_seccomp_action_value (p->default_action, &p->default_errno_ret, &default_action) < 0)
    return mrt_error_make (err, 0, "linux.seccomp.defaultAction: unknown action");
  /* The ENOSYS stub is decided on the profile as written, so that the
   * transformed filter stubs exactly the syscalls the original one does. */
  bool enosys_stub = wants_enosys_stub (p, default_action);
  if (options & MRT_SECCOMP_NOTIFY_DENIED)
    options |= MRT_SECCOMP_OWN_LISTENER;
  default_action = notify_if_denied (default_action, options);
  /* In report mode the listener always exists (even if nothing is denied),
   * so the hand-over protocol does not depend on the profile. */
  f->listener = mrt_seccomp_profile_uses_notify (p) || (options & MRT_SECCOMP_NOTIFY_DENIED);
  if (f->listener && !(options & MRT_SECCOMP_OWN_LISTENER) && (p->listener_path == NULL || *p->listener_path == '\0'))
    return mrt_error_make (err, 0, "linux.seccomp.listenerPath: required when SCMP_ACT_NOTIFY is used");

  f->ctx = seccomp_init (default_action);
  if (f->ctx == NULL)
    return mrt_error_make (err, EINVAL, "linux.seccomp.defaultAction: %s", action_names[p->default_action]);
  /* no_new_privs is the runtime's business (process.noNewPrivileges). */
  ret = seccomp_attr_set (f->ctx, SCMP_FLTATR_CTL_NNP, 0);
  if (ret < 0)
    return mrt_error_make (err, -ret, "linux.seccomp: clear the no_new_privs attribute");
  if (add_architectures (f->ctx, p, err) < 0)
    return -1;
  if (translate_flags (p, &f->flags, err) < 0)
    return -1;
  if (add_rules (f->ctx, p, default_action, options, log, &n_rules, err) < 0)
    return -1;
  if (n_rules > OPTIMIZE_MIN_RULES)
    {
      ret = seccomp_attr_set (f->ctx, SCMP_FLTATR_CTL_OPTIMIZE, 2);
      if (ret < 0)
        mrt_log_debug (log, "seccomp: binary tree optimization not available: %s", strerror (-ret));
    }

  if (export_bpf (f->ctx, &f->insns, &f->n_insns, err) < 0)
    return -1;
  if (enosys_stub)
    {
      if (mrt_seccomp_enosys_patch (p, &f->insns, &f->n_insns, log, err) < 0)
        return -1;
    }
  if (f->n_insns > BPF_MAXINSNS)
    return mrt_error_make (err, 0, "linux.seccomp: the filter has %zu instructions, the kernel takes at most %d",
                           f->n_insns, BPF_MAXINSNS);

  if (check_execve_allowed (f, err) < 0)
    return -1;

  if (f->listener)
    f->flags |= SECCOMP_FILTER_FLAG_NEW_LISTENER;
  else if (f->flags & SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV)
    {
      /* Only meaningful (and only accepted) with a listener. */
      mrt_log_debug (log, "seccomp: SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV ignored: no SCMP_ACT_NOTIFY rule");
      f->flags &= ~SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV;
    }
  /* The kernel refuses TSYNC with NEW_LISTENER unless TSYNC_ESRCH is set
   * (it could not report which thread failed to sync). */
  if ((f->flags & SECCOMP_FILTER_FLAG_TSYNC) && (f->flags & SECCOMP_FILTER_FLAG_NEW_LISTENER))
    f->flags |= SECCOMP_FILTER_FLAG_TSYNC_ESRCH;

  *out = steal_pointer (&f);
  return 0;
}

int
mrt_seccomp_compile (const struct mrt_seccomp *profile, const struct mrt_log *log, struct mrt_seccomp_filter **out,
                     mrt_error_t *err)
{
  return mrt_seccomp_compile_ex (profile, log, 0, out, err);
}

int
mrt_seccomp_load (const struct mrt_seccomp_filter *f, int *notify_fd, mrt_error_t *err)
{
  struct sock_fprog prog = { .len = (unsigned short)f->n_insns, .filter = f->insns };
  long ret;

  *notify_fd = -1;
  ret = syscall (SYS_seccomp, SECCOMP_SET_MODE_FILTER, f->flags, &prog);
  if (ret < 0)
    return mrt_error_sys (err, "load seccomp filter");
  if (f->flags & SECCOMP_FILTER_FLAG_NEW_LISTENER)
    *notify_fd = (int)ret; /* the kernel makes it O_CLOEXEC */
  return 0;
}
