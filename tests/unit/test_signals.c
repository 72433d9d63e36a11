/* SPDX-License-Identifier: Apache-2.0 */
/* mrt_parse_signal: what `kill` accepts. */
#include <criterion/criterion.h>
#include <signal.h>

#include "minirt/container.h"

static int
parse (const char *s)
{
  int sig = -100;
  mrt_error_t err = NULL;
  if (mrt_parse_signal (s, &sig, &err) < 0)
    {
      cr_expect_not_null (err);
      if (err)
        cr_expect_not_null (strstr (err->msg, "signal"), "%s", err->msg);
      mrt_error_free (&err);
      return -1;
    }
  return sig;
}

Test (signals, names)
{
  cr_expect_eq (parse ("KILL"), SIGKILL);
  cr_expect_eq (parse ("SIGKILL"), SIGKILL);
  cr_expect_eq (parse ("kill"), SIGKILL);
  cr_expect_eq (parse ("+9"), SIGKILL); /* runc: strconv.Atoi */
  cr_expect_eq (parse ("RTMIN++1"), -1);
  cr_expect_eq (parse ("sigterm"), SIGTERM);
  cr_expect_eq (parse ("TERM"), SIGTERM);
  cr_expect_eq (parse ("HUP"), SIGHUP);
  cr_expect_eq (parse ("USR1"), SIGUSR1);
  cr_expect_eq (parse ("SIGUSR2"), SIGUSR2);
  cr_expect_eq (parse ("WINCH"), SIGWINCH);
  cr_expect_eq (parse ("CHLD"), SIGCHLD);
  cr_expect_eq (parse ("STOP"), SIGSTOP);
  cr_expect_eq (parse ("CONT"), SIGCONT);
}

Test (signals, numbers)
{
  cr_expect_eq (parse ("9"), 9);
  cr_expect_eq (parse ("15"), 15);
  cr_expect_eq (parse ("0"), 0);
  cr_expect_eq (parse ("64"), SIGRTMAX);
  cr_expect_eq (parse ("65"), -1);
  cr_expect_eq (parse ("-1"), -1);
  cr_expect_eq (parse ("9x"), -1);
  cr_expect_eq (parse (" 9"), -1);
}

Test (signals, realtime)
{
  cr_expect_eq (parse ("RTMIN"), SIGRTMIN);
  cr_expect_eq (parse ("SIGRTMIN+3"), SIGRTMIN + 3);
  cr_expect_eq (parse ("RTMAX"), SIGRTMAX);
  cr_expect_eq (parse ("RTMAX-2"), SIGRTMAX - 2);
  cr_expect_eq (parse ("RTMIN-1"), -1);
  cr_expect_eq (parse ("RTMAX+1"), -1);
  cr_expect_eq (parse ("RTMIN+100"), -1);
}

Test (signals, invalid)
{
  cr_expect_eq (parse (""), -1);
  cr_expect_eq (parse ("SIG"), -1);
  cr_expect_eq (parse ("NOSUCH"), -1);
  cr_expect_eq (parse ("SIGSIGKILL"), -1);
  int sig;
  mrt_error_t err = NULL;
  cr_expect_lt (mrt_parse_signal (NULL, &sig, &err), 0);
  mrt_error_free (&err);
}
