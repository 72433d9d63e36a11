/* SPDX-License-Identifier: Apache-2.0 */
/* Executable lookup through PATH, sync messages, namespace plans. */
#include <criterion/criterion.h>
#include <fcntl.h>
#include <sched.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "process.h"
#include "utils.h"

Test (process, find_executable_in_path)
{
  char *env[] = { (char *)"FOO=1", (char *)"PATH=/nonexistent:/bin:/usr/bin", NULL };
  char *out = NULL;
  mrt_error_t err = NULL;
  cr_assert_eq (mrt_find_executable ("sh", env, &out, &err), 0);
  cr_expect_str_eq (out, "/bin/sh");
  free (out);
  cr_assert_eq (mrt_find_executable ("/bin/sh", env, &out, &err), 0);
  cr_expect_str_eq (out, "/bin/sh");
  free (out);
}

Test (process, find_executable_errors)
{
  char *env[] = { (char *)"PATH=/bin", NULL };
  char *out = NULL;
  mrt_error_t err = NULL;
  cr_expect_lt (mrt_find_executable ("no-such-tool-xyz", env, &out, &err), 0);
  cr_assert_not_null (err);
  cr_expect_str_eq (err->msg, "exec: \"no-such-tool-xyz\": executable file not found in $PATH");
  mrt_error_free (&err);
  /* a directory on the PATH is not an executable */
  char *env2[] = { (char *)"PATH=/", NULL };
  cr_expect_lt (mrt_find_executable ("bin", env2, &out, &err), 0);
  mrt_error_free (&err);
  cr_expect_lt (mrt_find_executable ("/etc/passwd", env, &out, &err), 0);
  mrt_error_free (&err);
  cr_expect_lt (mrt_find_executable ("/no/such", env, &out, &err), 0);
  cr_assert_not_null (err);
  cr_expect_not_null (strstr (err->msg, "exec: \"/no/such\""), "%s", err->msg);
  mrt_error_free (&err);
  cr_expect_lt (mrt_find_executable ("", env, &out, &err), 0);
  mrt_error_free (&err);
}

Test (process, default_path_without_env)
{
  char *env[] = { NULL };
  char *out = NULL;
  mrt_error_t err = NULL;
  cr_assert_eq (mrt_find_executable ("sh", env, &out, &err), 0);
  cr_expect (strcmp (out, "/bin/sh") == 0 || strcmp (out, "/usr/bin/sh") == 0, "%s", out);
  free (out);
}

Test (process, sync_messages)
{
  int sv[2];
  cr_assert_eq (socketpair (AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv), 0);
  cr_assert_eq (mrt_msg_send (sv[0], MRT_SYNC_ERROR, "mount \"proc\": EPERM"), 0);
  cr_assert_eq (mrt_msg_send (sv[0], MRT_SYNC_CREATED, NULL), 0);
  char type;
  char *text = NULL;
  mrt_error_t err = NULL;
  cr_assert_eq (mrt_msg_recv (sv[1], &type, &text, &err), 0);
  cr_expect_eq (type, MRT_SYNC_ERROR);
  cr_expect_str_eq (text, "mount \"proc\": EPERM");
  free (text);
  cr_assert_eq (mrt_msg_recv (sv[1], &type, &text, &err), 0);
  cr_expect_eq (type, MRT_SYNC_CREATED);
  cr_expect_str_eq (text, "");
  free (text);
  close (sv[0]);
  cr_assert_eq (mrt_msg_recv (sv[1], &type, &text, &err), 0);
  cr_expect_eq (type, 0);
  free (text);
  close (sv[1]);
}

Test (process, namespace_plan)
{
  struct mrt_namespace ns[] = {
    { MRT_NS_PID, NULL },         { MRT_NS_NETWORK, (char *)"/proc/self/ns/net" },
    { MRT_NS_CGROUP, NULL },      { MRT_NS_TIME, NULL },
    { MRT_NS_MOUNT, (char *)"" },
  };
  struct mrt_linux l = { .namespaces = ns, .n_namespaces = 5 };
  struct mrt_ns_plan plan;
  mrt_error_t err = NULL;
  cr_assert_eq (mrt_ns_plan_make (&l, &plan, &err), 0);
  /* cgroup and time are unshared late by the child, never cloned */
  cr_expect_eq (plan.clone_flags, CLONE_NEWPID | CLONE_NEWNS);
  cr_expect (plan.create[MRT_NS_CGROUP] && plan.create[MRT_NS_TIME]);
  cr_expect_not (plan.create[MRT_NS_NETWORK]);
  cr_expect (plan.present[MRT_NS_NETWORK]);
  cr_expect_geq (plan.join_fd[MRT_NS_NETWORK], 0);
  cr_expect_eq (fcntl (plan.join_fd[MRT_NS_NETWORK], F_GETFD) & FD_CLOEXEC, FD_CLOEXEC);
  cr_expect_eq (plan.join_fd[MRT_NS_PID], -1);
  mrt_ns_plan_close (&plan);
  cr_expect_eq (plan.join_fd[MRT_NS_NETWORK], -1);

  ns[1].path = (char *)"/nonexistent/ns";
  cr_expect_lt (mrt_ns_plan_make (&l, &plan, &err), 0);
  cr_assert_not_null (err);
  cr_expect_not_null (strstr (err->msg, "linux.namespaces[1].path"), "%s", err->msg);
  mrt_error_free (&err);
}
