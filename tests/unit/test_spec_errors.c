/* SPDX-License-Identifier: Apache-2.0 */
/* Each kind of bad config.json and the exact one-line error it gives. */
#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <string.h>

#include "minirt/spec.h"

#define BASE "\"ociVersion\":\"1.0.0\",\"root\":{\"path\":\"r\"}"
#define DOC(x) "{" BASE "," x "}"
#define PROC(x) DOC ("\"process\":{\"cwd\":\"/\",\"args\":[\"sh\"]," x "}")
#define LINUX(x) DOC ("\"linux\":{" x "}")
#define RES(x) LINUX ("\"resources\":{" x "}")
#define SECCOMP(x) LINUX ("\"seccomp\":{\"defaultAction\":\"SCMP_ACT_ALLOW\"," x "}")
#define SYSCALL(x) SECCOMP ("\"syscalls\":[{\"names\":[\"read\"],\"action\":\"SCMP_ACT_ALLOW\"," x "}]")
#define ARG(x) SYSCALL ("\"args\":[{" x "}]")
#define P "config.json: process."
#define L "config.json: linux."
#define R "config.json: linux.resources."
#define S "config.json: linux.seccomp."

struct bad_case
{
  const char *json;
  const char *msg;
};

static const struct bad_case cases[] = {
  /* not JSON, truncated, wrong top level */
  { "", "config.json: invalid JSON: parse error: premature EOF" },
  { "{\"ociVersion\":\"1.0", "config.json: invalid JSON: parse error: premature EOF" },
  { "hello", "config.json: invalid JSON: lexical error: invalid char in json text" },
  { "{\"a\":1,}", "config.json: invalid JSON: parse error: invalid object key (must be a string)" },
  { DOC ("\"x\":1") " x", "config.json: invalid JSON: parse error: trailing garbage" },
  { "{\"ociVersion\":\"\\u12\"}",
    "config.json: invalid JSON: lexical error: invalid (non-hex) character occurs after '\\u' inside string" },
  { "{/* c */\"ociVersion\":\"1.0.0\",\"root\":{\"path\":\"r\"}}",
    "config.json: invalid JSON: comments are not allowed" },
  { "{\"ociVersion\":\"1.0.0\",\"root\":{\"path\":\"r\"}} // c",
    "config.json: invalid JSON: comments are not allowed" },
  { "[]", "config.json: expected an object, got an array" },
  { "null", "config.json: expected an object, got null" },
  /* top level */
  { "{\"root\":{\"path\":\"r\"}}", "config.json: ociVersion: missing required string" },
  { "{\"ociVersion\":1,\"root\":{\"path\":\"r\"}}", "config.json: ociVersion: expected a string, got a number" },
  { "{\"ociVersion\":\"\",\"root\":{\"path\":\"r\"}}", "config.json: ociVersion: expected a non-empty version" },
  { "{\"ociVersion\":\"1.0.0\"}", "config.json: root: missing required object" },
  { "{\"ociVersion\":\"1.0.0\",\"root\":\"r\"}", "config.json: root: expected an object, got a string" },
  { "{\"ociVersion\":\"1.0.0\",\"root\":{}}", "config.json: root.path: missing required string" },
  { "{\"ociVersion\":\"1.0.0\",\"root\":{\"path\":\"r\",\"readonly\":\"yes\"}}",
    "config.json: root.readonly: expected a boolean, got a string" },
  { DOC ("\"hostname\":5"), "config.json: hostname: expected a string, got a number" },
  { DOC ("\"domainname\":[]"), "config.json: domainname: expected a string, got an array" },
  { DOC ("\"annotations\":{\"a\":\"b\",\"c\":1}"), "config.json: annotations.c: expected a string, got a number" },
  { DOC ("\"annotations\":[]"), "config.json: annotations: expected an object, got an array" },
  /* mounts */
  { DOC ("\"mounts\":{}"), "config.json: mounts: expected an array, got an object" },
  { DOC ("\"mounts\":[\"/proc\"]"), "config.json: mounts[0]: expected an object, got a string" },
  { DOC ("\"mounts\":[{\"destination\":\"/a\"},{\"type\":\"proc\"}]"),
    "config.json: mounts[1].destination: missing required string" },
  { DOC ("\"mounts\":[{\"destination\":\"/a\",\"options\":[\"ro\",1]}]"),
    "config.json: mounts[0].options[1]: expected a string, got a number" },
  { DOC ("\"mounts\":[{\"destination\":\"/a\",\"uidMappings\":[{\"containerID\":0,\"hostID\":1}]}]"),
    "config.json: mounts[0].uidMappings[0].size: missing required integer" },
  { DOC (
        "\"mounts\":[{\"destination\":\"/a\",\"gidMappings\":[{\"containerID\":0,\"hostID\":4294967296,\"size\":1}]}]"),
    "config.json: mounts[0].gidMappings[0].hostID: expected an integer in 0..4294967295, got 4294967296" },
  /* process */
  { DOC ("\"process\":{\"cwd\":\"/\"}"), P "args: missing required array" },
  { DOC ("\"process\":{\"cwd\":\"/\",\"args\":[]}"), P "args: expected at least one argument" },
  { DOC ("\"process\":{\"cwd\":\"/\",\"args\":[\"sh\",2]}"), P "args[1]: expected a string, got a number" },
  { DOC ("\"process\":{\"args\":[\"sh\"]}"), P "cwd: missing required string" },
  { DOC ("\"process\":{\"args\":[\"sh\"],\"cwd\":\"tmp\"}"), P "cwd: expected an absolute path, got \"tmp\"" },
  { PROC ("\"terminal\":\"true\""), P "terminal: expected a boolean, got a string" },
  { PROC ("\"consoleSize\":{\"height\":1}"), P "consoleSize.width: missing required integer" },
  { PROC ("\"env\":[\"A=1\",null]"), P "env[1]: expected a string, got null" },
  { PROC ("\"user\":{\"uid\":-1}"), P "user.uid: expected an integer in 0..4294967294, got -1" },
  { PROC ("\"user\":{\"gid\":1.5}"), P "user.gid: expected an integer in 0..4294967294, got 1.5" },
  { PROC ("\"user\":{\"uid\":1e3}"), P "user.uid: expected an integer in 0..4294967294, got 1e3" },
  /* (uid_t)-1: setresuid(-1, -1, -1) would leave the process root */
  { PROC ("\"user\":{\"uid\":4294967295}"), P "user.uid: expected an integer in 0..4294967294, got 4294967295" },
  { PROC ("\"user\":{\"gid\":4294967295}"), P "user.gid: expected an integer in 0..4294967294, got 4294967295" },
  { PROC ("\"user\":{\"additionalGids\":[4294967295]}"),
    P "user.additionalGids[0]: expected an integer in 0..4294967294, got 4294967295" },
  { PROC ("\"user\":{\"uid\":\"0\"}"), P "user.uid: expected an integer, got a string" },
  { PROC ("\"user\":{\"umask\":512}"), P "user.umask: expected an integer in 0..511, got 512" },
  { PROC ("\"user\":{\"additionalGids\":[1,\"x\"]}"), P "user.additionalGids[1]: expected an integer, got a string" },
  { PROC ("\"capabilities\":{\"bounding\":[\"CAP_KILL\",\"CAP_FOO\"]}"),
    P "capabilities.bounding[1]: unknown capability \"CAP_FOO\"" },
  { PROC ("\"capabilities\":{\"ambient\":[\"cap_chown\"]}"),
    P "capabilities.ambient[0]: unknown capability \"cap_chown\"" },
  { PROC ("\"capabilities\":{\"permitted\":[\"CAP_CHOWN,CAP_KILL\"]}"),
    P "capabilities.permitted[0]: unknown capability \"CAP_CHOWN,CAP_KILL\"" },
  { PROC ("\"capabilities\":{\"effective\":\"CAP_KILL\"}"),
    P "capabilities.effective: expected an array, got a string" },
  { PROC ("\"rlimits\":[{\"type\":\"RLIMIT_BOGUS\",\"hard\":1,\"soft\":1}]"),
    P "rlimits[0].type: unknown rlimit \"RLIMIT_BOGUS\"" },
  { PROC ("\"rlimits\":[{\"type\":\"RLIMIT_NOFILE\",\"soft\":1}]"), P "rlimits[0].hard: missing required integer" },
  { PROC ("\"rlimits\":[{\"hard\":1,\"soft\":1}]"), P "rlimits[0].type: missing required string" },
  { PROC ("\"rlimits\":[{\"type\":\"RLIMIT_CORE\",\"hard\":1,\"soft\":1},{\"type\":\"RLIMIT_CORE\",\"hard\":2,\"soft\":"
          "2}]"),
    P "rlimits[1].type: duplicate rlimit \"RLIMIT_CORE\"" },
  { PROC ("\"rlimits\":[{\"type\":\"RLIMIT_NOFILE\",\"hard\":1024,\"soft\":2048}]"),
    P "rlimits[0].soft: expected at most hard (1024), got 2048" },
  { PROC ("\"scheduler\":{\"policy\":\"SCHED_FIFO\",\"priority\":100}"),
    P "scheduler.priority: expected an integer in 0..99, got 100" },
  { PROC ("\"noNewPrivileges\":1"), P "noNewPrivileges: expected a boolean, got a number" },
  { PROC ("\"oomScoreAdj\":1001"), P "oomScoreAdj: expected an integer in -1000..1000, got 1001" },
  { PROC ("\"oomScoreAdj\":-1001"), P "oomScoreAdj: expected an integer in -1000..1000, got -1001" },
  { PROC ("\"apparmorProfile\":{}"), P "apparmorProfile: expected a string, got an object" },
  { PROC ("\"ioPriority\":{\"class\":\"IOPRIO_CLASS_FOO\"}"),
    P "ioPriority.class: unknown class \"IOPRIO_CLASS_FOO\"" },
  { PROC ("\"ioPriority\":{\"priority\":1}"), P "ioPriority.class: missing required string" },
  { PROC ("\"ioPriority\":{\"class\":\"IOPRIO_CLASS_RT\",\"priority\":8}"),
    P "ioPriority.priority: expected an integer in 0..7, got 8" },
  { PROC ("\"scheduler\":{\"policy\":\"SCHED_FOO\"}"), P "scheduler.policy: unknown scheduler policy \"SCHED_FOO\"" },
  { PROC ("\"scheduler\":{\"nice\":1}"), P "scheduler.policy: missing required string" },
  { PROC ("\"scheduler\":{\"policy\":\"SCHED_OTHER\",\"nice\":20}"),
    P "scheduler.nice: expected an integer in -20..19, got 20" },
  { PROC ("\"scheduler\":{\"policy\":\"SCHED_OTHER\",\"nice\":-21}"),
    P "scheduler.nice: expected an integer in -20..19, got -21" },
  { PROC ("\"scheduler\":{\"policy\":\"SCHED_OTHER\",\"flags\":[\"SCHED_FLAG_FOO\"]}"),
    P "scheduler.flags[0]: unknown scheduler flag \"SCHED_FLAG_FOO\"" },
  { PROC ("\"scheduler\":{\"policy\":\"SCHED_DEADLINE\",\"runtime\":-5}"),
    P "scheduler.runtime: expected an integer in 0..18446744073709551615, got -5" },
  { PROC ("\"execCPUAffinity\":{\"initial\":\"a-b\"}"),
    P "execCPUAffinity.initial: expected a cpu list like \"0-3,7\", got \"a-b\"" },
  /* hooks */
  { DOC ("\"hooks\":[]"), "config.json: hooks: expected an object, got an array" },
  { DOC ("\"hooks\":{\"prestart\":[{\"args\":[\"x\"]}]}"),
    "config.json: hooks.prestart[0].path: missing required string" },
  { DOC ("\"hooks\":{\"poststop\":[{\"path\":\"/a\"},{\"path\":\"cleanup.sh\"}]}"),
    "config.json: hooks.poststop[1].path: expected an absolute path, got \"cleanup.sh\"" },
  { DOC ("\"hooks\":{\"createRuntime\":{\"path\":\"/a\"}}"),
    "config.json: hooks.createRuntime: expected an array, got an object" },
  { DOC ("\"hooks\":{\"startContainer\":[{\"path\":\"/a\",\"timeout\":0}]}"),
    "config.json: hooks.startContainer[0].timeout: expected an integer in 1..2147483647, got 0" },
  { DOC ("\"hooks\":{\"createContainer\":[{\"path\":\"/a\",\"env\":\"A=1\"}]}"),
    "config.json: hooks.createContainer[0].env: expected an array, got a string" },
  /* linux */
  { DOC ("\"linux\":[]"), "config.json: linux: expected an object, got an array" },
  { LINUX ("\"namespaces\":[{\"type\":\"pid\"},{\"type\":\"foo\"}]"),
    L "namespaces[1].type: unknown namespace type \"foo\"" },
  { LINUX ("\"namespaces\":[{\"type\":\"pid\"},{\"type\":\"ipc\"},{\"type\":\"pid\"}]"),
    L "namespaces[2].type: duplicate namespace \"pid\"" },
  { LINUX ("\"namespaces\":[{\"type\":\"a\\nb\\u001b\"}]"),
    L "namespaces[0].type: unknown namespace type \"a\\x0ab\\x1b\"" },
  { DOC ("\"annotations\":{\"x\\ny\":1}"), "config.json: annotations.x\\x0ay: expected a string, got a number" },
  { LINUX ("\"namespaces\":[{\"path\":\"/proc/1/ns/net\"}]"), L "namespaces[0].type: missing required string" },
  { LINUX ("\"namespaces\":[{\"type\":\"network\",\"path\":\"ns/net\"}]"),
    L "namespaces[0].path: expected an absolute path, got \"ns/net\"" },
  { LINUX ("\"uidMappings\":[{\"hostID\":1,\"size\":1}]"), L "uidMappings[0].containerID: missing required integer" },
  { LINUX ("\"gidMappings\":[{\"containerID\":0,\"hostID\":1,\"size\":-1}]"),
    L "gidMappings[0].size: expected an integer in 0..4294967295, got -1" },
  { LINUX ("\"uidMappings\":[{\"containerID\":0,\"hostID\":1000,\"size\":0}]"),
    L "uidMappings[0].size: expected an integer in 1..4294967295, got 0" },
  { LINUX ("\"uidMappings\":[{\"containerID\":0,\"hostID\":4294967295,\"size\":2}]"),
    L "uidMappings[0].size: range 0+2 or 4294967295+2 goes past 4294967294" },
  /* 1+4294967295 ends at 2^32: the kernel refuses it (checked with unshare -U) */
  { LINUX ("\"uidMappings\":[{\"containerID\":1,\"hostID\":0,\"size\":4294967295}]"),
    L "uidMappings[0].size: range 1+4294967295 or 0+4294967295 goes past 4294967294" },
  { LINUX ("\"timeOffsets\":{\"realtime\":{\"secs\":1}}"),
    L "timeOffsets.realtime: unknown clock \"realtime\" (expected \"monotonic\" or \"boottime\")" },
  { LINUX ("\"timeOffsets\":{\"boottime\":{\"nanosecs\":1000000000}}"),
    L "timeOffsets.boottime.nanosecs: expected an integer in 0..999999999, got 1000000000" },
  { LINUX ("\"timeOffsets\":{\"monotonic\":5}"), L "timeOffsets.monotonic: expected an object, got a number" },
  { LINUX ("\"devices\":[{\"type\":\"c\",\"major\":1,\"minor\":3}]"), L "devices[0].path: missing required string" },
  { LINUX ("\"devices\":[{\"path\":\"/dev/null\",\"major\":1,\"minor\":3}]"),
    L "devices[0].type: missing required string" },
  { LINUX ("\"devices\":[{\"path\":\"/dev/null\",\"type\":\"x\",\"major\":1,\"minor\":3}]"),
    L "devices[0].type: unknown device type \"x\" (expected c, b, u or p)" },
  { LINUX ("\"devices\":[{\"path\":\"/dev/null\",\"type\":\"c\",\"minor\":3}]"),
    L "devices[0].major: missing required integer" },
  { LINUX ("\"devices\":[{\"path\":\"/dev/null\",\"type\":\"b\",\"major\":1}]"),
    L "devices[0].minor: missing required integer" },
  { LINUX ("\"devices\":[{\"path\":\"/dev/null\",\"type\":\"c\",\"major\":1,\"minor\":-3}]"),
    L "devices[0].minor: expected an integer in 0..4294967295, got -3" },
  { LINUX ("\"devices\":[{\"path\":\"dev/null\",\"type\":\"c\",\"major\":1,\"minor\":3}]"),
    L "devices[0].path: expected an absolute path, got \"dev/null\"" },
  { LINUX ("\"devices\":[{\"path\":\"/dev/null\",\"type\":\"c\",\"major\":1,\"minor\":3,\"fileMode\":65536}]"),
    L "devices[0].fileMode: expected an integer in 0..65535, got 65536" },
  { LINUX ("\"devices\":[{\"path\":\"/dev/sda\",\"type\":\"b\",\"major\":8,\"minor\":0,\"fileMode\":8612}]"),
    L "devices[0].fileMode: file type bits 020000 do not match type \"b\"" },
  { LINUX ("\"cgroupsPath\":true"), L "cgroupsPath: expected a string, got a boolean" },
  { LINUX ("\"sysctl\":{\"net.ipv4.ip_forward\":1}"), L "sysctl.net.ipv4.ip_forward: expected a string, got a number" },
  { LINUX ("\"rootfsPropagation\":\"rsomething\""), L "rootfsPropagation: unknown propagation \"rsomething\"" },
  { LINUX ("\"maskedPaths\":[\"/proc/kcore\",null]"), L "maskedPaths[1]: expected a string, got null" },
  { LINUX ("\"readonlyPaths\":\"/proc\""), L "readonlyPaths: expected an array, got a string" },
  { LINUX ("\"mountLabel\":1"), L "mountLabel: expected a string, got a number" },
  { LINUX ("\"personality\":{\"domain\":\"LINUX64\"}"),
    L "personality.domain: unknown personality domain \"LINUX64\"" },
  { LINUX ("\"personality\":{}"), L "personality.domain: missing required string" },
  { LINUX ("\"intelRdt\":{\"enableCMT\":\"yes\"}"), L "intelRdt.enableCMT: expected a boolean, got a string" },
  /* linux.resources */
  { RES ("\"devices\":[{\"access\":\"rwm\"}]"), R "devices[0].allow: missing required boolean" },
  { RES ("\"devices\":[{\"allow\":\"true\"}]"), R "devices[0].allow: expected a boolean, got a string" },
  { RES ("\"devices\":[{\"allow\":true,\"type\":\"p\"}]"),
    R "devices[0].type: unknown device type \"p\" (expected a, c or b)" },
  { RES ("\"devices\":[{\"allow\":true,\"access\":\"rwx\"}]"),
    R "devices[0].access: expected a combination of r, w and m, got \"rwx\"" },
  { RES ("\"devices\":[{\"allow\":true,\"major\":-2}]"),
    R "devices[0].major: expected an integer in -1..4294967295, got -2" },
  { RES ("\"memory\":{\"swappiness\":101}"), R "memory.swappiness: expected an integer in 0..100, got 101" },
  { RES ("\"memory\":{\"limit\":\"1G\"}"), R "memory.limit: expected an integer, got a string" },
  { RES ("\"memory\":{\"limit\":1.5e9}"), R "memory.limit: expected an integer in -1..9223372036854775807, got 1.5e9" },
  { RES ("\"memory\":{\"swap\":-2}"), R "memory.swap: expected an integer in -1..9223372036854775807, got -2" },
  { RES ("\"memory\":{\"disableOOMKiller\":0}"), R "memory.disableOOMKiller: expected a boolean, got a number" },
  { RES ("\"cpu\":{\"shares\":-1}"), R "cpu.shares: expected an integer in 0..18446744073709551615, got -1" },
  { RES ("\"cpu\":{\"quota\":9223372036854775808}"),
    R "cpu.quota: expected an integer in -9223372036854775808..9223372036854775807, got 9223372036854775808" },
  { RES ("\"cpu\":{\"cpus\":3}"), R "cpu.cpus: expected a string, got a number" },
  { RES ("\"blockIO\":{\"weight\":5}"), R "blockIO.weight: expected an integer in 10..1000, got 5" },
  { RES ("\"blockIO\":{\"weight\":1001}"), R "blockIO.weight: expected an integer in 10..1000, got 1001" },
  { RES ("\"blockIO\":{\"leafWeight\":-10}"), R "blockIO.leafWeight: expected an integer in 10..1000, got -10" },
  { RES ("\"blockIO\":{\"weightDevice\":[{\"minor\":0,\"weight\":10}]}"),
    R "blockIO.weightDevice[0].major: missing required integer" },
  { RES ("\"blockIO\":{\"weightDevice\":[{\"major\":8,\"minor\":0,\"weight\":5}]}"),
    R "blockIO.weightDevice[0].weight: expected 0 or an integer in 10..1000, got 5" },
  { RES ("\"blockIO\":{\"throttleReadBpsDevice\":[{\"major\":8,\"minor\":0}]}"),
    R "blockIO.throttleReadBpsDevice[0].rate: missing required integer" },
  { RES ("\"blockIO\":{\"throttleWriteIOPSDevice\":[{\"major\":8,\"minor\":0,\"rate\":-1}]}"),
    R "blockIO.throttleWriteIOPSDevice[0].rate: expected an integer in 0..18446744073709551615, got -1" },
  { RES ("\"hugepageLimits\":[{\"pageSize\":\"2XB\",\"limit\":1}]"),
    R "hugepageLimits[0].pageSize: expected a size like \"2MB\" or \"1GB\", got \"2XB\"" },
  { RES ("\"hugepageLimits\":[{\"pageSize\":\"2MB\"}]"), R "hugepageLimits[0].limit: missing required integer" },
  { RES ("\"network\":{\"classID\":4294967296}"),
    R "network.classID: expected an integer in 0..4294967295, got 4294967296" },
  { RES ("\"network\":{\"priorities\":[{\"priority\":1}]}"), R "network.priorities[0].name: missing required string" },
  { RES ("\"pids\":{}"), R "pids.limit: missing required integer" },
  { RES ("\"pids\":{\"limit\":\"max\"}"), R "pids.limit: expected an integer, got a string" },
  { RES ("\"rdma\":{\"mlx5_1\":{\"hcaHandles\":-1}}"),
    R "rdma.mlx5_1.hcaHandles: expected an integer in 0..4294967295, got -1" },
  { RES ("\"rdma\":{\"mlx5_1\":[]}"), R "rdma.mlx5_1: expected an object, got an array" },
  { RES ("\"unified\":{\"memory.max\":1024}"), R "unified.memory.max: expected a string, got a number" },
  /* linux.seccomp */
  { LINUX ("\"seccomp\":{}"), S "defaultAction: missing required string" },
  { LINUX ("\"seccomp\":{\"defaultAction\":\"SCMP_ACT_BOGUS\"}"),
    S "defaultAction: unknown action \"SCMP_ACT_BOGUS\"" },
  { SECCOMP ("\"syscalls\":[{\"names\":[\"a\"],\"action\":\"SCMP_ACT_ALLOW\"},{\"names\":[\"b\"],\"action\":\"SCMP_ACT_"
             "ALLOW\"},"
             "{\"names\":[\"c\"],\"action\":\"SCMP_ACT_ALLOW\"},{\"names\":[\"d\"],\"action\":\"SCMP_ACT_FOO\"}]"),
    S "syscalls[3].action: unknown action \"SCMP_ACT_FOO\"" },
  { SECCOMP ("\"syscalls\":[{\"name\":\"read\",\"action\":\"SCMP_ACT_ALLOW\"}]"),
    S "syscalls[0].names: missing required array (the legacy \"name\" field is not supported: use \"names\")" },
  { SECCOMP ("\"syscalls\":[{\"action\":\"SCMP_ACT_ALLOW\"}]"), S "syscalls[0].names: missing required array" },
  { SECCOMP ("\"syscalls\":[{\"names\":[],\"action\":\"SCMP_ACT_ALLOW\"}]"),
    S "syscalls[0].names: expected at least one syscall name" },
  { SECCOMP ("\"syscalls\":[{\"names\":[\"read\",\"\"],\"action\":\"SCMP_ACT_ALLOW\"}]"),
    S "syscalls[0].names[1]: expected a syscall name, got \"\"" },
  { SECCOMP ("\"syscalls\":[{\"names\":[\"read\"]}]"), S "syscalls[0].action: missing required string" },
  { SECCOMP ("\"syscalls\":{}"), S "syscalls: expected an array, got an object" },
  { SYSCALL ("\"errnoRet\":\"EPERM\""), S "syscalls[0].errnoRet: expected an integer, got a string" },
  { ARG ("\"index\":6,\"value\":1,\"op\":\"SCMP_CMP_EQ\""),
    S "syscalls[0].args[0].index: expected an integer in 0..5, got 6" },
  { ARG ("\"index\":-1,\"value\":1,\"op\":\"SCMP_CMP_EQ\""),
    S "syscalls[0].args[0].index: expected an integer in 0..4294967295, got -1" },
  { ARG ("\"value\":1,\"op\":\"SCMP_CMP_EQ\""), S "syscalls[0].args[0].index: missing required integer" },
  { ARG ("\"index\":0,\"op\":\"SCMP_CMP_EQ\""), S "syscalls[0].args[0].value: missing required integer" },
  { ARG ("\"index\":0,\"value\":1"), S "syscalls[0].args[0].op: missing required string" },
  { ARG ("\"index\":0,\"value\":1,\"op\":\"SCMP_CMP_XX\""),
    S "syscalls[0].args[0].op: unknown operator \"SCMP_CMP_XX\"" },
  { ARG ("\"index\":0,\"value\":-1,\"op\":\"SCMP_CMP_EQ\""),
    S "syscalls[0].args[0].value: expected an integer in 0..18446744073709551615, got -1" },
  { ARG ("\"index\":0,\"value\":18446744073709551616,\"op\":\"SCMP_CMP_EQ\""),
    S "syscalls[0].args[0].value: expected an integer in 0..18446744073709551615, got 18446744073709551616" },
  { ARG ("\"index\":0,\"value\":1,\"valueTwo\":1.0,\"op\":\"SCMP_CMP_EQ\""),
    S "syscalls[0].args[0].valueTwo: expected an integer in 0..18446744073709551615, got 1.0" },
  { SECCOMP ("\"architectures\":[\"SCMP_ARCH_X86_64\",\"SCMP_ARCH_FOO\"]"),
    S "architectures[1]: unknown architecture \"SCMP_ARCH_FOO\"" },
  { SECCOMP ("\"architectures\":[\"SCMP_ARCH_x86_64\"]"),
    S "architectures[0]: unknown architecture \"SCMP_ARCH_x86_64\"" },
  { SECCOMP ("\"architectures\":[\"x86_64\"]"), S "architectures[0]: unknown architecture \"x86_64\"" },
  { SECCOMP ("\"flags\":[\"SECCOMP_FILTER_FLAG_TSYNC\",\"SECCOMP_FILTER_FLAG_NEW_LISTENER\"]"),
    S "flags[1]: unknown flag \"SECCOMP_FILTER_FLAG_NEW_LISTENER\"" },
  { SECCOMP ("\"defaultErrnoRet\":-1"), S "defaultErrnoRet: expected an integer in 0..4294967295, got -1" },
  { SECCOMP ("\"listenerPath\":1"), S "listenerPath: expected a string, got a number" },
  { SECCOMP ("\"listenerMetadata\":{}"), S "listenerMetadata: expected a string, got an object" },
};

struct case_index
{
  size_t i;
};

ParameterizedTestParameters (spec_errors, table)
{
  static struct case_index idx[sizeof (cases) / sizeof (cases[0])];
  for (size_t i = 0; i < sizeof (cases) / sizeof (cases[0]); i++)
    idx[i].i = i;
  return cr_make_param_array (struct case_index, idx, sizeof (idx) / sizeof (idx[0]));
}

ParameterizedTest (struct case_index *ci, spec_errors, table)
{
  const struct bad_case *bc = &cases[ci->i];
  struct mrt_spec *spec = NULL;
  mrt_error_t err = NULL;
  int r = mrt_spec_parse (bc->json, strlen (bc->json), "config.json", &spec, &err);
  cr_assert_lt (r, 0, "case %zu accepted: %s", ci->i, bc->json);
  cr_assert_null (spec);
  cr_assert_not_null (err);
  cr_expect_str_eq (err->msg, bc->msg, "case %zu: %s", ci->i, bc->json);
  cr_expect_null (strchr (err->msg, '\n'), "one line");
  mrt_error_free (&err);
}

/* podman's --device and --privileged copy the host's st_mode, type bits included. */
Test (spec_errors, device_file_mode_with_type_bits)
{
  static const char json[] = LINUX ("\"devices\":[{\"path\":\"/dev/fuse\",\"type\":\"c\",\"major\":10,\"minor\":229,"
                                    "\"fileMode\":8630},{\"path\":\"/dev/loop0\",\"type\":\"b\",\"major\":7,"
                                    "\"minor\":0,\"fileMode\":25008},{\"path\":\"/dev/f\",\"type\":\"p\","
                                    "\"fileMode\":4516}]");
  struct mrt_spec *spec = NULL;
  mrt_error_t err = NULL;
  int r = mrt_spec_parse (json, strlen (json), "config.json", &spec, &err);
  cr_assert_eq (r, 0, "%s", err ? err->msg : "");
  cr_assert_eq (spec->linux_->devices[0].file_mode.value, 020666);
  cr_assert_eq (spec->linux_->devices[1].file_mode.value, 060660);
  cr_assert_eq (spec->linux_->devices[2].file_mode.value, 010644);
  mrt_spec_free (spec);
}
