/* SPDX-License-Identifier: Apache-2.0 */
/* Every command and flag of docs/runtime-cli.md, with runc's names and
 * short forms (and crun's where clients use them). */
#include <string.h>

#include "cli.h"
#include "utils.h"

/* One flag per line: reads better than reflowed macros. */
/* clang-format off */
#define TABLE(name, ...)                                                                                     \
  static const struct mrt_opt name##_list[] = { __VA_ARGS__ };                                              \
  static const struct mrt_opt_table name = { name##_list, ARRAY_SIZE (name##_list) }

static const struct mrt_opt_table no_opts = { NULL, 0 };

#define O_BUNDLE { "bundle", "b", MRT_OPT_STRING, "DIR", "path to the root of the bundle directory (default: current directory)" }
#define O_CONFIG { "config", "f", MRT_OPT_STRING, "FILE", "path to the config file (default: <bundle>/config.json)" }
#define O_CONSOLE_SOCKET { "console-socket", NULL, MRT_OPT_STRING, "SOCK", "AF_UNIX socket that receives the master end of the container's pty" }
#define O_PID_FILE { "pid-file", NULL, MRT_OPT_STRING, "FILE", "write the container process's host PID to FILE" }
#define O_NO_PIVOT { "no-pivot", NULL, MRT_OPT_BOOL, NULL, "do not use pivot_root to jail the process inside the rootfs" }
#define O_NO_NEW_KEYRING { "no-new-keyring", NULL, MRT_OPT_BOOL, NULL, "do not create a new session keyring for the container" }
#define O_PRESERVE_FDS { "preserve-fds", NULL, MRT_OPT_UINT, "N", "pass N additional file descriptors (3..3+N-1) to the container" }
#define O_DETACH { "detach", "d", MRT_OPT_BOOL, NULL, "detach from the container's process" }
#define O_NO_SUBREAPER { "no-subreaper", NULL, MRT_OPT_BOOL, NULL, "accepted for runc compatibility" }

TABLE (create_opts, O_BUNDLE, O_CONFIG, O_CONSOLE_SOCKET, O_PID_FILE, O_NO_PIVOT, O_NO_NEW_KEYRING, O_PRESERVE_FDS);

TABLE (run_opts, O_BUNDLE, O_CONFIG, O_CONSOLE_SOCKET, O_DETACH,
       { "keep", NULL, MRT_OPT_BOOL, NULL, "do not delete the container after it exits" },
       O_PID_FILE, O_NO_SUBREAPER, O_NO_PIVOT, O_NO_NEW_KEYRING, O_PRESERVE_FDS);

TABLE (kill_opts, { "all", "a", MRT_OPT_BOOL, NULL, "send the signal to every process of the container" });

TABLE (delete_opts, { "force", "f", MRT_OPT_BOOL, NULL, "kill the container (SIGKILL) first if it is still running" });

TABLE (exec_opts, O_CONSOLE_SOCKET,
       { "cwd", NULL, MRT_OPT_STRING, "DIR", "current working directory in the container" },
       { "env", "e", MRT_OPT_LIST, "VAR=VALUE", "set an environment variable (repeatable)" },
       { "tty", "t", MRT_OPT_BOOL, NULL, "allocate a pseudo-TTY" },
       { "user", "u", MRT_OPT_STRING, "UID[:GID]", "run as this user" },
       { "additional-gids", "g", MRT_OPT_LIST, "GID", "additional group (repeatable)" },
       { "process", "p", MRT_OPT_STRING, "FILE", "path to a runtime-spec process JSON" },
       O_DETACH, O_PID_FILE,
       { "process-label", NULL, MRT_OPT_STRING, "LABEL", "SELinux process label" },
       { "apparmor", NULL, MRT_OPT_STRING, "PROFILE", "AppArmor profile for the process" },
       { "no-new-privs", NULL, MRT_OPT_BOOL, NULL, "set no_new_privs for the process" },
       { "cap", "c", MRT_OPT_LIST, "CAP", "add a capability to the bounding set (repeatable)" },
       O_PRESERVE_FDS,
       { "cgroup", NULL, MRT_OPT_LIST, "[CONTROLLER:]PATH", "run the process in an existing sub-cgroup" },
       { "ignore-paused", NULL, MRT_OPT_BOOL, NULL, "allow exec in a paused container" });

TABLE (list_opts, { "format", "f", MRT_OPT_STRING, "table|json", "output format (default: table)" },
       { "quiet", "q", MRT_OPT_BOOL, NULL, "display only container IDs" });

TABLE (ps_opts, { "format", "f", MRT_OPT_STRING, "table|json", "output format (default: table)" });

TABLE (update_opts,
       { "resources", "r", MRT_OPT_STRING, "FILE", "a runtime-spec linux.resources JSON file, '-' for stdin" },
       { "blkio-weight", NULL, MRT_OPT_STRING, "N", "per-cgroup block IO weight (10-1000)" },
       { "cpu-period", NULL, MRT_OPT_STRING, "USEC", "CPU CFS period" },
       { "cpu-quota", NULL, MRT_OPT_STRING, "USEC", "CPU CFS quota" },
       { "cpu-share", "cpu-shares", MRT_OPT_STRING, "N", "CPU shares (relative weight)" },
       { "cpu-rt-period", NULL, MRT_OPT_STRING, "USEC", "CPU realtime period" },
       { "cpu-rt-runtime", NULL, MRT_OPT_STRING, "USEC", "CPU realtime runtime" },
       { "cpuset-cpus", NULL, MRT_OPT_STRING, "CPUS", "CPUs to use" },
       { "cpuset-mems", NULL, MRT_OPT_STRING, "MEMS", "memory nodes to use" },
       { "memory", NULL, MRT_OPT_STRING, "BYTES", "memory limit" },
       { "memory-reservation", NULL, MRT_OPT_STRING, "BYTES", "memory soft limit" },
       { "memory-swap", NULL, MRT_OPT_STRING, "BYTES", "memory + swap limit (-1: unlimited)" },
       { "pids-limit", NULL, MRT_OPT_STRING, "N", "maximum number of pids" },
       { "l3-cache-schema", NULL, MRT_OPT_STRING, "SCHEMA", "Intel RDT/CAT L3 cache schema" },
       { "mem-bw-schema", NULL, MRT_OPT_STRING, "SCHEMA", "Intel RDT/MBA memory bandwidth schema" });

TABLE (events_opts, { "interval", NULL, MRT_OPT_STRING, "DURATION", "stats collection interval (default: 5s)" },
       { "stats", NULL, MRT_OPT_BOOL, NULL, "display the container's stats once and exit" });

TABLE (spec_opts, { "bundle", "b", MRT_OPT_STRING, "DIR", "directory to write config.json in (default: current directory)" },
       { "rootless", NULL, MRT_OPT_BOOL, NULL, "generate a configuration for a rootless container" },
       { "seccomp", NULL, MRT_OPT_STRING, "default|FILE", "set linux.seccomp: minirt's RuntimeDefault profile (default) or a profile file (OCI, Docker or Kubernetes)" });

#define O_IMAGE_PATH { "image-path", NULL, MRT_OPT_STRING, "DIR", "path of the criu image files" }
#define O_WORK_PATH { "work-path", NULL, MRT_OPT_STRING, "DIR", "path for criu work files and logs" }
#define O_TCP { "tcp-established", NULL, MRT_OPT_BOOL, NULL, "allow open tcp connections" }
#define O_EXT_UNIX { "ext-unix-sk", NULL, MRT_OPT_BOOL, NULL, "allow external unix sockets" }
#define O_SHELL_JOB { "shell-job", NULL, MRT_OPT_BOOL, NULL, "allow shell jobs" }
#define O_LAZY { "lazy-pages", NULL, MRT_OPT_BOOL, NULL, "use userfaultfd to lazily restore memory pages" }
#define O_FILE_LOCKS { "file-locks", NULL, MRT_OPT_BOOL, NULL, "handle file locks" }
#define O_CG_MODE { "manage-cgroups-mode", NULL, MRT_OPT_STRING, "MODE", "cgroups mode: soft, full or strict" }
#define O_EMPTY_NS { "empty-ns", NULL, MRT_OPT_LIST, "NS", "create a namespace but do not restore its properties" }
#define O_AUTO_DEDUP { "auto-dedup", NULL, MRT_OPT_BOOL, NULL, "enable auto deduplication of memory images" }

TABLE (checkpoint_opts, O_IMAGE_PATH, O_WORK_PATH,
       { "parent-path", NULL, MRT_OPT_STRING, "DIR", "path of previous criu image files in pre-dump" },
       { "leave-running", NULL, MRT_OPT_BOOL, NULL, "leave the process running after checkpointing" },
       O_TCP, O_EXT_UNIX, O_SHELL_JOB, O_LAZY,
       { "status-fd", NULL, MRT_OPT_STRING, "FD", "criu writes \\0 to this fd once lazy-pages is ready" },
       { "page-server", NULL, MRT_OPT_STRING, "ADDRESS:PORT", "page server" },
       O_FILE_LOCKS,
       { "pre-dump", NULL, MRT_OPT_BOOL, NULL, "dump the memory only, leave the container running" },
       O_CG_MODE, O_EMPTY_NS, O_AUTO_DEDUP);

TABLE (restore_opts, O_CONSOLE_SOCKET, O_IMAGE_PATH, O_WORK_PATH, O_TCP, O_EXT_UNIX, O_SHELL_JOB, O_FILE_LOCKS,
       O_CG_MODE, O_BUNDLE, O_DETACH, O_PID_FILE, O_NO_SUBREAPER, O_NO_PIVOT, O_EMPTY_NS, O_AUTO_DEDUP, O_LAZY,
       { "lsm-profile", NULL, MRT_OPT_STRING, "TYPE:NAME", "LSM profile used during restore" },
       { "lsm-mount-context", NULL, MRT_OPT_STRING, "CONTEXT", "LSM mount context used during restore" });

/* clang-format on */

#define ID "<container-id>"

const struct mrt_command mrt_commands[] = {
  { "checkpoint", ID, "checkpoint a running container", &checkpoint_opts, 1, 1, false, mrt_cmd_not_implemented },
  { "create", ID, "create a container", &create_opts, 1, 1, false, mrt_cmd_create },
  { "delete", ID, "delete a container and everything it holds", &delete_opts, 1, 1, false, mrt_cmd_delete },
  { "events", ID, "display container events and resource usage statistics", &events_opts, 1, 1, false, mrt_cmd_events },
  { "exec", ID " <command> [args...]  |  -p process.json " ID, "execute a new process inside the container", &exec_opts,
    1, -1, true, mrt_cmd_exec },
  { "features", "", "show the enabled features (JSON)", &no_opts, 0, 0, false, mrt_cmd_features },
  { "kill", ID " [signal]", "send a signal (default: SIGTERM) to the container's init process", &kill_opts, 1, 2, false,
    mrt_cmd_kill },
  { "list", "", "list the containers of --root", &list_opts, 0, 0, false, mrt_cmd_list },
  { "pause", ID, "suspend every process of the container", &no_opts, 1, 1, false, mrt_cmd_pause },
  { "ps", ID " [ps options]", "display the processes running inside a container", &ps_opts, 1, -1, true, mrt_cmd_ps },
  { "restore", ID, "restore a container from a checkpoint", &restore_opts, 1, 1, false, mrt_cmd_not_implemented },
  { "resume", ID, "resume every process of a paused container", &no_opts, 1, 1, false, mrt_cmd_resume },
  { "run", ID, "create and start a container", &run_opts, 1, 1, false, mrt_cmd_run },
  { "seccomp", "<record|check|explain|diff|convert> ...", "seccomp profile tools (minirt seccomp help)", &no_opts, 1,
    -1, true, mrt_cmd_seccomp },
  { "spec", "", "write a default config.json", &spec_opts, 0, 0, false, mrt_cmd_spec },
  { "start", ID, "run the user process of a created container", &no_opts, 1, 1, false, mrt_cmd_start },
  { "state", ID, "print the state of a container (JSON)", &no_opts, 1, 1, false, mrt_cmd_state },
  { "update", ID, "update the resource limits of a container", &update_opts, 1, 1, false, mrt_cmd_update },
  { "help", "[command]", "show the list of commands or the help of one", &no_opts, 0, 1, false, mrt_cmd_help },
};

const size_t mrt_n_commands = ARRAY_SIZE (mrt_commands);

const struct mrt_command *
mrt_command_find (const char *name)
{
  for (size_t i = 0; i < mrt_n_commands; i++)
    if (strcmp (mrt_commands[i].name, name) == 0)
      return &mrt_commands[i];
  if (strcmp (name, "h") == 0)
    return mrt_command_find ("help");
  return NULL;
}
