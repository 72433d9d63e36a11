/* SPDX-License-Identifier: Apache-2.0 */
/* runc's -ENOSYS stub (libcontainer/seccomp/patchbpf/enosys_linux.go).
 *
 * A profile written for an older kernel does not name syscalls added later
 * (clone3, openat2, faccessat2, ...).  Under a deny-by-default profile they
 * would fail with EPERM, and glibc only falls back to the old syscall on
 * ENOSYS, so a newer binary would break under an older profile.  runc's
 * answer: for each architecture, any syscall number above the highest one the
 * profile names gets ENOSYS, as if the kernel did not have it.  We prepend
 * that check to libseccomp's program:
 *
 *     ld  [4]                      ; seccomp_data.arch
 *     jeq AUDIT_ARCH_A, section_A  ; one per architecture
 *     ja  filter                   ; an architecture we do not handle
 *   section_A:
 *     ld  [0]                      ; seccomp_data.nr
 *     (x86_64: jset 0x40000000 separates x32 from x86_64 numbers)
 *     (s390/s390x: nr 0 is the multiplexer of unknown syscalls -> ENOSYS)
 *     jgt MAX_A, enosys
 *     ja  filter
 *   enosys:
 *     ret ERRNO(ENOSYS)
 *   filter:                        ; libseccomp's program, unchanged
 *
 * Like runc we keep its known limitation: a syscall added out of order in
 * the table (close_range) below the maximum still gets the default action.
 * Unlike runc each section has its own `ret ENOSYS`, so no conditional jump
 * ever needs more than 8 bits and no long-jump variants are needed. */
#include <errno.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <seccomp.h>
#include <stdlib.h>
#include <string.h>

#include "seccomp_internal.h"
#include "utils.h"

#define X32_SYSCALL_BIT 0x40000000u
#define RET_ENOSYS (SECCOMP_RET_ERRNO | (ENOSYS & SECCOMP_RET_DATA))

struct arch_max
{
  uint32_t scmp_arch;
  uint32_t max_nr;
};

/* Architectures sharing one AUDIT_ARCH value: only x86_64 and x32 do. */
struct arch_group
{
  uint32_t audit_arch;
  struct arch_max entries[2];
  size_t n_entries;
  size_t section; /* distance of the section's first instruction from the end */
};

/* The program is built backwards, like runc's, so every jump target is
 * already placed when the jump is emitted: a target is identified by its
 * distance from the end (1 = last instruction, 0 = the filter after us). */
struct rprog
{
  struct sock_filter *v;
  size_t n;
  size_t cap;
};

static size_t
emit (struct rprog *b, uint16_t code, uint32_t k, uint8_t jt, uint8_t jf)
{
  if (b->n == b->cap)
    {
      b->cap = b->cap ? b->cap * 2 : 64;
      b->v = xrealloc (b->v, b->cap * sizeof (*b->v));
    }
  b->v[b->n++] = (struct sock_filter){ .code = code, .jt = jt, .jf = jf, .k = k };
  return b->n;
}

/* Offset from the instruction about to be emitted to a placed target. */
static uint32_t
dist (const struct rprog *b, size_t target)
{
  return (uint32_t)(b->n - target);
}

static uint32_t
audit_arch_of (uint32_t scmp_arch)
{
  /* SCMP_ARCH_X32 is a libseccomp invention; the kernel reports x86_64. */
  return scmp_arch == SCMP_ARCH_X32 ? AUDIT_ARCH_X86_64 : scmp_arch;
}

static uint32_t
max_named_syscall (const struct mrt_seccomp *p, uint32_t arch)
{
  uint32_t max = 0;
  for (size_t i = 0; i < p->n_syscalls; i++)
    for (size_t j = 0; j < p->syscalls[i].n_names; j++)
      {
        int nr = seccomp_syscall_resolve_name_arch (arch, p->syscalls[i].names[j]);
        if (nr >= 0 && (uint32_t)nr > max)
          max = (uint32_t)nr;
      }
  return max;
}

static void
add_arch (const struct mrt_seccomp *p, uint32_t arch, struct arch_group *groups, size_t *n_groups,
          const struct mrt_log *log)
{
  uint32_t audit = audit_arch_of (arch);
  struct arch_group *g = NULL;
  for (size_t i = 0; i < *n_groups; i++)
    {
      if (groups[i].audit_arch != audit)
        continue;
      g = &groups[i];
      for (size_t e = 0; e < g->n_entries; e++)
        if (g->entries[e].scmp_arch == arch)
          return; /* listed twice, or the native one listed explicitly */
    }
  uint32_t max = max_named_syscall (p, arch);
  if (max == 0)
    {
      mrt_log_debug (log, "seccomp: no syscall of the profile exists on arch 0x%x: no -ENOSYS stub for it", arch);
      return;
    }
  if (g == NULL)
    {
      g = &groups[(*n_groups)++];
      *g = (struct arch_group){ .audit_arch = audit };
    }
  g->entries[g->n_entries++] = (struct arch_max){ .scmp_arch = arch, .max_nr = max };
}

static void
emit_section (struct rprog *b, struct arch_group *g)
{
  size_t ret_enosys = emit (b, BPF_RET | BPF_K, RET_ENOSYS, 0, 0);
  size_t ja_filter = emit (b, BPF_JMP | BPF_JA, dist (b, 0), 0, 0);

  if (g->n_entries == 2)
    {
      /* x86_64 and x32 in one section: the x32 bit picks the maximum. */
      uint32_t max64 = 0, max32 = 0;
      for (size_t e = 0; e < 2; e++)
        {
          if (g->entries[e].scmp_arch == SCMP_ARCH_X32)
            max32 = g->entries[e].max_nr;
          else
            max64 = g->entries[e].max_nr;
        }
      size_t x32 = emit (b, BPF_JMP | BPF_JGT | BPF_K, max32, dist (b, ret_enosys), dist (b, ja_filter));
      emit (b, BPF_JMP | BPF_JGT | BPF_K, max64, dist (b, ret_enosys), dist (b, ja_filter));
      emit (b, BPF_JMP | BPF_JSET | BPF_K, X32_SYSCALL_BIT, dist (b, x32), 0);
    }
  else
    {
      const struct arch_max *a = &g->entries[0];
      emit (b, BPF_JMP | BPF_JGT | BPF_K, a->max_nr, dist (b, ret_enosys), 0);
      /* On x86_64 a lone x86_64 (or lone x32) section must leave the other
       * ABI's numbers to the filter. */
      if (a->scmp_arch == SCMP_ARCH_X86_64)
        emit (b, BPF_JMP | BPF_JSET | BPF_K, X32_SYSCALL_BIT, dist (b, ja_filter), 0);
      else if (a->scmp_arch == SCMP_ARCH_X32)
        emit (b, BPF_JMP | BPF_JSET | BPF_K, X32_SYSCALL_BIT, 0, dist (b, ja_filter));
      /* s390: unknown syscall numbers arrive as 0 (the multiplexer). */
      if (a->scmp_arch == SCMP_ARCH_S390 || a->scmp_arch == SCMP_ARCH_S390X)
        emit (b, BPF_JMP | BPF_JEQ | BPF_K, 0, dist (b, ret_enosys), 0);
    }
  g->section = emit (b, BPF_LD | BPF_W | BPF_ABS, offsetof (struct seccomp_data, nr), 0, 0);
}

int
mrt_seccomp_enosys_patch (const struct mrt_seccomp *p, struct sock_filter **insns, size_t *n, const struct mrt_log *log,
                          mrt_error_t *err)
{
  struct arch_group groups[64];
  size_t n_groups = 0;
  struct rprog b = { 0 };

  if (p->n_architectures + 1 > ARRAY_SIZE (groups))
    return mrt_error_make (err, 0, "linux.seccomp.architectures: too many architectures");
  add_arch (p, seccomp_arch_native (), groups, &n_groups, log);
  for (size_t i = 0; i < p->n_architectures; i++)
    {
      uint32_t arch;
      if (mrt_seccomp_arch_from_name (p->architectures[i], &arch) < 0)
        return mrt_error_make (err, 0, "linux.seccomp.architectures[%zu]: unknown architecture \"%s\"", i,
                               p->architectures[i]);
      add_arch (p, arch, groups, &n_groups, log);
    }
  if (n_groups == 0)
    return 0; /* the profile names nothing: the default action covers all */

  for (size_t i = n_groups; i-- > 0;)
    emit_section (&b, &groups[i]);
  emit (&b, BPF_JMP | BPF_JA, dist (&b, 0), 0, 0);
  for (size_t i = n_groups; i-- > 0;)
    {
      uint32_t off = dist (&b, groups[i].section);
      if (off <= 255)
        emit (&b, BPF_JMP | BPF_JEQ | BPF_K, groups[i].audit_arch, (uint8_t)off, 0);
      else
        {
          emit (&b, BPF_JMP | BPF_JA, dist (&b, groups[i].section), 0, 0);
          emit (&b, BPF_JMP | BPF_JEQ | BPF_K, groups[i].audit_arch, 0, 1);
        }
    }
  emit (&b, BPF_LD | BPF_W | BPF_ABS, offsetof (struct seccomp_data, arch), 0, 0);

  struct sock_filter *out = xmalloc0 ((b.n + *n) * sizeof (*out));
  for (size_t i = 0; i < b.n; i++)
    out[i] = b.v[b.n - 1 - i];
  memcpy (out + b.n, *insns, *n * sizeof (*out));
  free (b.v);
  free (*insns);
  *insns = out;
  *n += b.n;
  return 0;
}
