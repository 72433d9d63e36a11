/* SPDX-License-Identifier: Apache-2.0 */
/* The process `exec` runs, built from the container's process and the
 * command line the way runc's getProcess()/newProcess() build it.  Pure: no
 * side effect, so the unit tests drive it directly. */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/capability.h>

#include "minirt/container.h"
#include "utils.h"

#define PROCESS_MAX_SIZE (4 * 1024 * 1024)

static char **
strv_copy (char *const *v, size_t n, size_t extra)
{
  char **r = xmalloc0 ((n + extra + 1) * sizeof (char *));
  for (size_t i = 0; i < n; i++)
    r[i] = xstrdup (v[i]);
  return r;
}

static char *
strdup_or_null (const char *s)
{
  return s ? xstrdup (s) : NULL;
}

static void *
memdup_or_null (const void *p, size_t size)
{
  if (p == NULL)
    return NULL;
  void *r = xmalloc0 (size);
  memcpy (r, p, size);
  return r;
}

/* NULL stays NULL unless room is asked for: an absent set differs from an
 * empty one (see apply_caps). */
static int *
ints_copy (const int *v, size_t n, size_t extra)
{
  if (v == NULL && extra == 0)
    return NULL;
  int *r = xmalloc0 ((n + extra + 1) * sizeof (int));
  if (n)
    memcpy (r, v, n * sizeof (int));
  return r;
}

static struct mrt_capabilities *
caps_copy (const struct mrt_capabilities *c, size_t extra)
{
  struct mrt_capabilities *r = xmalloc0 (sizeof (*r));
  r->bounding = ints_copy (c->bounding, c->n_bounding, extra);
  r->n_bounding = c->n_bounding;
  r->effective = ints_copy (c->effective, c->n_effective, extra);
  r->n_effective = c->n_effective;
  r->inheritable = ints_copy (c->inheritable, c->n_inheritable, 0); /* --cap never adds to it */
  r->n_inheritable = c->n_inheritable;
  r->permitted = ints_copy (c->permitted, c->n_permitted, extra);
  r->n_permitted = c->n_permitted;
  r->ambient = ints_copy (c->ambient, c->n_ambient, extra);
  r->n_ambient = c->n_ambient;
  return r;
}

static void
rlimits_copy (struct mrt_process *to, const struct mrt_process *from)
{
  to->n_rlimits = from->n_rlimits;
  to->rlimits = from->n_rlimits ? xmalloc0 (from->n_rlimits * sizeof (*to->rlimits)) : NULL;
  for (size_t i = 0; i < from->n_rlimits; i++)
    {
      to->rlimits[i] = from->rlimits[i];
      to->rlimits[i].type = strdup_or_null (from->rlimits[i].type);
    }
}

/* A deep copy that mrt_process_free() releases. */
static struct mrt_process *
process_copy (const struct mrt_process *p, size_t extra_env, size_t extra_gids, size_t extra_caps)
{
  struct mrt_process *r = xmalloc0 (sizeof (*r));
  r->terminal = p->terminal;
  r->console_height = p->console_height;
  r->console_width = p->console_width;
  r->user.uid = p->user.uid;
  r->user.gid = p->user.gid;
  r->user.umask = p->user.umask;
  r->user.additional_gids = xmalloc0 ((p->user.n_additional_gids + extra_gids + 1) * sizeof (uint32_t));
  if (p->user.n_additional_gids)
    memcpy (r->user.additional_gids, p->user.additional_gids, p->user.n_additional_gids * sizeof (uint32_t));
  r->user.n_additional_gids = p->user.n_additional_gids;
  r->user.username = strdup_or_null (p->user.username);
  r->args = strv_copy (p->args, p->n_args, 0);
  r->n_args = p->n_args;
  r->command_line = strdup_or_null (p->command_line);
  r->env = strv_copy (p->env, p->n_env, extra_env);
  r->n_env = p->n_env;
  r->cwd = strdup_or_null (p->cwd);
  if (p->capabilities)
    r->capabilities = caps_copy (p->capabilities, extra_caps);
  rlimits_copy (r, p);
  r->no_new_privileges = p->no_new_privileges;
  r->apparmor_profile = strdup_or_null (p->apparmor_profile);
  r->oom_score_adj = p->oom_score_adj;
  r->selinux_label = strdup_or_null (p->selinux_label);
  r->io_priority = memdup_or_null (p->io_priority, sizeof (*p->io_priority));
  r->scheduler = memdup_or_null (p->scheduler, sizeof (*p->scheduler));
  if (p->exec_cpu_affinity)
    {
      r->exec_cpu_affinity = xmalloc0 (sizeof (*r->exec_cpu_affinity));
      r->exec_cpu_affinity->initial = strdup_or_null (p->exec_cpu_affinity->initial);
      r->exec_cpu_affinity->final = strdup_or_null (p->exec_cpu_affinity->final);
    }
  return r;
}

/* runc's --user: numbers only, "UID" or "UID:GID" (the gid stays the
 * container's when absent). */
static int
parse_id (const char *s, const char *what, uint32_t *out, mrt_error_t *err)
{
  char *end;
  errno = 0;
  if (*s == '\0' || !isdigit ((unsigned char)*s))
    return mrt_error_make (err, 0, "--user: %s \"%s\" is not a number", what, s);
  unsigned long long v = strtoull (s, &end, 10);
  if (errno || *end != '\0' || v > UINT32_MAX)
    return mrt_error_make (err, 0, "--user: %s \"%s\" is not a number", what, s);
  /* (uid_t)-1: setresuid would change nothing and leave the process root. */
  if (v == UINT32_MAX)
    return mrt_error_make (err, 0, "--user: %s %s is out of range", what, s);
  *out = (uint32_t)v;
  return 0;
}

static int
apply_user (struct mrt_user *u, const char *spec, mrt_error_t *err)
{
  cleanup_free char *copy = xstrdup (spec);
  char *colon = strchr (copy, ':');
  if (colon)
    {
      *colon = '\0';
      if (parse_id (colon + 1, "gid", &u->gid, err) < 0)
        return -1;
    }
  return parse_id (copy, "uid", &u->uid, err);
}

static int
cap_number (const char *name, int *out)
{
  cap_value_t v;
  if (strncasecmp (name, "CAP_", 4) != 0 || cap_from_name (name, &v) < 0)
    return -1;
  char *canon = cap_to_name (v);
  bool ok = canon != NULL && strcasecmp (canon, name) == 0;
  cap_free (canon);
  *out = v;
  return ok ? 0 : -1;
}

static void
add_cap (int **set, size_t *n, int cap)
{
  (*set)[(*n)++] = cap;
}

/* runc (since the CVE-2022-29162 fix) adds the flag's caps to the bounding,
 * effective and permitted sets, and to the ambient one only when the
 * container's process names an inheritable set; never to the inheritable. */
static int
apply_caps (struct mrt_process *p, const struct mrt_exec_options *o, mrt_error_t *err)
{
  if (o->n_caps == 0)
    return 0;
  bool ambient = p->capabilities && p->capabilities->inheritable;
  if (p->capabilities == NULL)
    {
      static const struct mrt_capabilities none;
      p->capabilities = caps_copy (&none, o->n_caps);
    }
  struct mrt_capabilities *c = p->capabilities;
  for (size_t i = 0; i < o->n_caps; i++)
    {
      int cap;
      if (cap_number (o->caps[i], &cap) < 0)
        return mrt_error_make (err, 0, "--cap: unknown capability \"%s\"", o->caps[i]);
      add_cap (&c->bounding, &c->n_bounding, cap);
      add_cap (&c->effective, &c->n_effective, cap);
      add_cap (&c->permitted, &c->n_permitted, cap);
      if (ambient)
        add_cap (&c->ambient, &c->n_ambient, cap);
    }
  return 0;
}

static int
apply_gids (struct mrt_user *u, const struct mrt_exec_options *o, mrt_error_t *err)
{
  for (size_t i = 0; i < o->n_additional_gids; i++)
    {
      const char *s = o->additional_gids[i];
      char *end;
      errno = 0;
      unsigned long long v = isdigit ((unsigned char)*s) ? strtoull (s, &end, 10) : (end = (char *)s, 0);
      if (*s == '\0' || errno || *end != '\0' || v > UINT32_MAX)
        return mrt_error_make (err, 0, "--additional-gids: \"%s\" is not a non-negative number", s);
      if (v == UINT32_MAX) /* (gid_t)-1 */
        return mrt_error_make (err, 0, "--additional-gids: %s is out of range", s);
      u->additional_gids[u->n_additional_gids++] = (uint32_t)v;
    }
  return 0;
}

static int
from_flags (const struct mrt_process *base, const struct mrt_exec_options *o, struct mrt_process **out,
            mrt_error_t *err)
{
  static const struct mrt_process empty;
  if (o->n_args == 0)
    return mrt_error_make (err, 0, "exec: no command given (process args must not be empty)");
  struct mrt_process *p = process_copy (base ? base : &empty, o->n_env, o->n_additional_gids, o->n_caps);
  for (size_t i = 0; i < p->n_args; i++)
    free (p->args[i]);
  free (p->args);
  p->args = strv_copy (o->args, o->n_args, 0);
  p->n_args = o->n_args;
  if (o->cwd && *o->cwd)
    {
      free (p->cwd);
      p->cwd = xstrdup (o->cwd);
    }
  for (size_t i = 0; i < o->n_env; i++)
    p->env[p->n_env++] = xstrdup (o->env[i]);
  p->terminal = o->tty;
  if (o->no_new_privs)
    p->no_new_privileges = true;
  if (o->apparmor && *o->apparmor)
    {
      free (p->apparmor_profile);
      p->apparmor_profile = xstrdup (o->apparmor);
    }
  if (o->process_label && *o->process_label)
    {
      free (p->selinux_label);
      p->selinux_label = xstrdup (o->process_label);
    }
  if ((o->user && *o->user && apply_user (&p->user, o->user, err) < 0) || apply_gids (&p->user, o, err) < 0
      || apply_caps (p, o, err) < 0)
    {
      mrt_process_free (p);
      return -1;
    }
  if (p->cwd == NULL || *p->cwd == '\0')
    {
      mrt_process_free (p);
      return mrt_error_make (err, 0, "exec: process.cwd must not be empty");
    }
  if (p->cwd[0] != '/')
    {
      mrt_error_make (err, 0, "--cwd: \"%s\" must be an absolute path", p->cwd);
      mrt_process_free (p);
      return -1;
    }
  *out = p;
  return 0;
}

static int
from_file (const struct mrt_exec_options *o, struct mrt_process **out, mrt_error_t *err)
{
  cleanup_free char *json = NULL;
  size_t len = 0;
  if (mrt_read_file (o->process_file, PROCESS_MAX_SIZE, &json, &len, err) < 0)
    return mrt_error_prefix (err, "--process");
  const char *base = strrchr (o->process_file, '/');
  return mrt_process_parse (json, len, base ? base + 1 : o->process_file, out, err);
}

/* runc sets the environment one variable at a time (Go's os.Setenv): a
 * repeated name keeps its first place and takes its last value, so --env
 * overrides the container's. */
static int
env_normalize (struct mrt_process *p, mrt_error_t *err)
{
  size_t n = 0;
  for (size_t i = 0; i < p->n_env; i++)
    {
      char *kv = p->env[i];
      const char *eq = strchr (kv, '=');
      if (eq == NULL || eq == kv)
        return mrt_error_make (err, 0, "process.env[%zu]: \"%s\": %s", i, kv, eq ? "the name is empty" : "missing '='");
      size_t klen = (size_t)(eq - kv) + 1;
      size_t j;
      for (j = 0; j < n; j++)
        if (strncmp (p->env[j], kv, klen) == 0)
          break;
      p->env[i] = NULL;
      if (j < n)
        {
          free (p->env[j]);
          p->env[j] = kv;
        }
      else
        p->env[n++] = kv;
    }
  p->n_env = n;
  if (p->env)
    p->env[n] = NULL;
  return 0;
}

int
mrt_exec_process_build (const struct mrt_process *base, const struct mrt_exec_options *opts, struct mrt_process **out,
                        mrt_error_t *err)
{
  struct mrt_process *p = NULL;
  *out = NULL;
  if (opts->process_file)
    {
      if (from_file (opts, &p, err) < 0)
        return -1;
    }
  else if (from_flags (base, opts, &p, err) < 0)
    return -1;
  /* runc's setns init: a process without its own rlimits or capabilities
   * gets the container's. */
  if (base && p->n_rlimits == 0 && base->n_rlimits > 0)
    rlimits_copy (p, base);
  if (base && p->capabilities == NULL && base->capabilities)
    p->capabilities = caps_copy (base->capabilities, 0);
  if (env_normalize (p, err) < 0)
    {
      mrt_process_free (p);
      return -1;
    }
  *out = p;
  return 0;
}
