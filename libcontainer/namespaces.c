/* SPDX-License-Identifier: Apache-2.0 */
/* Namespaces: create with clone3 or join by path (see namespaces.h). */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <net/if.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "namespaces.h"
#include "syscalls.h"
#include "utils.h"

#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif

static const struct
{
  const char *name;
  int flag;
} ns_table[MRT_NS__COUNT] = {
  [MRT_NS_PID] = { "pid", CLONE_NEWPID },          [MRT_NS_NETWORK] = { "network", CLONE_NEWNET },
  [MRT_NS_MOUNT] = { "mount", CLONE_NEWNS },       [MRT_NS_IPC] = { "ipc", CLONE_NEWIPC },
  [MRT_NS_UTS] = { "uts", CLONE_NEWUTS },          [MRT_NS_USER] = { "user", CLONE_NEWUSER },
  [MRT_NS_CGROUP] = { "cgroup", CLONE_NEWCGROUP }, [MRT_NS_TIME] = { "time", CLONE_NEWTIME },
};

const char *
mrt_ns_name (enum mrt_ns_type type)
{
  return (unsigned)type < MRT_NS__COUNT ? ns_table[type].name : "unknown";
}

void
mrt_ns_plan_init (struct mrt_ns_plan *plan)
{
  memset (plan, 0, sizeof (*plan));
  for (int i = 0; i < MRT_NS__COUNT; i++)
    plan->join_fd[i] = -1;
}

void
mrt_ns_plan_close (struct mrt_ns_plan *plan)
{
  for (int i = 0; i < MRT_NS__COUNT; i++)
    if (plan->join_fd[i] >= 0)
      {
        close (plan->join_fd[i]);
        plan->join_fd[i] = -1;
      }
}

int
mrt_ns_plan_make (const struct mrt_linux *linux_, struct mrt_ns_plan *plan, mrt_error_t *err)
{
  mrt_ns_plan_init (plan);
  if (linux_ == NULL)
    return 0;
  for (size_t i = 0; i < linux_->n_namespaces; i++)
    {
      const struct mrt_namespace *ns = &linux_->namespaces[i];
      if ((unsigned)ns->type >= MRT_NS__COUNT)
        continue;
      plan->present[ns->type] = true;
      if (ns->path == NULL || *ns->path == '\0')
        {
          plan->create[ns->type] = true;
          if (ns->type != MRT_NS_CGROUP && ns->type != MRT_NS_TIME)
            plan->clone_flags |= ns_table[ns->type].flag;
          continue;
        }
      int fd = open (ns->path, O_RDONLY | O_CLOEXEC);
      if (fd < 0)
        {
          mrt_error_sys (err, "linux.namespaces[%zu].path: open `%s`", i, ns->path);
          mrt_ns_plan_close (plan);
          return -1;
        }
      plan->join_fd[ns->type] = fd;
      plan->join_path[ns->type] = ns->path;
    }
  return 0;
}

/* cgroup_fd >= 0: try to be born in that cgroup2 directory
 * (CLONE_INTO_CGROUP); *in_cgroup says whether it worked.  The kernel may
 * refuse it (too old, or a cgroup it cannot take processes in): then the
 * caller moves the child the old way. */
static pid_t
raw_clone (int flags, int cgroup_fd, bool *in_cgroup, mrt_error_t *err)
{
  /* With CLONE_PARENT the exit signal is the caller's own (SIGCHLD here):
   * clone3 wants 0. */
  int sig = (flags & CLONE_PARENT) ? 0 : SIGCHLD;
  struct clone_args args = { .flags = (uint64_t)flags, .exit_signal = (uint64_t)sig };
  pid_t pid = -1;
  *in_cgroup = false;
  if (cgroup_fd >= 0)
    {
      args.flags |= CLONE_INTO_CGROUP;
      args.cgroup = (uint64_t)cgroup_fd;
      pid = (pid_t)mrt_clone3 (&args);
      if (pid >= 0)
        {
          *in_cgroup = true;
          return pid;
        }
      args.flags &= ~(uint64_t)CLONE_INTO_CGROUP;
      args.cgroup = 0;
    }
  pid = (pid_t)mrt_clone3 (&args);
  if (pid < 0 && errno == ENOSYS)
    pid = (pid_t)syscall (SYS_clone, flags | sig, NULL, NULL, NULL, NULL);
  if (pid < 0)
    return mrt_error_sys (err, "clone with linux.namespaces");
  return pid;
}

static bool
joins_any (const struct mrt_ns_plan *plan)
{
  for (int i = 0; i < MRT_NS__COUNT; i++)
    if (plan->join_fd[i] >= 0)
      return true;
  return false;
}

/* What the helper tells the parent: the init's pid, or an error. */
struct helper_msg
{
  pid_t pid;
  bool in_cgroup;
  char msg[1024];
};

/* In the helper: join every namespace given by path, then clone the init
 * as a sibling (CLONE_PARENT, so it is the parent's child) and exit. */
static pid_t
helper_main (const struct mrt_ns_plan *plan, int cgroup_fd, int out)
{
  struct helper_msg m = { .pid = -1 };
  mrt_error_t e = NULL;
  pid_t pid = -1;
  if (mrt_ns_join_paths (plan, &e) == 0)
    pid = raw_clone (plan->clone_flags | CLONE_PARENT, cgroup_fd, &m.in_cgroup, &e);
  if (pid == 0)
    {
      close (out);
      return 0;
    }
  m.pid = pid;
  if (e)
    snprintf (m.msg, sizeof (m.msg), "%s", e->msg);
  mrt_write_all (out, &m, sizeof (m));
  _exit (pid > 0 ? 0 : 1);
}

pid_t
mrt_ns_clone (const struct mrt_ns_plan *plan, int cgroup_fd, bool *in_cgroup, mrt_error_t *err)
{
  *in_cgroup = false;
  if (!joins_any (plan))
    return raw_clone (plan->clone_flags, cgroup_fd, in_cgroup, err);

  /* Namespaces given by path are joined before the new ones are made, as
   * runc does, so that e.g. a joined user namespace owns the new mount and
   * pid namespaces, and a host-owned network namespace can still be joined
   * next to a new user namespace.  setns() would change minirt itself (its
   * view of the state dir, its credentials), so a short-lived helper does
   * it. */
  int p[2];
  if (pipe2 (p, O_CLOEXEC) < 0)
    return mrt_error_sys (err, "pipe");
  pid_t helper = fork ();
  if (helper < 0)
    {
      mrt_error_sys (err, "fork");
      close (p[0]);
      close (p[1]);
      return -1;
    }
  if (helper == 0)
    {
      close (p[0]);
      return helper_main (plan, cgroup_fd, p[1]);
    }
  close (p[1]);
  struct helper_msg m = { .pid = -1 };
  ssize_t n;
  do
    n = read (p[0], &m, sizeof (m));
  while (n < 0 && errno == EINTR);
  close (p[0]);
  while (waitpid (helper, NULL, 0) < 0 && errno == EINTR)
    ;
  if (n != (ssize_t)sizeof (m))
    return mrt_error_make (err, 0, "linux.namespaces: the namespace helper died");
  if (m.pid <= 0)
    return mrt_error_make (err, 0, "%s", m.msg[0] ? m.msg : "linux.namespaces: clone failed");
  *in_cgroup = m.in_cgroup;
  return m.pid;
}

int
mrt_ns_write_map (pid_t pid, const char *file, const struct mrt_id_mapping *m, size_t n, const char *field,
                  mrt_error_t *err)
{
  size_t cap = 64 * (n + 1), used = 0;
  cleanup_free char *buf = xmalloc0 (cap);
  for (size_t i = 0; i < n; i++)
    used += snprintf (buf + used, cap - used, "%" PRIu32 " %" PRIu32 " %" PRIu32 "\n", m[i].container_id, m[i].host_id,
                      m[i].size);
  cleanup_free char *path = xasprintf ("/proc/%d/%s", (int)pid, file);
  cleanup_close int fd = open (path, O_WRONLY | O_CLOEXEC);
  if (fd < 0)
    return mrt_error_sys (err, "%s: open %s", field, path);
  if (write (fd, buf, used) != (ssize_t)used)
    return mrt_error_sys (err, "%s: write %s", field, path);
  return 0;
}

/* The first executable `name` in $PATH (runc looks newuidmap up the same
 * way), or NULL. */
static char *
find_in_path (const char *name)
{
  const char *path = getenv ("PATH");
  cleanup_free char *copy = xstrdup (path && *path ? path : "/usr/local/bin:/usr/bin:/bin");
  char *save = NULL;
  for (char *dir = strtok_r (copy, ":", &save); dir; dir = strtok_r (NULL, ":", &save))
    {
      char *full = xasprintf ("%s/%s", *dir ? dir : ".", name);
      if (access (full, X_OK) == 0)
        return full;
      free (full);
    }
  return NULL;
}

/* newuidmap/newgidmap PID ID HOSTID SIZE...: the setuid helpers that may
 * grant a user the ranges /etc/subuid and /etc/subgid give it.  Their
 * complaint (first line of stderr) ends up in the error. */
static int
run_map_tool (const char *tool, pid_t pid, const struct mrt_id_mapping *m, size_t n, const char *field,
              mrt_error_t *err)
{
  cleanup_free char *exe = find_in_path (tool);
  if (exe == NULL)
    return mrt_error_make (err, EPERM, "%s: more than your own id needs %s, which is not in $PATH", field, tool);
  char **argv = xmalloc0 ((2 + 3 * n + 1) * sizeof (char *));
  argv[0] = xstrdup (tool);
  argv[1] = xasprintf ("%d", (int)pid);
  for (size_t i = 0; i < n; i++)
    {
      argv[2 + 3 * i] = xasprintf ("%" PRIu32, m[i].container_id);
      argv[3 + 3 * i] = xasprintf ("%" PRIu32, m[i].host_id);
      argv[4 + 3 * i] = xasprintf ("%" PRIu32, m[i].size);
    }
  int out[2] = { -1, -1 };
  pid_t child = -1;
  if (pipe2 (out, O_CLOEXEC) == 0)
    child = fork ();
  if (child == 0)
    {
      dup2 (out[1], STDOUT_FILENO);
      dup2 (out[1], STDERR_FILENO);
      execv (exe, argv);
      _exit (127);
    }
  int saved_errno = errno;
  for (size_t i = 0; i < 2 + 3 * n; i++)
    free (argv[i]);
  free (argv);
  if (out[1] >= 0)
    close (out[1]);
  if (child < 0)
    {
      if (out[0] >= 0)
        close (out[0]);
      errno = saved_errno;
      return mrt_error_sys (err, "%s: run %s", field, exe);
    }
  char msg[512];
  size_t len = 0;
  ssize_t r;
  while ((r = read (out[0], msg + len, sizeof (msg) - 1 - len)) > 0 || (r < 0 && errno == EINTR))
    if (r > 0)
      len += (size_t)r;
  close (out[0]);
  msg[len] = '\0';
  msg[strcspn (msg, "\n")] = '\0';
  int status = 0;
  while (waitpid (child, &status, 0) < 0 && errno == EINTR)
    ;
  if (WIFEXITED (status) && WEXITSTATUS (status) == 0)
    return 0;
  return mrt_error_make (err, 0, "%s: %s %d failed%s%s", field, exe, (int)pid, *msg ? ": " : "", msg);
}

/* A map written directly, or, refused to a non-root user, by the tool. */
static int
write_map_or_tool (pid_t pid, const char *file, const char *tool, const struct mrt_id_mapping *m, size_t n,
                   const char *field, mrt_error_t *err)
{
  if (mrt_ns_write_map (pid, file, m, n, field, err) == 0)
    return 0;
  if (geteuid () == 0 || (*err)->errno_ != EPERM)
    return -1;
  mrt_error_free (err);
  return run_map_tool (tool, pid, m, n, field, err);
}

int
mrt_ns_write_id_maps (pid_t pid, const struct mrt_linux *linux_, const struct mrt_ns_plan *plan, mrt_error_t *err)
{
  if (!plan->create[MRT_NS_USER])
    return 0;
  if (linux_->n_uid_mappings == 0 || linux_->n_gid_mappings == 0)
    return mrt_error_make (err, EINVAL, "linux.uidMappings/gidMappings: required with a new user namespace");
  /* runc (requiresRootOrMappingTool): a non-root user mapping only its own
   * gid writes the map itself, which the kernel takes only after setgroups
   * is denied; any other gid map is newgidmap's, and setgroups stays. */
  const struct mrt_id_mapping *g = linux_->gid_mappings;
  bool own_gid_only
      = linux_->n_gid_mappings == 1 && g[0].container_id == 0 && g[0].host_id == getegid () && g[0].size == 1;
  if (write_map_or_tool (pid, "uid_map", "newuidmap", linux_->uid_mappings, linux_->n_uid_mappings, "linux.uidMappings",
                         err)
      < 0)
    return -1;
  if (geteuid () != 0 && own_gid_only)
    {
      cleanup_free char *path = xasprintf ("/proc/%d/setgroups", (int)pid);
      cleanup_close int fd = open (path, O_WRONLY | O_CLOEXEC);
      if (fd < 0 || write (fd, "deny", 4) != 4)
        return mrt_error_sys (err, "linux.gidMappings: write %s", path);
    }
  return write_map_or_tool (pid, "gid_map", "newgidmap", linux_->gid_mappings, linux_->n_gid_mappings,
                            "linux.gidMappings", err);
}

int
mrt_ns_join_paths (const struct mrt_ns_plan *plan, mrt_error_t *err)
{
  /* The user namespace first: the others may be owned by it.  pid only
   * moves later children; mount last, it changes the root. */
  static const enum mrt_ns_type order[]
      = { MRT_NS_USER, MRT_NS_NETWORK, MRT_NS_IPC, MRT_NS_UTS, MRT_NS_CGROUP, MRT_NS_TIME, MRT_NS_PID, MRT_NS_MOUNT };
  for (size_t i = 0; i < ARRAY_SIZE (order); i++)
    {
      enum mrt_ns_type t = order[i];
      if (plan->join_fd[t] < 0)
        continue;
      if (setns (plan->join_fd[t], ns_table[t].flag) < 0)
        return mrt_error_sys (err, "linux.namespaces: join %s namespace `%s`", ns_table[t].name, plan->join_path[t]);
    }
  return 0;
}

static int
write_time_offsets (const struct mrt_time_offsets *o, mrt_error_t *err)
{
  char buf[128];
  int n = 0;
  if (o->has_monotonic)
    n += snprintf (buf + n, sizeof (buf) - n, "monotonic %" PRId64 " %" PRIu32 "\n", o->monotonic.secs,
                   o->monotonic.nanosecs);
  if (o->has_boottime)
    n += snprintf (buf + n, sizeof (buf) - n, "boottime %" PRId64 " %" PRIu32 "\n", o->boottime.secs,
                   o->boottime.nanosecs);
  if (n == 0)
    return 0;
  /* One line per write: the kernel parses a single clock per call on
   * older versions and all lines on newer ones. */
  char *line = buf;
  while (*line)
    {
      char *nl = strchr (line, '\n');
      size_t len = (size_t)(nl - line) + 1;
      cleanup_close int fd = open ("/proc/self/timens_offsets", O_WRONLY | O_CLOEXEC);
      if (fd < 0)
        return mrt_error_sys (err, "linux.timeOffsets: open /proc/self/timens_offsets");
      if (write (fd, line, len) != (ssize_t)len)
        return mrt_error_sys (err, "linux.timeOffsets: write /proc/self/timens_offsets");
      line = nl + 1;
    }
  return 0;
}

int
mrt_ns_unshare_late (const struct mrt_ns_plan *plan, const struct mrt_time_offsets *offsets, mrt_error_t *err)
{
  if (plan->create[MRT_NS_CGROUP] && unshare (CLONE_NEWCGROUP) < 0)
    return mrt_error_sys (err, "linux.namespaces: unshare cgroup namespace");
  if (plan->create[MRT_NS_TIME])
    {
      if (unshare (CLONE_NEWTIME) < 0)
        return mrt_error_sys (err, "linux.namespaces: unshare time namespace");
      if (offsets && write_time_offsets (offsets, err) < 0)
        return -1;
      cleanup_close int fd = open ("/proc/self/ns/time_for_children", O_RDONLY | O_CLOEXEC);
      if (fd < 0 || setns (fd, CLONE_NEWTIME) < 0)
        return mrt_error_sys (err, "linux.namespaces: enter time namespace");
    }
  else if (offsets && (offsets->has_monotonic || offsets->has_boottime))
    return mrt_error_make (err, EINVAL, "linux.timeOffsets: needs a new time namespace");
  return 0;
}

int
mrt_ns_loopback_up (mrt_error_t *err)
{
  struct ifreq ifr;
  cleanup_close int s = socket (AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);

  if (s < 0)
    return mrt_error_sys (err, "network namespace: bring lo up: socket");
  memset (&ifr, 0, sizeof (ifr));
  strcpy (ifr.ifr_name, "lo");
  if (ioctl (s, SIOCGIFFLAGS, &ifr) < 0)
    return mrt_error_sys (err, "network namespace: bring lo up: get its flags");
  if (ifr.ifr_flags & IFF_UP)
    return 0;
  ifr.ifr_flags |= IFF_UP;
  if (ioctl (s, SIOCSIFFLAGS, &ifr) < 0)
    return mrt_error_sys (err, "network namespace: bring lo up");
  return 0;
}
