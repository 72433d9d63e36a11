/* SPDX-License-Identifier: Apache-2.0 */
#ifndef MINIRT_ERROR_H
#define MINIRT_ERROR_H

/* The one error type of the library: an errno value and a one-line message
 * that says what was being done to which object.  Functions that can fail
 * return a negative value and fill *err; the caller either handles it or
 * passes it up unchanged (optionally adding context with mrt_error_prefix).
 * Nothing in the library prints or exits: the CLI prints the error once. */

#include <stdarg.h>

struct mrt_error
{
  int errno_;
  char *msg;
};
typedef struct mrt_error *mrt_error_t;

/* Set *err (if not already set) and return -1.  errno_ may be 0 when the
 * failure is not a syscall failure (bad input).  When errno_ != 0 the
 * strerror text is appended as ": <strerror>". */
int mrt_error_make (mrt_error_t *err, int errno_, const char *fmt, ...) __attribute__ ((format (printf, 3, 4)));
int mrt_error_makev (mrt_error_t *err, int errno_, const char *fmt, va_list ap) __attribute__ ((format (printf, 3, 0)));

/* Like mrt_error_make with errno_ = errno. */
int mrt_error_sys (mrt_error_t *err, const char *fmt, ...) __attribute__ ((format (printf, 2, 3)));

/* Prepend "<prefix>: " to the message of an existing error; returns -1. */
int mrt_error_prefix (mrt_error_t *err, const char *fmt, ...) __attribute__ ((format (printf, 2, 3)));

void mrt_error_free (mrt_error_t *err);

#define cleanup_error __attribute__ ((cleanup (mrt_error_free)))

#endif
