#!/usr/bin/env bats
# Reporting every forbidden syscall, the defaultAction included (issue 8,
# part 2): with the annotation run.oci.minirt.seccomp-report (or CRI-O's
# io.kubernetes.cri-o.seccompNotifierAction) minirt turns every denying
# action into a notification answered by its own monitor process, which
# keeps the profile's effect, reports `Used forbidden syscalls: ...` in the
# log and the state, and with `stop` kills the container 5 s after the last
# violation, as CRI-O does (seed 001).

load helpers
load leak_helpers

bats_require_minimum_version 1.5.0

PROFILES=$REPO_ROOT/specs/seccomp
REPORT='Used forbidden syscalls: chroot (2x), swapoff (2x), unshare (1x)'
# chroot and swapoff have their own ERRNO rule, unshare only meets the
# defaultAction.  The exit codes show what each call returned.  One line:
# set_args splits its arguments at newlines.
WORKLOAD='chroot /tmp true; echo "chroot=$?"; chroot /tmp true; echo "chroot=$?"; swapoff /etc/passwd; echo "swapoff=$?"; swapoff /etc/passwd; echo "swapoff=$?"; unshare -U true; echo "unshare=$?"; echo done'

setup() {
  setup_bundle
  require_lifecycle
  update_config --slurpfile p "$PROFILES/report-allowlist.json" '.linux.seccomp = $p[0]'
  mkdir -p "$BUNDLE/shared"
  update_config '.mounts += [{"destination": "/shared", "type": "bind", "source": "'"$BUNDLE/shared"'", "options": ["rbind", "rw"]}]'
  LOG=$BUNDLE/minirt.log
}

teardown() {
  teardown_bundle
}

report_mode() {
  update_config --arg v "$1" '.annotations["run.oci.minirt.seccomp-report"] = $v'
}

# The state's report annotation, empty while there is none.
state_report() {
  minirt state "$CTR_ID" | jq -r '.annotations["run.oci.minirt.seccomp-report.result"] // empty'
}

# Wait (bounded, generously: the report comes 5 s after the last violation)
# until `cond` (a command) succeeds.
wait_until() {
  local i
  for i in $(seq 300); do
    "$@" && return 0
    sleep 0.2
  done
  fail "timed out waiting for: $*"
}

is_stopped() {
  [ "$(minirt state "$CTR_ID" | jq -r .status)" = stopped ]
}

has_report() {
  [ -n "$(state_report)" ]
}

monitor_pid() {
  jq -r '.seccompMonitorPid // empty' "$STATE_ROOT/$CTR_ID/state.json"
}

@test "seccomp report stop, foreground run: every violation counted (defaultAction included), EPERM kept, container stopped" {
  report_mode stop
  set_args sh -c "$WORKLOAD; sleep 600"
  run minirt --log "$LOG" run "$CTR_ID"
  [ "$status" -eq 137 ] || fail "status $status: $output" # killed 5 s after the last violation
  # The workload saw the profile's errno for each call, then went on.
  [ "$(grep -c "chroot: can't change root directory to '/tmp': Operation not permitted" <<<"$output")" -eq 2 ]
  [ "$(grep -c "swapoff: /etc/passwd: Operation not permitted" <<<"$output")" -eq 2 ]
  [[ "$output" == *"unshare: unshare(0x10000000): Operation not permitted"* ]]
  [ "$(grep -cx 'chroot=1' <<<"$output")" -eq 2 ]
  [ "$(grep -cx 'swapoff=1' <<<"$output")" -eq 2 ]
  grep -qx 'unshare=1' <<<"$output"
  grep -qx 'done' <<<"$output"
  # Foreground: the report is on stderr too.
  [[ "$output" == *"minirt: warning: container \`$CTR_ID\`: $REPORT"* ]]
  grep -qF "warning: container \`$CTR_ID\`: $REPORT" "$LOG"
  # Only these three: the runtime's own syscalls between loading the filter
  # and execve (not in the allowlist) were let through and not counted.
  [ "$(grep -c 'Used forbidden syscalls' "$LOG")" -eq 1 ]
  grep -qF "container \`$CTR_ID\`: stopped 5 seconds after its last forbidden syscall" "$LOG"
  assert_no_leftovers "$CTR_ID"
}

@test "seccomp report stop, create + start: the state shows the report, json log, nothing left after delete" {
  report_mode stop
  set_args sh -c "($WORKLOAD) >/shared/out 2>&1; sleep 600"
  run_bg minirt --log "$LOG" --log-format json create "$CTR_ID"
  [ "$status" -eq 0 ] || fail "create: $output"
  local monitor init
  monitor=$(monitor_pid)
  init=$(minirt state "$CTR_ID" | jq -r .pid)
  [ -n "$monitor" ] && [ -d "/proc/$monitor" ]
  # Detached from the caller: its own session, none of our fds but the log.
  [ "$(ps -o sid= -p "$monitor")" != "$(ps -o sid= -p $$)" ]
  run -0 bash -c "ls -l /proc/$monitor/fd | grep -c -e '$BUNDLE' -e pipe"
  [ "$output" = 1 ] # the --log file
  run -0 minirt start "$CTR_ID"
  wait_until is_stopped
  run -0 state_report
  [ "$output" = "$REPORT" ]
  run -0 jq -r 'select(.msg | contains("Used forbidden")) | .level + " " + .msg' "$LOG"
  [ "$output" = "warning container \`$CTR_ID\`: $REPORT" ]
  grep -qx 'done' "$BUNDLE/shared/out"
  run -0 minirt delete "$CTR_ID"
  wait_for_exit "$monitor" 10 || fail "monitor $monitor still there"
  assert_no_leftovers "$CTR_ID" "$init"
}

# Gone or a zombie (its parent, the init, may not be reaped yet): not
# running any more.  $2 is its start time, so a reused pid does not count.
not_running() {
  local stat
  stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 0
  stat=${stat##*) }
  set -- "$1" "$2" $stat
  [ "$3" = Z ] || [ "${22}" != "$2" ]
}

@test "seccomp report stop without a pid namespace: every process of the container is killed, not only the init" {
  report_mode stop
  update_config '.linux.namespaces |= map(select(.type != "pid"))'
  # Without a pid namespace $! is the host pid of the background sleep.
  set_args sh -c "sleep 600 & echo \$! >/shared/bg; ($WORKLOAD) >/shared/out 2>&1; sleep 600"
  run_bg minirt --log "$LOG" create "$CTR_ID"
  [ "$status" -eq 0 ] || fail "create: $output"
  local init bg start
  init=$(minirt state "$CTR_ID" | jq -r .pid)
  run -0 minirt start "$CTR_ID"
  wait_until test -s "$BUNDLE/shared/bg"
  bg=$(cat "$BUNDLE/shared/bg")
  start=$(cut -d' ' -f22 "/proc/$bg/stat")
  [ "$(tr '\0' ' ' <"/proc/$bg/cmdline")" = "sleep 600 " ]
  wait_until is_stopped
  # The init is gone and so is the other process, as with CRI-O's stop.
  wait_until not_running "$bg" "$start"
  run -0 state_report
  [ "$output" = "$REPORT" ]
  grep -qF "warning: container \`$CTR_ID\`: $REPORT" "$LOG"
  grep -qF "container \`$CTR_ID\`: stopped 5 seconds after its last forbidden syscall" "$LOG"
  grep -qx 'done' "$BUNDLE/shared/out"
  run -0 minirt delete "$CTR_ID"
  assert_no_leftovers "$CTR_ID" "$init"
}

@test "seccomp report log: no stop; each action keeps its errno (defaultErrnoRet); delete ends the monitor" {
  report_mode log
  update_config '.linux.seccomp.defaultErrnoRet = 38'
  # The filter is then loaded before the user and capability switch: more
  # of the runtime's own syscalls (capset, setgroups, prctl...) meet the
  # NOTIFY default before execve; `start` continues them, none is counted.
  update_config '.process.noNewPrivileges = false'
  set_args sh -c "($WORKLOAD) >/shared/out 2>&1; echo > /shared/waiting; sleep 600"
  run_bg minirt --log "$LOG" run -d "$CTR_ID"
  [ "$status" -eq 0 ] || fail "run -d: $output"
  local monitor
  monitor=$(monitor_pid)
  wait_until has_report
  run -0 state_report
  [ "$output" = "$REPORT" ] || fail "report: $output"
  grep -qF "$REPORT" "$LOG"
  # The rules' EPERM for chroot and swapoff, the default's ENOSYS for unshare.
  [ "$(grep -c 'Operation not permitted' "$BUNDLE/shared/out")" -eq 4 ]
  grep -q 'unshare: unshare(0x10000000): Function not implemented' "$BUNDLE/shared/out"
  [ -e "$BUNDLE/shared/waiting" ]
  run -0 minirt state "$CTR_ID"
  [ "$(jq -r .status <<<"$output")" = running ]
  [ -d "/proc/$monitor" ]
  run -0 minirt delete --force "$CTR_ID"
  wait_for_exit "$monitor" 10 || fail "monitor $monitor still there"
  assert_no_leftovers "$CTR_ID"
}

@test "seccomp report: kill and trap actions still kill with SIGSYS, and are counted" {
  report_mode log
  update_config '.linux.seccomp.syscalls[1].action = "SCMP_ACT_KILL_PROCESS" | .linux.seccomp.syscalls += [{"names": ["unshare"], "action": "SCMP_ACT_TRAP"}]'
  set_args sh -c 'chroot /tmp true; echo "chroot=$?"; unshare -U true; echo "unshare=$?"; swapoff /etc/passwd; echo "swapoff=$?"'
  run minirt --log "$LOG" run "$CTR_ID"
  [ "$status" -eq 0 ] || fail "status $status: $output"
  # 159 = 128 + SIGSYS, as without the report.
  grep -qx 'chroot=159' <<<"$output"
  grep -qx 'unshare=159' <<<"$output"
  grep -qx 'swapoff=159' <<<"$output"
  grep -qF "Used forbidden syscalls: chroot (1x), swapoff (1x), unshare (1x)" "$LOG"
}

@test "seccomp report: TRAP with a SIGSYS handler behaves as without the report (handler runs, the call returns)" {
  update_config '.linux.seccomp.syscalls[0].names -= ["chdir"] | .linux.seccomp.syscalls += [{"names": ["chdir"], "action": "SCMP_ACT_TRAP"}]'
  set_args sh -c 'trap "echo caught" SYS; cd /tmp; echo "cd=$?"; pwd'
  run -0 minirt run "$CTR_ID"
  local plain=$output
  [[ "$plain" == *caught* ]]
  report_mode log
  run -0 minirt --log "$LOG" run "$CTR_ID"
  # The same, apart from the report on stderr.
  [ "$(grep -v '^minirt: warning: ' <<<"$output")" = "$plain" ] || fail "with report: $output; without: $plain"
  grep -qF "Used forbidden syscalls: chdir (1x)" "$LOG"
}

@test "seccomp report: what runc refuses (NOTIFY as default and on write) works here, write violations included" {
  # runc, given the filter minirt loads in this mode, refuses it.
  update_config ".linux.cgroupsPath = \"minirt-test/$CTR_ID-runc\""
  update_config --arg s "$BUNDLE/nobody.sock" '.linux.seccomp.defaultAction = "SCMP_ACT_NOTIFY" | .linux.seccomp.listenerPath = $s'
  set_args true
  run runc_ run "$CTR_ID-runc"
  [ "$status" -ne 0 ]
  [[ "$output" == *"SCMP_ACT_NOTIFY cannot be used as default action"* ]]
  update_config '.linux.seccomp.defaultAction = "SCMP_ACT_ERRNO" | del(.linux.seccomp.listenerPath) | .linux.seccomp.syscalls += [{"names": ["write"], "action": "SCMP_ACT_NOTIFY"}]'
  run runc_ run "$CTR_ID-runc"
  [ "$status" -ne 0 ]
  [[ "$output" == *"SCMP_ACT_NOTIFY cannot be used for the write syscall"* ]]

  # minirt: the default and write both notify the monitor; tee's write to
  # its file (fd 3) is refused (only fds 0-2 may be written), reported, and
  # the rest works.
  update_config ".linux.cgroupsPath = \"minirt-test/$CTR_ID\""
  update_config '.linux.seccomp.syscalls |= map(select(.action != "SCMP_ACT_NOTIFY")) | .linux.seccomp.syscalls[0].names -= ["write"]
    | .linux.seccomp.syscalls += [{"names": ["write"], "action": "SCMP_ACT_ALLOW", "args": [{"index": 0, "value": 3, "op": "SCMP_CMP_LT"}]}]'
  report_mode log
  set_args sh -c 'echo five | tee /shared/five; echo "tee=$?"'
  run -0 minirt --log "$LOG" run "$CTR_ID"
  grep -qx "five" <<<"$output" # tee's stdout
  grep -qx "tee=1" <<<"$output" || fail "$output"
  [ -e "$BUNDLE/shared/five" ] && [ ! -s "$BUNDLE/shared/five" ]
  grep -qE "Used forbidden syscalls: write \(1x\)$" "$LOG"
}

@test "seccomp report: CRI-O's annotation is honoured; invalid values are errors naming the annotation" {
  update_config '.annotations["io.kubernetes.cri-o.seccompNotifierAction"] = "stop"'
  set_args sh -c 'chroot /tmp true; sleep 600'
  run minirt --log "$LOG" run "$CTR_ID"
  [ "$status" -eq 137 ]
  grep -qF "Used forbidden syscalls: chroot (1x)" "$LOG"

  update_config '.annotations["io.kubernetes.cri-o.seccompNotifierAction"] = "halt"'
  run minirt run "$CTR_ID"
  [ "$status" -ne 0 ]
  [[ "$output" == *'config.json: annotations["io.kubernetes.cri-o.seccompNotifierAction"]: invalid value "halt": expected log or stop'* ]]
  report_mode verbose
  run minirt run "$CTR_ID"
  [ "$status" -ne 0 ]
  [[ "$output" == *'config.json: annotations["run.oci.minirt.seccomp-report"]: invalid value "verbose": expected log or stop'* ]]
  assert_no_leftovers "$CTR_ID"
}
