/* SPDX-License-Identifier: Apache-2.0 */
/* The default config.json of `minirt spec`, field for field what `runc spec`
 * writes (and its --rootless variant), with our hostname.  ociVersion stays
 * runc's "1.0.2-dev": every field here is 1.0-era, and crun 1.8 (Debian 12)
 * refuses any config whose version is not 1.0.x ("unknown version
 * specified"), while the file must run under runc, crun and minirt alike. */
#include <unistd.h>

#include "minirt/spec_default.h"
#include "yajl_helpers.h"

static const char *const default_caps[] = { "CAP_AUDIT_WRITE", "CAP_KILL", "CAP_NET_BIND_SERVICE", NULL };

struct mount_entry
{
  const char *destination, *type, *source;
  const char *const *options;
};

static void
gen_process (yajl_gen g)
{
  static const char *const args[] = { "sh", NULL };
  static const char *const env[]
      = { "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "TERM=xterm", NULL };
  static const char *const sets[] = { "bounding", "effective", "permitted", "ambient", NULL };

  gen_str (g, "process");
  yajl_gen_map_open (g);
  gen_key_bool (g, "terminal", true);
  gen_str (g, "user");
  yajl_gen_map_open (g);
  gen_key_int (g, "uid", 0);
  gen_key_int (g, "gid", 0);
  yajl_gen_map_close (g);
  gen_key_strv (g, "args", args);
  gen_key_strv (g, "env", env);
  gen_key_str (g, "cwd", "/");
  gen_str (g, "capabilities");
  yajl_gen_map_open (g);
  for (const char *const *s = sets; *s; s++)
    gen_key_strv (g, *s, default_caps);
  yajl_gen_map_close (g);
  gen_str (g, "rlimits");
  yajl_gen_array_open (g);
  yajl_gen_map_open (g);
  gen_key_str (g, "type", "RLIMIT_NOFILE");
  gen_key_int (g, "hard", 1024);
  gen_key_int (g, "soft", 1024);
  yajl_gen_map_close (g);
  yajl_gen_array_close (g);
  gen_key_bool (g, "noNewPrivileges", true);
  yajl_gen_map_close (g);
}

static void
gen_mounts (yajl_gen g, bool rootless)
{
  static const char *const dev[] = { "nosuid", "strictatime", "mode=755", "size=65536k", NULL };
  static const char *const pts[] = { "nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620", "gid=5", NULL };
  /* A rootless container has no group 5 mapped: runc drops the gid option. */
  static const char *const pts_rootless[] = { "nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620", NULL };
  static const char *const shm[] = { "nosuid", "noexec", "nodev", "mode=1777", "size=65536k", NULL };
  static const char *const mqueue[] = { "nosuid", "noexec", "nodev", NULL };
  static const char *const sys[] = { "nosuid", "noexec", "nodev", "ro", NULL };
  /* Without CAP_SYS_ADMIN in the init user namespace sysfs cannot be mounted. */
  static const char *const sys_rootless[] = { "rbind", "nosuid", "noexec", "nodev", "ro", NULL };
  static const char *const cgroup[] = { "nosuid", "noexec", "nodev", "relatime", "ro", NULL };
  const struct mount_entry mounts[] = {
    { "/proc", "proc", "proc", NULL },
    { "/dev", "tmpfs", "tmpfs", dev },
    { "/dev/pts", "devpts", "devpts", rootless ? pts_rootless : pts },
    { "/dev/shm", "tmpfs", "shm", shm },
    { "/dev/mqueue", "mqueue", "mqueue", mqueue },
    rootless ? (struct mount_entry){ "/sys", "none", "/sys", sys_rootless }
             : (struct mount_entry){ "/sys", "sysfs", "sysfs", sys },
    { "/sys/fs/cgroup", "cgroup", "cgroup", cgroup },
  };

  gen_str (g, "mounts");
  yajl_gen_array_open (g);
  for (size_t i = 0; i < sizeof (mounts) / sizeof (mounts[0]); i++)
    {
      yajl_gen_map_open (g);
      gen_key_str (g, "destination", mounts[i].destination);
      gen_key_str (g, "type", mounts[i].type);
      gen_key_str (g, "source", mounts[i].source);
      if (mounts[i].options)
        gen_key_strv (g, "options", mounts[i].options);
      yajl_gen_map_close (g);
    }
  yajl_gen_array_close (g);
}

static void
gen_id_mapping (yajl_gen g, const char *key, unsigned host_id)
{
  gen_str (g, key);
  yajl_gen_array_open (g);
  yajl_gen_map_open (g);
  gen_key_int (g, "containerID", 0);
  gen_key_int (g, "hostID", host_id);
  gen_key_int (g, "size", 1);
  yajl_gen_map_close (g);
  yajl_gen_array_close (g);
}

static void
gen_linux (yajl_gen g, bool rootless)
{
  static const char *const ns[] = { "pid", "network", "ipc", "uts", "mount", NULL };
  static const char *const ns_rootless[] = { "pid", "ipc", "uts", "mount", "user", NULL };
  static const char *const masked[] = { "/proc/acpi",
                                        "/proc/asound",
                                        "/proc/kcore",
                                        "/proc/keys",
                                        "/proc/latency_stats",
                                        "/proc/timer_list",
                                        "/proc/timer_stats",
                                        "/proc/sched_debug",
                                        "/sys/firmware",
                                        "/proc/scsi",
                                        NULL };
  static const char *const readonly[]
      = { "/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger", NULL };

  gen_str (g, "linux");
  yajl_gen_map_open (g);
  if (rootless)
    {
      gen_id_mapping (g, "uidMappings", geteuid ());
      gen_id_mapping (g, "gidMappings", getegid ());
    }
  else
    {
      /* Deny every device; the runtime adds the default ones it creates. */
      gen_str (g, "resources");
      yajl_gen_map_open (g);
      gen_str (g, "devices");
      yajl_gen_array_open (g);
      yajl_gen_map_open (g);
      gen_key_bool (g, "allow", false);
      gen_key_str (g, "access", "rwm");
      yajl_gen_map_close (g);
      yajl_gen_array_close (g);
      yajl_gen_map_close (g);
    }
  gen_str (g, "namespaces");
  yajl_gen_array_open (g);
  for (const char *const *n = rootless ? ns_rootless : ns; *n; n++)
    {
      yajl_gen_map_open (g);
      gen_key_str (g, "type", *n);
      yajl_gen_map_close (g);
    }
  yajl_gen_array_close (g);
  gen_key_strv (g, "maskedPaths", masked);
  gen_key_strv (g, "readonlyPaths", readonly);
  yajl_gen_map_close (g);
}

char *
mrt_spec_default_json (bool rootless)
{
  yajl_gen g = gen_new_pretty ();
  if (g == NULL)
    return NULL;
  yajl_gen_map_open (g);
  gen_key_str (g, "ociVersion", "1.0.2-dev");
  gen_process (g);
  gen_str (g, "root");
  yajl_gen_map_open (g);
  gen_key_str (g, "path", "rootfs");
  gen_key_bool (g, "readonly", true);
  yajl_gen_map_close (g);
  gen_key_str (g, "hostname", "minirt");
  gen_mounts (g, rootless);
  gen_linux (g, rootless);
  yajl_gen_map_close (g);
  return gen_finish (g);
}
