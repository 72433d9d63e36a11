#!/usr/bin/env bats
# exec: a new process in a running container joins every namespace and the
# cgroup of the init, gets its seccomp filter, capabilities, rlimits, user
# and no_new_privs; flag form and --process JSON; detach, pid file, tty,
# console socket, preserved fds; errors; runc parity on the same bundle.

load helpers
load leak_helpers

setup() {
  setup_bundle
  require_lifecycle
  set_args sleep 1000
}

teardown() {
  [ -n "${RECVTTY_PID:-}" ] && kill "$RECVTTY_PID" 2>/dev/null
  [ -n "${BG_PID:-}" ] && kill -9 "$BG_PID" 2>/dev/null
  teardown_bundle
}

# Start the container (sleep 1000) detached; its init's host pid in $INIT.
start_ctr() {
  run_bg minirt run -d --bundle "$BUNDLE" "$CTR_ID"
  [ "$status" -eq 0 ] || fail "run: $output"
  INIT=$(minirt state "$CTR_ID" | jq -r .pid)
  [ "$INIT" -gt 0 ] || fail "no init pid"
}

# The pids in the container's cgroup (its pids controller, or any).
cgroup_procs() {
  local d
  for d in $(cgroup_dirs_of "minirt-test/$CTR_ID"); do
    case $d in */pids/*) cat "$d/cgroup.procs"; return ;; esac
  done
  d=$(cgroup_dirs_of "minirt-test/$CTR_ID" | head -n1)
  cat "$d/cgroup.procs"
}

# Nothing but the init is left in the container's cgroup.
assert_only_init() {
  local procs
  procs=$(cgroup_procs | tr '\n' ' ')
  [ "$procs" = "$INIT " ] || fail "cgroup holds: $procs (init $INIT)"
}

@test "exec: the process joins every namespace of the init" {
  update_config '.linux.namespaces += [{"type": "cgroup"}, {"type": "time"}]'
  start_ctr
  local ns out
  for ns in pid net ipc uts mnt cgroup time; do
    out=$(minirt exec "$CTR_ID" readlink "/proc/self/ns/$ns")
    [ "$out" = "$(readlink "/proc/$INIT/ns/$ns")" ] || fail "$ns: exec $out, init $(readlink "/proc/$INIT/ns/$ns")"
  done
  # Inside the init's pid namespace: the init is pid 1 there.
  run minirt exec "$CTR_ID" sh -c 'cat /proc/1/cmdline | tr "\0" " "'
  [ "$output" = "sleep 1000 " ] || fail "$output"
  # The container's hostname (uts) and root (mount).
  run minirt exec "$CTR_ID" sh -c 'hostname; test -e /bin/busybox && echo rootfs-ok'
  [ "${lines[0]}" = minirt ] && [ "${lines[1]}" = rootfs-ok ] || fail "$output"
  assert_only_init
}

@test "exec: in a user namespace, as the mapped root" {
  update_config '.linux.namespaces += [{"type": "user"}]
    | .linux.uidMappings = [{"containerID": 0, "hostID": 100000, "size": 65536}]
    | .linux.gidMappings = [{"containerID": 0, "hostID": 100000, "size": 65536}]'
  chmod 755 "$BUNDLE"
  start_ctr
  run minirt exec "$CTR_ID" sh -c 'id -u; readlink /proc/self/ns/user; readlink /proc/self/ns/mnt'
  [ "$status" -eq 0 ] || fail "$output"
  [ "${lines[0]}" = 0 ] || fail "$output"
  [ "${lines[1]}" = "$(readlink "/proc/$INIT/ns/user")" ] || fail "$output"
  [ "${lines[2]}" = "$(readlink "/proc/$INIT/ns/mnt")" ] || fail "$output"
  run_bg minirt exec -d --pid-file "$BUNDLE/exec.pid" "$CTR_ID" sleep 1000
  [ "$status" -eq 0 ] || fail "$output"
  grep -E '^Uid:\s+100000\s+100000' "/proc/$(cat "$BUNDLE/exec.pid")/status"
}

@test "exec: the process is in the container's cgroup, and with --cgroup in a sub-cgroup" {
  start_ctr
  run_bg minirt exec -d --pid-file "$BUNDLE/exec.pid" "$CTR_ID" sleep 1000
  [ "$status" -eq 0 ] || fail "$output"
  local pid
  pid=$(cat "$BUNDLE/exec.pid")
  [ "$(cat "/proc/$pid/cgroup")" = "$(cat "/proc/$INIT/cgroup")" ] ||
    fail "exec: $(cat "/proc/$pid/cgroup") init: $(cat "/proc/$INIT/cgroup")"
  kill -9 "$pid"

  # An existing sub-cgroup in every hierarchy (the v1 ones and the unified one).
  local d
  for d in $(cgroup_dirs_of "minirt-test/$CTR_ID"); do
    mkdir "$d/sub"
    # A v1 cpuset cgroup takes no process before it has cpus and mems.
    if [ -e "$d/cpuset.cpus" ]; then
      cat "$d/cpuset.cpus" > "$d/sub/cpuset.cpus"
      cat "$d/cpuset.mems" > "$d/sub/cpuset.mems"
    fi
  done
  run_bg minirt exec -d --cgroup sub --pid-file "$BUNDLE/exec.pid" "$CTR_ID" sleep 1000
  [ "$status" -eq 0 ] || fail "$output"
  pid=$(cat "$BUNDLE/exec.pid")
  run grep -c "minirt-test/$CTR_ID/sub\$" "/proc/$pid/cgroup"
  [ "$output" -eq "$(wc -l < "/proc/$pid/cgroup")" ] || fail "$(cat "/proc/$pid/cgroup")"
  kill -9 "$pid"

  # One controller only (v1): the others stay in the container's cgroup.
  if [ -d /sys/fs/cgroup/pids ] && ! [ -e /sys/fs/cgroup/cgroup.controllers ]; then
    run_bg minirt exec -d --cgroup pids:sub --pid-file "$BUNDLE/exec.pid" "$CTR_ID" sleep 1000
    [ "$status" -eq 0 ] || fail "$output"
    pid=$(cat "$BUNDLE/exec.pid")
    grep -q ":pids:.*/minirt-test/$CTR_ID/sub\$" "/proc/$pid/cgroup" || fail "$(cat "/proc/$pid/cgroup")"
    grep -q ":memory:.*/minirt-test/$CTR_ID\$" "/proc/$pid/cgroup" || fail "$(cat "/proc/$pid/cgroup")"
    kill -9 "$pid"
  fi

  run minirt exec --cgroup nosuchsub "$CTR_ID" true
  [ "$status" -ne 0 ]
  [[ "$output" == *"--cgroup"*nosuchsub* ]] || fail "$output"
  run minirt exec --cgroup ../escape "$CTR_ID" true
  [ "$status" -ne 0 ]
  [[ "$output" == *"--cgroup"* ]] || fail "$output"
  minirt delete --force "$CTR_ID"
  assert_no_leftovers "$CTR_ID"
}

@test "exec: capabilities, no_new_privs and the seccomp filter of the container" {
  update_config '.linux.seccomp = {"defaultAction": "SCMP_ACT_ALLOW",
      "syscalls": [{"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_ERRNO"}]}'
  start_ctr
  run minirt exec "$CTR_ID" grep -E '^(CapEff|CapBnd|CapPrm|NoNewPrivs|Seccomp|Seccomp_filters):' /proc/self/status
  [ "$status" -eq 0 ] || fail "$output"
  local expected
  expected=$(grep -E '^(CapEff|CapBnd|CapPrm|NoNewPrivs|Seccomp|Seccomp_filters):' "/proc/$INIT/status")
  [ "$output" = "$expected" ] || fail "exec:
$output
init:
$expected"
  [[ "$output" == *"Seccomp:"*2* ]] || fail "$output"
  [[ "$output" == *"NoNewPrivs:"*1* ]] || fail "$output"
  run minirt exec "$CTR_ID" mkdir /dev/shm/x
  [ "$status" -ne 0 ]
  [[ "$output" == *"Operation not permitted"* ]] || fail "$output"
  # --cap adds to the bounding, effective and permitted sets (runc).
  run minirt exec --cap CAP_SYS_ADMIN "$CTR_ID" grep -E '^Cap(Eff|Bnd):' /proc/self/status
  [[ "${lines[0]}" == *0000000020200420 ]] && [[ "${lines[1]}" == *0000000020200420 ]] || fail "$output"
  # --no-new-privs on a container without it.
  update_config '.process.noNewPrivileges = false | del(.linux.seccomp)'
  minirt delete --force "$CTR_ID"
  start_ctr
  run minirt exec "$CTR_ID" grep NoNewPrivs /proc/self/status
  [[ "$output" == *0 ]] || fail "$output"
  run minirt exec --no-new-privs "$CTR_ID" grep NoNewPrivs /proc/self/status
  [[ "$output" == *1 ]] || fail "$output"
}

@test "exec: rlimits of the container, and of --process" {
  start_ctr
  run minirt exec "$CTR_ID" sh -c 'ulimit -n; ulimit -Hn'
  [ "${lines[0]}" = 1024 ] && [ "${lines[1]}" = 1024 ] || fail "$output"
  jq -n '{args: ["sh", "-c", "ulimit -n"], cwd: "/", env: ["PATH=/bin"],
          rlimits: [{type: "RLIMIT_NOFILE", hard: 512, soft: 256}]}' > "$BUNDLE/process.json"
  run minirt exec --process "$BUNDLE/process.json" "$CTR_ID"
  [ "$output" = 256 ] || fail "$output"
}

@test "exec: --user, --additional-gids, --cwd, --env; HOME from the container's passwd" {
  start_ctr
  run minirt exec --user 1000:1000 --additional-gids 10 --additional-gids 20 --cwd /tmp \
    --env FOO=bar --env TERM=dumb "$CTR_ID" sh -c 'id -u; id -g; id -G; pwd; echo "$FOO $TERM $HOME"; umask'
  [ "$status" -eq 0 ] || fail "$output"
  [ "${lines[0]}" = 1000 ] && [ "${lines[1]}" = 1000 ] || fail "$output"
  [ "${lines[2]}" = "1000 10 20" ] || fail "groups: $output"
  [ "${lines[3]}" = /tmp ] || fail "$output"
  [ "${lines[4]}" = "bar dumb /" ] || fail "$output"
  [ "${lines[5]}" = 0022 ] || fail "$output"
  # Only the uid: the gid stays the container's.
  run minirt exec --user 1000 "$CTR_ID" sh -c 'id -u; id -g'
  [ "${lines[0]}" = 1000 ] && [ "${lines[1]}" = 0 ] || fail "$output"
  run minirt exec "$CTR_ID" sh -c 'echo $HOME'
  [ "$output" = /root ] || fail "$output"
  run minirt exec --user nobody "$CTR_ID" true
  [ "$status" -ne 0 ]
  [[ "$output" == *"--user"* ]] || fail "$output"
  run minirt exec --cwd relative "$CTR_ID" true
  [ "$status" -ne 0 ]
  [[ "$output" == *"--cwd"* ]] || fail "$output"
  run minirt exec --cwd /nonexistent "$CTR_ID" true
  [ "$status" -ne 0 ]
  [[ "$output" == *"process.cwd"*nonexistent* ]] || fail "$output"
  assert_only_init
}

@test "exec: stdio pipes go to the user (as runc's), the caller's files stay the caller's" {
  start_ctr
  run minirt exec --user 1000:1000 "$CTR_ID" sh -c 'stat -L -c %u /proc/$$/fd/1; echo reopened > /dev/stdout'
  [ "${lines[0]}" = 1000 ] && [ "${lines[1]}" = reopened ] || fail "$output"
  minirt exec --user 1000:1000 "$CTR_ID" true > "$BUNDLE/out.txt"
  [ "$(stat -c %u "$BUNDLE/out.txt")" = 0 ]
}

@test "exec: the exit status comes back, 128+signal when killed" {
  start_ctr
  run minirt exec "$CTR_ID" sh -c 'exit 7'
  [ "$status" -eq 7 ]
  run minirt exec "$CTR_ID" sh -c 'kill -9 $$'
  [ "$status" -eq 137 ]
  run minirt exec "$CTR_ID" true
  [ "$status" -eq 0 ]
  run minirt exec "$CTR_ID" nosuchcommand
  [ "$status" -ne 0 ]
  [[ "$output" == *'"nosuchcommand": executable file not found in $PATH'* ]] || fail "$output"
  assert_only_init
}

@test "exec: the foreground runtime forwards signals to the process" {
  start_ctr
  # minirt itself in the background (not a subshell running the function).
  "$MINIRT" --root "$STATE_ROOT" exec "$CTR_ID" sh -c 'trap "echo got-term; exit 3" TERM; touch /dev/shm/ready; sleep 1000 & wait' \
    > "$BUNDLE/fg.out" 2>&1 &
  BG_PID=$!
  local i
  for i in $(seq 100); do
    minirt exec "$CTR_ID" test -e /dev/shm/ready && break
    sleep 0.1
  done
  kill -TERM "$BG_PID"
  local rc=0
  wait "$BG_PID" || rc=$?
  BG_PID=
  [ "$rc" -eq 3 ] || fail "status $rc: $(cat "$BUNDLE/fg.out")"
  grep -q got-term "$BUNDLE/fg.out"
}

@test "exec: --detach returns at once; --pid-file holds the process's host pid" {
  start_ctr
  run_bg minirt exec -d --pid-file exec.pid "$CTR_ID" sleep 999
  [ "$status" -eq 0 ] || fail "$output"
  local pid
  pid=$(cat "$BUNDLE/exec.pid")
  [ "$(tr '\0' ' ' < "/proc/$pid/cmdline")" = "sleep 999 " ]
  [ "$(readlink "/proc/$pid/ns/pid")" = "$(readlink "/proc/$INIT/ns/pid")" ]
  # No temporary file next to the pid file.
  [ "$(ls "$BUNDLE" | grep -c exec.pid)" -eq 1 ]
  minirt delete --force "$CTR_ID"
  assert_no_leftovers "$CTR_ID" "$pid"
}

@test "exec: a container created with --no-new-keyring: the process joins no new session keyring either (runc)" {
  [ -r /proc/keys ] || skip "no /proc/keys"
  update_config '.linux.maskedPaths |= map(select(. != "/proc/keys"))'
  run_bg minirt run -d --no-new-keyring --bundle "$BUNDLE" "$CTR_ID-nk"
  [ "$status" -eq 0 ] || fail "run: $output"
  run --separate-stderr minirt exec "$CTR_ID-nk" sh -c "grep -c '_ses\\.$CTR_ID-nk' /proc/keys || true"
  [ "$status" -eq 0 ] || fail "$stderr"
  [ "$output" = 0 ]
  # By default the process is in the container's keyring, as the init.
  start_ctr
  run --separate-stderr minirt exec "$CTR_ID" sh -c "grep -c '_ses\\.$CTR_ID' /proc/keys || true"
  [ "$status" -eq 0 ] || fail "$stderr"
  [ "$output" -ge 1 ]
}

@test "exec: --process JSON (as containerd and conmon send it)" {
  start_ctr
  jq -n '{terminal: false, user: {uid: 1000, gid: 100, additionalGids: [5]}, args: ["sh", "-c", "id -u; id -g; id -G; pwd; echo $A; grep -E \"^(CapEff|NoNewPrivs)\" /proc/self/status"],
          env: ["PATH=/bin:/usr/bin", "A=from-json"], cwd: "/dev",
          capabilities: {bounding: ["CAP_KILL"], effective: ["CAP_KILL"], permitted: ["CAP_KILL"]},
          noNewPrivileges: true}' > "$BUNDLE/process.json"
  run minirt exec --process "$BUNDLE/process.json" "$CTR_ID"
  [ "$status" -eq 0 ] || fail "$output"
  [ "${lines[0]}" = 1000 ] && [ "${lines[1]}" = 100 ] && [ "${lines[2]}" = "100 5" ] || fail "$output"
  [ "${lines[3]}" = /dev ] && [ "${lines[4]}" = from-json ] || fail "$output"
  [[ "${lines[5]}" == *0000000000000000 ]] || fail "non-root without ambient: $output"
  [[ "${lines[6]}" == *1 ]] || fail "$output"
  # Without capabilities the process gets the container's.
  jq -n '{args: ["grep", "CapBnd", "/proc/self/status"], cwd: "/"}' > "$BUNDLE/process.json"
  run minirt exec -p "$BUNDLE/process.json" "$CTR_ID"
  [[ "$output" == *0000000020000420 ]] || fail "$output"
}

@test "exec: a bad process JSON is an error naming the field, and leaves nothing" {
  start_ctr
  echo '{"args": "sh", "cwd": "/"}' > "$BUNDLE/process.json"
  run minirt exec --process "$BUNDLE/process.json" "$CTR_ID"
  [ "$status" -ne 0 ]
  [[ "$output" == *process.json*args* ]] || fail "$output"
  echo '{"args": ["true"], "cwd": "relative"}' > "$BUNDLE/process.json"
  run minirt exec --process "$BUNDLE/process.json" "$CTR_ID"
  [ "$status" -ne 0 ]
  [[ "$output" == *cwd* ]] || fail "$output"
  echo '{"args": ["true"], "cwd": "/", "rlimits": [{"type": "RLIMIT_BOGUS", "hard": 1, "soft": 1}]}' > "$BUNDLE/process.json"
  run minirt exec --process "$BUNDLE/process.json" "$CTR_ID"
  [ "$status" -ne 0 ]
  [[ "$output" == *rlimits*RLIMIT_BOGUS* ]] || fail "$output"
  run minirt exec --process "$BUNDLE/missing.json" "$CTR_ID"
  [ "$status" -ne 0 ]
  [[ "$output" == *"--process"*missing.json* ]] || fail "$output"
  assert_only_init
}

@test "exec: a failed exec exits 255 as runc's, never a status the process could have exited with" {
  start_ctr
  run minirt exec "$CTR_ID" nosuch-binary
  [ "$status" -eq 255 ] || fail "$status: $output"
  [[ "$output" == *"nosuch-binary"* ]] || fail "$output"
  run minirt exec "nosuch-$CTR_ID" true
  [ "$status" -eq 255 ]
  run_bg runc_ run -d --bundle "$BUNDLE" "r$CTR_ID"
  [ "$status" -eq 0 ] || fail "$output"
  run runc_ exec "r$CTR_ID" nosuch-binary
  [ "$status" -eq 255 ]
  # A process that ran keeps its own status; flag errors stay usage errors (1).
  run minirt exec "$CTR_ID" sh -c 'exit 7'
  [ "$status" -eq 7 ]
  run minirt exec --no-such-flag "$CTR_ID" true
  [ "$status" -eq 1 ]
}

@test "exec: a stopped or unknown container is a clear error" {
  set_args true
  run_bg minirt run -d --bundle "$BUNDLE" "$CTR_ID"
  [ "$status" -eq 0 ] || fail "$output"
  local i
  for i in $(seq 100); do
    [ "$(minirt state "$CTR_ID" | jq -r .status)" = stopped ] && break
    sleep 0.1
  done
  run minirt exec "$CTR_ID" true
  [ "$status" -ne 0 ]
  [[ "$output" == *"stopped container"* ]] || fail "$output"
  run minirt exec "nosuch-$CTR_ID" true
  [ "$status" -ne 0 ]
  [[ "$output" == *"nosuch-$CTR_ID"* ]] || fail "$output"
  run minirt exec "$CTR_ID"
  [ "$status" -ne 0 ]
}

@test "exec: a paused container is refused unless --ignore-paused" {
  start_ctr
  minirt pause "$CTR_ID"
  [ "$(minirt state "$CTR_ID" | jq -r .status)" = paused ]
  run minirt exec "$CTR_ID" true
  [ "$status" -ne 0 ]
  [[ "$output" == *"paused"*"--ignore-paused"* ]] || fail "$output"
  # With --ignore-paused the process joins the frozen cgroup and runs once
  # the container is resumed (exec holds no lock that resume needs).
  "$MINIRT" --root "$STATE_ROOT" exec --ignore-paused "$CTR_ID" sh -c 'echo ran' > "$BUNDLE/ip.out" 2>&1 &
  BG_PID=$!
  local i
  for i in $(seq 100); do
    [ "$(cgroup_procs | wc -l)" -ge 2 ] && break
    sleep 0.1
  done
  minirt resume "$CTR_ID"
  local rc=0
  wait "$BG_PID" || rc=$?
  BG_PID=
  [ "$rc" -eq 0 ] || fail "status $rc: $(cat "$BUNDLE/ip.out")"
  [ "$(cat "$BUNDLE/ip.out")" = ran ]
}

@test "exec: no runtime fd reaches the process; --preserve-fds passes 3..3+N-1" {
  start_ctr
  # ls itself (no shell in between) lists its fds: stdio and the one it
  # reads the directory with.
  run minirt exec "$CTR_ID" ls /proc/self/fd
  [ "$(echo $output)" = "0 1 2 3" ] || fail "fds: $output"
  echo preserved-content > "$BUNDLE/fd3"
  echo other > "$BUNDLE/fd4"
  run minirt exec --preserve-fds 1 "$CTR_ID" ls /proc/self/fd 3< "$BUNDLE/fd3" 4< "$BUNDLE/fd4"
  [ "$(echo $output)" = "0 1 2 3 4" ] || fail "fds: $output"
  run minirt exec --preserve-fds 1 "$CTR_ID" cat /proc/self/fd/3 3< "$BUNDLE/fd3" 4< "$BUNDLE/fd4"
  [ "$output" = preserved-content ] || fail "$output"
  run minirt exec --preserve-fds 3 "$CTR_ID" true 3< "$BUNDLE/fd3"
  [ "$status" -ne 0 ]
  [[ "$output" == *"--preserve-fds"* ]] || fail "$output"
}

@test "exec: --preserve-fds never hands over minirt's own --log file when the caller passed no fd 3" {
  start_ctr
  # 3<&-: nothing at fd 3, so the --log file is opened there.
  run minirt --log "$BUNDLE/exec.log" exec --preserve-fds 1 "$CTR_ID" ls -l /proc/self/fd 3<&-
  [ "$status" -eq 255 ] || fail "status $status: $output"
  [[ "$output" == *"--preserve-fds: fd 3: not passed by the caller"* ]] || fail "$output"
  [[ "$output" != *exec.log* ]] || fail "the log reached the process: $output"
}

@test "exec: the cwd cannot be a host directory (CVE-2024-21626 class)" {
  start_ctr
  run minirt exec --preserve-fds 1 --cwd /proc/self/fd/3 "$CTR_ID" pwd 3< /
  [ "$status" -ne 0 ] || fail "cwd escaped: $output"
  [[ "$output" == *"process.cwd"* ]] || fail "$output"
  run minirt exec "$CTR_ID" sh -c 'readlink /proc/$$/cwd; readlink /proc/$$/root'
  [ "${lines[0]}" = / ] && [ "${lines[1]}" = / ] || fail "$output"
  assert_only_init
}

@test "exec: --tty with --console-socket sends the pty master; the slave belongs to the user" {
  [ -x "$RECVTTY" ] || skip "recvtty not built"
  start_ctr
  local sock=$BUNDLE/console.sock
  "$RECVTTY" -t 15 "$sock" > "$BUNDLE/tty.out" 2> "$BUNDLE/recvtty.err" &
  RECVTTY_PID=$!
  wait_for_file "$sock" 5 || fail "recvtty did not listen"
  run_bg minirt exec -d -t --user 1000:1000 --console-socket "$sock" "$CTR_ID" \
    sh -c 'tty; stat -c %u "$(tty)"; for fd in 0 1 2; do readlink /proc/$$/fd/$fd; done'
  [ "$status" -eq 0 ] || fail "$output"
  local rc=0
  wait "$RECVTTY_PID" || rc=$?
  RECVTTY_PID=
  [ "$rc" -eq 0 ] || fail "recvtty: $(cat "$BUNDLE/recvtty.err")"
  run tr -d '\r' < "$BUNDLE/tty.out"
  [[ "${lines[0]}" =~ ^received\ fd\ for\ (/dev/pts/[0-9]+)$ ]] || fail "$output"
  local name=${BASH_REMATCH[1]}
  [ "${lines[1]}" = "$name" ] && [ "${lines[2]}" = 1000 ] || fail "$output"
  [ "${lines[3]}" = "$name" ] && [ "${lines[4]}" = "$name" ] && [ "${lines[5]}" = "$name" ] || fail "$output"
  # runc's rules: a console socket needs --detach and a terminal.
  run minirt exec --console-socket "$sock" "$CTR_ID" true
  [ "$status" -ne 0 ]
  [[ "$output" == *"--console-socket"* ]] || fail "$output"
  run minirt exec -d -t "$CTR_ID" true
  [ "$status" -ne 0 ]
  [[ "$output" == *tty* ]] || fail "$output"
  assert_only_init
}

@test "exec: --tty in the foreground: minirt proxies between its stdio and the pty" {
  start_ctr
  run minirt exec -t "$CTR_ID" sh -c 'tty; test -t 0 && test -t 1 && echo stdio-is-a-tty; exit 5' < /dev/null
  [ "$status" -eq 5 ] || fail "status $status: $output"
  [[ "${lines[0]}" =~ ^/dev/pts/[0-9]+ ]] || fail "$output"
  [[ "$output" == *stdio-is-a-tty* ]] || fail "$output"
  # Input reaches the process through the pty.
  run minirt exec -t "$CTR_ID" sh -c 'read line; echo "got:$line"' <<< typed-in
  [[ "$output" == *got:typed-in* ]] || fail "$output"
}

@test "exec: under script(1) the caller's terminal size reaches the pty" {
  command -v script >/dev/null || skip "no script(1)"
  start_ctr
  run script -qec "stty rows 33 cols 77; $MINIRT --root $STATE_ROOT exec -t $CTR_ID stty size" /dev/null < /dev/null
  [ "$status" -eq 0 ] || fail "$output"
  [[ "$output" == *"33 77"* ]] || fail "$output"
}

@test "exec: the caller's terminal is raw while minirt proxies, and restored after" {
  command -v script >/dev/null || skip "no script(1)"
  start_ctr
  # The caller's terminal reaches the process as fd 3, so it can look at
  # its modes while minirt is in the middle of proxying.
  run script -qec "$MINIRT --root $STATE_ROOT exec -t --preserve-fds 1 $CTR_ID sh -c 'stty -a <&3 | grep -o -- \"-\\?icanon\"' 3<&0; stty -a | grep -o -- '-\\?icanon'" /dev/null < /dev/null
  [ "$status" -eq 0 ] || fail "$output"
  # (busybox's stty -a also complains about the line discipline ioctl)
  [ "$(tr -d '\r' <<< "$output" | grep -o -- '-\?icanon$')" = $'-icanon\nicanon' ] || fail "$output"
}

@test "exec: SIGWINCH on the caller's terminal resizes the pty" {
  command -v script >/dev/null || skip "no script(1)"
  start_ctr
  # The process resizes the caller's terminal (its fd 3); the kernel sends
  # SIGWINCH to minirt, which passes the new size on to the pty.  The
  # process polls (bounded) for the size to arrive.
  local cmd='stty size; stty rows 40 cols 90 <&3; i=0; while [ "$(stty size)" != "40 90" ] && [ $i -lt 200 ]; do sleep 0.05; i=$((i+1)); done; stty size'
  run script -qec "stty rows 20 cols 60; $MINIRT --root $STATE_ROOT exec -t --preserve-fds 1 $CTR_ID sh -c '$cmd' 3<&0" /dev/null < /dev/null
  [ "$status" -eq 0 ] || fail "$output"
  [ "$(tr -d '\r\0^@' <<< "$output")" = $'20 60\n40 90' ] || fail "$output"
}

@test "foreground run with process.terminal and no console socket proxies a pty; the slave belongs to the user" {
  update_config '.process.terminal = true | .process.user = {"uid": 1000, "gid": 1000}'
  set_args sh -c 'tty; stat -c %u "$(tty)"; test -t 0 && echo stdin-is-a-tty; exit 4'
  run minirt run "$CTR_ID" < /dev/null
  [ "$status" -eq 4 ] || fail "status $status: $output"
  [[ "${lines[0]}" =~ ^/dev/pts/[0-9]+ ]] || fail "$output"
  [ "$(tr -d '\r' <<< "${lines[1]}")" = 1000 ] || fail "$output"
  [[ "$output" == *stdin-is-a-tty* ]] || fail "$output"
  assert_no_leftovers "$CTR_ID"
}

@test "exec: the same observations as runc on the same bundle" {
  command -v runc >/dev/null || skip "no runc"
  update_config '.linux.seccomp = {"defaultAction": "SCMP_ACT_ALLOW",
      "syscalls": [{"names": ["mkdirat"], "action": "SCMP_ACT_ERRNO"}]}'
  start_ctr
  local args=(--user 1000:1000 --additional-gids 10 --cap CAP_NET_RAW --env FOO=bar --env TERM=dumb --cwd /tmp)
  local script='id; pwd; env | sort; grep -E "^(Cap|NoNewPrivs|Seccomp)" /proc/self/status; echo nofile=$(ulimit -n); umask; mkdir /tmp/x 2>&1; readlink /proc/self/ns/pid | cut -c1-4'
  local m r
  m=$(minirt exec "${args[@]}" "$CTR_ID" sh -c "$script" 2>&1)
  run minirt exec "$CTR_ID" sh -c 'exit 9'
  local m_rc=$status

  # --process as containerd sends it (no capabilities: the container's).
  jq -n --arg s "$script" '{args: ["sh", "-c", $s], cwd: "/dev", env: ["PATH=/bin", "A=1"],
      user: {uid: 100, gid: 101, additionalGids: [7]}, noNewPrivileges: true,
      rlimits: [{type: "RLIMIT_NOFILE", hard: 300, soft: 200}]}' > "$BUNDLE/process.json"
  local mp rp
  mp=$(minirt exec --process "$BUNDLE/process.json" "$CTR_ID" 2>&1)

  update_config ".linux.cgroupsPath = \"minirt-test/$CTR_ID-runc\""
  runc_ run -d --bundle "$BUNDLE" "$CTR_ID-runc" < /dev/null > /dev/null 2>&1 || fail "runc run failed"
  r=$(runc_ exec "${args[@]}" "$CTR_ID-runc" sh -c "$script" 2>&1)
  rp=$(runc_ exec --process "$BUNDLE/process.json" "$CTR_ID-runc" 2>&1)
  run runc_ exec "$CTR_ID-runc" sh -c 'exit 9'
  local r_rc=$status
  runc_ delete --force "$CTR_ID-runc" > /dev/null 2>&1 || true
  [ "$m" = "$r" ] || fail "minirt:
$m
runc:
$r"
  # The process's own rlimit (soft 200, hard 300) applies as written.  runc
  # 1.1.5 is not a reference for it: its exec gives soft 200 or 300 from one
  # run to the next (measured: alternating over 8 runs), so that line is
  # checked against the spec, the rest against runc.
  [[ "$mp" == *$'\nnofile=200\n'* ]] || fail "--process: RLIMIT_NOFILE soft 200 expected: $mp"
  [ "$(grep -v '^nofile=' <<< "$mp")" = "$(grep -v '^nofile=' <<< "$rp")" ] || fail "--process: minirt:
$mp
runc:
$rp"
  [ "$m_rc" -eq 9 ] && [ "$r_rc" -eq 9 ]
}

@test "exec: nothing is left behind after exec processes and delete" {
  start_ctr
  run_bg minirt exec -d "$CTR_ID" sleep 1000
  run minirt exec "$CTR_ID" true
  run minirt exec "$CTR_ID" false
  run minirt exec --cwd /nope "$CTR_ID" true
  [ "$(cgroup_procs | wc -l)" -eq 2 ] || fail "$(cgroup_procs)"
  minirt delete --force "$CTR_ID"
  assert_no_leftovers "$CTR_ID" "$INIT"
}

@test "exec: with listenerPath the process's own notify fd goes to the agent, with the state" {
  local agent=${AGENT:-$REPO_ROOT/build/contrib/minirt-seccomp-agent}
  [ -x "$agent" ] || skip "seccomp agent not built"
  mkdir -p "$BUNDLE/agent"
  "$agent" --socket "$BUNDLE/agent/agent.sock" --report-dir "$BUNDLE/agent" > "$BUNDLE/agent/stdout" 2> "$BUNDLE/agent/stderr" &
  BG_PID=$!
  wait_for_file "$BUNDLE/agent/agent.sock" 5 || fail "agent: $(cat "$BUNDLE/agent/stderr")"
  update_config --slurpfile p "$REPO_ROOT/specs/seccomp/notify-chroot-swapoff.json" \
    --arg s "$BUNDLE/agent/agent.sock" '.linux.seccomp = ($p[0] | .listenerPath = $s)'
  start_ctr
  # EPERM is the agent's answer: a notified syscall nobody answers fails
  # with ENOSYS instead.
  run minirt exec "$CTR_ID" chroot /tmp true
  [ "$status" -ne 0 ]
  [[ "$output" == *"Operation not permitted"* ]] || fail "$output"
  run minirt exec "$CTR_ID" grep -E '^Seccomp' /proc/self/status
  [ "$output" = $'Seccomp:\t2\nSeccomp_filters:\t1' ] || fail "$output"
  run minirt delete --force "$CTR_ID"
  assert_no_leftovers "$CTR_ID"
}

@test "exec: with the seccomp report annotation the process's violations join the container's report" {
  update_config --slurpfile p "$REPO_ROOT/specs/seccomp/report-allowlist.json" '.linux.seccomp = $p[0]
    | .annotations["run.oci.minirt.seccomp-report"] = "log"'
  start_ctr
  run minirt exec "$CTR_ID" chroot /tmp true
  [ "$status" -ne 0 ]
  [[ "$output" == *"Operation not permitted"* ]] || fail "$output"
  local i report=
  for i in $(seq 300); do
    report=$(minirt state "$CTR_ID" | jq -r '.annotations["run.oci.minirt.seccomp-report.result"] // empty')
    [ -n "$report" ] && break
    sleep 0.1
  done
  [[ "$report" == *"chroot (1x)"* ]] || fail "report: $report"
}

@test "exec: the process comes from the config kept at create, not from the bundle now" {
  update_config '.process.env += ["FROM=create"]'
  start_ctr
  update_config '.process.env += ["LATER=1"] | .process.cwd = "/nonexistent"'
  run minirt exec "$CTR_ID" sh -c 'echo "$FROM ${LATER:-unset}"; pwd'
  [ "$status" -eq 0 ] || fail "$output"
  [ "${lines[0]}" = "create unset" ] && [ "${lines[1]}" = / ] || fail "$output"
  rm "$BUNDLE/config.json"
  run minirt exec "$CTR_ID" true
  [ "$status" -eq 0 ] || fail "$output"
}

# runc's side of a comparison under script(1).  Under load runc 1.1.5's
# container sometimes prints "stty: standard input: No child processes"
# (seen in 3 of ~6 runs on a busy machine; minirt's output was right each
# time): such a run of the reference is taken again, up to 3 times.
runc_under_script() {
  local out i
  for i in 1 2 3; do
    out=$(script -qec "$1" /dev/null < /dev/null | tr -d '\r\0^@')
    [[ "$out" == *"stty: standard input"* ]] || break
  done
  printf '%s\n' "$out"
}

@test "exec -t and a foreground run with process.terminal: the same as runc under script(1)" {
  command -v runc >/dev/null || skip "no runc"
  command -v script >/dev/null || skip "no script(1)"
  update_config '.process.terminal = true | .process.user = {"uid": 1000, "gid": 1000}'
  set_args sh -c 'tty; id; stat -c "%u %g %a" $(tty); stty size; exit 3'
  # script(1) echoes a NUL of its own somewhere in the output: dropped.
  local m r
  m=$(script -qec "stty rows 20 cols 60; $MINIRT --root $STATE_ROOT run $CTR_ID; echo status=\$?" /dev/null < /dev/null | tr -d '\r\0^@')
  r=$(runc_under_script "stty rows 20 cols 60; runc --root $RUNC_ROOT run $CTR_ID-runc; echo status=\$?")
  [ "$m" = "$r" ] || fail "run: minirt:
$m
runc:
$r"
  [[ "$m" == *"1000 5 620"*"20 60"*status=3* ]] || fail "$m"

  set_args sleep 1000
  update_config '.process.terminal = false'
  start_ctr
  update_config ".linux.cgroupsPath = \"minirt-test/$CTR_ID-runc\""
  runc_ run -d --bundle "$BUNDLE" "$CTR_ID-runc" < /dev/null > /dev/null 2>&1 || fail "runc run failed"
  local cmd='tty; id; stat -c "%u %g %a" $(tty); stty size; exit 4'
  m=$(script -qec "stty rows 21 cols 61; $MINIRT --root $STATE_ROOT exec -t --user 1000 $CTR_ID sh -c '$cmd'; echo status=\$?" /dev/null < /dev/null | tr -d '\r\0^@')
  r=$(runc_under_script "stty rows 21 cols 61; runc --root $RUNC_ROOT exec -t --user 1000 $CTR_ID-runc sh -c '$cmd'; echo status=\$?")
  runc_ delete --force "$CTR_ID-runc" > /dev/null 2>&1 || true
  [ "$m" = "$r" ] || fail "exec: minirt:
$m
runc:
$r"
  [[ "$m" == *"21 61"*status=4* ]] || fail "$m"
}
