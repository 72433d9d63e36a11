/* SPDX-License-Identifier: Apache-2.0 */
#ifndef MINIRT_SPEC_H
#define MINIRT_SPEC_H

/* The OCI runtime-spec 1.2 config.json as typed C structures.
 *
 * The parser (libcontainer/spec_parse*.c) is the only code that looks at
 * JSON.  After mrt_spec_parse() returns 0 every field below has been checked:
 * types, required fields, enum values, ranges.  Code after the parser never
 * validates again; it only reads these structs.
 *
 * Conventions:
 *  - strings are NUL-terminated, NULL when absent;
 *  - arrays are `T *name; size_t n_name;` (name NULL and n_name 0 when absent);
 *    string arrays (char **) are also NULL-terminated, ready for execve;
 *  - optional numbers use the mrt_opt_* types (`.set` false when absent);
 *  - string maps (annotations, sysctl, unified) are arrays of mrt_kv in the
 *    order they appear in the file;
 *  - sub-objects that may be absent are pointers (NULL when absent). */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "minirt/error.h"

typedef struct
{
  bool set;
  int64_t value;
} mrt_opt_i64;
typedef struct
{
  bool set;
  uint64_t value;
} mrt_opt_u64;
typedef struct
{
  bool set;
  bool value;
} mrt_opt_bool;

struct mrt_kv
{
  char *key;
  char *value;
};

/* ---- root, mounts ------------------------------------------------------ */

struct mrt_root
{
  char *path; /* required */
  bool readonly;
};

struct mrt_id_mapping
{
  uint32_t container_id;
  uint32_t host_id;
  uint32_t size;
};

struct mrt_mount
{
  char *destination; /* required */
  char *source;
  char *type;
  char **options;
  size_t n_options;
  struct mrt_id_mapping *uid_mappings; /* idmapped mounts (1.2) */
  size_t n_uid_mappings;
  struct mrt_id_mapping *gid_mappings;
  size_t n_gid_mappings;
};

/* ---- process ----------------------------------------------------------- */

struct mrt_user
{
  uint32_t uid;
  uint32_t gid;
  mrt_opt_u64 umask; /* 0..0777 */
  uint32_t *additional_gids;
  size_t n_additional_gids;
  char *username; /* windows only, parsed and ignored */
};

/* Capability sets hold capability numbers (CAP_*), validated by libcap. */
struct mrt_capabilities
{
  int *bounding;
  size_t n_bounding;
  int *effective;
  size_t n_effective;
  int *inheritable;
  size_t n_inheritable;
  int *permitted;
  size_t n_permitted;
  int *ambient;
  size_t n_ambient;
};

struct mrt_rlimit
{
  int resource; /* RLIMIT_* number */
  char *type;   /* the name as written, e.g. "RLIMIT_NOFILE" */
  uint64_t hard;
  uint64_t soft;
};

struct mrt_io_priority
{
  int class;    /* IOPRIO_CLASS_RT/BE/IDLE */
  int priority; /* 0..7 */
};

struct mrt_scheduler
{
  int policy; /* SCHED_* number */
  int nice;   /* -20..19 */
  int priority;
  uint64_t flags; /* SCHED_FLAG_* bits */
  uint64_t runtime;
  uint64_t deadline;
  uint64_t period;
};

struct mrt_exec_cpu_affinity
{
  char *initial; /* cpu list, e.g. "0-3,7" */
  char *final;
};

struct mrt_process
{
  bool terminal;
  mrt_opt_u64 console_height;
  mrt_opt_u64 console_width;
  struct mrt_user user;
  char **args; /* required, at least one element; NULL-terminated (for execve) */
  size_t n_args;
  char *command_line; /* windows only */
  char **env;         /* NULL-terminated */
  size_t n_env;
  char *cwd; /* required, absolute */
  struct mrt_capabilities *capabilities;
  struct mrt_rlimit *rlimits;
  size_t n_rlimits;
  bool no_new_privileges;
  char *apparmor_profile;
  mrt_opt_i64 oom_score_adj; /* -1000..1000 */
  char *selinux_label;
  struct mrt_io_priority *io_priority;
  struct mrt_scheduler *scheduler;
  struct mrt_exec_cpu_affinity *exec_cpu_affinity;
};

/* ---- hooks ------------------------------------------------------------- */

struct mrt_hook
{
  char *path; /* required, absolute */
  char **args;
  size_t n_args;
  char **env;
  size_t n_env;
  mrt_opt_i64 timeout; /* seconds, > 0 */
};

enum mrt_hook_kind
{
  MRT_HOOK_PRESTART,
  MRT_HOOK_CREATE_RUNTIME,
  MRT_HOOK_CREATE_CONTAINER,
  MRT_HOOK_START_CONTAINER,
  MRT_HOOK_POSTSTART,
  MRT_HOOK_POSTSTOP,
  MRT_HOOK__COUNT
};

struct mrt_hooks
{
  struct mrt_hook *list[MRT_HOOK__COUNT];
  size_t n[MRT_HOOK__COUNT];
};

/* JSON name of a hook kind ("createRuntime", ...). */
const char *mrt_hook_kind_name (enum mrt_hook_kind kind);

/* ---- linux: namespaces, mappings, devices ------------------------------ */

enum mrt_ns_type
{
  MRT_NS_PID,
  MRT_NS_NETWORK,
  MRT_NS_MOUNT,
  MRT_NS_IPC,
  MRT_NS_UTS,
  MRT_NS_USER,
  MRT_NS_CGROUP,
  MRT_NS_TIME,
  MRT_NS__COUNT
};

struct mrt_namespace
{
  enum mrt_ns_type type;
  char *path; /* join this namespace instead of creating one */
};

/* "pid", "network", ... and the CLONE_NEW* flag of a namespace type. */
const char *mrt_ns_type_name (enum mrt_ns_type type);
int mrt_ns_type_clone_flag (enum mrt_ns_type type);

struct mrt_time_offset
{
  int64_t secs;
  uint32_t nanosecs;
};

struct mrt_time_offsets
{
  bool has_monotonic;
  struct mrt_time_offset monotonic;
  bool has_boottime;
  struct mrt_time_offset boottime;
};

struct mrt_device
{
  char type;     /* 'c', 'b', 'u' or 'p' */
  char *path;    /* required, absolute */
  int64_t major; /* required for c/b/u */
  int64_t minor;
  mrt_opt_u64 file_mode;
  mrt_opt_u64 uid;
  mrt_opt_u64 gid;
};

/* ---- linux.resources ----------------------------------------------------- */

struct mrt_device_cgroup_rule
{
  bool allow;        /* required */
  char type;         /* 'a', 'c' or 'b'; 'a' when absent */
  mrt_opt_i64 major; /* absent = wildcard */
  mrt_opt_i64 minor;
  char *access; /* subset of "rwm"; NULL = "rwm" */
};

struct mrt_memory
{
  mrt_opt_i64 limit;
  mrt_opt_i64 reservation;
  mrt_opt_i64 swap;
  mrt_opt_i64 kernel;
  mrt_opt_i64 kernel_tcp;
  mrt_opt_u64 swappiness; /* 0..100 */
  mrt_opt_bool disable_oom_killer;
  mrt_opt_bool use_hierarchy;
  mrt_opt_bool check_before_update;
};

struct mrt_cpu
{
  mrt_opt_u64 shares;
  mrt_opt_i64 quota;
  mrt_opt_u64 burst;
  mrt_opt_u64 period;
  mrt_opt_i64 realtime_runtime;
  mrt_opt_u64 realtime_period;
  char *cpus;
  char *mems;
  mrt_opt_i64 idle;
};

struct mrt_weight_device
{
  int64_t major;
  int64_t minor;
  mrt_opt_u64 weight;
  mrt_opt_u64 leaf_weight;
};

struct mrt_throttle_device
{
  int64_t major;
  int64_t minor;
  uint64_t rate;
};

struct mrt_block_io
{
  mrt_opt_u64 weight; /* 10..1000 */
  mrt_opt_u64 leaf_weight;
  struct mrt_weight_device *weight_device;
  size_t n_weight_device;
  struct mrt_throttle_device *throttle_read_bps_device;
  size_t n_throttle_read_bps_device;
  struct mrt_throttle_device *throttle_write_bps_device;
  size_t n_throttle_write_bps_device;
  struct mrt_throttle_device *throttle_read_iops_device;
  size_t n_throttle_read_iops_device;
  struct mrt_throttle_device *throttle_write_iops_device;
  size_t n_throttle_write_iops_device;
};

struct mrt_hugepage_limit
{
  char *page_size; /* "2MB", "1GB", ... */
  uint64_t limit;
};

struct mrt_net_priority
{
  char *name;
  uint32_t priority;
};

struct mrt_network
{
  mrt_opt_u64 class_id;
  struct mrt_net_priority *priorities;
  size_t n_priorities;
};

struct mrt_rdma
{
  char *device;
  mrt_opt_u64 hca_handles;
  mrt_opt_u64 hca_objects;
};

struct mrt_resources
{
  struct mrt_device_cgroup_rule *devices;
  size_t n_devices;
  struct mrt_memory *memory;
  struct mrt_cpu *cpu;
  struct mrt_block_io *block_io;
  struct mrt_hugepage_limit *hugepage_limits;
  size_t n_hugepage_limits;
  struct mrt_network *network;
  mrt_opt_i64 pids_limit; /* set when "pids": {"limit": N} present */
  struct mrt_rdma *rdma;
  size_t n_rdma;
  struct mrt_kv *unified;
  size_t n_unified;
};

/* ---- linux.seccomp -------------------------------------------------------- */

enum mrt_seccomp_action
{
  MRT_SCMP_ACT_KILL, /* = KILL_THREAD */
  MRT_SCMP_ACT_KILL_PROCESS,
  MRT_SCMP_ACT_KILL_THREAD,
  MRT_SCMP_ACT_TRAP,
  MRT_SCMP_ACT_ERRNO,
  MRT_SCMP_ACT_TRACE,
  MRT_SCMP_ACT_ALLOW,
  MRT_SCMP_ACT_LOG,
  MRT_SCMP_ACT_NOTIFY,
  MRT_SCMP_ACT__COUNT
};

enum mrt_seccomp_op
{
  MRT_SCMP_CMP_NE,
  MRT_SCMP_CMP_LT,
  MRT_SCMP_CMP_LE,
  MRT_SCMP_CMP_EQ,
  MRT_SCMP_CMP_GE,
  MRT_SCMP_CMP_GT,
  MRT_SCMP_CMP_MASKED_EQ,
  MRT_SCMP_CMP__COUNT
};

/* "SCMP_ACT_ERRNO", "SCMP_CMP_EQ", ... */
const char *mrt_seccomp_action_name (enum mrt_seccomp_action a);
const char *mrt_seccomp_op_name (enum mrt_seccomp_op op);

struct mrt_seccomp_arg
{
  uint32_t index; /* 0..5 */
  uint64_t value;
  uint64_t value_two;
  enum mrt_seccomp_op op;
};

struct mrt_seccomp_syscall
{
  char **names; /* at least one */
  size_t n_names;
  enum mrt_seccomp_action action;
  mrt_opt_u64 errno_ret;
  struct mrt_seccomp_arg *args;
  size_t n_args;
  /* Not in the OCI form (config.json has no such key): written only in the
   * Docker/Kubernetes form, whose rules have a "comment". */
  char *comment;
};

struct mrt_seccomp
{
  enum mrt_seccomp_action default_action; /* required */
  mrt_opt_u64 default_errno_ret;
  char **architectures; /* "SCMP_ARCH_X86_64", ... validated names */
  size_t n_architectures;
  char **flags; /* "SECCOMP_FILTER_FLAG_TSYNC", ... validated names */
  size_t n_flags;
  char *listener_path;
  char *listener_metadata;
  struct mrt_seccomp_syscall *syscalls;
  size_t n_syscalls;
};

/* ---- linux: the rest ------------------------------------------------------ */

struct mrt_personality
{
  char *domain; /* "LINUX" or "LINUX32" */
  char **flags;
  size_t n_flags;
};

struct mrt_intel_rdt
{
  char *clos_id;
  char *l3_cache_schema;
  char *mem_bw_schema;
  bool enable_cmt;
  bool enable_mbm;
};

struct mrt_linux
{
  struct mrt_namespace *namespaces;
  size_t n_namespaces;
  struct mrt_id_mapping *uid_mappings;
  size_t n_uid_mappings;
  struct mrt_id_mapping *gid_mappings;
  size_t n_gid_mappings;
  struct mrt_time_offsets *time_offsets;
  struct mrt_device *devices;
  size_t n_devices;
  char *cgroups_path;
  struct mrt_resources *resources;
  struct mrt_kv *sysctl;
  size_t n_sysctl;
  struct mrt_seccomp *seccomp;
  char *rootfs_propagation; /* "", "private", "rprivate", "slave", "rslave", "shared", "rshared", "unbindable",
                               "runbindable" */
  char **masked_paths;
  size_t n_masked_paths;
  char **readonly_paths;
  size_t n_readonly_paths;
  char *mount_label;
  struct mrt_personality *personality;
  struct mrt_intel_rdt *intel_rdt;
};

/* ---- the whole config ----------------------------------------------------- */

struct mrt_spec
{
  char *oci_version; /* required */
  struct mrt_root *root;
  struct mrt_mount *mounts;
  size_t n_mounts;
  struct mrt_process *process;
  char *hostname;
  char *domainname;
  struct mrt_hooks *hooks;
  struct mrt_kv *annotations;
  size_t n_annotations;
  struct mrt_linux *linux_;
};

/* Parse a config.json held in memory (`json` need not be NUL-terminated).
 * `filename` is only used to prefix error messages
 * ("config.json: linux.seccomp.syscalls[3].action: ...").  Unknown keys are
 * ignored and JSON null counts as absent; everything else that is wrong is
 * an error (errno_ 0, one line).  On error *out is set to NULL. */
int mrt_spec_parse (const char *json, size_t len, const char *filename, struct mrt_spec **out, mrt_error_t *err);
/* Read and parse a file (size-limited). */
int mrt_spec_load_file (const char *path, struct mrt_spec **out, mrt_error_t *err);
void mrt_spec_free (struct mrt_spec *spec);

/* A standalone runtime-spec `process` object (exec --process FILE). */
int mrt_process_parse (const char *json, size_t len, const char *filename, struct mrt_process **out, mrt_error_t *err);
void mrt_process_free (struct mrt_process *p);

/* A standalone `linux.resources` object (update --resources FILE). */
int mrt_resources_parse (const char *json, size_t len, const char *filename, struct mrt_resources **out,
                         mrt_error_t *err);
void mrt_resources_free (struct mrt_resources *r);

/* A standalone `linux.seccomp` object (seccomp profiles in specs/seccomp). */
int mrt_seccomp_parse (const char *json, size_t len, const char *filename, struct mrt_seccomp **out, mrt_error_t *err);
void mrt_seccomp_free (struct mrt_seccomp *s);

#define cleanup_spec __attribute__ ((cleanup (mrt_spec_freep)))
static inline void
mrt_spec_freep (struct mrt_spec **s)
{
  mrt_spec_free (*s);
}

#endif
