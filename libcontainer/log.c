/* SPDX-License-Identifier: Apache-2.0 */
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "minirt/log.h"
#include "utils.h"

static const char *const level_names[] = { "error", "warning", "info", "debug" };

int
mrt_log_open (struct mrt_log *log, const char *path, const char *format, bool debug)
{
  log->fd = -1;
  log->json = format != NULL && strcmp (format, "json") == 0;
  log->debug = debug;
  log->to_stderr = true;
  if (path == NULL || *path == '\0')
    return 0;
  log->fd = open (path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  return log->fd < 0 ? -1 : 0;
}

void
mrt_log_close (struct mrt_log *log)
{
  if (log->fd >= 0)
    close (log->fd);
  log->fd = -1;
}

static void
json_escape (FILE *out, const char *s)
{
  for (const unsigned char *p = (const unsigned char *)s; *p; p++)
    {
      if (*p == '"' || *p == '\\')
        fprintf (out, "\\%c", *p);
      else if (*p == '\n')
        fputs ("\\n", out);
      else if (*p == '\t')
        fputs ("\\t", out);
      else if (*p < 0x20)
        fprintf (out, "\\u%04x", *p);
      else
        fputc (*p, out);
    }
}

static void
rfc3339_now (char *buf, size_t size)
{
  struct timespec ts;
  struct tm tm;
  clock_gettime (CLOCK_REALTIME, &ts);
  gmtime_r (&ts.tv_sec, &tm);
  size_t n = strftime (buf, size, "%Y-%m-%dT%H:%M:%S", &tm);
  snprintf (buf + n, size - n, ".%09ldZ", ts.tv_nsec);
}

static void
write_log_line (const struct mrt_log *log, int fd, enum mrt_log_level level, const char *msg)
{
  char stamp[64];
  cleanup_free char *line = NULL;
  size_t len = 0;
  FILE *out = open_memstream (&line, &len);
  if (out == NULL)
    return;
  rfc3339_now (stamp, sizeof (stamp));
  if (log->json)
    {
      fprintf (out, "{\"level\":\"%s\",\"msg\":\"", level_names[level]);
      json_escape (out, msg);
      fprintf (out, "\",\"time\":\"%s\"}\n", stamp);
    }
  else
    fprintf (out, "%s %s: %s\n", stamp, level_names[level], msg);
  fclose (out);
  mrt_write_all (fd, line, len);
}

void
mrt_log_msg (const struct mrt_log *log, enum mrt_log_level level, const char *fmt, ...)
{
  if (log == NULL)
    return;
  if (level == MRT_LOG_DEBUG && !log->debug)
    return;
  cleanup_free char *msg = NULL;
  va_list ap;
  va_start (ap, fmt);
  int r = vasprintf (&msg, fmt, ap);
  va_end (ap);
  if (r < 0)
    return;
  if (log->to_stderr && (level <= MRT_LOG_WARNING || log->debug))
    {
      /* runc's logrus writes to stderr when there is no --log, in the
       * --log-format asked for; a caller of --log-format json parses it. */
      if (log->json && log->fd < 0)
        write_log_line (log, STDERR_FILENO, level, msg);
      else if (level == MRT_LOG_ERROR)
        fprintf (stderr, "minirt: %s\n", msg);
      else
        fprintf (stderr, "minirt: %s: %s\n", level_names[level], msg);
    }
  if (log->fd >= 0)
    write_log_line (log, log->fd, level, msg);
}
