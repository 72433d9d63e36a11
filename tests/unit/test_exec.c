/* SPDX-License-Identifier: Apache-2.0 */
/* exec: the process built from the container's and the flags (runc's
 * getProcess), the --cgroup arguments, the pty master hand-over. */
#include <criterion/criterion.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "exec.h"
#include "foreground.h"
#include "minirt/container.h"
#include "terminal.h"
#include "utils.h"

static const char base_json[]
    = "{\"terminal\": true, \"user\": {\"uid\": 5, \"gid\": 6, \"umask\": 63, \"additionalGids\": [7]},"
      " \"args\": [\"init\"], \"env\": [\"PATH=/bin\", \"TERM=xterm\", \"A=1\"], \"cwd\": \"/home\","
      " \"capabilities\": {\"bounding\": [\"CAP_KILL\"], \"effective\": [\"CAP_KILL\"],"
      " \"permitted\": [\"CAP_KILL\"]},"
      " \"rlimits\": [{\"type\": \"RLIMIT_NOFILE\", \"hard\": 100, \"soft\": 50}],"
      " \"noNewPrivileges\": false}";

static struct mrt_process *
base_process (const char *json)
{
  struct mrt_process *p = NULL;
  mrt_error_t err = NULL;
  cr_assert_eq (mrt_process_parse (json, strlen (json), "config.json", &p, &err), 0, "%s", err ? err->msg : "");
  return p;
}

static bool
has (const int *v, size_t n, int cap)
{
  for (size_t i = 0; i < n; i++)
    if (v[i] == cap)
      return true;
  return false;
}

Test (exec, flags_start_from_the_container_process)
{
  struct mrt_process *base = base_process (base_json);
  char *args[] = { (char *)"sh", (char *)"-c", (char *)"id" };
  const char *env[] = { "A=2", "B=3" };
  const char *gids[] = { "10", "20" };
  struct mrt_exec_options o = {
    .id = "c",
    .args = args,
    .n_args = 3,
    .env = env,
    .n_env = 2,
    .user = "1000",
    .additional_gids = gids,
    .n_additional_gids = 2,
    .cwd = "/tmp",
  };
  struct mrt_process *p = NULL;
  mrt_error_t err = NULL;
  cr_assert_eq (mrt_exec_process_build (base, &o, &p, &err), 0, "%s", err ? err->msg : "");
  cr_expect_eq (p->n_args, 3);
  cr_expect_str_eq (p->args[0], "sh");
  cr_expect_null (p->args[3]);
  cr_expect_str_eq (p->cwd, "/tmp");
  /* --env overrides in place, new names are appended (Go's os.Setenv). */
  cr_assert_eq (p->n_env, 4);
  cr_expect_str_eq (p->env[0], "PATH=/bin");
  cr_expect_str_eq (p->env[1], "TERM=xterm");
  cr_expect_str_eq (p->env[2], "A=2");
  cr_expect_str_eq (p->env[3], "B=3");
  cr_expect_null (p->env[4]);
  /* --user without a gid keeps the container's gid; gids are appended. */
  cr_expect_eq (p->user.uid, 1000);
  cr_expect_eq (p->user.gid, 6);
  cr_expect (p->user.umask.set && p->user.umask.value == 63);
  cr_assert_eq (p->user.n_additional_gids, 3);
  cr_expect_eq (p->user.additional_gids[0], 7);
  cr_expect_eq (p->user.additional_gids[2], 20);
  /* terminal comes from --tty only. */
  cr_expect_not (p->terminal);
  cr_expect_eq (p->n_rlimits, 1);
  cr_expect_eq (p->rlimits[0].soft, 50);
  cr_expect_str_eq (p->rlimits[0].type, "RLIMIT_NOFILE");
  mrt_process_free (p);
  mrt_process_free (base);
}

Test (exec, cap_flag_like_runc)
{
  struct mrt_process *base = base_process (base_json);
  char *args[] = { (char *)"true" };
  const char *caps[] = { "CAP_SYS_ADMIN", "cap_net_raw" };
  struct mrt_exec_options o
      = { .id = "c", .args = args, .n_args = 1, .caps = caps, .n_caps = 2, .tty = true, .no_new_privs = true };
  struct mrt_process *p = NULL;
  mrt_error_t err = NULL;
  cr_assert_eq (mrt_exec_process_build (base, &o, &p, &err), 0, "%s", err ? err->msg : "");
  const struct mrt_capabilities *c = p->capabilities;
  cr_assert_not_null (c);
  cr_expect (has (c->bounding, c->n_bounding, CAP_SYS_ADMIN) && has (c->bounding, c->n_bounding, CAP_KILL));
  cr_expect (has (c->effective, c->n_effective, CAP_NET_RAW));
  cr_expect (has (c->permitted, c->n_permitted, CAP_SYS_ADMIN));
  /* No inheritable set in the container: neither inheritable nor ambient
   * (CVE-2022-29162). */
  cr_expect_null (c->inheritable);
  cr_expect_eq (c->n_ambient, 0);
  cr_expect (p->terminal);
  cr_expect (p->no_new_privileges);
  mrt_process_free (p);

  /* With an inheritable set in the container, ambient gets them too. */
  const char *with_inh = "{\"args\": [\"x\"], \"cwd\": \"/\", \"capabilities\": {\"inheritable\": []}}";
  struct mrt_process *b2 = base_process (with_inh);
  cr_assert_eq (mrt_exec_process_build (b2, &o, &p, &err), 0, "%s", err ? err->msg : "");
  cr_expect_eq (p->capabilities->n_inheritable, 0);
  cr_expect_eq (p->capabilities->n_ambient, 2);
  mrt_process_free (p);
  mrt_process_free (b2);

  const char *bad[] = { "CAP_NOPE" };
  o.caps = bad;
  o.n_caps = 1;
  cr_expect_lt (mrt_exec_process_build (base, &o, &p, &err), 0);
  cr_assert_not_null (err);
  cr_expect_str_eq (err->msg, "--cap: unknown capability \"CAP_NOPE\"");
  mrt_error_free (&err);
  mrt_process_free (base);
}

Test (exec, flag_errors)
{
  struct mrt_process *base = base_process (base_json);
  char *args[] = { (char *)"true" };
  struct mrt_process *p = NULL;
  mrt_error_t err = NULL;
  struct mrt_exec_options o = { .id = "c", .args = args, .n_args = 0 };
  cr_expect_lt (mrt_exec_process_build (base, &o, &p, &err), 0);
  mrt_error_free (&err);
  o.n_args = 1;
  o.user = "root";
  cr_expect_lt (mrt_exec_process_build (base, &o, &p, &err), 0);
  cr_expect_str_eq (err->msg, "--user: uid \"root\" is not a number");
  mrt_error_free (&err);
  o.user = "1:x";
  cr_expect_lt (mrt_exec_process_build (base, &o, &p, &err), 0);
  cr_expect_str_eq (err->msg, "--user: gid \"x\" is not a number");
  mrt_error_free (&err);
  /* (uid_t)-1: setresuid(-1, -1, -1) would leave the process root. */
  o.user = "4294967295";
  cr_expect_lt (mrt_exec_process_build (base, &o, &p, &err), 0);
  cr_expect_str_eq (err->msg, "--user: uid 4294967295 is out of range");
  mrt_error_free (&err);
  o.user = "1000:4294967295";
  cr_expect_lt (mrt_exec_process_build (base, &o, &p, &err), 0);
  cr_expect_str_eq (err->msg, "--user: gid 4294967295 is out of range");
  mrt_error_free (&err);
  o.user = NULL;
  o.cwd = "tmp";
  cr_expect_lt (mrt_exec_process_build (base, &o, &p, &err), 0);
  cr_expect_str_eq (err->msg, "--cwd: \"tmp\" must be an absolute path");
  mrt_error_free (&err);
  o.cwd = NULL;
  const char *gids[] = { "-1" };
  o.additional_gids = gids;
  o.n_additional_gids = 1;
  cr_expect_lt (mrt_exec_process_build (base, &o, &p, &err), 0);
  cr_expect_str_eq (err->msg, "--additional-gids: \"-1\" is not a non-negative number");
  mrt_error_free (&err);
  gids[0] = "4294967295";
  cr_expect_lt (mrt_exec_process_build (base, &o, &p, &err), 0);
  cr_expect_str_eq (err->msg, "--additional-gids: 4294967295 is out of range");
  mrt_error_free (&err);
  o.n_additional_gids = 0;
  const char *env[] = { "NOEQUALS" };
  o.env = env;
  o.n_env = 1;
  cr_expect_lt (mrt_exec_process_build (base, &o, &p, &err), 0);
  cr_expect_str_eq (err->msg, "process.env[3]: \"NOEQUALS\": missing '='");
  mrt_error_free (&err);
  mrt_process_free (base);
}

Test (exec, process_file_as_it_is_with_container_defaults)
{
  struct mrt_process *base = base_process (base_json);
  char path[] = "/tmp/minirt-unit-exec-XXXXXX";
  int fd = mkstemp (path);
  cr_assert_geq (fd, 0);
  const char *json
      = "{\"args\": [\"ls\"], \"cwd\": \"/\", \"env\": [\"X=1\", \"X=2\"], \"user\": {\"uid\": 3, \"gid\": 4}}";
  cr_assert_eq (write (fd, json, strlen (json)), (ssize_t)strlen (json));
  close (fd);
  char *args[] = { (char *)"ignored" };
  const char *env[] = { "IGNORED=1" };
  struct mrt_exec_options o
      = { .id = "c", .process_file = path, .args = args, .n_args = 1, .env = env, .n_env = 1, .tty = true };
  struct mrt_process *p = NULL;
  mrt_error_t err = NULL;
  cr_assert_eq (mrt_exec_process_build (base, &o, &p, &err), 0, "%s", err ? err->msg : "");
  cr_expect_str_eq (p->args[0], "ls");
  cr_expect_eq (p->n_env, 1);
  cr_expect_str_eq (p->env[0], "X=2");
  cr_expect_eq (p->user.uid, 3);
  cr_expect_not (p->terminal);
  cr_expect_not (p->no_new_privileges);
  /* Not named in the file: the container's rlimits and capabilities. */
  cr_expect_eq (p->n_rlimits, 1);
  cr_assert_not_null (p->capabilities);
  cr_expect (has (p->capabilities->bounding, p->capabilities->n_bounding, CAP_KILL));
  mrt_process_free (p);

  /* A bad file names itself and the field. */
  FILE *f = fopen (path, "w");
  fputs ("{\"args\": [\"ls\"], \"cwd\": 3}", f);
  fclose (f);
  cr_expect_lt (mrt_exec_process_build (base, &o, &p, &err), 0);
  cr_assert_not_null (err);
  cr_expect (strstr (err->msg, "cwd") != NULL, "%s", err->msg);
  cr_expect (strstr (err->msg, "minirt-unit-exec-") != NULL, "%s", err->msg);
  mrt_error_free (&err);
  unlink (path);
  mrt_process_free (base);
}

Test (exec, subcgroup_arguments)
{
  struct mrt_exec_subcgroup *v = NULL;
  size_t n = 0;
  mrt_error_t err = NULL;
  const char *one[] = { "sub/leaf" };
  cr_assert_eq (mrt_exec_subcgroups_parse (one, 1, &v, &n, &err), 0);
  cr_assert_eq (n, 1);
  cr_expect_str_eq (v[0].ctrl, "");
  cr_expect_str_eq (v[0].path, "sub/leaf");
  mrt_exec_subcgroups_free (v, n);

  const char *several[] = { "cpu,cpuacct:a", "pids:b" };
  cr_assert_eq (mrt_exec_subcgroups_parse (several, 2, &v, &n, &err), 0);
  cr_assert_eq (n, 3);
  cr_expect_str_eq (v[1].ctrl, "cpuacct");
  cr_expect_str_eq (v[1].path, "a");
  cr_expect_str_eq (v[2].ctrl, "pids");
  mrt_exec_subcgroups_free (v, n);

  const char *bad[][2] = {
    { "a", "pids:b" },      /* no prefix with several */
    { "pids:a", "pids:b" }, /* a controller twice */
    { ":a", NULL },         /* empty controller */
    { "pids:../x", NULL },  /* leaves the container's cgroup */
    { "/abs", NULL },       { "a:b:c", NULL },
  };
  for (size_t i = 0; i < ARRAY_SIZE (bad); i++)
    {
      size_t count = bad[i][1] ? 2 : 1;
      cr_expect_lt (mrt_exec_subcgroups_parse (bad[i], count, &v, &n, &err), 0, "%s", bad[i][0]);
      cr_assert_not_null (err);
      cr_expect (strncmp (err->msg, "--cgroup: ", 10) == 0, "%s", err->msg);
      mrt_error_free (&err);
    }
}

Test (exec, pty_master_round_trip)
{
  int sv[2], master = -1, slave = -1, got = -1;
  mrt_error_t err = NULL;
  cr_assert_eq (socketpair (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv), 0);
  cr_assert_eq (mrt_terminal_open (&master, &slave, &err), 0, "%s", err ? err->msg : "");
  cr_assert_eq (mrt_terminal_send_master (sv[0], master, "/dev/pts/x", &err), 0);
  cr_assert_eq (mrt_terminal_recv_master (sv[1], &got, &err), 0, "%s", err ? err->msg : "");
  unsigned int a, b;
  cr_assert_eq (ioctl (master, TIOCGPTN, &a), 0);
  cr_assert_eq (ioctl (got, TIOCGPTN, &b), 0);
  cr_expect_eq (a, b);
  cr_expect (fcntl (got, F_GETFD) & FD_CLOEXEC);
  /* A message without a descriptor is an error, not a hang or a crash. */
  cr_assert_eq (write (sv[0], "x", 1), 1);
  int none = -1;
  cr_expect_lt (mrt_terminal_recv_master (sv[1], &none, &err), 0);
  cr_assert_not_null (err);
  mrt_error_free (&err);
  close (got);
  close (master);
  close (slave);
  close (sv[0]);
  close (sv[1]);
}
