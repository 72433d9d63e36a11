/* SPDX-License-Identifier: Apache-2.0 */
#ifndef MINIRT_SECCOMP_PROFILE_H
#define MINIRT_SECCOMP_PROFILE_H

/* Seccomp profiles as people write them, for `minirt seccomp
 * check|explain|diff|convert` and `minirt spec --seccomp`.
 *
 * Accepted inputs: an OCI `linux.seccomp` object, a whole config.json (its
 * linux.seccomp), and a Docker/Kubernetes (containerd, CRI-O, moby) profile:
 * legacy `name`, `archMap`, `includes`/`excludes` by caps/arches/minKernel,
 * `defaultErrno`/`errno` names next to `defaultErrnoRet`/`errnoRet`.
 * Every value keeps its line, so messages read "FILE:LINE: ...". */

#include <stdbool.h>
#include <stddef.h>

#include "minirt/error.h"
#include "minirt/spec.h"

enum mrt_profile_format
{
  MRT_PROFILE_OCI,    /* a linux.seccomp object (also a valid Kubernetes profile) */
  MRT_PROFILE_CONFIG, /* a whole config.json */
  MRT_PROFILE_DOCKER, /* uses a Docker/Kubernetes-only field */
};

/* includes / excludes of a Docker rule. */
struct mrt_profile_filter
{
  char **caps;
  size_t n_caps;
  char **arches; /* Docker's names: amd64, x86, arm64, s390x, ... */
  size_t n_arches;
  char *min_kernel; /* "5.8" */
};

/* What a rule has beyond the OCI fields (Docker profiles only). */
struct mrt_profile_rule_extra
{
  bool legacy_name; /* written as "name": "x" */
  char *comment;
  struct mrt_profile_filter includes, excludes;
};

struct mrt_profile_arch_map
{
  char *arch; /* SCMP_ARCH_X86_64 */
  char **sub;
  size_t n_sub;
};

struct mrt_profile_line
{
  char *path; /* "syscalls[2].names[0]", from the document root */
  unsigned line;
};

struct mrt_profile
{
  enum mrt_profile_format format;
  char *file;
  char *base; /* JSON path of the profile object: "" or "linux.seccomp" */
  /* The OCI fields, syscalls in file order (names as written: a legacy
   * "name" becomes a one-element names). */
  struct mrt_seccomp s;
  struct mrt_profile_rule_extra *extra; /* n = s.n_syscalls, Docker only (else NULL) */
  struct mrt_profile_arch_map *arch_map;
  size_t n_arch_map;
  /* path -> line of every value of the document */
  struct mrt_profile_line *lines;
  size_t n_lines;
};

/* Read and validate a profile.  Errors are one line, "FILE:LINE: path: what". */
int mrt_profile_load (const char *path, struct mrt_profile **out, mrt_error_t *err);
int mrt_profile_parse (const char *json, size_t len, const char *file, struct mrt_profile **out, mrt_error_t *err);
void mrt_profile_free (struct mrt_profile *p);
const char *mrt_profile_format_name (enum mrt_profile_format f);

/* Line of the value at `path` relative to the profile object ("syscalls[2]
 * .names[0]"; "" is the object itself).  A path that is not in the file
 * gives the line of its nearest present ancestor. */
unsigned mrt_profile_line_of (const struct mrt_profile *p, const char *path);
/* The same for a path relative to the document root. */
unsigned mrt_profile_line_of_abs (const struct mrt_profile *p, const char *path);

/* What a Docker profile is resolved for (moby's setupSeccomp). */
struct mrt_profile_target
{
  const char *arch;        /* amd64, x86_64 or SCMP_ARCH_X86_64 ...; NULL: this machine */
  const char *kernel;      /* "6.1" or a uname release; NULL: this kernel */
  const char *const *caps; /* the container's bounding set */
  size_t n_caps;
};

/* The OCI linux.seccomp this profile gives for `t` (for OCI inputs, a
 * copy).  Free with mrt_seccomp_free. */
int mrt_profile_resolve (const struct mrt_profile *p, const struct mrt_profile_target *t, struct mrt_seccomp **out,
                         mrt_error_t *err);
/* The name moby uses in includes/excludes.arches for an architecture
 * written any way ("x86_64", "SCMP_ARCH_X86_64" -> "amd64"); NULL if unknown. */
const char *mrt_profile_docker_arch (const char *name);
/* Docker's name of the target architecture ("amd64") and the kernel
 * "major.minor" actually used, for messages. */
int mrt_profile_target_describe (const struct mrt_profile_target *t, char **arch, char **kernel, mrt_error_t *err);

/* ---- check ---------------------------------------------------------------- */

struct mrt_profile_finding
{
  bool error;
  unsigned line;
  char *msg;
};

/* Findings sorted by line.  Returns the number of errors, or -1 on a
 * failure of minirt itself (*err set). */
int mrt_profile_check (const struct mrt_profile *p, struct mrt_profile_finding **out, size_t *n, mrt_error_t *err);
void mrt_profile_findings_free (struct mrt_profile_finding *f, size_t n);

/* ---- explain and diff ------------------------------------------------------- */

/* A readable summary: default, allowed and denied syscalls by group,
 * argument conditions in words, the dangerous syscalls it allows. */
char *mrt_seccomp_explain (const struct mrt_seccomp *s);
/* Added, removed and changed syscalls from a to b; *n_changes counts them
 * (the default action and architectures included). */
char *mrt_seccomp_diff (const struct mrt_seccomp *a, const struct mrt_seccomp *b, size_t *n_changes);

/* ---- syscall knowledge (seccomp_syscalls.c) ---------------------------------- */

/* Every syscall name libseccomp knows on any architecture, sorted,
 * NULL-terminated; the caller frees the strings and the array. */
char **mrt_syscall_all_names (size_t *count);
bool mrt_syscall_known (const char *name);
/* Edit distance; SIZE_MAX for strings over 64 bytes. */
size_t mrt_levenshtein (const char *a, const char *b);
/* The known name closest to `name` (Levenshtein), or NULL if none is close;
 * caller frees. */
char *mrt_syscall_nearest (const char *name);
enum mrt_syscall_group
{
  MRT_SYSCALL_FILES,
  MRT_SYSCALL_PROCESSES,
  MRT_SYSCALL_NETWORK,
  MRT_SYSCALL_MEMORY,
  MRT_SYSCALL_TIME,
  MRT_SYSCALL_SIGNALS_IPC,
  MRT_SYSCALL_PRIVILEGED,
  MRT_SYSCALL_OTHER,
  MRT_SYSCALL__GROUPS
};
enum mrt_syscall_group mrt_syscall_group (const char *name);
/* The syscall exists on the native architecture or one the profile lists. */
bool mrt_seccomp_has_syscall (const struct mrt_seccomp *s, const char *name);
const char *mrt_syscall_group_name (enum mrt_syscall_group g);
/* Why a container should not have it (seed 003's table), or NULL. */
const char *mrt_syscall_danger (const char *name);
/* The i-th name of seed 003's table (in its order), NULL past the end. */
const char *mrt_syscall_dangerous_name (size_t i);
/* The condition of one argument in words: "flags has none of CLONE_NEWNS,
 * CLONE_NEWUSER", "persona is 0x0". */
char *mrt_syscall_describe_arg (const char *syscall, const struct mrt_seccomp_arg *a);
/* "EPERM" for 1; a number as text when unknown. */
char *mrt_errno_name (unsigned long e);
/* 1 for "EPERM"; -1 when unknown. */
long mrt_errno_from_name (const char *name);

/* ---- convert (seccomp_convert.c) ---------------------------------------------- */

enum mrt_profile_form
{
  MRT_FORM_OCI,        /* linux.seccomp */
  MRT_FORM_KUBERNETES, /* a kubelet Localhost profile (containerd/CRI-O JSON) */
};
/* Pretty JSON (2-space indent), no trailing newline. */
char *mrt_seccomp_to_json (const struct mrt_seccomp *s, enum mrt_profile_form form);
/* config_json with linux.seccomp set to s, everything else kept in order;
 * tab-indented like runc's config.json.  NULL with *err on bad input. */
char *mrt_config_set_seccomp (const char *config_json, size_t len, const char *file, const struct mrt_seccomp *s,
                              mrt_error_t *err);
/* Patch DIR/config.json in place (atomically). */
int mrt_bundle_set_seccomp (const char *bundle, const struct mrt_seccomp *s, mrt_error_t *err);
/* The bounding set of DIR/config.json (empty when it has none). */
int mrt_bundle_caps (const char *bundle, char ***caps, size_t *n, mrt_error_t *err);
/* Our RuntimeDefault profile (specs/seccomp/docker-default.json, embedded
 * at build time). */
const char *mrt_seccomp_default_profile (void);

#endif
