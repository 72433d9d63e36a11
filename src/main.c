/* SPDX-License-Identifier: Apache-2.0 */
/* minirt: parse the global flags, pick the command, print its error once. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "minirt/rootless.h"
#include "config.h"
#include "utils.h"

static const struct mrt_opt global_list[] = {
  { "debug", NULL, MRT_OPT_BOOL, NULL, "enable debug logging" },
  { "log", NULL, MRT_OPT_STRING, "FILE", "also write errors and warnings to FILE" },
  { "log-format", NULL, MRT_OPT_STRING, "text|json", "format of the --log file (default: text)" },
  { "log-level", NULL, MRT_OPT_STRING, "LEVEL", "accepted for runc compatibility; \"debug\" is --debug" },
  { "root", NULL, MRT_OPT_STRING, "DIR",
    "root directory of the container state (default: /run/minirt; $XDG_RUNTIME_DIR/minirt for a non-root user)" },
  { "criu", NULL, MRT_OPT_STRING, "PATH", "accepted for runc compatibility and ignored (no checkpoint support)" },
  { "systemd-cgroup", NULL, MRT_OPT_BOOL, NULL, "use the systemd cgroup driver (cgroupsPath is slice:prefix:name)" },
  { "cgroup-manager", NULL, MRT_OPT_STRING, "cgroupfs|systemd|disabled", "cgroup driver (default: cgroupfs)" },
  { "rootless", NULL, MRT_OPT_STRING, "true|false|auto",
    "survive cgroup permission errors as runc's rootless cgroup manager does (default: auto, i.e. when not root)" },
  { "version", "v", MRT_OPT_BOOL, NULL, "print the version" },
};
static const struct mrt_opt_table global_opts = { global_list, ARRAY_SIZE (global_list) };

void
mrt_print_usage (FILE *out)
{
  fprintf (out, "Usage: minirt [global options] <command> [command options] [arguments...]\n\n"
                "minirt is a small OCI container runtime, command-line compatible with runc.\n\n"
                "Commands:\n");
  for (size_t i = 0; i < mrt_n_commands; i++)
    fprintf (out, "  %-12s %s\n", mrt_commands[i].name, mrt_commands[i].summary);
  fprintf (out, "\nGlobal options:\n");
  mrt_opts_print_help (&global_opts, out);
  fprintf (out, "\nRun 'minirt <command> --help' for the options of one command.\n");
}

void
mrt_print_command_help (const struct mrt_command *cmd, FILE *out)
{
  fprintf (out, "Usage: minirt %s%s%s%s\n\n%s\n", cmd->name, cmd->opts->n ? " [command options]" : "",
           *cmd->args_usage ? " " : "", cmd->args_usage, cmd->summary);
  fprintf (out, "\nOptions:\n");
  mrt_opts_print_help (cmd->opts, out);
}

static bool
one_of (const char *s, const char *const *choices)
{
  for (; *choices; choices++)
    if (strcmp (s, *choices) == 0)
      return true;
  return false;
}

/* Check and apply the global flags; the log is open afterwards. */
/* Where compiled seccomp filters are cached: never under --root (an empty
 * state root after delete stays empty).  MINIRT_CACHE_DIR overrides it
 * ("" turns the cache off). */
static const char *
cache_dir (void)
{
  static char buf[4096];
  const char *env = getenv ("MINIRT_CACHE_DIR");
  if (env)
    return env;
  if (geteuid () == 0)
    return "/run/minirt-cache";
  const char *xdg = getenv ("XDG_RUNTIME_DIR");
  if (xdg == NULL || xdg[0] != '/' || snprintf (buf, sizeof (buf), "%s/minirt-cache", xdg) >= (int)sizeof (buf))
    return NULL;
  return buf;
}

static int
apply_global (struct mrt_cli *cli, struct mrt_optval *v, mrt_error_t *err)
{
  static const char *const formats[] = { "text", "json", NULL };
  static const char *const managers[] = { "cgroupfs", "systemd", "disabled", NULL };
  const char *format = mrt_opt_get (&global_opts, v, "log-format")->str;
  const char *level = mrt_opt_get (&global_opts, v, "log-level")->str;
  const char *manager = mrt_opt_get (&global_opts, v, "cgroup-manager")->str;
  const char *log_path = mrt_opt_get (&global_opts, v, "log")->str;
  bool debug = mrt_opt_get (&global_opts, v, "debug")->on || (level && strcmp (level, "debug") == 0);

  /* Errors found before --log is open still go to stderr. */
  mrt_log_open (&cli->log, NULL, NULL, debug);
  if (format && !one_of (format, formats))
    return mrt_error_make (err, 0, "invalid --log-format \"%s\": expected text or json", format);
  if (mrt_log_open (&cli->log, log_path, format, debug) < 0)
    {
      mrt_log_open (&cli->log, NULL, NULL, debug);
      return mrt_error_sys (err, "open log file \"%s\"", log_path);
    }

  bool in_userns = mrt_running_in_userns ();
  cli->ctx.state_root = mrt_opt_get (&global_opts, v, "root")->str;
  if (cli->ctx.state_root == NULL)
    {
      bool from_xdg = false;
      cli->default_root
          = mrt_default_state_root (geteuid (), in_userns, getenv ("XDG_RUNTIME_DIR"), getenv ("USER"), &from_xdg);
      cli->ctx.state_root = cli->default_root;
      if (from_xdg && mrt_xdg_state_root_prepare (cli->default_root, err) < 0)
        return -1;
    }
  cli->ctx.log = &cli->log;
  cli->ctx.debug = debug;
  cli->ctx.cache_dir = cache_dir ();
  cli->ctx.cgroup_manager
      = mrt_opt_get (&global_opts, v, "systemd-cgroup")->on ? MRT_CGROUP_MANAGER_SYSTEMD : MRT_CGROUP_MANAGER_CGROUPFS;
  if (manager)
    {
      if (!one_of (manager, managers))
        return mrt_error_make (err, 0, "invalid --cgroup-manager \"%s\": expected cgroupfs, systemd or disabled",
                               manager);
      cli->ctx.cgroup_manager = strcmp (manager, "cgroupfs") == 0  ? MRT_CGROUP_MANAGER_CGROUPFS
                                : strcmp (manager, "systemd") == 0 ? MRT_CGROUP_MANAGER_SYSTEMD
                                                                   : MRT_CGROUP_MANAGER_DISABLED;
    }
  cli->rootless = mrt_opt_get (&global_opts, v, "rootless")->str;
  if (mrt_rootless_cgroups (cli->rootless, geteuid (), in_userns, &cli->ctx.rootless_cgroups, err) < 0)
    return -1;
  if (level)
    mrt_log_debug (&cli->log, "--log-level %s accepted", level);
  if (mrt_opt_get (&global_opts, v, "criu")->set)
    mrt_log_debug (&cli->log, "--criu ignored: minirt does not support checkpoint/restore");
  return 0;
}

static int
fail (struct mrt_cli *cli, mrt_error_t *err)
{
  mrt_log_error (&cli->log, "%s", (*err)->msg);
  mrt_error_free (err);
  return EXIT_FAILURE;
}

/* The caller's fds came through its execve, so they are not close-on-exec;
 * one in 3..3+n-1 that is was opened by minirt itself (its --log file when
 * the caller passed fewer fds than it asked for), which the container
 * must not get.  (runc hands over its own log then.)  The library cannot
 * tell: its callers may preserve fds they opened close-on-exec. */
int
mrt_cli_check_preserved_fds (unsigned n, mrt_error_t *err)
{
  for (unsigned fd = 3; fd < 3 + n; fd++)
    {
      /* A closed one is the library's error, in its turn. */
      int flags = fcntl ((int)fd, F_GETFD);
      if (flags >= 0 && (flags & FD_CLOEXEC))
        return mrt_error_make (
            err, 0, "--preserve-fds: fd %u: not passed by the caller (minirt's own, e.g. its --log file)", fd);
    }
  return 0;
}

static int
usage_error (struct mrt_cli *cli, const struct mrt_command *cmd, mrt_error_t *err)
{
  fail (cli, err);
  fputc ('\n', stderr);
  if (cmd)
    mrt_print_command_help (cmd, stderr);
  else
    mrt_print_usage (stderr);
  return EXIT_FAILURE;
}

int
mrt_run_command (struct mrt_cli *cli, const struct mrt_command *cmd, int argc, char **argv)
{
  cleanup_error mrt_error_t err = NULL;
  cleanup_free struct mrt_optval *vals = xmalloc0 ((cmd->opts->n + 1) * sizeof (*vals));
  cleanup_free char **args = NULL;
  int nargs = 0;

  int r = mrt_opts_parse (cmd->opts, argc, argv, cmd->stop_at_positional, vals, &args, &nargs, &err);
  if (r < 0)
    {
      mrt_error_prefix (&err, "%s", cmd->name);
      return usage_error (cli, cmd, &err);
    }
  if (r == MRT_OPT_HELP)
    {
      mrt_print_command_help (cmd, stdout);
      mrt_opts_free (cmd->opts, vals);
      return EXIT_SUCCESS;
    }
  if (nargs < cmd->min_args || (cmd->max_args >= 0 && nargs > cmd->max_args))
    {
      mrt_opts_free (cmd->opts, vals);
      if (cmd->min_args == cmd->max_args)
        mrt_error_make (&err, 0, "%s: requires exactly %d argument%s", cmd->name, cmd->min_args,
                        cmd->min_args == 1 ? "" : "s");
      else if (nargs < cmd->min_args)
        mrt_error_make (&err, 0, "%s: requires at least %d argument%s", cmd->name, cmd->min_args,
                        cmd->min_args == 1 ? "" : "s");
      else
        mrt_error_make (&err, 0, "%s: accepts at most %d argument%s", cmd->name, cmd->max_args,
                        cmd->max_args == 1 ? "" : "s");
      return usage_error (cli, cmd, &err);
    }

  r = cmd->run (cli, cmd, vals, nargs, args, &err);
  mrt_opts_free (cmd->opts, vals);
  return r < 0 ? fail (cli, &err) : r;
}

static int
run_main (struct mrt_cli *cli, int argc, char **argv)
{
  cleanup_error mrt_error_t err = NULL;
  struct mrt_optval vals[ARRAY_SIZE (global_list)] = { 0 };
  cleanup_free char **args = NULL;
  int nargs = 0, status;

  mrt_log_open (&cli->log, NULL, NULL, false);
  int r = mrt_opts_parse (&global_opts, argc - 1, argv + 1, true, vals, &args, &nargs, &err);
  if (r < 0)
    {
      /* The flags before the bad one are parsed: a --log among them still
       * gets the error (containerd reads it there). */
      mrt_error_t ignored = NULL;
      apply_global (cli, vals, &ignored);
      mrt_error_free (&ignored);
      status = usage_error (cli, NULL, &err);
      mrt_log_close (&cli->log);
      return status;
    }
  if (apply_global (cli, vals, &err) < 0)
    {
      return fail (cli, &err);
    }

  if (r == MRT_OPT_HELP)
    {
      mrt_print_usage (stdout);
      status = EXIT_SUCCESS;
    }
  else if (mrt_opt_get (&global_opts, vals, "version")->on)
    {
      mrt_print_version (stdout);
      status = EXIT_SUCCESS;
    }
  else if (nargs == 0)
    {
      /* runc (urfave/cli) shows the help and succeeds. */
      mrt_print_usage (stdout);
      status = EXIT_SUCCESS;
    }
  else
    {
      const struct mrt_command *cmd = mrt_command_find (args[0]);
      if (cmd == NULL)
        {
          mrt_error_make (&err, 0, "unknown command \"%s\"", args[0]);
          usage_error (cli, NULL, &err);
          status = MRT_EXIT_UNKNOWN_COMMAND;
        }
      else
        status = mrt_run_command (cli, cmd, nargs - 1, args + 1);
    }
  mrt_log_close (&cli->log);
  return status;
}

/* A closed fd 0, 1 or 2 would be taken by the next file the runtime opens
 * (config.json, state.json, a cgroup file), and an error message meant for
 * stderr would then be written into it.  /dev/null fills the gaps, as
 * sudo and systemd do; it is stdio, so not close-on-exec. */
static void
ensure_stdio_open (void)
{
  for (int fd = 0; fd <= 2; fd++)
    {
      if (fcntl (fd, F_GETFD) >= 0 || errno != EBADF)
        continue;
      int null = open ("/dev/null", O_RDWR); /* the lowest free fd: this one */
      if (null >= 0 && null != fd)
        {
          dup2 (null, fd);
          close (null);
        }
    }
}

int
main (int argc, char **argv)
{
  struct mrt_cli cli = { 0 };
  ensure_stdio_open ();
  int status = run_main (&cli, argc, argv);
  free (cli.default_root);
  return status;
}
