#!/usr/bin/env bats
# process.terminal with --console-socket: the pty master reaches the socket
# (recvtty, as conmon/containerd would receive it), the slave is the
# container's controlling terminal and stdio, consoleSize is applied.

load helpers
load leak_helpers

setup() {
  setup_bundle
  require_lifecycle
  [ -x "$RECVTTY" ] || skip "recvtty not built (meson -Dtests=true)"
  SOCK=$BUNDLE/console.sock
  update_config '.process.terminal = true | .process.consoleSize = {"height": 31, "width": 97}'
}

teardown() {
  [ -n "${RECVTTY_PID:-}" ] && kill "$RECVTTY_PID" 2>/dev/null
  teardown_bundle
}

# Start recvtty on $SOCK, output in $BUNDLE/tty.out; extra args go to it.
start_recvtty() {
  rm -f "$SOCK"
  "$RECVTTY" -t 15 "$@" "$SOCK" > "$BUNDLE/tty.out" 2> "$BUNDLE/recvtty.err" &
  RECVTTY_PID=$!
  wait_for_file "$SOCK" 5 || fail "recvtty did not listen"
}

# Wait for recvtty to see the container hang up (no subshell: only the
# shell that started it can wait for it); its output, without the pty's
# carriage returns, in $BUNDLE/tty.txt.
recvtty_wait() {
  local rc=0
  wait "$RECVTTY_PID" || rc=$?
  RECVTTY_PID=
  [ "$rc" -eq 0 ] || fail "recvtty exited $rc: $(cat "$BUNDLE/recvtty.err")"
  tr -d '\r' < "$BUNDLE/tty.out" > "$BUNDLE/tty.txt"
}

@test "terminal: the pty is the container's tty, with consoleSize" {
  set_args sh -c 'tty; stty size; for fd in 0 1 2; do readlink /proc/$$/fd/$fd; done; [ -c /dev/console ] && echo console-ok'
  start_recvtty
  run_bg minirt run -d --console-socket "$SOCK" --bundle "$BUNDLE" "$CTR_ID"
  [ "$status" -eq 0 ] || fail "run: $output"
  recvtty_wait
  run cat "$BUNDLE/tty.txt"
  # The pty comes from the container's own devpts (opened inside it, as
  # runc does), so its name is the one the container sees.
  [[ "${lines[0]}" =~ ^received\ fd\ for\ (/dev/pts/[0-9]+)$ ]] || fail "$output"
  local name=${BASH_REMATCH[1]}
  [ "${lines[1]}" = "$name" ] || fail "tty: $output"
  [ "${lines[2]}" = "31 97" ] || fail "stty size: $output"
  [ "${lines[3]}" = "$name" ] && [ "${lines[4]}" = "$name" ] && [ "${lines[5]}" = "$name" ] || fail "stdio: $output"
  [ "${lines[6]}" = console-ok ] || fail "/dev/console: $output"
}

@test "terminal: create sends the master, start runs on it, input reaches the container" {
  set_args sh -c 'read line; echo "got:$line"'
  start_recvtty -i typed-in -d 300
  run_bg minirt create --console-socket "$SOCK" --bundle "$BUNDLE" "$CTR_ID"
  [ "$status" -eq 0 ] || fail "create: $output"
  # The master was handed over at create time.
  wait_for_file "$BUNDLE/tty.out" 2
  run minirt start "$CTR_ID"
  [ "$status" -eq 0 ] || fail "start: $output"
  recvtty_wait
  run cat "$BUNDLE/tty.txt"
  [[ "$output" == *"got:typed-in"* ]] || fail "$output"
  run minirt delete --force "$CTR_ID"
  assert_no_leftovers "$CTR_ID"
}

@test "terminal: the same observations as runc" {
  set_args sh -c 'tty; stty size; ls /dev | tr "\n" " "; echo; id'
  local out_minirt out_runc
  start_recvtty
  run_bg minirt run -d --console-socket "$SOCK" --bundle "$BUNDLE" "$CTR_ID"
  [ "$status" -eq 0 ] || fail "minirt run: $output"
  recvtty_wait
  out_minirt=$(cat "$BUNDLE/tty.txt")
  run minirt delete --force "$CTR_ID"

  update_config ".linux.cgroupsPath = \"minirt-test/$CTR_ID-runc\""
  start_recvtty
  run_bg runc_ run -d --console-socket "$SOCK" --bundle "$BUNDLE" "$CTR_ID"
  [ "$status" -eq 0 ] || fail "runc run: $output"
  recvtty_wait
  out_runc=$(cat "$BUNDLE/tty.txt")
  runc_ delete --force "$CTR_ID" >/dev/null 2>&1 || true
  # runc names the master by its open path (/dev/ptmx); minirt by the pty
  # it leads to.  Everything the container prints must agree.
  [ "$(tail -n +2 <<< "$out_minirt")" = "$(tail -n +2 <<< "$out_runc")" ] ||
    fail "minirt:
$out_minirt
runc:
$out_runc"
}

@test "terminal: terminal without --console-socket fails create" {
  run_bg minirt create --bundle "$BUNDLE" "$CTR_ID"
  [ "$status" -ne 0 ]
  [[ "$output" == *console* ]] || fail "$output"
  assert_no_leftovers "$CTR_ID"
}
