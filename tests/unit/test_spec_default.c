/* SPDX-License-Identifier: Apache-2.0 */
/* `minirt spec` output must go through our own parser, field for field. */
#include <criterion/criterion.h>
#include <linux/capability.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "minirt/spec.h"
#include "minirt/spec_default.h"

static struct mrt_spec *
parse_default (bool rootless)
{
  char *json = mrt_spec_default_json (rootless);
  cr_assert_not_null (json);
  struct mrt_spec *spec = NULL;
  mrt_error_t err = NULL;
  int r = mrt_spec_parse (json, strlen (json), "config.json", &spec, &err);
  cr_assert_eq (r, 0, "parse failed: %s", err ? err->msg : "(no message)");
  mrt_error_free (&err);
  free (json);
  return spec;
}

static bool
has_ns (const struct mrt_linux *l, enum mrt_ns_type type)
{
  for (size_t i = 0; i < l->n_namespaces; i++)
    if (l->namespaces[i].type == type && l->namespaces[i].path == NULL)
      return true;
  return false;
}

Test (spec_default, parses_as_runc_spec)
{
  cleanup_spec struct mrt_spec *s = parse_default (false);
  cr_assert_str_eq (s->oci_version, "1.0.2-dev");
  cr_assert_str_eq (s->hostname, "minirt");
  cr_assert_str_eq (s->root->path, "rootfs");
  cr_assert (s->root->readonly);

  const struct mrt_process *p = s->process;
  cr_assert (p->terminal);
  cr_assert_eq (p->n_args, 1);
  cr_assert_str_eq (p->args[0], "sh");
  cr_assert_str_eq (p->cwd, "/");
  cr_assert (p->no_new_privileges);
  cr_assert_eq (p->n_rlimits, 1);
  cr_assert_eq (p->rlimits[0].resource, RLIMIT_NOFILE);
  cr_assert_eq (p->rlimits[0].hard, 1024);
  cr_assert_eq (p->rlimits[0].soft, 1024);

  const struct mrt_capabilities *c = p->capabilities;
  cr_assert_eq (c->n_bounding, 3);
  cr_assert_eq (c->n_effective, 3);
  cr_assert_eq (c->n_permitted, 3);
  cr_assert_eq (c->n_ambient, 3);
  cr_assert_eq (c->n_inheritable, 0);
  cr_assert_eq (c->bounding[0], CAP_AUDIT_WRITE);
  cr_assert_eq (c->bounding[1], CAP_KILL);
  cr_assert_eq (c->bounding[2], CAP_NET_BIND_SERVICE);

  static const char *const dests[]
      = { "/proc", "/dev", "/dev/pts", "/dev/shm", "/dev/mqueue", "/sys", "/sys/fs/cgroup" };
  cr_assert_eq (s->n_mounts, 7);
  for (size_t i = 0; i < 7; i++)
    cr_assert_str_eq (s->mounts[i].destination, dests[i]);
  cr_assert_str_eq (s->mounts[5].type, "sysfs");

  const struct mrt_linux *l = s->linux_;
  cr_assert_eq (l->n_namespaces, 5);
  cr_assert (has_ns (l, MRT_NS_PID) && has_ns (l, MRT_NS_NETWORK) && has_ns (l, MRT_NS_IPC) && has_ns (l, MRT_NS_UTS)
             && has_ns (l, MRT_NS_MOUNT));
  cr_assert_not (has_ns (l, MRT_NS_USER));
  cr_assert_eq (l->n_uid_mappings, 0);
  cr_assert_eq (l->n_masked_paths, 10);
  cr_assert_eq (l->n_readonly_paths, 5);
  cr_assert_not_null (l->resources);
  cr_assert_eq (l->resources->n_devices, 1);
  cr_assert_not (l->resources->devices[0].allow);
}

Test (spec_default, rootless_parses_with_user_namespace)
{
  cleanup_spec struct mrt_spec *s = parse_default (true);
  const struct mrt_linux *l = s->linux_;
  cr_assert (has_ns (l, MRT_NS_USER));
  cr_assert_not (has_ns (l, MRT_NS_NETWORK));
  cr_assert_eq (l->n_uid_mappings, 1);
  cr_assert_eq (l->uid_mappings[0].container_id, 0);
  cr_assert_eq (l->uid_mappings[0].host_id, geteuid ());
  cr_assert_eq (l->uid_mappings[0].size, 1);
  cr_assert_eq (l->n_gid_mappings, 1);
  cr_assert_eq (l->gid_mappings[0].host_id, getegid ());
  cr_assert_str_eq (s->mounts[5].type, "none");
  cr_assert_str_eq (s->mounts[5].source, "/sys");
  for (size_t i = 0; i < s->mounts[2].n_options; i++)
    cr_assert_str_neq (s->mounts[2].options[i], "gid=5");
  cr_assert (l->resources == NULL || l->resources->n_devices == 0);
}
