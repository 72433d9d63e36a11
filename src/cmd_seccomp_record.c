/* SPDX-License-Identifier: Apache-2.0 */
/* `minirt seccomp record`: flags, and progress lines on stderr. */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "minirt/seccomp_record.h"
#include "utils.h"

/* clang-format off */
static const struct mrt_opt record_opt_list[] = {
  { "bundle", "b", MRT_OPT_STRING, "DIR", "path to the root of the bundle directory (default: current directory)" },
  { "output", "o", MRT_OPT_STRING, "PROFILE", "write the recorded profile to PROFILE (required)" },
  { "format", NULL, MRT_OPT_STRING, "oci|kubernetes", "the profile's form: OCI linux.seccomp (default) or a kubelet Localhost profile" },
  { "for-runtime", NULL, MRT_OPT_STRING, "any|minirt|runc|crun", "also allow, in a rule of its own, what this runtime calls between loading the filter and execve (default any: minirt, runc 1.1.5, crun 1.8.1)" },
};
/* clang-format on */
const struct mrt_opt_table mrt_seccomp_record_opts = { record_opt_list, ARRAY_SIZE (record_opt_list) };

static void
print_notice (void *data, const char *line)
{
  (void)data;
  fprintf (stderr, "minirt: seccomp record: %s\n", line);
}

int
mrt_cmd_seccomp_record (struct mrt_cli *cli, const struct mrt_command *cmd, struct mrt_optval *v, int argc, char **argv,
                        mrt_error_t *err)
{
  const char *format = mrt_opt_get (cmd->opts, v, "format")->str;
  int status = 0;
  struct mrt_seccomp_record_options o = {
    .id = argc > 0 ? argv[0] : NULL,
    .bundle = mrt_opt_get (cmd->opts, v, "bundle")->str,
    .output = mrt_opt_get (cmd->opts, v, "output")->str,
    .format = MRT_FORM_OCI,
    .notice = print_notice,
  };
  if (o.output == NULL)
    return mrt_error_make (err, 0, "seccomp record: --output PROFILE is required");
  if (format && strcmp (format, "kubernetes") == 0)
    o.format = MRT_FORM_KUBERNETES;
  else if (format && strcmp (format, "oci") != 0)
    return mrt_error_make (err, 0, "seccomp record: --format: unknown format \"%s\" (oci or kubernetes)", format);
  const char *rt = mrt_opt_get (cmd->opts, v, "for-runtime")->str;
  if (mrt_seccomp_record_runtimes_parse (rt, &o.runtimes) < 0)
    return mrt_error_make (err, 0, "seccomp record: --for-runtime: unknown runtime \"%s\" (any, minirt, runc or crun)",
                           rt);
  if (mrt_seccomp_record (&cli->ctx, &o, &status, err) < 0)
    return -1;
  return status;
}
