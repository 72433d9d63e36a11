/* SPDX-License-Identifier: Apache-2.0 */
/* A classic-BPF interpreter for seccomp programs: answers "what would the
 * kernel decide for this syscall" without loading anything.  Used to refuse,
 * before any side effect, a profile under which the container process could
 * never start (execve denied: seed 000's violation.json), and by tests. */
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <string.h>

#include "seccomp_internal.h"

uint32_t
mrt_seccomp_bpf_eval (const struct sock_filter *prog, size_t n, const struct seccomp_data *data)
{
  uint32_t a = 0, x = 0, mem[BPF_MEMWORDS] = { 0 };
  const unsigned char *raw = (const unsigned char *)data;

  for (size_t pc = 0; pc < n; pc++)
    {
      const struct sock_filter *i = &prog[pc];
      uint32_t src = BPF_SRC (i->code) == BPF_X ? x : i->k;
      switch (BPF_CLASS (i->code))
        {
        case BPF_LD:
          if (BPF_MODE (i->code) == BPF_ABS && BPF_SIZE (i->code) == BPF_W && i->k % 4 == 0
              && i->k + 4 <= sizeof (*data))
            memcpy (&a, raw + i->k, 4);
          else if (BPF_MODE (i->code) == BPF_IMM)
            a = i->k;
          else if (BPF_MODE (i->code) == BPF_MEM && i->k < BPF_MEMWORDS)
            a = mem[i->k];
          else if (BPF_MODE (i->code) == BPF_LEN)
            a = sizeof (*data);
          else
            return SECCOMP_RET_KILL_PROCESS; /* the kernel would refuse it */
          break;
        case BPF_LDX:
          if (BPF_MODE (i->code) == BPF_IMM)
            x = i->k;
          else if (BPF_MODE (i->code) == BPF_MEM && i->k < BPF_MEMWORDS)
            x = mem[i->k];
          else if (BPF_MODE (i->code) == BPF_LEN)
            x = sizeof (*data);
          else
            return SECCOMP_RET_KILL_PROCESS;
          break;
        case BPF_ST:
        case BPF_STX:
          if (i->k >= BPF_MEMWORDS)
            return SECCOMP_RET_KILL_PROCESS;
          mem[i->k] = BPF_CLASS (i->code) == BPF_ST ? a : x;
          break;
        case BPF_ALU:
          switch (BPF_OP (i->code))
            {
            case BPF_ADD:
              a += src;
              break;
            case BPF_SUB:
              a -= src;
              break;
            case BPF_MUL:
              a *= src;
              break;
            case BPF_DIV:
              a = src ? a / src : 0;
              break;
            case BPF_MOD:
              a = src ? a % src : 0;
              break;
            case BPF_OR:
              a |= src;
              break;
            case BPF_AND:
              a &= src;
              break;
            case BPF_XOR:
              a ^= src;
              break;
            case BPF_LSH:
              a = src < 32 ? a << src : 0;
              break;
            case BPF_RSH:
              a = src < 32 ? a >> src : 0;
              break;
            case BPF_NEG:
              a = -a;
              break;
            default:
              return SECCOMP_RET_KILL_PROCESS;
            }
          break;
        case BPF_JMP:
          {
            bool cond;
            switch (BPF_OP (i->code))
              {
              case BPF_JA:
                pc += i->k;
                continue;
              case BPF_JEQ:
                cond = a == src;
                break;
              case BPF_JGT:
                cond = a > src;
                break;
              case BPF_JGE:
                cond = a >= src;
                break;
              case BPF_JSET:
                cond = (a & src) != 0;
                break;
              default:
                return SECCOMP_RET_KILL_PROCESS;
              }
            pc += cond ? i->jt : i->jf;
            break;
          }
        case BPF_RET:
          return BPF_RVAL (i->code) == BPF_A ? a : i->k;
        case BPF_MISC:
          if (BPF_MISCOP (i->code) == BPF_TAX)
            x = a;
          else
            a = x;
          break;
        default:
          return SECCOMP_RET_KILL_PROCESS;
        }
    }
  return SECCOMP_RET_KILL_PROCESS; /* fell off the end */
}
