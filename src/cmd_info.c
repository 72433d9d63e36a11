/* SPDX-License-Identifier: Apache-2.0 */
/* state, list, features, spec, help, --version: the commands that print. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "cmd_seccomp_tools.h"
#include "config.h"
#include "minirt/features.h"
#include "minirt/seccomp_profile.h"
#include "minirt/spec_default.h"
#include "utils.h"

void
mrt_print_version (FILE *out)
{
  cleanup_free char *libseccomp = mrt_libseccomp_version ();
  fprintf (out, "minirt version %s\nspec: %s\n+SECCOMP +CAP +YAJL\nlibseccomp: %s\n", MINIRT_VERSION,
           MINIRT_SPEC_VERSION, libseccomp ? libseccomp : "unknown");
}

int
mrt_cmd_state (struct mrt_cli *cli, const struct mrt_command *cmd, struct mrt_optval *v, int argc, char **argv,
               mrt_error_t *err)
{
  struct mrt_container_state *s = NULL;
  (void)cmd, (void)v, (void)argc;
  if (mrt_container_state (&cli->ctx, argv[0], &s, err) < 0)
    return -1;
  cleanup_free char *json = mrt_container_state_to_json (s, true);
  mrt_container_state_free (s);
  if (json == NULL)
    return mrt_error_make (err, 0, "state %s: cannot format the state as JSON", argv[0]);
  printf ("%s\n", json);
  return 0;
}

static void
free_states (struct mrt_container_state **states, size_t n)
{
  for (size_t i = 0; i < n; i++)
    mrt_container_state_free (states[i]);
  free (states);
}

/* runc prints `null` for no containers (a nil Go slice); clients cope with
 * it, and matching runc byte for byte is the point. */
static int
print_list_json (struct mrt_container_state **states, size_t n, mrt_error_t *err)
{
  if (n == 0)
    {
      printf ("null\n");
      return 0;
    }
  putchar ('[');
  for (size_t i = 0; i < n; i++)
    {
      cleanup_free char *json = mrt_container_state_to_json (states[i], false);
      if (json == NULL)
        return mrt_error_make (err, 0, "list: cannot format the state of \"%s\" as JSON", states[i]->id);
      printf ("%s%s", i ? "," : "", json);
    }
  printf ("]\n");
  return 0;
}

/* Go's text/tabwriter as runc uses it: minwidth 12, padding 3. */
static void
print_list_table (struct mrt_container_state **states, size_t n)
{
  enum
  {
    COLS = 6
  };
  static const char *const head[COLS] = { "ID", "PID", "STATUS", "BUNDLE", "CREATED", "OWNER" };
  size_t width[COLS - 1];
  cleanup_free char **cells = xmalloc0 ((n + 1) * COLS * sizeof (char *));

  for (int c = 0; c < COLS; c++)
    cells[c] = xstrdup (head[c]);
  for (size_t i = 0; i < n; i++)
    {
      char **row = cells + (i + 1) * COLS;
      row[0] = xstrdup (states[i]->id ? states[i]->id : "");
      row[1] = xasprintf ("%d", (int)states[i]->pid);
      row[2] = xstrdup (mrt_status_name (states[i]->status));
      row[3] = xstrdup (states[i]->bundle ? states[i]->bundle : "");
      row[4] = xstrdup (states[i]->created ? states[i]->created : "");
      row[5] = xstrdup (states[i]->owner ? states[i]->owner : "");
    }
  for (int c = 0; c < COLS - 1; c++)
    {
      width[c] = 12;
      for (size_t i = 0; i <= n; i++)
        if (strlen (cells[i * COLS + c]) + 3 > width[c])
          width[c] = strlen (cells[i * COLS + c]) + 3;
    }
  for (size_t i = 0; i <= n; i++)
    {
      for (int c = 0; c < COLS - 1; c++)
        printf ("%-*s", (int)width[c], cells[i * COLS + c]);
      printf ("%s\n", cells[i * COLS + COLS - 1]);
    }
  for (size_t i = 0; i < (n + 1) * COLS; i++)
    free (cells[i]);
}

int
mrt_cmd_list (struct mrt_cli *cli, const struct mrt_command *cmd, struct mrt_optval *v, int argc, char **argv,
              mrt_error_t *err)
{
  const char *format = mrt_opt_get (cmd->opts, v, "format")->str;
  bool quiet = mrt_opt_get (cmd->opts, v, "quiet")->on;
  struct mrt_container_state **states = NULL;
  size_t n = 0;
  int r = 0;
  (void)argc, (void)argv;

  if (format == NULL)
    format = "table";
  if (strcmp (format, "table") != 0 && strcmp (format, "json") != 0)
    return mrt_error_make (err, 0, "list: invalid format \"%s\": expected table or json", format);
  if (mrt_container_list (&cli->ctx, &states, &n, err) < 0)
    return -1;
  if (quiet)
    for (size_t i = 0; i < n; i++)
      printf ("%s\n", states[i]->id);
  else if (strcmp (format, "json") == 0)
    r = print_list_json (states, n, err);
  else
    print_list_table (states, n);
  free_states (states, n);
  return r;
}

int
mrt_cmd_features (struct mrt_cli *cli, const struct mrt_command *cmd, struct mrt_optval *v, int argc, char **argv,
                  mrt_error_t *err)
{
  (void)cli, (void)cmd, (void)v, (void)argc, (void)argv;
  cleanup_free char *json = mrt_features_json ();
  if (json == NULL)
    return mrt_error_make (err, 0, "features: cannot generate the JSON");
  printf ("%s\n", json);
  return 0;
}

int
mrt_cmd_spec (struct mrt_cli *cli, const struct mrt_command *cmd, struct mrt_optval *v, int argc, char **argv,
              mrt_error_t *err)
{
  const char *bundle = mrt_opt_get (cmd->opts, v, "bundle")->str;
  bool rootless = mrt_opt_get (cmd->opts, v, "rootless")->on;
  const char *seccomp = mrt_opt_get (cmd->opts, v, "seccomp")->str;
  (void)cli, (void)argc, (void)argv;

  cleanup_free char *path = xasprintf ("%s/config.json", bundle ? bundle : ".");
  cleanup_free char *json = mrt_spec_default_json (rootless);
  if (json == NULL)
    return mrt_error_make (err, 0, "spec: cannot generate the default config");
  if (seccomp)
    {
      /* Resolved for the capabilities the default config gives (runc's). */
      static const char *const caps[] = { "CAP_AUDIT_WRITE", "CAP_KILL", "CAP_NET_BIND_SERVICE" };
      struct mrt_seccomp *profile = NULL;
      if (mrt_spec_seccomp_profile (seccomp, caps, ARRAY_SIZE (caps), &profile, err) < 0)
        return mrt_error_prefix (err, "spec --seccomp");
      char *with = mrt_config_set_seccomp (json, strlen (json), "config.json", profile, err);
      mrt_seccomp_free (profile);
      if (with == NULL)
        return -1;
      free (json);
      json = with;
    }

  /* O_EXCL: never overwrite a config someone wrote by hand. */
  cleanup_close int fd = open (path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (fd < 0 && errno == EEXIST)
    return mrt_error_make (err, 0, "spec: %s already exists: remove it first", path);
  if (fd < 0)
    return mrt_error_sys (err, "spec: create %s", path);
  size_t len = strlen (json);
  if (mrt_write_all (fd, json, len) < 0 || mrt_write_all (fd, "\n", 1) < 0)
    {
      int saved = errno;
      unlink (path);
      return mrt_error_make (err, saved, "spec: write %s", path);
    }
  return 0;
}

int
mrt_cmd_help (struct mrt_cli *cli, const struct mrt_command *cmd, struct mrt_optval *v, int argc, char **argv,
              mrt_error_t *err)
{
  (void)cmd, (void)v, (void)err;
  if (argc == 0)
    {
      mrt_print_usage (stdout);
      return 0;
    }
  const struct mrt_command *c = mrt_command_find (argv[0]);
  if (c == NULL)
    {
      mrt_log_error (&cli->log, "help: unknown command \"%s\"", argv[0]);
      return MRT_EXIT_UNKNOWN_COMMAND;
    }
  mrt_print_command_help (c, stdout);
  return 0;
}
