/* SPDX-License-Identifier: Apache-2.0 */
/* linux.seccomp translation, checked by behaviour: each test compiles a
 * profile in the parent, forks, loads the filter in the child, makes real
 * syscalls and reports what the kernel answered. */
#include <criterion/criterion.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/audit.h>
#include <linux/sched.h>
#include <linux/seccomp.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/personality.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "minirt/error.h"
#include "seccomp.h"
#include "syscalls.h"
#include "utils.h"

#define NAMES(...) ((char *[]){ __VA_ARGS__ }), (sizeof ((char *[]){ __VA_ARGS__ }) / sizeof (char *))
#define SYSCALLS(...)                                                                                                  \
  .syscalls = ((struct mrt_seccomp_syscall[]){ __VA_ARGS__ }),                                                         \
  .n_syscalls = sizeof ((struct mrt_seccomp_syscall[]){ __VA_ARGS__ }) / sizeof (struct mrt_seccomp_syscall)
#define ARGS(...)                                                                                                      \
  .args = ((struct mrt_seccomp_arg[]){ __VA_ARGS__ }),                                                                 \
  .n_args = sizeof ((struct mrt_seccomp_arg[]){ __VA_ARGS__ }) / sizeof (struct mrt_seccomp_arg)

/* What a test child needs to report back and exit under any profile. */
#define ESSENTIALS "exit", "exit_group", "write", "rt_sigreturn", "execve"

static struct mrt_seccomp_filter *
compile_ok (const struct mrt_seccomp *p)
{
  struct mrt_seccomp_filter *f = NULL;
  cleanup_error mrt_error_t err = NULL;
  int ret = mrt_seccomp_compile (p, NULL, &f, &err);
  cr_assert_eq (ret, 0, "compile failed: %s", err ? err->msg : "?");
  return f;
}

static char *
compile_error (const struct mrt_seccomp *p)
{
  struct mrt_seccomp_filter *f = NULL;
  mrt_error_t err = NULL;
  int ret = mrt_seccomp_compile (p, NULL, &f, &err);
  cr_assert_lt (ret, 0, "compile unexpectedly succeeded");
  cr_assert_null (f);
  char *msg = xstrdup (err->msg);
  mrt_error_free (&err);
  return msg;
}

/* Run fn in a child under the filter; results go through a pipe written
 * with the `write` syscall (every profile here allows it). */
struct child_result
{
  int status;
  long values[16];
  size_t n;
};

typedef void (*child_fn) (int out);

static void
report (int out, long v)
{
  if (write (out, &v, sizeof (v)) != sizeof (v))
    _exit (120);
}

/* -errno of a raw syscall, or its non-negative result. */
static long
sys (long nr, long a, long b, long c)
{
  long r = syscall (nr, a, b, c, 0, 0, 0);
  return r < 0 ? -errno : r;
}

static struct child_result
run_filtered (const struct mrt_seccomp *p, child_fn fn)
{
  struct mrt_seccomp_filter *f = compile_ok (p);
  struct child_result r = { 0 };
  int fds[2];
  cr_assert_eq (pipe2 (fds, O_CLOEXEC), 0);
  pid_t pid = fork ();
  cr_assert_geq (pid, 0);
  if (pid == 0)
    {
      mrt_error_t err = NULL;
      int notify_fd;
      close (fds[0]);
      prctl (PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
      if (mrt_seccomp_load (f, &notify_fd, &err) < 0)
        _exit (121);
      fn (fds[1]);
      _exit (0);
    }
  close (fds[1]);
  ssize_t n;
  while ((n = read (fds[0], &r.values[r.n], sizeof (long))) == sizeof (long) && r.n < 15)
    r.n++;
  close (fds[0]);
  cr_assert_eq (waitpid (pid, &r.status, 0), pid);
  mrt_seccomp_filter_free (f);
  return r;
}

/* ---- actions ------------------------------------------------------------- */

static void
call_getppid (int out)
{
  report (out, sys (SYS_getppid, 0, 0, 0));
}

static void
sigsys_handler (int sig)
{
  (void) sig;
  _exit (77);
}

static void
call_getppid_with_handler (int out)
{
  signal (SIGSYS, sigsys_handler);
  call_getppid (out);
}

static struct child_result
run_action_on_getppid (enum mrt_seccomp_action action, mrt_opt_u64 errno_ret, child_fn fn)
{
  struct mrt_seccomp p = {
    .default_action = MRT_SCMP_ACT_ALLOW,
    SYSCALLS ({ NAMES ("getppid"), .action = action, .errno_ret = errno_ret }),
  };
  return run_filtered (&p, fn);
}

Test (seccomp, errno_default_eperm_and_errnoret)
{
  struct child_result r = run_action_on_getppid (MRT_SCMP_ACT_ERRNO, (mrt_opt_u64) { 0 }, call_getppid);
  cr_assert (WIFEXITED (r.status) && WEXITSTATUS (r.status) == 0);
  cr_assert_eq (r.values[0], -EPERM);
  r = run_action_on_getppid (MRT_SCMP_ACT_ERRNO, (mrt_opt_u64) { true, 42 }, call_getppid);
  cr_assert_eq (r.values[0], -42);
}

Test (seccomp, kill_actions_raise_sigsys_uncatchable)
{
  enum mrt_seccomp_action kills[] = { MRT_SCMP_ACT_KILL, MRT_SCMP_ACT_KILL_THREAD, MRT_SCMP_ACT_KILL_PROCESS };
  for (size_t i = 0; i < ARRAY_SIZE (kills); i++)
    {
      struct child_result r = run_action_on_getppid (kills[i], (mrt_opt_u64) { 0 }, call_getppid_with_handler);
      /* KILL_THREAD on the only thread ends the process too, by SIGSYS. */
      cr_assert (WIFSIGNALED (r.status) && WTERMSIG (r.status) == SIGSYS, "action %zu: status 0x%x", i, r.status);
      cr_assert_eq (r.n, 0);
    }
}

Test (seccomp, trap_delivers_catchable_sigsys)
{
  struct child_result r = run_action_on_getppid (MRT_SCMP_ACT_TRAP, (mrt_opt_u64) { 0 }, call_getppid_with_handler);
  cr_assert (WIFEXITED (r.status) && WEXITSTATUS (r.status) == 77, "status 0x%x", r.status);
}

Test (seccomp, trace_without_tracer_is_enosys)
{
  /* The kernel fails SECCOMP_RET_TRACE syscalls with ENOSYS when nobody
   * traces; errnoRet is the value the tracer would see in the event. */
  struct child_result r = run_action_on_getppid (MRT_SCMP_ACT_TRACE, (mrt_opt_u64) { true, 7 }, call_getppid);
  cr_assert_eq (r.values[0], -ENOSYS);
}

Test (seccomp, log_and_allow_let_the_call_through)
{
  pid_t me = getpid ();
  struct child_result r = run_action_on_getppid (MRT_SCMP_ACT_LOG, (mrt_opt_u64) { 0 }, call_getppid);
  cr_assert_eq (r.values[0], me);
  struct mrt_seccomp p = {
    .default_action = MRT_SCMP_ACT_ERRNO,
    SYSCALLS ({ NAMES (ESSENTIALS, "getppid"), .action = MRT_SCMP_ACT_ALLOW }),
  };
  r = run_filtered (&p, call_getppid);
  cr_assert_eq (r.values[0], me);
}

static void
call_getppid_and_getpgrp (int out)
{
  report (out, sys (SYS_getppid, 0, 0, 0));
  report (out, sys (SYS_getpgrp, 0, 0, 0));
}

Test (seccomp, default_errno_ret)
{
  struct mrt_seccomp p = {
    .default_action = MRT_SCMP_ACT_ERRNO,
    .default_errno_ret = { true, EACCES },
    SYSCALLS ({ NAMES (ESSENTIALS, "getpgrp"), .action = MRT_SCMP_ACT_ALLOW }),
  };
  struct child_result r = run_filtered (&p, call_getppid_and_getpgrp);
  cr_assert_eq (r.values[0], -EACCES);
  cr_assert_geq (r.values[1], 0);
}

Test (seccomp, rule_equal_to_default_is_dropped)
{
  /* libseccomp refuses such a rule; runc (and we) drop it silently. */
  struct mrt_seccomp p = {
    .default_action = MRT_SCMP_ACT_ERRNO,
    SYSCALLS ({ NAMES ("chroot"), .action = MRT_SCMP_ACT_ERRNO },
              { NAMES (ESSENTIALS, "getppid"), .action = MRT_SCMP_ACT_ALLOW }),
  };
  struct child_result r = run_filtered (&p, call_getppid);
  cr_assert_eq (r.values[0], getpid ());
}

Test (seccomp, unknown_syscall_names_are_skipped)
{
  struct mrt_seccomp p = {
    .default_action = MRT_SCMP_ACT_ALLOW,
    SYSCALLS ({ NAMES ("no_such_syscall_xyz", "getppid"), .action = MRT_SCMP_ACT_ERRNO }),
  };
  struct child_result r = run_filtered (&p, call_getppid);
  cr_assert_eq (r.values[0], -EPERM);
}

/* ---- args: AND on different indexes, OR on a repeated index --------------- */

static void
call_personalities (int out)
{
  report (out, sys (SYS_personality, 0xffffffff, 0, 0)); /* query */
  report (out, sys (SYS_personality, 0x0, 0, 0));
  report (out, sys (SYS_personality, 0x8, 0, 0)); /* ADDR_COMPAT_LAYOUT... refused */
}

Test (seccomp, same_index_conditions_or_together)
{
  /* personality allowed only with 0x0 or 0xffffffff (Docker's shape). */
  struct mrt_seccomp p = {
    .default_action = MRT_SCMP_ACT_ERRNO,
    SYSCALLS ({ NAMES (ESSENTIALS), .action = MRT_SCMP_ACT_ALLOW },
              { NAMES ("personality"), .action = MRT_SCMP_ACT_ALLOW,
                ARGS ({ .index = 0, .value = 0x0, .op = MRT_SCMP_CMP_EQ },
                      { .index = 0, .value = 0xffffffff, .op = MRT_SCMP_CMP_EQ }) }),
  };
  struct child_result r = run_filtered (&p, call_personalities);
  cr_assert_eq (r.n, 3);
  cr_assert_geq (r.values[0], 0);
  cr_assert_geq (r.values[1], 0);
  cr_assert_eq (r.values[2], -EPERM);
}

static void
call_getpriorities (int out)
{
  report (out, sys (SYS_getpriority, PRIO_PROCESS, 0, 0));
  report (out, sys (SYS_getpriority, PRIO_PROCESS, 999999, 0));
  report (out, sys (SYS_getpriority, PRIO_PGRP, 0, 0));
  report (out, sys (SYS_getpriority, PRIO_PGRP, 999999, 0));
}

Test (seccomp, different_index_conditions_and_together)
{
  /* Deny getpriority(PRIO_PROCESS, 999999) only: both conditions must hold. */
  struct mrt_seccomp p = {
    .default_action = MRT_SCMP_ACT_ALLOW,
    SYSCALLS ({ NAMES ("getpriority"), .action = MRT_SCMP_ACT_ERRNO, .errno_ret = { true, EXDEV },
                ARGS ({ .index = 0, .value = PRIO_PROCESS, .op = MRT_SCMP_CMP_EQ },
                      { .index = 1, .value = 999999, .op = MRT_SCMP_CMP_EQ }) }),
  };
  struct child_result r = run_filtered (&p, call_getpriorities);
  cr_assert_eq (r.n, 4);
  cr_assert_geq (r.values[0], 0);
  cr_assert_eq (r.values[1], -EXDEV);
  cr_assert_geq (r.values[2], 0);
  cr_assert_eq (r.values[3], -ESRCH, "PRIO_PGRP 999999 must reach the kernel: %ld", r.values[3]);
}

Test (seccomp, repeated_index_makes_every_condition_a_rule)
{
  /* runc: as soon as one index repeats, every condition (even the one on
   * another index) becomes its own rule, so they all OR. */
  struct mrt_seccomp p = {
    .default_action = MRT_SCMP_ACT_ALLOW,
    SYSCALLS ({ NAMES ("getpriority"), .action = MRT_SCMP_ACT_ERRNO, .errno_ret = { true, EXDEV },
                ARGS ({ .index = 0, .value = 100, .op = MRT_SCMP_CMP_EQ },
                      { .index = 0, .value = PRIO_PGRP, .op = MRT_SCMP_CMP_EQ },
                      { .index = 1, .value = 999999, .op = MRT_SCMP_CMP_EQ }) }),
  };
  struct child_result r = run_filtered (&p, call_getpriorities);
  cr_assert_geq (r.values[0], 0);
  cr_assert_eq (r.values[1], -EXDEV); /* arg1 rule alone */
  cr_assert_eq (r.values[2], -EXDEV); /* arg0 == PRIO_PGRP alone */
  cr_assert_eq (r.values[3], -EXDEV);
}

static void
call_operators (int out)
{
  /* getpriority's first argument compared with 1 by each operator. */
  for (long v = 0; v <= 2; v++)
    report (out, sys (SYS_getpriority, v, 0, 0));
}

Test (seccomp, every_operator)
{
  struct
  {
    enum mrt_seccomp_op op;
    bool denied[3]; /* for arg0 = 0, 1, 2 compared with 1 */
  } cases[] = {
    { MRT_SCMP_CMP_NE, { true, false, true } }, { MRT_SCMP_CMP_LT, { true, false, false } },
    { MRT_SCMP_CMP_LE, { true, true, false } }, { MRT_SCMP_CMP_EQ, { false, true, false } },
    { MRT_SCMP_CMP_GE, { false, true, true } }, { MRT_SCMP_CMP_GT, { false, false, true } },
  };
  for (size_t i = 0; i < ARRAY_SIZE (cases); i++)
    {
      struct mrt_seccomp p = {
        .default_action = MRT_SCMP_ACT_ALLOW,
        SYSCALLS ({ NAMES ("getpriority"), .action = MRT_SCMP_ACT_ERRNO, .errno_ret = { true, EXDEV },
                    ARGS ({ .index = 0, .value = 1, .op = cases[i].op }) }),
      };
      struct child_result r = run_filtered (&p, call_operators);
      for (int v = 0; v < 3; v++)
        cr_assert_eq (r.values[v] == -EXDEV, cases[i].denied[v], "op %d, arg %d: %ld", cases[i].op, v, r.values[v]);
    }
}

static void
call_clones (int out)
{
  /* clone(CLONE_NEWUSER) must be refused, a plain fork must work. */
  long r = sys (SYS_clone, CLONE_NEWUSER | SIGCHLD, 0, 0);
  if (r == 0)
    _exit (0);
  report (out, r);
  r = sys (SYS_clone, SIGCHLD, 0, 0);
  if (r == 0)
    _exit (0);
  report (out, r > 0 ? 0 : r);
  if (r > 0)
    waitpid ((pid_t) r, NULL, 0);
}

Test (seccomp, masked_eq_uses_value_two)
{
  struct mrt_seccomp p = {
    .default_action = MRT_SCMP_ACT_ALLOW,
    SYSCALLS ({ NAMES ("clone"), .action = MRT_SCMP_ACT_ERRNO,
                ARGS ({ .index = 0, .value = CLONE_NEWUSER, .value_two = CLONE_NEWUSER,
                        .op = MRT_SCMP_CMP_MASKED_EQ }) }),
  };
  struct child_result r = run_filtered (&p, call_clones);
  cr_assert_eq (r.n, 2);
  cr_assert_eq (r.values[0], -EPERM);
  cr_assert_eq (r.values[1], 0);
}

/* ---- runc's -ENOSYS stub ---------------------------------------------------- */

static void
call_old_and_new (int out)
{
  report (out, sys (SYS_mkdir, (long) "/nonexistent/x", 0700, 0)); /* named, denied */
  report (out, sys (SYS_chroot, (long) "/", 0, 0));                /* older, unnamed */
  report (out, sys (SYS_getrandom, 0, 0, 0));                       /* newer than the profile */
  report (out, sys (SYS_clone3, 0, 0, 0));
  report (out, sys (1000, 0, 0, 0)); /* beyond every kernel */
  report (out, sys (SYS_getppid, 0, 0, 0));
}

Test (seccomp, newer_syscalls_get_enosys)
{
  /* The highest syscall named is exit_group (231 on x86_64). */
  struct mrt_seccomp p = {
    .default_action = MRT_SCMP_ACT_ERRNO,
    SYSCALLS ({ NAMES (ESSENTIALS, "getppid"), .action = MRT_SCMP_ACT_ALLOW },
              { NAMES ("mkdir"), .action = MRT_SCMP_ACT_ERRNO }),
  };
  struct child_result r = run_filtered (&p, call_old_and_new);
  cr_assert_eq (r.n, 6);
  cr_assert_eq (r.values[0], -EPERM);
  cr_assert_eq (r.values[1], -EPERM);
  cr_assert_eq (r.values[2], -ENOSYS);
  cr_assert_eq (r.values[3], -ENOSYS);
  cr_assert_eq (r.values[4], -ENOSYS);
  cr_assert_eq (r.values[5], getpid ());
}

Test (seccomp, enosys_stub_with_x86_and_x32)
{
  struct mrt_seccomp p = {
    .default_action = MRT_SCMP_ACT_ERRNO,
    .architectures = NAMES ("SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32"),
    SYSCALLS ({ NAMES (ESSENTIALS, "getppid"), .action = MRT_SCMP_ACT_ALLOW },
              { NAMES ("mkdir"), .action = MRT_SCMP_ACT_ERRNO }),
  };
  struct child_result r = run_filtered (&p, call_old_and_new);
  cr_assert_eq (r.n, 6);
  cr_assert_eq (r.values[1], -EPERM);
  cr_assert_eq (r.values[2], -ENOSYS);
  cr_assert_eq (r.values[5], getpid ());
}

Test (seccomp, no_stub_when_default_allows)
{
  struct mrt_seccomp p = {
    .default_action = MRT_SCMP_ACT_ALLOW,
    SYSCALLS ({ NAMES ("mkdir"), .action = MRT_SCMP_ACT_ERRNO }, { NAMES ("execve"), .action = MRT_SCMP_ACT_ALLOW }),
  };
  struct mrt_seccomp_filter *f = compile_ok (&p);
  struct mrt_seccomp q = p;
  q.default_action = MRT_SCMP_ACT_KILL_PROCESS;
  struct mrt_seccomp_filter *g = compile_ok (&q);
  cr_assert_gt (mrt_seccomp_filter_length (g), mrt_seccomp_filter_length (f));
  mrt_seccomp_filter_free (f);
  mrt_seccomp_filter_free (g);
}

Test (seccomp, enosys_stub_per_architecture)
{
  /* x86 and x32 cannot be called from this test: ask the program itself. */
  struct mrt_seccomp p = {
    .default_action = MRT_SCMP_ACT_ERRNO,
    .architectures = NAMES ("SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32"),
    SYSCALLS ({ NAMES (ESSENTIALS), .action = MRT_SCMP_ACT_ALLOW }),
  };
  struct mrt_seccomp_filter *f = compile_ok (&p);
  const uint32_t enosys = SECCOMP_RET_ERRNO | ENOSYS, eperm = SECCOMP_RET_ERRNO | EPERM;
  /* x86_64: the highest name is exit_group (231). */
  cr_assert_eq (mrt_seccomp_filter_eval (f, AUDIT_ARCH_X86_64, 1, NULL), SECCOMP_RET_ALLOW);
  cr_assert_eq (mrt_seccomp_filter_eval (f, AUDIT_ARCH_X86_64, 161, NULL), eperm);
  cr_assert_eq (mrt_seccomp_filter_eval (f, AUDIT_ARCH_X86_64, 232, NULL), enosys);
  /* x86: exit_group is 252, execve 11, chroot 61. */
  cr_assert_eq (mrt_seccomp_filter_eval (f, AUDIT_ARCH_I386, 4, NULL), SECCOMP_RET_ALLOW);
  cr_assert_eq (mrt_seccomp_filter_eval (f, AUDIT_ARCH_I386, 61, NULL), eperm);
  cr_assert_eq (mrt_seccomp_filter_eval (f, AUDIT_ARCH_I386, 253, NULL), enosys);
  /* x32: same numbers as x86_64 with bit 30; execve is 520 there. */
  cr_assert_eq (mrt_seccomp_filter_eval (f, AUDIT_ARCH_X86_64, 0x40000001, NULL), SECCOMP_RET_ALLOW);
  cr_assert_eq (mrt_seccomp_filter_eval (f, AUDIT_ARCH_X86_64, 0x40000000 | 161, NULL), eperm);
  cr_assert_eq (mrt_seccomp_filter_eval (f, AUDIT_ARCH_X86_64, 0x40000000 | 600, NULL), enosys);
  /* An architecture outside the filter: libseccomp's bad-arch action. */
  cr_assert_eq (mrt_seccomp_filter_eval (f, AUDIT_ARCH_AARCH64, 1, NULL), SECCOMP_RET_KILL_THREAD);
  mrt_seccomp_filter_free (f);
}

Test (seccomp, execve_refused_is_reported_at_compile_time)
{
  struct mrt_seccomp violation = { .default_action = MRT_SCMP_ACT_ERRNO };
  cleanup_free char *m = compile_error (&violation);
  cr_assert_str_eq (m, "linux.seccomp: the profile refuses execve (SCMP_ACT_ERRNO, errno 1: Operation not permitted): "
                       "the container process could never start");
}

/* ---- flags, architectures, errors ---------------------------------------- */

Test (seccomp, flags_are_passed_to_the_kernel)
{
  struct mrt_seccomp p = {
    .default_action = MRT_SCMP_ACT_ALLOW,
    .flags = NAMES ("SECCOMP_FILTER_FLAG_TSYNC", "SECCOMP_FILTER_FLAG_LOG", "SECCOMP_FILTER_FLAG_SPEC_ALLOW"),
    SYSCALLS ({ NAMES ("getppid"), .action = MRT_SCMP_ACT_ERRNO }),
  };
  struct mrt_seccomp_filter *f = compile_ok (&p);
  cr_assert_eq (mrt_seccomp_filter_flags (f),
                SECCOMP_FILTER_FLAG_TSYNC | SECCOMP_FILTER_FLAG_LOG | SECCOMP_FILTER_FLAG_SPEC_ALLOW);
  mrt_seccomp_filter_free (f);
  struct child_result r = run_filtered (&p, call_getppid);
  cr_assert_eq (r.values[0], -EPERM);
}

Test (seccomp, wait_killable_recv_goes_with_the_listener)
{
  cr_assert (mrt_seccomp_flag_supported ("SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV"));
  struct mrt_seccomp p = {
    .default_action = MRT_SCMP_ACT_ALLOW,
    .listener_path = (char *) "/nonexistent.sock",
    .flags = NAMES ("SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV", "SECCOMP_FILTER_FLAG_TSYNC"),
    SYSCALLS ({ NAMES ("getppid"), .action = MRT_SCMP_ACT_NOTIFY }),
  };
  struct mrt_seccomp_filter *f = compile_ok (&p);
  unsigned int flags = mrt_seccomp_filter_flags (f);
  cr_assert (flags & SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV);
  cr_assert (flags & SECCOMP_FILTER_FLAG_NEW_LISTENER);
  cr_assert (flags & SECCOMP_FILTER_FLAG_TSYNC_ESRCH);
  cr_assert (mrt_seccomp_filter_wants_listener (f));
  mrt_seccomp_filter_free (f);
}

Test (seccomp, errors_name_the_field)
{
  struct mrt_seccomp notify = {
    .default_action = MRT_SCMP_ACT_ALLOW,
    SYSCALLS ({ NAMES ("getppid"), .action = MRT_SCMP_ACT_NOTIFY }),
  };
  cleanup_free char *m1 = compile_error (&notify);
  cr_assert (strstr (m1, "linux.seccomp.listenerPath") != NULL, "%s", m1);

  struct mrt_seccomp arch = {
    .default_action = MRT_SCMP_ACT_ALLOW,
    .architectures = NAMES ("SCMP_ARCH_X86_64", "SCMP_ARCH_VAX"),
  };
  cleanup_free char *m2 = compile_error (&arch);
  cr_assert_str_eq (m2, "linux.seccomp.architectures[1]: unknown architecture \"SCMP_ARCH_VAX\"");

  struct mrt_seccomp flag = {
    .default_action = MRT_SCMP_ACT_ALLOW,
    .flags = NAMES ("SECCOMP_FILTER_FLAG_BOGUS"),
  };
  cleanup_free char *m3 = compile_error (&flag);
  cr_assert_str_eq (m3, "linux.seccomp.flags[0]: unknown flag \"SECCOMP_FILTER_FLAG_BOGUS\"");
}

Test (seccomp, features_lists)
{
  const char *const *a = mrt_seccomp_known_actions ();
  size_t n = 0;
  for (; a[n]; n++)
    ;
  cr_assert_eq (n, 9);
  const char *const *archs = mrt_seccomp_known_archs ();
  bool x32 = false;
  for (size_t i = 0; archs[i]; i++)
    x32 |= strcmp (archs[i], "SCMP_ARCH_X32") == 0;
  cr_assert (x32);
  for (const char *const *fl = mrt_seccomp_known_flags (); *fl; fl++)
    cr_assert (mrt_seccomp_flag_supported (*fl), "%s", *fl);
  cr_assert_not (mrt_seccomp_flag_supported ("SECCOMP_FILTER_FLAG_BOGUS"));
}

Test (seccomp, pfc_shows_and_or_rules)
{
  struct mrt_seccomp p = {
    .default_action = MRT_SCMP_ACT_ALLOW,
    SYSCALLS ({ NAMES ("getpriority"), .action = MRT_SCMP_ACT_ERRNO,
                ARGS ({ .index = 0, .value = 1, .op = MRT_SCMP_CMP_EQ },
                      { .index = 1, .value = 2, .op = MRT_SCMP_CMP_EQ }) }),
  };
  struct mrt_seccomp_filter *f = compile_ok (&p);
  int fd = memfd_create ("pfc", MFD_CLOEXEC);
  cleanup_error mrt_error_t err = NULL;
  cr_assert_eq (mrt_seccomp_filter_export_pfc (f, fd, &err), 0);
  char buf[8192] = { 0 };
  cr_assert_gt (pread (fd, buf, sizeof (buf) - 1, 0), 0);
  close (fd);
  /* One rule testing both arguments: nested ifs under one syscall. */
  cr_assert (strstr (buf, "if ($a0.lo32 == 1)") && strstr (buf, "if ($a1.lo32 == 2)"), "%s", buf);
  mrt_seccomp_filter_free (f);
}

/* ---- notify: supervise until exec, then hand the listener to an agent ------ */

#define HELPER_ENV "MRT_SECCOMP_TEST_HELPER"

/* After execve of /proc/self/exe this runs before Criterion's main: the
 * "workload", whose notified getppid the test agent answers with 4242. */
__attribute__ ((constructor)) static void
workload_helper (void)
{
  if (getenv (HELPER_ENV) == NULL)
    return;
  _exit (syscall (SYS_getppid) == 4242 ? 0 : 10);
}

static int
listen_unix (const char *path)
{
  struct sockaddr_un addr = { .sun_family = AF_UNIX };
  strcpy (addr.sun_path, path);
  int s = socket (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  cr_assert_geq (s, 0);
  unlink (path);
  cr_assert_eq (bind (s, (struct sockaddr *) &addr, sizeof (addr)), 0);
  cr_assert_eq (listen (s, 4), 0);
  return s;
}

static void
notify_child (struct mrt_seccomp_filter *f, int conn, int *pipefd, bool notified_before_exec)
{
  mrt_error_t err = NULL;
  pid_t parent = getppid ();
  close (pipefd[0]);
  if (mrt_seccomp_load_announced (f, conn, &err) < 0)
    _exit (21);
  if (notified_before_exec)
    {
      /* Notified syscalls of the runtime itself between load and execve:
       * the supervisor must let them run for real. */
      if (syscall (SYS_getppid) != parent)
        _exit (22);
      if (write (pipefd[1], "x", 1) != 1)
        _exit (23);
    }
  setenv (HELPER_ENV, "1", 1);
  execl ("/proc/self/exe", "helper", NULL);
  _exit (24);
}

static void
notify_round_trip (bool notified_before_exec)
{
  char path[] = "/tmp/mrt-seccomp-test-XXXXXX";
  cr_assert_not_null (mkdtemp (path));
  cleanup_free char *sock_path = xasprintf ("%s/agent.sock", path);
  int agent = listen_unix (sock_path);

  /* write is notified too: runc refuses that, we supervise it. */
  struct mrt_seccomp p = {
    .default_action = MRT_SCMP_ACT_ALLOW,
    .listener_path = sock_path,
    .listener_metadata = (char *) "meta \"data\"",
    SYSCALLS ({ NAMES ("getppid", "write"), .action = MRT_SCMP_ACT_NOTIFY }),
  };
  struct mrt_seccomp_filter *f = compile_ok (&p);
  cr_assert (mrt_seccomp_filter_wants_listener (f));

  int conn[2], pipefd[2];
  cr_assert_eq (socketpair (AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, conn), 0);
  cr_assert_eq (pipe2 (pipefd, O_CLOEXEC), 0);
  pid_t pid = fork ();
  if (pid == 0)
    {
      close (conn[0]);
      notify_child (f, conn[1], pipefd, notified_before_exec);
    }
  close (conn[1]);
  close (pipefd[1]);

  char msg[64] = { 0 };
  cr_assert_gt (recv (conn[0], msg, sizeof (msg) - 1, 0), 0);
  int n = -1;
  cr_assert_eq (sscanf (msg, MRT_SECCOMP_ANNOUNCE, &n), 1);
  cleanup_error mrt_error_t err = NULL;
  int notify_fd = mrt_seccomp_take_listener (pid, n, conn[0], &err);
  cr_assert_geq (notify_fd, 0, "%s", err ? err->msg : "");
  cr_assert_eq (mrt_seccomp_supervise_until_exec (notify_fd, conn[0], &err), 0, "%s", err ? err->msg : "");
  char x;
  if (notified_before_exec)
    cr_assert_eq (read (pipefd[0], &x, 1), 1); /* the notified write really happened */

  cleanup_free char *state = mrt_seccomp_process_state_json (pid, p.listener_metadata,
                                                             "{\"ociVersion\":\"1.2.0\",\"id\":\"c1\"}");
  cr_assert_eq (mrt_seccomp_send_listener (sock_path, notify_fd, state, &err), 0, "%s", err ? err->msg : "");
  close (notify_fd);

  /* The test agent. */
  int c = accept4 (agent, NULL, NULL, SOCK_CLOEXEC);
  cr_assert_geq (c, 0);
  char buf[4096] = { 0 };
  char control[CMSG_SPACE (sizeof (int))];
  struct iovec iov = { .iov_base = buf, .iov_len = sizeof (buf) - 1 };
  struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = control, .msg_controllen = sizeof (control) };
  cr_assert_gt (recvmsg (c, &mh, MSG_CMSG_CLOEXEC), 0);
  struct cmsghdr *cm = CMSG_FIRSTHDR (&mh);
  cr_assert (cm && cm->cmsg_type == SCM_RIGHTS);
  int agent_fd;
  memcpy (&agent_fd, CMSG_DATA (cm), sizeof (int));
  cleanup_free char *expected
      = xasprintf ("{\"ociVersion\":\"1.2.0\",\"fds\":[\"seccompFd\"],\"pid\":%d,\"metadata\":\"meta \\\"data\\\"\","
                   "\"state\":{\"ociVersion\":\"1.2.0\",\"id\":\"c1\"}}",
                   pid);
  cr_assert_str_eq (buf, expected);

  /* Answer the workload's getppid with 4242. */
  struct pollfd pfd = { .fd = agent_fd, .events = POLLIN };
  cr_assert_eq (poll (&pfd, 1, 10000), 1);
  struct seccomp_notif req;
  memset (&req, 0, sizeof (req));
  cr_assert_eq (ioctl (agent_fd, SECCOMP_IOCTL_NOTIF_RECV, &req), 0);
  cr_assert_eq (req.data.nr, SYS_getppid);
  struct seccomp_notif_resp resp = { .id = req.id, .val = 4242 };
  cr_assert_eq (ioctl (agent_fd, SECCOMP_IOCTL_NOTIF_SEND, &resp), 0);

  int status;
  cr_assert_eq (waitpid (pid, &status, 0), pid);
  cr_assert (WIFEXITED (status) && WEXITSTATUS (status) == 0, "status 0x%x", status);
  close (agent_fd);
  close (c);
  close (agent);
  unlink (sock_path);
  rmdir (path);
  mrt_seccomp_filter_free (f);
}

Test (seccomp, notify_supervise_and_send_listener)
{
  notify_round_trip (true);
}

Test (seccomp, notify_listener_survives_an_immediate_execve)
{
  /* Nothing is notified between load and execve: without the hand-over
   * acknowledgement the child would exec (closing its O_CLOEXEC listener)
   * before the host could take a copy. */
  for (int i = 0; i < 20; i++)
    notify_round_trip (false);
}

Test (seccomp, supervise_reports_the_child_error)
{
  int conn[2];
  cr_assert_eq (socketpair (AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, conn), 0);
  pid_t pid = fork ();
  if (pid == 0)
    {
      send (conn[1], "exec: \"foo\": executable file not found in $PATH", 48, 0);
      _exit (1);
    }
  close (conn[1]);
  int dummy = eventfd (0, EFD_CLOEXEC);
  cleanup_error mrt_error_t err = NULL;
  cr_assert_lt (mrt_seccomp_supervise_until_exec (dummy, conn[0], &err), 0);
  cr_assert_str_eq (err->msg, "exec: \"foo\": executable file not found in $PATH");
  waitpid (pid, NULL, 0);
  close (dummy);
  close (conn[0]);
}

Test (seccomp, send_listener_unreachable)
{
  cleanup_error mrt_error_t err = NULL;
  cr_assert_lt (mrt_seccomp_send_listener ("/nonexistent/agent.sock", 0, "{}", &err), 0);
  cr_assert_str_eq (err->msg, "linux.seccomp.listenerPath: connect to \"/nonexistent/agent.sock\": No such file or "
                              "directory");
}

/* ---- the profiles of specs/seccomp ------------------------------------------ */

static struct mrt_seccomp *
load_profile (const char *name)
{
  cleanup_free char *path = xasprintf ("specs/seccomp/%s", name);
  cleanup_free char *json = NULL;
  size_t len;
  struct mrt_seccomp *p = NULL;
  cleanup_error mrt_error_t err = NULL;
  cr_assert_eq (mrt_read_file (path, 1 << 20, &json, &len, &err), 0, "%s", err ? err->msg : "");
  cr_assert_eq (mrt_seccomp_parse (json, len, path, &p, &err), 0, "%s", err ? err->msg : "");
  return p;
}

Test (seccomp, every_profile_in_specs_compiles)
{
  DIR *d = opendir ("specs/seccomp");
  cr_assert_not_null (d);
  struct dirent *e;
  size_t n = 0;
  while ((e = readdir (d)))
    {
      size_t len = strlen (e->d_name);
      if (len < 6 || strcmp (e->d_name + len - 5, ".json") != 0)
        continue;
      struct mrt_seccomp *p = load_profile (e->d_name);
      struct mrt_seccomp_filter *f = NULL;
      mrt_error_t err = NULL;
      int ret = mrt_seccomp_compile (p, NULL, &f, &err);
      if (strcmp (e->d_name, "violation.json") == 0)
        cr_assert (ret < 0 && strstr (err->msg, "refuses execve"), "violation.json must be refused");
      else
        cr_assert_eq (ret, 0, "%s: %s", e->d_name, err ? err->msg : "");
      mrt_error_free (&err);
      mrt_seccomp_filter_free (f);
      mrt_seccomp_free (p);
      n++;
    }
  closedir (d);
  cr_assert_geq (n, 10);
}

static uint32_t
eval1 (struct mrt_seccomp_filter *f, int nr, uint64_t arg0)
{
  uint64_t args[6] = { arg0 };
  return mrt_seccomp_filter_eval (f, 0, nr, args);
}

Test (seccomp, docker_default_shape)
{
  struct mrt_seccomp *p = load_profile ("docker-default.json");
  struct mrt_seccomp_filter *f = compile_ok (p);
  const uint32_t eperm = SECCOMP_RET_ERRNO | EPERM, allow = SECCOMP_RET_ALLOW;
  cr_assert_eq (eval1 (f, SYS_read, 0), allow);
  cr_assert_eq (eval1 (f, SYS_clone, SIGCHLD), allow);
  cr_assert_eq (eval1 (f, SYS_clone, CLONE_NEWUSER | SIGCHLD), eperm);
  cr_assert_eq (eval1 (f, SYS_clone, CLONE_NEWNS), eperm);
  cr_assert_eq (eval1 (f, SYS_clone3, 0), SECCOMP_RET_ERRNO | ENOSYS);
  cr_assert_eq (eval1 (f, SYS_personality, 0x8), allow);
  cr_assert_eq (eval1 (f, SYS_personality, 0x1), eperm);
  cr_assert_eq (eval1 (f, SYS_socket, AF_INET), allow);
  cr_assert_eq (eval1 (f, SYS_socket, 40 /* AF_VSOCK */), eperm);
  int denied[] = { SYS_unshare, SYS_mount, SYS_swapoff, SYS_chroot, SYS_setns, SYS_reboot, SYS_ptrace, SYS_bpf };
  for (size_t i = 0; i < ARRAY_SIZE (denied); i++)
    cr_assert_eq (eval1 (f, denied[i], 0), eperm, "syscall %d", denied[i]);
  mrt_seccomp_filter_free (f);
  mrt_seccomp_free (p);

  p = load_profile ("personality.json");
  f = compile_ok (p);
  cr_assert_eq (eval1 (f, SYS_personality, 0x0), allow);
  cr_assert_eq (eval1 (f, SYS_personality, 0xffffffff), allow);
  cr_assert_eq (eval1 (f, SYS_personality, 0x8), eperm);
  mrt_seccomp_filter_free (f);
  mrt_seccomp_free (p);
}
