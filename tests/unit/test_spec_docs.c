/* SPDX-License-Identifier: Apache-2.0 */
/* Real configs (runc spec, crun spec, specs/), the standalone documents,
 * input limits and the forward-compatibility rules. */
#include <criterion/criterion.h>
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include "minirt/spec.h"

static struct mrt_spec *
load_ok (const char *path)
{
  struct mrt_spec *spec = NULL;
  mrt_error_t err = NULL;
  int r = mrt_spec_load_file (path, &spec, &err);
  cr_assert_eq (r, 0, "%s: %s", path, err ? err->msg : "");
  return spec;
}

static const char *
parse_err (const char *json, size_t len)
{
  static char msg[512];
  struct mrt_spec *spec = NULL;
  mrt_error_t err = NULL;
  int r = mrt_spec_parse (json, len, "config.json", &spec, &err);
  cr_assert_lt (r, 0);
  cr_assert_null (spec);
  snprintf (msg, sizeof (msg), "%s", err->msg);
  mrt_error_free (&err);
  return msg;
}

static struct mrt_spec *
parse_ok (const char *json)
{
  struct mrt_spec *spec = NULL;
  mrt_error_t err = NULL;
  int r = mrt_spec_parse (json, strlen (json), "config.json", &spec, &err);
  cr_assert_eq (r, 0, "%s", err ? err->msg : "");
  return spec;
}

/* What `runc spec` and `crun spec` write: the parts every helper relies on. */
static void
check_default (struct mrt_spec *s, bool rootless)
{
  cr_assert_str_eq (s->root->path, "rootfs");
  cr_assert_str_eq (s->process->args[0], "sh");
  cr_assert_str_eq (s->process->cwd, "/");
  cr_assert_not_null (s->process->capabilities);
  cr_assert_gt (s->process->capabilities->n_bounding, 0);
  cr_assert_gt (s->n_mounts, 3);
  cr_assert_str_eq (s->mounts[0].destination, "/proc");
  cr_assert_gt (s->linux_->n_namespaces, 3);
  cr_assert_gt (s->linux_->n_masked_paths, 0);
  cr_assert_gt (s->linux_->n_readonly_paths, 0);
  bool userns = false;
  for (size_t i = 0; i < s->linux_->n_namespaces; i++)
    userns |= s->linux_->namespaces[i].type == MRT_NS_USER;
  cr_assert_eq (userns, rootless);
}

static void
check_mappings (struct mrt_spec *s)
{
  /* runc writes the rootless mappings into the config; crun computes them */
  cr_assert_eq (s->linux_->n_uid_mappings, 1);
  cr_assert_eq (s->linux_->uid_mappings[0].container_id, 0);
  cr_assert_eq (s->linux_->uid_mappings[0].size, 1);
  cr_assert_eq (s->linux_->n_gid_mappings, 1);
}

Test (spec_docs, runc_spec)
{
  struct mrt_spec *s = load_ok ("tests/data/runc-spec.json");
  check_default (s, false);
  cr_assert_eq (s->process->rlimits[0].resource, RLIMIT_NOFILE);
  cr_assert_not_null (s->linux_->resources);
  cr_assert_eq (s->linux_->resources->n_devices, 1);
  cr_assert_not (s->linux_->resources->devices[0].allow);
  mrt_spec_free (s);
}

Test (spec_docs, runc_spec_rootless)
{
  struct mrt_spec *s = load_ok ("tests/data/runc-spec-rootless.json");
  check_default (s, true);
  check_mappings (s);
  mrt_spec_free (s);
}

Test (spec_docs, crun_spec)
{
  struct mrt_spec *s = load_ok ("tests/data/crun-spec.json");
  check_default (s, false);
  mrt_spec_free (s);
}

Test (spec_docs, crun_spec_rootless)
{
  struct mrt_spec *s = load_ok ("tests/data/crun-spec-rootless.json");
  check_default (s, true);
  cr_assert_eq (s->linux_->n_uid_mappings, 0);
  mrt_spec_free (s);
}

Test (spec_docs, specs_dir)
{
  glob_t g;
  cr_assert_eq (glob ("specs/*.json", 0, NULL, &g), 0, "no specs/*.json");
  for (size_t i = 0; i < g.gl_pathc; i++)
    mrt_spec_free (load_ok (g.gl_pathv[i]));
  cr_assert_geq (g.gl_pathc, 2);
  globfree (&g);
}

/* Seccomp profiles shipped in specs/seccomp (when there are any). */
Test (spec_docs, specs_seccomp_profiles)
{
  glob_t g;
  if (glob ("specs/seccomp/*.json", 0, NULL, &g) != 0)
    cr_skip_test ("no specs/seccomp/*.json yet");
  for (size_t i = 0; i < g.gl_pathc; i++)
    {
      FILE *f = fopen (g.gl_pathv[i], "re");
      cr_assert_not_null (f);
      char *buf = NULL;
      size_t cap = 0;
      ssize_t n = getdelim (&buf, &cap, '\0', f);
      fclose (f);
      cr_assert_gt (n, 0);
      struct mrt_seccomp *s = NULL;
      mrt_error_t err = NULL;
      int r = mrt_seccomp_parse (buf, n, g.gl_pathv[i], &s, &err);
      cr_expect_eq (r, 0, "%s", err ? err->msg : "");
      mrt_error_free (&err);
      mrt_seccomp_free (s);
      free (buf);
    }
  globfree (&g);
}

Test (spec_docs, load_missing_file)
{
  struct mrt_spec *s = NULL;
  mrt_error_t err = NULL;
  cr_assert_lt (mrt_spec_load_file ("tests/data/does-not-exist.json", &s, &err), 0);
  cr_assert_str_eq (err->msg, "open `tests/data/does-not-exist.json`: No such file or directory");
  mrt_error_free (&err);
}

/* ---- standalone documents -------------------------------------------------- */

Test (spec_docs, process_standalone)
{
  const char *ok = "{\"args\":[\"ls\",\"-l\"],\"cwd\":\"/tmp\",\"env\":[\"A=1\"],\"user\":{\"uid\":7},"
                   "\"capabilities\":{\"bounding\":[\"CAP_KILL\"]},\"noNewPrivileges\":true}";
  struct mrt_process *p = NULL;
  mrt_error_t err = NULL;
  cr_assert_eq (mrt_process_parse (ok, strlen (ok), "p.json", &p, &err), 0, "%s", err ? err->msg : "");
  cr_assert_eq (p->n_args, 2);
  cr_assert_str_eq (p->args[1], "-l");
  cr_assert_str_eq (p->cwd, "/tmp");
  cr_assert_eq (p->user.uid, 7);
  cr_assert_eq (p->capabilities->n_bounding, 1);
  cr_assert (p->no_new_privileges);
  mrt_process_free (p);

  const char *bad[][2] = {
    { "{\"cwd\":\"/\"}", "p.json: args: missing required array" },
    { "{\"args\":[\"ls\"],\"cwd\":\"tmp\"}", "p.json: cwd: expected an absolute path, got \"tmp\"" },
    { "{\"args\":[\"ls\"],\"cwd\":\"/\",\"rlimits\":[{\"type\":\"RLIMIT_X\",\"hard\":1,\"soft\":1}]}",
      "p.json: rlimits[0].type: unknown rlimit \"RLIMIT_X\"" },
    { "[\"ls\"]", "p.json: expected an object, got an array" },
    { "{\"args\":[\"ls\"", "p.json: invalid JSON: parse error: premature EOF" },
  };
  for (size_t i = 0; i < sizeof (bad) / sizeof (bad[0]); i++)
    {
      p = NULL;
      cr_assert_lt (mrt_process_parse (bad[i][0], strlen (bad[i][0]), "p.json", &p, &err), 0);
      cr_assert_null (p);
      cr_expect_str_eq (err->msg, bad[i][1]);
      mrt_error_free (&err);
    }
}

Test (spec_docs, resources_standalone)
{
  const char *ok = "{\"memory\":{\"limit\":1048576,\"swap\":-1},\"cpu\":{\"quota\":-1,\"cpus\":\"0\"},"
                   "\"pids\":{\"limit\":10},\"blockIO\":{\"weight\":500},\"unified\":{\"pids.max\":\"20\"}}";
  struct mrt_resources *r = NULL;
  mrt_error_t err = NULL;
  cr_assert_eq (mrt_resources_parse (ok, strlen (ok), "r.json", &r, &err), 0, "%s", err ? err->msg : "");
  cr_assert_eq (r->memory->limit.value, 1048576);
  cr_assert_eq (r->memory->swap.value, -1);
  cr_assert_not (r->memory->reservation.set);
  cr_assert_eq (r->cpu->quota.value, -1);
  cr_assert_str_eq (r->cpu->cpus, "0");
  cr_assert (r->pids_limit.set && r->pids_limit.value == 10);
  cr_assert_eq (r->block_io->weight.value, 500);
  cr_assert_str_eq (r->unified[0].value, "20");
  mrt_resources_free (r);

  const char *bad = "{\"memory\":{\"limit\":\"1G\"}}";
  r = NULL;
  cr_assert_lt (mrt_resources_parse (bad, strlen (bad), "r.json", &r, &err), 0);
  cr_assert_null (r);
  cr_assert_str_eq (err->msg, "r.json: memory.limit: expected an integer, got a string");
  mrt_error_free (&err);
}

Test (spec_docs, seccomp_standalone)
{
  const char *ok = "{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"defaultErrnoRet\":1,\"syscalls\":"
                   "[{\"names\":[\"getpid\"],\"action\":\"SCMP_ACT_ALLOW\"}]}";
  struct mrt_seccomp *s = NULL;
  mrt_error_t err = NULL;
  cr_assert_eq (mrt_seccomp_parse (ok, strlen (ok), "s.json", &s, &err), 0, "%s", err ? err->msg : "");
  cr_assert_eq (s->default_action, MRT_SCMP_ACT_ERRNO);
  cr_assert_eq (s->default_errno_ret.value, 1);
  cr_assert_str_eq (s->syscalls[0].names[0], "getpid");
  mrt_seccomp_free (s);

  const char *bad = "{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{\"names\":[\"x\"],\"action\":\"X\"}]}";
  s = NULL;
  cr_assert_lt (mrt_seccomp_parse (bad, strlen (bad), "s.json", &s, &err), 0);
  cr_assert_null (s);
  cr_assert_str_eq (err->msg, "s.json: syscalls[0].action: unknown action \"X\"");
  mrt_error_free (&err);
}

/* ---- limits ------------------------------------------------------------------- */

static char *
nested (int depth)
{
  char *s = malloc (2 * depth + 1);
  for (int i = 0; i < depth; i++)
    {
      s[i] = '[';
      s[2 * depth - 1 - i] = ']';
    }
  s[2 * depth] = '\0';
  return s;
}

Test (spec_docs, nesting)
{
  /* 64 levels are fine for the JSON layer (the config is rejected later for
   * its type); 65 are refused before yajl builds anything. */
  char *ok = nested (64);
  cr_assert_str_eq (parse_err (ok, strlen (ok)), "config.json: expected an object, got an array");
  free (ok);
  char *deep = nested (65);
  cr_assert_str_eq (parse_err (deep, strlen (deep)), "config.json: invalid JSON: nested deeper than 64 levels");
  free (deep);
  /* brackets inside strings do not count */
  char *in_string = malloc (300);
  snprintf (in_string, 300, "{\"ociVersion\":\"%.100s\",\"root\":{\"path\":\"r\"}}",
            "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[");
  mrt_spec_free (parse_ok (in_string));
  free (in_string);
  /* 100000 levels: no stack overflow anywhere */
  char *huge = nested (100000);
  cr_assert_str_eq (parse_err (huge, strlen (huge)), "config.json: invalid JSON: nested deeper than 64 levels");
  free (huge);
}

Test (spec_docs, size_limit)
{
  size_t len = 16 * 1024 * 1024 + 1;
  char *big = malloc (len);
  memset (big, ' ', len);
  cr_assert_str_eq (parse_err (big, len), "config.json: too large (16777217 bytes, the limit is 16777216)");
  free (big);
}

Test (spec_docs, nul_byte)
{
  const char doc[] = "{\"ociVersion\":\"1.0.0\"\0,\"root\":{\"path\":\"r\"}}";
  cr_assert_str_eq (parse_err (doc, sizeof (doc) - 1), "config.json: invalid JSON: NUL byte at offset 21");
}

Test (spec_docs, not_nul_terminated)
{
  /* the parser must respect len, not look for a terminator */
  const char doc[] = "{\"ociVersion\":\"1.0.0\",\"root\":{\"path\":\"r\"}}GARBAGE";
  struct mrt_spec *s = NULL;
  mrt_error_t err = NULL;
  cr_assert_eq (mrt_spec_parse (doc, sizeof (doc) - 1 - 7, "config.json", &s, &err), 0);
  mrt_spec_free (s);
}

/* ---- forward compatibility and JSON corner cases ------------------------------ */

Test (spec_docs, unknown_keys_ignored)
{
  struct mrt_spec *s = parse_ok ("{\"ociVersion\":\"1.3.0\",\"root\":{\"path\":\"r\",\"future\":1},\"vm\":{\"x\":[1]},"
                                 "\"process\":{\"args\":[\"a\"],\"cwd\":\"/\",\"newThing\":{\"deep\":[{}]}},"
                                 "\"linux\":{\"netDevices\":{\"eth0\":{}},\"seccomp\":{\"defaultAction\":"
                                 "\"SCMP_ACT_ALLOW\",\"newField\":\"x\"}}}");
  cr_assert_str_eq (s->oci_version, "1.3.0");
  cr_assert_str_eq (s->process->args[0], "a");
  mrt_spec_free (s);
}

Test (spec_docs, null_is_absent)
{
  struct mrt_spec *s = parse_ok ("{\"ociVersion\":\"1.0.0\",\"root\":{\"path\":\"r\"},\"hostname\":null,"
                                 "\"mounts\":null,\"linux\":{\"resources\":{\"memory\":{\"limit\":null}}}}");
  cr_assert_null (s->hostname);
  cr_assert_null (s->mounts);
  cr_assert_not (s->linux_->resources->memory->limit.set);
  mrt_spec_free (s);
  cr_assert_str_eq (parse_err ("{\"ociVersion\":null,\"root\":{\"path\":\"r\"}}", 39),
                    "config.json: ociVersion: missing required string");
}

Test (spec_docs, duplicate_key_last_wins)
{
  struct mrt_spec *s
      = parse_ok ("{\"ociVersion\":\"1.0.0\",\"root\":{\"path\":\"a\"},\"hostname\":\"x\",\"hostname\":\"y\"}");
  cr_assert_str_eq (s->hostname, "y");
  mrt_spec_free (s);
}

Test (spec_docs, integer_edges)
{
  struct mrt_spec *s
      = parse_ok ("{\"ociVersion\":\"1.0.0\",\"root\":{\"path\":\"r\"},\"process\":{\"args\":[\"a\"],\"cwd\":\"/\","
                  "\"user\":{\"uid\":-0,\"gid\":4294967294},\"oomScoreAdj\":-0},\"linux\":{\"resources\":{\"cpu\":"
                  "{\"quota\":-9223372036854775808,\"shares\":18446744073709551615}}}}");
  cr_assert_eq (s->process->user.uid, 0);
  cr_assert_eq (s->process->user.gid, 4294967294u);
  cr_assert_eq (s->process->oom_score_adj.value, 0);
  cr_assert_eq (s->linux_->resources->cpu->quota.value, INT64_MIN);
  cr_assert_eq (s->linux_->resources->cpu->shares.value, UINT64_MAX);
  mrt_spec_free (s);
}

Test (spec_docs, unicode_strings)
{
  struct mrt_spec *s = parse_ok ("{\"ociVersion\":\"1.0.0\",\"root\":{\"path\":\"r\"},\"hostname\":\"h\\u00e9\\n\"}");
  cr_assert_str_eq (s->hostname, "h\xc3\xa9\n");
  mrt_spec_free (s);
  const char bad_utf8[] = "{\"ociVersion\":\"1.0.0\",\"root\":{\"path\":\"r\"},\"hostname\":\"\xff\"}";
  cr_assert_str_eq (parse_err (bad_utf8, sizeof (bad_utf8) - 1),
                    "config.json: invalid JSON: lexical error: invalid bytes in UTF8 string");
}
