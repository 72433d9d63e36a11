/* SPDX-License-Identifier: Apache-2.0 */
/* create, start, run, kill, delete: thin wrappers over include/minirt/container.h. */
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "utils.h"

/* Clients pass relative paths meaning "from where I ran minirt"; the state
 * records them, so they are made absolute here once, as runc does. */
static char *
absolute_path (const char *path)
{
  if (path == NULL)
    return NULL;
  cleanup_free char *real = realpath (path, NULL);
  if (real)
    return steal_pointer (&real);
  if (path[0] == '/')
    return xstrdup (path);
  char cwd[PATH_MAX];
  if (getcwd (cwd, sizeof (cwd)) == NULL)
    return xstrdup (path);
  return xasprintf ("%s/%s", cwd, path);
}

struct create_args
{
  struct mrt_create_options opts;
  char *bundle, *pid_file;
};

static void
create_args_fill (struct create_args *a, const struct mrt_command *cmd, struct mrt_optval *v, const char *id)
{
  const struct mrt_opt_table *t = cmd->opts;
  const char *bundle = mrt_opt_get (t, v, "bundle")->str;
  memset (a, 0, sizeof (*a));
  a->bundle = absolute_path (bundle ? bundle : ".");
  a->pid_file = absolute_path (mrt_opt_get (t, v, "pid-file")->str);
  a->opts.id = id;
  a->opts.bundle = a->bundle;
  a->opts.config_file = mrt_opt_get (t, v, "config")->str;
  a->opts.pid_file = a->pid_file;
  a->opts.console_socket = mrt_opt_get (t, v, "console-socket")->str;
  a->opts.preserve_fds = mrt_opt_get (t, v, "preserve-fds")->num;
  a->opts.no_pivot = mrt_opt_get (t, v, "no-pivot")->on;
  a->opts.no_new_keyring = mrt_opt_get (t, v, "no-new-keyring")->on;
  if (strcmp (cmd->name, "run") == 0)
    {
      a->opts.detach = mrt_opt_get (t, v, "detach")->on;
      a->opts.keep = mrt_opt_get (t, v, "keep")->on;
    }
}

static void
create_args_free (struct create_args *a)
{
  free (a->bundle);
  free (a->pid_file);
}

int
mrt_cmd_create (struct mrt_cli *cli, const struct mrt_command *cmd, struct mrt_optval *v, int argc, char **argv,
                mrt_error_t *err)
{
  struct create_args a;
  (void)argc;
  create_args_fill (&a, cmd, v, argv[0]);
  int r = mrt_cli_check_preserved_fds (a.opts.preserve_fds, err) < 0 ? -1
                                                                     : mrt_container_create (&cli->ctx, &a.opts, err);
  create_args_free (&a);
  return r < 0 ? -1 : 0;
}

int
mrt_cmd_run (struct mrt_cli *cli, const struct mrt_command *cmd, struct mrt_optval *v, int argc, char **argv,
             mrt_error_t *err)
{
  struct create_args a;
  int status = 0;
  (void)argc;
  create_args_fill (&a, cmd, v, argv[0]);
  int r = mrt_cli_check_preserved_fds (a.opts.preserve_fds, err) < 0
              ? -1
              : mrt_container_run (&cli->ctx, &a.opts, &status, err);
  create_args_free (&a);
  if (r < 0)
    return -1;
  return a.opts.detach ? 0 : status;
}

int
mrt_cmd_start (struct mrt_cli *cli, const struct mrt_command *cmd, struct mrt_optval *v, int argc, char **argv,
               mrt_error_t *err)
{
  (void)cmd, (void)v, (void)argc;
  return mrt_container_start (&cli->ctx, argv[0], err) < 0 ? -1 : 0;
}

int
mrt_cmd_kill (struct mrt_cli *cli, const struct mrt_command *cmd, struct mrt_optval *v, int argc, char **argv,
              mrt_error_t *err)
{
  int sig;
  if (mrt_parse_signal (argc > 1 ? argv[1] : "TERM", &sig, err) < 0)
    return -1;
  bool all = mrt_opt_get (cmd->opts, v, "all")->on;
  return mrt_container_kill (&cli->ctx, argv[0], sig, all, err) < 0 ? -1 : 0;
}

int
mrt_cmd_delete (struct mrt_cli *cli, const struct mrt_command *cmd, struct mrt_optval *v, int argc, char **argv,
                mrt_error_t *err)
{
  (void)argc;
  bool force = mrt_opt_get (cmd->opts, v, "force")->on;
  return mrt_container_delete (&cli->ctx, argv[0], force, err) < 0 ? -1 : 0;
}

int
mrt_cmd_not_implemented (struct mrt_cli *cli, const struct mrt_command *cmd, struct mrt_optval *v, int argc,
                         char **argv, mrt_error_t *err)
{
  (void)cli, (void)v, (void)argc, (void)argv;
  return mrt_error_make (err, 0, "%s: not implemented", cmd->name);
}
