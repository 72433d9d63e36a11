/* SPDX-License-Identifier: Apache-2.0 */
#ifndef MINIRT_SECCOMP_DESCRIBE_H
#define MINIRT_SECCOMP_DESCRIBE_H

/* Shared by seccomp_explain.c and seccomp_diff.c: a profile seen per
 * syscall, and actions and conditions in words. */

#include <stdio.h>

#include "minirt/seccomp_profile.h"

struct sd_entry
{
  enum mrt_seccomp_action action;
  uint64_t errno_; /* ERRNO and TRACE: the value the profile gives */
  const struct mrt_seccomp_syscall *rule;
};

/* Every syscall the rules name, sorted by name, with its rules in order. */
struct sd_syscall
{
  const char *name;
  struct sd_entry *e;
  size_t n;
};

struct sd_view
{
  struct sd_syscall *v;
  size_t n;
  struct sd_entry def;
};

void sd_view_build (const struct mrt_seccomp *s, struct sd_view *out);
void sd_view_free (struct sd_view *v);
const struct sd_syscall *sd_view_find (const struct sd_view *v, const char *name);

/* "allowed", "refused with EPERM", "killed (the process)", ... */
char *sd_action_text (const struct sd_entry *e);
/* The conditions of a rule for `name` in words ("only without CLONE_NEWUSER
 * in flags"), NULL when the rule has none. */
char *sd_condition_text (const char *name, const struct mrt_seccomp_syscall *rule);
/* How one syscall is treated, e.g. "allowed only with persona 0x0 or 0x8
 * (otherwise: refused with EPERM)". */
char *sd_treatment_text (const struct sd_view *v, const struct sd_syscall *s);

/* Names as lines of at most ~100 columns, each starting with `indent`. */
void sd_print_wrapped (FILE *out, const char *indent, const char *const *names, size_t n);

#endif
