/* SPDX-License-Identifier: Apache-2.0 */
/* `minirt seccomp <sub> ...`: the profile tools.  Each subcommand is a
 * struct mrt_command of its own, so it gets the same flag parsing, --help and
 * error printing as the top-level commands.  Subcommands live in their own
 * files (cmd_seccomp_*.c); this file only dispatches. */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "cmd_seccomp_tools.h"
#include "utils.h"

/* clang-format off */
static const struct mrt_command seccomp_commands[] = {
  { "record", "[--bundle DIR] --output PROFILE [<container-id>]", "run a bundle and record the syscalls it makes",
    &mrt_seccomp_record_opts, 0, 1, false, mrt_cmd_seccomp_record },
  { "check", "PROFILE", "validate a profile and warn about likely mistakes (exit 0 clean, 1 errors, 2 warnings)",
    &mrt_seccomp_check_opts, 1, 1, false, mrt_cmd_seccomp_check },
  { "explain", "PROFILE", "describe a profile in words", &mrt_seccomp_explain_opts, 1, 1, false,
    mrt_cmd_seccomp_explain },
  { "diff", "A B", "show how two profiles differ", &mrt_seccomp_diff_opts, 2, 2, false, mrt_cmd_seccomp_diff },
  { "convert", "PROFILE", "convert between Docker/Kubernetes and OCI profiles", &mrt_seccomp_convert_opts, 1, 1,
    false, mrt_cmd_seccomp_convert },
};
/* clang-format on */

static void
print_seccomp_usage (FILE *out)
{
  fprintf (out, "Usage: minirt seccomp <command> [command options] [arguments...]\n\nCommands:\n");
  for (size_t i = 0; i < ARRAY_SIZE (seccomp_commands); i++)
    fprintf (out, "  %-10s %s\n", seccomp_commands[i].name, seccomp_commands[i].summary);
  fprintf (out, "\nRun 'minirt seccomp <command> --help' for the options of one command.\n");
}

int
mrt_cmd_seccomp (struct mrt_cli *cli, const struct mrt_command *cmd, struct mrt_optval *v, int argc, char **argv,
                 mrt_error_t *err)
{
  (void)cmd, (void)v;
  const char *sub = argv[0];
  if (strcmp (sub, "help") == 0 || strcmp (sub, "--help") == 0 || strcmp (sub, "-h") == 0)
    {
      print_seccomp_usage (stdout);
      return 0;
    }
  for (size_t i = 0; i < ARRAY_SIZE (seccomp_commands); i++)
    if (strcmp (seccomp_commands[i].name, sub) == 0)
      {
        /* Usage lines and argument errors say "minirt seccomp check ...". */
        struct mrt_command full = seccomp_commands[i];
        cleanup_free char *name = xasprintf ("seccomp %s", full.name);
        full.name = name;
        return mrt_run_command (cli, &full, argc - 1, argv + 1);
      }
  print_seccomp_usage (stderr);
  return mrt_error_make (err, 0, "seccomp: unknown command \"%s\"", sub);
}
