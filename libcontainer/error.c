/* SPDX-License-Identifier: Apache-2.0 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "minirt/error.h"

static char *
format_message (int errno_, const char *fmt, va_list ap)
{
  char *msg = NULL;
  if (vasprintf (&msg, fmt, ap) < 0)
    return NULL;
  if (errno_ != 0)
    {
      char *full = NULL;
      if (asprintf (&full, "%s: %s", msg, strerror (errno_)) < 0)
        return msg;
      free (msg);
      msg = full;
    }
  return msg;
}

int
mrt_error_makev (mrt_error_t *err, int errno_, const char *fmt, va_list ap)
{
  if (err == NULL || *err != NULL)
    return -1;
  struct mrt_error *e = calloc (1, sizeof (*e));
  if (e == NULL)
    return -1;
  e->errno_ = errno_;
  e->msg = format_message (errno_, fmt, ap);
  if (e->msg == NULL)
    e->msg = strdup ("out of memory");
  *err = e;
  return -1;
}

int
mrt_error_make (mrt_error_t *err, int errno_, const char *fmt, ...)
{
  va_list ap;
  va_start (ap, fmt);
  mrt_error_makev (err, errno_, fmt, ap);
  va_end (ap);
  return -1;
}

int
mrt_error_sys (mrt_error_t *err, const char *fmt, ...)
{
  int saved = errno;
  va_list ap;
  va_start (ap, fmt);
  mrt_error_makev (err, saved, fmt, ap);
  va_end (ap);
  errno = saved;
  return -1;
}

int
mrt_error_prefix (mrt_error_t *err, const char *fmt, ...)
{
  if (err == NULL || *err == NULL)
    return -1;
  char *prefix = NULL, *full = NULL;
  va_list ap;
  va_start (ap, fmt);
  int r = vasprintf (&prefix, fmt, ap);
  va_end (ap);
  if (r < 0)
    return -1;
  if (asprintf (&full, "%s: %s", prefix, (*err)->msg ? (*err)->msg : "") >= 0)
    {
      free ((*err)->msg);
      (*err)->msg = full;
    }
  free (prefix);
  return -1;
}

void
mrt_error_free (mrt_error_t *err)
{
  if (err == NULL || *err == NULL)
    return;
  free ((*err)->msg);
  free (*err);
  *err = NULL;
}
