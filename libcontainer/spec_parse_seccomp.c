/* SPDX-License-Identifier: Apache-2.0 */
/* `linux.seccomp`, in config.json and standalone (profiles in specs/seccomp). */
#include <ctype.h>
#include <seccomp.h>
#include <string.h>

#include "spec_parse.h"
#include "utils.h"

static const struct sj_enum actions[] = {
  { "SCMP_ACT_KILL", MRT_SCMP_ACT_KILL },
  { "SCMP_ACT_KILL_PROCESS", MRT_SCMP_ACT_KILL_PROCESS },
  { "SCMP_ACT_KILL_THREAD", MRT_SCMP_ACT_KILL_THREAD },
  { "SCMP_ACT_TRAP", MRT_SCMP_ACT_TRAP },
  { "SCMP_ACT_ERRNO", MRT_SCMP_ACT_ERRNO },
  { "SCMP_ACT_TRACE", MRT_SCMP_ACT_TRACE },
  { "SCMP_ACT_ALLOW", MRT_SCMP_ACT_ALLOW },
  { "SCMP_ACT_LOG", MRT_SCMP_ACT_LOG },
  { "SCMP_ACT_NOTIFY", MRT_SCMP_ACT_NOTIFY },
};

static const struct sj_enum operators[] = {
  { "SCMP_CMP_NE", MRT_SCMP_CMP_NE },
  { "SCMP_CMP_LT", MRT_SCMP_CMP_LT },
  { "SCMP_CMP_LE", MRT_SCMP_CMP_LE },
  { "SCMP_CMP_EQ", MRT_SCMP_CMP_EQ },
  { "SCMP_CMP_GE", MRT_SCMP_CMP_GE },
  { "SCMP_CMP_GT", MRT_SCMP_CMP_GT },
  { "SCMP_CMP_MASKED_EQ", MRT_SCMP_CMP_MASKED_EQ },
};

static const char *const filter_flags[] = {
  "SECCOMP_FILTER_FLAG_TSYNC",
  "SECCOMP_FILTER_FLAG_LOG",
  "SECCOMP_FILTER_FLAG_SPEC_ALLOW",
  "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV",
};

const char *
mrt_seccomp_action_name (enum mrt_seccomp_action a)
{
  for (size_t i = 0; i < ARRAY_SIZE (actions); i++)
    if (actions[i].value == (int)a)
      return actions[i].name;
  return "unknown";
}

const char *
mrt_seccomp_op_name (enum mrt_seccomp_op op)
{
  for (size_t i = 0; i < ARRAY_SIZE (operators); i++)
    if (operators[i].value == (int)op)
      return operators[i].name;
  return "unknown";
}

static int
parse_action (struct sj_ctx *c, yajl_val v, const char *key, bool required, enum mrt_seccomp_action *out)
{
  int a = *out;
  if (sj_enum (c, v, key, required, actions, ARRAY_SIZE (actions), "action", &a) < 0)
    return -1;
  *out = (enum mrt_seccomp_action)a;
  return 0;
}

/* ---- architectures and flags ----------------------------------------------------- */

/* "SCMP_ARCH_X86_64" -> libseccomp's "x86_64". */
static bool
arch_known (const char *name)
{
  const char *prefix = "SCMP_ARCH_";
  size_t plen = strlen (prefix);
  if (strncmp (name, prefix, plen) != 0 || name[plen] == '\0' || strlen (name) > 64)
    return false;
  char lower[65];
  size_t i;
  for (i = 0; name[plen + i]; i++)
    {
      char ch = name[plen + i];
      if (!isupper ((unsigned char)ch) && !isdigit ((unsigned char)ch) && ch != '_')
        return false;
      lower[i] = (char)tolower ((unsigned char)ch);
    }
  lower[i] = '\0';
  return seccomp_arch_resolve_name (lower) != 0;
}

static int
check_names (struct sj_ctx *c, const char *key, char **names, size_t n, bool (*known) (const char *), const char *what)
{
  for (size_t i = 0; i < n; i++)
    if (!known (names[i]))
      {
        size_t mark = sj_push_key (c, key);
        sj_push_index (c, i);
        sj_error (c, "unknown %s \"%s\"", what, names[i]);
        sj_pop (c, mark);
        return -1;
      }
  return 0;
}

static bool
flag_known (const char *name)
{
  for (size_t i = 0; i < ARRAY_SIZE (filter_flags); i++)
    if (strcmp (filter_flags[i], name) == 0)
      return true;
  return false;
}

/* ---- syscalls ---------------------------------------------------------------------- */

static int
parse_arg (struct sj_ctx *c, yajl_val v, void *out)
{
  struct mrt_seccomp_arg *a = out;
  int op = 0;
  if (sj_u32 (c, v, "index", true, &a->index) < 0)
    return -1;
  if (a->index > 5)
    return sj_error_at (c, "index", "expected an integer in 0..5, got %u", a->index);
  if (sj_u64 (c, v, "value", true, UINT64_MAX, &a->value) < 0
      || sj_u64 (c, v, "valueTwo", false, UINT64_MAX, &a->value_two) < 0
      || sj_enum (c, v, "op", true, operators, ARRAY_SIZE (operators), "operator", &op) < 0)
    return -1;
  a->op = (enum mrt_seccomp_op)op;
  return 0;
}

static int
parse_syscall_names (struct sj_ctx *c, yajl_val v, struct mrt_seccomp_syscall *s)
{
  if (sj_get (v, "names") == NULL && sj_get (v, "name") != NULL)
    return sj_error_at (c, "names",
                        "missing required array (the legacy \"name\" field is not supported: use \"names\")");
  if (sj_string_array (c, v, "names", true, &s->names, &s->n_names) < 0)
    return -1;
  if (s->n_names == 0)
    return sj_error_at (c, "names", "expected at least one syscall name");
  for (size_t i = 0; i < s->n_names; i++)
    if (s->names[i][0] == '\0')
      {
        size_t mark = sj_push_key (c, "names");
        sj_push_index (c, i);
        sj_error (c, "expected a syscall name, got \"\"");
        sj_pop (c, mark);
        return -1;
      }
  return 0;
}

static int
parse_syscall (struct sj_ctx *c, yajl_val v, void *out)
{
  struct mrt_seccomp_syscall *s = out;
  if (parse_syscall_names (c, v, s) < 0 || parse_action (c, v, "action", true, &s->action) < 0
      || sj_opt_u64 (c, v, "errnoRet", UINT32_MAX, &s->errno_ret) < 0)
    return -1;
  return sj_object_array (c, v, "args", false, sizeof (struct mrt_seccomp_arg), (void **)&s->args, &s->n_args,
                          parse_arg);
}

/* The Docker-profile reader (seccomp_profile.c) shares the argument syntax. */
int
parse_seccomp_arg (struct sj_ctx *c, yajl_val v, void *out)
{
  return parse_arg (c, v, out);
}

/* ---- seccomp --------------------------------------------------------------------------- */

int
parse_seccomp (struct sj_ctx *c, yajl_val v, void *out)
{
  struct mrt_seccomp *s = out;
  if (parse_action (c, v, "defaultAction", true, &s->default_action) < 0
      || sj_opt_u64 (c, v, "defaultErrnoRet", UINT32_MAX, &s->default_errno_ret) < 0)
    return -1;
  if (sj_string_array (c, v, "architectures", false, &s->architectures, &s->n_architectures) < 0
      || check_names (c, "architectures", s->architectures, s->n_architectures, arch_known, "architecture") < 0)
    return -1;
  if (sj_string_array (c, v, "flags", false, &s->flags, &s->n_flags) < 0
      || check_names (c, "flags", s->flags, s->n_flags, flag_known, "flag") < 0)
    return -1;
  if (sj_string (c, v, "listenerPath", false, &s->listener_path) < 0
      || sj_string (c, v, "listenerMetadata", false, &s->listener_metadata) < 0)
    return -1;
  return sj_object_array (c, v, "syscalls", false, sizeof (struct mrt_seccomp_syscall), (void **)&s->syscalls,
                          &s->n_syscalls, parse_syscall);
}

void
free_seccomp_contents (struct mrt_seccomp *s)
{
  sj_free_strv (s->architectures, s->n_architectures);
  sj_free_strv (s->flags, s->n_flags);
  free (s->listener_path);
  free (s->listener_metadata);
  for (size_t i = 0; s->syscalls && i < s->n_syscalls; i++)
    {
      sj_free_strv (s->syscalls[i].names, s->syscalls[i].n_names);
      free (s->syscalls[i].args);
      free (s->syscalls[i].comment);
    }
  free (s->syscalls);
}
