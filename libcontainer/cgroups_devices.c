/* SPDX-License-Identifier: Apache-2.0 */
/* The device cgroup rules a container gets, shared by the v1
 * devices.allow/deny writer and the v2 BPF filter. */

#include "cgroups_internal.h"
#include "utils.h"

/* runc's AllowedDevices: mknod of anything, the standard character devices,
 * the pty slaves and /dev/net/tun. */
static const struct
{
  char type;
  int64_t major, minor;
  const char *access;
} default_devices[] = {
  { 'c', -1, -1, "m" },    { 'b', -1, -1, "m" }, { 'c', 1, 3, "rwm" },    { 'c', 1, 8, "rwm" },
  { 'c', 1, 7, "rwm" },    { 'c', 5, 0, "rwm" }, { 'c', 1, 5, "rwm" },    { 'c', 1, 9, "rwm" },
  { 'c', 136, -1, "rwm" }, { 'c', 5, 2, "rwm" }, { 'c', 10, 200, "rwm" },
};

struct mrt_device_cgroup_rule *
mrt_cg_device_rules (const struct mrt_cgroup *cg, const struct mrt_resources *res, size_t *n)
{
  size_t n_res = res ? res->n_devices : 0;
  size_t cap = n_res + cg->n_devices + ARRAY_SIZE (default_devices);
  struct mrt_device_cgroup_rule *r = xmalloc0 (cap * sizeof (*r));
  size_t k = 0;
  for (size_t i = 0; i < n_res; i++)
    r[k++] = res->devices[i];
  for (size_t i = 0; i < cg->n_devices; i++)
    {
      const struct mrt_device *d = &cg->devices[i];
      if (d->type == 'p')
        continue; /* fifos are not device-controlled */
      r[k++] = (struct mrt_device_cgroup_rule){ .allow = true,
                                                .type = d->type == 'b' ? 'b' : 'c',
                                                .major = { true, d->major },
                                                .minor = { true, d->minor },
                                                .access = (char *)"rwm" };
    }
  for (size_t i = 0; i < ARRAY_SIZE (default_devices); i++)
    r[k++] = (struct mrt_device_cgroup_rule){ .allow = true,
                                              .type = default_devices[i].type,
                                              .major = { default_devices[i].major >= 0, default_devices[i].major },
                                              .minor = { default_devices[i].minor >= 0, default_devices[i].minor },
                                              .access = (char *)default_devices[i].access };
  *n = k;
  return r;
}
