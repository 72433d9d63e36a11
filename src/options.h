/* SPDX-License-Identifier: Apache-2.0 */
#ifndef MINIRT_CLI_OPTIONS_H
#define MINIRT_CLI_OPTIONS_H

/* Flag parsing the way runc's urfave/cli (Go's flag package) does it, since
 * clients were written against runc: `--flag value`, `--flag=value`, and the
 * same with one dash (`-bundle`, `-b`); bool flags take an optional
 * `=true|false`.  Single-letter bool flags may also be combined (`-ad`), as
 * crun's argp allows.  `--` ends the flags. */

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "minirt/error.h"

enum mrt_opt_type
{
  MRT_OPT_BOOL,
  MRT_OPT_STRING,
  MRT_OPT_UINT,
  MRT_OPT_LIST /* repeatable: every value is kept */
};

struct mrt_opt
{
  const char *name;  /* long name without dashes */
  const char *alias; /* short or alternative name, or NULL */
  enum mrt_opt_type type;
  const char *metavar; /* for the help text, e.g. "DIR" */
  const char *help;
};

struct mrt_optval
{
  bool set;
  bool on;           /* BOOL */
  const char *str;   /* STRING, UINT: the last value given */
  unsigned long num; /* UINT */
  const char **list; /* LIST */
  size_t n_list;
};

struct mrt_opt_table
{
  const struct mrt_opt *opts;
  size_t n;
};

enum mrt_opt_result
{
  MRT_OPT_OK = 0,
  MRT_OPT_HELP = 1, /* -h/--help was given */
};

/* Parse argv[0..argc) against `table`; vals has table->n entries, zeroed by
 * the caller.  Positional arguments go to *pos (a NULL-terminated array that
 * points into argv; caller frees the array).  With stop_at_positional, the
 * first positional argument ends flag parsing (global flags; `exec ID CMD
 * -flag`).  Returns MRT_OPT_OK, MRT_OPT_HELP, or -1 with *err set. */
int mrt_opts_parse (const struct mrt_opt_table *table, int argc, char **argv, bool stop_at_positional,
                    struct mrt_optval *vals, char ***pos, int *npos, mrt_error_t *err);
void mrt_opts_free (const struct mrt_opt_table *table, struct mrt_optval *vals);

/* The value of the flag called `name` (a programming error if the table has
 * no such flag). */
struct mrt_optval *mrt_opt_get (const struct mrt_opt_table *table, struct mrt_optval *vals, const char *name);

/* Print the option list, one per line, for --help. */
void mrt_opts_print_help (const struct mrt_opt_table *table, FILE *out);

#endif
