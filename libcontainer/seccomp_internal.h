/* SPDX-License-Identifier: Apache-2.0 */
#ifndef MINIRT_SECCOMP_INTERNAL_H
#define MINIRT_SECCOMP_INTERNAL_H

/* Shared between the seccomp*.c files only. */

#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "minirt/error.h"
#include "minirt/log.h"
#include "minirt/spec.h"

struct mrt_seccomp_filter
{
  void *ctx; /* libseccomp's scmp_filter_ctx, kept for export_pfc; NULL when cached */
  struct sock_filter *insns;
  size_t n_insns;
  unsigned int flags; /* SECCOMP_FILTER_FLAG_* given to seccomp(2) */
  bool listener;
};

/* "SCMP_ARCH_X86_64" -> SCMP_ARCH_X86_64; -1 when unknown. */
int mrt_seccomp_arch_from_name (const char *name, uint32_t *arch);
/* SCMP_ARCH_X86_64 -> "SCMP_ARCH_X86_64"; NULL when unknown. */
const char *mrt_seccomp_arch_name (uint32_t arch);

/* Prepend runc's -ENOSYS stub (patchbpf/enosys_linux.go) to *insns. */
int mrt_seccomp_enosys_patch (const struct mrt_seccomp *p, struct sock_filter **insns, size_t *n,
                              const struct mrt_log *log, mrt_error_t *err);

/* Run a seccomp program on `data` in user space: the SECCOMP_RET_* value. */
uint32_t mrt_seccomp_bpf_eval (const struct sock_filter *prog, size_t n, const struct seccomp_data *data);

/* Receive one notification into *req: 1 when there is one to answer; 0 when
 * not (EINTR, or ENOENT: the task died or its syscall was interrupted since
 * the listener woke up); -1 with errno on a real error. */
int mrt_seccomp_notif_recv (int notify_fd, struct seccomp_notif *req);
/* Let notification `id` run as if unfiltered; ENOENT (the task is gone
 * meanwhile) is not an error.  -1 with errno otherwise. */
int mrt_seccomp_notif_continue (int notify_fd, uint64_t id);

#endif
