/* SPDX-License-Identifier: Apache-2.0 */
/* `minirt seccomp convert` and `minirt spec --seccomp`: writing profiles
 * and putting them into a config.json without disturbing the rest of it. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <yajl/yajl_gen.h>

#include "minirt/seccomp_profile.h"
#include "spec_json.h"
#include "utils.h"
#include "yajl_helpers.h"

static void
gen_u64 (yajl_gen g, const char *key, uint64_t v)
{
  char num[32];
  int l = snprintf (num, sizeof (num), "%" PRIu64, v);
  gen_str (g, key);
  yajl_gen_number (g, num, (size_t)l);
}

static void
gen_strv_n (yajl_gen g, const char *key, char *const *v, size_t n)
{
  gen_str (g, key);
  yajl_gen_array_open (g);
  for (size_t i = 0; i < n; i++)
    gen_str (g, v[i]);
  yajl_gen_array_close (g);
}

/* The runtime-spec field order, as runc's Go structs print it. */
static void
gen_seccomp (yajl_gen g, const struct mrt_seccomp *s, enum mrt_profile_form form)
{
  yajl_gen_map_open (g);
  gen_key_str (g, "defaultAction", mrt_seccomp_action_name (s->default_action));
  if (s->default_errno_ret.set)
    gen_u64 (g, "defaultErrnoRet", s->default_errno_ret.value);
  if (s->n_architectures)
    gen_strv_n (g, "architectures", s->architectures, s->n_architectures);
  if (s->n_flags)
    gen_strv_n (g, "flags", s->flags, s->n_flags);
  /* A listener socket is a property of one node and one runtime set-up,
   * not of a profile kubelet copies around. */
  if (form == MRT_FORM_OCI && s->listener_path)
    gen_key_str (g, "listenerPath", s->listener_path);
  if (form == MRT_FORM_OCI && s->listener_metadata)
    gen_key_str (g, "listenerMetadata", s->listener_metadata);
  /* omitempty, as in the runtime-spec's Go types (and yajl would print an
   * empty array over two lines) */
  if (s->n_syscalls == 0)
    {
      yajl_gen_map_close (g);
      return;
    }
  gen_str (g, "syscalls");
  yajl_gen_array_open (g);
  for (size_t i = 0; i < s->n_syscalls; i++)
    {
      const struct mrt_seccomp_syscall *r = &s->syscalls[i];
      yajl_gen_map_open (g);
      gen_strv_n (g, "names", r->names, r->n_names);
      gen_key_str (g, "action", mrt_seccomp_action_name (r->action));
      if (r->errno_ret.set)
        gen_u64 (g, "errnoRet", r->errno_ret.value);
      if (form == MRT_FORM_KUBERNETES && r->comment)
        gen_key_str (g, "comment", r->comment);
      if (r->n_args)
        {
          gen_str (g, "args");
          yajl_gen_array_open (g);
          for (size_t k = 0; k < r->n_args; k++)
            {
              yajl_gen_map_open (g);
              gen_u64 (g, "index", r->args[k].index);
              gen_u64 (g, "value", r->args[k].value);
              /* MASKED_EQ reads better with its expected value, even 0 */
              if (r->args[k].value_two || r->args[k].op == MRT_SCMP_CMP_MASKED_EQ)
                gen_u64 (g, "valueTwo", r->args[k].value_two);
              gen_key_str (g, "op", mrt_seccomp_op_name (r->args[k].op));
              yajl_gen_map_close (g);
            }
          yajl_gen_array_close (g);
        }
      yajl_gen_map_close (g);
    }
  yajl_gen_array_close (g);
  yajl_gen_map_close (g);
}

char *
mrt_seccomp_to_json (const struct mrt_seccomp *s, enum mrt_profile_form form)
{
  yajl_gen g = yajl_gen_alloc (NULL);
  if (g == NULL)
    return NULL;
  yajl_gen_config (g, yajl_gen_beautify, 1);
  yajl_gen_config (g, yajl_gen_indent_string, "  ");
  gen_seccomp (g, s, form);
  return gen_finish (g);
}

/* ---- patching a config.json -------------------------------------------------------------- */

/* Write a parsed value back; numbers keep their original text. */
static void
gen_tree (yajl_gen g, yajl_val v)
{
  switch (v ? v->type : yajl_t_null)
    {
    case yajl_t_string:
      gen_str (g, v->u.string);
      break;
    case yajl_t_number:
      yajl_gen_number (g, v->u.number.r, strlen (v->u.number.r));
      break;
    case yajl_t_true:
      yajl_gen_bool (g, 1);
      break;
    case yajl_t_false:
      yajl_gen_bool (g, 0);
      break;
    case yajl_t_object:
      yajl_gen_map_open (g);
      for (size_t i = 0; i < v->u.object.len; i++)
        {
          gen_str (g, v->u.object.keys[i]);
          gen_tree (g, v->u.object.values[i]);
        }
      yajl_gen_map_close (g);
      break;
    case yajl_t_array:
      yajl_gen_array_open (g);
      for (size_t i = 0; i < v->u.array.len; i++)
        gen_tree (g, v->u.array.values[i]);
      yajl_gen_array_close (g);
      break;
    default:
      yajl_gen_null (g);
    }
}

static void
gen_linux_with (yajl_gen g, yajl_val linux_, const struct mrt_seccomp *s)
{
  bool done = false;
  yajl_gen_map_open (g);
  for (size_t i = 0; linux_ && i < linux_->u.object.len; i++)
    {
      gen_str (g, linux_->u.object.keys[i]);
      if (strcmp (linux_->u.object.keys[i], "seccomp") == 0)
        {
          gen_seccomp (g, s, MRT_FORM_OCI);
          done = true;
        }
      else
        gen_tree (g, linux_->u.object.values[i]);
    }
  if (!done)
    {
      gen_str (g, "seccomp");
      gen_seccomp (g, s, MRT_FORM_OCI);
    }
  yajl_gen_map_close (g);
}

char *
mrt_config_set_seccomp (const char *config_json, size_t len, const char *file, const struct mrt_seccomp *s,
                        mrt_error_t *err)
{
  yajl_val tree = NULL;
  if (sj_tree_parse (config_json, len, file, &tree, err) < 0)
    return NULL;
  if (!YAJL_IS_OBJECT (tree))
    {
      yajl_tree_free (tree);
      mrt_error_make (err, 0, "%s: expected a JSON object", file);
      return NULL;
    }
  yajl_val linux_ = sj_get (tree, "linux");
  if (linux_ && !YAJL_IS_OBJECT (linux_))
    {
      yajl_tree_free (tree);
      mrt_error_make (err, 0, "%s: linux: expected an object", file);
      return NULL;
    }
  yajl_gen g = gen_new_pretty ();
  if (g == NULL)
    {
      yajl_tree_free (tree);
      mrt_error_make (err, ENOMEM, "%s", file);
      return NULL;
    }
  bool done = false;
  yajl_gen_map_open (g);
  for (size_t i = 0; i < tree->u.object.len; i++)
    {
      const char *k = tree->u.object.keys[i];
      gen_str (g, k);
      /* Duplicated keys: the last one is the one runtimes read. */
      if (strcmp (k, "linux") == 0 && tree->u.object.values[i] == linux_)
        {
          gen_linux_with (g, linux_, s);
          done = true;
        }
      else
        gen_tree (g, tree->u.object.values[i]);
    }
  if (!done)
    {
      gen_str (g, "linux");
      gen_linux_with (g, NULL, s);
    }
  yajl_gen_map_close (g);
  yajl_tree_free (tree);
  char *out = gen_finish (g);
  if (out == NULL)
    mrt_error_make (err, ENOMEM, "%s", file);
  return out;
}

int
mrt_bundle_set_seccomp (const char *bundle, const struct mrt_seccomp *s, mrt_error_t *err)
{
  cleanup_free char *path = xasprintf ("%s/config.json", bundle);
  cleanup_free char *buf = NULL;
  size_t len = 0;
  struct stat st;
  if (mrt_read_file (path, SJ_MAX_SIZE + 1, &buf, &len, err) < 0)
    return mrt_error_prefix (err, "%s", path);
  if (stat (path, &st) < 0)
    return mrt_error_sys (err, "stat %s", path);
  cleanup_free char *json = mrt_config_set_seccomp (buf, len, path, s, err);
  if (json == NULL)
    return -1;
  cleanup_free char *withnl = xasprintf ("%s\n", json);
  /* A temporary file and rename: a reader never sees half a config. */
  return mrt_write_file_atomic (path, withnl, strlen (withnl), st.st_mode & 07777, err);
}

int
mrt_bundle_caps (const char *bundle, char ***caps, size_t *n, mrt_error_t *err)
{
  cleanup_free char *path = xasprintf ("%s/config.json", bundle);
  cleanup_free char *buf = NULL;
  size_t len = 0;
  yajl_val tree = NULL;
  *caps = NULL;
  *n = 0;
  if (mrt_read_file (path, SJ_MAX_SIZE + 1, &buf, &len, err) < 0)
    return mrt_error_prefix (err, "%s", path);
  if (sj_tree_parse (buf, len, path, &tree, err) < 0)
    return -1;
  const char *p_process[] = { "process", "capabilities", "bounding", NULL };
  yajl_val b = yajl_tree_get (tree, p_process, yajl_t_array);
  struct sj_ctx c;
  sj_ctx_init (&c, path, err);
  int r = 0;
  yajl_val capobj = yajl_tree_get (tree, (const char *[]){ "process", "capabilities", NULL }, yajl_t_object);
  if (b && capobj)
    {
      sj_push_key (&c, "process");
      sj_push_key (&c, "capabilities");
      r = sj_string_array (&c, capobj, "bounding", false, caps, n);
    }
  sj_ctx_fini (&c);
  yajl_tree_free (tree);
  return r;
}
