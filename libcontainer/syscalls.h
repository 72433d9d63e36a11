/* SPDX-License-Identifier: Apache-2.0 */
#ifndef MINIRT_SYSCALLS_H
#define MINIRT_SYSCALLS_H

/* Wrappers for the syscalls glibc 2.36 lacks or hides. */

#include <linux/openat2.h>
#include <linux/sched.h>
#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <unistd.h>

static inline int
mrt_openat2 (int dirfd, const char *path, uint64_t flags, uint64_t mode, uint64_t resolve)
{
  struct open_how how = { .flags = flags, .mode = mode, .resolve = resolve };
  return (int)syscall (SYS_openat2, dirfd, path, &how, sizeof (how));
}

static inline long
mrt_clone3 (struct clone_args *args)
{
  return syscall (SYS_clone3, args, sizeof (*args));
}

static inline int
mrt_pidfd_open (pid_t pid, unsigned int flags)
{
  return (int)syscall (SYS_pidfd_open, pid, flags);
}

static inline int
mrt_pidfd_send_signal (int pidfd, int sig, siginfo_t *info, unsigned int flags)
{
  return (int)syscall (SYS_pidfd_send_signal, pidfd, sig, info, flags);
}

static inline int
mrt_pidfd_getfd (int pidfd, int targetfd, unsigned int flags)
{
  return (int)syscall (SYS_pidfd_getfd, pidfd, targetfd, flags);
}

static inline int
mrt_pivot_root (const char *new_root, const char *put_old)
{
  return (int)syscall (SYS_pivot_root, new_root, put_old);
}

#endif
