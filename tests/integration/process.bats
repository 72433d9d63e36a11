#!/usr/bin/env bats
# The container process's credentials and attributes as it sees them:
# capabilities, NoNewPrivs, uid/gid/groups, umask, rlimits, oom_score_adj,
# personality, ioPriority, scheduler, execCPUAffinity; parity with runc.

load helpers

bats_require_minimum_version 1.5.0

setup() {
  setup_bundle "$REPO_ROOT/specs/default.json"
  update_config '.process.terminal = false'
}

teardown() {
  teardown_bundle
}

run_sh() {
  set_args sh -c "$1"
  run --separate-stderr minirt run "$CTR_ID"
}

# The 16-hex-digit mask of capability numbers, as /proc/self/status shows it.
cap_mask() {
  local m=0 n
  for n in "$@"; do m=$((m | (1 << n))); done
  printf '%016x' "$m"
}

# Capability numbers from <linux/capability.h>.
CAP_CHOWN=0 CAP_DAC_OVERRIDE=1 CAP_FOWNER=3 CAP_FSETID=4 CAP_KILL=5 CAP_SETGID=6 CAP_SETUID=7
CAP_SETPCAP=8 CAP_NET_BIND_SERVICE=10 CAP_NET_RAW=13 CAP_SYS_CHROOT=18 CAP_SYS_ADMIN=21 CAP_MKNOD=27
CAP_AUDIT_WRITE=29 CAP_SETFCAP=31

status_field() {
  awk -v k="$1:" '$1 == k {print $2}' <<<"$output"
}

@test "default runc capabilities: Cap* masks from the config's cap numbers" {
  run_sh 'cat /proc/self/status'
  [ "$status" -eq 0 ]
  local want
  want=$(cap_mask $CAP_AUDIT_WRITE $CAP_KILL $CAP_NET_BIND_SERVICE)
  [ "$(status_field CapBnd)" = "$want" ]
  [ "$(status_field CapEff)" = "$want" ]
  [ "$(status_field CapPrm)" = "$want" ]
  # No inheritable set: the ambient ones cannot be raised (runc skips them too).
  [ "$(status_field CapInh)" = 0000000000000000 ]
  [ "$(status_field CapAmb)" = 0000000000000000 ]
}

@test "the Docker default capability set with inheritable and ambient" {
  local caps='["CAP_CHOWN","CAP_DAC_OVERRIDE","CAP_FSETID","CAP_FOWNER","CAP_MKNOD","CAP_NET_RAW","CAP_SETGID","CAP_SETUID","CAP_SETFCAP","CAP_SETPCAP","CAP_NET_BIND_SERVICE","CAP_SYS_CHROOT","CAP_KILL","CAP_AUDIT_WRITE"]'
  update_config --argjson c "$caps" '.process.capabilities = {"bounding": $c, "effective": $c, "permitted": $c, "inheritable": ["CAP_KILL", "CAP_CHOWN"], "ambient": ["CAP_KILL"]}'
  run_sh 'cat /proc/self/status'
  [ "$status" -eq 0 ]
  local want
  want=$(cap_mask $CAP_CHOWN $CAP_DAC_OVERRIDE $CAP_FSETID $CAP_FOWNER $CAP_MKNOD $CAP_NET_RAW $CAP_SETGID \
    $CAP_SETUID $CAP_SETFCAP $CAP_SETPCAP $CAP_NET_BIND_SERVICE $CAP_SYS_CHROOT $CAP_KILL $CAP_AUDIT_WRITE)
  [ "$(status_field CapBnd)" = "$want" ]
  [ "$(status_field CapEff)" = "$want" ]
  [ "$(status_field CapPrm)" = "$want" ]
  [ "$(status_field CapInh)" = "$(cap_mask $CAP_KILL $CAP_CHOWN)" ]
  [ "$(status_field CapAmb)" = "$(cap_mask $CAP_KILL)" ]
}

@test "empty capability sets and no capabilities object drop everything" {
  update_config '.process.capabilities = {"bounding": [], "effective": [], "permitted": []}'
  run_sh 'grep ^Cap /proc/self/status'
  [ "$status" -eq 0 ]
  [ "$(grep -c ':	0000000000000000$' <<<"$output")" -eq 5 ]
  update_config 'del(.process.capabilities)'
  run_sh 'grep ^Cap /proc/self/status; mknod /tmp/n c 1 3; echo rc=$?'
  [ "$status" -eq 0 ]
  [ "$(grep -c ':	0000000000000000$' <<<"$output")" -eq 5 ]
  [[ "$output" == *rc=1* ]]
}

@test "a non-root user keeps the configured capabilities" {
  update_config '.process.user = {"uid": 1000, "gid": 1000} | .root.readonly = false
    | .process.capabilities = {"bounding": ["CAP_NET_BIND_SERVICE", "CAP_KILL"], "effective": ["CAP_NET_BIND_SERVICE"], "permitted": ["CAP_NET_BIND_SERVICE"], "inheritable": ["CAP_NET_BIND_SERVICE"], "ambient": ["CAP_NET_BIND_SERVICE"]}'
  run_sh 'cat /proc/self/status'
  [ "$status" -eq 0 ]
  [ "$(status_field Uid | head -n1)" = 1000 ]
  local want
  want=$(cap_mask $CAP_NET_BIND_SERVICE)
  [ "$(status_field CapEff)" = "$want" ]
  [ "$(status_field CapPrm)" = "$want" ]
  [ "$(status_field CapAmb)" = "$want" ]
  [ "$(status_field CapBnd)" = "$(cap_mask $CAP_NET_BIND_SERVICE $CAP_KILL)" ]
}

@test "noNewPrivileges true and false" {
  run_sh 'grep NoNewPrivs /proc/self/status'
  [ "$status" -eq 0 ]
  [ "$output" = "NoNewPrivs:	1" ]
  update_config '.process.noNewPrivileges = false'
  run_sh 'grep NoNewPrivs /proc/self/status'
  [ "$status" -eq 0 ]
  [ "$output" = "NoNewPrivs:	0" ]
}

@test "user: uid, gid, additionalGids as id shows them" {
  update_config '.process.user = {"uid": 1000, "gid": 1001, "additionalGids": [10, 20, 1001]}'
  run_sh 'id -u; id -g; id -G; grep -E "^(Uid|Gid|Groups)" /proc/self/status'
  [ "$status" -eq 0 ]
  [ "${lines[0]}" = 1000 ]
  [ "${lines[1]}" = 1001 ]
  [[ " ${lines[2]} " == *" 10 "* && " ${lines[2]} " == *" 20 "* ]]
  [ "${lines[3]}" = "Uid:	1000	1000	1000	1000" ]
  [ "${lines[4]}" = "Gid:	1001	1001	1001	1001" ]
  [ "${lines[5]}" = "Groups:	10 20 1001 " ]
}

@test "root keeps no supplementary groups unless asked" {
  run_sh 'grep ^Groups /proc/self/status'
  [ "$status" -eq 0 ]
  [[ "$output" =~ ^Groups:[[:space:]]*$ ]]
}

@test "umask: configured values and the 0022 default" {
  update_config '.process.user.umask = 63'
  run_sh umask
  [ "$status" -eq 0 ]
  [ "$output" = 0077 ]
  update_config '.process.user.umask = 0'
  run_sh umask
  [ "$output" = 0000 ]
  update_config 'del(.process.user.umask)'
  run_sh umask
  [ "$output" = 0022 ]
}

@test "rlimits: ulimit shows soft and hard values" {
  update_config '.process.rlimits = [{"type": "RLIMIT_NOFILE", "soft": 1234, "hard": 2345}, {"type": "RLIMIT_NPROC", "soft": 77, "hard": 88}, {"type": "RLIMIT_STACK", "soft": 8388608, "hard": 16777216}]'
  run_sh 'ulimit -n; ulimit -Hn; ulimit -u; ulimit -Hu; ulimit -s; ulimit -Hs'
  [ "$status" -eq 0 ]
  [ "${lines[*]}" = "1234 2345 77 88 8192 16384" ]
}

@test "a refused rlimit is one error naming the rlimit" {
  local nr_open
  nr_open=$(cat /proc/sys/fs/nr_open)
  local over=$((nr_open + 1))
  update_config --argjson n "$over" '.process.rlimits = [{"type": "RLIMIT_CORE", "soft": 0, "hard": 0}, {"type": "RLIMIT_NOFILE", "soft": $n, "hard": $n}]'
  run_sh true
  [ "$status" -ne 0 ]
  [[ "$stderr" == *"process.rlimits[1]: setrlimit RLIMIT_NOFILE (soft $over, hard $over): Operation not permitted"* ]]
  [ "$(grep -c . <<<"$stderr")" -eq 1 ]
  [ -z "$(ls -A "$STATE_ROOT")" ]
}

@test "oomScoreAdj" {
  update_config '.process.oomScoreAdj = 123'
  run_sh 'cat /proc/self/oom_score_adj'
  [ "$status" -eq 0 ]
  [ "$output" = 123 ]
}

@test "personality LINUX32" {
  update_config '.linux.personality = {"domain": "LINUX32"}'
  run_sh 'uname -m'
  [ "$status" -eq 0 ]
  [[ "$output" == i686 || "$output" == armv* ]]
}

@test "ioPriority and scheduler" {
  update_config '.process.ioPriority = {"class": "IOPRIO_CLASS_BE", "priority": 6}'
  run_sh 'ionice'
  [ "$status" -eq 0 ]
  [ "$output" = "best-effort: prio 6" ]
  update_config 'del(.process.ioPriority) | .process.scheduler = {"policy": "SCHED_BATCH", "nice": 7}'
  run_sh 'cat /proc/self/stat; grep ^policy /proc/self/sched'
  [ "$status" -eq 0 ]
  # Field 19 of stat is nice, field 41 the policy (SCHED_BATCH = 3).
  [ "$(awk '{print $19, $41}' <<<"${lines[0]}")" = "7 3" ]
}

@test "execCPUAffinity.initial restricts the CPUs" {
  update_config '.process.execCPUAffinity = {"initial": "0"}'
  run_sh 'grep Cpus_allowed_list /proc/self/status'
  [ "$status" -eq 0 ]
  [ "$output" = "Cpus_allowed_list:	0" ]
}

@test "parity with runc: credentials and limits of a non-root user" {
  command -v runc >/dev/null || skip "runc is not installed"
  update_config '.process.user = {"uid": 1000, "gid": 1000, "additionalGids": [5, 10], "umask": 23}
    | .process.rlimits = [{"type": "RLIMIT_NOFILE", "soft": 500, "hard": 600}] | .process.oomScoreAdj = 42'
  set_args sh -c 'grep -E "^(Cap|NoNewPrivs|Uid|Gid|Groups)" /proc/self/status; id; umask; ulimit -n; ulimit -Hn; cat /proc/self/oom_score_adj'
  run --separate-stderr minirt run "$CTR_ID"
  [ "$status" -eq 0 ]
  local ours=$output
  run --separate-stderr runc_ run "$CTR_ID-runc"
  [ "$status" -eq 0 ]
  [ "$ours" = "$output" ] || { diff <(echo "$ours") <(echo "$output"); false; }
}
