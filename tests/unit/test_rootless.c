/* SPDX-License-Identifier: Apache-2.0 */
/* The rootless decisions (include/minirt/rootless.h) as runc 1.1.5 makes
 * them, and the rootless cgroup manager on fake v1 and v2 trees, driven by
 * a child that drops to uid/gid 65534 so that permission errors are real. */
#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cgroups_internal.h"
#include "minirt/rootless.h"
#include "minirt/spec.h"
#include "rootfs.h"
#include "utils.h"

#include "fake_tree.h"

/* ---- --rootless ------------------------------------------------------------ */

Test (rootless, flag_decides_the_cgroup_manager)
{
  struct
  {
    const char *flag;
    uid_t euid;
    bool userns;
    bool want;
  } cases[] = {
    { "true", 0, false, true },   { "false", 1000, false, false }, { NULL, 1000, false, true },
    { "auto", 1000, true, true }, { NULL, 0, false, false },       { "auto", 0, false, false },
    { "auto", 0, true, true },    { "true", 1000, true, true },    { "false", 0, true, false },
  };
  for (size_t i = 0; i < ARRAY_SIZE (cases); i++)
    {
      bool got = !cases[i].want;
      mrt_error_t err = NULL;
      cr_assert_eq (mrt_rootless_cgroups (cases[i].flag, cases[i].euid, cases[i].userns, &got, &err), 0);
      cr_expect_eq (got, cases[i].want, "case %zu: --rootless %s euid %d userns %d", i,
                    cases[i].flag ? cases[i].flag : "(none)", (int)cases[i].euid, cases[i].userns);
    }
  bool got = false;
  mrt_error_t err = NULL;
  cr_assert_eq (mrt_rootless_cgroups ("yes", 1000, false, &got, &err), -1);
  cr_expect_str_eq (err->msg, "invalid --rootless \"yes\": expected true, false or auto");
  mrt_error_free (&err);
}

Test (rootless, uid_map_tells_a_user_namespace)
{
  cr_expect_not (mrt_uid_map_is_userns ("         0          0 4294967295\n"));
  cr_expect (mrt_uid_map_is_userns ("         0       1000          1\n"));
  cr_expect (mrt_uid_map_is_userns ("0 0 1000\n1000 1000 1\n"));
  cr_expect (mrt_uid_map_is_userns ("0 100000 65536\n"));
  cr_expect_not (mrt_uid_map_is_userns (""));
  cr_expect_not (mrt_uid_map_is_userns (NULL));
}

/* ---- the default --root ----------------------------------------------------- */

Test (rootless, default_state_root_follows_runc)
{
  struct
  {
    uid_t euid;
    bool userns;
    const char *xdg, *user, *want;
  } cases[] = {
    { 1000, false, "/run/user/1000", "me", "/run/user/1000/minirt" },
    { 1000, false, NULL, "me", "/run/minirt" },
    { 1000, false, "", "me", "/run/minirt" },
    /* The real root ignores XDG_RUNTIME_DIR (e.g. /run/user/0). */
    { 0, false, "/run/user/0", "root", "/run/minirt" },
    { 0, false, "/run/user/0", NULL, "/run/minirt" },
    /* Root of a user namespace: XDG_RUNTIME_DIR unless $USER is root. */
    { 0, true, "/run/user/1000", "me", "/run/user/1000/minirt" },
    { 0, true, "/run/user/1000", NULL, "/run/user/1000/minirt" },
    { 0, true, "/run/user/0", "root", "/run/minirt" },
  };
  for (size_t i = 0; i < ARRAY_SIZE (cases); i++)
    {
      bool from_xdg = false;
      cleanup_free char *got
          = mrt_default_state_root (cases[i].euid, cases[i].userns, cases[i].xdg, cases[i].user, &from_xdg);
      cr_expect_str_eq (got, cases[i].want, "case %zu", i);
      cr_expect_eq (from_xdg, strcmp (cases[i].want, "/run/minirt") != 0, "case %zu", i);
    }
}

Test (rootless, xdg_state_root_is_made_private_and_sticky)
{
  char dir[] = "/tmp/minirt-rootless-unit.XXXXXX";
  cr_assert_not_null (mkdtemp (dir));
  cleanup_free char *root = xasprintf ("%s/xdg/minirt", dir);
  mrt_error_t err = NULL;
  cr_assert_eq (mrt_xdg_state_root_prepare (root, &err), 0, "%s", err ? err->msg : "");
  struct stat st;
  cr_assert_eq (stat (root, &st), 0);
  cr_expect_eq (st.st_mode & 07777, 01700, "mode %o", st.st_mode & 07777);
  /* Again: an existing directory is fine. */
  cr_assert_eq (mrt_xdg_state_root_prepare (root, &err), 0);
  cleanup_free char *file = xasprintf ("%s/file", dir);
  close (open (file, O_CREAT | O_WRONLY | O_CLOEXEC, 0600));
  cleanup_free char *bad = xasprintf ("%s/minirt", file);
  cr_assert_eq (mrt_xdg_state_root_prepare (bad, &err), -1);
  cr_expect (strncmp (err->msg, "$XDG_RUNTIME_DIR: the path must be writable by the user: ", 57) == 0, "%s", err->msg);
  mrt_error_free (&err);
  rm_rf (dir);
}

/* ---- which cgroup errors may be survived ------------------------------------------ */

Test (rootless, cgroup_errors_ignored_only_rootless_without_a_path)
{
  cr_expect (mrt_cgroup_error_ignorable (true, NULL, EACCES));
  cr_expect (mrt_cgroup_error_ignorable (true, "", EPERM));
  cr_expect (mrt_cgroup_error_ignorable (true, NULL, EROFS));
  cr_expect_not (mrt_cgroup_error_ignorable (true, NULL, ENOENT));
  cr_expect_not (mrt_cgroup_error_ignorable (true, NULL, EBUSY));
  cr_expect_not (mrt_cgroup_error_ignorable (true, "a/b", EACCES));
  cr_expect_not (mrt_cgroup_error_ignorable (false, NULL, EACCES));
}

/* ---- what a rootless config may not ask ---------------------------------------------- */

#define BASE_LINUX                                                                                                     \
  "\"namespaces\":[{\"type\":\"user\"},{\"type\":\"mount\"}],"                                                         \
  "\"uidMappings\":[{\"containerID\":0,\"hostID\":1000,\"size\":1}],"                                                  \
  "\"gidMappings\":[{\"containerID\":0,\"hostID\":1000,\"size\":1}]"

static char *
validate_json (const char *json, bool has_userns, bool creates)
{
  struct mrt_spec *spec = NULL;
  mrt_error_t err = NULL;
  cr_assert_eq (mrt_spec_parse (json, strlen (json), "config.json", &spec, &err), 0, "parse: %s", err ? err->msg : "");
  char *msg = NULL;
  if (mrt_rootless_validate (spec, has_userns, creates, &err) < 0)
    msg = xstrdup (err->msg);
  mrt_error_free (&err);
  mrt_spec_free (spec);
  return msg;
}

Test (rootless, validate_as_runc)
{
  struct
  {
    const char *json;
    bool userns, creates;
    const char *want;
  } cases[] = {
    { "{\"ociVersion\":\"1.0.2\",\"root\":{\"path\":\"r\"},\"process\":{\"cwd\":\"/\",\"args\":[\"sh\"],\"user\":{"
      "\"uid\":0,\"gid\":0}},\"linux\":{" BASE_LINUX "}}",
      true, true, NULL },
    { "{\"ociVersion\":\"1.0.2\",\"root\":{\"path\":\"r\"},\"linux\":{\"namespaces\":[{\"type\":\"mount\"}]}}", false,
      false, "linux.namespaces: rootless container requires user namespaces" },
    { "{\"ociVersion\":\"1.0.2\",\"root\":{\"path\":\"r\"},\"linux\":{\"namespaces\":[{\"type\":\"user\"}]}}", true,
      true, "linux.uidMappings: a rootless container requires at least one uid mapping" },
    /* A joined user namespace brings its own maps. */
    { "{\"ociVersion\":\"1.0.2\",\"root\":{\"path\":\"r\"},\"linux\":{\"namespaces\":[{\"type\":\"user\",\"path\":"
      "\"/proc/1/ns/user\"}]}}",
      true, false, NULL },
    { "{\"ociVersion\":\"1.0.2\",\"root\":{\"path\":\"r\"},\"mounts\":[{\"destination\":\"/t\",\"type\":\"tmpfs\","
      "\"source\":\"tmpfs\",\"options\":[\"uid=0\",\"gid=0\",\"mode=755\"]}],\"linux\":{" BASE_LINUX "}}",
      true, true, NULL },
    { "{\"ociVersion\":\"1.0.2\",\"root\":{\"path\":\"r\"},\"mounts\":[{\"destination\":\"/t\",\"type\":\"tmpfs\","
      "\"source\":\"tmpfs\",\"options\":[\"uid=5\"]}],\"linux\":{" BASE_LINUX "}}",
      true, true,
      "mounts[0].options: uid=5: cannot specify uid= mount options for unmapped uid in rootless containers" },
    { "{\"ociVersion\":\"1.0.2\",\"root\":{\"path\":\"r\"},\"mounts\":[{\"destination\":\"/p\",\"type\":\"devpts\","
      "\"source\":\"devpts\",\"options\":[\"gid=5\"]}],\"linux\":{" BASE_LINUX "}}",
      true, true,
      "mounts[0].options: gid=5: cannot specify gid= mount options for unmapped gid in rootless containers" },
    { "{\"ociVersion\":\"1.0.2\",\"root\":{\"path\":\"r\"},\"process\":{\"cwd\":\"/\",\"args\":[\"sh\"],\"user\":{"
      "\"uid\":5,\"gid\":0}},\"linux\":{" BASE_LINUX "}}",
      true, true, "process.user.uid: cannot set uid to unmapped user in user namespace" },
    { "{\"ociVersion\":\"1.0.2\",\"root\":{\"path\":\"r\"},\"process\":{\"cwd\":\"/\",\"args\":[\"sh\"],\"user\":{"
      "\"uid\":0,\"gid\":7}},\"linux\":{" BASE_LINUX "}}",
      true, true, "process.user.gid: cannot set gid to unmapped user in user namespace" },
    { "{\"ociVersion\":\"1.0.2\",\"root\":{\"path\":\"r\"},\"process\":{\"cwd\":\"/\",\"args\":[\"sh\"],\"user\":{"
      "\"uid\":0,\"gid\":0,\"additionalGids\":[0]}},\"linux\":{" BASE_LINUX "}}",
      true, true, "process.user.additionalGids: cannot set any additional groups in a rootless container" },
  };
  for (size_t i = 0; i < ARRAY_SIZE (cases); i++)
    {
      cleanup_free char *got = validate_json (cases[i].json, cases[i].userns, cases[i].creates);
      if (cases[i].want == NULL)
        cr_expect_null (got, "case %zu refused: %s", i, got);
      else
        {
          cr_expect_not_null (got, "case %zu accepted", i);
          if (got)
            cr_expect_str_eq (got, cases[i].want, "case %zu", i);
        }
    }
}

/* ---- runc's sysctl check (every user; here because rootless needs it) ---------------- */

static char *
sysctl_check (const char *key, bool ipc, bool uts, bool net, const char *net_path)
{
  cleanup_free char *json
      = xasprintf ("{\"ociVersion\":\"1.0.2\",\"root\":{\"path\":\"r\"},\"linux\":{\"sysctl\":{\"%s\":\"1\"}}}", key);
  struct mrt_spec *spec = NULL;
  mrt_error_t err = NULL;
  cr_assert_eq (mrt_spec_parse (json, strlen (json), "config.json", &spec, &err), 0);
  char *msg = NULL;
  if (mrt_sysctl_validate (spec, ipc, uts, net, net_path, &err) < 0)
    msg = xstrdup (err->msg);
  mrt_error_free (&err);
  mrt_spec_free (spec);
  return msg;
}

Test (rootless, sysctl_needs_its_namespace)
{
  struct
  {
    const char *key;
    bool ipc, uts, net;
    const char *net_path, *want;
  } cases[] = {
    { "net.ipv4.ip_forward", false, false, true, NULL, NULL },
    { "net.ipv4.ip_forward", true, true, false, NULL,
      "linux.sysctl[\"net.ipv4.ip_forward\"]: not allowed in host network namespace" },
    /* Joining our own network namespace by path is the host's. */
    { "net.ipv4.ip_forward", false, false, true, "/proc/self/ns/net",
      "linux.sysctl[\"net.ipv4.ip_forward\"]: not allowed in host network namespace" },
    { "kernel.shmmax", true, false, false, NULL, NULL },
    { "fs.mqueue.msg_max", true, false, false, NULL, NULL },
    { "kernel.sem", false, true, true, NULL, "linux.sysctl[\"kernel.sem\"]: not allowed in the host's ipc namespace" },
    { "kernel.domainname", false, true, false, NULL, NULL },
    { "kernel.domainname", true, false, true, NULL,
      "linux.sysctl[\"kernel.domainname\"]: not in a separate kernel namespace" },
    { "kernel.hostname", false, true, false, NULL,
      "linux.sysctl[\"kernel.hostname\"]: not allowed as it conflicts with the OCI \"hostname\" field" },
    { "vm.swappiness", true, true, true, NULL, "linux.sysctl[\"vm.swappiness\"]: not in a separate kernel namespace" },
  };
  for (size_t i = 0; i < ARRAY_SIZE (cases); i++)
    {
      cleanup_free char *got = sysctl_check (cases[i].key, cases[i].ipc, cases[i].uts, cases[i].net, cases[i].net_path);
      if (cases[i].want == NULL)
        cr_expect_null (got, "case %zu refused: %s", i, got);
      else
        cr_expect_str_eq (got ? got : "(accepted)", cases[i].want, "case %zu", i);
    }
}

/* ---- the rootless cgroup manager on fake trees ------------------------------------------ */

static void
setup_tmp (void)
{
  snprintf (tmp, sizeof (tmp), "/tmp/minirt-rootless-unit.XXXXXX");
  cr_assert_not_null (mkdtemp (tmp));
  chmod (tmp, 0755);
}

static void
teardown_tmp (void)
{
  rm_rf (tmp);
}

/* cpu, memory (nested) and pids, all root's but pids: a delegated one. */
static void
fake_v1_rootless (void)
{
  put ("mountinfo", "30 31 0:30 / /sys/fs/cgroup/cpu rw - cgroup cgroup rw,cpu\n"
                    "31 31 0:31 / /sys/fs/cgroup/memory rw - cgroup cgroup rw,memory\n"
                    "32 31 0:32 / /sys/fs/cgroup/pids rw - cgroup cgroup rw,pids\n");
  put ("cgroup", "3:cpu:/\n2:memory:/process_api/abc\n1:pids:/\n");
  put ("sys/cpu/tasks", "");
  put ("sys/memory/process_api/abc/tasks", "");
  put ("sys/pids/tasks", "");
  cleanup_free char *pids = xasprintf ("%s/sys/pids", tmp);
  cr_assert_eq (chown (pids, 65534, 65534), 0);
}

/* Run `fn` in a child as uid/gid 65534; what it reports ("" = success,
 * else the error message) comes back through a pipe. */
static char *
as_nobody (void (*fn) (int out, const struct mrt_cgroup_config *cfg, const struct mrt_resources *res),
           const struct mrt_cgroup_config *cfg, const struct mrt_resources *res)
{
  if (geteuid () != 0)
    cr_skip_test ("needs root to switch to uid 65534");
  int p[2];
  cr_assert_eq (pipe2 (p, O_CLOEXEC), 0);
  pid_t pid = fork ();
  cr_assert_geq (pid, 0);
  if (pid == 0)
    {
      close (p[0]);
      if (setresgid (65534, 65534, 65534) < 0 || setresuid (65534, 65534, 65534) < 0)
        _exit (3);
      fn (p[1], cfg, res);
      _exit (0);
    }
  close (p[1]);
  char buf[4096];
  size_t len = 0;
  ssize_t n;
  while ((n = read (p[0], buf + len, sizeof (buf) - 1 - len)) > 0)
    len += (size_t)n;
  buf[len] = '\0';
  close (p[0]);
  int status = 0;
  cr_assert_eq (waitpid (pid, &status, 0), pid);
  cr_assert (WIFEXITED (status) && WEXITSTATUS (status) == 0, "child status %d", status);
  return xstrdup (buf);
}

/* Reports "ok <saved state>" or "error <message>". */
static void
try_create (int out, const struct mrt_cgroup_config *cfg, const struct mrt_resources *res)
{
  struct mrt_cgroup *cg = NULL;
  mrt_error_t err = NULL;
  cleanup_free char *msg = NULL;
  if (mrt_cgroup_create (cfg, res, &cg, &err) < 0)
    msg = xasprintf ("error %s", err->msg);
  else
    {
      cleanup_free char *saved = mrt_cgroup_save (cg);
      msg = xasprintf ("ok %s", saved);
      mrt_cgroup_destroy (cg, &err);
      mrt_cgroup_free (cg);
    }
  mrt_error_free (&err);
  (void)!write (out, msg, strlen (msg));
}

TestSuite (rootless_cgroups, .init = setup_tmp, .fini = teardown_tmp);

Test (rootless_cgroups, v1_leaves_out_what_it_cannot_create)
{
  fake_v1_rootless ();
  struct mrt_cgroup_config cfg = config ("c1", NULL);
  cfg.rootless = true;
  cleanup_free char *got = as_nobody (try_create, &cfg, NULL);
  cleanup_free char *want = xasprintf ("ok v1 1 pids %s/sys/pids/c1 %s/sys/pids/c1", tmp, tmp);
  cr_expect_str_eq (got, want);
  cr_expect_not (exists ("sys/pids/c1"), "destroy removes the delegated cgroup");
}

Test (rootless_cgroups, v1_limit_without_its_cgroup_fails)
{
  fake_v1_rootless ();
  struct mrt_cgroup_config cfg = config ("c1", NULL);
  cfg.rootless = true;
  struct mrt_memory mem = { .limit = { true, 1 << 24 } };
  struct mrt_resources res = { .memory = &mem };
  cleanup_free char *got = as_nobody (try_create, &cfg, &res);
  cr_expect_str_eq (got, "error linux.resources.memory: cannot set memory limit: container could not join or "
                         "create cgroup");
  cr_expect_not (exists ("sys/pids/c1"), "nothing left behind");
  /* A limit for the delegated hierarchy is written. */
  struct mrt_resources pids = { .pids_limit = { true, 10 } };
  cleanup_free char *got2 = as_nobody (try_create, &cfg, &pids);
  cr_expect (strncmp (got2, "ok v1 1 pids ", 13) == 0, "%s", got2);
}

Test (rootless_cgroups, v1_device_rules_are_skipped)
{
  fake_v1_rootless ();
  struct mrt_cgroup_config cfg = config ("c1", NULL);
  cfg.rootless = true;
  struct mrt_device_cgroup_rule rule = { .allow = false, .access = (char *)"rwm" };
  struct mrt_resources res = { .devices = &rule, .n_devices = 1 };
  cleanup_free char *got = as_nobody (try_create, &cfg, &res);
  cr_expect (strncmp (got, "ok v1 1 pids ", 13) == 0, "%s", got);
}

Test (rootless_cgroups, v1_explicit_path_or_not_rootless_is_an_error)
{
  fake_v1_rootless ();
  struct mrt_cgroup_config cfg = config ("c1", "mine/c1");
  cfg.rootless = true;
  cleanup_free char *got = as_nobody (try_create, &cfg, NULL);
  cleanup_free char *want = xasprintf ("error create cgroup `%s/sys/cpu/mine`: Permission denied", tmp);
  cr_expect_str_eq (got, want);
  struct mrt_cgroup_config cfg2 = config ("c1", NULL);
  cleanup_free char *got2 = as_nobody (try_create, &cfg2, NULL);
  cleanup_free char *want2 = xasprintf ("error create cgroup `%s/sys/cpu/c1`: Permission denied", tmp);
  cr_expect_str_eq (got2, want2);
  cr_expect_not (exists ("sys/pids/c1"), "nothing left behind");
}

Test (rootless_cgroups, v1_nothing_creatable_is_no_cgroup)
{
  fake_v1_rootless ();
  cleanup_free char *pids = xasprintf ("%s/sys/pids", tmp);
  cr_assert_eq (chown (pids, 0, 0), 0);
  struct mrt_cgroup_config cfg = config ("c1", NULL);
  cfg.rootless = true;
  cleanup_free char *got = as_nobody (try_create, &cfg, NULL);
  cr_expect_str_eq (got, "ok disabled");
}

Test (rootless_cgroups, v2_no_permission)
{
  fake_v2 ();
  struct mrt_cgroup_config cfg = config ("c1", NULL);
  cfg.rootless = true;
  cleanup_free char *got = as_nobody (try_create, &cfg, NULL);
  cr_expect_str_eq (got, "ok disabled");
  struct mrt_resources pids = { .pids_limit = { true, 10 } };
  cleanup_free char *got2 = as_nobody (try_create, &cfg, &pids);
  cleanup_free char *want2
      = xasprintf ("error rootless needs no limits and no cgroupsPath when no permission is granted for cgroups: "
                   "create cgroup `%s/sys/user.slice/me/c1`: Permission denied",
                   tmp);
  cr_expect_str_eq (got2, want2);
}

Test (rootless_cgroups, v2_delegated_subtree_is_used)
{
  fake_v2 ();
  cleanup_free char *me = xasprintf ("%s/sys/user.slice/me", tmp);
  cr_assert_eq (chown (me, 65534, 65534), 0);
  cleanup_free char *sc = xasprintf ("%s/cgroup.subtree_control", me);
  cr_assert_eq (chown (sc, 65534, 65534), 0);
  struct mrt_cgroup_config cfg = config ("c1", NULL);
  cfg.rootless = true;
  struct mrt_resources pids = { .pids_limit = { true, 10 } };
  cleanup_free char *got = as_nobody (try_create, &cfg, &pids);
  cleanup_free char *want = xasprintf ("ok v2 1 - %s/c1 %s/c1", me, me);
  cr_expect_str_eq (got, want);
}

Test (rootless, exec_user_checked_against_the_config_maps)
{
  struct mrt_id_mapping map = { 0, 1000, 1 };
  struct mrt_linux l = { .uid_mappings = &map, .n_uid_mappings = 1, .gid_mappings = &map, .n_gid_mappings = 1 };
  struct mrt_user root = { 0 }, five = { .uid = 5 }, gid7 = { .gid = 7 };
  uint32_t gids[] = { 0 };
  struct mrt_user groups = { .additional_gids = gids, .n_additional_gids = 1 };
  mrt_error_t err = NULL;
  cr_expect_eq (mrt_rootless_validate_user (&l, &root, &err), 0);
  cr_assert_eq (mrt_rootless_validate_user (&l, &five, &err), -1);
  cr_expect_str_eq (err->msg, "process.user.uid: cannot set uid to unmapped user in user namespace");
  mrt_error_free (&err);
  cr_assert_eq (mrt_rootless_validate_user (&l, &gid7, &err), -1);
  cr_expect_str_eq (err->msg, "process.user.gid: cannot set gid to unmapped user in user namespace");
  mrt_error_free (&err);
  /* A joined user namespace: no maps to check against, groups still refused. */
  struct mrt_linux joined = { 0 };
  cr_expect_eq (mrt_rootless_validate_user (&joined, &five, &err), 0);
  cr_assert_eq (mrt_rootless_validate_user (&joined, &groups, &err), -1);
  cr_expect_str_eq (err->msg, "process.user.additionalGids: cannot set any additional groups in a rootless container");
  mrt_error_free (&err);
}
