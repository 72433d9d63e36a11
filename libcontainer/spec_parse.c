/* SPDX-License-Identifier: Apache-2.0 */
/* config.json: the top level, root, mounts, hooks and annotations.  The
 * process, linux, resources and seccomp objects have their own files. */
#include <errno.h>
#include <string.h>

#include "spec_parse.h"
#include "utils.h"

/* ---- root, mounts ---------------------------------------------------------- */

static int
parse_root (struct sj_ctx *c, yajl_val v, void *out)
{
  struct mrt_root *root = out;
  if (sj_string (c, v, "path", true, &root->path) < 0)
    return -1;
  if (root->path[0] == '\0')
    return sj_error_at (c, "path", "expected a non-empty path");
  return sj_bool (c, v, "readonly", &root->readonly);
}

int
parse_id_mapping (struct sj_ctx *c, yajl_val v, void *out)
{
  struct mrt_id_mapping *m = out;
  if (sj_u32 (c, v, "containerID", true, &m->container_id) < 0 || sj_u32 (c, v, "hostID", true, &m->host_id) < 0
      || sj_u32 (c, v, "size", true, &m->size) < 0)
    return -1;
  /* The kernel refuses empty ranges and ranges that reach 2^32 - 1, which
   * is (uid_t)-1, no id at all. */
  if (m->size == 0)
    return sj_error_at (c, "size", "expected an integer in 1..4294967295, got 0");
  if ((uint64_t)m->container_id + m->size > UINT32_MAX || (uint64_t)m->host_id + m->size > UINT32_MAX)
    return sj_error_at (c, "size", "range %u+%u or %u+%u goes past 4294967294", m->container_id, m->size, m->host_id,
                        m->size);
  return 0;
}

static int
parse_mount (struct sj_ctx *c, yajl_val v, void *out)
{
  struct mrt_mount *m = out;
  if (sj_string (c, v, "destination", true, &m->destination) < 0)
    return -1;
  if (m->destination[0] == '\0')
    return sj_error_at (c, "destination", "expected a non-empty path");
  if (sj_string (c, v, "source", false, &m->source) < 0 || sj_string (c, v, "type", false, &m->type) < 0
      || sj_string_array (c, v, "options", false, &m->options, &m->n_options) < 0)
    return -1;
  if (sj_object_array (c, v, "uidMappings", false, sizeof (struct mrt_id_mapping), (void **)&m->uid_mappings,
                       &m->n_uid_mappings, parse_id_mapping)
          < 0
      || sj_object_array (c, v, "gidMappings", false, sizeof (struct mrt_id_mapping), (void **)&m->gid_mappings,
                          &m->n_gid_mappings, parse_id_mapping)
             < 0)
    return -1;
  return 0;
}

static void
free_mounts (struct mrt_mount *m, size_t n)
{
  if (m == NULL)
    return;
  for (size_t i = 0; i < n; i++)
    {
      free (m[i].destination);
      free (m[i].source);
      free (m[i].type);
      sj_free_strv (m[i].options, m[i].n_options);
      free (m[i].uid_mappings);
      free (m[i].gid_mappings);
    }
  free (m);
}

/* ---- hooks --------------------------------------------------------------------- */

static const char *const hook_names[MRT_HOOK__COUNT] = {
  [MRT_HOOK_PRESTART] = "prestart",
  [MRT_HOOK_CREATE_RUNTIME] = "createRuntime",
  [MRT_HOOK_CREATE_CONTAINER] = "createContainer",
  [MRT_HOOK_START_CONTAINER] = "startContainer",
  [MRT_HOOK_POSTSTART] = "poststart",
  [MRT_HOOK_POSTSTOP] = "poststop",
};

const char *
mrt_hook_kind_name (enum mrt_hook_kind kind)
{
  if ((unsigned)kind >= MRT_HOOK__COUNT)
    return "unknown";
  return hook_names[kind];
}

static int
parse_hook (struct sj_ctx *c, yajl_val v, void *out)
{
  struct mrt_hook *h = out;
  if (sj_abs_path (c, v, "path", true, &h->path) < 0 || sj_string_array (c, v, "args", false, &h->args, &h->n_args) < 0
      || sj_string_array (c, v, "env", false, &h->env, &h->n_env) < 0
      || sj_opt_i64 (c, v, "timeout", 1, INT32_MAX, &h->timeout) < 0)
    return -1;
  return 0;
}

static void
free_hook_list (struct mrt_hook *h, size_t n)
{
  if (h == NULL)
    return;
  for (size_t i = 0; i < n; i++)
    {
      free (h[i].path);
      sj_free_strv (h[i].args, h[i].n_args);
      sj_free_strv (h[i].env, h[i].n_env);
    }
  free (h);
}

static int
parse_hooks (struct sj_ctx *c, yajl_val v, void *out)
{
  struct mrt_hooks *hooks = out;
  for (int k = 0; k < MRT_HOOK__COUNT; k++)
    if (sj_object_array (c, v, hook_names[k], false, sizeof (struct mrt_hook), (void **)&hooks->list[k], &hooks->n[k],
                         parse_hook)
        < 0)
      return -1;
  return 0;
}

static void
free_hooks (struct mrt_hooks *hooks)
{
  if (hooks == NULL)
    return;
  for (int k = 0; k < MRT_HOOK__COUNT; k++)
    free_hook_list (hooks->list[k], hooks->n[k]);
  free (hooks);
}

/* ---- the whole config ------------------------------------------------------------ */

static int
parse_spec (struct sj_ctx *c, yajl_val v, void *out)
{
  struct mrt_spec *s = out;
  if (sj_string (c, v, "ociVersion", true, &s->oci_version) < 0)
    return -1;
  if (s->oci_version[0] == '\0')
    return sj_error_at (c, "ociVersion", "expected a non-empty version");
  if (sj_sub_object (c, v, "root", true, sizeof (struct mrt_root), (void **)&s->root, parse_root) < 0)
    return -1;
  if (sj_object_array (c, v, "mounts", false, sizeof (struct mrt_mount), (void **)&s->mounts, &s->n_mounts, parse_mount)
      < 0)
    return -1;
  if (sj_sub_object (c, v, "process", false, sizeof (struct mrt_process), (void **)&s->process, parse_process) < 0)
    return -1;
  if (sj_string (c, v, "hostname", false, &s->hostname) < 0
      || sj_string (c, v, "domainname", false, &s->domainname) < 0)
    return -1;
  if (sj_sub_object (c, v, "hooks", false, sizeof (struct mrt_hooks), (void **)&s->hooks, parse_hooks) < 0)
    return -1;
  if (sj_string_map (c, v, "annotations", &s->annotations, &s->n_annotations) < 0)
    return -1;
  return sj_sub_object (c, v, "linux", false, sizeof (struct mrt_linux), (void **)&s->linux_, parse_linux);
}

int
mrt_spec_parse (const char *json, size_t len, const char *filename, struct mrt_spec **out, mrt_error_t *err)
{
  struct mrt_spec *s = xmalloc0 (sizeof (*s));
  if (sj_parse_document (json, len, filename, parse_spec, s, err) < 0)
    {
      mrt_spec_free (s);
      *out = NULL;
      return -1;
    }
  *out = s;
  return 0;
}

int
mrt_spec_load_file (const char *path, struct mrt_spec **out, mrt_error_t *err)
{
  cleanup_free char *buf = NULL;
  size_t len = 0;
  if (mrt_read_file (path, SJ_MAX_SIZE, &buf, &len, err) < 0)
    return -1;
  return mrt_spec_parse (buf, len, path, out, err);
}

void
mrt_spec_free (struct mrt_spec *s)
{
  if (s == NULL)
    return;
  free (s->oci_version);
  if (s->root)
    free (s->root->path);
  free (s->root);
  free_mounts (s->mounts, s->n_mounts);
  mrt_process_free (s->process);
  free (s->hostname);
  free (s->domainname);
  free_hooks (s->hooks);
  sj_free_kv (s->annotations, s->n_annotations);
  free_linux (s->linux_);
  free (s);
}

/* ---- standalone documents ------------------------------------------------------- */

int
mrt_process_parse (const char *json, size_t len, const char *filename, struct mrt_process **out, mrt_error_t *err)
{
  struct mrt_process *p = xmalloc0 (sizeof (*p));
  if (sj_parse_document (json, len, filename ? filename : "process.json", parse_process, p, err) < 0)
    {
      mrt_process_free (p);
      *out = NULL;
      return -1;
    }
  *out = p;
  return 0;
}

void
mrt_process_free (struct mrt_process *p)
{
  if (p == NULL)
    return;
  free_process_contents (p);
  free (p);
}

int
mrt_resources_parse (const char *json, size_t len, const char *filename, struct mrt_resources **out, mrt_error_t *err)
{
  struct mrt_resources *r = xmalloc0 (sizeof (*r));
  if (sj_parse_document (json, len, filename ? filename : "resources.json", parse_resources, r, err) < 0)
    {
      mrt_resources_free (r);
      *out = NULL;
      return -1;
    }
  *out = r;
  return 0;
}

void
mrt_resources_free (struct mrt_resources *r)
{
  if (r == NULL)
    return;
  free_resources_contents (r);
  free (r);
}

int
mrt_seccomp_parse (const char *json, size_t len, const char *filename, struct mrt_seccomp **out, mrt_error_t *err)
{
  struct mrt_seccomp *s = xmalloc0 (sizeof (*s));
  if (sj_parse_document (json, len, filename ? filename : "seccomp.json", parse_seccomp, s, err) < 0)
    {
      mrt_seccomp_free (s);
      *out = NULL;
      return -1;
    }
  *out = s;
  return 0;
}

void
mrt_seccomp_free (struct mrt_seccomp *s)
{
  if (s == NULL)
    return;
  free_seccomp_contents (s);
  free (s);
}
