/* SPDX-License-Identifier: Apache-2.0 */
/* `minirt features`: only what this build and this machine support. */
#include <ctype.h>
#include <errno.h>
#include <linux/seccomp.h>
#include <seccomp.h>
#include <stdio.h>
#include <sys/capability.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "config.h"
#include "minirt/features.h"
#include "yajl_helpers.h"

static const char *const hooks[] = { "prestart",         "createRuntime", "createContainer",
                                     "startContainer",   "poststart",     "poststop",
                                     NULL };

/* The mount options libcontainer/rootfs.c translates into mount(2) flags and
 * propagation changes; keep in sync with it. */
static const char *const mount_options[]
    = { "async",      "atime",     "bind",        "defaults",   "dev",           "diratime",   "dirsync",
        "exec",       "iversion",  "lazytime",    "loud",       "mand",          "noatime",    "nodev",
        "nodiratime", "noexec",    "noiversion",  "nolazytime", "nomand",        "norelatime", "nostrictatime",
        "nosuid",     "nosymfollow", "private",   "rbind",      "relatime",      "remount",    "ro",
        "rprivate",   "rshared",   "rslave",      "runbindable", "rw",           "shared",     "silent",
        "slave",      "strictatime", "suid",      "symfollow",  "sync",          "unbindable", NULL };

static const char *const operators[]
    = { "SCMP_CMP_EQ", "SCMP_CMP_GE", "SCMP_CMP_GT", "SCMP_CMP_LE", "SCMP_CMP_LT", "SCMP_CMP_MASKED_EQ", "SCMP_CMP_NE",
        NULL };

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
      if (!isdigit ((unsigned char) name[0]))
        {
          char upper[64];
          size_t j;
          for (j = 0; name[j] && j < sizeof (upper) - 1; j++)
            upper[j] = toupper ((unsigned char) name[j]);
          upper[j] = '\0';
          gen_str (g, upper);
        }
      cap_free (name);
    }
  yajl_gen_array_close (g);
}

static void
gen_seccomp_actions (yajl_gen g, unsigned api)
{
  /* libseccomp's API level already accounts for what the kernel can do. */
  gen_str (g, "actions");
  yajl_gen_array_open (g);
  gen_str (g, "SCMP_ACT_ALLOW");
  gen_str (g, "SCMP_ACT_ERRNO");
  gen_str (g, "SCMP_ACT_KILL");
  if (api >= 3)
    gen_str (g, "SCMP_ACT_KILL_PROCESS");
  gen_str (g, "SCMP_ACT_KILL_THREAD");
  if (api >= 3)
    gen_str (g, "SCMP_ACT_LOG");
  if (api >= 5)
    gen_str (g, "SCMP_ACT_NOTIFY");
  gen_str (g, "SCMP_ACT_TRACE");
  gen_str (g, "SCMP_ACT_TRAP");
  yajl_gen_array_close (g);
}

static void
gen_seccomp_archs (yajl_gen g)
{
  /* The runtime-spec names; listed when the linked libseccomp knows them. */
  static const char *const archs[][2] = {
    { "SCMP_ARCH_AARCH64", "aarch64" },     { "SCMP_ARCH_ARM", "arm" },
    { "SCMP_ARCH_LOONGARCH64", "loongarch64" }, { "SCMP_ARCH_MIPS", "mips" },
    { "SCMP_ARCH_MIPS64", "mips64" },       { "SCMP_ARCH_MIPS64N32", "mips64n32" },
    { "SCMP_ARCH_MIPSEL", "mipsel" },       { "SCMP_ARCH_MIPSEL64", "mipsel64" },
    { "SCMP_ARCH_MIPSEL64N32", "mipsel64n32" }, { "SCMP_ARCH_PARISC", "parisc" },
    { "SCMP_ARCH_PARISC64", "parisc64" },   { "SCMP_ARCH_PPC", "ppc" },
    { "SCMP_ARCH_PPC64", "ppc64" },         { "SCMP_ARCH_PPC64LE", "ppc64le" },
    { "SCMP_ARCH_RISCV64", "riscv64" },     { "SCMP_ARCH_S390", "s390" },
    { "SCMP_ARCH_S390X", "s390x" },         { "SCMP_ARCH_X32", "x32" },
    { "SCMP_ARCH_X86", "x86" },             { "SCMP_ARCH_X86_64", "x86_64" },
  };
  gen_str (g, "archs");
  yajl_gen_array_open (g);
  for (size_t i = 0; i < sizeof (archs) / sizeof (archs[0]); i++)
    if (seccomp_arch_resolve_name (archs[i][1]) != 0)
      gen_str (g, archs[i][0]);
  yajl_gen_array_close (g);
}

/* The kernel rejects unknown flags with EINVAL before it reads the (here
 * NULL) program, which then fails with EFAULT: a probe without side effect,
 * the one libseccomp itself uses. */
static bool
kernel_has_filter_flag (unsigned long flag)
{
  long r = syscall (SYS_seccomp, SECCOMP_SET_MODE_FILTER, flag, NULL);
  return r < 0 && errno == EFAULT;
}

static void
gen_seccomp_flags (yajl_gen g)
{
  /* The filter is loaded with seccomp(2) itself (libcontainer/seccomp.c), so
   * what counts is the kernel, not libseccomp's attributes. */
  static const struct
  {
    const char *name;
    unsigned long probe; /* flags to offer the kernel */
  } flags[] = {
    { "SECCOMP_FILTER_FLAG_TSYNC", SECCOMP_FILTER_FLAG_TSYNC },
    { "SECCOMP_FILTER_FLAG_LOG", SECCOMP_FILTER_FLAG_LOG },
    { "SECCOMP_FILTER_FLAG_SPEC_ALLOW", SECCOMP_FILTER_FLAG_SPEC_ALLOW },
    /* Only valid together with NEW_LISTENER. */
    { "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV", (1UL << 5) | SECCOMP_FILTER_FLAG_NEW_LISTENER },
  };
  gen_str (g, "knownFlags");
  yajl_gen_array_open (g);
  for (size_t i = 0; i < sizeof (flags) / sizeof (flags[0]); i++)
    gen_str (g, flags[i].name);
  yajl_gen_array_close (g);
  gen_str (g, "supportedFlags");
  yajl_gen_array_open (g);
  for (size_t i = 0; i < sizeof (flags) / sizeof (flags[0]); i++)
    if (kernel_has_filter_flag (flags[i].probe))
      gen_str (g, flags[i].name);
  yajl_gen_array_close (g);
}

static void
gen_seccomp (yajl_gen g)
{
  unsigned api = seccomp_api_get ();
  gen_str (g, "seccomp");
  yajl_gen_map_open (g);
  gen_key_bool (g, "enabled", true);
  gen_seccomp_actions (g, api);
  gen_key_strv (g, "operators", operators);
  gen_seccomp_archs (g);
  gen_seccomp_flags (g);
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
  gen_str (g, "cgroup");
  yajl_gen_map_open (g);
  gen_key_bool (g, "v1", true);
  gen_key_bool (g, "v2", true);
  gen_key_bool (g, "systemd", false);
  gen_key_bool (g, "systemdUser", false);
  yajl_gen_map_close (g);
  gen_seccomp (g);
  gen_disabled (g, "apparmor");
  gen_disabled (g, "selinux");
  gen_disabled (g, "intelRdt");
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
  gen_key_strv (g, "mountOptions", mount_options);
  gen_linux (g);
  gen_str (g, "annotations");
  yajl_gen_map_open (g);
  gen_key_str (g, "io.github.seccomp.libseccomp.version", libseccomp);
  gen_key_str (g, "org.minirt.version", MINIRT_VERSION);
  yajl_gen_map_close (g);
  free (libseccomp);
  yajl_gen_map_close (g);
  return gen_finish (g);
}
