/* SPDX-License-Identifier: Apache-2.0 */
/* `minirt seccomp check|explain|diff|convert`: flags and output; the work
 * is in libcontainer/seccomp_{profile,check,explain,diff,convert}.c. */
#include <ctype.h>
#include <string.h>

#include "cmd_seccomp_tools.h"
#include "minirt/seccomp_profile.h"
#include "utils.h"

/* clang-format off */
#define O_ARCH { "arch", NULL, MRT_OPT_STRING, "ARCH", "resolve Docker profiles for this architecture (amd64, x86_64, arm64, ...; default: this machine's)" }
#define O_KERNEL { "kernel", NULL, MRT_OPT_STRING, "X.Y", "resolve Docker profiles' minKernel for this kernel (default: the running one)" }
#define O_CAP { "cap", NULL, MRT_OPT_LIST, "CAP[,CAP...]", "the container's capabilities, for Docker profiles' includes/excludes (repeatable; default: --bundle's bounding set, else none)" }
#define O_BUNDLE { "bundle", "b", MRT_OPT_STRING, "DIR", "take the capabilities from DIR/config.json" }

static const struct mrt_opt check_list[] = {
  { "quiet", "q", MRT_OPT_BOOL, NULL, "print nothing, only set the exit status" },
};
static const struct mrt_opt target_list[] = { O_ARCH, O_KERNEL, O_CAP, O_BUNDLE };
static const struct mrt_opt convert_list[] = {
  O_ARCH, O_KERNEL, O_CAP, O_BUNDLE,
  { "to", NULL, MRT_OPT_STRING, "oci|kubernetes", "output form (default: oci, the linux.seccomp object)" },
  { "into", NULL, MRT_OPT_STRING, "DIR", "set linux.seccomp of DIR/config.json (atomically; capabilities default to its bounding set)" },
  { "output", "o", MRT_OPT_STRING, "FILE", "write to FILE instead of stdout" },
};
/* clang-format on */

const struct mrt_opt_table mrt_seccomp_check_opts = { check_list, ARRAY_SIZE (check_list) };
const struct mrt_opt_table mrt_seccomp_explain_opts = { target_list, ARRAY_SIZE (target_list) };
const struct mrt_opt_table mrt_seccomp_diff_opts = { target_list, ARRAY_SIZE (target_list) };
const struct mrt_opt_table mrt_seccomp_convert_opts = { convert_list, ARRAY_SIZE (convert_list) };

static void
profile_freep (struct mrt_profile **p)
{
  mrt_profile_free (*p);
}
static void
seccomp_freep (struct mrt_seccomp **s)
{
  mrt_seccomp_free (*s);
}
#define cleanup_profile __attribute__ ((cleanup (profile_freep)))
#define cleanup_seccomp __attribute__ ((cleanup (seccomp_freep)))

struct target
{
  struct mrt_profile_target t;
  char **caps;
  size_t n_caps;
};

static void
target_fini (struct target *t)
{
  for (size_t i = 0; i < t->n_caps; i++)
    free (t->caps[i]);
  free (t->caps);
}

/* "sys_admin", "CAP_SYS_ADMIN" -> "CAP_SYS_ADMIN". */
static char *
cap_name (const char *s, size_t len)
{
  bool prefixed = len >= 4 && strncasecmp (s, "CAP_", 4) == 0;
  char *out = xasprintf ("%s%.*s", prefixed ? "" : "CAP_", (int)len, s);
  for (char *c = out; *c; c++)
    *c = (char)toupper ((unsigned char)*c);
  return out;
}

#define cleanup_target __attribute__ ((cleanup (target_fini)))

static int
target_init (const struct mrt_command *cmd, struct mrt_optval *v, const char *bundle, struct target *t,
             mrt_error_t *err)
{
  t->t.arch = mrt_opt_get (cmd->opts, v, "arch")->str;
  t->t.kernel = mrt_opt_get (cmd->opts, v, "kernel")->str;
  struct mrt_optval *caps = mrt_opt_get (cmd->opts, v, "cap");
  if (bundle == NULL)
    bundle = mrt_opt_get (cmd->opts, v, "bundle")->str;
  if (caps->n_list > 0)
    {
      for (size_t i = 0; i < caps->n_list; i++)
        for (const char *s = caps->list[i]; *s;)
          {
            size_t l = strcspn (s, ",");
            if (l > 0)
              {
                t->caps = xrealloc (t->caps, (t->n_caps + 1) * sizeof (char *));
                t->caps[t->n_caps++] = cap_name (s, l);
              }
            s += l + (s[l] == ',');
          }
    }
  else if (bundle && mrt_bundle_caps (bundle, &t->caps, &t->n_caps, err) < 0)
    return -1;
  t->t.caps = (const char *const *)t->caps;
  t->t.n_caps = t->n_caps;
  return 0;
}

/* The first lines of explain and diff: what was read, and for Docker
 * profiles, for which target it was resolved. */
static int
print_source (const char *label, const struct mrt_profile *p, const struct target *t, mrt_error_t *err)
{
  printf ("%s%s (%s)\n", label, p->file, mrt_profile_format_name (p->format));
  if (p->format != MRT_PROFILE_DOCKER)
    return 0;
  cleanup_free char *arch = NULL, *kernel = NULL;
  if (mrt_profile_target_describe (&t->t, &arch, &kernel, err) < 0)
    return -1;
  printf ("  resolved for %s, kernel %s, capabilities: ", arch, kernel);
  if (t->n_caps == 0)
    printf ("none");
  for (size_t i = 0; i < t->n_caps; i++)
    printf ("%s%s", i ? ", " : "", t->caps[i]);
  printf ("\n");
  return 0;
}

int
mrt_cmd_seccomp_check (struct mrt_cli *cli, const struct mrt_command *cmd, struct mrt_optval *v, int argc, char **argv,
                       mrt_error_t *err)
{
  cleanup_profile struct mrt_profile *p = NULL;
  struct mrt_profile_finding *f = NULL;
  size_t n = 0;
  bool quiet = mrt_opt_get (cmd->opts, v, "quiet")->on;
  (void)cli, (void)argc;

  if (mrt_profile_load (argv[0], &p, err) < 0)
    return -1;
  int errors = mrt_profile_check (p, &f, &n, err);
  if (errors < 0)
    return -1;
  for (size_t i = 0; i < n && !quiet; i++)
    printf ("%s:%u: %s: %s\n", p->file, f[i].line, f[i].error ? "error" : "warning", f[i].msg);
  mrt_profile_findings_free (f, n);
  if (!quiet && n == 0)
    printf ("%s: ok (%s, %zu rule%s)\n", p->file, mrt_profile_format_name (p->format), p->s.n_syscalls,
            p->s.n_syscalls == 1 ? "" : "s");
  /* 0: clean, 1: minirt would refuse it (or it does not parse), 2: warnings only. */
  return errors > 0 ? 1 : n > 0 ? 2 : 0;
}

int
mrt_cmd_seccomp_explain (struct mrt_cli *cli, const struct mrt_command *cmd, struct mrt_optval *v, int argc,
                         char **argv, mrt_error_t *err)
{
  cleanup_profile struct mrt_profile *p = NULL;
  cleanup_seccomp struct mrt_seccomp *s = NULL;
  cleanup_target struct target t = { 0 };
  (void)cli, (void)argc;

  if (target_init (cmd, v, NULL, &t, err) < 0 || mrt_profile_load (argv[0], &p, err) < 0
      || mrt_profile_resolve (p, &t.t, &s, err) < 0 || print_source ("Profile: ", p, &t, err) < 0)
    return -1;
  cleanup_free char *text = mrt_seccomp_explain (s);
  if (text == NULL)
    return mrt_error_make (err, 0, "explain: out of memory");
  fputs (text, stdout);
  return 0;
}

int
mrt_cmd_seccomp_diff (struct mrt_cli *cli, const struct mrt_command *cmd, struct mrt_optval *v, int argc, char **argv,
                      mrt_error_t *err)
{
  cleanup_profile struct mrt_profile *a = NULL, *b = NULL;
  cleanup_seccomp struct mrt_seccomp *sa = NULL, *sb = NULL;
  cleanup_target struct target t = { 0 };
  size_t changes = 0;
  (void)cli, (void)argc;

  if (target_init (cmd, v, NULL, &t, err) < 0 || mrt_profile_load (argv[0], &a, err) < 0
      || mrt_profile_load (argv[1], &b, err) < 0 || mrt_profile_resolve (a, &t.t, &sa, err) < 0
      || mrt_profile_resolve (b, &t.t, &sb, err) < 0 || print_source ("--- ", a, &t, err) < 0
      || print_source ("+++ ", b, &t, err) < 0)
    return -1;
  cleanup_free char *text = mrt_seccomp_diff (sa, sb, &changes);
  if (text == NULL)
    return mrt_error_make (err, 0, "diff: out of memory");
  fputs (text, stdout);
  return 0;
}

int
mrt_cmd_seccomp_convert (struct mrt_cli *cli, const struct mrt_command *cmd, struct mrt_optval *v, int argc,
                         char **argv, mrt_error_t *err)
{
  cleanup_profile struct mrt_profile *p = NULL;
  cleanup_seccomp struct mrt_seccomp *s = NULL;
  const char *to = mrt_opt_get (cmd->opts, v, "to")->str;
  const char *into = mrt_opt_get (cmd->opts, v, "into")->str;
  const char *output = mrt_opt_get (cmd->opts, v, "output")->str;
  enum mrt_profile_form form = MRT_FORM_OCI;
  cleanup_target struct target t = { 0 };
  (void)cli, (void)argc;

  if (to && strcmp (to, "kubernetes") == 0)
    form = MRT_FORM_KUBERNETES;
  else if (to && strcmp (to, "oci") != 0)
    return mrt_error_make (err, 0, "convert: invalid --to \"%s\": expected oci or kubernetes", to);
  if (into && (output || form != MRT_FORM_OCI))
    return mrt_error_make (err, 0, "convert: --into writes DIR/config.json: it takes neither --output nor --to");
  if (target_init (cmd, v, into, &t, err) < 0 || mrt_profile_load (argv[0], &p, err) < 0
      || mrt_profile_resolve (p, &t.t, &s, err) < 0)
    return -1;
  if (into)
    return mrt_bundle_set_seccomp (into, s, err);
  cleanup_free char *json = mrt_seccomp_to_json (s, form);
  if (json == NULL)
    return mrt_error_make (err, 0, "convert: out of memory");
  cleanup_free char *withnl = xasprintf ("%s\n", json);
  if (output)
    return mrt_write_file_atomic (output, withnl, strlen (withnl), 0644, err);
  fputs (withnl, stdout);
  return 0;
}

int
mrt_spec_seccomp_profile (const char *value, const char *const *caps, size_t n_caps, struct mrt_seccomp **out,
                          mrt_error_t *err)
{
  cleanup_profile struct mrt_profile *p = NULL;
  struct mrt_profile_target t = { .caps = caps, .n_caps = n_caps };
  if (strcmp (value, "default") == 0)
    {
      const char *json = mrt_seccomp_default_profile ();
      if (mrt_profile_parse (json, strlen (json), "docker-default.json", &p, err) < 0)
        return -1;
    }
  else if (mrt_profile_load (value, &p, err) < 0)
    return -1;
  return mrt_profile_resolve (p, &t, out, err);
}
