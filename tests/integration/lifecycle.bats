#!/usr/bin/env bats
# The container lifecycle as a user drives it: create/start/state/kill/delete,
# run (foreground, --detach, --keep), list, pid file, IDs, errors, fds.

load helpers

bats_require_minimum_version 1.5.0

setup() {
  setup_bundle
}

teardown() {
  teardown_bundle
}

# create in the background of the test: the container inherits these files,
# never the pipes bats reads (it would wait for the container to exit).
create_ctr() {
  minirt create --bundle "$BUNDLE" "$@" </dev/null >"$BUNDLE/create.out" 2>"$BUNDLE/create.err"
}

status_of() {
  minirt state "$1" | jq -r .status
}

@test "run: hello.json prints its greeting and leaves no state behind" {
  run --separate-stderr minirt run "$CTR_ID"
  [ "$status" -eq 0 ]
  [ "$output" = "hello from minirt" ]
  [ ! -e "$STATE_ROOT/$CTR_ID" ]
}

@test "run: the exit status of the container is the exit status of run" {
  set_args sh -c 'exit 7'
  run minirt run "$CTR_ID"
  [ "$status" -eq 7 ]
  set_args true
  run minirt run "$CTR_ID"
  [ "$status" -eq 0 ]
}

@test "run: a container killed by a signal exits with 128+signal" {
  # Without a pid namespace sh is no namespace init and can kill itself.
  update_config '.linux.namespaces |= map(select(.type != "pid"))'
  set_args sh -c 'kill -9 $$'
  run minirt run "$CTR_ID"
  [ "$status" -eq 137 ]
}

@test "run: signals sent to a foreground run reach the container" {
  update_config '.linux.namespaces |= map(select(.type != "pid"))'
  set_args sleep 100
  # exec: $! must be minirt itself, not a subshell running the function
  (exec "$MINIRT" --root "$STATE_ROOT" run "$CTR_ID" </dev/null >/dev/null 2>&1) &
  local runpid=$!
  for _ in $(seq 100); do
    [ "$(status_of "$CTR_ID" 2>/dev/null)" = running ] && break
    sleep 0.05
  done
  [ "$(status_of "$CTR_ID")" = running ]
  kill -TERM "$runpid"
  local rc=0
  wait "$runpid" || rc=$?
  [ "$rc" -eq 143 ]
  [ ! -e "$STATE_ROOT/$CTR_ID" ]
}

@test "create/start/state/kill/delete: statuses at every step" {
  set_args sleep 100
  create_ctr "$CTR_ID"
  [ "$(status_of "$CTR_ID")" = created ]
  local pid
  pid=$(minirt state "$CTR_ID" | jq -r .pid)
  [ "$pid" -gt 0 ]
  [ -d "/proc/$pid" ]
  # The init waits for start: it is not sleep yet.
  ! grep -q sleep "/proc/$pid/cmdline"

  minirt start "$CTR_ID"
  [ "$(status_of "$CTR_ID")" = running ]
  [ "$(minirt state "$CTR_ID" | jq -r .pid)" = "$pid" ]
  grep -q sleep "/proc/$pid/cmdline"

  minirt kill "$CTR_ID" KILL
  for _ in $(seq 100); do
    [ "$(status_of "$CTR_ID")" = stopped ] && break
    sleep 0.05
  done
  [ "$(status_of "$CTR_ID")" = stopped ]
  [ "$(minirt state "$CTR_ID" | jq -r .pid)" = 0 ]

  minirt delete "$CTR_ID"
  run minirt state "$CTR_ID"
  [ "$status" -ne 0 ]
  [[ "$output" == *"does not exist"* ]]
  [ ! -e "$STATE_ROOT/$CTR_ID" ]
}

@test "state: the JSON has every field of the runtime-spec state" {
  set_args sleep 100
  update_config '.annotations = {"org.example.key": "value"}'
  create_ctr "$CTR_ID"
  run minirt state "$CTR_ID"
  [ "$status" -eq 0 ]
  echo "$output" | jq -e --arg id "$CTR_ID" --arg b "$BUNDLE" '
    .ociVersion == "1.0.2-dev" and .id == $id and .status == "created" and (.pid > 0)
    and .bundle == $b and .rootfs == ($b + "/rootfs") and .owner == ""
    and (.created | test("^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:.]+Z$"))
    and .annotations["org.example.key"] == "value"'
}

@test "create --pid-file: the file holds the init's host PID" {
  set_args sleep 100
  create_ctr --pid-file "$BUNDLE/ctr.pid" "$CTR_ID"
  local pid
  pid=$(cat "$BUNDLE/ctr.pid")
  [ "$pid" = "$(minirt state "$CTR_ID" | jq -r .pid)" ]
  [ -d "/proc/$pid" ]
  # relative paths are relative to the caller's cwd
  minirt delete --force "$CTR_ID"
  create_ctr --pid-file rel.pid "$CTR_ID"
  [ "$(cat "$BUNDLE/rel.pid")" = "$(minirt state "$CTR_ID" | jq -r .pid)" ]
}

@test "run --detach returns at once with the container running; delete --force stops it" {
  set_args sleep 100
  minirt run --detach "$CTR_ID" </dev/null >/dev/null 2>&1
  [ "$(status_of "$CTR_ID")" = running ]
  local pid
  pid=$(minirt state "$CTR_ID" | jq -r .pid)
  run minirt delete "$CTR_ID"
  [ "$status" -ne 0 ]
  [[ "$output" == *"not stopped"* ]]
  minirt delete --force "$CTR_ID"
  [ ! -e "$STATE_ROOT/$CTR_ID" ]
  [ ! -e "/proc/$pid" ] || [ "$(awk '{print $3}' "/proc/$pid/stat")" = Z ]
}

@test "run --keep keeps the stopped container until delete" {
  set_args true
  run minirt run --keep "$CTR_ID"
  [ "$status" -eq 0 ]
  [ "$(status_of "$CTR_ID")" = stopped ]
  minirt delete "$CTR_ID"
  [ ! -e "$STATE_ROOT/$CTR_ID" ]
}

@test "create of an existing ID fails and keeps the first container" {
  set_args sleep 100
  create_ctr "$CTR_ID"
  local pid
  pid=$(minirt state "$CTR_ID" | jq -r .pid)
  run minirt create --bundle "$BUNDLE" "$CTR_ID"
  [ "$status" -ne 0 ]
  [[ "$output" == *"already exists"* ]]
  [ "$(minirt state "$CTR_ID" | jq -r .pid)" = "$pid" ]
  [ "$(status_of "$CTR_ID")" = created ]
}

@test "two concurrent creates of one ID: exactly one wins" {
  set_args sleep 100
  local i
  for i in 1 2 3 4; do
    minirt create --bundle "$BUNDLE" "$CTR_ID" </dev/null >/dev/null 2>"$BUNDLE/err.$i" &
  done
  local ok=0 rc
  for i in 1 2 3 4; do
    rc=0
    wait %"$i" || rc=$?
    [ "$rc" -eq 0 ] && ok=$((ok + 1))
  done
  [ "$ok" -eq 1 ]
  [ "$(status_of "$CTR_ID")" = created ]
  [ "$(cat "$BUNDLE"/err.* | grep -c 'already exists')" -eq 3 ]
}

@test "invalid container IDs are refused and create nothing" {
  local long
  long=$(printf 'a%.0s' $(seq 1025))
  for id in "a/b" ".." "." "" "a b" "x;y" "$long" "../escape"; do
    run minirt create --bundle "$BUNDLE" "$id"
    [ "$status" -ne 0 ]
    [[ "$output" == *"container id"* ]]
  done
  [ -z "$(ls -A "$STATE_ROOT")" ]
  # the accepted alphabet
  set_args true
  minirt run "a-b_c.d+E9"
}

@test "create with a missing binary fails with a clear error and leaves nothing" {
  set_args does-not-exist
  run minirt create --bundle "$BUNDLE" "$CTR_ID"
  [ "$status" -ne 0 ]
  [ "$output" = 'minirt: exec: "does-not-exist": executable file not found in $PATH' ]
  [ ! -e "$STATE_ROOT/$CTR_ID" ]
  set_args /bin/nope
  run minirt run "$CTR_ID"
  [ "$status" -ne 0 ]
  [[ "$output" == *'/bin/nope'* ]]
  [ ! -e "$STATE_ROOT/$CTR_ID" ]
}

@test "a bad namespace path fails naming the field and leaves nothing" {
  update_config '.linux.namespaces += [{"type": "cgroup", "path": "/nonexistent/ns"}]'
  run minirt run "$CTR_ID"
  [ "$status" -ne 0 ]
  [[ "$output" == *"linux.namespaces["*"].path"* ]]
  [ ! -e "$STATE_ROOT/$CTR_ID" ]
}

@test "start: only a created container can be started, once" {
  set_args sleep 100
  run minirt start "$CTR_ID"
  [ "$status" -ne 0 ]
  [[ "$output" == *"does not exist"* ]]
  create_ctr "$CTR_ID"
  minirt start "$CTR_ID"
  run minirt start "$CTR_ID"
  [ "$status" -ne 0 ]
  [[ "$output" == *running* ]]
}

@test "start reports an error of the init after start and the container stops" {
  # Found on the PATH at create time, but execve fails after start.
  printf '\x01\x02garbage' > "$BUNDLE/rootfs/bin/broken"
  chmod 755 "$BUNDLE/rootfs/bin/broken"
  set_args broken
  create_ctr "$CTR_ID"
  [ "$(status_of "$CTR_ID")" = created ]
  run minirt start "$CTR_ID"
  [ "$status" -ne 0 ]
  [[ "$output" == *"exec"*"broken"*"Exec format error"* ]]
  for _ in $(seq 100); do
    [ "$(status_of "$CTR_ID")" = stopped ] && break
    sleep 0.05
  done
  [ "$(status_of "$CTR_ID")" = stopped ]
  minirt delete "$CTR_ID"
}

@test "a directory as args[0] fails at create" {
  set_args /bin
  run minirt create --bundle "$BUNDLE" "$CTR_ID"
  [ "$status" -ne 0 ]
  [[ "$output" == *'exec: "/bin"'* ]]
  [ ! -e "$STATE_ROOT/$CTR_ID" ]
}

@test "kill: signal names and numbers; errors for bad signals and stopped containers" {
  update_config '.linux.namespaces |= map(select(.type != "pid"))'
  set_args sleep 100
  create_ctr "$CTR_ID"
  minirt start "$CTR_ID"
  run minirt kill "$CTR_ID" NOSUCHSIG
  [ "$status" -ne 0 ]
  [[ "$output" == *"signal"* ]]
  minirt kill "$CTR_ID" 0 # probe
  minirt kill "$CTR_ID" SIGTERM
  for _ in $(seq 100); do
    [ "$(status_of "$CTR_ID")" = stopped ] && break
    sleep 0.05
  done
  [ "$(status_of "$CTR_ID")" = stopped ]
  run minirt kill "$CTR_ID" KILL
  [ "$status" -ne 0 ]
  [[ "$output" == *"not running"* ]]
  minirt kill --all "$CTR_ID" KILL
}

@test "kill with the default signal (TERM) stops a container that handles it" {
  set_args sh -c 'trap "exit 0" TERM; while :; do sleep 0.1; done'
  create_ctr "$CTR_ID"
  minirt start "$CTR_ID"
  minirt kill "$CTR_ID"
  for _ in $(seq 100); do
    [ "$(status_of "$CTR_ID")" = stopped ] && break
    sleep 0.05
  done
  [ "$(status_of "$CTR_ID")" = stopped ]
}

@test "kill TERM (and HUP, INT) stops a created container, as runc's waiting init; USR1 does not" {
  set_args sleep 100
  local sig
  for sig in TERM HUP INT; do
    create_ctr "$CTR_ID"
    minirt kill "$CTR_ID" USR1
    minirt kill "$CTR_ID" "$sig"
    for _ in $(seq 100); do
      [ "$(status_of "$CTR_ID")" = stopped ] && break
      sleep 0.05
    done
    [ "$(status_of "$CTR_ID")" = stopped ]
    minirt delete "$CTR_ID"
  done
}

@test "delete: unknown IDs fail, --force succeeds quietly; a created container can be deleted" {
  run minirt delete nosuchctr
  [ "$status" -ne 0 ]
  [[ "$output" == *"does not exist"* ]]
  run minirt delete --force nosuchctr
  [ "$status" -eq 0 ]
  [ -z "$output" ]
  set_args sleep 100
  create_ctr "$CTR_ID"
  local pid
  pid=$(minirt state "$CTR_ID" | jq -r .pid)
  minirt delete "$CTR_ID"
  [ ! -e "$STATE_ROOT/$CTR_ID" ]
  [ ! -e "/proc/$pid" ] || [ "$(awk '{print $3}' "/proc/$pid/stat")" = Z ]
}

@test "list: table, json and quiet show every container with its status" {
  set_args sleep 100
  create_ctr "$CTR_ID-b"
  create_ctr "$CTR_ID-a"
  minirt start "$CTR_ID-b"
  run minirt list -q
  [ "$status" -eq 0 ]
  [ "$(echo "$output" | tr '\n' ' ')" = "$CTR_ID-a $CTR_ID-b " ]
  run minirt list --format json
  [ "$status" -eq 0 ]
  [ "$(echo "$output" | jq -r --arg id "$CTR_ID-a" '.[] | select(.id == $id) | .status')" = created ]
  [ "$(echo "$output" | jq -r --arg id "$CTR_ID-a" '.[] | select(.id == $id) | .owner')" = root ]
  [ "$(echo "$output" | jq -r --arg id "$CTR_ID-b" '.[] | select(.id == $id) | .status')" = running ]
  run minirt list
  [ "$status" -eq 0 ]
  [[ "${lines[0]}" == ID* ]]
  echo "$output" | grep -E "^$CTR_ID-b +[0-9]+ +running +$BUNDLE "
}

@test "process: env and cwd reach the container" {
  update_config '.process.env += ["FOO=bar baz"] | .process.cwd = "/tmp"'
  set_args sh -c 'echo "$FOO"; pwd'
  run --separate-stderr minirt run "$CTR_ID"
  [ "$status" -eq 0 ]
  [ "${lines[0]}" = "bar baz" ]
  [ "${lines[1]}" = "/tmp" ]
}

@test "process.cwd that does not exist is created inside the rootfs" {
  update_config '.process.cwd = "/work/dir" | .root.readonly = false'
  set_args pwd
  run --separate-stderr minirt run "$CTR_ID"
  [ "$status" -eq 0 ]
  [ "$output" = "/work/dir" ]
  [ -d "$BUNDLE/rootfs/work/dir" ]
}

@test "args[0] is resolved through the container's PATH" {
  mkdir -p "$BUNDLE/rootfs/opt/bin"
  printf '#!/bin/sh\necho from-opt\n' > "$BUNDLE/rootfs/opt/bin/mytool"
  chmod 755 "$BUNDLE/rootfs/opt/bin/mytool"
  update_config '.process.env = ["PATH=/opt/bin:/bin"]'
  set_args mytool
  run --separate-stderr minirt run "$CTR_ID"
  [ "$status" -eq 0 ]
  [ "$output" = "from-opt" ]
}

@test "fds: only stdio reaches the container; --preserve-fds passes 3..3+N-1" {
  # ls opens /proc/self/fd itself as fd 3.
  set_args ls /proc/self/fd
  run --separate-stderr minirt run "$CTR_ID" 7</dev/null 8</dev/null
  [ "$status" -eq 0 ]
  [ "$(echo "$output" | tr '\n' ' ')" = "0 1 2 3 " ]

  echo "preserved content" > "$BUNDLE/fd3.txt"
  set_args sh -c 'cat <&3; ls /proc/self/fd | tr "\n" " "'
  run --separate-stderr minirt run --preserve-fds 1 "$CTR_ID" 3<"$BUNDLE/fd3.txt" 9</dev/null
  [ "$status" -eq 0 ]
  [ "${lines[0]}" = "preserved content" ]
  [ "${lines[1]}" = "0 1 2 3 4 " ]
}

@test "fds: marked close-on-exec before a noNewPrivileges seccomp filter that blocks close_range and fcntl" {
  update_config '.process.noNewPrivileges = true
    | .linux.seccomp = {"defaultAction": "SCMP_ACT_ALLOW",
        "syscalls": [{"names": ["close_range", "fcntl", "fcntl64"], "action": "SCMP_ACT_ERRNO"}]}'
  set_args ls /proc/self/fd
  run --separate-stderr minirt run "$CTR_ID" 7</dev/null 8</dev/null
  [ "$status" -eq 0 ]
  [ "$(echo "$output" | tr '\n' ' ')" = "0 1 2 3 " ]

  run --separate-stderr minirt run --preserve-fds 1 "$CTR_ID" 3</dev/null 9</dev/null
  [ "$status" -eq 0 ]
  [ "$(echo "$output" | tr '\n' ' ')" = "0 1 2 3 4 " ]
}

@test "LISTEN_FDS: socket-activation fds and LISTEN_FDS/LISTEN_PID reach the container" {
  echo "activated" > "$BUNDLE/fd3.txt"
  set_args sh -c 'echo "$LISTEN_FDS $LISTEN_PID"; cat <&3'
  # LISTEN_PID names the runtime's own process (exec keeps the shell's pid).
  run --separate-stderr sh -c 'LISTEN_FDS=1 LISTEN_PID=$$ exec "$0" --root "$1" run "$2"' \
    "$MINIRT" "$STATE_ROOT" "$CTR_ID" 3<"$BUNDLE/fd3.txt"
  [ "$status" -eq 0 ]
  [ "${lines[0]}" = "1 1" ]
  [ "${lines[1]}" = "activated" ]
}

@test "fds: the waiting init holds only stdio, the preserved fds and its own, not the caller's others (runc's neither)" {
  set_args sleep 100
  # A pipe the caller left open (fd 5, its reader waits for EOF) and a
  # file (fd 6): neither preserved.  fd 3 is.
  create_ctr --preserve-fds 1 "$CTR_ID" 3<"$BUNDLE/config.json" 5> >(cat >/dev/null) 6</dev/null
  local pid fd flags target
  pid=$(minirt state "$CTR_ID" | jq -r .pid)
  [ "$(readlink "/proc/$pid/fd/3")" = "$BUNDLE/config.json" ]
  for fd in $(ls "/proc/$pid/fd"); do
    [ "$fd" -le 3 ] && continue
    target=$(readlink "/proc/$pid/fd/$fd")
    [[ "$target" != pipe:* ]] || fail "fd $fd -> $target: the caller's pipe"
    [ "$target" != /dev/null ] || fail "fd $fd -> /dev/null: one of the caller's (6)"
    # The rest is its own (the start socket): close-on-exec (O_CLOEXEC = 02000000).
    flags=$(awk '/^flags:/ {print $2}' "/proc/$pid/fdinfo/$fd")
    [ $((8#$flags & 8#2000000)) -ne 0 ] || fail "fd $fd -> $target is not close-on-exec"
  done
  minirt start "$CTR_ID"
  [ "$(minirt exec "$CTR_ID" ls /proc/1/fd | tr '\n' ' ')" = "0 1 2 3 " ]
}

@test "fds: --preserve-fds never hands over minirt's own --log file when the caller passed no fd 3" {
  set_args ls -l /proc/self/fd
  local c
  for c in run create; do
    # 3<&-: nothing at fd 3, so the --log file is opened there.
    run --separate-stderr minirt --log "$BUNDLE/minirt.log" "$c" --preserve-fds 1 "$CTR_ID" 3<&-
    [ "$status" -eq 1 ] || fail "$c: status $status: $output"
    [[ "$stderr" == *"--preserve-fds: fd 3: not passed by the caller"* ]] || fail "$c: $stderr"
    [[ "$output" != *minirt.log* ]] || fail "$c: the log reached the container: $output"
    [ ! -e "$STATE_ROOT/$CTR_ID" ]
  done
  # A caller's fd 3 still goes through.
  run --separate-stderr minirt --log "$BUNDLE/minirt.log" run --preserve-fds 1 "$CTR_ID" 3<"$BUNDLE/config.json"
  [ "$status" -eq 0 ] || fail "$stderr"
  [[ "$output" == *"3 -> $BUNDLE/config.json"* ]] || fail "$output"
}

@test "LISTEN_FDS meant for another process (LISTEN_PID not ours, or unset) passes no fd, as runc" {
  set_args sh -c 'echo "[$LISTEN_FDS]"; ls /proc/self/fd | tr "\n" " "'
  # No fd 3 at all: the runtime must not insist on it either.
  LISTEN_FDS=1 LISTEN_PID=1 run --separate-stderr "$MINIRT" --root "$STATE_ROOT" run "$CTR_ID" 3<&-
  [ "$status" -eq 0 ]
  [ "${lines[0]}" = "[]" ]
  [ "${lines[1]}" = "0 1 2 3 " ]
  LISTEN_FDS=1 run --separate-stderr env -u LISTEN_PID "$MINIRT" --root "$STATE_ROOT" run "$CTR_ID" 3</dev/null
  [ "$status" -eq 0 ]
  [ "${lines[0]}" = "[]" ]
  [ "${lines[1]}" = "0 1 2 3 " ]
}

@test "the cwd of the container is inside its root (CVE-2024-21626 class)" {
  set_args sh -c 'readlink /proc/self/cwd; ls -l /proc/1/fd 2>/dev/null | grep -c -- "-> /" || true'
  update_config '.process.cwd = "/tmp"'
  run --separate-stderr minirt run "$CTR_ID"
  [ "$status" -eq 0 ]
  [ "${lines[0]}" = "/tmp" ]
}

@test "the waiting init is a clone of minirt, never a re-executed copy" {
  set_args sleep 100
  create_ctr "$CTR_ID"
  local pid
  pid=$(minirt state "$CTR_ID" | jq -r .pid)
  [ "$(readlink "/proc/$pid/exe")" = "$(readlink -f "$MINIRT")" ]
  ! grep -q memfd "/proc/$pid/maps"
}

@test "--no-new-keyring keeps the caller's session keyring; by default the container joins its own" {
  [ -r /proc/keys ] || skip "no /proc/keys"
  update_config '.linux.maskedPaths |= map(select(. != "/proc/keys"))'
  set_args sh -c "grep -c '_ses\\.$CTR_ID' /proc/keys || true"
  run --separate-stderr minirt run "$CTR_ID"
  [ "$status" -eq 0 ]
  [ "$output" = 1 ]
  # (the first keyring may linger until the kernel collects it: new ID)
  set_args sh -c "grep -c '_ses\\.$CTR_ID-nk' /proc/keys || true"
  run --separate-stderr minirt run --no-new-keyring "$CTR_ID-nk"
  [ "$status" -eq 0 ]
  [ "$output" = 0 ]
}

@test "process.terminal: the pty master goes to --console-socket, the slave is the container's stdio" {
  local recvtty=$REPO_ROOT/build/tests/tools/recvtty
  [ -x "$recvtty" ] || skip "recvtty not built"
  update_config '.process.terminal = true | .process.consoleSize = {"height": 30, "width": 100}'
  set_args sh -c 'tty; stty size'
  "$recvtty" -t 10 "$BUNDLE/console.sock" >"$BUNDLE/tty.out" 2>&1 &
  local rpid=$!
  for _ in $(seq 100); do
    [ -S "$BUNDLE/console.sock" ] && break
    sleep 0.05
  done
  minirt run --detach --console-socket "$BUNDLE/console.sock" "$CTR_ID" </dev/null >/dev/null 2>&1
  wait "$rpid"
  run cat "$BUNDLE/tty.out"
  [[ "${lines[0]}" == "received fd for /dev/pts/"* ]]
  [[ "${lines[1]}" == /dev/pts/* ]]
  [[ "${lines[2]}" == "30 100"* ]]
}

@test "process.terminal without --console-socket: create fails, nothing is left" {
  update_config '.process.terminal = true'
  run minirt create --bundle "$BUNDLE" "$CTR_ID"
  [ "$status" -ne 0 ]
  [[ "$output" == *"process.terminal"*"console-socket"* ]]
  [ ! -e "$STATE_ROOT/$CTR_ID" ]
  run minirt create --bundle "$BUNDLE" --console-socket "$BUNDLE/nobody-listens.sock" "$CTR_ID"
  [ "$status" -ne 0 ]
  [[ "$output" == *"console-socket"* ]]
  [ ! -e "$STATE_ROOT/$CTR_ID" ]
}

@test "--console-socket without process.terminal, or with a foreground run, is refused as by runc" {
  set_args true
  local sock=$BUNDLE/console.sock rt
  # Something listens: the error must come from the check, not the connect.
  python3 -c 'import socket,sys,time; s=socket.socket(socket.AF_UNIX); s.bind(sys.argv[1]); s.listen(); time.sleep(60)' "$sock" >/dev/null 2>&1 3>&- &
  local lpid=$!
  for _ in $(seq 100); do [ -S "$sock" ] && break; sleep 0.05; done
  # Files, not bats' pipes: a container wrongly created would hold them.
  for rt in minirt runc_; do
    update_config '.process.terminal = false'
    "$rt" create --bundle "$BUNDLE" --console-socket "$sock" "$CTR_ID" </dev/null >"$BUNDLE/$rt.out" 2>&1 \
      && fail "$rt create: --console-socket without a terminal accepted"
    update_config '.process.terminal = true'
    "$rt" run --bundle "$BUNDLE" --console-socket "$sock" "$CTR_ID" </dev/null >>"$BUNDLE/$rt.out" 2>&1 \
      && fail "$rt run: --console-socket in the foreground accepted"
  done
  [ "$(grep -c -- "--console-socket" "$BUNDLE/minirt.out")" -eq 2 ] || fail "$(cat "$BUNDLE/minirt.out")"
  [ ! -e "$STATE_ROOT/$CTR_ID" ]
  kill "$lpid"
  wait "$lpid" || true
}

@test "process.cwd through /proc/self/fd/N never lands in a host directory (CVE-2024-21626)" {
  touch "$BUNDLE/HOST-MARKER" "$STATE_ROOT/HOST-MARKER"
  local n
  for n in $(seq 3 12); do
    update_config --arg c "/proc/self/fd/$n" '.process.cwd = $c'
    set_args sh -c 'ls -a; echo "cwd=$(readlink /proc/self/cwd)"'
    run --separate-stderr minirt run "$CTR_ID"
    if [ "$status" -eq 0 ]; then
      [[ "$output" != *HOST-MARKER* ]] || fail "fd $n: host directory reachable: $output"
    else
      [[ "$stderr" == *"process.cwd"* ]] || fail "fd $n: unexpected error: $stderr"
    fi
    [ ! -e "$STATE_ROOT/$CTR_ID" ]
  done
  # Even a host directory handed over on purpose is no valid cwd.
  update_config '.process.cwd = "/proc/self/fd/3"'
  run --separate-stderr minirt run --preserve-fds 1 "$CTR_ID" 3<"$BUNDLE"
  [ "$status" -ne 0 ]
  [[ "$stderr" == *"process.cwd"*"outside the container"* ]]
  [ ! -e "$STATE_ROOT/$CTR_ID" ]
}

@test "--log: the log file's fd does not reach the container" {
  set_args ls -l /proc/self/fd
  run --separate-stderr "$MINIRT" --root "$STATE_ROOT" --log "$BUNDLE/log.json" --log-format json run "$CTR_ID"
  [ "$status" -eq 0 ]
  [[ "$output" != *log.json* ]]
  [[ "$output" != *"$BUNDLE"* ]]
}

@test "state is creating while create is at work (a createRuntime hook sleeps)" {
  cat > "$BUNDLE/slow-hook" <<'HOOK'
#!/bin/sh
sleep 1
HOOK
  chmod 755 "$BUNDLE/slow-hook"
  update_config --arg h "$BUNDLE/slow-hook" '.hooks.createRuntime = [{"path": $h}]'
  set_args sleep 100
  create_ctr "$CTR_ID" &
  local cpid=$!
  local seen=
  for _ in $(seq 100); do
    seen=$(minirt state "$CTR_ID" 2>/dev/null | jq -r .status) || true
    [ "$seen" = creating ] && break
    sleep 0.02
  done
  [ "$seen" = creating ]
  wait "$cpid"
  [ "$(status_of "$CTR_ID")" = created ]
}

@test "a failing createRuntime hook fails create, runs poststop and leaves nothing" {
  update_config --arg m "$BUNDLE/poststop-ran" '.hooks.createRuntime = [{"path": "/bin/false"}]
    | .hooks.poststop = [{"path": "/bin/sh", "args": ["sh", "-c", "cat > \($m)"]}]'
  set_args sleep 100
  run minirt create --bundle "$BUNDLE" "$CTR_ID"
  [ "$status" -ne 0 ]
  [ ! -e "$STATE_ROOT/$CTR_ID" ]
  [ -s "$BUNDLE/poststop-ran" ]
  jq -e --arg id "$CTR_ID" '.id == $id and .status == "stopped"' "$BUNDLE/poststop-ran"
}

@test "create killed with SIGKILL at any point: delete --force leaves no state, cgroup or process" {
  set_args sleep 100
  local d pid
  for d in 0 0.001 0.002 0.004 0.006 0.01 0.02 0.05 0.2; do
    "$MINIRT" --root "$STATE_ROOT" create --bundle "$BUNDLE" "$CTR_ID" </dev/null >/dev/null 2>&1 &
    pid=$!
    sleep "$d"
    kill -9 "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
    local st
    st=$(minirt state "$CTR_ID" 2>/dev/null | jq -r .status) || true
    [ -z "$st" ] || [ "$st" = stopped ] || [ "$st" = created ] || fail "$d: status $st"
    minirt delete --force "$CTR_ID"
    [ ! -e "$STATE_ROOT/$CTR_ID" ] || fail "$d: state dir left"
    [ -z "$(find /sys/fs/cgroup -path "*minirt-test/$CTR_ID" -type d 2>/dev/null)" ] || fail "$d: cgroup left"
    ! pgrep -f -- "--root $STATE_ROOT create" >/dev/null || fail "$d: init left"
  done
}

@test "a paused (frozen) container: state says paused; delete needs --force and then removes it promptly" {
  local freezer=/sys/fs/cgroup/freezer
  [ -d "$freezer" ] || skip "no v1 freezer"
  set_args sleep 100
  create_ctr "$CTR_ID"
  minirt start "$CTR_ID"
  local pid cg
  pid=$(minirt state "$CTR_ID" | jq -r .pid)
  cg=$(awk -F: '$2 == "freezer" {print $3}' "/proc/$pid/cgroup")
  [[ "$cg" == */minirt-test/"$CTR_ID" ]]
  # only the container's own cgroup is touched
  echo FROZEN > "$freezer$cg/freezer.state"
  for _ in $(seq 50); do
    [ "$(cat "$freezer$cg/freezer.state")" = FROZEN ] && break
    sleep 0.05
  done
  [ "$(status_of "$CTR_ID")" = paused ]
  run minirt delete "$CTR_ID"
  [ "$status" -ne 0 ]
  local t0=$SECONDS
  minirt delete --force "$CTR_ID"
  [ $((SECONDS - t0)) -lt 5 ]
  [ ! -e "$STATE_ROOT/$CTR_ID" ]
  [ ! -d "$freezer$cg" ]
  [ ! -e "/proc/$pid" ] || [ "$(awk '{print $3}' "/proc/$pid/stat")" = Z ]
}

@test "foreground run with process.terminal and no console socket uses the caller's tty" {
  command -v script >/dev/null || skip "no script(1)"
  update_config '.process.terminal = true'
  set_args sh -c 'test -t 0 && test -t 1 && echo stdio-is-a-tty'
  run script -qec "$MINIRT --root $STATE_ROOT run $CTR_ID" /dev/null
  [ "$status" -eq 0 ]
  [[ "$output" == *stdio-is-a-tty* ]]
  [ ! -e "$STATE_ROOT/$CTR_ID" ]
}

@test "a state dir without state.json: creating while its lock is held, stopped after; delete --force removes it" {
  mkdir "$STATE_ROOT/$CTR_ID"
  # The state directory is the lock.
  flock "$STATE_ROOT/$CTR_ID" sleep 2 &
  local fpid=$!
  sleep 0.3
  [ "$(status_of "$CTR_ID")" = creating ]
  wait "$fpid"
  [ "$(status_of "$CTR_ID")" = stopped ]
  minirt delete --force "$CTR_ID"
  [ ! -e "$STATE_ROOT/$CTR_ID" ]
}

@test "a connection to exec.sock without the start message does not start or kill the container" {
  command -v python3 >/dev/null || skip "no python3"
  set_args sleep 100
  create_ctr "$CTR_ID"
  python3 -c 'import socket,sys; s=socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET); s.connect(sys.argv[1]); s.close()' \
    "$STATE_ROOT/$CTR_ID/exec.sock"
  sleep 0.2
  [ "$(status_of "$CTR_ID")" = created ]
  minirt start "$CTR_ID"
  [ "$(status_of "$CTR_ID")" = running ]
}
