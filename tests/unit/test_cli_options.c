/* SPDX-License-Identifier: Apache-2.0 */
/* src/options.c: flag forms as runc's urfave/cli accepts them. */
#include <criterion/criterion.h>
#include <string.h>

#include "../../src/options.h"
#include "utils.h"

static const struct mrt_opt list[] = {
  { "bundle", "b", MRT_OPT_STRING, "DIR", "" }, { "detach", "d", MRT_OPT_BOOL, NULL, "" },
  { "all", "a", MRT_OPT_BOOL, NULL, "" },       { "preserve-fds", NULL, MRT_OPT_UINT, "N", "" },
  { "env", "e", MRT_OPT_LIST, "VAR", "" },      { "cpu-share", "cpu-shares", MRT_OPT_STRING, "N", "" },
};
static const struct mrt_opt_table table = { list, ARRAY_SIZE (list) };

struct result
{
  int r;
  struct mrt_optval vals[ARRAY_SIZE (list)];
  char **pos;
  int npos;
  mrt_error_t err;
};

static void
parse (struct result *res, bool stop, int argc, char **argv)
{
  memset (res, 0, sizeof (*res));
  res->r = mrt_opts_parse (&table, argc, argv, stop, res->vals, &res->pos, &res->npos, &res->err);
}

static void
result_free (struct result *res)
{
  mrt_opts_free (&table, res->vals);
  free (res->pos);
  mrt_error_free (&res->err);
}

#define PARSE(res, stop, ...)                                                                                          \
  do                                                                                                                   \
    {                                                                                                                  \
      char *argv_[] = { __VA_ARGS__ };                                                                                 \
      parse (res, stop, ARRAY_SIZE (argv_), argv_);                                                                    \
    }                                                                                                                  \
  while (0)

Test (cli_options, every_form_of_a_value_flag)
{
  const char *forms[][3] = { { "--bundle", "/b", NULL },   { "--bundle=/b", NULL, NULL }, { "-bundle", "/b", NULL },
                             { "-bundle=/b", NULL, NULL }, { "-b", "/b", NULL },          { "-b=/b", NULL, NULL },
                             { "--b", "/b", NULL } };
  for (size_t i = 0; i < ARRAY_SIZE (forms); i++)
    {
      struct result res;
      char *argv[] = { (char *)forms[i][0], (char *)(forms[i][1] ? forms[i][1] : "id"), (char *)"id" };
      parse (&res, false, forms[i][1] ? 3 : 2, argv);
      cr_assert_eq (res.r, MRT_OPT_OK, "%s", forms[i][0]);
      cr_assert_str_eq (mrt_opt_get (&table, res.vals, "bundle")->str, "/b", "%s", forms[i][0]);
      cr_assert_eq (res.npos, 1);
      cr_assert_str_eq (res.pos[0], "id");
      result_free (&res);
    }
}

Test (cli_options, bools_take_go_bool_values)
{
  struct result res;
  PARSE (&res, false, "--detach=false", "-all=true", "x");
  cr_assert_eq (res.r, 0);
  cr_assert (mrt_opt_get (&table, res.vals, "detach")->set);
  cr_assert_not (mrt_opt_get (&table, res.vals, "detach")->on);
  cr_assert (mrt_opt_get (&table, res.vals, "all")->on);
  result_free (&res);

  PARSE (&res, false, "--detach=maybe");
  cr_assert_eq (res.r, -1);
  cr_assert_str_eq (res.err->msg, "invalid boolean value \"maybe\" for flag --detach=maybe");
  result_free (&res);
}

Test (cli_options, combined_short_bools)
{
  struct result res;
  PARSE (&res, false, "-ad", "x");
  cr_assert_eq (res.r, 0);
  cr_assert (mrt_opt_get (&table, res.vals, "all")->on && mrt_opt_get (&table, res.vals, "detach")->on);
  result_free (&res);
  /* "b" takes a value: not a bool cluster */
  PARSE (&res, false, "-db", "x");
  cr_assert_eq (res.r, -1);
  cr_assert_str_eq (res.err->msg, "flag provided but not defined: -db");
  result_free (&res);
}

Test (cli_options, uint_list_alias_and_help)
{
  struct result res;
  PARSE (&res, false, "--preserve-fds", "3", "-e", "A=1", "--env=B=2", "--cpu-shares", "512", "id");
  cr_assert_eq (res.r, 0);
  cr_assert_eq (mrt_opt_get (&table, res.vals, "preserve-fds")->num, 3);
  struct mrt_optval *env = mrt_opt_get (&table, res.vals, "env");
  cr_assert_eq (env->n_list, 2);
  cr_assert_str_eq (env->list[0], "A=1");
  cr_assert_str_eq (env->list[1], "B=2");
  cr_assert_str_eq (mrt_opt_get (&table, res.vals, "cpu-share")->str, "512");
  result_free (&res);

  PARSE (&res, false, "--preserve-fds", "-1");
  cr_assert_eq (res.r, -1);
  result_free (&res);
  PARSE (&res, false, "--preserve-fds", "1x");
  cr_assert_eq (res.r, -1);
  result_free (&res);
  /* Would wrap to 3 in the unsigned the commands keep it in. */
  PARSE (&res, false, "--preserve-fds", "4294967299");
  cr_assert_eq (res.r, -1);
  cr_assert (strstr (res.err->msg, "out of range"));
  result_free (&res);
  PARSE (&res, false, "--preserve-fds", "2147483647");
  cr_assert_eq (res.r, 0);
  cr_assert_eq (mrt_opt_get (&table, res.vals, "preserve-fds")->num, 2147483647);
  result_free (&res);

  PARSE (&res, false, "x", "-h");
  cr_assert_eq (res.r, MRT_OPT_HELP);
  result_free (&res);
}

Test (cli_options, errors_and_positionals)
{
  struct result res;
  PARSE (&res, false, "--bundle");
  cr_assert_eq (res.r, -1);
  cr_assert_str_eq (res.err->msg, "flag needs an argument: --bundle");
  result_free (&res);

  PARSE (&res, false, "--nope");
  cr_assert_eq (res.r, -1);
  cr_assert_str_eq (res.err->msg, "flag provided but not defined: --nope");
  result_free (&res);

  /* flags after positionals are parsed (runc reorders), `--` ends flags */
  PARSE (&res, false, "id", "-d", "--", "-a");
  cr_assert_eq (res.r, 0);
  cr_assert (mrt_opt_get (&table, res.vals, "detach")->on);
  cr_assert_not (mrt_opt_get (&table, res.vals, "all")->set);
  cr_assert_eq (res.npos, 2);
  cr_assert_str_eq (res.pos[1], "-a");
  result_free (&res);

  /* exec-style: everything after the first positional is the command */
  PARSE (&res, true, "-d", "id", "sh", "-c", "-a");
  cr_assert_eq (res.r, 0);
  cr_assert_eq (res.npos, 4);
  cr_assert_str_eq (res.pos[3], "-a");
  cr_assert_not (mrt_opt_get (&table, res.vals, "all")->set);
  result_free (&res);

  /* a lone "-" is an argument (stdin) */
  PARSE (&res, false, "-b", "-", "-");
  cr_assert_eq (res.r, 0);
  cr_assert_str_eq (mrt_opt_get (&table, res.vals, "bundle")->str, "-");
  cr_assert_eq (res.npos, 1);
  result_free (&res);
}
