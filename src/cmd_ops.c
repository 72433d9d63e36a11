/* SPDX-License-Identifier: Apache-2.0 */
/* ps, pause, resume, update, events: thin wrappers over
 * include/minirt/container.h, with runc's output formats. */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "ops_parse.h"
#include "utils.h"

/* ---- ps ------------------------------------------------------------------ */

/* runc's table form: run `ps ARGS` (default -ef) on the host and keep the
 * header plus the lines whose PID column is one of the container's.  Only
 * the CLI runs ps, as runc's does; the library only lists the pids. */
static int
run_ps (char **args, int nargs, char **output, mrt_error_t *err)
{
  int pipefd[2];
  if (pipe2 (pipefd, O_CLOEXEC) < 0)
    return mrt_error_sys (err, "ps: pipe");
  cleanup_free char **argv = xmalloc0 ((size_t)(nargs + 2) * sizeof (char *));
  argv[0] = (char *)"ps";
  for (int i = 0; i < nargs; i++)
    argv[i + 1] = args[i];
  fflush (stdout);
  pid_t pid = fork ();
  if (pid < 0)
    {
      close (pipefd[0]);
      close (pipefd[1]);
      return mrt_error_sys (err, "ps: fork");
    }
  if (pid == 0)
    {
      dup2 (pipefd[1], STDOUT_FILENO);
      dup2 (pipefd[1], STDERR_FILENO);
      execvp ("ps", argv);
      dprintf (STDERR_FILENO, "exec ps: %s", strerror (errno));
      _exit (127);
    }
  close (pipefd[1]);
  size_t len = 0;
  int r = mrt_read_fd (pipefd[0], 64 * 1024 * 1024, output, &len, err);
  close (pipefd[0]);
  int status = 0;
  while (waitpid (pid, &status, 0) < 0 && errno == EINTR)
    ;
  if (r < 0)
    return -1;
  if (!WIFEXITED (status) || WEXITSTATUS (status) != 0)
    {
      char *nl = strrchr (*output, '\n');
      if (nl && nl[1] == '\0')
        *nl = '\0';
      return mrt_error_make (err, 0, "ps: exit status %d: %s", WIFEXITED (status) ? WEXITSTATUS (status) : 128,
                             *output);
    }
  return 0;
}

static int
print_ps_table (const pid_t *pids, size_t n, char **args, int nargs, mrt_error_t *err)
{
  static char *default_args[] = { (char *)"-ef" };
  cleanup_free char *out = NULL;
  if (nargs == 0)
    args = default_args, nargs = 1;
  if (run_ps (args, nargs, &out, err) < 0)
    return -1;

  char *save = NULL;
  char *header = strtok_r (out, "\n", &save);
  if (header == NULL)
    return mrt_error_make (err, 0, "ps: no output");
  /* The PID column's index in the header. */
  int pid_col = -1, col = 0;
  cleanup_free char *hcopy = xstrdup (header);
  char *hsave = NULL;
  for (char *f = strtok_r (hcopy, " \t", &hsave); f; f = strtok_r (NULL, " \t", &hsave), col++)
    if (strcmp (f, "PID") == 0)
      {
        pid_col = col;
        break;
      }
  if (pid_col < 0)
    return mrt_error_make (err, 0, "ps: couldn't find PID field in ps output");
  printf ("%s\n", header);
  for (char *line = strtok_r (NULL, "\n", &save); line; line = strtok_r (NULL, "\n", &save))
    {
      cleanup_free char *copy = xstrdup (line);
      char *lsave = NULL, *f = strtok_r (copy, " \t", &lsave);
      for (int i = 0; f && i < pid_col; i++)
        f = strtok_r (NULL, " \t", &lsave);
      char *end;
      long p = f ? strtol (f, &end, 10) : -1;
      if (f == NULL || *end != '\0')
        return mrt_error_make (err, 0, "ps: unexpected pid field \"%s\" in ps output", f ? f : "");
      for (size_t i = 0; i < n; i++)
        if (pids[i] == (pid_t)p)
          {
            printf ("%s\n", line);
            break;
          }
    }
  return 0;
}

int
mrt_cmd_ps (struct mrt_cli *cli, const struct mrt_command *cmd, struct mrt_optval *v, int argc, char **argv,
            mrt_error_t *err)
{
  const char *format = mrt_opt_get (cmd->opts, v, "format")->str;
  if (format == NULL)
    format = "table";
  if (strcmp (format, "table") != 0 && strcmp (format, "json") != 0)
    return mrt_error_make (err, 0, "ps: invalid format \"%s\": expected table or json", format);
  cleanup_free pid_t *pids = NULL;
  size_t n = 0;
  if (mrt_container_pids (&cli->ctx, argv[0], &pids, &n, err) < 0)
    return -1;
  if (strcmp (format, "table") == 0)
    return print_ps_table (pids, n, argv + 1, argc - 1, err);
  if (argc > 1)
    return mrt_error_make (err, 0, "ps: ps options are only used with --format table");
  /* As runc's json.Encoder prints a Go slice: null when empty. */
  if (n == 0)
    {
      printf ("null\n");
      return 0;
    }
  putchar ('[');
  for (size_t i = 0; i < n; i++)
    printf ("%s%d", i ? "," : "", (int)pids[i]);
  printf ("]\n");
  return 0;
}

/* ---- pause, resume ------------------------------------------------------- */

int
mrt_cmd_pause (struct mrt_cli *cli, const struct mrt_command *cmd, struct mrt_optval *v, int argc, char **argv,
               mrt_error_t *err)
{
  (void)cmd, (void)v, (void)argc;
  return mrt_container_pause (&cli->ctx, argv[0], err) < 0 ? -1 : 0;
}

int
mrt_cmd_resume (struct mrt_cli *cli, const struct mrt_command *cmd, struct mrt_optval *v, int argc, char **argv,
                mrt_error_t *err)
{
  (void)cmd, (void)v, (void)argc;
  return mrt_container_resume (&cli->ctx, argv[0], err) < 0 ? -1 : 0;
}

/* ---- update -------------------------------------------------------------- */

static int
read_resources (const char *path, struct mrt_resources **out, mrt_error_t *err)
{
  cleanup_free char *json = NULL;
  size_t len = 0;
  if (strcmp (path, "-") == 0)
    {
      if (mrt_read_fd (STDIN_FILENO, 16 * 1024 * 1024, &json, &len, err) < 0)
        return mrt_error_prefix (err, "update: --resources: stdin");
      path = "<stdin>";
    }
  else if (mrt_read_file (path, 16 * 1024 * 1024, &json, &len, err) < 0)
    return mrt_error_prefix (err, "update: --resources");
  return mrt_resources_parse (json, len, path, out, err);
}

int
mrt_cmd_update (struct mrt_cli *cli, const struct mrt_command *cmd, struct mrt_optval *v, int argc, char **argv,
                mrt_error_t *err)
{
  const struct mrt_opt_table *t = cmd->opts;
  const char *file = mrt_opt_get (t, v, "resources")->str;
  struct mrt_resources *res = NULL;
  (void)argc;
  /* As runc: with --resources the individual flags are not read. */
  if (file && *file)
    {
      if (read_resources (file, &res, err) < 0)
        return -1;
    }
  else
    {
      struct mrt_update_flags f = {
        .blkio_weight = mrt_opt_get (t, v, "blkio-weight")->str,
        .cpu_period = mrt_opt_get (t, v, "cpu-period")->str,
        .cpu_quota = mrt_opt_get (t, v, "cpu-quota")->str,
        .cpu_share = mrt_opt_get (t, v, "cpu-share")->str,
        .cpu_rt_period = mrt_opt_get (t, v, "cpu-rt-period")->str,
        .cpu_rt_runtime = mrt_opt_get (t, v, "cpu-rt-runtime")->str,
        .cpuset_cpus = mrt_opt_get (t, v, "cpuset-cpus")->str,
        .cpuset_mems = mrt_opt_get (t, v, "cpuset-mems")->str,
        .memory = mrt_opt_get (t, v, "memory")->str,
        .memory_reservation = mrt_opt_get (t, v, "memory-reservation")->str,
        .memory_swap = mrt_opt_get (t, v, "memory-swap")->str,
        .pids_limit = mrt_opt_get (t, v, "pids-limit")->str,
        .l3_cache_schema = mrt_opt_get (t, v, "l3-cache-schema")->str,
        .mem_bw_schema = mrt_opt_get (t, v, "mem-bw-schema")->str,
      };
      if (mrt_update_flags_to_resources (&f, &res, err) < 0)
        return -1;
    }
  int r = mrt_container_update (&cli->ctx, argv[0], res, err);
  mrt_resources_free (res);
  return r < 0 ? -1 : 0;
}

/* ---- events -------------------------------------------------------------- */

/* Go's omitempty: a zero figure is left out. */
static void
put_u64 (FILE *f, bool *first, const char *key, uint64_t v, bool omit_zero)
{
  if (omit_zero && v == 0)
    return;
  fprintf (f, "%s\"%s\":%" PRIu64, *first ? "" : ",", key, v);
  *first = false;
}

/* "key":[...], then a comma: "kernel" always follows. */
static void
put_array (const char *key, const uint64_t *v, size_t n)
{
  if (n == 0)
    return;
  printf ("\"%s\":[", key);
  for (size_t i = 0; i < n; i++)
    printf ("%s%" PRIu64, i ? "," : "", v[i]);
  printf ("],");
}

/* runc's events BlkioEntry list: the list and every zero field omitempty. */
static void
put_blkio (const char *key, const struct mrt_blkio_entry *e, size_t n, bool first)
{
  if (n == 0)
    return;
  printf ("%s\"%s\":[", first ? "" : ",", key);
  for (size_t i = 0; i < n; i++)
    {
      bool f = true;
      printf ("%s{", i ? "," : "");
      put_u64 (stdout, &f, "major", e[i].major, true);
      put_u64 (stdout, &f, "minor", e[i].minor, true);
      /* op is a word of the kernel's ("Read", "Write", "Sync"...). */
      if (e[i].op[0])
        {
          printf ("%s\"op\":\"%s\"", f ? "" : ",", e[i].op);
          f = false;
        }
      put_u64 (stdout, &f, "value", e[i].value, true);
      putchar ('}');
    }
  putchar (']');
}

/* runc's MemoryEntry: limit and failcnt always, usage and max omitempty. */
static void
put_memory_entry (const char *key, uint64_t limit, uint64_t usage, uint64_t max, uint64_t failcnt)
{
  bool first = true;
  printf (",\"%s\":{", key);
  put_u64 (stdout, &first, "limit", limit, false);
  put_u64 (stdout, &first, "usage", usage, true);
  put_u64 (stdout, &first, "max", max, true);
  put_u64 (stdout, &first, "failcnt", failcnt, false);
  putchar ('}');
}

/* runc's types.Event with types.Stats: the shape containerd and
 * `runc events --stats` users parse. */
static void
print_stats (const char *id, const struct mrt_cgroup_stats *s)
{
  bool first;
  /* The ID passed mrt_validate_id: no character needs escaping. */
  printf ("{\"type\":\"stats\",\"id\":\"%s\",\"data\":{", id);
  /* Every array and "total" omitempty, as in runc's types.CpuUsage. */
  printf ("\"cpu\":{\"usage\":{");
  if (s->cpu_usage_ns)
    printf ("\"total\":%" PRIu64 ",", s->cpu_usage_ns);
  put_array ("percpu", s->percpu, s->n_cpus);
  put_array ("percpu_kernel", s->percpu_kernel, s->has_percpu_split ? s->n_cpus : 0);
  put_array ("percpu_user", s->percpu_user, s->has_percpu_split ? s->n_cpus : 0);
  printf ("\"kernel\":%" PRIu64 ",\"user\":%" PRIu64 "},\"throttling\":{", s->cpu_system_ns, s->cpu_user_ns);
  first = true;
  put_u64 (stdout, &first, "periods", s->cpu_periods, true);
  put_u64 (stdout, &first, "throttledPeriods", s->cpu_throttled_periods, true);
  put_u64 (stdout, &first, "throttledTime", s->cpu_throttled_ns, true);
  printf ("}},\"cpuset\":{");
  first = true;
  if (s->n_cpuset_cpus)
    {
      printf ("\"cpus\":[");
      for (size_t i = 0; i < s->n_cpuset_cpus; i++)
        printf ("%s%u", i ? "," : "", (unsigned)s->cpuset_cpus[i]);
      printf ("]");
      first = false;
    }
  put_u64 (stdout, &first, "cpu_exclusive", s->cpu_exclusive, false);
  if (s->n_cpuset_mems)
    {
      printf (",\"mems\":[");
      for (size_t i = 0; i < s->n_cpuset_mems; i++)
        printf ("%s%u", i ? "," : "", (unsigned)s->cpuset_mems[i]);
      printf ("]");
    }
  put_u64 (stdout, &first, "mem_hardwall", s->mem_hardwall, false);
  put_u64 (stdout, &first, "mem_exclusive", s->mem_exclusive, false);
  put_u64 (stdout, &first, "memory_migrate", s->memory_migrate, false);
  put_u64 (stdout, &first, "memory_spread_page", s->memory_spread_page, false);
  put_u64 (stdout, &first, "memory_spread_slab", s->memory_spread_slab, false);
  put_u64 (stdout, &first, "memory_pressure", s->memory_pressure, false);
  put_u64 (stdout, &first, "sched_load_balance", s->sched_load_balance, false);
  printf (",\"sched_relax_domain_level\":%" PRId64 "},\"memory\":{", s->sched_relax_domain_level);
  if (s->memory_cache)
    printf ("\"cache\":%" PRIu64 ",", s->memory_cache);
  /* "usage" first without a comma: put_memory_entry writes one. */
  printf ("\"usage\":{");
  first = true;
  put_u64 (stdout, &first, "limit", s->memory_limit, false);
  put_u64 (stdout, &first, "usage", s->memory_usage, true);
  put_u64 (stdout, &first, "max", s->memory_max_usage, true);
  put_u64 (stdout, &first, "failcnt", s->memory_failcnt, false);
  putchar ('}');
  put_memory_entry ("swap", s->swap_limit, s->swap_usage, s->swap_max_usage, s->swap_failcnt);
  put_memory_entry ("kernel", s->kernel_limit, s->kernel_usage, s->kernel_max_usage, s->kernel_failcnt);
  put_memory_entry ("kernelTCP", s->kernel_tcp_limit, s->kernel_tcp_usage, s->kernel_tcp_max_usage,
                    s->kernel_tcp_failcnt);
  if (s->n_memory_raw)
    {
      /* memory.stat keys are [a-z_0-9]: nothing to escape. */
      printf (",\"raw\":{");
      for (size_t i = 0; i < s->n_memory_raw; i++)
        printf ("%s\"%s\":%" PRIu64, i ? "," : "", s->memory_raw[i].key, s->memory_raw[i].value);
      putchar ('}');
    }
  printf ("},\"pids\":{");
  first = true;
  put_u64 (stdout, &first, "current", s->pids_current, true);
  put_u64 (stdout, &first, "limit", s->pids_limit, true);
  printf ("},\"blkio\":{");
  put_blkio ("ioServiceBytesRecursive", s->io_service_bytes, s->n_io_service_bytes, true);
  put_blkio ("ioServicedRecursive", s->io_serviced, s->n_io_serviced, s->n_io_service_bytes == 0);
  printf ("},\"hugetlb\":{");
  for (size_t i = 0; i < s->n_hugetlb; i++)
    {
      /* runc's Hugetlb: usage and max omitempty, failcnt always. */
      first = true;
      printf ("%s\"%s\":{", i ? "," : "", s->hugetlb[i].size);
      put_u64 (stdout, &first, "usage", s->hugetlb[i].usage, true);
      put_u64 (stdout, &first, "max", s->hugetlb[i].max, true);
      put_u64 (stdout, &first, "failcnt", s->hugetlb[i].failcnt, false);
      putchar ('}');
    }
  printf ("},\"intel_rdt\":{},\"network_interfaces\":null}}\n");
  fflush (stdout);
}

int
mrt_cmd_events (struct mrt_cli *cli, const struct mrt_command *cmd, struct mrt_optval *v, int argc, char **argv,
                mrt_error_t *err)
{
  const char *interval = mrt_opt_get (cmd->opts, v, "interval")->str;
  bool once = mrt_opt_get (cmd->opts, v, "stats")->on;
  uint64_t ns = 5000000000ULL;
  (void)argc;
  if (interval && mrt_parse_duration (interval, &ns) < 0)
    return mrt_error_make (err, 0, "events: --interval: invalid duration \"%s\" (e.g. 5s, 500ms; > 0)", interval);
  struct mrt_cgroup_stats s;
  enum mrt_status status = MRT_STATUS_RUNNING;
  if (mrt_container_stats (&cli->ctx, argv[0], &s, &status, err) < 0)
    return -1;
  if (status == MRT_STATUS_STOPPED)
    return mrt_error_make (err, 0, "events: container `%s` is not running", argv[0]);
  print_stats (argv[0], &s);
  if (once)
    return 0;
  /* Streaming: a stats object every interval, and runc's {"type":"oom"}
   * event when the OOM killer struck since the last look; it ends when
   * the container stops or is deleted. */
  uint64_t oom_kills = s.oom_kills;
  for (;;)
    {
      struct timespec ts = { (time_t)(ns / 1000000000ULL), (long)(ns % 1000000000ULL) };
      while (nanosleep (&ts, &ts) < 0 && errno == EINTR)
        ;
      mrt_error_t e = NULL;
      if (mrt_container_stats (&cli->ctx, argv[0], &s, &status, &e) < 0)
        {
          /* Deleted: the stream is over, not failed. */
          if (e->errno_ == ENOENT)
            {
              mrt_error_free (&e);
              return 0;
            }
          *err = e;
          return -1;
        }
      for (; s.oom_kills > oom_kills; oom_kills++)
        printf ("{\"type\":\"oom\",\"id\":\"%s\"}\n", argv[0]);
      if (status == MRT_STATUS_STOPPED)
        {
          fflush (stdout);
          return 0;
        }
      print_stats (argv[0], &s);
    }
}
