/* SPDX-License-Identifier: Apache-2.0 */
/* struct mrt_seccomp -> JSON (minirt/seccomp_profile.h). */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "minirt/seccomp_profile.h"
#include "utils.h"
#include "yajl_helpers.h"

bool
mrt_seccomp_profile_format_from_name (const char *name, enum mrt_seccomp_profile_format *out)
{
  if (strcmp (name, "oci") == 0)
    *out = MRT_SECCOMP_PROFILE_OCI;
  else if (strcmp (name, "kubernetes") == 0 || strcmp (name, "k8s") == 0 || strcmp (name, "docker") == 0)
    *out = MRT_SECCOMP_PROFILE_KUBERNETES;
  else
    return false;
  return true;
}

/* uint64 values (masks, errno) do not fit yajl_gen_integer's long long. */
static void
gen_u64 (yajl_gen g, uint64_t v)
{
  char buf[32];
  int n = snprintf (buf, sizeof (buf), "%" PRIu64, v);
  yajl_gen_number (g, buf, (size_t)n);
}

static void
gen_strings (yajl_gen g, const char *key, char *const *v, size_t n)
{
  gen_str (g, key);
  yajl_gen_array_open (g);
  for (size_t i = 0; i < n; i++)
    gen_str (g, v[i]);
  yajl_gen_array_close (g);
}

static void
gen_syscall (yajl_gen g, const struct mrt_seccomp_syscall *s)
{
  yajl_gen_map_open (g);
  gen_strings (g, "names", s->names, s->n_names);
  gen_key_str (g, "action", mrt_seccomp_action_name (s->action));
  if (s->errno_ret.set)
    {
      gen_str (g, "errnoRet");
      gen_u64 (g, s->errno_ret.value);
    }
  if (s->n_args > 0)
    {
      gen_str (g, "args");
      yajl_gen_array_open (g);
      for (size_t i = 0; i < s->n_args; i++)
        {
          const struct mrt_seccomp_arg *a = &s->args[i];
          yajl_gen_map_open (g);
          gen_key_int (g, "index", a->index);
          gen_str (g, "value");
          gen_u64 (g, a->value);
          if (a->value_two != 0)
            {
              gen_str (g, "valueTwo");
              gen_u64 (g, a->value_two);
            }
          gen_key_str (g, "op", mrt_seccomp_op_name (a->op));
          yajl_gen_map_close (g);
        }
      yajl_gen_array_close (g);
    }
  yajl_gen_map_close (g);
}

char *
mrt_seccomp_profile_to_json (const struct mrt_seccomp *p, enum mrt_seccomp_profile_format format)
{
  yajl_gen g = yajl_gen_alloc (NULL);
  if (g == NULL)
    return NULL;
  yajl_gen_config (g, yajl_gen_beautify, 1);
  /* Seed 000's kubelet profiles are indented by four spaces, runtime-spec
   * examples by two. */
  yajl_gen_config (g, yajl_gen_indent_string, format == MRT_SECCOMP_PROFILE_KUBERNETES ? "    " : "  ");

  yajl_gen_map_open (g);
  gen_key_str (g, "defaultAction", mrt_seccomp_action_name (p->default_action));
  if (p->default_errno_ret.set)
    {
      gen_str (g, "defaultErrnoRet");
      gen_u64 (g, p->default_errno_ret.value);
    }
  if (p->n_architectures > 0)
    gen_strings (g, "architectures", p->architectures, p->n_architectures);
  if (p->n_flags > 0)
    gen_strings (g, "flags", p->flags, p->n_flags);
  if (p->listener_path)
    gen_key_str (g, "listenerPath", p->listener_path);
  if (p->listener_metadata)
    gen_key_str (g, "listenerMetadata", p->listener_metadata);
  if (p->n_syscalls > 0)
    {
      gen_str (g, "syscalls");
      yajl_gen_array_open (g);
      for (size_t i = 0; i < p->n_syscalls; i++)
        gen_syscall (g, &p->syscalls[i]);
      yajl_gen_array_close (g);
    }
  yajl_gen_map_close (g);

  cleanup_free char *doc = gen_finish (g);
  return doc ? xasprintf ("%s\n", doc) : NULL;
}
