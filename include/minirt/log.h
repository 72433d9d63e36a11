/* SPDX-License-Identifier: Apache-2.0 */
#ifndef MINIRT_LOG_H
#define MINIRT_LOG_H

/* Where the runtime's errors, warnings and debug lines go.  Owned by the
 * CLI and passed down in struct mrt_context; the library keeps no global
 * logger.  Errors always go to stderr; with --log they also go to the file,
 * as text or (--log-format json) as {"level":..,"msg":..,"time":..} lines.
 * Without --log, --log-format json makes the stderr lines JSON too (runc). */

#include <stdbool.h>

enum mrt_log_level
{
  MRT_LOG_ERROR,
  MRT_LOG_WARNING,
  MRT_LOG_INFO,
  MRT_LOG_DEBUG
};

struct mrt_log
{
  int fd;         /* --log file, -1 when none */
  bool json;      /* --log-format json */
  bool debug;     /* --debug: emit MRT_LOG_DEBUG lines */
  bool to_stderr; /* also print warnings/errors on stderr */
};

/* Open `path` (append, O_CLOEXEC); path NULL leaves fd = -1. */
int mrt_log_open (struct mrt_log *log, const char *path, const char *format, bool debug);
void mrt_log_close (struct mrt_log *log);

void mrt_log_msg (const struct mrt_log *log, enum mrt_log_level level, const char *fmt, ...)
    __attribute__ ((format (printf, 3, 4)));

#define mrt_log_error(log, ...) mrt_log_msg ((log), MRT_LOG_ERROR, __VA_ARGS__)
#define mrt_log_warning(log, ...) mrt_log_msg ((log), MRT_LOG_WARNING, __VA_ARGS__)
#define mrt_log_info(log, ...) mrt_log_msg ((log), MRT_LOG_INFO, __VA_ARGS__)
#define mrt_log_debug(log, ...) mrt_log_msg ((log), MRT_LOG_DEBUG, __VA_ARGS__)

#endif
