/* SPDX-License-Identifier: Apache-2.0 */
#ifndef MINIRT_UTILS_H
#define MINIRT_UTILS_H

/* Internal helpers shared by libcontainer: cleanup attributes so every early
 * return frees and closes, and small I/O helpers. */

#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "minirt/error.h"

static inline void
mrt_freep (void *p)
{
  free (*(void **)p);
}

static inline void
mrt_closep (int *fd)
{
  if (*fd >= 0)
    {
      int saved = errno;
      close (*fd);
      errno = saved;
    }
}

static inline void
mrt_fclosep (FILE **f)
{
  if (*f)
    fclose (*f);
}

#define cleanup_free __attribute__ ((cleanup (mrt_freep)))
#define cleanup_close __attribute__ ((cleanup (mrt_closep)))
#define cleanup_file __attribute__ ((cleanup (mrt_fclosep)))

/* Hand ownership out of a cleanup variable. */
#define steal_pointer(pp)                                                                                              \
  ({                                                                                                                   \
    __typeof__ (*(pp)) _p = *(pp);                                                                                     \
    *(pp) = NULL;                                                                                                      \
    _p;                                                                                                                \
  })
#define steal_fd(fdp)                                                                                                  \
  ({                                                                                                                   \
    int _fd = *(fdp);                                                                                                  \
    *(fdp) = -1;                                                                                                       \
    _fd;                                                                                                               \
  })

#define ARRAY_SIZE(a) (sizeof (a) / sizeof ((a)[0]))

/* Allocation failure is not recoverable in a short-lived runtime. */
void *xmalloc0 (size_t size);
void *xrealloc (void *p, size_t size);
char *xstrdup (const char *s);
char *xstrndup (const char *s, size_t n);
char *xasprintf (const char *fmt, ...) __attribute__ ((format (printf, 1, 2)));
char *xvasprintf (const char *fmt, va_list ap) __attribute__ ((format (printf, 1, 0)));
/* fclose an open_memstream() stream; aborts if any write to it failed. */
void mrt_memstream_close (FILE *f);

/* Read a whole file (at most max_size bytes) into a NUL-terminated buffer. */
int mrt_read_file (const char *path, size_t max_size, char **out, size_t *len, mrt_error_t *err);
int mrt_read_fd (int fd, size_t max_size, char **out, size_t *len, mrt_error_t *err);
/* Write a file atomically: temp file in the same directory, fsync-free rename. */
int mrt_write_file_atomic (const char *path, const void *data, size_t len, mode_t mode, mrt_error_t *err);
/* Write the runc --pid-file: the pid in decimal, no newline, written
 * atomically so a caller polling the file never reads it half-written; a
 * relative path is taken from the current directory. */
int mrt_write_pid_file (const char *path, pid_t pid, mrt_error_t *err);
/* Write a string to an existing file (cgroup, /proc knobs); no O_CREAT. */
int mrt_write_file_at (int dirfd, const char *name, const char *data, size_t len, mrt_error_t *err);
/* write()/read() the whole buffer, retrying on EINTR and short writes. */
int mrt_write_all (int fd, const void *buf, size_t len);
/* One sendmsg of `len` bytes of `data` (at least one byte: a stream socket
 * drops a control message without data) carrying `fd` with SCM_RIGHTS;
 * EINTR retried, no SIGPIPE.  Returns what sendmsg returns (bytes sent, or
 * -1 with errno): the caller sends any rest without the fd. */
ssize_t mrt_send_fd (int sock, int fd, const void *data, size_t len);
/* mkdir -p with the given mode. */
int mrt_mkdir_p (const char *path, mode_t mode, mrt_error_t *err);

#endif
