/* SPDX-License-Identifier: Apache-2.0 */
/* exec: flags -> struct mrt_exec_options -> mrt_container_exec. */
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "utils.h"

/* The pid file is relative to where minirt was run, as with create. */
static char *
absolute (const char *path)
{
  if (path == NULL || path[0] == '/')
    return path ? xstrdup (path) : NULL;
  char cwd[PATH_MAX];
  if (getcwd (cwd, sizeof (cwd)) == NULL)
    return xstrdup (path);
  return xasprintf ("%s/%s", cwd, path);
}

int
mrt_cmd_exec (struct mrt_cli *cli, const struct mrt_command *cmd, struct mrt_optval *v, int argc, char **argv,
              mrt_error_t *err)
{
  const struct mrt_opt_table *t = cmd->opts;
  const struct mrt_optval *env = mrt_opt_get (t, v, "env"), *gids = mrt_opt_get (t, v, "additional-gids");
  const struct mrt_optval *caps = mrt_opt_get (t, v, "cap"), *cgroups = mrt_opt_get (t, v, "cgroup");
  cleanup_free char *pid_file = absolute (mrt_opt_get (t, v, "pid-file")->str);
  struct mrt_exec_options o = {
    .id = argv[0],
    .process_file = mrt_opt_get (t, v, "process")->str,
    .args = argv + 1,
    .n_args = (size_t)argc - 1,
    .tty = mrt_opt_get (t, v, "tty")->on,
    .cwd = mrt_opt_get (t, v, "cwd")->str,
    .env = env->list,
    .n_env = env->n_list,
    .user = mrt_opt_get (t, v, "user")->str,
    .additional_gids = gids->list,
    .n_additional_gids = gids->n_list,
    .caps = caps->list,
    .n_caps = caps->n_list,
    .no_new_privs = mrt_opt_get (t, v, "no-new-privs")->on,
    .apparmor = mrt_opt_get (t, v, "apparmor")->str,
    .process_label = mrt_opt_get (t, v, "process-label")->str,
    .detach = mrt_opt_get (t, v, "detach")->on,
    .pid_file = pid_file,
    .console_socket = mrt_opt_get (t, v, "console-socket")->str,
    .preserve_fds = (unsigned)mrt_opt_get (t, v, "preserve-fds")->num,
    .cgroups = cgroups->list,
    .n_cgroups = cgroups->n_list,
    .ignore_paused = mrt_opt_get (t, v, "ignore-paused")->on,
  };
  int status = 0;
  if (mrt_cli_check_preserved_fds (o.preserve_fds, err) < 0 || mrt_container_exec (&cli->ctx, &o, &status, err) < 0)
    {
      /* As runc: 255, so that a failed exec is not mistaken for a process
       * that ran and exited 1. */
      mrt_log_error (&cli->log, "%s", (*err)->msg);
      mrt_error_free (err);
      return 255;
    }
  return o.detach ? 0 : status;
}
