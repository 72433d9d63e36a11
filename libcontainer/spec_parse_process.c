/* SPDX-License-Identifier: Apache-2.0 */
/* The `process` object, in config.json and standalone (exec --process). */
#include <inttypes.h>
#include <sched.h>
#include <string.h>
#include <sys/capability.h>
#include <sys/resource.h>

#include "spec_parse.h"
#include "utils.h"

/* ---- user, console --------------------------------------------------------- */

static int
parse_user (struct sj_ctx *c, yajl_val v, void *out)
{
  struct mrt_user *u = out;
  /* 4294967295 is (uid_t)-1, no id: setresuid(-1, -1, -1) changes nothing
   * and the process would stay root. */
  uint64_t uid_v = u->uid, gid_v = u->gid;
  if (sj_u64 (c, v, "uid", false, UINT32_MAX - 1, &uid_v) < 0 || sj_u64 (c, v, "gid", false, UINT32_MAX - 1, &gid_v) < 0
      || sj_opt_u64 (c, v, "umask", 0777, &u->umask) < 0 || sj_string (c, v, "username", false, &u->username) < 0)
    return -1;
  u->uid = (uint32_t)uid_v;
  u->gid = (uint32_t)gid_v;
  yajl_val a;
  if (sj_array (c, v, "additionalGids", false, &a) < 0)
    return -1;
  if (a == NULL)
    return 0;
  u->additional_gids = xmalloc0 (a->u.array.len * sizeof (uint32_t));
  u->n_additional_gids = a->u.array.len;
  size_t mark = sj_push_key (c, "additionalGids");
  for (size_t i = 0; i < a->u.array.len; i++)
    {
      uint64_t gid = 0;
      size_t m = sj_push_index (c, i);
      if (sj_val_u64 (c, a->u.array.values[i], UINT32_MAX - 1, &gid) < 0)
        return -1;
      u->additional_gids[i] = (uint32_t)gid;
      sj_pop (c, m);
    }
  sj_pop (c, mark);
  return 0;
}

static int
parse_console (struct sj_ctx *c, yajl_val v, struct mrt_process *p)
{
  yajl_val o;
  if (sj_object (c, v, "consoleSize", false, &o) < 0)
    return -1;
  if (o == NULL)
    return 0;
  size_t mark = sj_push_key (c, "consoleSize");
  int r = 0;
  if (sj_u64 (c, o, "height", true, UINT16_MAX, &p->console_height.value) < 0
      || sj_u64 (c, o, "width", true, UINT16_MAX, &p->console_width.value) < 0)
    r = -1;
  sj_pop (c, mark);
  p->console_height.set = p->console_width.set = (r == 0);
  return r;
}

/* ---- capabilities ------------------------------------------------------------ */

/* libcap's cap_from_name is lenient ("12", "cap_chown,x", trailing blanks):
 * insist on the canonical "CAP_*" spelling by mapping the number back. */
static bool
capability_from_name (const char *name, int *out)
{
  cap_value_t v;
  if (strncmp (name, "CAP_", 4) != 0 || cap_from_name (name, &v) < 0)
    return false;
  char *canon = cap_to_name (v);
  bool ok = canon != NULL && strcasecmp (canon, name) == 0;
  cap_free (canon);
  *out = v;
  return ok;
}

static int
parse_cap_set (struct sj_ctx *c, yajl_val v, const char *key, int **out, size_t *n)
{
  char **names = NULL;
  size_t n_names = 0;
  int r = sj_string_array (c, v, key, false, &names, &n_names);
  if (r == 0 && names != NULL)
    {
      *out = xmalloc0 (n_names * sizeof (int));
      *n = n_names;
    }
  for (size_t i = 0; i < n_names && r == 0; i++)
    if (!capability_from_name (names[i], &(*out)[i]))
      {
        size_t mark = sj_push_key (c, key);
        sj_push_index (c, i);
        r = sj_error (c, "unknown capability \"%s\"", names[i]);
        sj_pop (c, mark);
      }
  sj_free_strv (names, n_names);
  return r;
}

static int
parse_capabilities (struct sj_ctx *c, yajl_val v, void *out)
{
  struct mrt_capabilities *caps = out;
  if (parse_cap_set (c, v, "bounding", &caps->bounding, &caps->n_bounding) < 0
      || parse_cap_set (c, v, "effective", &caps->effective, &caps->n_effective) < 0
      || parse_cap_set (c, v, "inheritable", &caps->inheritable, &caps->n_inheritable) < 0
      || parse_cap_set (c, v, "permitted", &caps->permitted, &caps->n_permitted) < 0
      || parse_cap_set (c, v, "ambient", &caps->ambient, &caps->n_ambient) < 0)
    return -1;
  return 0;
}

static void
free_capabilities (struct mrt_capabilities *caps)
{
  if (caps == NULL)
    return;
  free (caps->bounding);
  free (caps->effective);
  free (caps->inheritable);
  free (caps->permitted);
  free (caps->ambient);
  free (caps);
}

/* ---- rlimits ----------------------------------------------------------------------- */

static const struct sj_enum rlimit_names[] = {
  { "RLIMIT_AS", RLIMIT_AS },
  { "RLIMIT_CORE", RLIMIT_CORE },
  { "RLIMIT_CPU", RLIMIT_CPU },
  { "RLIMIT_DATA", RLIMIT_DATA },
  { "RLIMIT_FSIZE", RLIMIT_FSIZE },
  { "RLIMIT_LOCKS", RLIMIT_LOCKS },
  { "RLIMIT_MEMLOCK", RLIMIT_MEMLOCK },
  { "RLIMIT_MSGQUEUE", RLIMIT_MSGQUEUE },
  { "RLIMIT_NICE", RLIMIT_NICE },
  { "RLIMIT_NOFILE", RLIMIT_NOFILE },
  { "RLIMIT_NPROC", RLIMIT_NPROC },
  { "RLIMIT_RSS", RLIMIT_RSS },
  { "RLIMIT_RTPRIO", RLIMIT_RTPRIO },
  { "RLIMIT_RTTIME", RLIMIT_RTTIME },
  { "RLIMIT_SIGPENDING", RLIMIT_SIGPENDING },
  { "RLIMIT_STACK", RLIMIT_STACK },
};

static int
parse_rlimit (struct sj_ctx *c, yajl_val v, void *out)
{
  struct mrt_rlimit *rl = out;
  if (sj_string (c, v, "type", true, &rl->type) < 0)
    return -1;
  if (!sj_enum_lookup (rlimit_names, ARRAY_SIZE (rlimit_names), rl->type, &rl->resource))
    return sj_error_at (c, "type", "unknown rlimit \"%s\"", rl->type);
  if (sj_u64 (c, v, "hard", true, UINT64_MAX, &rl->hard) < 0 || sj_u64 (c, v, "soft", true, UINT64_MAX, &rl->soft) < 0)
    return -1;
  if (rl->soft > rl->hard) /* setrlimit would fail with EINVAL after the container exists */
    return sj_error_at (c, "soft", "expected at most hard (%" PRIu64 "), got %" PRIu64, rl->hard, rl->soft);
  return 0;
}

static int
check_rlimit_duplicates (struct sj_ctx *c, struct mrt_process *p)
{
  for (size_t i = 0; i < p->n_rlimits; i++)
    for (size_t j = 0; j < i; j++)
      if (p->rlimits[i].resource == p->rlimits[j].resource)
        {
          size_t mark = sj_push_key (c, "rlimits");
          sj_push_index (c, i);
          sj_error_at (c, "type", "duplicate rlimit \"%s\"", p->rlimits[i].type);
          sj_pop (c, mark);
          return -1;
        }
  return 0;
}

/* ---- ioPriority, scheduler, execCPUAffinity -------------------------------------- */

static const struct sj_enum ioprio_classes[] = {
  { "IOPRIO_CLASS_RT", 1 },
  { "IOPRIO_CLASS_BE", 2 },
  { "IOPRIO_CLASS_IDLE", 3 },
};

static int
parse_io_priority (struct sj_ctx *c, yajl_val v, void *out)
{
  struct mrt_io_priority *io = out;
  if (sj_enum (c, v, "class", true, ioprio_classes, ARRAY_SIZE (ioprio_classes), "class", &io->class) < 0
      || sj_int (c, v, "priority", false, 0, 7, &io->priority) < 0)
    return -1;
  return 0;
}

static const struct sj_enum sched_policies[] = {
  { "SCHED_OTHER", 0 }, { "SCHED_FIFO", 1 }, { "SCHED_RR", 2 },       { "SCHED_BATCH", 3 },
  { "SCHED_ISO", 4 },   { "SCHED_IDLE", 5 }, { "SCHED_DEADLINE", 6 },
};

static const struct sj_enum sched_flags[] = {
  { "SCHED_FLAG_RESET_ON_FORK", 0x01 },  { "SCHED_FLAG_RECLAIM", 0x02 },     { "SCHED_FLAG_DL_OVERRUN", 0x04 },
  { "SCHED_FLAG_KEEP_POLICY", 0x08 },    { "SCHED_FLAG_KEEP_PARAMS", 0x10 }, { "SCHED_FLAG_UTIL_CLAMP_MIN", 0x20 },
  { "SCHED_FLAG_UTIL_CLAMP_MAX", 0x40 },
};

static int
parse_sched_flags (struct sj_ctx *c, yajl_val v, struct mrt_scheduler *s)
{
  char **names = NULL;
  size_t n = 0;
  int r = sj_string_array (c, v, "flags", false, &names, &n);
  for (size_t i = 0; i < n && r == 0; i++)
    {
      int bit = 0;
      if (!sj_enum_lookup (sched_flags, ARRAY_SIZE (sched_flags), names[i], &bit))
        {
          size_t mark = sj_push_key (c, "flags");
          sj_push_index (c, i);
          r = sj_error (c, "unknown scheduler flag \"%s\"", names[i]);
          sj_pop (c, mark);
        }
      s->flags |= (uint64_t)bit;
    }
  sj_free_strv (names, n);
  return r;
}

static int
parse_scheduler (struct sj_ctx *c, yajl_val v, void *out)
{
  struct mrt_scheduler *s = out;
  if (sj_enum (c, v, "policy", true, sched_policies, ARRAY_SIZE (sched_policies), "scheduler policy", &s->policy) < 0
      || sj_int (c, v, "nice", false, -20, 19, &s->nice) < 0
      || sj_int (c, v, "priority", false, 0, 99, &s->priority) < 0 || parse_sched_flags (c, v, s) < 0
      || sj_u64 (c, v, "runtime", false, UINT64_MAX, &s->runtime) < 0
      || sj_u64 (c, v, "deadline", false, UINT64_MAX, &s->deadline) < 0
      || sj_u64 (c, v, "period", false, UINT64_MAX, &s->period) < 0)
    return -1;
  return 0;
}

/* A cpu list: "0-3,7".  The kernel has the last word; reject what cannot be one. */
static int
check_cpu_list (struct sj_ctx *c, const char *key, const char *s)
{
  if (s == NULL)
    return 0;
  if (s[0] == '\0' || strspn (s, "0123456789-,") != strlen (s))
    return sj_error_at (c, key, "expected a cpu list like \"0-3,7\", got \"%s\"", s);
  return 0;
}

static int
parse_cpu_affinity (struct sj_ctx *c, yajl_val v, void *out)
{
  struct mrt_exec_cpu_affinity *a = out;
  if (sj_string (c, v, "initial", false, &a->initial) < 0 || sj_string (c, v, "final", false, &a->final) < 0
      || check_cpu_list (c, "initial", a->initial) < 0 || check_cpu_list (c, "final", a->final) < 0)
    return -1;
  return 0;
}

/* ---- the process object ------------------------------------------------------------ */

static int
parse_args_cwd (struct sj_ctx *c, yajl_val v, struct mrt_process *p)
{
  if (sj_string_array (c, v, "args", false, &p->args, &p->n_args) < 0
      || sj_string (c, v, "commandLine", false, &p->command_line) < 0)
    return -1;
  if (p->n_args == 0)
    return sj_error_at (c, "args", p->args ? "expected at least one argument" : "missing required array");
  if (sj_string (c, v, "cwd", true, &p->cwd) < 0)
    return -1;
  if (p->cwd[0] != '/')
    return sj_error_at (c, "cwd", "expected an absolute path, got \"%s\"", p->cwd);
  return 0;
}

static int
parse_process_attrs (struct sj_ctx *c, yajl_val v, struct mrt_process *p)
{
  if (sj_bool (c, v, "noNewPrivileges", &p->no_new_privileges) < 0
      || sj_string (c, v, "apparmorProfile", false, &p->apparmor_profile) < 0
      || sj_opt_i64 (c, v, "oomScoreAdj", -1000, 1000, &p->oom_score_adj) < 0
      || sj_string (c, v, "selinuxLabel", false, &p->selinux_label) < 0)
    return -1;
  if (sj_sub_object (c, v, "ioPriority", false, sizeof (struct mrt_io_priority), (void **)&p->io_priority,
                     parse_io_priority)
          < 0
      || sj_sub_object (c, v, "scheduler", false, sizeof (struct mrt_scheduler), (void **)&p->scheduler,
                        parse_scheduler)
             < 0
      || sj_sub_object (c, v, "execCPUAffinity", false, sizeof (struct mrt_exec_cpu_affinity),
                        (void **)&p->exec_cpu_affinity, parse_cpu_affinity)
             < 0)
    return -1;
  return 0;
}

static int
parse_embedded_user (struct sj_ctx *c, yajl_val v, struct mrt_user *u)
{
  yajl_val o;
  if (sj_object (c, v, "user", false, &o) < 0)
    return -1;
  if (o == NULL)
    return 0;
  size_t mark = sj_push_key (c, "user");
  int r = parse_user (c, o, u);
  sj_pop (c, mark);
  return r;
}

int
parse_process (struct sj_ctx *c, yajl_val v, void *out)
{
  struct mrt_process *p = out;
  if (sj_bool (c, v, "terminal", &p->terminal) < 0 || parse_console (c, v, p) < 0
      || parse_embedded_user (c, v, &p->user) < 0 || parse_args_cwd (c, v, p) < 0
      || sj_string_array (c, v, "env", false, &p->env, &p->n_env) < 0)
    return -1;
  if (sj_sub_object (c, v, "capabilities", false, sizeof (struct mrt_capabilities), (void **)&p->capabilities,
                     parse_capabilities)
      < 0)
    return -1;
  if (sj_object_array (c, v, "rlimits", false, sizeof (struct mrt_rlimit), (void **)&p->rlimits, &p->n_rlimits,
                       parse_rlimit)
          < 0
      || check_rlimit_duplicates (c, p) < 0)
    return -1;
  return parse_process_attrs (c, v, p);
}

void
free_process_contents (struct mrt_process *p)
{
  free (p->user.additional_gids);
  free (p->user.username);
  sj_free_strv (p->args, p->n_args);
  free (p->command_line);
  sj_free_strv (p->env, p->n_env);
  free (p->cwd);
  free_capabilities (p->capabilities);
  if (p->rlimits)
    for (size_t i = 0; i < p->n_rlimits; i++)
      free (p->rlimits[i].type);
  free (p->rlimits);
  free (p->apparmor_profile);
  free (p->selinux_label);
  free (p->io_priority);
  free (p->scheduler);
  if (p->exec_cpu_affinity)
    {
      free (p->exec_cpu_affinity->initial);
      free (p->exec_cpu_affinity->final);
    }
  free (p->exec_cpu_affinity);
}
