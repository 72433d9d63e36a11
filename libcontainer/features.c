/* SPDX-License-Identifier: Apache-2.0 */
/* `minirt features`: only what this build and this machine support. */
#include <ctype.h>
#include <errno.h>
#include <seccomp.h>
#include <stdio.h>
#include <string.h>
#include <sys/capability.h>
#include <unistd.h>

#include "config.h"
#include "minirt/features.h"
#include "mount_idmap.h"
#include "seccomp.h"
#include "yajl_helpers.h"

static const char *const hooks[]
    = { "prestart", "createRuntime", "createContainer", "startContainer", "poststart", "poststop", NULL };

/* Every word libcontainer/mount_options.c turns into a mount(2) flag, a
 * propagation change, a recursive mount_setattr(2) attribute, or tmpcopyup:
 * runc's list, with "idmap" and "ridmap" (mount_idmap.c).
 * tests/unit/test_features.c checks each word against that parser. */
/* clang-format off */
const char *const mrt_features_mount_options[]
    = { "acl",            "async",          "atime",          "bind",           "defaults",       "dev",
        "diratime",       "dirsync",        "exec",           "idmap",          "iversion",       "lazytime",
        "loud",           "mand",           "noacl",          "noatime",        "nodev",          "nodiratime",
        "noexec",         "noiversion",     "nolazytime",     "nomand",         "norelatime",     "nostrictatime",
        "nosuid",         "nosymfollow",    "private",        "ratime",         "rbind",          "rdev",
        "rdiratime",      "relatime",       "remount",        "rexec",          "ridmap",         "rnoatime",
        "rnodev",         "rnodiratime",    "rnoexec",        "rnorelatime",    "rnostrictatime", "rnosuid",
        "rnosymfollow",   "ro",             "rprivate",       "rrelatime",      "rro",            "rrw",
        "rshared",        "rslave",         "rstrictatime",   "rsuid",          "rsymfollow",     "runbindable",
        "rw",             "shared",         "silent",         "slave",          "strictatime",    "suid",
        "symfollow",      "sync",           "tmpcopyup",      "unbindable",     NULL };
/* clang-format on */

static void
gen_namespaces (yajl_gen g)
{
  /* cgroup .. uts exist on every kernel minirt runs on; time namespaces
   * (5.6) only when the kernel has them. */
  static const char *const always[] = { "cgroup", "ipc", "mount", "network", "pid", NULL };
  gen_str (g, "namespaces");
  yajl_gen_array_open (g);
  for (const char *const *n = always; *n; n++)
    gen_str (g, *n);
  if (access ("/proc/self/ns/time", F_OK) == 0)
    gen_str (g, "time");
  gen_str (g, "user");
  gen_str (g, "uts");
  yajl_gen_array_close (g);
}

static void
gen_capabilities (yajl_gen g)
{
  gen_str (g, "capabilities");
  yajl_gen_array_open (g);
  for (cap_value_t i = 0; i < cap_max_bits (); i++)
    {
      char *name = cap_to_name (i);
      if (name == NULL)
        continue;
      /* libcap names the capabilities it does not know by number. */
      if (!isdigit ((unsigned char)name[0]))
        {
          char upper[64];
          size_t j;
          for (j = 0; j < sizeof (upper) - 1 && name[j]; j++)
            upper[j] = toupper ((unsigned char)name[j]);
          upper[j] = '\0';
          gen_str (g, upper);
        }
      cap_free (name);
    }
  yajl_gen_array_close (g);
}

/* Is the action usable with the linked libseccomp?  Its API level already
 * accounts for what the running kernel can do. */
static bool
action_available (const char *name, unsigned api)
{
  if (strcmp (name, "SCMP_ACT_KILL_PROCESS") == 0 || strcmp (name, "SCMP_ACT_LOG") == 0)
    return api >= 3;
  if (strcmp (name, "SCMP_ACT_NOTIFY") == 0)
    return api >= 5;
  return true;
}

/* Can a filter on this machine hold the architecture?  libseccomp knows
 * more than it can mix with the native one (big-endian MIPS, PPC and s390
 * on x86_64 fail with EDOM), and a profile naming those would fail. */
static bool
arch_available (const char *name)
{
  const char *prefix = "SCMP_ARCH_";
  char lower[64];
  size_t i;
  if (strncmp (name, prefix, strlen (prefix)) != 0)
    return false;
  name += strlen (prefix);
  for (i = 0; i < sizeof (lower) - 1 && name[i]; i++)
    lower[i] = tolower ((unsigned char)name[i]);
  lower[i] = '\0';
  uint32_t token = seccomp_arch_resolve_name (lower);
  if (token == 0)
    return false;
  scmp_filter_ctx ctx = seccomp_init (SCMP_ACT_ALLOW);
  if (ctx == NULL)
    return false;
  int r = seccomp_arch_add (ctx, token);
  seccomp_release (ctx);
  return r == 0 || r == -EEXIST;
}

/* The names come from libcontainer/seccomp.c, the code that compiles and
 * loads the filter, so that features and behaviour cannot drift apart.
 * Flags are probed in the running kernel, as the filter is loaded with
 * seccomp(2) directly. */
static void
gen_seccomp (yajl_gen g)
{
  unsigned api = seccomp_api_get ();
  const char *const *v;

  gen_str (g, "seccomp");
  yajl_gen_map_open (g);
  gen_key_bool (g, "enabled", true);
  gen_str (g, "actions");
  yajl_gen_array_open (g);
  for (v = mrt_seccomp_known_actions (); *v; v++)
    if (action_available (*v, api))
      gen_str (g, *v);
  yajl_gen_array_close (g);
  gen_key_strv (g, "operators", mrt_seccomp_known_operators ());
  gen_str (g, "archs");
  yajl_gen_array_open (g);
  for (v = mrt_seccomp_known_archs (); *v; v++)
    if (arch_available (*v))
      gen_str (g, *v);
  yajl_gen_array_close (g);
  gen_key_strv (g, "knownFlags", mrt_seccomp_known_flags ());
  gen_str (g, "supportedFlags");
  yajl_gen_array_open (g);
  for (v = mrt_seccomp_known_flags (); *v; v++)
    if (mrt_seccomp_flag_supported (*v))
      gen_str (g, *v);
  yajl_gen_array_close (g);
  yajl_gen_map_close (g);
}

static void
gen_disabled (yajl_gen g, const char *key)
{
  gen_str (g, key);
  yajl_gen_map_open (g);
  gen_key_bool (g, "enabled", false);
  yajl_gen_map_close (g);
}

static void
gen_linux (yajl_gen g)
{
  gen_str (g, "linux");
  yajl_gen_map_open (g);
  gen_namespaces (g);
  gen_capabilities (g);
  /* --systemd-cgroup only places the cgroup at the systemd path of
   * slice:prefix:name; no transient unit is asked from systemd, so the
   * systemd driver is not claimed. */
  gen_str (g, "cgroup");
  yajl_gen_map_open (g);
  gen_key_bool (g, "v1", true);
  gen_key_bool (g, "v2", true);
  gen_key_bool (g, "systemd", false);
  gen_key_bool (g, "systemdUser", false);
  /* linux.resources.rdma is written to rdma.max (v1 and v2). */
  gen_key_bool (g, "rdma", true);
  yajl_gen_map_close (g);
  gen_seccomp (g);
  gen_disabled (g, "apparmor");
  gen_disabled (g, "selinux");
  gen_disabled (g, "intelRdt");
  /* Idmapped mounts need mount_setattr(2) (mount_idmap.c); linux.netDevices
   * is not read. */
  gen_str (g, "mountExtensions");
  yajl_gen_map_open (g);
  gen_str (g, "idmap");
  yajl_gen_map_open (g);
  gen_key_bool (g, "enabled", mrt_idmap_supported ());
  yajl_gen_map_close (g);
  yajl_gen_map_close (g);
  gen_disabled (g, "netDevices");
  yajl_gen_map_close (g);
}

char *
mrt_libseccomp_version (void)
{
  const struct scmp_version *v = seccomp_version ();
  char *s = NULL;
  if (asprintf (&s, "%u.%u.%u", v->major, v->minor, v->micro) < 0)
    return NULL;
  return s;
}

char *
mrt_features_json (void)
{
  char *libseccomp = mrt_libseccomp_version ();
  if (libseccomp == NULL)
    return NULL;
  yajl_gen g = gen_new_pretty ();
  if (g == NULL)
    {
      free (libseccomp);
      return NULL;
    }
  yajl_gen_map_open (g);
  gen_key_str (g, "ociVersionMin", "1.0.0");
  gen_key_str (g, "ociVersionMax", MINIRT_SPEC_VERSION);
  gen_key_strv (g, "hooks", hooks);
  gen_key_strv (g, "mountOptions", mrt_features_mount_options);
  gen_linux (g);
  gen_str (g, "annotations");
  yajl_gen_map_open (g);
  gen_key_str (g, "io.github.seccomp.libseccomp.version", libseccomp);
  gen_key_str (g, "org.minirt.version", MINIRT_VERSION);
  /* As runc's org.opencontainers.runc.checkpoint.enabled. */
  gen_key_str (g, "org.minirt.checkpoint.enabled", "false");
  yajl_gen_map_close (g);
  yajl_gen_map_close (g);
  free (libseccomp);
  return gen_finish (g);
}
