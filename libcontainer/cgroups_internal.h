/* SPDX-License-Identifier: Apache-2.0 */
#ifndef MINIRT_CGROUPS_INTERNAL_H
#define MINIRT_CGROUPS_INTERNAL_H

/* Shared between the cgroups_*.c files: cgroups.c (the object and the
 * public API), cgroups_detect.c, cgroups_path.c, cgroups_io.c,
 * cgroups_procs.c, cgroups_devices.c, cgroups_v1.c, cgroups_v2.c,
 * cgroups_bpf.c...  Also used by the unit tests, which drive the pieces
 * one by one. */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "cgroups.h"

/* One hierarchy: every v1 mount, or the single v2 one. */
struct mrt_cg_hier
{
  char *ctrls; /* "cpu", "cpu,cpuacct", "name=systemd"; "" on v2 */
  char *path;  /* the container's cgroup directory */
  char *top;   /* topmost directory create() made; NULL when the leaf existed */
};

struct mrt_cgroup
{
  bool disabled;
  bool v2;
  bool fake;     /* a plain-directory test tree: writes create files */
  bool rootless; /* runc's rootless cgroup manager (mrt_cgroup_config.rootless) */
  char *skipped; /* rootless: the controllers of the hierarchies left out, comma-separated */
  struct mrt_cg_hier *h;
  size_t n_h;
  /* Not owned; valid while the config that made us is. */
  const struct mrt_device *devices;
  size_t n_devices;
  const struct mrt_log *log;
};

/* What /proc/self/mountinfo and /proc/self/cgroup say about one hierarchy. */
struct mrt_cg_mount
{
  char *ctrls; /* as above */
  char *mount; /* mount point (remapped under sysfs_root) */
  char *root;  /* the mount's root inside the hierarchy */
  char *own;   /* the caller's cgroup in it (from /proc/self/cgroup), or NULL */
};

struct mrt_cg_layout
{
  bool v2;     /* pure v2 (cgroup2 at the sysfs root), or only cgroup2 */
  bool hybrid; /* v1 plus a cgroup2 mount */
  struct mrt_cg_mount *m;
  size_t n_m;
  bool detected; /* a cache (mrt_cgroup_config.layout) that is filled */
};

/* cgroups_detect.c */
int mrt_cg_detect (const struct mrt_cgroup_config *cfg, struct mrt_cg_layout *out, mrt_error_t *err);
void mrt_cg_layout_clear (struct mrt_cg_layout *l);
/* cgroups_path.c: the container's cgroup path inside a hierarchy ("/a/b") and whether it
 * is relative to the caller's cgroup.  Handles the systemd form. */
int mrt_cg_cgroup_path (const struct mrt_cgroup_config *cfg, char **out, bool *relative, mrt_error_t *err);
/* "a-b-c.slice" -> "/a.slice/a-b.slice/a-b-c.slice" (systemd's expansion). */
int mrt_cg_expand_slice (const char *slice, char **out, mrt_error_t *err);

/* cgroups_io.c: whether the comma list `ctrls` holds `name`. */
bool mrt_cg_has_ctrl (const char *ctrls, const char *name);
/* The hierarchy that holds a controller (v2: the one), or NULL. */
struct mrt_cg_hier *mrt_cg_find (const struct mrt_cgroup *cg, const char *ctrl);

/* Write `value` to dir/file.  On failure the error names the field:
 * "<field>: write <file>: <strerror>".  append: the file takes one entry
 * per write (devices.allow, io.max...): opened O_APPEND, value + "\n". */
int mrt_cg_write (const struct mrt_cgroup *cg, const char *dir, const char *file, const char *value, bool append,
                  const char *field, mrt_error_t *err);
/* Append `value` and a newline to dir/file through *fd, opened at the
 * first call (-1) and kept for the next ones: one open for a list of rules.
 * The caller closes *fd. */
int mrt_cg_write_fd (const struct mrt_cgroup *cg, const char *dir, const char *file, int *fd, const char *value,
                     const char *field, mrt_error_t *err);
int mrt_cg_writef (const struct mrt_cgroup *cg, const char *dir, const char *file, bool append, const char *field,
                   mrt_error_t *err, const char *fmt, ...) __attribute__ ((format (printf, 7, 8)));
/* Read dir/file (trailing newline removed); NULL with errno set on failure. */
char *mrt_cg_read (const char *dir, const char *file);
/* Read "key value" lines (memory.stat, cpu.stat); 0 when found. */
int mrt_cg_read_keyed (const char *dir, const char *file, const char *key, uint64_t *value);
bool mrt_cg_exists (const char *dir, const char *file);
/* Every "key value" line of memory.stat into st->memory_raw. */
void mrt_cg_read_memory_raw (const char *dir, struct mrt_cgroup_stats *st);

/* The limit files an update may write, as they are now (cgroups_snapshot.c);
 * restore writes them back (device rules are not part of it). */
struct mrt_cg_snapshot;
struct mrt_cg_snapshot *mrt_cg_snapshot_take (const struct mrt_cgroup *cg);
void mrt_cg_snapshot_restore (const struct mrt_cgroup *cg, const struct mrt_cg_snapshot *s);
void mrt_cg_snapshot_free (struct mrt_cg_snapshot *s);

/* v1 */
int mrt_cg_v1_apply (struct mrt_cgroup *cg, const struct mrt_resources *res, bool creating, mrt_error_t *err);
int mrt_cg_v1_prepare_cpuset (struct mrt_cgroup *cg, mrt_error_t *err);
int mrt_cg_v1_freeze (struct mrt_cgroup *cg, bool frozen, mrt_error_t *err);
int mrt_cg_v1_is_frozen (struct mrt_cgroup *cg, bool *frozen, mrt_error_t *err);
int mrt_cg_v1_stats (struct mrt_cgroup *cg, struct mrt_cgroup_stats *st, mrt_error_t *err);

/* v2 */
int mrt_cg_v2_enable_controllers (struct mrt_cgroup *cg, const char *from, mrt_error_t *err);
int mrt_cg_v2_apply (struct mrt_cgroup *cg, const struct mrt_resources *res, bool creating, mrt_error_t *err);
int mrt_cg_v2_freeze (struct mrt_cgroup *cg, bool frozen, mrt_error_t *err);
int mrt_cg_v2_is_frozen (struct mrt_cgroup *cg, bool *frozen, mrt_error_t *err);
int mrt_cg_v2_stats (struct mrt_cgroup *cg, struct mrt_cgroup_stats *st, mrt_error_t *err);
/* runc's conversions */
uint64_t mrt_cg_shares_to_weight (uint64_t shares);
uint64_t mrt_cg_blkio_to_io_weight (uint64_t weight);
int mrt_cg_swap_v2 (int64_t swap, int64_t limit, int64_t *out, mrt_error_t *err);

/* cgroups_devices.c: the device rules a container gets: linux.resources.devices, then an
 * allow rule per linux.devices entry, then runc's default allowed devices.
 * Later rules win.  Caller frees the array (not the access strings). */
struct mrt_device_cgroup_rule *mrt_cg_device_rules (const struct mrt_cgroup *cg, const struct mrt_resources *res,
                                                    size_t *n);

/* BPF device filter (cgroup v2). */
struct bpf_insn;
/* Build the program for a rule list (later rules win, default deny).
 * Returns a malloc'd array of *n instructions. */
struct bpf_insn *mrt_bpf_devices_program (const struct mrt_device_cgroup_rule *rules, size_t n_rules, size_t *n);
/* Load it (BPF_PROG_TYPE_CGROUP_DEVICE); returns the program fd. */
int mrt_bpf_load (const struct bpf_insn *insns, size_t n, mrt_error_t *err);
/* Load and attach to the cgroup dir, then detach the programs that were
 * there before (update replaces). */
int mrt_bpf_devices_apply (const char *cgroup_dir, const struct mrt_device_cgroup_rule *rules, size_t n_rules,
                           mrt_error_t *err);

#endif
