/* SPDX-License-Identifier: Apache-2.0 */
/* Idmapped mounts: which configs are refused before anything exists, with
 * which one-line error, and the throwaway user namespace's maps. */
#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "minirt/spec.h"
#include "mount_idmap.h"
#include "utils.h"

#define BASE "\"ociVersion\":\"1.2.0\",\"root\":{\"path\":\"r\"}"
#define MAP1 "[{\"containerID\":0,\"hostID\":100000,\"size\":65536}]"
#define USERNS "\"linux\":{\"namespaces\":[{\"type\":\"user\"}],\"uidMappings\":" MAP1 ",\"gidMappings\":" MAP1 "}"
#define NOUSERNS "\"linux\":{\"namespaces\":[{\"type\":\"mount\"}]}"
/* mounts[1] is the entry under test, after an ordinary one. */
#define MOUNTS(linux, m)                                                                                               \
  "{" BASE "," linux ",\"mounts\":[{\"destination\":\"/proc\",\"type\":\"proc\",\"source\":\"proc\"}," m "]}"
#define BIND(extra) "{\"destination\":\"/v\",\"type\":\"bind\",\"source\":\"/tmp\"," extra "}"

struct idmap_case
{
  const char *json;
  bool rootless;
  const char *msg; /* NULL: accepted */
};

static const struct idmap_case cases[] = {
  /* accepted */
  { MOUNTS (USERNS, BIND ("\"options\":[\"idmap\"],\"uidMappings\":" MAP1 ",\"gidMappings\":" MAP1)), false, NULL },
  { MOUNTS (NOUSERNS, BIND ("\"options\":[\"rbind\",\"ridmap\"],\"uidMappings\":" MAP1 ",\"gidMappings\":" MAP1)),
    false, NULL },
  { MOUNTS (USERNS, BIND ("\"options\":[\"ridmap\"]")), false, NULL },
  { MOUNTS (NOUSERNS, BIND ("\"uidMappings\":" MAP1 ",\"gidMappings\":" MAP1)), false, NULL },
  { "{" BASE ",\"linux\":{\"namespaces\":[{\"type\":\"user\",\"path\":\"/proc/1/ns/user\"}]},\"mounts\":[" BIND (
        "\"options\":[\"idmap\"]") "]}",
    false, NULL },
  { MOUNTS (NOUSERNS, BIND ("\"options\":[\"rbind\"]")), true, NULL },
  /* not a bind mount */
  { MOUNTS (USERNS, "{\"destination\":\"/t\",\"type\":\"tmpfs\",\"source\":\"tmpfs\",\"uidMappings\":" MAP1
                    ",\"gidMappings\":" MAP1 "}"),
    false, "config.json: mounts[1].uidMappings: idmapped mounts are only supported for bind mounts" },
  { MOUNTS (USERNS, "{\"destination\":\"/t\",\"type\":\"tmpfs\",\"source\":\"tmpfs\",\"options\":[\"idmap\"]}"), false,
    "config.json: mounts[1].options: idmapped mounts are only supported for bind mounts" },
  /* rootless */
  { MOUNTS (USERNS, BIND ("\"options\":[\"idmap\"]")), true,
    "config.json: mounts[1].options: idmapped mounts are not supported for rootless containers" },
  /* one map without the other */
  { MOUNTS (USERNS, BIND ("\"options\":[\"idmap\"],\"uidMappings\":" MAP1)), false,
    "config.json: mounts[1].gidMappings: required along with uidMappings" },
  { MOUNTS (USERNS, BIND ("\"gidMappings\":" MAP1)), false,
    "config.json: mounts[1].uidMappings: required along with gidMappings" },
  /* "idmap" alone needs the container's user namespace */
  { MOUNTS (NOUSERNS, BIND ("\"options\":[\"idmap\"]")), false,
    "config.json: mounts[1].options: \"idmap\" without uidMappings/gidMappings uses the container's user namespace, "
    "and linux.namespaces has none" },
  { MOUNTS ("\"linux\":{\"namespaces\":[{\"type\":\"user\"}]}", BIND ("\"options\":[\"bind\",\"ridmap\"]")), false,
    "config.json: mounts[1].options: \"ridmap\" without uidMappings/gidMappings uses linux.uidMappings/gidMappings, "
    "which are empty" },
  /* what the kernel would refuse in the maps */
  { MOUNTS (USERNS, BIND ("\"uidMappings\":[{\"containerID\":0,\"hostID\":1000,\"size\":10},{\"containerID\":5,"
                          "\"hostID\":5000,\"size\":1}],\"gidMappings\":" MAP1)),
    false, "config.json: mounts[1].uidMappings[1]: containerID range overlaps entry 0" },
  { MOUNTS (USERNS, BIND ("\"uidMappings\":" MAP1 ",\"gidMappings\":[{\"containerID\":0,\"hostID\":1000,\"size\":10},"
                          "{\"containerID\":20,\"hostID\":1009,\"size\":1}]")),
    false, "config.json: mounts[1].gidMappings[1]: hostID range overlaps entry 0" },
};

/* Indexes, not pointers: criterion copies the parameters (as in
 * test_spec_errors.c). */
struct case_index
{
  size_t i;
};

ParameterizedTestParameters (mount_idmap, validate)
{
  static struct case_index idx[sizeof (cases) / sizeof (cases[0])];
  for (size_t i = 0; i < sizeof (cases) / sizeof (cases[0]); i++)
    idx[i].i = i;
  return cr_make_param_array (struct case_index, idx, sizeof (idx) / sizeof (idx[0]));
}

ParameterizedTest (struct case_index *ci, mount_idmap, validate)
{
  const struct idmap_case *c = &cases[ci->i];
  struct mrt_spec *spec = NULL;
  mrt_error_t err = NULL;
  cr_assert_eq (mrt_spec_parse (c->json, strlen (c->json), "config.json", &spec, &err), 0, "parse: %s",
                err ? err->msg : "");
  int ret = mrt_idmap_validate (spec, c->rootless, &err);
  if (c->msg == NULL)
    cr_assert_eq (ret, 0, "case %zu refused: %s", ci->i, err ? err->msg : "");
  else
    {
      cr_assert_eq (ret, -1, "case %zu accepted, expected: %s", ci->i, c->msg);
      cr_assert_str_eq (err->msg, c->msg);
    }
  mrt_error_free (&err);
  mrt_spec_free (spec);
}

Test (mount_idmap, is_idmapped)
{
  struct mrt_mount m = { 0 };
  struct mrt_mount_options o = { 0 };
  cr_assert_not (mrt_mount_is_idmapped (&m, &o));
  o.idmap = true;
  cr_assert (mrt_mount_is_idmapped (&m, &o));
  o.idmap = false;
  struct mrt_id_mapping map = { 0, 1, 1 };
  m.gid_mappings = &map;
  m.n_gid_mappings = 1;
  cr_assert (mrt_mount_is_idmapped (&m, &o));
}

/* No config needs no tree (and no helper). */
Test (mount_idmap, no_idmapped_mount_no_trees)
{
  static const char json[] = MOUNTS (USERNS, BIND ("\"options\":[\"rbind\"]"));
  struct mrt_spec *spec = NULL;
  mrt_error_t err = NULL;
  cr_assert_eq (mrt_spec_parse (json, strlen (json), "config.json", &spec, &err), 0);
  struct mrt_idmap_trees t;
  cr_assert_eq (mrt_idmap_trees_open (spec, "/", &t, &err), 0);
  cr_assert_null (t.fds);
  cr_assert_eq (t.n, 0);
  mrt_idmap_trees_close (&t);
  mrt_spec_free (spec);
}

/* Needs root: the maps of the helper's namespace are the ones asked for,
 * and the helper is gone (reaped) when the fd comes back. */
Test (mount_idmap, userns_fd_has_the_maps)
{
  if (geteuid () != 0)
    cr_skip_test ("needs root");
  struct mrt_id_mapping uids[] = { { 0, 100000, 1000 }, { 1000, 300000, 5 } };
  struct mrt_id_mapping gids[] = { { 0, 200000, 10 } };
  mrt_error_t err = NULL;
  int fd = mrt_idmap_userns_fd (uids, 2, gids, 1, "test", &err);
  cr_assert_geq (fd, 0, "%s", err ? err->msg : "");
  cr_assert (fcntl (fd, F_GETFD) & FD_CLOEXEC);
  struct stat a, b;
  cr_assert_eq (fstat (fd, &a), 0);
  cr_assert_eq (stat ("/proc/self/ns/user", &b), 0);
  cr_assert_neq (a.st_ino, b.st_ino, "the helper's namespace is a new one");
  /* No child of ours is left. */
  cr_assert_eq (waitpid (-1, NULL, WNOHANG), -1);
  cr_assert_eq (errno, ECHILD);
  close (fd);
}

/* A missing source fails with the field named and leaves no tree. */
Test (mount_idmap, missing_source)
{
  if (geteuid () != 0)
    cr_skip_test ("needs root");
  static const char json[] = MOUNTS (
      USERNS,
      "{\"destination\":\"/v\",\"type\":\"bind\",\"source\":\"/nonexistent-minirt-idmap\",\"options\":[\"idmap\"]}");
  struct mrt_spec *spec = NULL;
  mrt_error_t err = NULL;
  cr_assert_eq (mrt_spec_parse (json, strlen (json), "config.json", &spec, &err), 0);
  struct mrt_idmap_trees t;
  cr_assert_eq (mrt_idmap_trees_open (spec, "/", &t, &err), -1);
  cr_assert_str_eq (
      err->msg, "config.json: mounts[1].source: open_tree \"/nonexistent-minirt-idmap\": No such file or directory");
  cr_assert_null (t.fds);
  cr_assert_eq (waitpid (-1, NULL, WNOHANG), -1);
  mrt_error_free (&err);
  mrt_spec_free (spec);
}
