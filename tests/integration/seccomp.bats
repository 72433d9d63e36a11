#!/usr/bin/env bats
# linux.seccomp in real busybox containers: the seed articles' profiles
# (specs/seccomp/) behave as the articles say, the same way under runc, and
# the contrib notifier agent reports and stops like CRI-O's (seed 001).

load helpers

bats_require_minimum_version 1.5.0

PROFILES=$REPO_ROOT/specs/seccomp
AGENT=${AGENT:-$REPO_ROOT/build/contrib/minirt-seccomp-agent}

setup() {
  setup_bundle
  # mkdir & co. must be able to succeed without seccomp: a writable root.
  update_config '.root.readonly = false'
  AGENT_PID=
}

teardown() {
  if [ -n "$AGENT_PID" ]; then
    kill "$AGENT_PID" 2>/dev/null
    wait "$AGENT_PID" 2>/dev/null
  fi
  teardown_bundle
}

use_profile() {
  update_config --slurpfile p "$PROFILES/$1" '.linux.seccomp = $p[0]'
}

# Capabilities that would let the container do what the profile forbids, so
# that a refusal can only come from seccomp (checked without a profile).
grant_caps() {
  local caps
  caps=$(printf '%s\n' "$@" | jq -R . | jq -s .)
  update_config --argjson c "$caps" '.process.capabilities.bounding += $c | .process.capabilities.effective += $c
    | .process.capabilities.permitted += $c'
}

# Run the container once with minirt and once with runc (fresh ids and
# cgroups); leaves minirt's result in $status/$output and runc's in
# $runc_status/$runc_output.
run_both() {
  update_config ".linux.cgroupsPath = \"minirt-test/$CTR_ID-runc\""
  run runc_ run "$CTR_ID-runc"
  runc_status=$status
  runc_output=$output
  update_config ".linux.cgroupsPath = \"minirt-test/$CTR_ID\""
  run minirt run "$CTR_ID"
}

# Same observable result under both runtimes.  The lines are compared
# sorted: how stdout and stderr interleave in one pipe is not the runtime's.
assert_parity() {
  if [ "$status" -ne "$runc_status" ] || [ "$(sort <<<"$output")" != "$(sort <<<"$runc_output")" ]; then
    echo "minirt ($status): $output"
    echo "runc ($runc_status): $runc_output"
    return 1
  fi
}

# type=1326 (SECCOMP) audit lines with code=0x7ffc0000 (SECCOMP_RET_LOG) from
# busybox, logged after kernel uptime $1.
log_lines_since() {
  dmesg | awk -v t="$1" -F'[][]' '$2 + 0 >= t && /type=1326/ && /exe="\/bin\/busybox"/ && /code=0x7ffc0000/' | wc -l
}

@test "seed 000 audit.json: the workload runs and the kernel logs type=1326 lines" {
  use_profile audit.json
  set_args sh -c 'echo just made some syscalls; grep -E "^(Seccomp|Seccomp_filters|NoNewPrivs):" /proc/self/status'
  run_both
  [ "$status" -eq 0 ]
  [ "${lines[0]}" = "just made some syscalls" ]
  [[ "$output" == *"Seccomp:"$'\t'"2"* ]]
  [[ "$output" == *"Seccomp_filters:"$'\t'"1"* ]]
  [[ "$output" == *"NoNewPrivs:"$'\t'"1"* ]]
  assert_parity
  # SCMP_ACT_LOG: the audit records reach the kernel log when no auditd
  # takes them.  The kernel rate-limits them (other tests log too), so try
  # a few spaced runs before concluding.
  dmesg >/dev/null 2>&1 || skip "the kernel log is not readable here"
  local i since
  for i in 1 2 3; do
    since=$(cut -d' ' -f1 /proc/uptime)
    run -0 minirt run "$CTR_ID"
    sleep 0.5
    [ "$(log_lines_since "$since")" -gt 0 ] && return 0
    sleep 5
  done
  fail "no type=1326 line from busybox in dmesg"
}

@test "seed 000 violation.json: the container cannot start and minirt says why" {
  use_profile violation.json
  set_args echo should never run
  run_both
  [ "$status" -ne 0 ]
  [[ "$output" != *"should never run"* ]]
  [[ "$output" == *"linux.seccomp: the profile refuses execve (SCMP_ACT_ERRNO, errno 1: Operation not permitted): the container process could never start"* ]]
  # runc fails too (with a less helpful message).
  [ "$runc_status" -ne 0 ]
  [[ "$runc_output" != *"should never run"* ]]
  # Refused before any side effect: nothing is left behind.
  run minirt state "$CTR_ID"
  [ "$status" -ne 0 ]
}

@test "seed 000 fine-grained.json: busybox httpd serves HTTP under the allowlist" {
  use_profile fine-grained.json
  local port=$((20000 + RANDOM % 20000))
  # The host's network, so that the test (outside the filter) is the client.
  update_config '.linux.namespaces |= map(select(.type != "network")) | del(.mounts[] | select(.type == "cgroup"))'
  set_args httpd -f -p "127.0.0.1:$port" -h /var/www
  # Detached: its stdio must not be bats' capture pipe.
  minirt run -d "$CTR_ID" </dev/null >"$BUNDLE/httpd.log" 2>&1
  local i body=
  for i in $(seq 50); do
    body=$(timeout 5 busybox wget -q -O - "http://127.0.0.1:$port/index.html" 2>/dev/null) && break
    sleep 0.1
  done
  [ "$body" = "hello from minirt" ] || fail "no answer: $(cat "$BUNDLE/httpd.log"); $(minirt state "$CTR_ID" 2>&1)"
  # A second request: the forked request handler is filtered too.
  run -0 timeout 5 busybox wget -q -O - "http://127.0.0.1:$port/"
  [ "$output" = "hello from minirt" ]
  run -0 minirt state "$CTR_ID"
  [ "$(jq -r .status <<<"$output")" = running ]
  local pid
  pid=$(jq -r .pid <<<"$output")
  grep -q $'^Seccomp:\t2' "/proc/$pid/status"
  run -0 minirt delete -f "$CTR_ID"

  # Without the busybox additions (specs/seccomp/README.md) it cannot serve.
  update_config '.linux.seccomp.syscalls |= [.[0]]'
  set_args httpd -f -p "127.0.0.1:$((port + 1))" -h /var/www
  run minirt run "$CTR_ID"
  [ "$status" -ne 0 ]
  [[ "$output" == *"can't change directory to '/var/www': Operation not permitted"* ]]
}

@test "seed 004 block-mkdir-errno.json: mkdir says Operation not permitted, other commands work" {
  use_profile block-mkdir-errno.json
  set_args sh -c 'mkdir /tmp/test; echo "mkdir=$?"; echo hi > /tmp/f && cat /tmp/f && ls -d /tmp'
  run_both
  [ "$status" -eq 0 ]
  [[ "$output" == *"mkdir: can't create directory '/tmp/test': Operation not permitted"* ]]
  [[ "$output" == *"mkdir=1"* ]]
  [[ "$output" == *"hi"*"/tmp"* ]]
  assert_parity
}

@test "seed 004 as written (mkdirat only) does not stop busybox mkdir, which calls mkdir(2)" {
  use_profile block-mkdir-errno.json
  update_config '.linux.seccomp.syscalls[0].names = ["mkdirat"]'
  set_args sh -c 'mkdir /tmp/test && echo created && rmdir /tmp/test'
  run_both
  [ "$status" -eq 0 ]
  [ "$output" = "created" ]
  assert_parity
}

@test "seed 004 block-mkdir-kill.json: mkdir dies with SIGSYS (Bad system call)" {
  use_profile block-mkdir-kill.json
  set_args sh -c 'mkdir /tmp/logs; echo "status=$?"'
  run_both
  [ "$status" -eq 0 ]
  [[ "$output" == *"Bad system call"* ]]
  [[ "$output" == *"status=159"* ]] # 128 + SIGSYS
  [ ! -e "$BUNDLE/rootfs/tmp/logs" ]
  assert_parity
  # As the container's init it is the container's exit status.
  set_args mkdir /tmp/logs
  run_both
  [ "$status" -eq 159 ]
  assert_parity
}

@test "seed 003 prevent-chmod.json: chmod is refused" {
  # busybox chmod calls chmod(2), so the one-syscall profile stops it.  A
  # chmod built on fchmodat/fchmodat2 (coreutils) would NOT be stopped: the
  # profile only names chmod (see specs/seccomp/README.md).
  set_args chmod 666 /etc/hostname
  touch "$BUNDLE/rootfs/etc/hostname"
  chmod 644 "$BUNDLE/rootfs/etc/hostname"
  run -0 minirt run "$CTR_ID" # control: allowed without the profile
  [ "$(stat -c %a "$BUNDLE/rootfs/etc/hostname")" = 666 ]
  chmod 644 "$BUNDLE/rootfs/etc/hostname"
  use_profile prevent-chmod.json
  run_both
  [ "$status" -eq 1 ]
  [ "$output" = "chmod: /etc/hostname: Operation not permitted" ]
  [ "$(stat -c %a "$BUNDLE/rootfs/etc/hostname")" = 644 ]
  assert_parity
}

# (set_args splits arguments at newlines: keep scripts on one line)
DANGEROUS='chroot / true; echo "chroot=$?"; unshare -U true; echo "unshare=$?"; mount -t tmpfs none /tmp; echo "mount=$?"; swapoff /etc/passwd; echo "swapoff=$?"'

@test "docker-default.json: ordinary commands work; unshare, mount, swapoff, chroot are refused" {
  grant_caps CAP_SYS_ADMIN CAP_SYS_CHROOT
  set_args sh -c "$DANGEROUS"
  # Control: with these capabilities and no profile, chroot and unshare work
  # and mount/swapoff get past the permission check.
  run -0 minirt run "$CTR_ID"
  [[ "$output" == *"chroot=0"*"unshare=0"*"mount=0"* ]]
  [[ "$output" == *"swapoff: /etc/passwd: Invalid argument"* ]]

  use_profile docker-default.json
  run_both
  [ "$status" -eq 0 ]
  [[ "$output" == *"chroot: can't change root directory to '/': Operation not permitted"* ]]
  [[ "$output" == *"unshare: unshare(0x10000000): Operation not permitted"* ]]
  [[ "$output" == *"mount=1"* ]]
  [[ "$output" == *"swapoff: /etc/passwd: Operation not permitted"* ]]
  assert_parity

  set_args sh -c 'mkdir /tmp/a && echo hi > /tmp/a/f && cat /tmp/a/f && chmod 600 /tmp/a/f && stat -c %a /tmp/a/f && ln -s f /tmp/a/l && readlink /tmp/a/l && mv /tmp/a/f /tmp/a/g && rm -r /tmp/a && id -u && hostname >/dev/null && date +%Y >/dev/null && sleep 0.1 && ps -o pid,comm | grep -c ps && uname -s && linux32 uname -m && echo "$(( 6 * 7 ))" | sed s/4/four/ | tr a-z A-Z'
  run_both
  [ "$status" -eq 0 ]
  [ "$output" = $'hi\n600\nf\n0\n1\nLinux\ni686\nFOUR2' ]
  assert_parity
}

@test "personality.json: personality only with 0x0 and 0xffffffff" {
  use_profile personality.json
  set_args sh -c 'linux64 uname -m; echo "linux64=$?"; linux32 uname -m; echo "linux32=$?"'
  run_both
  [ "$status" -eq 0 ]
  [[ "$output" == *"x86_64"*"linux64=0"* ]]
  [[ "$output" == *"linux32: personality(0x8): Operation not permitted"*"linux32=1"* ]]
  assert_parity
  # Docker's own list allows PER_LINUX32 (0x8).
  use_profile docker-default.json
  run_both
  [[ "$output" == *"i686"*"linux32=0"* ]]
  assert_parity
}

@test "clone-no-userns.json: MASKED_EQ on CLONE_NEWUSER refuses user namespaces only" {
  grant_caps CAP_SYS_ADMIN
  use_profile clone-no-userns.json
  # Every subshell and command here is a clone(SIGCHLD): allowed.  busybox
  # has no applet that clones with CLONE_NEWUSER, so the namespace side is
  # checked through unshare(2), which the profile filters the same way (the
  # clone(2) flag itself is covered by the unit tests).
  set_args sh -c 'unshare -U true; echo "userns=$?"; unshare -u true; echo "uts=$?"; (exit 3); echo "fork=$?"'
  run_both
  [ "$status" -eq 0 ]
  [[ "$output" == *"unshare(0x10000000): Operation not permitted"*"userns=1"* ]]
  [[ "$output" == *"uts=0"*"fork=3"* ]]
  assert_parity
}

@test "/proc/self/status: Seccomp 2, one filter, NoNewPrivs as configured" {
  use_profile docker-default.json
  set_args grep -E '^(NoNewPrivs|Seccomp|Seccomp_filters):' /proc/self/status
  run_both
  [ "$status" -eq 0 ]
  [ "$output" = $'NoNewPrivs:\t1\nSeccomp:\t2\nSeccomp_filters:\t1' ]
  assert_parity
  # noNewPrivileges false: loaded while still privileged (CAP_SYS_ADMIN), as runc does.
  update_config '.process.noNewPrivileges = false'
  run_both
  [ "$status" -eq 0 ]
  [ "$output" = $'NoNewPrivs:\t0\nSeccomp:\t2\nSeccomp_filters:\t1' ]
  assert_parity
}

start_agent() {
  AGENT_DIR=$BUNDLE/agent
  mkdir -p "$AGENT_DIR"
  mkdir -p "$AGENT_DIR/reports"
  "$AGENT" --socket "$AGENT_DIR/agent.sock" --report "$AGENT_DIR/report.txt" --report-dir "$AGENT_DIR/reports" "$@" \
    >"$AGENT_DIR/stdout" 2>"$AGENT_DIR/stderr" &
  AGENT_PID=$!
  local i
  for i in $(seq 50); do
    [ -S "$AGENT_DIR/agent.sock" ] && return 0
    sleep 0.1
  done
  fail "the agent did not start: $(cat "$AGENT_DIR/stderr")"
}

use_notify_profile() {
  use_profile notify-chroot-swapoff.json
  update_config --arg s "$AGENT_DIR/agent.sock" '.linux.seccomp.listenerPath = $s'
}

FORBIDDEN='chroot /tmp true; chroot /tmp true; swapoff /etc/passwd; swapoff /etc/passwd; echo done; sleep 60'
USED='Used forbidden syscalls: chroot (2x), swapoff (2x)'

# run_both for the notifier tests: the same bundle under runc ($CTR_ID-runc)
# and minirt ($CTR_ID), both served by the one agent.  A runtime that never
# reaches the agent leaves its container blocked in a notified syscall, so
# each run is bounded (a safety net, not an assertion: normal runs end in
# seconds).  $runc_secs and $secs are each run's duration.
run_both_agent() {
  update_config ".linux.cgroupsPath = \"minirt-test/$CTR_ID-runc\""
  SECONDS=0
  run timeout -s KILL 120 runc --root "$RUNC_ROOT" run "$CTR_ID-runc"
  runc_status=$status runc_output=$output runc_secs=$SECONDS
  update_config ".linux.cgroupsPath = \"minirt-test/$CTR_ID\""
  SECONDS=0
  run timeout -s KILL 120 "$MINIRT" --root "$STATE_ROOT" run "$CTR_ID"
  secs=$SECONDS
}

# The agent reported $1 for both containers: its log line and its
# --report-dir file, per container.
assert_agent_reported_both() {
  local id
  for id in "$CTR_ID-runc" "$CTR_ID"; do
    [ "$(cat "$AGENT_DIR/reports/$id")" = "$1" ] || fail "$id: $(cat "$AGENT_DIR/reports/$id" 2>&1); $(cat "$AGENT_DIR/stderr")"
    grep -qxF "minirt-seccomp-agent: container $id: $1" "$AGENT_DIR/stderr"
  done
}

# runc 1.1.5 keeps its end of the listener connection open until "runc run"
# exits (sendContainerProcessState sends on a dup of the net.Conn and closes
# only the dup), so these tests also check that the agent takes the message
# without waiting for EOF; before it did, runc's container stayed blocked in
# its first notified chroot (strace: the agent's recvmsg had the whole state
# and the fd, then it polled the connection forever).
@test "seed 001 notifier agent with stop: Used forbidden syscalls: chroot (2x), swapoff (2x), container stopped" {
  start_agent --action stop
  use_notify_profile
  set_args sh -c "$FORBIDDEN"
  run_both_agent
  [ "$status" -eq 137 ] # SIGKILLed by the agent
  [ "$secs" -ge 5 ] # 5 s after the last forbidden syscall
  [[ "$output" == *"chroot: can't change root directory to '/tmp': Operation not permitted"* ]]
  [[ "$output" == *"swapoff: /etc/passwd: Operation not permitted"*"done"* ]]
  [ "$runc_secs" -ge 5 ]
  assert_parity
  # Exactly issue 5's line on stdout and in the report, once per container;
  # the ID is in the log line and names the --report-dir file.
  [ "$(cat "$AGENT_DIR/stdout")" = "$USED"$'\n'"$USED" ]
  [ "$(cat "$AGENT_DIR/report.txt")" = "$USED"$'\n'"$USED" ]
  assert_agent_reported_both "$USED"
  run minirt state "$CTR_ID"
  [ "$status" -ne 0 ] || [ "$(jq -r .status <<<"$output")" = stopped ]
  run runc_ state "$CTR_ID-runc"
  [ "$status" -ne 0 ] || [ "$(jq -r .status <<<"$output")" = stopped ]
}

@test "seed 001 notifier agent: the CRI-O annotation asks for stop" {
  start_agent # action errno, EPERM
  use_notify_profile
  update_config '.annotations["io.kubernetes.cri-o.seccompNotifierAction"] = "stop"'
  set_args sh -c "$FORBIDDEN"
  run_both_agent
  [ "$status" -eq 137 ]
  [[ "$output" == *"Operation not permitted"*"done"* ]]
  assert_parity
  # Both runtimes pass the annotations in the state.
  assert_agent_reported_both "$USED"
  grep -qF "container $CTR_ID-runc: listening (pid" "$AGENT_DIR/stderr"
  grep -qF "container $CTR_ID: listening (pid" "$AGENT_DIR/stderr"
  [ "$(grep -c ', stop on forbidden syscalls)$' "$AGENT_DIR/stderr")" -eq 2 ]
}

@test "notifier agent, errno mode: the workload sees the agent's errno, runs to its end, and the report comes when it is gone" {
  start_agent --errno 38
  use_notify_profile
  set_args sh -c 'chroot /tmp true; echo "chroot=$?"; swapoff /etc/passwd; echo "swapoff=$?"; chroot /tmp true; echo end'
  run_both_agent
  [ "$status" -eq 0 ]
  [ "$output" = $'chroot: can\'t change root directory to \'/tmp\': Function not implemented\nchroot=1\nswapoff: /etc/passwd: Function not implemented\nswapoff=1\nchroot: can\'t change root directory to \'/tmp\': Function not implemented\nend' ]
  assert_parity
  # Without stop the line comes when the filter goes away, i.e. after run
  # returned: wait for the agent to see both containers gone.
  local i
  for i in $(seq 100); do
    [ "$(grep -c ': gone$' "$AGENT_DIR/stderr")" -eq 2 ] && break
    sleep 0.1
  done
  assert_agent_reported_both "Used forbidden syscalls: chroot (2x), swapoff (1x)"
  ! grep -q 'stopped$' "$AGENT_DIR/stderr"
}

@test "notifier agent: serves several containers at once, each with its own report, without stop" {
  start_agent --errno 38
  use_notify_profile
  update_config '.linux.cgroupsPath = "minirt-test/'"$CTR_ID"'-a"'
  set_args sh -c 'chroot /tmp true; echo "a=$?"; sleep 2; chroot /tmp true'
  minirt run -d "$CTR_ID-a" </dev/null >"$BUNDLE/a.log" 2>&1
  update_config '.linux.cgroupsPath = "minirt-test/'"$CTR_ID"'-b"'
  set_args sh -c 'swapoff /etc/passwd; swapoff /etc/passwd; swapoff /etc/passwd; echo b-done'
  run -0 minirt run "$CTR_ID-b"
  # b ran to completion while a was still alive and waiting.
  [ "$(grep -c 'Function not implemented' <<<"$output")" -eq 3 ]
  local i
  for i in $(seq 100); do
    [ "$(grep -c 'Used forbidden' "$AGENT_DIR/report.txt" 2>/dev/null)" = 2 ] && break
    sleep 0.1
  done
  grep -qx "Used forbidden syscalls: swapoff (3x)" "$AGENT_DIR/reports/$CTR_ID-b"
  grep -qx "Used forbidden syscalls: chroot (2x)" "$AGENT_DIR/reports/$CTR_ID-a"
  run -0 minirt delete -f "$CTR_ID-a"
}

METRIC=minirt_containers_seccomp_notifier_count_total

@test "notifier agent: Prometheus counters per container and syscall on a unix socket" {
  start_agent --errno 38 --metrics "unix:$BUNDLE/agent/metrics.sock"
  use_notify_profile
  set_args sh -c 'chroot /tmp true; chroot /tmp true; swapoff /etc/passwd; echo done'
  run_both_agent
  [ "$status" -eq 0 ]
  [[ "$output" == *done* ]]
  assert_parity
  # Every notification was answered before the workload went on: counted,
  # the same for the runc and the minirt container.
  run -0 curl -sf --unix-socket "$AGENT_DIR/metrics.sock" http://localhost/metrics
  grep -qx "# TYPE $METRIC counter" <<<"$output"
  local id
  for id in "$CTR_ID-runc" "$CTR_ID"; do
    grep -qx "$METRIC{id=\"$id\",syscall=\"chroot\"} 2" <<<"$output"
    grep -qx "$METRIC{id=\"$id\",syscall=\"swapoff\"} 1" <<<"$output"
  done
  [ "$(grep -c "^$METRIC{" <<<"$output")" -eq 4 ]
}

@test "notifier agent: Prometheus counters on a 127.0.0.1 port (busybox wget)" {
  start_agent --metrics tcp:127.0.0.1:0
  local port i
  for i in $(seq 50); do
    port=$(sed -n 's/.*metrics on tcp:127\.0\.0\.1:\([0-9]*\)$/\1/p' "$AGENT_DIR/stderr")
    [ -n "$port" ] && break
    sleep 0.1
  done
  [ -n "$port" ] || fail "no metrics port: $(cat "$AGENT_DIR/stderr")"
  run -0 busybox wget -q -O - "http://127.0.0.1:$port/metrics"
  grep -qx "# HELP $METRIC .*" <<<"$output"
  ! grep -q "^$METRIC{" <<<"$output"
  use_notify_profile
  set_args sh -c 'swapoff /etc/passwd; echo done'
  run -0 minirt run "$CTR_ID"
  run -0 busybox wget -q -O - "http://127.0.0.1:$port/metrics"
  grep -qx "$METRIC{id=\"$CTR_ID\",syscall=\"swapoff\"} 1" <<<"$output"
  # Only loopback is accepted.
  run "$AGENT" --socket "$AGENT_DIR/other.sock" --metrics tcp:0.0.0.0:9090
  [ "$status" -ne 0 ]
  [[ "$output" == *'--metrics: expected unix:PATH or tcp:127.0.0.1:PORT, not "tcp:0.0.0.0:9090"'* ]]
}

@test "notify: an unreachable listenerPath is a clear error and leaves nothing behind" {
  use_profile notify-chroot-swapoff.json
  update_config --arg s "$BUNDLE/nobody-listens.sock" '.linux.seccomp.listenerPath = $s'
  set_args sh -c 'echo started'
  run minirt run "$CTR_ID"
  [ "$status" -ne 0 ]
  [[ "$output" == *"linux.seccomp.listenerPath: connect to \"$BUNDLE/nobody-listens.sock\": No such file or directory"* ]]
  run minirt list -q
  [[ "$output" != *"$CTR_ID"* ]]
}

@test "notify without listenerPath is refused before anything is created" {
  use_profile notify-chroot-swapoff.json
  update_config 'del(.linux.seccomp.listenerPath)'
  run minirt run "$CTR_ID"
  [ "$status" -ne 0 ]
  [[ "$output" == *"linux.seccomp.listenerPath: required when SCMP_ACT_NOTIFY is used"* ]]
  run minirt state "$CTR_ID"
  [ "$status" -ne 0 ]
}

@test "notifier agent: a containerProcessState pid beyond pid_t is not wrapped onto another process" {
  start_agent --action stop
  # 4294967297 wrapped to pid_t is 1: stop would have killed init.  Any fd
  # does as the listener; the agent drops it at its first (failed) receive.
  python3 - "$AGENT_DIR/agent.sock" <<'PY'
import json, socket, sys
state = {"ociVersion": "1.0.2", "fds": ["seccompFd"], "pid": 4294967297,
         "metadata": "", "state": {"ociVersion": "1.0.2", "id": "static-bigpid", "status": "creating",
                                   "pid": 4294967297, "bundle": "/"}}
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.connect(sys.argv[1])
with open("/dev/null") as f:
    socket.send_fds(s, [json.dumps(state).encode()], [f.fileno()])
s.close()
PY
  local i
  for i in $(seq 50); do
    grep -q 'container static-bigpid: listening' "$AGENT_DIR/stderr" && break
    sleep 0.1
  done
  grep -qF 'container static-bigpid: no pid to stop (4294967297)' "$AGENT_DIR/stderr" || fail "$(cat "$AGENT_DIR/stderr")"
  grep -qF 'container static-bigpid: listening (pid 4294967297, stop on forbidden syscalls)' "$AGENT_DIR/stderr"
}

# A scrape client on the agent's unix socket: "split" sends the request in
# two writes with its blank line cut in two, without closing its side, and
# prints the answer; "idle N" opens N connections that send nothing, says
# "open" in $2, then prints how many the agent closed (a bounded wait: a
# safety net, the agent drops them after a few seconds).
scrape_client() {
  python3 - "$AGENT_DIR/metrics.sock" "$@" <<'PY'
import socket, sys, time
path, mode = sys.argv[1], sys.argv[2]
def conn():
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.connect(path)  # blocking: waits while the agent's backlog is full
    s.settimeout(60)
    return s
if mode == "split":
    s = conn()
    s.sendall(b"GET /metrics HTTP/1.1\r\nHost: localhost\r\n\r")
    time.sleep(0.3)  # so that the agent reads the two parts apart
    s.sendall(b"\n")
    out = b""
    while True:
        b = s.recv(65536)
        if not b:
            break
        out += b
    sys.stdout.write(out.decode())
else:
    conns = [conn() for _ in range(int(sys.argv[3]))]
    open(sys.argv[4], "w").write("open\n")
    closed, end = 0, time.monotonic() + 60
    for s in conns:
        try:
            s.settimeout(max(0.01, end - time.monotonic()))
            if s.recv(1) == b"":
                closed += 1
        except OSError:
            closed += 1  # reset: closed by the agent too
    print("closed %d" % closed)
PY
}

@test "notifier agent: a scrape whose blank line comes in two writes gets the whole answer at once" {
  start_agent --errno 38 --metrics "unix:$BUNDLE/agent/metrics.sock"
  use_notify_profile
  set_args sh -c 'swapoff /etc/passwd; echo done'
  run -0 minirt run "$CTR_ID"
  # The client keeps its side open: the answer must come from the blank
  # line, not from EOF or the 8 KiB limit.
  run -0 scrape_client split
  [[ "${lines[0]}" == "HTTP/1.1 200 OK"* ]]
  grep -qx "$METRIC{id=\"$CTR_ID\",syscall=\"swapoff\"} 1" <<<"$output"
  # Content-Length is the body that came.
  local len body
  len=$(sed -n 's/^Content-Length: \([0-9]*\)\r$/\1/p' <<<"$output")
  body=${output#*$'\r\n\r\n'}
  [ "$((${#body} + 1))" -eq "$len" ] # bats run drops the final newline
}

@test "notifier agent: idle scrape connections neither block notifications nor other scrapes, and are closed" {
  start_agent --errno 38 --metrics "unix:$BUNDLE/agent/metrics.sock"
  # More idle clients than the agent keeps: they must not lock out a scrape.
  scrape_client idle 40 "$AGENT_DIR/idle.ready" >"$AGENT_DIR/idle.out" 2>&1 &
  local idle_pid=$! i
  for i in $(seq 100); do
    [ -s "$AGENT_DIR/idle.ready" ] && break
    sleep 0.1
  done
  [ -s "$AGENT_DIR/idle.ready" ] || fail "idle client: $(cat "$AGENT_DIR/idle.out")"
  use_notify_profile
  set_args sh -c 'chroot /tmp true; echo "chroot=$?"'
  run -0 timeout -s KILL 60 "$MINIRT" --root "$STATE_ROOT" run "$CTR_ID"
  [[ "$output" == *"Function not implemented"*"chroot=1"* ]]
  run -0 timeout -s KILL 60 curl -sf --unix-socket "$AGENT_DIR/metrics.sock" http://localhost/metrics
  grep -qx "$METRIC{id=\"$CTR_ID\",syscall=\"chroot\"} 1" <<<"$output"
  # The agent itself hangs up on every idle client.
  wait "$idle_pid"
  [ "$(cat "$AGENT_DIR/idle.out")" = "closed 40" ]
  kill -0 "$AGENT_PID"
}
