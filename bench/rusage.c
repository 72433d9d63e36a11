/* SPDX-License-Identifier: Apache-2.0 */
/* Timing and memory probe for bench/run.  Measuring inside one small C
   process keeps the shell's own fork/exec cost out of every figure.

   rusage [-t SECS] [-c CGDIR] [-o FILE] -- CMD [ARG...]
       run CMD (stdin and stdout on /dev/null or -o FILE, stderr kept); print
       "MAXRSS_KIB WALL_NS STATUS".  MAXRSS is wait4's ru_maxrss: the
       largest RSS of CMD or of any process it reaped.  STATUS is the exit
       code, 128+N if killed by signal N, 124 on timeout.  -c moves CMD
       into the cgroup directory CGDIR before it execs.
   rusage -R -- CMD [ARG...]
       subreaper: run CMD, reap every orphan below it, exit with its status.
   rusage -P BUNDLE ID PIDFILE -- RUNTIME [GLOBAL-FLAG...]
       the lifecycle phases: RUNTIME create --bundle BUNDLE --pid-file
       PIDFILE ID, start ID, wait for the container process to exit (a
       pidfd), delete ID.  Prints "CREATE_NS START_NS WAIT_NS DELETE_NS
       CREATE_MAXRSS_KIB STATUS".  */

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static int timeout_s = 60;
static const char *out_file;

static long long
now_ns (void)
{
  struct timespec ts;
  clock_gettime (CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static int
pidfd_open_ (pid_t pid)
{
  return (int) syscall (SYS_pidfd_open, pid, 0);
}

static void
die (const char *what)
{
  fprintf (stderr, "rusage: %s: %s\n", what, strerror (errno));
  exit (125);
}

static void
child_exec (char **argv, const char *cgdir)
{
  int null = open ("/dev/null", O_RDWR | O_CLOEXEC);
  int out = out_file ? open (out_file, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644) : null;
  if (null < 0 || out < 0 || dup2 (null, 0) < 0 || dup2 (out, 1) < 0)
    _exit (126);
  setpgid (0, 0);
  if (cgdir)
    {
      char path[4096];
      snprintf (path, sizeof path, "%s/cgroup.procs", cgdir);
      int fd = open (path, O_WRONLY | O_CLOEXEC);
      if (fd < 0 || write (fd, "0\n", 2) != 2)
        {
          fprintf (stderr, "rusage: join %s: %s\n", path, strerror (errno));
          _exit (126);
        }
      close (fd);
    }
  execvp (argv[0], argv);
  fprintf (stderr, "rusage: exec %s: %s\n", argv[0], strerror (errno));
  _exit (127);
}

static int
status_code (int st)
{
  if (WIFEXITED (st))
    return WEXITSTATUS (st);
  if (WIFSIGNALED (st))
    return 128 + WTERMSIG (st);
  return 125;
}

/* Run ARGV to completion; fills wall time and max RSS, returns the status.  */
static int
spawn_wait (char **argv, const char *cgdir, long long *wall, long *maxrss)
{
  struct rusage ru;
  int st = 0, timed_out = 0;
  long long t0 = now_ns ();
  pid_t pid = fork ();
  if (pid < 0)
    die ("fork");
  if (pid == 0)
    child_exec (argv, cgdir);
  int pfd = pidfd_open_ (pid);
  if (pfd >= 0)
    {
      struct pollfd p = { .fd = pfd, .events = POLLIN };
      int r;
      do
        r = poll (&p, 1, timeout_s * 1000);
      while (r < 0 && errno == EINTR);
      if (r == 0)
        {
          timed_out = 1;
          kill (-pid, SIGKILL);
          kill (pid, SIGKILL);
        }
      close (pfd);
    }
  while (wait4 (pid, &st, 0, &ru) < 0)
    if (errno != EINTR)
      die ("wait4");
  *wall = now_ns () - t0;
  *maxrss = ru.ru_maxrss;
  return timed_out ? 124 : status_code (st);
}

static void
reap_orphans (void)
{
  while (waitpid (-1, NULL, WNOHANG) > 0)
    ;
}

static int
reaper (char **argv)
{
  if (prctl (PR_SET_CHILD_SUBREAPER, 1) < 0)
    die ("PR_SET_CHILD_SUBREAPER");
  pid_t pid = fork ();
  if (pid < 0)
    die ("fork");
  if (pid == 0)
    {
      execvp (argv[0], argv);
      fprintf (stderr, "rusage: exec %s: %s\n", argv[0], strerror (errno));
      _exit (127);
    }
  /* The terminal's signals reach the whole group; the script cleans up.  */
  signal (SIGINT, SIG_IGN);
  signal (SIGTERM, SIG_IGN);
  for (;;)
    {
      int st;
      pid_t p = wait (&st);
      if (p < 0 && errno == EINTR)
        continue;
      if (p < 0)
        die ("wait");
      if (p == pid)
        {
          reap_orphans ();
          return status_code (st);
        }
    }
}

static char **
with_args (char **base, int nbase, const char **extra, int nextra)
{
  char **v = calloc (nbase + nextra + 1, sizeof *v);
  if (!v)
    die ("calloc");
  memcpy (v, base, nbase * sizeof *v);
  memcpy (v + nbase, extra, nextra * sizeof *v);
  return v;
}

static int
phases (const char *bundle, const char *id, const char *pidfile, char **rt, int nrt)
{
  long long tc, ts, tw, td;
  long rss, rss2;
  char buf[64] = "";
  /* The container process is orphaned when create exits: as subreaper it
     comes to us, so we can reap it and nothing else has to.  */
  if (prctl (PR_SET_CHILD_SUBREAPER, 1) < 0)
    die ("PR_SET_CHILD_SUBREAPER");

  const char *create[] = { "create", "--bundle", bundle, "--pid-file", pidfile, id };
  int st = spawn_wait (with_args (rt, nrt, create, 6), NULL, &tc, &rss);
  if (st != 0)
    {
      fprintf (stderr, "rusage: create %s failed: status %d\n", id, st);
      printf ("0 0 0 0 %ld %d\n", rss, st);
      return 0;
    }
  int fd = open (pidfile, O_RDONLY | O_CLOEXEC);
  if (fd < 0 || read (fd, buf, sizeof buf - 1) <= 0)
    die ("read pid file");
  close (fd);
  int pfd = pidfd_open_ ((pid_t) atoi (buf));
  if (pfd < 0)
    die ("pidfd_open (container process)");

  const char *start[] = { "start", id };
  st = spawn_wait (with_args (rt, nrt, start, 2), NULL, &ts, &rss2);
  long long t0 = now_ns ();
  struct pollfd p = { .fd = pfd, .events = POLLIN };
  int r = st == 0 ? poll (&p, 1, timeout_s * 1000) : 1;
  tw = now_ns () - t0;
  if (r == 0)
    st = 124;
  siginfo_t si;
  waitid (P_PIDFD, pfd, &si, WEXITED | WNOHANG);
  close (pfd);

  const char *del[] = { "delete", "--force", id };
  int st2 = spawn_wait (with_args (rt, nrt, del, 3), NULL, &td, &rss2);
  reap_orphans ();
  printf ("%lld %lld %lld %lld %ld %d\n", tc, ts, tw, td, rss, st ? st : st2);
  return 0;
}

static void
usage (void)
{
  fprintf (stderr, "usage: rusage [-t SECS] [-c CGDIR] [-o FILE] -- CMD...\n"
                   "       rusage -R -- CMD...\n"
                   "       rusage -P BUNDLE ID PIDFILE -- RUNTIME [FLAG...]\n");
  exit (2);
}

int
main (int argc, char **argv)
{
  const char *cgdir = NULL;
  int opt, mode = 0;
  while ((opt = getopt (argc, argv, "+t:c:o:RP")) != -1)
    switch (opt)
      {
      case 't':
        timeout_s = atoi (optarg);
        break;
      case 'c':
        cgdir = optarg;
        break;
      case 'o':
        out_file = optarg;
        break;
      case 'R':
      case 'P':
        mode = opt;
        break;
      default:
        usage ();
      }
  argv += optind;
  argc -= optind;
  if (mode == 'R')
    return argc < 1 ? (usage (), 2) : reaper (argv);
  if (mode == 'P')
    {
      if (argc > 3 && strcmp (argv[3], "--") == 0)
        {
          argv[3] = argv[2];
          argv[2] = argv[1];
          argv[1] = argv[0];
          argv++;
          argc--;
        }
      if (argc < 4)
        usage ();
      return phases (argv[0], argv[1], argv[2], argv + 3, argc - 3);
    }
  if (argc < 1)
    usage ();
  long long wall;
  long rss;
  int st = spawn_wait (argv, cgdir, &wall, &rss);
  printf ("%ld %lld %d\n", rss, wall, st);
  return 0;
}
