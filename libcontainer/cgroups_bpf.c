/* SPDX-License-Identifier: Apache-2.0 */
/* Cgroup v2 device controller: a BPF_PROG_TYPE_CGROUP_DEVICE program
 * built from the device rules, the shape of runc's devicefilter and crun's
 * ebpf.c.  The rules are walked from the last to the first (later rules
 * win); the first matching block returns its verdict, and nothing matched
 * means deny.
 *
 * Prologue, from struct bpf_cgroup_dev_ctx { u32 access_type; u32 major;
 * u32 minor; } in R1:
 *   R2 = access_type & 0xffff   (BPF_DEVCG_DEV_*)
 *   R3 = access_type >> 16      (BPF_DEVCG_ACC_*)
 *   R4 = major, R5 = minor
 * Each rule block jumps to the next block on the first test that fails:
 *   type:   if R2 != type goto next
 *   access: allow: if (R3 & acc) != R3 goto next   (all requested bits allowed)
 *           deny:  if (R3 & acc) == 0 goto next    (any requested bit denied)
 *   major:  if R4 != major goto next
 *   minor:  if R5 != minor goto next
 *   R0 = verdict; exit
 * A block without tests matches everything: what follows it would be
 * unreachable, which the verifier refuses, so generation stops there. */
#include <errno.h>
#include <fcntl.h>
#include <linux/bpf.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "cgroups_internal.h"
#include "utils.h"

static int
sys_bpf (int cmd, union bpf_attr *attr)
{
  return (int)syscall (SYS_bpf, cmd, attr, sizeof (*attr));
}

struct prog
{
  struct bpf_insn *insns;
  size_t n, cap;
};

static size_t
emit (struct prog *p, uint8_t code, uint8_t dst, uint8_t src, int16_t off, int32_t imm)
{
  if (p->n == p->cap)
    {
      p->cap = p->cap ? p->cap * 2 : 64;
      p->insns = xrealloc (p->insns, p->cap * sizeof (*p->insns));
    }
  p->insns[p->n] = (struct bpf_insn){ .code = code, .dst_reg = dst, .src_reg = src, .off = off, .imm = imm };
  return p->n++;
}

static int32_t
access_bits (const char *access)
{
  int32_t bits = 0;
  for (const char *c = access && *access ? access : "rwm"; *c; c++)
    bits |= *c == 'r' ? BPF_DEVCG_ACC_READ : *c == 'w' ? BPF_DEVCG_ACC_WRITE : *c == 'm' ? BPF_DEVCG_ACC_MKNOD : 0;
  return bits;
}

#define ALL_ACCESS (BPF_DEVCG_ACC_READ | BPF_DEVCG_ACC_WRITE | BPF_DEVCG_ACC_MKNOD)

/* Emit one rule's block; returns true when it matches every access. */
static bool
emit_rule (struct prog *p, const struct mrt_device_cgroup_rule *r)
{
  size_t jumps[4];
  size_t n_jumps = 0;
  char type = r->type ? r->type : 'a';
  int32_t acc = access_bits (r->access);
  if (type != 'a')
    jumps[n_jumps++]
        = emit (p, BPF_JMP | BPF_JNE | BPF_K, BPF_REG_2, 0, 0, type == 'b' ? BPF_DEVCG_DEV_BLOCK : BPF_DEVCG_DEV_CHAR);
  if (acc != ALL_ACCESS)
    {
      emit (p, BPF_ALU | BPF_MOV | BPF_X, BPF_REG_1, BPF_REG_3, 0, 0);
      emit (p, BPF_ALU | BPF_AND | BPF_K, BPF_REG_1, 0, 0, acc);
      if (r->allow)
        jumps[n_jumps++] = emit (p, BPF_JMP | BPF_JNE | BPF_X, BPF_REG_1, BPF_REG_3, 0, 0);
      else
        jumps[n_jumps++] = emit (p, BPF_JMP | BPF_JEQ | BPF_K, BPF_REG_1, 0, 0, 0);
    }
  if (type != 'a' && r->major.set && r->major.value >= 0)
    jumps[n_jumps++] = emit (p, BPF_JMP | BPF_JNE | BPF_K, BPF_REG_4, 0, 0, (int32_t)r->major.value);
  if (type != 'a' && r->minor.set && r->minor.value >= 0)
    jumps[n_jumps++] = emit (p, BPF_JMP | BPF_JNE | BPF_K, BPF_REG_5, 0, 0, (int32_t)r->minor.value);
  emit (p, BPF_ALU | BPF_MOV | BPF_K, BPF_REG_0, 0, 0, r->allow ? 1 : 0);
  emit (p, BPF_JMP | BPF_EXIT, 0, 0, 0, 0);
  /* Every failed test lands on the first instruction of the next block. */
  for (size_t i = 0; i < n_jumps; i++)
    p->insns[jumps[i]].off = (int16_t)(p->n - jumps[i] - 1);
  return n_jumps == 0;
}

struct bpf_insn *
mrt_bpf_devices_program (const struct mrt_device_cgroup_rule *rules, size_t n_rules, size_t *n)
{
  struct prog p = { 0 };
  emit (&p, BPF_LDX | BPF_MEM | BPF_W, BPF_REG_2, BPF_REG_1, 0, 0);
  emit (&p, BPF_ALU | BPF_AND | BPF_K, BPF_REG_2, 0, 0, 0xffff);
  emit (&p, BPF_LDX | BPF_MEM | BPF_W, BPF_REG_3, BPF_REG_1, 0, 0);
  emit (&p, BPF_ALU | BPF_RSH | BPF_K, BPF_REG_3, 0, 0, 16);
  emit (&p, BPF_LDX | BPF_MEM | BPF_W, BPF_REG_4, BPF_REG_1, 4, 0);
  emit (&p, BPF_LDX | BPF_MEM | BPF_W, BPF_REG_5, BPF_REG_1, 8, 0);
  bool catch_all = false;
  for (size_t i = n_rules; i-- > 0 && !catch_all;)
    catch_all = emit_rule (&p, &rules[i]);
  if (!catch_all)
    {
      emit (&p, BPF_ALU | BPF_MOV | BPF_K, BPF_REG_0, 0, 0, 0);
      emit (&p, BPF_JMP | BPF_EXIT, 0, 0, 0, 0);
    }
  *n = p.n;
  return p.insns;
}

int
mrt_bpf_load (const struct bpf_insn *insns, size_t n, mrt_error_t *err)
{
  static const char license[] = "Apache-2.0";
  union bpf_attr attr;
  memset (&attr, 0, sizeof (attr));
  attr.prog_type = BPF_PROG_TYPE_CGROUP_DEVICE;
  attr.insns = (uint64_t)(uintptr_t)insns;
  attr.insn_cnt = (uint32_t)n;
  attr.license = (uint64_t)(uintptr_t)license;
  int fd = sys_bpf (BPF_PROG_LOAD, &attr);
  if (fd >= 0)
    return fd;
  int saved = errno;
  if (saved != EACCES && saved != EINVAL)
    return mrt_error_make (err, saved, "bpf: load the device program");
  /* Ask again with the verifier's log, to say why. */
  char log[4096] = "";
  attr.log_buf = (uint64_t)(uintptr_t)log;
  attr.log_size = sizeof (log);
  attr.log_level = 1;
  fd = sys_bpf (BPF_PROG_LOAD, &attr);
  if (fd >= 0)
    return fd;
  log[sizeof (log) - 1] = '\0';
  for (char *c = log; *c; c++)
    if (*c == '\n')
      *c = ' ';
  return mrt_error_make (err, saved, "bpf: load the device program (verifier: %.300s)", log);
}

/* The ids of the device programs attached to the cgroup now. */
static int
query (int cgfd, uint32_t *ids, uint32_t *n)
{
  union bpf_attr attr;
  memset (&attr, 0, sizeof (attr));
  attr.query.target_fd = cgfd;
  attr.query.attach_type = BPF_CGROUP_DEVICE;
  attr.query.prog_ids = (uint64_t)(uintptr_t)ids;
  attr.query.prog_cnt = *n;
  if (sys_bpf (BPF_PROG_QUERY, &attr) < 0)
    return -1;
  *n = attr.query.prog_cnt;
  return 0;
}

static int
attach (int cgfd, int progfd, uint32_t flags)
{
  union bpf_attr attr;
  memset (&attr, 0, sizeof (attr));
  attr.target_fd = cgfd;
  attr.attach_bpf_fd = progfd;
  attr.attach_type = BPF_CGROUP_DEVICE;
  attr.attach_flags = flags;
  return sys_bpf (BPF_PROG_ATTACH, &attr);
}

static void
detach_id (int cgfd, uint32_t id)
{
  union bpf_attr attr;
  memset (&attr, 0, sizeof (attr));
  attr.prog_id = id;
  cleanup_close int fd = sys_bpf (BPF_PROG_GET_FD_BY_ID, &attr);
  if (fd < 0)
    return;
  memset (&attr, 0, sizeof (attr));
  attr.target_fd = cgfd;
  attr.attach_bpf_fd = fd;
  attr.attach_type = BPF_CGROUP_DEVICE;
  sys_bpf (BPF_PROG_DETACH, &attr);
}

int
mrt_bpf_devices_apply (const char *cgroup_dir, const struct mrt_device_cgroup_rule *rules, size_t n_rules,
                       mrt_error_t *err)
{
  size_t n = 0;
  cleanup_free struct bpf_insn *insns = mrt_bpf_devices_program (rules, n_rules, &n);
  cleanup_close int progfd = mrt_bpf_load (insns, n, err);
  if (progfd < 0)
    return -1;
  cleanup_close int cgfd = open (cgroup_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (cgfd < 0)
    return mrt_error_sys (err, "open cgroup `%s`", cgroup_dir);
  uint32_t old[64];
  uint32_t n_old = ARRAY_SIZE (old);
  if (query (cgfd, old, &n_old) < 0)
    n_old = 0;
  if (attach (cgfd, progfd, BPF_F_ALLOW_MULTI) < 0)
    {
      /* A program attached without BPF_F_ALLOW_MULTI: replace it. */
      if (attach (cgfd, progfd, 0) < 0)
        return mrt_error_sys (err, "bpf: attach the device program to `%s`", cgroup_dir);
      return 0;
    }
  /* The new program is in place: the old ones (update) go. */
  for (uint32_t i = 0; i < n_old && i < ARRAY_SIZE (old); i++)
    detach_id (cgfd, old[i]);
  return 0;
}
