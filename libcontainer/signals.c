/* SPDX-License-Identifier: Apache-2.0 */
/* Signal names and numbers as `kill` accepts them, like runc: "KILL",
 * "SIGKILL", "kill", "9", "RTMIN+3". */
#include <ctype.h>
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "minirt/container.h"
#include "utils.h"

static const struct
{
  const char *name;
  int sig;
} signal_names[] = {
  { "ABRT", SIGABRT },     { "ALRM", SIGALRM },   { "BUS", SIGBUS },   { "CHLD", SIGCHLD }, { "CLD", SIGCHLD },
  { "CONT", SIGCONT },     { "FPE", SIGFPE },     { "HUP", SIGHUP },   { "ILL", SIGILL },   { "INT", SIGINT },
  { "IO", SIGIO },         { "IOT", SIGIOT },     { "KILL", SIGKILL }, { "PIPE", SIGPIPE }, { "POLL", SIGPOLL },
  { "PROF", SIGPROF },     { "PWR", SIGPWR },     { "QUIT", SIGQUIT }, { "SEGV", SIGSEGV }, { "STKFLT", SIGSTKFLT },
  { "STOP", SIGSTOP },     { "SYS", SIGSYS },     { "TERM", SIGTERM }, { "TRAP", SIGTRAP }, { "TSTP", SIGTSTP },
  { "TTIN", SIGTTIN },     { "TTOU", SIGTTOU },   { "URG", SIGURG },   { "USR1", SIGUSR1 }, { "USR2", SIGUSR2 },
  { "VTALRM", SIGVTALRM }, { "WINCH", SIGWINCH }, { "XCPU", SIGXCPU }, { "XFSZ", SIGXFSZ },
};

static int
parse_number (const char *s, long *out)
{
  char *end = NULL;
  if (*s == '\0' || !isdigit ((unsigned char)*s))
    return -1;
  errno = 0;
  long v = strtol (s, &end, 10);
  if (errno != 0 || *end != '\0')
    return -1;
  *out = v;
  return 0;
}

int
mrt_parse_signal (const char *s, int *signal, mrt_error_t *err)
{
  long n;
  if (s == NULL || *s == '\0')
    return mrt_error_make (err, EINVAL, "invalid signal: empty");
  /* runc's strconv.Atoi takes a leading '+' ("+9"); a name never has one. */
  if (parse_number (s[0] == '+' ? s + 1 : s, &n) == 0)
    {
      if (n < 0 || n > SIGRTMAX)
        return mrt_error_make (err, EINVAL, "invalid signal `%s`", s);
      *signal = (int)n;
      return 0;
    }
  const char *name = strncasecmp (s, "SIG", 3) == 0 ? s + 3 : s;
  for (size_t i = 0; i < ARRAY_SIZE (signal_names); i++)
    if (strcasecmp (name, signal_names[i].name) == 0)
      {
        *signal = signal_names[i].sig;
        return 0;
      }
  /* RTMIN, RTMIN+n, RTMAX, RTMAX-n */
  int base = 0, dir = 0;
  if (strncasecmp (name, "RTMIN", 5) == 0)
    base = SIGRTMIN, dir = 1;
  else if (strncasecmp (name, "RTMAX", 5) == 0)
    base = SIGRTMAX, dir = -1;
  if (base != 0)
    {
      const char *rest = name + 5;
      if (*rest == '\0')
        n = 0;
      else if ((*rest == '+' && dir > 0) || (*rest == '-' && dir < 0))
        {
          if (parse_number (rest + 1, &n) < 0)
            return mrt_error_make (err, EINVAL, "invalid signal `%s`", s);
        }
      else
        return mrt_error_make (err, EINVAL, "invalid signal `%s`", s);
      long v = base + dir * n;
      if (v < SIGRTMIN || v > SIGRTMAX)
        return mrt_error_make (err, EINVAL, "invalid signal `%s`", s);
      *signal = (int)v;
      return 0;
    }
  return mrt_error_make (err, EINVAL, "invalid signal `%s`", s);
}
