/* SPDX-License-Identifier: Apache-2.0 */
/* The profile tools' library: reading every profile form with lines,
 * resolving Docker profiles like moby, the checks, the words, converting.
 * Runs from the top of the checkout (meson's workdir). */
#include <criterion/criterion.h>
#include <linux/audit.h>
#include <linux/seccomp.h>
#include <string.h>

#include "minirt/error.h"
#include "minirt/seccomp_profile.h"
#include "seccomp.h"
#include "utils.h"

static struct mrt_profile *
load_ok (const char *path)
{
  struct mrt_profile *p = NULL;
  cleanup_error mrt_error_t err = NULL;
  cr_assert_eq (mrt_profile_load (path, &p, &err), 0, "%s: %s", path, err ? err->msg : "?");
  return p;
}

static struct mrt_profile *
parse_ok (const char *json)
{
  struct mrt_profile *p = NULL;
  cleanup_error mrt_error_t err = NULL;
  cr_assert_eq (mrt_profile_parse (json, strlen (json), "t.json", &p, &err), 0, "%s", err ? err->msg : "?");
  return p;
}

static char *
parse_error (const char *json)
{
  struct mrt_profile *p = NULL;
  mrt_error_t err = NULL;
  cr_assert_eq (mrt_profile_parse (json, strlen (json), "t.json", &p, &err), -1);
  cr_assert_null (p);
  char *msg = xstrdup (err->msg);
  mrt_error_free (&err);
  return msg;
}

static struct mrt_seccomp *
resolve (const struct mrt_profile *p, const char *arch, const char *kernel, const char *const *caps, size_t n_caps)
{
  struct mrt_seccomp *s = NULL;
  cleanup_error mrt_error_t err = NULL;
  struct mrt_profile_target t = { .arch = arch, .kernel = kernel, .caps = caps, .n_caps = n_caps };
  cr_assert_eq (mrt_profile_resolve (p, &t, &s, &err), 0, "%s", err ? err->msg : "?");
  return s;
}

static bool
names_syscall (const struct mrt_seccomp *s, const char *name)
{
  for (size_t i = 0; i < s->n_syscalls; i++)
    for (size_t j = 0; j < s->syscalls[i].n_names; j++)
      if (strcmp (s->syscalls[i].names[j], name) == 0)
        return true;
  return false;
}

Test (profile, formats_and_lines)
{
  struct mrt_profile *p = load_ok ("specs/seccomp/docker-default.json");
  cr_assert_eq (p->format, MRT_PROFILE_OCI);
  cr_assert_eq (mrt_profile_line_of (p, "defaultAction"), 2);
  cr_assert_eq (mrt_profile_line_of (p, "architectures[1]"), 6);
  cr_assert_eq (mrt_profile_line_of (p, "syscalls[0].names[0]"), 12);
  cr_assert_eq (mrt_profile_line_of (p, "syscalls[4].names[0]"), 429);
  cr_assert_eq (mrt_profile_line_of (p, "syscalls[4].errnoRet"), 432);
  /* absent paths fall back to their nearest ancestor */
  cr_assert_eq (mrt_profile_line_of (p, "syscalls[4].args"), mrt_profile_line_of (p, "syscalls[4]"));
  mrt_profile_free (p);

  p = load_ok ("tests/data/seccomp/prevent-chmod-seed003.json");
  cr_assert_eq (p->format, MRT_PROFILE_DOCKER);
  cr_assert (p->extra[0].legacy_name);
  cr_assert_str_eq (p->s.syscalls[0].names[0], "chmod");
  cr_assert_eq (mrt_profile_line_of (p, "syscalls[0].name"), 5);
  mrt_profile_free (p);

  /* a whole config.json: the profile is linux.seccomp, lines still count from the file's top */
  p = parse_ok ("{\"ociVersion\": \"1.0.2\",\n \"linux\": {\n  \"seccomp\": {\n   \"defaultAction\": "
                "\"SCMP_ACT_ALLOW\",\n   \"syscalls\": [{\"names\": [\"mkdir\"], \"action\": \"SCMP_ACT_ERRNO\"}]}}}");
  cr_assert_eq (p->format, MRT_PROFILE_CONFIG);
  cr_assert_str_eq (p->base, "linux.seccomp");
  cr_assert_eq (mrt_profile_line_of (p, "syscalls[0].names[0]"), 5);
  mrt_profile_free (p);
}

Test (profile, errors_name_file_line_and_field)
{
  cleanup_free char *m1 = parse_error ("{\n \"defaultAction\": \"SCMP_ACT_ALLOW\",\n \"syscalls\": [\n  {\"names\": "
                                       "[\"x\"],\n   \"action\": \"SCMP_ACT_FOO\"}]}");
  cr_assert_str_eq (m1, "t.json:5: syscalls[0].action: unknown action \"SCMP_ACT_FOO\"");
  cleanup_free char *m2 = parse_error ("{\n \"defaultAction\": \"SCMP_ACT_ALLOW\"\n \"syscalls\": []}");
  cr_assert (strncmp (m2, "t.json:3: invalid JSON", 22) == 0, "%s", m2);
  cleanup_free char *m3 = parse_error ("{\"ociVersion\": \"1.0.2\", \"linux\": {}}");
  cr_assert_str_eq (m3, "t.json:1: linux.seccomp: not set: this config.json has no seccomp profile");
  cleanup_free char *m4
      = parse_error ("{\"defaultAction\": \"SCMP_ACT_ALLOW\",\n\"syscalls\": [{\"name\": \"a\", \"names\": [\"b\"],"
                     " \"action\": \"SCMP_ACT_ERRNO\"}]}");
  cr_assert_str_eq (m4, "t.json:2: syscalls[0]: both \"name\" and \"names\": use either");
  cleanup_free char *m5 = parse_error ("{\"defaultAction\": \"SCMP_ACT_ERRNO\", \"defaultErrno\": \"EPREM\"}");
  cr_assert_str_eq (m5, "t.json:1: defaultErrno: unknown errno name \"EPREM\"");
  cleanup_free char *m6 = parse_error (
      "{\"defaultAction\": \"SCMP_ACT_ERRNO\", \"syscalls\": [{\"names\": [\"a\"], \"action\": \"SCMP_ACT_ALLOW\","
      "\n \"includes\": {\"minKernel\": \"4\"}}]}");
  cr_assert_str_eq (m6, "t.json:2: syscalls[0].includes.minKernel: invalid kernel version \"4\": expected "
                        "<major>.<minor>");
}

Test (profile, docker_resolution_follows_moby)
{
  struct mrt_profile *p = load_ok ("tests/data/seccomp/docker-style.json");
  static const char *const admin[] = { "CAP_SYS_ADMIN" };
  static const char *const ptrace[] = { "CAP_SYS_PTRACE" };

  struct mrt_seccomp *s = resolve (p, "amd64", "6.1", NULL, 0);
  cr_assert_eq (s->n_architectures, 3);
  cr_assert_str_eq (s->architectures[0], "SCMP_ARCH_X86_64");
  cr_assert (names_syscall (s, "arch_prctl"));
  cr_assert_not (names_syscall (s, "mount"));
  cr_assert_not (names_syscall (s, "ptrace"));
  cr_assert (names_syscall (s, "clone3")); /* the ENOSYS rule */
  mrt_seccomp_free (s);

  s = resolve (p, "x86_64", "6.1", admin, 1);
  cr_assert (names_syscall (s, "mount"));
  /* excludes caps CAP_SYS_ADMIN: the conditional clone rule is gone */
  for (size_t i = 0; i < s->n_syscalls; i++)
    cr_assert (s->syscalls[i].n_args == 0);
  mrt_seccomp_free (s);

  s = resolve (p, "SCMP_ARCH_AARCH64", "4.8", ptrace, 1);
  cr_assert_eq (s->n_architectures, 2);
  cr_assert_str_eq (s->architectures[1], "SCMP_ARCH_ARM");
  cr_assert_not (names_syscall (s, "arch_prctl"));
  cr_assert (names_syscall (s, "ptrace"));
  mrt_seccomp_free (s);

  s = resolve (p, "arm64", "4.4", ptrace, 1);
  cr_assert_not (names_syscall (s, "ptrace")); /* minKernel 4.8 */
  mrt_seccomp_free (s);

  struct mrt_seccomp *bad = NULL;
  cleanup_error mrt_error_t err = NULL;
  struct mrt_profile_target t = { .arch = "vax" };
  cr_assert_eq (mrt_profile_resolve (p, &t, &bad, &err), -1);
  cr_assert (strstr (err->msg, "unknown architecture \"vax\"") != NULL);
  mrt_profile_free (p);
}

static char *
findings_text (const char *path, int *errors)
{
  struct mrt_profile *p = load_ok (path);
  struct mrt_profile_finding *f = NULL;
  size_t n = 0;
  cleanup_error mrt_error_t err = NULL;
  *errors = mrt_profile_check (p, &f, &n, &err);
  char *buf = NULL;
  size_t len = 0;
  FILE *out = open_memstream (&buf, &len);
  for (size_t i = 0; i < n; i++)
    fprintf (out, "%u: %s\n", f[i].line, f[i].msg);
  fclose (out);
  mrt_profile_findings_free (f, n);
  mrt_profile_free (p);
  return buf;
}

Test (check, seed_profiles)
{
  int errors;
  cleanup_free char *dd = findings_text ("specs/seccomp/docker-default.json", &errors);
  cr_assert_str_eq (dd, "", "docker-default.json: %s", dd);
  cr_assert_eq (errors, 0);

  cleanup_free char *pc = findings_text ("tests/data/seccomp/prevent-chmod-seed003.json", &errors);
  cr_assert (strstr (pc, "5: syscalls[0].name: legacy field \"name\"") != NULL, "%s", pc);
  cr_assert (strstr (pc, "5: syscalls[0].name: chmod is refused but fchmod, fchmodat, fchmodat2 are allowed") != NULL,
             "%s", pc);

  cleanup_free char *mk = findings_text ("tests/data/seccomp/block-mkdirat-seed004.json", &errors);
  cr_assert_str_eq (mk, "5: syscalls[0].names[0]: mkdirat is refused but mkdir is allowed: the same operation "
                        "still works through it\n");

  cleanup_free char *vi = findings_text ("specs/seccomp/violation.json", &errors);
  cr_assert (strstr (vi, "2: defaultAction: execve is refused (SCMP_ACT_ERRNO)") != NULL, "%s", vi);
  cr_assert_eq (errors, 0);

  cleanup_free char *ty = findings_text ("tests/data/seccomp/typos.json", &errors);
  cr_assert (strstr (ty, "3: architectures[0]: SCMP_ARCH_X86_64 without SCMP_ARCH_X86, SCMP_ARCH_X32") != NULL);
  cr_assert (strstr (ty, "6: syscalls[0].names[0]: unknown syscall \"mkdri\" (did you mean \"mkdir\"?)") != NULL);
  cr_assert (strstr (ty, "8: syscalls[0].errnoret: unknown field, ignored (did you mean \"errnoRet\"?)") != NULL);
  cr_assert (strstr (ty, "12: syscalls[1].action: SCMP_ACT_ALLOW is also the defaultAction") != NULL);
  cr_assert (strstr (ty, "15: syscalls[2].names[0]: \"mkdirat\" is already in syscalls[0] with another action")
             != NULL);

  /* Docker's clone3 -> ENOSYS is a fallback, not a half-blocked family */
  cleanup_free char *cn = findings_text ("specs/seccomp/clone-no-userns.json", &errors);
  cr_assert_str_eq (cn, "");
}

/* The check's claim about a missing x86: a 32-bit syscall gets killed. */
Test (check, foreign_architecture_is_killed)
{
  struct mrt_profile *p = load_ok ("specs/seccomp/block-mkdir-kill.json");
  struct mrt_seccomp *s = resolve (p, NULL, NULL, NULL, 0);
  struct mrt_seccomp_filter *f = NULL;
  cleanup_error mrt_error_t err = NULL;
  cr_assert_eq (mrt_seccomp_compile (s, NULL, &f, &err), 0);
  uint32_t ret = mrt_seccomp_filter_eval (f, AUDIT_ARCH_I386, 20 /* getpid */, NULL);
  cr_assert_eq (ret & SECCOMP_RET_ACTION_FULL, SECCOMP_RET_KILL_THREAD, "ret %#x", ret);
  mrt_seccomp_filter_free (f);
  mrt_seccomp_free (s);
  mrt_profile_free (p);
}

/* What minirt itself would refuse is an error, at the line of the rule. */
Test (check, compile_errors_are_errors)
{
  cleanup_free char *json = xstrdup ("{\"defaultAction\": \"SCMP_ACT_ALLOW\",\n\"syscalls\": [\n{\"names\": "
                                     "[\"getpid\"], \"action\": \"SCMP_ACT_ERRNO\", \"args\": [");
  /* more conditions than a rule can take (6 arguments x 8) */
  for (int i = 0; i < 49; i++)
    {
      char *n = xasprintf ("%s%s{\"index\": 0, \"value\": %d, \"op\": \"SCMP_CMP_EQ\"}", json, i ? ", " : "", i);
      free (json);
      json = n;
    }
  char *n = xasprintf ("%s]}]}", json);
  free (json);
  json = n;
  struct mrt_profile *p = parse_ok (json);
  struct mrt_profile_finding *f = NULL;
  size_t nf = 0;
  cleanup_error mrt_error_t err = NULL;
  cr_assert_eq (mrt_profile_check (p, &f, &nf, &err), 1);
  cr_assert_eq (nf, 1);
  cr_assert (f[0].error);
  cr_assert_eq (f[0].line, 3);
  cr_assert (strstr (f[0].msg, "minirt would refuse this profile: linux.seccomp.syscalls[0].names[0]") != NULL, "%s",
             f[0].msg);
  mrt_profile_findings_free (f, nf);
  mrt_profile_free (p);
}

Test (syscalls, nearest_and_groups)
{
  cleanup_free char *a = mrt_syscall_nearest ("mkdri");
  cleanup_free char *b = mrt_syscall_nearest ("pread");
  cleanup_free char *c = mrt_syscall_nearest ("fchmodat3");
  cleanup_free char *d = mrt_syscall_nearest ("completelyunrelated");
  cr_assert_str_eq (a, "mkdir");
  cr_assert_str_eq (b, "pread64");
  cr_assert_str_eq (c, "fchmodat");
  cr_assert_null (d);
  cr_assert (mrt_syscall_known ("chown32"));
  cr_assert_not (mrt_syscall_known ("pread"));
  cr_assert_eq (mrt_syscall_group ("mount"), MRT_SYSCALL_PRIVILEGED);
  cr_assert_eq (mrt_syscall_group ("openat2"), MRT_SYSCALL_FILES);
  cr_assert_eq (mrt_syscall_group ("accept4"), MRT_SYSCALL_NETWORK);
  cr_assert_eq (mrt_syscall_group ("clock_gettime"), MRT_SYSCALL_TIME);
  cr_assert_eq (mrt_syscall_group ("clock_settime"), MRT_SYSCALL_PRIVILEGED);
  cr_assert_eq (mrt_syscall_group ("mmap"), MRT_SYSCALL_MEMORY);
  cr_assert_eq (mrt_syscall_group ("getuid"), MRT_SYSCALL_PROCESSES);
  cr_assert_str_eq (mrt_syscall_danger ("reboot"), "reboots the host; also gated by CAP_SYS_BOOT");
  size_t n = 0;
  while (mrt_syscall_dangerous_name (n))
    n++;
  cr_assert_eq (n, 52); /* seed 003's table */
  cleanup_free char *e = mrt_errno_name (38);
  cr_assert_str_eq (e, "ENOSYS");
  cr_assert_eq (mrt_errno_from_name ("EPERM"), 1);
}

Test (syscalls, arguments_in_words)
{
  struct mrt_seccomp_arg newuser = { .index = 0, .value = 0x10000000, .value_two = 0, .op = MRT_SCMP_CMP_MASKED_EQ };
  cleanup_free char *a = mrt_syscall_describe_arg ("clone", &newuser);
  cr_assert_str_eq (a, "without CLONE_NEWUSER in flags");
  struct mrt_seccomp_arg vsock = { .index = 0, .value = 40, .op = MRT_SCMP_CMP_NE };
  cleanup_free char *b = mrt_syscall_describe_arg ("socket", &vsock);
  cr_assert_str_eq (b, "with domain other than AF_VSOCK (40)");
  struct mrt_seccomp_arg query = { .index = 0, .value = 0xffffffff, .op = MRT_SCMP_CMP_EQ };
  cleanup_free char *c = mrt_syscall_describe_arg ("personality", &query);
  cr_assert_str_eq (c, "with persona 0xffffffff");
}

static struct mrt_seccomp *
reparse (const char *json)
{
  struct mrt_profile *p = parse_ok (json);
  struct mrt_seccomp *s = resolve (p, NULL, NULL, NULL, 0);
  mrt_profile_free (p);
  return s;
}

Test (convert, round_trips)
{
  static const char *const files[]
      = { "specs/seccomp/docker-default.json", "specs/seccomp/clone-no-userns.json",
          "specs/seccomp/notify-chroot-swapoff.json", "tests/data/seccomp/docker-style.json" };
  for (size_t i = 0; i < ARRAY_SIZE (files); i++)
    {
      struct mrt_profile *p = load_ok (files[i]);
      struct mrt_seccomp *s = resolve (p, "amd64", "6.1", NULL, 0);
      cleanup_free char *oci = mrt_seccomp_to_json (s, MRT_FORM_OCI);
      cleanup_free char *k8s = mrt_seccomp_to_json (s, MRT_FORM_KUBERNETES);
      struct mrt_seccomp *a = reparse (oci), *b = reparse (k8s);
      size_t changes = 99;
      cleanup_free char *d1 = mrt_seccomp_diff (s, a, &changes);
      cr_assert_eq (changes, 0, "%s: %s", files[i], d1);
      cleanup_free char *d2 = mrt_seccomp_diff (s, b, &changes);
      /* the Kubernetes form drops only the node-local listener */
      cr_assert_eq (changes, s->listener_path ? 1 : 0, "%s: %s", files[i], d2);
      cleanup_free char *again = mrt_seccomp_to_json (a, MRT_FORM_OCI);
      cr_assert_str_eq (again, oci);
      mrt_seccomp_free (a);
      mrt_seccomp_free (b);
      mrt_seccomp_free (s);
      mrt_profile_free (p);
    }
}

Test (convert, config_keeps_everything_else)
{
  const char *config = "{\"ociVersion\": \"1.0.2\", \"x\": [1.50, -2, true, null, {\"a\": \"\\u00e9\"}],"
                       " \"linux\": {\"namespaces\": [{\"type\": \"pid\"}], \"seccomp\": {\"defaultAction\": "
                       "\"SCMP_ACT_LOG\"}, \"z\": 1}, \"last\": 0}";
  struct mrt_seccomp *s = reparse ("{\"defaultAction\": \"SCMP_ACT_ALLOW\"}");
  cleanup_error mrt_error_t err = NULL;
  cleanup_free char *out = mrt_config_set_seccomp (config, strlen (config), "c.json", s, &err);
  cr_assert_not_null (out, "%s", err ? err->msg : "?");
  cr_assert_str_eq (out,
                    "{\n\t\"ociVersion\": \"1.0.2\",\n\t\"x\": [\n\t\t1.50,\n\t\t-2,\n\t\ttrue,\n\t\tnull,\n\t\t{\n"
                    "\t\t\t\"a\": \"\xc3\xa9\"\n\t\t}\n\t],\n\t\"linux\": {\n\t\t\"namespaces\": [\n\t\t\t{\n"
                    "\t\t\t\t\"type\": \"pid\"\n\t\t\t}\n\t\t],\n\t\t\"seccomp\": {\n\t\t\t\"defaultAction\": "
                    "\"SCMP_ACT_ALLOW\"\n\t\t},\n\t\t\"z\": 1\n\t},\n\t\"last\": 0\n}");
  /* no linux object yet: one is added at the end */
  cleanup_free char *out2 = mrt_config_set_seccomp ("{\"a\": 1}", 8, "c.json", s, &err);
  cr_assert_str_eq (out2, "{\n\t\"a\": 1,\n\t\"linux\": {\n\t\t\"seccomp\": {\n\t\t\t\"defaultAction\": "
                          "\"SCMP_ACT_ALLOW\"\n\t\t}\n\t}\n}");
  mrt_seccomp_free (s);
}

Test (convert, embedded_default_is_the_source_file)
{
  cleanup_free char *buf = NULL;
  size_t len = 0;
  cleanup_error mrt_error_t err = NULL;
  cr_assert_eq (mrt_read_file ("specs/seccomp/docker-default.json", 1 << 20, &buf, &len, &err), 0);
  cr_assert_str_eq (mrt_seccomp_default_profile (), buf);
}
