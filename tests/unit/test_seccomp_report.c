/* SPDX-License-Identifier: Apache-2.0 */
/* Violation reports: the annotations, the report line, the verdict per
 * SECCOMP_RET_* value, and the profile transformation (every denying action
 * becomes NOTIFY, nothing else changes). */
#include <criterion/criterion.h>
#include <errno.h>
#include <linux/audit.h>
#include <linux/seccomp.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>

#include "minirt/error.h"
#include "seccomp.h"
#include "seccomp_monitor.h"
#include "seccomp_report.h"
#include "utils.h"

static struct mrt_spec *
spec_of (const char *json)
{
  struct mrt_spec *spec = NULL;
  cleanup_error mrt_error_t err = NULL;
  cr_assert_eq (mrt_spec_parse (json, strlen (json), "config.json", &spec, &err), 0, "%s", err ? err->msg : "");
  return spec;
}

static enum mrt_seccomp_report_mode
mode_ok (const char *json)
{
  enum mrt_seccomp_report_mode mode;
  cleanup_error mrt_error_t err = NULL;
  struct mrt_spec *spec = spec_of (json);
  cr_assert_eq (mrt_seccomp_report_mode (spec, &mode, &err), 0, "%s", err ? err->msg : "");
  mrt_spec_free (spec);
  return mode;
}

static char *
mode_error (const char *json)
{
  enum mrt_seccomp_report_mode mode;
  mrt_error_t err = NULL;
  struct mrt_spec *spec = spec_of (json);
  cr_assert_lt (mrt_seccomp_report_mode (spec, &mode, &err), 0);
  mrt_spec_free (spec);
  char *msg = xstrdup (err->msg);
  mrt_error_free (&err);
  return msg;
}

/* The parser wants root.path; nothing else is needed here. */
#define HEAD "{\"ociVersion\":\"1.2.0\",\"root\":{\"path\":\"rootfs\"},"
#define PROFILE                                                                                                        \
  "\"linux\":{\"seccomp\":{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"syscalls\":[{\"names\":[\"execve\"],\"action\":"     \
  "\"SCMP_ACT_ALLOW\"}]}}"
#define NOTIFY_PROFILE                                                                                                 \
  "\"linux\":{\"seccomp\":{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"listenerPath\":\"/run/agent.sock\","                 \
  "\"syscalls\":[{\"names\":[\"chroot\"],\"action\":\"SCMP_ACT_NOTIFY\"}]}}"

Test (seccomp_report, mode_from_annotations)
{
  cr_assert_eq (mode_ok (HEAD "" PROFILE "}"), MRT_SECCOMP_REPORT_OFF);
  cr_assert_eq (mode_ok (HEAD "\"annotations\":{\"run.oci.minirt.seccomp-report\":\"log\"}," PROFILE "}"),
                MRT_SECCOMP_REPORT_LOG);
  cr_assert_eq (mode_ok (HEAD "\"annotations\":{\"run.oci.minirt.seccomp-report\":\"stop\"}," PROFILE "}"),
                MRT_SECCOMP_REPORT_STOP);
  /* CRI-O's annotation, honoured the same way... */
  cr_assert_eq (mode_ok (HEAD "\"annotations\":{\"io.kubernetes.cri-o.seccompNotifierAction\":"
                              "\"stop\"}," PROFILE "}"),
                MRT_SECCOMP_REPORT_STOP);
  /* ...unless CRI-O injected its own notifier, or there is no profile. */
  cr_assert_eq (mode_ok (HEAD "\"annotations\":{\"io.kubernetes.cri-o.seccompNotifierAction\":"
                              "\"stop\"}," NOTIFY_PROFILE "}"),
                MRT_SECCOMP_REPORT_OFF);
  cr_assert_eq (mode_ok (HEAD "\"annotations\":{\"io.kubernetes.cri-o.seccompNotifierAction\":"
                              "\"log\"}}"),
                MRT_SECCOMP_REPORT_OFF);
}

Test (seccomp_report, mode_errors_name_the_annotation)
{
  cleanup_free char *bad
      = mode_error (HEAD "\"annotations\":{\"run.oci.minirt.seccomp-report\":\"kill\"}," PROFILE "}");
  cr_assert_str_eq (bad, "config.json: annotations[\"run.oci.minirt.seccomp-report\"]: invalid value \"kill\": "
                         "expected log or stop");
  cleanup_free char *crio
      = mode_error (HEAD "\"annotations\":{\"io.kubernetes.cri-o.seccompNotifierAction\":\"halt\"}," PROFILE "}");
  cr_assert_str_eq (crio, "config.json: annotations[\"io.kubernetes.cri-o.seccompNotifierAction\"]: invalid value "
                          "\"halt\": expected log or stop");
  cleanup_free char *none = mode_error (HEAD "\"annotations\":{\"run.oci.minirt.seccomp-report\":\"log\"}}");
  cr_assert_str_eq (none, "config.json: annotations[\"run.oci.minirt.seccomp-report\"]: needs linux.seccomp");
  cleanup_free char *agent
      = mode_error (HEAD "\"annotations\":{\"run.oci.minirt.seccomp-report\":\"log\"}," NOTIFY_PROFILE "}");
  cr_assert (strstr (agent, "annotations[\"run.oci.minirt.seccomp-report\"]: the profile already uses SCMP_ACT_NOTIFY"),
             "%s", agent);
}

Test (seccomp_report, report_line_sorted_with_counts)
{
  struct mrt_seccomp_counts c = { 0 };
  cr_assert_null (mrt_seccomp_counts_format (&c));
  const char *seen[] = { "unshare", "swapoff", "chroot", "swapoff", "chroot" };
  for (size_t i = 0; i < ARRAY_SIZE (seen); i++)
    mrt_seccomp_counts_add (&c, seen[i]);
  cleanup_free char *line = mrt_seccomp_counts_format (&c);
  cr_assert_str_eq (line, "Used forbidden syscalls: chroot (2x), swapoff (2x), unshare (1x)");
  cr_assert_eq (c.total, 5);
  cr_assert_eq (c.n, 3);
  for (int i = 0; i < 10; i++)
    mrt_seccomp_counts_add (&c, "accept");
  cleanup_free char *again = mrt_seccomp_counts_format (&c);
  cr_assert_str_eq (again, "Used forbidden syscalls: accept (10x), chroot (2x), swapoff (2x), unshare (1x)");
  mrt_seccomp_counts_clear (&c);
  cr_assert_eq (c.n, 0);
  cr_assert_null (mrt_seccomp_counts_format (&c));
}

Test (seccomp_report, verdict_keeps_the_profile_effect)
{
  struct mrt_seccomp_verdict v;
  mrt_seccomp_verdict_of (SECCOMP_RET_ERRNO | EPERM, &v);
  cr_assert_eq (v.kind, MRT_VERDICT_ERRNO);
  cr_assert_eq (v.errno_, EPERM);
  mrt_seccomp_verdict_of (SECCOMP_RET_ERRNO | ENOSYS, &v);
  cr_assert_eq (v.errno_, ENOSYS);
  mrt_seccomp_verdict_of (SECCOMP_RET_ERRNO | 0xffff, &v);
  cr_assert_eq (v.errno_, 4095); /* the kernel's MAX_ERRNO cap */
  mrt_seccomp_verdict_of (SECCOMP_RET_KILL_PROCESS, &v);
  cr_assert_eq (v.kind, MRT_VERDICT_KILL_PROCESS);
  mrt_seccomp_verdict_of (SECCOMP_RET_KILL_THREAD, &v);
  cr_assert_eq (v.kind, MRT_VERDICT_KILL_THREAD);
  mrt_seccomp_verdict_of (SECCOMP_RET_TRAP | 5, &v);
  cr_assert_eq (v.kind, MRT_VERDICT_TRAP);
  mrt_seccomp_verdict_of (SECCOMP_RET_ALLOW, &v);
  cr_assert_eq (v.kind, MRT_VERDICT_CONTINUE);
  mrt_seccomp_verdict_of (SECCOMP_RET_LOG, &v);
  cr_assert_eq (v.kind, MRT_VERDICT_CONTINUE);
}

static uint32_t
eval (const struct mrt_seccomp_filter *f, int nr, uint64_t arg0)
{
  uint64_t args[6] = { arg0 };
  return mrt_seccomp_filter_eval (f, 0, nr, args);
}

#define NR(name) #name, SYS_##name

/* The transformed filter notifies exactly where the original denies, and
 * nothing else changes; NOTIFY as default and on `write` are accepted
 * without listenerPath (runc refuses both). */
Test (seccomp_report, transformation_notifies_every_denial)
{
  const char *json
      = HEAD "\"linux\":{\"seccomp\":{\"defaultAction\":\"SCMP_ACT_ERRNO\","
             "\"syscalls\":["
             "{\"names\":[\"execve\",\"read\",\"exit_group\",\"rseq\"],\"action\":\"SCMP_ACT_ALLOW\"},"
             "{\"names\":[\"getpid\"],\"action\":\"SCMP_ACT_LOG\"},"
             "{\"names\":[\"mkdir\"],\"action\":\"SCMP_ACT_TRACE\"},"
             "{\"names\":[\"chroot\"],\"action\":\"SCMP_ACT_KILL_PROCESS\"},"
             "{\"names\":[\"swapoff\"],\"action\":\"SCMP_ACT_TRAP\"},"
             "{\"names\":[\"swapon\"],\"action\":\"SCMP_ACT_KILL\"},"
             "{\"names\":[\"write\"],\"action\":\"SCMP_ACT_ERRNO\",\"errnoRet\":13},"
             "{\"names\":[\"personality\"],\"action\":\"SCMP_ACT_ALLOW\",\"args\":[{\"index\":0,\"value\":0,\"op\":"
             "\"SCMP_CMP_EQ\"}]}]}}}";
  struct mrt_spec *spec = spec_of (json);
  const struct mrt_seccomp *p = spec->linux_->seccomp;
  struct mrt_seccomp_filter *orig = NULL, *notify = NULL;
  cleanup_error mrt_error_t err = NULL;
  cr_assert_eq (mrt_seccomp_compile (p, NULL, &orig, &err), 0, "%s", err ? err->msg : "");
  cr_assert_eq (mrt_seccomp_compile_ex (p, NULL, MRT_SECCOMP_NOTIFY_DENIED, &notify, &err), 0, "%s",
                err ? err->msg : "");
  cr_assert (!mrt_seccomp_filter_wants_listener (orig));
  cr_assert (mrt_seccomp_filter_wants_listener (notify));
  cr_assert (mrt_seccomp_filter_flags (notify) & SECCOMP_FILTER_FLAG_NEW_LISTENER);

  struct
  {
    const char *name;
    int nr;
    uint64_t arg0;
    uint32_t orig;
  } cases[] = {
    { NR (read), 0, SECCOMP_RET_ALLOW },          { NR (getpid), 0, SECCOMP_RET_LOG },
    { NR (mkdir), 0, SECCOMP_RET_TRACE | EPERM }, { NR (chroot), 0, SECCOMP_RET_KILL_PROCESS },
    { NR (swapoff), 0, SECCOMP_RET_TRAP },        { NR (swapon), 0, SECCOMP_RET_KILL_THREAD },
    { NR (write), 0, SECCOMP_RET_ERRNO | 13 },    { NR (unshare), 0, SECCOMP_RET_ERRNO | EPERM }, /* the default */
    { NR (personality), 0, SECCOMP_RET_ALLOW },   { NR (personality), 8, SECCOMP_RET_ERRNO | EPERM },
  };
  for (size_t i = 0; i < ARRAY_SIZE (cases); i++)
    {
      uint32_t o = eval (orig, cases[i].nr, cases[i].arg0);
      uint32_t n = eval (notify, cases[i].nr, cases[i].arg0);
      cr_assert_eq (o, cases[i].orig, "%s(%llu): original %#x", cases[i].name, (unsigned long long)cases[i].arg0, o);
      uint32_t a = o & SECCOMP_RET_ACTION_FULL;
      bool denied = a == SECCOMP_RET_ERRNO || a == SECCOMP_RET_KILL_PROCESS || a == SECCOMP_RET_KILL_THREAD
                    || a == SECCOMP_RET_TRAP;
      cr_assert_eq (n, denied ? SECCOMP_RET_USER_NOTIF : o, "%s(%llu): transformed %#x", cases[i].name,
                    (unsigned long long)cases[i].arg0, n);
    }
  /* Syscalls newer than the profile: the ENOSYS stub stays in the kernel in
   * both (glibc's fallbacks are not violations). */
  cr_assert_eq (eval (orig, SYS_clone3, 0), SECCOMP_RET_ERRNO | ENOSYS);
  cr_assert_eq (eval (notify, SYS_clone3, 0), SECCOMP_RET_ERRNO | ENOSYS);
  mrt_seccomp_filter_free (orig);
  mrt_seccomp_filter_free (notify);
  mrt_spec_free (spec);
}

static void
send_fd (int sock, int fd)
{
  char control[CMSG_SPACE (sizeof (int))] = { 0 };
  char byte = 0;
  struct iovec iov = { .iov_base = &byte, .iov_len = 1 };
  struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = control, .msg_controllen = sizeof (control) };
  struct cmsghdr *cmsg = CMSG_FIRSTHDR (&msg);
  cmsg->cmsg_level = SOL_SOCKET;
  cmsg->cmsg_type = SCM_RIGHTS;
  cmsg->cmsg_len = CMSG_LEN (sizeof (int));
  memcpy (CMSG_DATA (cmsg), &fd, sizeof (int));
  if (sendmsg (sock, &msg, 0) != 1)
    _exit (100);
}

static int
recv_fd (int sock)
{
  char control[CMSG_SPACE (sizeof (int))] = { 0 };
  char byte;
  struct iovec iov = { .iov_base = &byte, .iov_len = 1 };
  struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = control, .msg_controllen = sizeof (control) };
  int fd = -1;
  cr_assert_eq (recvmsg (sock, &msg, MSG_CMSG_CLOEXEC), 1);
  struct cmsghdr *cmsg = CMSG_FIRSTHDR (&msg);
  cr_assert_not_null (cmsg);
  memcpy (&fd, CMSG_DATA (cmsg), sizeof (int));
  return fd;
}

static void
answer_next (int notify, const struct mrt_seccomp_filter *orig, struct mrt_seccomp_counts *c)
{
  struct pollfd p = { .fd = notify, .events = POLLIN };
  cr_assert_eq (poll (&p, 1, 10000), 1, "no notification");
  cr_assert_eq (mrt_seccomp_monitor_answer (notify, orig, c), 1);
}

/* What the monitor does with each notification, on a real process: the
 * rule's errno comes back, a kill action still kills with SIGSYS, each
 * violation is counted by name. */
Test (seccomp_report, monitor_answers_with_the_profile_effect)
{
  const char *json = HEAD "\"linux\":{\"seccomp\":{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":["
                          "{\"names\":[\"chroot\"],\"action\":\"SCMP_ACT_ERRNO\",\"errnoRet\":13},"
                          "{\"names\":[\"swapoff\"],\"action\":\"SCMP_ACT_KILL_PROCESS\"}]}}}";
  struct mrt_spec *spec = spec_of (json);
  struct mrt_seccomp_filter *orig = NULL, *notify_filter = NULL;
  cleanup_error mrt_error_t err = NULL;
  cr_assert_eq (mrt_seccomp_compile (spec->linux_->seccomp, NULL, &orig, &err), 0);
  cr_assert_eq (mrt_seccomp_compile_ex (spec->linux_->seccomp, NULL, MRT_SECCOMP_NOTIFY_DENIED, &notify_filter, &err),
                0);
  int sv[2];
  cr_assert_eq (socketpair (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv), 0);
  pid_t pid = fork ();
  cr_assert_geq (pid, 0);
  if (pid == 0)
    {
      int nfd = -1;
      struct rlimit no_core = { 0, 0 };
      close (sv[0]);
      setrlimit (RLIMIT_CORE, &no_core); /* SIGSYS dumps core */
      prctl (PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
      if (mrt_seccomp_load (notify_filter, &nfd, &err) < 0 || nfd < 0)
        _exit (101);
      send_fd (sv[1], nfd);
      close (nfd);
      int e = syscall (SYS_chroot, "/nonexistent") < 0 ? errno : 0;
      if (write (sv[1], &e, sizeof (e)) != sizeof (e))
        _exit (102);
      syscall (SYS_swapoff, "/nonexistent");
      _exit (0); /* not killed: wrong */
    }
  close (sv[1]);
  int notify = recv_fd (sv[0]);
  struct mrt_seccomp_counts c = { 0 };
  answer_next (notify, orig, &c);
  int e = 0;
  cr_assert_eq (read (sv[0], &e, sizeof (e)), (ssize_t)sizeof (e));
  cr_expect_eq (e, EACCES, "chroot: errno %d", e);
  answer_next (notify, orig, &c);
  int status;
  cr_assert_eq (waitpid (pid, &status, 0), pid);
  cr_expect (WIFSIGNALED (status) && WTERMSIG (status) == SIGSYS, "status %#x", status);
  cleanup_free char *line = mrt_seccomp_counts_format (&c);
  cr_expect_str_eq (line, "Used forbidden syscalls: chroot (1x), swapoff (1x)");
  mrt_seccomp_counts_clear (&c);
  close (notify);
  close (sv[0]);
  mrt_seccomp_filter_free (orig);
  mrt_seccomp_filter_free (notify_filter);
  mrt_spec_free (spec);
}
