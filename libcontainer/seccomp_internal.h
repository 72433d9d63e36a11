/* SPDX-License-Identifier: Apache-2.0 */
#ifndef MINIRT_SECCOMP_INTERNAL_H
#define MINIRT_SECCOMP_INTERNAL_H

/* Shared between seccomp.c and seccomp_enosys.c only. */

#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <stdint.h>

#include "minirt/error.h"
#include "minirt/log.h"
#include "minirt/spec.h"

/* "SCMP_ARCH_X86_64" -> SCMP_ARCH_X86_64; -1 when unknown. */
int mrt_seccomp_arch_from_name (const char *name, uint32_t *arch);

/* Prepend runc's -ENOSYS stub (patchbpf/enosys_linux.go) to *insns. */
int mrt_seccomp_enosys_patch (const struct mrt_seccomp *p, struct sock_filter **insns, size_t *n,
                              const struct mrt_log *log, mrt_error_t *err);

/* Run a seccomp program on `data` in user space: the SECCOMP_RET_* value. */
uint32_t mrt_seccomp_bpf_eval (const struct sock_filter *prog, size_t n, const struct seccomp_data *data);

#endif
