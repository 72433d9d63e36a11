/* SPDX-License-Identifier: Apache-2.0 */
/* The `linux` object except resources and seccomp (own files). */
#include <sched.h>
#include <sys/stat.h>
#include <string.h>

#include "spec_parse.h"
#include "utils.h"

#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif

/* ---- namespaces ------------------------------------------------------------- */

static const struct sj_enum ns_types[] = {
  [MRT_NS_PID] = { "pid", CLONE_NEWPID },          [MRT_NS_NETWORK] = { "network", CLONE_NEWNET },
  [MRT_NS_MOUNT] = { "mount", CLONE_NEWNS },       [MRT_NS_IPC] = { "ipc", CLONE_NEWIPC },
  [MRT_NS_UTS] = { "uts", CLONE_NEWUTS },          [MRT_NS_USER] = { "user", CLONE_NEWUSER },
  [MRT_NS_CGROUP] = { "cgroup", CLONE_NEWCGROUP }, [MRT_NS_TIME] = { "time", CLONE_NEWTIME },
};

const char *
mrt_ns_type_name (enum mrt_ns_type type)
{
  if ((unsigned)type >= MRT_NS__COUNT)
    return "unknown";
  return ns_types[type].name;
}

int
mrt_ns_type_clone_flag (enum mrt_ns_type type)
{
  if ((unsigned)type >= MRT_NS__COUNT)
    return 0;
  return ns_types[type].value;
}

static int
parse_namespace (struct sj_ctx *c, yajl_val v, void *out)
{
  struct mrt_namespace *ns = out;
  cleanup_free char *type = NULL;
  if (sj_string (c, v, "type", true, &type) < 0)
    return -1;
  size_t i;
  for (i = 0; i < MRT_NS__COUNT; i++)
    if (strcmp (ns_types[i].name, type) == 0)
      break;
  if (i == MRT_NS__COUNT)
    return sj_error_at (c, "type", "unknown namespace type \"%s\"", type);
  ns->type = (enum mrt_ns_type)i;
  return sj_abs_path (c, v, "path", false, &ns->path);
}

static int
parse_namespaces (struct sj_ctx *c, yajl_val v, struct mrt_linux *l)
{
  if (sj_object_array (c, v, "namespaces", false, sizeof (struct mrt_namespace), (void **)&l->namespaces,
                       &l->n_namespaces, parse_namespace)
      < 0)
    return -1;
  for (size_t i = 0; i < l->n_namespaces; i++)
    for (size_t j = 0; j < i; j++)
      if (l->namespaces[i].type == l->namespaces[j].type)
        {
          size_t mark = sj_push_key (c, "namespaces");
          sj_push_index (c, i);
          sj_error_at (c, "type", "duplicate namespace \"%s\"", mrt_ns_type_name (l->namespaces[i].type));
          sj_pop (c, mark);
          return -1;
        }
  return 0;
}

/* ---- timeOffsets ------------------------------------------------------------------ */

static int
parse_time_offset (struct sj_ctx *c, yajl_val v, struct mrt_time_offset *t)
{
  if (sj_val_object (c, v) < 0 || sj_i64 (c, v, "secs", false, INT64_MIN, INT64_MAX, &t->secs) < 0
      || sj_u32 (c, v, "nanosecs", false, &t->nanosecs) < 0)
    return -1;
  if (t->nanosecs >= 1000000000u)
    return sj_error_at (c, "nanosecs", "expected an integer in 0..999999999, got %u", t->nanosecs);
  return 0;
}

static int
parse_time_offsets (struct sj_ctx *c, yajl_val v, void *out)
{
  struct mrt_time_offsets *t = out;
  for (size_t i = 0; i < v->u.object.len; i++)
    {
      const char *clock = v->u.object.keys[i];
      yajl_val val = v->u.object.values[i];
      size_t mark = sj_push_key (c, clock);
      int r;
      if (strcmp (clock, "monotonic") == 0)
        r = parse_time_offset (c, val, &t->monotonic), t->has_monotonic = true;
      else if (strcmp (clock, "boottime") == 0)
        r = parse_time_offset (c, val, &t->boottime), t->has_boottime = true;
      else
        r = sj_error (c, "unknown clock \"%s\" (expected \"monotonic\" or \"boottime\")", clock);
      sj_pop (c, mark);
      if (r < 0)
        return -1;
    }
  return 0;
}

/* ---- devices ----------------------------------------------------------------------- */

static int
parse_device (struct sj_ctx *c, yajl_val v, void *out)
{
  struct mrt_device *d = out;
  cleanup_free char *type = NULL;
  if (sj_abs_path (c, v, "path", true, &d->path) < 0 || sj_string (c, v, "type", true, &type) < 0)
    return -1;
  if (strlen (type) != 1 || strchr ("cbup", type[0]) == NULL)
    return sj_error_at (c, "type", "unknown device type \"%s\" (expected c, b, u or p)", type);
  d->type = type[0];
  bool need_numbers = d->type != 'p';
  if (sj_i64 (c, v, "major", need_numbers, 0, UINT32_MAX, &d->major) < 0
      || sj_i64 (c, v, "minor", need_numbers, 0, UINT32_MAX, &d->minor) < 0
      || sj_opt_u64 (c, v, "fileMode", S_IFMT | 07777, &d->file_mode) < 0
      || sj_opt_u64 (c, v, "uid", UINT32_MAX, &d->uid) < 0 || sj_opt_u64 (c, v, "gid", UINT32_MAX, &d->gid) < 0)
    return -1;
  /* podman (--device, --privileged) copies st_mode, file type bits included,
     as runc accepts: they may only repeat what "type" says. */
  mode_t fmt = d->file_mode.set ? (mode_t)d->file_mode.value & S_IFMT : 0;
  mode_t want = d->type == 'b' ? S_IFBLK : d->type == 'p' ? S_IFIFO : S_IFCHR;
  if (fmt != 0 && fmt != want)
    return sj_error_at (c, "fileMode", "file type bits 0%o do not match type \"%c\"", (unsigned)fmt, d->type);
  return 0;
}

/* ---- small string enums and sub-objects --------------------------------------------- */

static const char *const propagations[]
    = { "", "private", "rprivate", "slave", "rslave", "shared", "rshared", "unbindable", "runbindable" };

static int
parse_propagation (struct sj_ctx *c, yajl_val v, struct mrt_linux *l)
{
  if (sj_string (c, v, "rootfsPropagation", false, &l->rootfs_propagation) < 0)
    return -1;
  if (l->rootfs_propagation == NULL)
    return 0;
  for (size_t i = 0; i < ARRAY_SIZE (propagations); i++)
    if (strcmp (propagations[i], l->rootfs_propagation) == 0)
      return 0;
  return sj_error_at (c, "rootfsPropagation", "unknown propagation \"%s\"", l->rootfs_propagation);
}

static const struct sj_enum personality_domains[] = { { "LINUX", 0 }, { "LINUX32", 1 } };

static int
parse_personality (struct sj_ctx *c, yajl_val v, void *out)
{
  struct mrt_personality *p = out;
  int dummy;
  if (sj_string (c, v, "domain", true, &p->domain) < 0)
    return -1;
  if (!sj_enum_lookup (personality_domains, ARRAY_SIZE (personality_domains), p->domain, &dummy))
    return sj_error_at (c, "domain", "unknown personality domain \"%s\"", p->domain);
  return sj_string_array (c, v, "flags", false, &p->flags, &p->n_flags);
}

static int
parse_intel_rdt (struct sj_ctx *c, yajl_val v, void *out)
{
  struct mrt_intel_rdt *r = out;
  if (sj_string (c, v, "closID", false, &r->clos_id) < 0
      || sj_string (c, v, "l3CacheSchema", false, &r->l3_cache_schema) < 0
      || sj_string (c, v, "memBwSchema", false, &r->mem_bw_schema) < 0
      || sj_bool (c, v, "enableCMT", &r->enable_cmt) < 0 || sj_bool (c, v, "enableMBM", &r->enable_mbm) < 0)
    return -1;
  return 0;
}

/* ---- linux ------------------------------------------------------------------------------ */

static int
parse_linux_lists (struct sj_ctx *c, yajl_val v, struct mrt_linux *l)
{
  if (parse_namespaces (c, v, l) < 0)
    return -1;
  if (sj_object_array (c, v, "uidMappings", false, sizeof (struct mrt_id_mapping), (void **)&l->uid_mappings,
                       &l->n_uid_mappings, parse_id_mapping)
          < 0
      || sj_object_array (c, v, "gidMappings", false, sizeof (struct mrt_id_mapping), (void **)&l->gid_mappings,
                          &l->n_gid_mappings, parse_id_mapping)
             < 0
      || sj_object_array (c, v, "devices", false, sizeof (struct mrt_device), (void **)&l->devices, &l->n_devices,
                          parse_device)
             < 0)
    return -1;
  if (sj_string_map (c, v, "sysctl", &l->sysctl, &l->n_sysctl) < 0
      || sj_string_array (c, v, "maskedPaths", false, &l->masked_paths, &l->n_masked_paths) < 0
      || sj_string_array (c, v, "readonlyPaths", false, &l->readonly_paths, &l->n_readonly_paths) < 0)
    return -1;
  return 0;
}

int
parse_linux (struct sj_ctx *c, yajl_val v, void *out)
{
  struct mrt_linux *l = out;
  if (parse_linux_lists (c, v, l) < 0)
    return -1;
  if (sj_sub_object (c, v, "timeOffsets", false, sizeof (struct mrt_time_offsets), (void **)&l->time_offsets,
                     parse_time_offsets)
      < 0)
    return -1;
  if (sj_string (c, v, "cgroupsPath", false, &l->cgroups_path) < 0
      || sj_string (c, v, "mountLabel", false, &l->mount_label) < 0 || parse_propagation (c, v, l) < 0)
    return -1;
  if (sj_sub_object (c, v, "resources", false, sizeof (struct mrt_resources), (void **)&l->resources, parse_resources)
          < 0
      || sj_sub_object (c, v, "seccomp", false, sizeof (struct mrt_seccomp), (void **)&l->seccomp, parse_seccomp) < 0
      || sj_sub_object (c, v, "personality", false, sizeof (struct mrt_personality), (void **)&l->personality,
                        parse_personality)
             < 0
      || sj_sub_object (c, v, "intelRdt", false, sizeof (struct mrt_intel_rdt), (void **)&l->intel_rdt, parse_intel_rdt)
             < 0)
    return -1;
  return 0;
}

void
free_linux (struct mrt_linux *l)
{
  if (l == NULL)
    return;
  for (size_t i = 0; l->namespaces && i < l->n_namespaces; i++)
    free (l->namespaces[i].path);
  free (l->namespaces);
  free (l->uid_mappings);
  free (l->gid_mappings);
  free (l->time_offsets);
  for (size_t i = 0; l->devices && i < l->n_devices; i++)
    free (l->devices[i].path);
  free (l->devices);
  free (l->cgroups_path);
  mrt_resources_free (l->resources);
  sj_free_kv (l->sysctl, l->n_sysctl);
  mrt_seccomp_free (l->seccomp);
  free (l->rootfs_propagation);
  sj_free_strv (l->masked_paths, l->n_masked_paths);
  sj_free_strv (l->readonly_paths, l->n_readonly_paths);
  free (l->mount_label);
  if (l->personality)
    {
      free (l->personality->domain);
      sj_free_strv (l->personality->flags, l->personality->n_flags);
    }
  free (l->personality);
  if (l->intel_rdt)
    {
      free (l->intel_rdt->clos_id);
      free (l->intel_rdt->l3_cache_schema);
      free (l->intel_rdt->mem_bw_schema);
    }
  free (l->intel_rdt);
  free (l);
}
