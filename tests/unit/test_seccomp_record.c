/* SPDX-License-Identifier: Apache-2.0 */
/* seccomp record's pure parts: the recorded set, the allowlist made of it
 * (sorting, architectures) and how it is written. */
#include <criterion/criterion.h>
#include <linux/audit.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "minirt/seccomp_profile.h"
#include "minirt/seccomp_record.h"

/* libseccomp's <seccomp.h> is hidden by ours on the include path: its
 * architecture values are the kernel's (x32 aside), and the syscall numbers
 * of the ABIs used here are fixed forever. */
#define SCMP_ARCH_X86_64 AUDIT_ARCH_X86_64
#define SCMP_ARCH_X86 AUDIT_ARCH_I386
#define SCMP_ARCH_X32 (AUDIT_ARCH_X86_64 & ~__AUDIT_ARCH_64BIT)
#define SCMP_ARCH_AARCH64 AUDIT_ARCH_AARCH64
#define X32_BIT 0x40000000

struct known
{
  uint32_t arch;
  const char *name;
  int nr;
};

static const struct known known[] = {
  { SCMP_ARCH_X86_64, "read", 0 },        { SCMP_ARCH_X86_64, "write", 1 },        { SCMP_ARCH_X86_64, "brk", 12 },
  { SCMP_ARCH_X86_64, "execve", 59 },     { SCMP_ARCH_X86_64, "exit_group", 231 }, { SCMP_ARCH_X86_64, "openat", 257 },
  { SCMP_ARCH_X86, "read", 3 },           { SCMP_ARCH_X86, "write", 4 },           { SCMP_ARCH_X86, "socketcall", 102 },
  { SCMP_ARCH_X32, "read", X32_BIT | 0 },
};

static int
nr_of (uint32_t arch, const char *name)
{
  for (size_t i = 0; i < sizeof (known) / sizeof (known[0]); i++)
    if (known[i].arch == arch && strcmp (known[i].name, name) == 0)
      return known[i].nr;
  cr_assert_fail ("no number for %s", name);
  return -1;
}

Test (recording, counts_each_call_once)
{
  struct mrt_seccomp_recording *r = mrt_seccomp_recording_new ();
  int rd = nr_of (SCMP_ARCH_X86_64, "read");
  cr_assert (mrt_seccomp_recording_add (r, AUDIT_ARCH_X86_64, rd));
  cr_assert_not (mrt_seccomp_recording_add (r, AUDIT_ARCH_X86_64, rd));
  cr_assert (mrt_seccomp_recording_add (r, AUDIT_ARCH_I386, nr_of (SCMP_ARCH_X86, "read")));
  cr_assert_eq (mrt_seccomp_recording_count (r), 2);
  mrt_seccomp_recording_free (r);
}

Test (recording, names_sorted_unique_across_architectures)
{
  struct mrt_seccomp_recording *r = mrt_seccomp_recording_new ();
  const char *in[] = { "write", "openat", "read", "exit_group", "brk", "read" };
  for (size_t i = 0; i < sizeof (in) / sizeof (in[0]); i++)
    mrt_seccomp_recording_add (r, AUDIT_ARCH_X86_64, nr_of (SCMP_ARCH_X86_64, in[i]));
  /* The same names on i386, where the numbers differ. */
  mrt_seccomp_recording_add (r, AUDIT_ARCH_I386, nr_of (SCMP_ARCH_X86, "write"));
  mrt_seccomp_recording_add (r, AUDIT_ARCH_I386, nr_of (SCMP_ARCH_X86, "socketcall"));
  size_t n = 0, unnamed = 0;
  char **names = mrt_seccomp_recording_names (r, &n, &unnamed);
  const char *want[] = { "brk", "exit_group", "openat", "read", "socketcall", "write" };
  cr_assert_eq (n, 6);
  cr_assert_eq (unnamed, 0);
  for (size_t i = 0; i < n; i++)
    cr_assert_str_eq (names[i], want[i]);
  cr_assert_null (names[n]);
  mrt_seccomp_recording_names_free (names);
  mrt_seccomp_recording_free (r);
}

Test (recording, x32_calls_are_their_own_architecture)
{
  struct mrt_seccomp_recording *r = mrt_seccomp_recording_new ();
  /* The kernel reports x32 as x86_64 with the x32 bit in the number. */
  int nr = nr_of (SCMP_ARCH_X32, "read");
  mrt_seccomp_recording_add (r, AUDIT_ARCH_X86_64, nr);
  size_t unnamed = 0;
  struct mrt_seccomp *p = mrt_seccomp_recording_profile (r, SCMP_ARCH_X86_64, &unnamed);
  cr_assert_eq (p->n_architectures, 2);
  cr_assert_str_eq (p->architectures[0], "SCMP_ARCH_X86_64");
  cr_assert_str_eq (p->architectures[1], "SCMP_ARCH_X32");
  cr_assert_eq (p->n_syscalls, 1);
  cr_assert_str_eq (p->syscalls[0].names[0], "read");
  mrt_seccomp_free (p);
  mrt_seccomp_recording_free (r);
}

Test (recording, profile_is_a_minimal_allowlist)
{
  struct mrt_seccomp_recording *r = mrt_seccomp_recording_new ();
  mrt_seccomp_recording_add (r, AUDIT_ARCH_X86_64, nr_of (SCMP_ARCH_X86_64, "write"));
  mrt_seccomp_recording_add (r, AUDIT_ARCH_X86_64, nr_of (SCMP_ARCH_X86_64, "execve"));
  mrt_seccomp_recording_add (r, AUDIT_ARCH_X86_64, 9999); /* no such syscall */
  size_t unnamed = 0;
  struct mrt_seccomp *p = mrt_seccomp_recording_profile (r, SCMP_ARCH_X86_64, &unnamed);
  cr_assert_eq (unnamed, 1);
  cr_assert_eq (p->default_action, MRT_SCMP_ACT_ERRNO);
  cr_assert_not (p->default_errno_ret.set);
  /* Only the native architecture: x86 and x32 were never used. */
  cr_assert_eq (p->n_architectures, 1);
  cr_assert_str_eq (p->architectures[0], "SCMP_ARCH_X86_64");
  cr_assert_eq (p->n_syscalls, 1);
  cr_assert_eq (p->syscalls[0].action, MRT_SCMP_ACT_ALLOW);
  cr_assert_eq (p->syscalls[0].n_names, 2);
  cr_assert_str_eq (p->syscalls[0].names[0], "execve");
  cr_assert_str_eq (p->syscalls[0].names[1], "write");
  char *json = mrt_seccomp_to_json (p, MRT_FORM_OCI);
  cr_assert_str_eq (json, "{\n"
                          "  \"defaultAction\": \"SCMP_ACT_ERRNO\",\n"
                          "  \"architectures\": [\n"
                          "    \"SCMP_ARCH_X86_64\"\n"
                          "  ],\n"
                          "  \"syscalls\": [\n"
                          "    {\n"
                          "      \"names\": [\n"
                          "        \"execve\",\n"
                          "        \"write\"\n"
                          "      ],\n"
                          "      \"action\": \"SCMP_ACT_ALLOW\"\n"
                          "    }\n"
                          "  ]\n"
                          "}");
  free (json);
  mrt_seccomp_free (p);
  mrt_seccomp_recording_free (r);
}

Test (recording, native_first_then_seen_architectures_in_libseccomp_order)
{
  struct mrt_seccomp_recording *r = mrt_seccomp_recording_new ();
  mrt_seccomp_recording_add (r, AUDIT_ARCH_X86_64, nr_of (SCMP_ARCH_X86_64, "read"));
  mrt_seccomp_recording_add (r, AUDIT_ARCH_I386, nr_of (SCMP_ARCH_X86, "read"));
  size_t unnamed = 0;
  /* As if recorded on an arm64 machine running x86 binaries. */
  struct mrt_seccomp *p = mrt_seccomp_recording_profile (r, SCMP_ARCH_AARCH64, &unnamed);
  cr_assert_eq (p->n_architectures, 3);
  cr_assert_str_eq (p->architectures[0], "SCMP_ARCH_AARCH64");
  cr_assert_str_eq (p->architectures[1], "SCMP_ARCH_X86");
  cr_assert_str_eq (p->architectures[2], "SCMP_ARCH_X86_64");
  mrt_seccomp_free (p);
  mrt_seccomp_recording_free (r);
}

Test (recording, merge_and_empty)
{
  struct mrt_seccomp_recording *a = mrt_seccomp_recording_new ();
  struct mrt_seccomp_recording *b = mrt_seccomp_recording_new ();
  size_t unnamed = 0;
  struct mrt_seccomp *p = mrt_seccomp_recording_profile (a, SCMP_ARCH_X86_64, &unnamed);
  cr_assert_eq (p->n_syscalls, 0, "nothing recorded: no rule");
  char *json = mrt_seccomp_to_json (p, MRT_FORM_OCI);
  cr_assert_null (strstr (json, "syscalls"));
  free (json);
  mrt_seccomp_free (p);
  mrt_seccomp_recording_add (a, AUDIT_ARCH_X86_64, 0);
  mrt_seccomp_recording_add (b, AUDIT_ARCH_X86_64, 0);
  mrt_seccomp_recording_add (b, AUDIT_ARCH_X86_64, 1);
  mrt_seccomp_recording_merge (a, b);
  cr_assert_eq (mrt_seccomp_recording_count (a), 2);
  mrt_seccomp_recording_free (a);
  mrt_seccomp_recording_free (b);
}

/* The recorded profile, written in either form, reads back the same. */
Test (recording, profile_reads_back_in_both_forms)
{
  struct mrt_seccomp_recording *r = mrt_seccomp_recording_new ();
  const char *in[] = { "write", "openat", "read", "exit_group", "brk", "execve" };
  for (size_t i = 0; i < sizeof (in) / sizeof (in[0]); i++)
    mrt_seccomp_recording_add (r, AUDIT_ARCH_X86_64, nr_of (SCMP_ARCH_X86_64, in[i]));
  mrt_seccomp_recording_add (r, AUDIT_ARCH_I386, nr_of (SCMP_ARCH_X86, "socketcall"));
  size_t unnamed = 0;
  struct mrt_seccomp *p = mrt_seccomp_recording_profile (r, SCMP_ARCH_X86_64, &unnamed);
  enum mrt_profile_form forms[] = { MRT_FORM_OCI, MRT_FORM_KUBERNETES };
  for (size_t f = 0; f < 2; f++)
    {
      struct mrt_seccomp *b = NULL;
      mrt_error_t err = NULL;
      char *json = mrt_seccomp_to_json (p, forms[f]);
      cr_assert_eq (mrt_seccomp_parse (json, strlen (json), "out.json", &b, &err), 0, "%s", json);
      cr_assert_eq (b->default_action, MRT_SCMP_ACT_ERRNO);
      cr_assert_not (b->default_errno_ret.set);
      cr_assert_eq (b->n_architectures, 2);
      cr_assert_str_eq (b->architectures[0], "SCMP_ARCH_X86_64");
      cr_assert_str_eq (b->architectures[1], "SCMP_ARCH_X86");
      cr_assert_eq (b->n_syscalls, 1);
      cr_assert_eq (b->syscalls[0].n_names, 7);
      for (size_t i = 1; i < b->syscalls[0].n_names; i++)
        cr_assert_lt (strcmp (b->syscalls[0].names[i - 1], b->syscalls[0].names[i]), 0);
      mrt_seccomp_free (b);
      free (json);
    }
  mrt_seccomp_free (p);
  mrt_seccomp_recording_free (r);
}

/* ---- the runtimes' rule ---------------------------------------------------- */

static bool
rule_has (const struct mrt_seccomp_syscall *r, const char *name)
{
  for (size_t i = 0; i < r->n_names; i++)
    if (strcmp (r->names[i], name) == 0)
      return true;
  return false;
}

Test (record_runtimes, parse)
{
  unsigned w = 0;
  cr_assert_eq (mrt_seccomp_record_runtimes_parse (NULL, &w), 0);
  cr_assert_eq (w, MRT_RECORD_FOR_ANY);
  cr_assert_eq (mrt_seccomp_record_runtimes_parse ("runc", &w), 0);
  cr_assert_eq (w, MRT_RECORD_FOR_RUNC);
  cr_assert_eq (mrt_seccomp_record_runtimes_parse ("crun", &w), 0);
  cr_assert_eq (w, MRT_RECORD_FOR_CRUN);
  cr_assert_eq (mrt_seccomp_record_runtimes_parse ("minirt", &w), 0);
  cr_assert_eq (w, MRT_RECORD_FOR_MINIRT);
  cr_assert_eq (mrt_seccomp_record_runtimes_parse ("any", &w), 0);
  cr_assert_eq (w, MRT_RECORD_FOR_ANY);
  cr_assert_eq (mrt_seccomp_record_runtimes_parse ("youki", &w), -1);
  cr_assert_eq (mrt_seccomp_record_runtimes_parse ("Runc", &w), -1);
  char *d = mrt_seccomp_record_runtimes_describe (MRT_RECORD_FOR_ANY);
  cr_assert_str_eq (d, "minirt, runc, crun");
  free (d);
}

/* The workload's names stay in syscalls[0]; the runtimes' rule follows,
 * without what the workload already has, sorted. */
Test (record_runtimes, second_rule_without_the_workloads_names)
{
  struct mrt_seccomp_recording *r = mrt_seccomp_recording_new ();
  const char *in[] = { "write", "read", "execve", "exit_group", "openat" };
  for (size_t i = 0; i < sizeof (in) / sizeof (in[0]); i++)
    mrt_seccomp_recording_add (r, AUDIT_ARCH_X86_64, nr_of (SCMP_ARCH_X86_64, in[i]));
  size_t unnamed = 0;
  struct mrt_seccomp *p = mrt_seccomp_recording_profile (r, SCMP_ARCH_X86_64, &unnamed);
  char *extra[] = { "umask", "fstatfs", NULL };
  size_t n = mrt_seccomp_record_add_runtime_rule (p, MRT_RECORD_FOR_RUNC, extra, SCMP_ARCH_X86_64);
  cr_assert_eq (p->n_syscalls, 2);
  cr_assert_eq (p->syscalls[0].n_names, 5, "the workload's rule is unchanged");
  const struct mrt_seccomp_syscall *rt = &p->syscalls[1];
  cr_assert_eq (rt->action, MRT_SCMP_ACT_ALLOW);
  cr_assert_eq (rt->n_names, n);
  /* runc 1.1.5's fd clean-up after the load, and Go's futex. */
  cr_assert (rule_has (rt, "fstatfs"));
  cr_assert (rule_has (rt, "getdents64"));
  cr_assert (rule_has (rt, "futex"));
  cr_assert (rule_has (rt, "umask"), "the extra names are added");
  /* In the workload's rule already, or crun's only. */
  cr_assert_not (rule_has (rt, "write"));
  cr_assert_not (rule_has (rt, "execve"));
  cr_assert_not (rule_has (rt, "openat"));
  cr_assert_not (rule_has (rt, "setresuid"));
  for (size_t i = 1; i < rt->n_names; i++)
    cr_assert_lt (strcmp (rt->names[i - 1], rt->names[i]), 0, "%s, %s", rt->names[i - 1], rt->names[i]);
  mrt_seccomp_free (p);

  p = mrt_seccomp_recording_profile (r, SCMP_ARCH_X86_64, &unnamed);
  mrt_seccomp_record_add_runtime_rule (p, MRT_RECORD_FOR_ANY, NULL, SCMP_ARCH_X86_64);
  cr_assert (rule_has (&p->syscalls[1], "setresuid"), "crun's");
  cr_assert (rule_has (&p->syscalls[1], "fstatfs"), "runc's");
  cr_assert (rule_has (&p->syscalls[1], "umask"), "minirt's");
  mrt_seccomp_free (p);
  mrt_seccomp_recording_free (r);
}

Test (record_runtimes, names_the_architecture_lacks_are_left_out)
{
  struct mrt_seccomp_recording *r = mrt_seccomp_recording_new ();
  mrt_seccomp_recording_add (r, AUDIT_ARCH_X86_64, nr_of (SCMP_ARCH_X86_64, "execve"));
  size_t unnamed = 0;
  struct mrt_seccomp *p = mrt_seccomp_recording_profile (r, SCMP_ARCH_AARCH64, &unnamed);
  /* arm64 has no open(2) and no alarm(2). */
  char *extra[] = { "open", "alarm", "umask", NULL };
  mrt_seccomp_record_add_runtime_rule (p, MRT_RECORD_FOR_MINIRT, extra, SCMP_ARCH_AARCH64);
  cr_assert_eq (p->n_syscalls, 2);
  cr_assert_not (rule_has (&p->syscalls[1], "open"));
  cr_assert_not (rule_has (&p->syscalls[1], "alarm"));
  cr_assert (rule_has (&p->syscalls[1], "umask"));
  mrt_seccomp_free (p);
  mrt_seccomp_recording_free (r);
}

/* Nothing left to add: no empty rule (libseccomp and runc refuse one). */
Test (record_runtimes, no_empty_rule)
{
  struct mrt_seccomp_recording *r = mrt_seccomp_recording_new ();
  mrt_seccomp_recording_add (r, AUDIT_ARCH_X86_64, nr_of (SCMP_ARCH_X86_64, "execve"));
  size_t unnamed = 0;
  struct mrt_seccomp *p = mrt_seccomp_recording_profile (r, SCMP_ARCH_X86_64, &unnamed);
  cr_assert_eq (mrt_seccomp_record_add_runtime_rule (p, 0, NULL, SCMP_ARCH_X86_64), 0);
  cr_assert_eq (p->n_syscalls, 1);
  char *extra[] = { "execve", NULL };
  cr_assert_eq (mrt_seccomp_record_add_runtime_rule (p, 0, extra, SCMP_ARCH_X86_64), 0);
  cr_assert_eq (p->n_syscalls, 1);
  mrt_seccomp_free (p);
  mrt_seccomp_recording_free (r);
}

/* The runtimes' rule carries a comment in the Kubernetes form only: the
 * OCI form has no such key. */
Test (record_runtimes, comment_in_the_kubernetes_form_only)
{
  struct mrt_seccomp_recording *r = mrt_seccomp_recording_new ();
  mrt_seccomp_recording_add (r, AUDIT_ARCH_X86_64, nr_of (SCMP_ARCH_X86_64, "execve"));
  size_t unnamed = 0;
  struct mrt_seccomp *p = mrt_seccomp_recording_profile (r, SCMP_ARCH_X86_64, &unnamed);
  mrt_seccomp_record_add_runtime_rule (p, MRT_RECORD_FOR_CRUN, NULL, SCMP_ARCH_X86_64);
  char *oci = mrt_seccomp_to_json (p, MRT_FORM_OCI);
  char *k8s = mrt_seccomp_to_json (p, MRT_FORM_KUBERNETES);
  cr_assert_null (strstr (oci, "comment"), "%s", oci);
  cr_assert_not_null (strstr (k8s, "\"comment\": \"not the workload's: what the runtimes (crun) call between loading "
                                   "the filter and the workload's execve"),
                      "%s", k8s);
  /* Once, on the second rule. */
  cr_assert_null (strstr (strstr (k8s, "comment") + 1, "comment"));
  cr_assert_gt (strstr (k8s, "comment") - k8s, strstr (k8s, "statx") - k8s);
  free (oci);
  free (k8s);
  mrt_seccomp_free (p);
  mrt_seccomp_recording_free (r);
}
