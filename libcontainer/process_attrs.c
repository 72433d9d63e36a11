/* SPDX-License-Identifier: Apache-2.0 */
/* Per-process attributes set in the child before the user switch:
 * rlimits, oom_score_adj, I/O priority, scheduler, initial CPU affinity,
 * and (from linux.personality) the execution domain. */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <linux/ioprio.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <sys/personality.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>

#include "rootfs.h"
#include "utils.h"

static int
apply_rlimits (const struct mrt_process *p, mrt_error_t *err)
{
  for (size_t i = 0; i < p->n_rlimits; i++)
    {
      const struct mrt_rlimit *r = &p->rlimits[i];
      struct rlimit rl = { .rlim_cur = r->soft, .rlim_max = r->hard };
      if (setrlimit (r->resource, &rl) < 0)
        return mrt_error_sys (err, "process.rlimits[%zu]: setrlimit %s (soft %" PRIu64 ", hard %" PRIu64 ")", i,
                              r->type ? r->type : "?", r->soft, r->hard);
    }
  return 0;
}

static int
apply_oom_score_adj (const struct mrt_process *p, mrt_error_t *err)
{
  if (!p->oom_score_adj.set)
    return 0;
  char buf[32];
  int n = snprintf (buf, sizeof (buf), "%" PRId64, p->oom_score_adj.value);
  cleanup_close int fd = open ("/proc/self/oom_score_adj", O_WRONLY | O_CLOEXEC);
  if (fd < 0 && errno == EACCES)
    {
      /* Our /proc files belong to host root while we are non-dumpable; a
       * rootless init (root of its user namespace only) opens its own
       * while briefly dumpable, as runc's nsexec is when it writes it. */
      prctl (PR_SET_DUMPABLE, 1, 0, 0, 0);
      fd = open ("/proc/self/oom_score_adj", O_WRONLY | O_CLOEXEC);
      prctl (PR_SET_DUMPABLE, 0, 0, 0, 0);
    }
  if (fd < 0 || mrt_write_all (fd, buf, n) < 0)
    return mrt_error_sys (err, "process.oomScoreAdj: write %s to /proc/self/oom_score_adj", buf);
  return 0;
}

static int
apply_io_priority (const struct mrt_process *p, mrt_error_t *err)
{
  if (p->io_priority == NULL)
    return 0;
  int value = IOPRIO_PRIO_VALUE (p->io_priority->class, p->io_priority->priority);
  if (syscall (SYS_ioprio_set, IOPRIO_WHO_PROCESS, 0, value) < 0)
    return mrt_error_sys (err, "process.ioPriority: ioprio_set (class %d, priority %d)", p->io_priority->class,
                          p->io_priority->priority);
  return 0;
}

/* glibc 2.36 has no sched_attr; this is the kernel's SCHED_ATTR_SIZE_VER1
 * layout without the uclamp fields (VER0, 48 bytes). */
struct mrt_sched_attr
{
  uint32_t size;
  uint32_t sched_policy;
  uint64_t sched_flags;
  int32_t sched_nice;
  uint32_t sched_priority;
  uint64_t sched_runtime;
  uint64_t sched_deadline;
  uint64_t sched_period;
};

static int
apply_scheduler (const struct mrt_process *p, mrt_error_t *err)
{
  const struct mrt_scheduler *s = p->scheduler;
  if (s == NULL)
    return 0;
  struct mrt_sched_attr attr = {
    .size = sizeof (attr),
    .sched_policy = s->policy,
    .sched_flags = s->flags,
    .sched_nice = s->nice,
    .sched_priority = s->priority,
    .sched_runtime = s->runtime,
    .sched_deadline = s->deadline,
    .sched_period = s->period,
  };
  if (syscall (SYS_sched_setattr, 0, &attr, 0) < 0)
    return mrt_error_sys (err, "process.scheduler: sched_setattr (policy %d, priority %d, nice %d)", s->policy,
                          s->priority, s->nice);
  return 0;
}

int
mrt_cpu_list_parse (const char *list, cpu_set_t *set, mrt_error_t *err)
{
  CPU_ZERO (set);
  const char *p = list;
  while (*p)
    {
      char *end;
      if (!isdigit ((unsigned char)*p))
        return mrt_error_make (err, EINVAL, "invalid cpu list \"%s\"", list);
      unsigned long a = strtoul (p, &end, 10), b = a;
      if (*end == '-')
        {
          if (!isdigit ((unsigned char)end[1]))
            return mrt_error_make (err, EINVAL, "invalid cpu list \"%s\"", list);
          b = strtoul (end + 1, &end, 10);
        }
      if (b < a || b >= CPU_SETSIZE)
        return mrt_error_make (err, EINVAL, "invalid cpu list \"%s\"", list);
      for (unsigned long c = a; c <= b; c++)
        CPU_SET (c, set);
      if (*end == ',')
        end++;
      else if (*end != '\0')
        return mrt_error_make (err, EINVAL, "invalid cpu list \"%s\"", list);
      p = end;
    }
  return 0;
}

int
mrt_cpu_affinity_set (pid_t pid, const char *list, mrt_error_t *err)
{
  cpu_set_t set;
  if (mrt_cpu_list_parse (list, &set, err) < 0)
    return -1;
  if (sched_setaffinity (pid, sizeof (set), &set) < 0)
    return mrt_error_sys (err, "sched_setaffinity \"%s\"", list);
  return 0;
}

static int
apply_initial_affinity (const struct mrt_process *p, mrt_error_t *err)
{
  if (p->exec_cpu_affinity == NULL || p->exec_cpu_affinity->initial == NULL)
    return 0;
  if (mrt_cpu_affinity_set (0, p->exec_cpu_affinity->initial, err) < 0)
    return mrt_error_prefix (err, "process.execCPUAffinity.initial");
  return 0;
}

int
mrt_personality_apply (const struct mrt_personality *pers, mrt_error_t *err)
{
  if (pers == NULL || pers->domain == NULL)
    return 0;
  unsigned long domain = strcmp (pers->domain, "LINUX32") == 0 ? PER_LINUX32 : PER_LINUX;
  if (personality (domain) < 0)
    return mrt_error_sys (err, "linux.personality: personality \"%s\"", pers->domain);
  return 0;
}

int
mrt_process_apply_limits (const struct mrt_process *process, mrt_error_t *err)
{
  if (process == NULL)
    return 0;
  if (apply_rlimits (process, err) < 0 || apply_oom_score_adj (process, err) < 0 || apply_io_priority (process, err) < 0
      || apply_scheduler (process, err) < 0 || apply_initial_affinity (process, err) < 0)
    return -1;
  return 0;
}
