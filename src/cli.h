/* SPDX-License-Identifier: Apache-2.0 */
#ifndef MINIRT_CLI_H
#define MINIRT_CLI_H

/* The minirt command line: main.c parses the global flags and dispatches to
 * one small function per command.  A command returns the process exit
 * status (>= 0), or -1 with *err set; main prints that error once. */

#include "minirt/container.h"
#include "minirt/error.h"
#include "minirt/log.h"
#include "options.h"

struct mrt_cli
{
  struct mrt_context ctx;
  struct mrt_log log;
  const char *rootless; /* --rootless true|false|auto */
  char *default_root;   /* the default --root when none was given */
};

struct mrt_command;

typedef int (*mrt_command_fn) (struct mrt_cli *cli, const struct mrt_command *cmd, struct mrt_optval *vals, int argc,
                               char **argv, mrt_error_t *err);

struct mrt_command
{
  const char *name;
  const char *args_usage; /* e.g. "<container-id>" */
  const char *summary;
  const struct mrt_opt_table *opts;
  int min_args, max_args;  /* positional arguments; max -1: unlimited */
  bool stop_at_positional; /* exec: the command's own flags follow the ID */
  mrt_command_fn run;
};

/* The command table (commands.c). */
extern const struct mrt_command mrt_commands[];
extern const size_t mrt_n_commands;
const struct mrt_command *mrt_command_find (const char *name);

/* Parse a command's flags and arguments, run it, print its error once;
 * returns the process exit status.  Also used for `seccomp <sub>`. */
int mrt_run_command (struct mrt_cli *cli, const struct mrt_command *cmd, int argc, char **argv);

/* --preserve-fds N: fds 3..3+N-1 must be the caller's (main.c). */
int mrt_cli_check_preserved_fds (unsigned n, mrt_error_t *err);

/* runc's (urfave/cli's) exit status for an unknown command or help topic. */
#define MRT_EXIT_UNKNOWN_COMMAND 3

void mrt_print_usage (FILE *out);
void mrt_print_command_help (const struct mrt_command *cmd, FILE *out);

/* One function per command. */
int mrt_cmd_create (struct mrt_cli *, const struct mrt_command *, struct mrt_optval *, int, char **, mrt_error_t *);
int mrt_cmd_start (struct mrt_cli *, const struct mrt_command *, struct mrt_optval *, int, char **, mrt_error_t *);
int mrt_cmd_run (struct mrt_cli *, const struct mrt_command *, struct mrt_optval *, int, char **, mrt_error_t *);
int mrt_cmd_kill (struct mrt_cli *, const struct mrt_command *, struct mrt_optval *, int, char **, mrt_error_t *);
int mrt_cmd_delete (struct mrt_cli *, const struct mrt_command *, struct mrt_optval *, int, char **, mrt_error_t *);
int mrt_cmd_state (struct mrt_cli *, const struct mrt_command *, struct mrt_optval *, int, char **, mrt_error_t *);
int mrt_cmd_list (struct mrt_cli *, const struct mrt_command *, struct mrt_optval *, int, char **, mrt_error_t *);
int mrt_cmd_features (struct mrt_cli *, const struct mrt_command *, struct mrt_optval *, int, char **, mrt_error_t *);
int mrt_cmd_spec (struct mrt_cli *, const struct mrt_command *, struct mrt_optval *, int, char **, mrt_error_t *);
int mrt_cmd_seccomp (struct mrt_cli *, const struct mrt_command *, struct mrt_optval *, int, char **, mrt_error_t *);
int mrt_cmd_ps (struct mrt_cli *, const struct mrt_command *, struct mrt_optval *, int, char **, mrt_error_t *);
int mrt_cmd_pause (struct mrt_cli *, const struct mrt_command *, struct mrt_optval *, int, char **, mrt_error_t *);
int mrt_cmd_resume (struct mrt_cli *, const struct mrt_command *, struct mrt_optval *, int, char **, mrt_error_t *);
int mrt_cmd_update (struct mrt_cli *, const struct mrt_command *, struct mrt_optval *, int, char **, mrt_error_t *);
int mrt_cmd_events (struct mrt_cli *, const struct mrt_command *, struct mrt_optval *, int, char **, mrt_error_t *);
int mrt_cmd_exec (struct mrt_cli *, const struct mrt_command *, struct mrt_optval *, int, char **, mrt_error_t *);
/* seccomp subcommands (cmd_seccomp_*.c), with their flag tables. */
extern const struct mrt_opt_table mrt_seccomp_record_opts;
int mrt_cmd_seccomp_record (struct mrt_cli *, const struct mrt_command *, struct mrt_optval *, int, char **,
                            mrt_error_t *);
int mrt_cmd_help (struct mrt_cli *, const struct mrt_command *, struct mrt_optval *, int, char **, mrt_error_t *);
/* checkpoint, restore: flags are
 * parsed, the library does not implement them yet. */
int mrt_cmd_not_implemented (struct mrt_cli *, const struct mrt_command *, struct mrt_optval *, int, char **,
                             mrt_error_t *);

void mrt_print_version (FILE *out);

#endif
