/* SPDX-License-Identifier: Apache-2.0 */
/* Every field of tests/data/spec-full.json lands in the right place. */
#include <criterion/criterion.h>
#include <sched.h>
#include <string.h>
#include <sys/capability.h>
#include <sys/resource.h>

#include "minirt/spec.h"

static struct mrt_spec *spec;

static void
load (void)
{
  mrt_error_t err = NULL;
  int r = mrt_spec_load_file ("tests/data/spec-full.json", &spec, &err);
  cr_assert_eq (r, 0, "%s", err ? err->msg : "");
}

static void
unload (void)
{
  mrt_spec_free (spec);
  spec = NULL;
}

TestSuite (spec_fields, .init = load, .fini = unload);

Test (spec_fields, root_mounts)
{
  cr_assert_str_eq (spec->oci_version, "1.2.0");
  cr_assert_str_eq (spec->root->path, "rootfs");
  cr_assert (spec->root->readonly);
  cr_assert_eq (spec->n_mounts, 2);
  struct mrt_mount *m = &spec->mounts[0];
  cr_assert_str_eq (m->destination, "/proc");
  cr_assert_str_eq (m->type, "proc");
  cr_assert_str_eq (m->source, "proc");
  cr_assert_null (m->options);
  cr_assert_eq (m->n_options, 0);
  m = &spec->mounts[1];
  cr_assert_eq (m->n_options, 3);
  cr_assert_str_eq (m->options[0], "rbind");
  cr_assert_str_eq (m->options[2], "idmap");
  cr_assert_null (m->options[3]);
  cr_assert_eq (m->n_uid_mappings, 1);
  cr_assert_eq (m->uid_mappings[0].container_id, 0);
  cr_assert_eq (m->uid_mappings[0].host_id, 100000);
  cr_assert_eq (m->uid_mappings[0].size, 65536);
  cr_assert_eq (m->n_gid_mappings, 1);
  cr_assert_eq (m->gid_mappings[0].host_id, 200000);
  cr_assert_eq (m->gid_mappings[0].size, 1000);
  cr_assert_str_eq (spec->hostname, "box");
  cr_assert_str_eq (spec->domainname, "example.org");
  cr_assert_eq (spec->n_annotations, 2);
  cr_assert_str_eq (spec->annotations[0].key, "com.example.key1");
  cr_assert_str_eq (spec->annotations[0].value, "value1");
  cr_assert_str_eq (spec->annotations[1].key, "com.example.key2");
  cr_assert_str_eq (spec->annotations[1].value, "value2");
}

Test (spec_fields, process_basics)
{
  struct mrt_process *p = spec->process;
  cr_assert (p->terminal);
  cr_assert (p->console_height.set && p->console_height.value == 24);
  cr_assert (p->console_width.set && p->console_width.value == 80);
  cr_assert_eq (p->user.uid, 1000);
  cr_assert_eq (p->user.gid, 1001);
  cr_assert (p->user.umask.set && p->user.umask.value == 022);
  cr_assert_eq (p->user.n_additional_gids, 2);
  cr_assert_eq (p->user.additional_gids[0], 5);
  cr_assert_eq (p->user.additional_gids[1], 4294967294u);
  cr_assert_str_eq (p->user.username, "me");
  cr_assert_eq (p->n_args, 3);
  cr_assert_str_eq (p->args[0], "/bin/sh");
  cr_assert_str_eq (p->args[2], "echo hi");
  cr_assert_null (p->args[3], "args is NULL-terminated for execve");
  cr_assert_str_eq (p->command_line, "sh.exe");
  cr_assert_eq (p->n_env, 2);
  cr_assert_str_eq (p->env[1], "TERM=xterm");
  cr_assert_null (p->env[2]);
  cr_assert_str_eq (p->cwd, "/home");
  cr_assert (p->no_new_privileges);
  cr_assert_str_eq (p->apparmor_profile, "docker-default");
  cr_assert (p->oom_score_adj.set && p->oom_score_adj.value == -1000);
  cr_assert_str_eq (p->selinux_label, "system_u:system_r:svirt_lxc_net_t:s0:c124,c675");
}

Test (spec_fields, process_capabilities_rlimits)
{
  struct mrt_capabilities *c = spec->process->capabilities;
  cr_assert_eq (c->n_bounding, 2);
  cr_assert_eq (c->bounding[0], CAP_CHOWN);
  cr_assert_eq (c->bounding[1], CAP_KILL);
  cr_assert_eq (c->n_effective, 1);
  cr_assert_eq (c->effective[0], CAP_KILL);
  cr_assert_eq (c->n_inheritable, 1);
  cr_assert_eq (c->inheritable[0], CAP_NET_RAW);
  cr_assert_eq (c->n_permitted, 3);
  cr_assert_eq (c->permitted[2], CAP_SYS_ADMIN);
  cr_assert_eq (c->n_ambient, 1);
  cr_assert_eq (c->ambient[0], 40 /* CAP_CHECKPOINT_RESTORE */);

  struct mrt_process *p = spec->process;
  cr_assert_eq (p->n_rlimits, 2);
  cr_assert_eq (p->rlimits[0].resource, RLIMIT_NOFILE);
  cr_assert_str_eq (p->rlimits[0].type, "RLIMIT_NOFILE");
  cr_assert_eq (p->rlimits[0].hard, 1024);
  cr_assert_eq (p->rlimits[0].soft, 512);
  cr_assert_eq (p->rlimits[1].resource, RLIMIT_CORE);
  cr_assert_eq (p->rlimits[1].hard, UINT64_MAX);
  cr_assert_eq (p->rlimits[1].soft, 0);
}

Test (spec_fields, process_scheduling)
{
  struct mrt_process *p = spec->process;
  cr_assert_eq (p->io_priority->class, 2 /* IOPRIO_CLASS_BE */);
  cr_assert_eq (p->io_priority->priority, 7);
  struct mrt_scheduler *s = p->scheduler;
  cr_assert_eq (s->policy, 6 /* SCHED_DEADLINE */);
  cr_assert_eq (s->nice, -20);
  cr_assert_eq (s->priority, 0);
  cr_assert_eq (s->flags, 0x01 | 0x40);
  cr_assert_eq (s->runtime, 10000000);
  cr_assert_eq (s->deadline, 20000000);
  cr_assert_eq (s->period, 30000000);
  cr_assert_str_eq (p->exec_cpu_affinity->initial, "0-3,7");
  cr_assert_str_eq (p->exec_cpu_affinity->final, "1");
}

Test (spec_fields, hooks)
{
  struct mrt_hooks *h = spec->hooks;
  cr_assert_eq (h->n[MRT_HOOK_PRESTART], 1);
  struct mrt_hook *k = &h->list[MRT_HOOK_PRESTART][0];
  cr_assert_str_eq (k->path, "/usr/bin/fix-mounts");
  cr_assert_eq (k->n_args, 2);
  cr_assert_str_eq (k->args[1], "arg1");
  cr_assert_eq (k->n_env, 1);
  cr_assert_str_eq (k->env[0], "KEY=value");
  cr_assert_not (k->timeout.set);
  cr_assert_eq (h->n[MRT_HOOK_CREATE_RUNTIME], 2);
  cr_assert_str_eq (h->list[MRT_HOOK_CREATE_RUNTIME][1].path, "/usr/bin/cr2");
  cr_assert (h->list[MRT_HOOK_CREATE_RUNTIME][1].timeout.set);
  cr_assert_eq (h->list[MRT_HOOK_CREATE_RUNTIME][1].timeout.value, 5);
  cr_assert_str_eq (h->list[MRT_HOOK_CREATE_CONTAINER][0].path, "/usr/bin/cc");
  cr_assert_str_eq (h->list[MRT_HOOK_START_CONTAINER][0].path, "/usr/bin/sc");
  cr_assert_str_eq (h->list[MRT_HOOK_POSTSTART][0].path, "/usr/bin/notify-start");
  cr_assert_eq (h->list[MRT_HOOK_POSTSTOP][0].n_args, 2);
  for (int i = 0; i < MRT_HOOK__COUNT; i++)
    cr_assert_geq (h->n[i], 1);
}

Test (spec_fields, linux_namespaces_mappings)
{
  struct mrt_linux *l = spec->linux_;
  cr_assert_eq (l->n_namespaces, MRT_NS__COUNT);
  for (int i = 0; i < MRT_NS__COUNT; i++)
    cr_assert_eq (l->namespaces[i].type, (enum mrt_ns_type)i);
  cr_assert_null (l->namespaces[0].path);
  cr_assert_str_eq (l->namespaces[1].path, "/var/run/netns/x");
  cr_assert_eq (l->n_uid_mappings, 1);
  cr_assert_eq (l->uid_mappings[0].host_id, 1000);
  cr_assert_eq (l->uid_mappings[0].size, 32000);
  cr_assert_eq (l->n_gid_mappings, 2);
  cr_assert_eq (l->gid_mappings[1].container_id, 1);
  cr_assert_eq (l->gid_mappings[1].host_id, 3000);
  cr_assert_eq (l->gid_mappings[1].size, 2);
  cr_assert (l->time_offsets->has_monotonic);
  cr_assert_eq (l->time_offsets->monotonic.secs, -86400);
  cr_assert_eq (l->time_offsets->monotonic.nanosecs, 5);
  cr_assert (l->time_offsets->has_boottime);
  cr_assert_eq (l->time_offsets->boottime.secs, 3600);
  cr_assert_eq (l->time_offsets->boottime.nanosecs, 0);
}

Test (spec_fields, linux_devices_misc)
{
  struct mrt_linux *l = spec->linux_;
  cr_assert_eq (l->n_devices, 3);
  cr_assert_eq (l->devices[0].type, 'c');
  cr_assert_str_eq (l->devices[0].path, "/dev/fuse");
  cr_assert_eq (l->devices[0].major, 10);
  cr_assert_eq (l->devices[0].minor, 229);
  cr_assert (l->devices[0].file_mode.set && l->devices[0].file_mode.value == 0666);
  cr_assert (l->devices[0].uid.set && l->devices[0].uid.value == 0);
  cr_assert (l->devices[0].gid.set && l->devices[0].gid.value == 5);
  cr_assert_eq (l->devices[1].type, 'b');
  cr_assert_not (l->devices[1].file_mode.set);
  cr_assert_eq (l->devices[2].type, 'p');
  cr_assert_str_eq (l->cgroups_path, "/myRuntime/myContainer");
  cr_assert_eq (l->n_sysctl, 2);
  cr_assert_str_eq (l->sysctl[0].key, "net.ipv4.ip_forward");
  cr_assert_str_eq (l->sysctl[0].value, "1");
  cr_assert_str_eq (l->sysctl[1].value, "256");
  cr_assert_str_eq (l->rootfs_propagation, "rslave");
  cr_assert_eq (l->n_masked_paths, 2);
  cr_assert_str_eq (l->masked_paths[1], "/sys/firmware");
  cr_assert_eq (l->n_readonly_paths, 1);
  cr_assert_str_eq (l->readonly_paths[0], "/proc/sys");
  cr_assert_str_eq (l->mount_label, "system_u:object_r:svirt_sandbox_file_t:s0:c715,c811");
  cr_assert_str_eq (l->personality->domain, "LINUX32");
  cr_assert_eq (l->personality->n_flags, 0);
  cr_assert_str_eq (l->intel_rdt->clos_id, "guaranteed_group");
  cr_assert_str_eq (l->intel_rdt->l3_cache_schema, "L3:0=7f0;1=1f");
  cr_assert_str_eq (l->intel_rdt->mem_bw_schema, "MB:0=20;1=70");
  cr_assert (l->intel_rdt->enable_cmt);
  cr_assert (l->intel_rdt->enable_mbm);
}

Test (spec_fields, resources_devices_memory_cpu)
{
  struct mrt_resources *r = spec->linux_->resources;
  cr_assert_eq (r->n_devices, 3);
  cr_assert_not (r->devices[0].allow);
  cr_assert_eq (r->devices[0].type, 'a');
  cr_assert_not (r->devices[0].major.set);
  cr_assert_str_eq (r->devices[0].access, "rwm");
  cr_assert (r->devices[1].allow);
  cr_assert_eq (r->devices[1].type, 'c');
  cr_assert (r->devices[1].major.set && r->devices[1].major.value == 10);
  cr_assert (r->devices[1].minor.set && r->devices[1].minor.value == 229);
  cr_assert_str_eq (r->devices[1].access, "rw");
  cr_assert_not (r->devices[2].minor.set);
  cr_assert_null (r->devices[2].access);

  struct mrt_memory *m = r->memory;
  cr_assert (m->limit.set && m->limit.value == 536870912);
  cr_assert (m->reservation.set && m->reservation.value == 536870912);
  cr_assert (m->swap.set && m->swap.value == -1);
  cr_assert (m->kernel.set && m->kernel.value == -1);
  cr_assert (m->kernel_tcp.set && m->kernel_tcp.value == -1);
  cr_assert (m->swappiness.set && m->swappiness.value == 0);
  cr_assert (m->disable_oom_killer.set && !m->disable_oom_killer.value);
  cr_assert (m->use_hierarchy.set && m->use_hierarchy.value);
  cr_assert (m->check_before_update.set && m->check_before_update.value);

  struct mrt_cpu *c = r->cpu;
  cr_assert (c->shares.set && c->shares.value == 1024);
  cr_assert (c->quota.set && c->quota.value == 1000000);
  cr_assert (c->burst.set && c->burst.value == 1000);
  cr_assert (c->period.set && c->period.value == 500000);
  cr_assert (c->realtime_runtime.set && c->realtime_runtime.value == 950000);
  cr_assert (c->realtime_period.set && c->realtime_period.value == 1000000);
  cr_assert_str_eq (c->cpus, "2-3");
  cr_assert_str_eq (c->mems, "0-7");
  cr_assert (c->idle.set && c->idle.value == 1);
}

Test (spec_fields, resources_blkio_and_rest)
{
  struct mrt_resources *r = spec->linux_->resources;
  struct mrt_block_io *b = r->block_io;
  cr_assert (b->weight.set && b->weight.value == 10);
  cr_assert (b->leaf_weight.set && b->leaf_weight.value == 1000);
  cr_assert_eq (b->n_weight_device, 2);
  cr_assert_eq (b->weight_device[0].major, 8);
  cr_assert_eq (b->weight_device[0].minor, 0);
  cr_assert_eq (b->weight_device[0].weight.value, 500);
  cr_assert_eq (b->weight_device[0].leaf_weight.value, 300);
  cr_assert_eq (b->weight_device[1].minor, 16);
  cr_assert_not (b->weight_device[1].leaf_weight.set);
  cr_assert_eq (b->n_throttle_read_bps_device, 1);
  cr_assert_eq (b->throttle_read_bps_device[0].rate, 600);
  cr_assert_eq (b->throttle_write_bps_device[0].minor, 16);
  cr_assert_eq (b->throttle_write_bps_device[0].rate, 700);
  cr_assert_eq (b->throttle_read_iops_device[0].minor, 32);
  cr_assert_eq (b->throttle_read_iops_device[0].rate, 800);
  cr_assert_eq (b->n_throttle_write_iops_device, 2);
  cr_assert_eq (b->throttle_write_iops_device[1].minor, 64);
  cr_assert_eq (b->throttle_write_iops_device[1].rate, 1);

  cr_assert_eq (r->n_hugepage_limits, 2);
  cr_assert_str_eq (r->hugepage_limits[0].page_size, "2MB");
  cr_assert_eq (r->hugepage_limits[0].limit, 209715200);
  cr_assert_str_eq (r->hugepage_limits[1].page_size, "1GB");
  cr_assert (r->network->class_id.set && r->network->class_id.value == 1048577);
  cr_assert_eq (r->network->n_priorities, 2);
  cr_assert_str_eq (r->network->priorities[1].name, "eth1");
  cr_assert_eq (r->network->priorities[1].priority, 1000);
  cr_assert (r->pids_limit.set && r->pids_limit.value == 32771);
  cr_assert_eq (r->n_rdma, 2);
  cr_assert_str_eq (r->rdma[0].device, "mlx5_1");
  cr_assert (r->rdma[0].hca_handles.set && r->rdma[0].hca_handles.value == 3);
  cr_assert_eq (r->rdma[0].hca_objects.value, 10000);
  cr_assert_str_eq (r->rdma[1].device, "mlx4_0");
  cr_assert_not (r->rdma[1].hca_handles.set);
  cr_assert_eq (r->n_unified, 2);
  cr_assert_str_eq (r->unified[0].key, "io.weight");
  cr_assert_str_eq (r->unified[0].value, "default 100");
  cr_assert_str_eq (r->unified[1].key, "memory.high");
}

Test (spec_fields, seccomp)
{
  struct mrt_seccomp *s = spec->linux_->seccomp;
  cr_assert_eq (s->default_action, MRT_SCMP_ACT_ERRNO);
  cr_assert (s->default_errno_ret.set && s->default_errno_ret.value == 38);
  cr_assert_eq (s->n_architectures, 4);
  cr_assert_str_eq (s->architectures[0], "SCMP_ARCH_X86_64");
  cr_assert_str_eq (s->architectures[3], "SCMP_ARCH_AARCH64");
  cr_assert_eq (s->n_flags, 2);
  cr_assert_str_eq (s->flags[1], "SECCOMP_FILTER_FLAG_SPEC_ALLOW");
  cr_assert_str_eq (s->listener_path, "/run/seccomp-agent.socket");
  cr_assert_str_eq (s->listener_metadata, "meta");
  cr_assert_eq (s->n_syscalls, 5);
  cr_assert_eq (s->syscalls[0].n_names, 2);
  cr_assert_str_eq (s->syscalls[0].names[1], "write");
  cr_assert_eq (s->syscalls[0].action, MRT_SCMP_ACT_ALLOW);
  cr_assert_not (s->syscalls[0].errno_ret.set);
  cr_assert_eq (s->syscalls[0].n_args, 0);
  cr_assert_eq (s->syscalls[1].args[0].value, 4294967295u);
  cr_assert_eq (s->syscalls[1].args[0].op, MRT_SCMP_CMP_EQ);
  struct mrt_seccomp_syscall *io = &s->syscalls[2];
  cr_assert (io->errno_ret.set && io->errno_ret.value == 1);
  cr_assert_eq (io->args[0].index, 5);
  cr_assert_eq (io->args[0].value, UINT64_MAX);
  cr_assert_eq (io->args[0].value_two, 9223372036854775808u);
  cr_assert_eq (io->args[0].op, MRT_SCMP_CMP_MASKED_EQ);
  cr_assert_eq (s->syscalls[3].action, MRT_SCMP_ACT_NOTIFY);
  cr_assert_eq (s->syscalls[4].action, MRT_SCMP_ACT_KILL_PROCESS);
  cr_assert_eq (s->syscalls[4].args[0].index, 1);
  cr_assert_eq (s->syscalls[4].args[0].op, MRT_SCMP_CMP_NE);
}

Test (spec_names, helpers)
{
  cr_assert_str_eq (mrt_hook_kind_name (MRT_HOOK_PRESTART), "prestart");
  cr_assert_str_eq (mrt_hook_kind_name (MRT_HOOK_CREATE_RUNTIME), "createRuntime");
  cr_assert_str_eq (mrt_hook_kind_name (MRT_HOOK_POSTSTOP), "poststop");
  cr_assert_str_eq (mrt_ns_type_name (MRT_NS_NETWORK), "network");
  cr_assert_str_eq (mrt_ns_type_name (MRT_NS_TIME), "time");
  cr_assert_eq (mrt_ns_type_clone_flag (MRT_NS_PID), CLONE_NEWPID);
  cr_assert_eq (mrt_ns_type_clone_flag (MRT_NS_MOUNT), CLONE_NEWNS);
  cr_assert_eq (mrt_ns_type_clone_flag (MRT_NS_USER), CLONE_NEWUSER);
  cr_assert_eq (mrt_ns_type_clone_flag (MRT_NS_CGROUP), CLONE_NEWCGROUP);
  cr_assert_eq (mrt_ns_type_clone_flag (MRT_NS_TIME), 0x80);
  cr_assert_str_eq (mrt_seccomp_action_name (MRT_SCMP_ACT_ERRNO), "SCMP_ACT_ERRNO");
  cr_assert_str_eq (mrt_seccomp_action_name (MRT_SCMP_ACT_KILL), "SCMP_ACT_KILL");
  cr_assert_str_eq (mrt_seccomp_action_name (MRT_SCMP_ACT_NOTIFY), "SCMP_ACT_NOTIFY");
  cr_assert_str_eq (mrt_seccomp_op_name (MRT_SCMP_CMP_MASKED_EQ), "SCMP_CMP_MASKED_EQ");
  cr_assert_str_eq (mrt_seccomp_op_name (MRT_SCMP_CMP_NE), "SCMP_CMP_NE");
  for (int i = 0; i < MRT_SCMP_ACT__COUNT; i++)
    cr_assert_str_neq (mrt_seccomp_action_name (i), "unknown");
  for (int i = 0; i < MRT_SCMP_CMP__COUNT; i++)
    cr_assert_str_neq (mrt_seccomp_op_name (i), "unknown");
}
