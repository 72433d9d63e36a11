#!/usr/bin/env bats
# ps, pause/resume, update, events: the commands clients use on a running
# container (containerd's `ctr task ps/pause/metrics`, podman's pause/top),
# checked on real busybox containers, and against runc where it runs here.
# Only relative cgroupsPath values (minirt-test/<id>, set by setup_bundle).

load helpers
load leak_helpers

bats_require_minimum_version 1.5.0

setup() {
  require_lifecycle
  setup_bundle
}

teardown() {
  [ -n "${EVENTS_PID:-}" ] && kill "$EVENTS_PID" 2>/dev/null
  teardown_bundle
}

# A container whose init (sh) has one child (sleep); sets PID and CHILD.
start_family() {
  local rt=${1:-minirt} id=${2:-$CTR_ID}
  set_args sh -c 'sleep 1000 & wait'
  run_bg "$rt" run -d "$id"
  [ "$status" -eq 0 ] || fail "run -d: $output"
  PID=$("$rt" state "$id" | jq -r .pid)
  [ "$PID" -gt 0 ]
  CHILD=""
  local i
  for i in $(seq 100); do
    CHILD=$(pgrep -P "$PID" || true)
    [ -n "$CHILD" ] && break
    sleep 0.1
  done
  [ -n "$CHILD" ] || fail "the container's init started no child"
}

# The state letter of a process (/proc/PID/stat field 3).
proc_state() {
  sed 's/.*) //' "/proc/$1/stat" | cut -d' ' -f1
}

frozen_file() {
  if is_v2; then
    echo "$(cg_dir "$1" "")/cgroup.freeze"
  else
    echo "$(cg_dir "$1" freezer)/freezer.state"
  fi
}

# ---- ps -------------------------------------------------------------------

@test "ps --format json: the host pids of the init and of the child it spawned" {
  start_family
  run -0 minirt ps --format json "$CTR_ID"
  [ "$(jq -c 'sort' <<<"$output")" = "$(jq -cn --argjson a "$PID" --argjson b "$CHILD" '[$a, $b] | sort')" ]
  run -0 minirt ps -f json "$CTR_ID"
  [ "$(jq length <<<"$output")" -eq 2 ]
}

@test "ps: the table is host ps output filtered to the container's pids" {
  start_family
  run -0 minirt ps "$CTR_ID"
  [[ "${lines[0]}" == *PID*CMD* ]]
  [ "${#lines[@]}" -eq 3 ]
  [ "$(awk 'NR > 1 { print $2 }' <<<"$output" | sort -n | tr '\n' ' ')" = "$(printf '%s\n' "$PID" "$CHILD" | sort -n | tr '\n' ' ')" ]
  # ps options after the ID go to ps, as with runc.
  run -0 minirt ps "$CTR_ID" -o pid,comm
  [ "${lines[0]}" = "$(ps -o pid,comm | head -1)" ]
  grep -Eq "^ *$PID +sh\$" <<<"$output"
  grep -Eq "^ *$CHILD +sleep\$" <<<"$output"
}

@test "ps: errors (bad format, unknown container, ps failing) are one line and non-zero" {
  start_family
  run -1 minirt ps --format yaml "$CTR_ID"
  [[ "$output" == *'invalid format "yaml"'* ]]
  run -1 minirt ps --format json nosuch-ops-ctr
  [[ "$output" == *nosuch-ops-ctr* ]]
  run -1 minirt ps "$CTR_ID" --no-such-ps-option
  [[ "$output" == *"ps: exit status"* ]]
  PATH=/nonexistent run -1 "$MINIRT" --root "$STATE_ROOT" ps "$CTR_ID"
  [ "$output" = "minirt: ps: exit status 127: exec ps: No such file or directory" ]
}

@test "ps: same pids shape as runc" {
  command -v runc >/dev/null || skip "runc not installed"
  start_family runc_ "$CTR_ID-runc"
  run -0 runc_ ps --format json "$CTR_ID-runc"
  local theirs
  theirs=$(jq -c 'length' <<<"$output")
  runc_ delete -f "$CTR_ID-runc"
  start_family
  run -0 minirt ps --format json "$CTR_ID"
  [ "$(jq -c 'length' <<<"$output")" = "$theirs" ]
}

# ---- pause, resume ----------------------------------------------------------

@test "pause: state and list say paused and every process is frozen; resume thaws" {
  start_family
  local f
  f=$(frozen_file "$PID")
  run -0 minirt pause "$CTR_ID"
  [ "$(minirt state "$CTR_ID" | jq -r .status)" = paused ]
  [ "$(minirt list --format json | jq -r --arg id "$CTR_ID" '.[] | select(.id == $id) | .status')" = paused ]
  if is_v2; then
    [ "$(cat "$f")" = 1 ]
  else
    [ "$(cat "$f")" = FROZEN ]
  fi
  # A frozen task sleeps in the refrigerator: the kernel shows it as D.
  [ "$(proc_state "$PID")" = D ]
  [ "$(proc_state "$CHILD")" = D ]
  run -0 minirt resume "$CTR_ID"
  [ "$(minirt state "$CTR_ID" | jq -r .status)" = running ]
  if is_v2; then
    [ "$(cat "$f")" = 0 ]
  else
    [ "$(cat "$f")" = THAWED ]
  fi
  [ "$(proc_state "$PID")" = S ]
  [ "$(proc_state "$CHILD")" = S ]
}

@test "pause: a signal waits until resume (the container really is stopped)" {
  set_args sh -c 'trap "echo got-usr1 > /tmp/usr1" USR1; while :; do sleep 0.1; done'
  update_config '.root.readonly = false'
  run_bg minirt run -d "$CTR_ID"
  [ "$status" -eq 0 ]
  PID=$(minirt state "$CTR_ID" | jq -r .pid)
  run -0 minirt pause "$CTR_ID"
  run -0 minirt kill "$CTR_ID" USR1
  # Still paused, the handler did not run (nothing runs in a frozen cgroup).
  [ "$(minirt state "$CTR_ID" | jq -r .status)" = paused ]
  [ ! -e "/proc/$PID/root/tmp/usr1" ]
  # SIGUSR1 (10) is pending: bit 9 of the shared pending mask.
  local pnd
  pnd=$(awk '/^ShdPnd:/ { print $2 }' "/proc/$PID/status")
  (( 0x$pnd & 0x200 ))
  run -0 minirt resume "$CTR_ID"
  wait_for_file "/proc/$PID/root/tmp/usr1" 10
  [ "$(cat "/proc/$PID/root/tmp/usr1")" = got-usr1 ]
}

@test "pause/resume: wrong states are clear errors, as runc's" {
  start_family
  run -1 minirt resume "$CTR_ID"
  [[ "$output" == *"not paused"* ]]
  run -0 minirt pause "$CTR_ID"
  run -1 minirt pause "$CTR_ID"
  [[ "$output" == *"not running"* ]]
  run -0 minirt resume "$CTR_ID"
  run -0 minirt kill "$CTR_ID" KILL
  wait_for_exit "$PID" 10
  run -1 minirt pause "$CTR_ID"
  [[ "$output" == *"not running"* ]]
  [ "${#lines[@]}" -eq 1 ]
  run -1 minirt pause nosuch-ops-ctr
  [[ "$output" == *nosuch-ops-ctr* ]]
}

@test "pause: a created container can be paused too, as with runc" {
  set_args true
  run_bg minirt create "$CTR_ID"
  [ "$status" -eq 0 ]
  run -0 minirt pause "$CTR_ID"
  [ "$(minirt state "$CTR_ID" | jq -r .status)" = paused ]
  run -0 minirt resume "$CTR_ID"
  [ "$(minirt state "$CTR_ID" | jq -r .status)" = created ]
}

@test "pause: kill KILL of a paused container stops it; delete --force of a paused one leaves nothing" {
  start_family
  run -0 minirt pause "$CTR_ID"
  run -0 minirt kill "$CTR_ID" KILL
  wait_for_exit "$PID" 10
  [ "$(minirt state "$CTR_ID" | jq -r .status)" = stopped ]
  run -0 minirt delete "$CTR_ID"
  assert_no_leftovers "$CTR_ID" "$PID"

  start_family
  run -0 minirt pause "$CTR_ID"
  run -1 minirt delete "$CTR_ID"
  [[ "$output" == *"not stopped: paused"* ]]
  run -0 minirt delete --force "$CTR_ID"
  assert_no_leftovers "$CTR_ID" "$PID"
  ! kill -0 "$CHILD" 2>/dev/null
}

@test "pause/resume: the same statuses and errors as runc" {
  command -v runc >/dev/null || skip "runc not installed"
  local rt id out=()
  for rt in runc_ minirt; do
    id=$CTR_ID-$rt
    update_config ".linux.cgroupsPath = \"minirt-test/$id\""
    start_family "$rt" "$id"
    run "$rt" pause "$id"; out+=("$status")
    out+=("$("$rt" state "$id" | jq -r .status)")
    run "$rt" pause "$id"; out+=("$status")
    run "$rt" resume "$id"; out+=("$status")
    run "$rt" resume "$id"; out+=("$status")
    out+=("$("$rt" state "$id" | jq -r .status)")
    "$rt" delete -f "$id"
  done
  [ "${out[*]:0:6}" = "${out[*]:6:6}" ]
  [ "${out[*]:0:6}" = "0 paused 1 0 1 running" ]
}

# ---- update -----------------------------------------------------------------

@test "update: the individual flags change memory, pids and cpu in the cgroup" {
  start_family
  run -0 minirt update --memory 64m --memory-reservation 32m --pids-limit 20 --cpu-quota 50000 --cpu-period 100000 --cpu-share 512 "$CTR_ID"
  if is_v2; then
    local d
    d=$(cg_dir "$PID" "")
    [ "$(cat "$d/memory.max")" = 67108864 ]
    [ "$(cat "$d/pids.max")" = 20 ]
    [ "$(cat "$d/cpu.max")" = "50000 100000" ]
  else
    [ "$(cat "$(cg_dir "$PID" memory)/memory.limit_in_bytes")" = 67108864 ]
    [ "$(cat "$(cg_dir "$PID" memory)/memory.soft_limit_in_bytes")" = 33554432 ]
    [ "$(cat "$(cg_dir "$PID" pids)/pids.max")" = 20 ]
    [ "$(cat "$(cg_dir "$PID" cpu)/cpu.cfs_quota_us")" = 50000 ]
    [ "$(cat "$(cg_dir "$PID" cpu)/cpu.cfs_period_us")" = 100000 ]
    [ "$(cat "$(cg_dir "$PID" cpu)/cpu.shares")" = 512 ]
  fi
  # Only what is given changes; -1 lifts a limit.
  run -0 minirt update --pids-limit -1 "$CTR_ID"
  [ "$(cat "$(cg_dir "$PID" pids)/pids.max")" = max ]
  is_v2 || [ "$(cat "$(cg_dir "$PID" memory)/memory.limit_in_bytes")" = 67108864 ]
  # The container sees its new limit.
  is_v2 || [ "$(cat "/proc/$PID/root/sys/fs/cgroup/memory/memory.limit_in_bytes")" = 67108864 ]
}

@test "update: --resources FILE and - (stdin) take a linux.resources JSON" {
  start_family
  echo '{"memory": {"limit": 50331648}, "pids": {"limit": 15}, "cpu": {"shares": 256}}' > "$BUNDLE/res.json"
  run -0 minirt update --resources "$BUNDLE/res.json" "$CTR_ID"
  is_v2 || [ "$(cat "$(cg_dir "$PID" memory)/memory.limit_in_bytes")" = 50331648 ]
  [ "$(cat "$(cg_dir "$PID" pids)/pids.max")" = 15 ]
  is_v2 || [ "$(cat "$(cg_dir "$PID" cpu)/cpu.shares")" = 256 ]
  run -0 minirt update -r - "$CTR_ID" <<<'{"pids": {"limit": 12}}'
  [ "$(cat "$(cg_dir "$PID" pids)/pids.max")" = 12 ]
  # A bad document names the field.
  run -1 minirt update -r - "$CTR_ID" <<<'{"pids": {"limit": "x"}}'
  [[ "$output" == *pids.limit* ]]
  [ "$(cat "$(cg_dir "$PID" pids)/pids.max")" = 12 ]
}

@test "update: the same files as runc's update, from both flags and --resources" {
  is_v2 && skip "v1 file names"
  command -v runc >/dev/null || skip "runc not installed"
  local rt id d res=()
  for rt in runc_ minirt; do
    id=$CTR_ID-$rt
    update_config ".linux.cgroupsPath = \"minirt-test/$id\""
    start_family "$rt" "$id"
    run -0 "$rt" update --memory 48m --memory-swap 96m --pids-limit 21 --cpu-quota 30000 --cpu-period 60000 --cpu-share 300 --cpuset-cpus 0 "$id"
    res+=("$(cat "$(cg_dir "$PID" memory)/memory.limit_in_bytes" "$(cg_dir "$PID" memory)/memory.memsw.limit_in_bytes" \
      "$(cg_dir "$PID" pids)/pids.max" "$(cg_dir "$PID" cpu)/cpu.cfs_quota_us" "$(cg_dir "$PID" cpu)/cpu.cfs_period_us" \
      "$(cg_dir "$PID" cpu)/cpu.shares" "$(cg_dir "$PID" cpuset)/cpuset.cpus" 2>&1 | tr '\n' ' ')")
    "$rt" update -r - "$id" <<<'{"memory": {"limit": 40000000}, "pids": {"limit": 9}}'
    res+=("$(cat "$(cg_dir "$PID" memory)/memory.limit_in_bytes" "$(cg_dir "$PID" pids)/pids.max" | tr '\n' ' ')")
    "$rt" delete -f "$id"
  done
  [ "${res[0]}" = "${res[2]}" ]
  [ "${res[1]}" = "${res[3]}" ]
  [ "${res[0]}" = "50331648 100663296 21 30000 60000 300 0 " ]
}

@test "update: edge values (negative, 0, out of range) succeed or fail and leave the files as with runc" {
  is_v2 && skip "v1 file names"
  command -v runc >/dev/null || skip "runc not installed"
  local rt id a res=() files
  local -a steps=("--memory-reservation 32m --cpu-period 60000 --cpu-quota 30000 --pids-limit 50"
    "--pids-limit -5" "--pids-limit 0" "--cpu-quota 0" "--cpu-period 0" "--cpu-rt-period 0" "--memory-reservation 0"
    "--cpu-quota -9223372036854775808" "--memory 64m" "--memory -1" "--memory -5" "--memory 0"
    "--cpu-share 18446744073709551615" "--cpu-share 1" "--cpu-share 0" "--cpu-share 512")
  for rt in runc_ minirt; do
    id=$CTR_ID-$rt
    update_config ".linux.cgroupsPath = \"minirt-test/$id\""
    start_family "$rt" "$id"
    for a in "${steps[@]}"; do
      # shellcheck disable=SC2086 # one step is several flags
      run "$rt" update $a "$id"
      # cpu.shares only at the end: after a refused value runc's rollback
      # fails and keeps the kernel's clamped value; minirt puts the old one back.
      files=$(cat "$(cg_dir "$PID" memory)/memory.limit_in_bytes" "$(cg_dir "$PID" memory)/memory.soft_limit_in_bytes" \
        "$(cg_dir "$PID" pids)/pids.max" "$(cg_dir "$PID" cpu)/cpu.cfs_quota_us" "$(cg_dir "$PID" cpu)/cpu.cfs_period_us" \
        "$(cg_dir "$PID" cpu)/cpu.rt_period_us" | tr '\n' ' ')
      [ "$a" = --cpu-share\ 512 ] && files+=$(cat "$(cg_dir "$PID" cpu)/cpu.shares")
      res+=("[$a] $status $files")
    done
    "$rt" delete -f "$id"
  done
  local n=${#steps[@]} i
  for ((i = 0; i < n; i++)); do
    [ "${res[i]}" = "${res[i + n]}" ] || fail "runc: ${res[i]}, minirt: ${res[i + n]}"
  done
  [[ "${res[1]}" == *" 0 "*" max "* ]]
  [[ "${res[12]}" == "["*"] 1 "* ]]
  [[ "${res[13]}" == "["*"] 1 "* ]]
  [[ "${res[n - 1]}" == *" 512" ]]
}

@test "update: a write the kernel refuses fails the update and puts back what it had changed, as runc" {
  is_v2 && skip "v1 file names"
  update_config '.linux.resources = {"memory": {"limit": 100663296}, "pids": {"limit": 40}}'
  start_family
  local mem pids
  mem=$(cg_dir "$PID" memory)/memory.limit_in_bytes
  pids=$(cg_dir "$PID" pids)/pids.max
  # memory and pids are written before the realtime runtime, which this
  # kernel refuses for a non-realtime group.
  run -1 minirt update --memory 64m --pids-limit 7 --cpu-rt-runtime 1000 "$CTR_ID"
  [[ "$output" == *"cpu.realtimeRuntime"*"cpu.rt_runtime_us"* ]]
  [ "$(cat "$mem")" = 100663296 ]
  [ "$(cat "$pids")" = 40 ]
  [ "$(minirt state "$CTR_ID" | jq -r .status)" = running ]
}

@test "update: bad values name the flag; a stopped container cannot be updated" {
  start_family
  run -1 minirt update --memory 12q "$CTR_ID"
  [ "$output" = 'minirt: update: --memory: invalid size "12q"' ]
  run -1 minirt update --cpu-period -5 "$CTR_ID"
  [[ "$output" == *"--cpu-period"* ]]
  run -1 minirt update --l3-cache-schema "L3:0=f" "$CTR_ID"
  [[ "$output" == *"Intel RDT"* ]]
  run -0 minirt kill "$CTR_ID" KILL
  wait_for_exit "$PID" 10
  run -1 minirt update --pids-limit 5 "$CTR_ID"
  [[ "$output" == *"not running"* ]]
}

# ---- events -------------------------------------------------------------------

@test "events --stats: one JSON object with the cgroup's figures" {
  start_family
  run -0 minirt events --stats "$CTR_ID"
  [ "${#lines[@]}" -eq 1 ]
  [ "$(jq -r .type <<<"$output")" = stats ]
  [ "$(jq -r .id <<<"$output")" = "$CTR_ID" ]
  [ "$(jq -r .data.pids.current <<<"$output")" -eq 2 ]
  [ "$(jq -r .data.memory.usage.usage <<<"$output")" -gt 0 ]
  [ "$(jq -r .data.cpu.usage.total <<<"$output")" -gt 0 ]
  # The figures are the cgroup's (a limit below 2^53: jq reads doubles).
  run -0 minirt update --pids-limit 30 --memory 64m "$CTR_ID"
  run -0 minirt events --stats "$CTR_ID"
  [ "$(jq -r .data.pids.limit <<<"$output")" -eq 30 ]
  [ "$(jq -r .data.memory.usage.limit <<<"$output")" -eq 67108864 ]
}

@test "events --stats: the same keys as runc's (cpu throttling and block IO included)" {
  command -v runc >/dev/null || skip "runc not installed"
  # Paths of the object, array indices folded, each once.
  keys() {
    jq -r '[paths | map(if type == "number" then "[]" else . end) | join(".")] | unique | .[]'
  }
  # A throttled busy loop that did some direct IO (omitempty: a figure
  # that is 0 has no key, in runc's output and in ours).
  update_config '.root.readonly = false | .linux.resources.cpu = {"quota": 5000, "period": 100000}'
  set_args sh -c 'dd if=/dev/zero of=/x bs=4k count=16 oflag=direct 2>/dev/null; while :; do :; done'
  stats_of() {
    local rt=$1 id=$2 i
    run_bg "$rt" run -d "$id"
    [ "$status" -eq 0 ] || fail "$rt run -d: $output"
    for i in $(seq 100); do
      output=$("$rt" events --stats "$id")
      jq -e '.data.cpu.throttling.throttledPeriods > 0 and (.data.blkio | length > 0)' <<<"$output" >/dev/null && break
      sleep 0.1
    done
    "$rt" delete -f "$id"
  }
  update_config ".linux.cgroupsPath = \"minirt-test/$CTR_ID-runc\""
  stats_of runc_ "$CTR_ID-runc"
  local theirs ours
  theirs=$(keys <<<"$output")
  update_config ".linux.cgroupsPath = \"minirt-test/$CTR_ID\""
  stats_of minirt "$CTR_ID"
  ours=$(keys <<<"$output")
  jq -e '.data.cpu.throttling.throttledPeriods > 0' <<<"$output"
  # memory.cache can be 0 in one run and not in the other.
  theirs=$(grep -v '^data\.memory\.cache$' <<<"$theirs")
  ours=$(grep -v '^data\.memory\.cache$' <<<"$ours")
  [ "$theirs" = "$ours" ] || fail "$(diff <(echo "$theirs") <(echo "$ours"))"
}

@test "events --interval: streams objects until the container is deleted, then ends cleanly" {
  start_family
  local out=$BUNDLE/events.out
  "$MINIRT" --root "$STATE_ROOT" events --interval 100ms "$CTR_ID" > "$out" 2> "$out.err" < /dev/null &
  EVENTS_PID=$!
  local i
  for i in $(seq 200); do
    [ "$(wc -l < "$out")" -ge 2 ] && break
    sleep 0.1
  done
  [ "$(wc -l < "$out")" -ge 2 ]
  run -0 minirt delete --force "$CTR_ID"
  local rc=0
  wait "$EVENTS_PID" || rc=$?
  EVENTS_PID=""
  [ "$rc" -eq 0 ] || fail "events exited $rc: $(cat "$out.err")"
  [ ! -s "$out.err" ]
  # Every line is a whole stats object.
  [ "$(jq -s 'map(select(.type == "stats")) | length' < "$out")" -eq "$(wc -l < "$out")" ]
}

@test "events: a bad interval and a stopped container are errors" {
  start_family
  run -1 minirt events --interval 0 "$CTR_ID"
  [[ "$output" == *"--interval"* ]]
  run -1 minirt events --interval 5x "$CTR_ID"
  [[ "$output" == *"--interval"* ]]
  run -0 minirt kill "$CTR_ID" KILL
  wait_for_exit "$PID" 10
  run -1 minirt events --stats "$CTR_ID"
  [[ "$output" == *"not running"* ]]
}

# ---- update of device rules (v1) ---------------------------------------------

@test "update: new device rules (v1) reach devices.list without a deny-all window" {
  is_v2 && skip "v1 device controller"
  command -v strace >/dev/null || skip "strace not installed"
  start_family
  local d before
  d=$(cg_dir "$PID" devices)
  before=$(sort "$d/devices.list")
  grep -qx 'c 1:3 rwm' <<<"$before"
  echo '{"devices": [{"allow": false, "access": "rwm"}, {"allow": true, "type": "c", "major": 1, "minor": 11, "access": "rw"}]}' > "$BUNDLE/dev.json"
  # (LeakSanitizer cannot run under ptrace: an ASan build skips it here.)
  ASAN_OPTIONS=detect_leaks=0 strace -f -e trace=write -o "$BUNDLE/strace.out" "$MINIRT" --root "$STATE_ROOT" update -r "$BUNDLE/dev.json" "$CTR_ID"
  # Only the new rule was written; "a" (deny everything) never was.
  grep -E 'write\([0-9]+, "c 1:11 rw\\n"' "$BUNDLE/strace.out"
  ! grep -E 'write\([0-9]+, "a\\n"' "$BUNDLE/strace.out"
  [ "$(sort "$d/devices.list")" = "$(sort <(echo "$before"; echo 'c 1:11 rw'))" ]
  # The default devices stay usable throughout: /dev/null is still writable.
  echo x > "/proc/$PID/root/dev/null"
}

# ---- --log-format json ----------------------------------------------------------

@test "log-format json: every failing command leaves an error line in --log" {
  local log=$BUNDLE/log.json
  set_args /no/such/binary
  run -1 "$MINIRT" --root "$STATE_ROOT" --log "$log" --log-format json create "$CTR_ID" < /dev/null
  # containerd shows the msg of the last error line to its user.
  [ "$(tail -n 1 "$log" | jq -r .level)" = error ]
  [[ "$(tail -n 1 "$log" | jq -r .msg)" == *"/no/such/binary"* ]]
  tail -n 1 "$log" | jq -e '.time | test("^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:.]+Z$")'
  assert_no_leftovers "$CTR_ID"
  local cmd
  for cmd in "pause nosuch-ops" "resume nosuch-ops" "ps nosuch-ops" "update --pids-limit 3 nosuch-ops" \
    "events --stats nosuch-ops" "state nosuch-ops" "kill nosuch-ops" "delete nosuch-ops" "start nosuch-ops"; do
    : > "$log"
    # shellcheck disable=SC2086
    run -1 "$MINIRT" --root "$STATE_ROOT" --log "$log" --log-format json $cmd
    [ "$(jq -r .level "$log")" = error ] || fail "$cmd: $(cat "$log")"
    [[ "$(jq -r .msg "$log")" == *nosuch-ops* ]] || fail "$cmd: $(cat "$log")"
  done
  # Usage errors too, even a global flag that does not exist.
  : > "$log"
  run -1 "$MINIRT" --root "$STATE_ROOT" --log "$log" --log-format json --no-such-flag list
  [ "$(jq -r .msg "$log")" = "flag provided but not defined: --no-such-flag" ]
}

# ---- --systemd-cgroup -------------------------------------------------------------

@test "systemd-cgroup: slice:prefix:name is validated, then a missing systemd is one clear error, nothing made" {
  [ -d /run/systemd/system ] && skip "systemd is running here"
  local flag p
  for flag in --systemd-cgroup "--cgroup-manager systemd"; do
    update_config ".linux.cgroupsPath = \"system.slice:minirt:$CTR_ID\""
    # shellcheck disable=SC2086
    run -1 "$MINIRT" --root "$STATE_ROOT" $flag run -d "$CTR_ID" < /dev/null
    [ "${#lines[@]}" -eq 1 ]
    [[ "$output" == *"system.slice:minirt:$CTR_ID"*"systemd is not running"* ]]
    assert_no_leftovers "$CTR_ID"
    [ ! -e "/sys/fs/cgroup/pids/system.slice/minirt-$CTR_ID.scope" ]
  done
  for p in "minirt-test/$CTR_ID" "a:b:c:d" "nodot:minirt:$CTR_ID"; do
    update_config --arg p "$p" '.linux.cgroupsPath = $p'
    run -1 "$MINIRT" --root "$STATE_ROOT" --systemd-cgroup run -d "$CTR_ID" < /dev/null
    [ "${#lines[@]}" -eq 1 ]
    [[ "$output" == *"linux.cgroupsPath"* ]]
    [[ "$output" != *"systemd is not running"* ]]
    assert_no_leftovers "$CTR_ID"
  done
}

# ---- cgroupsPath, rlimits, run -d -----------------------------------------------

@test "an empty cgroupsPath is <id> under the caller's own cgroup" {
  update_config '.linux.cgroupsPath = ""'
  set_args sleep 1000
  run_bg minirt run -d "$CTR_ID"
  [ "$status" -eq 0 ]
  PID=$(minirt state "$CTR_ID" | jq -r .pid)
  local ours theirs
  ours=$(awk -F: '$2 == "pids" { print $3 }' /proc/self/cgroup)
  theirs=$(awk -F: '$2 == "pids" { print $3 }' "/proc/$PID/cgroup")
  [ "$theirs" = "${ours%/}/$CTR_ID" ]
  run -0 minirt delete -f "$CTR_ID"
  [ ! -e "/sys/fs/cgroup/pids${ours%/}/$CTR_ID" ]
}

@test "an rlimit the kernel refuses is an error naming the rlimit" {
  local hard
  hard=$(cat /proc/sys/fs/nr_open)
  update_config --argjson h "$((hard + 1))" '.process.rlimits = [{"type": "RLIMIT_NPROC", "hard": 1024, "soft": 1024}, {"type": "RLIMIT_NOFILE", "hard": $h, "soft": $h}]'
  run -1 minirt run "$CTR_ID" < /dev/null
  [[ "$output" == *"process.rlimits[1]"*RLIMIT_NOFILE* ]]
  [ "${#lines[@]}" -eq 1 ]
  assert_no_leftovers "$CTR_ID"
}

@test "run -d with stdout on a pipe: the container keeps running after the reader is gone" {
  set_args sleep 1000
  minirt run -d "$CTR_ID" < /dev/null 2>&1 | true
  [ "$(minirt state "$CTR_ID" | jq -r .status)" = running ]
  run -0 minirt delete -f "$CTR_ID"
  mkfifo "$BUNDLE/fifo"
  cat "$BUNDLE/fifo" > "$BUNDLE/fifo.out" &
  minirt run -d "$CTR_ID" < /dev/null > "$BUNDLE/fifo" 2>&1
  [ "$(minirt state "$CTR_ID" | jq -r .status)" = running ]
  run -0 minirt delete -f "$CTR_ID"
  wait
}

# ---- features ----------------------------------------------------------------------

@test "features: what runc's features reports, with minirt's truthful values" {
  run -0 minirt features
  local ours=$output
  jq -e '.ociVersionMin and .ociVersionMax and (.hooks | length == 6) and (.mountOptions | length > 0)' <<<"$ours"
  jq -e '.linux.namespaces and .linux.capabilities and .linux.cgroup.v1 and .linux.cgroup.v2' <<<"$ours"
  jq -e '.linux.cgroup.systemd == false and .linux.apparmor.enabled == false and .linux.selinux.enabled == false' <<<"$ours"
  jq -e '.linux.seccomp | .enabled and (.actions | length > 0) and (.operators | length == 7) and .archs and .knownFlags and .supportedFlags' <<<"$ours"
  command -v runc >/dev/null || skip "runc not installed"
  run -0 runc features
  # Every key runc reports exists in ours, and the same mount options and hooks.
  local missing
  missing=$(jq -n --argjson r "$output" --argjson o "$ours" \
    '[$r | paths | select(length <= 3) | map(tostring) | join(".")] - [$o | paths | select(length <= 3) | map(tostring) | join(".")] | map(select(startswith("annotations.") | not) | select(test("\\.[0-9]+$") | not))')
  [ "$missing" = "[]" ] || fail "missing: $missing"
  # runc 1.1.5 (Debian) predates idmapped mounts: it lacks "idmap"/"ridmap".
  [ "$(jq -c '.mountOptions - ["idmap", "ridmap"] | sort' <<<"$output")" = "$(jq -c '.mountOptions - ["idmap", "ridmap"] | sort' <<<"$ours")" ]
  [ "$(jq -c '.hooks' <<<"$output")" = "$(jq -c '.hooks' <<<"$ours")" ]
}

@test "events --interval: the durations Go's time.ParseDuration takes, as runc" {
  command -v runc >/dev/null || skip "runc not installed"
  local iv r m
  # On a missing container, a bad interval is a flag error before the lookup.
  for iv in 1.5s .5s 1.s +1s 1h2m3s 250us 1µs 2000000h 1e3s 0x1p3s inf 5. 1 . .s 1..5s 1S "1s " 2562048h; do
    r=$(runc --root "$RUNC_ROOT" events --interval "$iv" "$CTR_ID" 2>&1) && fail "runc accepted a missing container"
    m=$("$MINIRT" --root "$STATE_ROOT" events --interval "$iv" "$CTR_ID" 2>&1) && fail "minirt accepted a missing container"
    if [[ "$r" == *"parse error"* ]]; then
      [[ "$m" == *"invalid duration"* ]] || fail "$iv: runc refuses it, minirt: $m"
    else
      [[ "$r" == *"does not exist"* && "$m" == *"does not exist"* ]] || fail "$iv: runc: $r, minirt: $m"
    fi
  done
}

@test "kill: the signal forms runc takes (+N, numbers, names any case) and refuses" {
  command -v runc >/dev/null || skip "runc not installed"
  local rt id s out=()
  for rt in runc_ minirt; do
    id=$CTR_ID-$rt
    update_config ".linux.cgroupsPath = \"minirt-test/$id\""
    start_family "$rt" "$id"
    # sh as pid 1 of its pid namespace ignores all of these
    for s in +1 0 34 64 65 hup sighup SigHup SIGPWR STKFLT 9x " 1" 1.0 SIG SIGFOO SIGUNUSED; do
      run "$rt" kill "$id" "$s"
      out+=("$s:$status")
    done
    [ "$("$rt" state "$id" | jq -r .status)" = running ]
    "$rt" delete -f "$id"
  done
  local n=$((${#out[@]} / 2)) i
  for ((i = 0; i < n; i++)); do
    [ "${out[i]}" = "${out[i + n]}" ] || fail "runc ${out[i]}, minirt ${out[i + n]}"
  done
  [ "${out[0]}" = "+1:0" ]
}

@test "events --interval: an OOM kill in the container is an {\"type\":\"oom\"} event, as runc's" {
  update_config '.root.readonly = false | .linux.resources.memory = {"limit": 16777216, "swap": 16777216}'
  # The hog starts on our signal (a file), once events is watching.
  set_args sh -c 'while [ ! -e /tmp/go ]; do sleep 0.1; done; tail /dev/zero; sleep 1000'
  run_bg minirt run -d "$CTR_ID"
  [ "$status" -eq 0 ]
  PID=$(minirt state "$CTR_ID" | jq -r .pid)
  local out=$BUNDLE/events.out i
  "$MINIRT" --root "$STATE_ROOT" events --interval 100ms "$CTR_ID" > "$out" 2> "$out.err" < /dev/null &
  EVENTS_PID=$!
  for i in $(seq 200); do
    [ -s "$out" ] && break
    sleep 0.1
  done
  touch "/proc/$PID/root/tmp/go"
  for i in $(seq 300); do
    grep -q '"type":"oom"' "$out" && break
    sleep 0.1
  done
  grep -qx "{\"type\":\"oom\",\"id\":\"$CTR_ID\"}" "$out" || fail "no oom event: $(tail -n 3 "$out")"
  # The init survived its child's OOM kill: the stream goes on until delete.
  [ "$(minirt state "$CTR_ID" | jq -r .status)" = running ]
  run -0 minirt delete --force "$CTR_ID"
  wait "$EVENTS_PID"
  EVENTS_PID=""
}

@test "--cgroup-manager disabled: ps lists the init; pause, update and events say there is no cgroup" {
  set_args sleep 1000
  run_bg "$MINIRT" --root "$STATE_ROOT" --cgroup-manager disabled run -d "$CTR_ID"
  [ "$status" -eq 0 ]
  PID=$(minirt state "$CTR_ID" | jq -r .pid)
  run -0 minirt ps --format json "$CTR_ID"
  [ "$output" = "[$PID]" ]
  local cmd
  for cmd in pause "update --pids-limit 5" "events --stats"; do
    # shellcheck disable=SC2086
    run -1 minirt $cmd "$CTR_ID"
    [[ "$output" == *"has no cgroup"* ]] || fail "$cmd: $output"
    [ "${#lines[@]}" -eq 1 ]
  done
  [ "$(minirt state "$CTR_ID" | jq -r .status)" = running ]
}
