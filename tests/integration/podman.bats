#!/usr/bin/env bats
# minirt as podman's OCI runtime (through conmon), registered by
# contrib/podman/containers.conf: every scenario runs once with runc and once
# with minirt, and what the podman user sees must be the same.
#
# Everything is private to this file: a temp dir holding the containers.conf
# (CONTAINERS_CONF), podman's storage (vfs), run and tmp dirs, and an image
# imported from a busybox-static rootfs tarball (no registry).  Containers
# get no network and are nested under our own cgroup: --cgroups=no-conmon
# with a relative --cgroup-parent (with podman's default, conmon would make
# /<parent>/conmon at the root of every hierarchy).  podman asks for
# RLIMIT_NOFILE/NPROC above this machine's hard limits, hence the --ulimits.
# The runtimes keep their state in their default roots (/run/minirt,
# /run/runc): podman does not hand a --runtime-flag to the cleanup process
# conmon starts, and podman's 64-hex container ids do not collide.

load helpers
load leak_helpers

bats_require_minimum_version 1.5.0

IMAGE=localhost/minirt-busybox:podman-test

setup_file() {
  command -v podman >/dev/null && command -v conmon >/dev/null ||
    skip "podman and conmon are not installed (tests/run-all.sh installs them)"
  # A minirt-test.* name: zz-leaks-final.bats reports it if it survives.
  PTMP=$(mktemp -d "$TEST_TMP_BASE/minirt-test.podman.XXXXXX")
  export PTMP
  # Relative: nested under our own cgroup in every hierarchy.
  export PCGROUP="minirt-test/podman-$$"
  mkdir -p "$PTMP/tmp"
  # As commands, for script(1) too.
  cat >"$PTMP/pm" <<EOF
#!/bin/sh
rt=\$1
shift
export CONTAINERS_CONF="$PTMP/containers.conf"
exec podman --root "$PTMP/storage" --runroot "$PTMP/run" --tmpdir "$PTMP/tmp" --storage-driver vfs \\
  --cgroup-manager cgroupfs --events-backend file --network-config-dir "$PTMP/networks" --runtime "\$rt" "\$@"
EOF
  cat >"$PTMP/prun" <<EOF
#!/bin/sh
rt=\$1
shift
exec "$PTMP/pm" "\$rt" run --pull never --network none --cgroups=no-conmon --cgroup-parent "$PCGROUP" \\
  --ulimit nofile=1024:1024 --ulimit nproc=1024:1024 "\$@"
EOF
  chmod 755 "$PTMP/pm" "$PTMP/prun"
  sed "s#^minirt = .*#minirt = [\"$MINIRT\"]#" "$REPO_ROOT/contrib/podman/containers.conf" > "$PTMP/containers.conf"
  grep -qF "minirt = [\"$MINIRT\"]" "$PTMP/containers.conf" || fail "contrib/podman/containers.conf has no minirt entry"
  "$REPO_ROOT/specs/make-bundle.sh" "$PTMP/image" >/dev/null
  tar -C "$PTMP/image/rootfs" -cf "$PTMP/rootfs.tar" .
  pm runc import "$PTMP/rootfs.tar" "$IMAGE" >/dev/null 2>"$PTMP/import.err" ||
    fail "podman import: $(cat "$PTMP/import.err")"
}

teardown_file() {
  [ -n "${PTMP:-}" ] && [ -d "$PTMP" ] || return 0
  local f pid id d
  pm runc rm --all --force --time 0 >/dev/null 2>&1
  pm runc rmi --all --force >/dev/null 2>&1
  # What podman could not remove: conmons (by their pid files) and the
  # runtimes' states of our containers (our ids only).
  for f in "$PTMP"/run/vfs-containers/*/userdata/conmon.pid; do
    [ -f "$f" ] || continue
    pid=$(cat "$f")
    grep -qF "$PTMP" "/proc/$pid/cmdline" 2>/dev/null && kill -KILL "$pid"
  done
  for d in "$PTMP"/storage/vfs-containers/*/; do
    [ -d "$d" ] || continue
    id=$(basename "$d")
    "$MINIRT" delete --force "$id" >/dev/null 2>&1
    runc delete --force "$id" >/dev/null 2>&1
  done
  grep -F " $PTMP" /proc/self/mountinfo | awk '{print $5}' | sort -r | while read -r d; do
    umount -l "$d" 2>/dev/null
  done
  for d in $(cgroup_dirs_of "$PCGROUP"); do
    [ -d "$d" ] && find "$d" -depth -type d -exec rmdir {} \; 2>/dev/null
  done
  rm -rf "$PTMP"
}

teardown() {
  [ -n "${PTMP:-}" ] || return 0
  pm runc rm --all --force --time 0 >/dev/null 2>&1 || true
}

# pm RUNTIME ARGS...: podman with the private configuration and storage.
pm() {
  "$PTMP/pm" "$@"
}

# prun RUNTIME [RUN OPTIONS] IMAGE CMD...: `podman run` with our defaults.
prun() {
  "$PTMP/prun" "$@"
}

# `run` for commands that leave conmon and a container behind holding
# inherited descriptors (`podman run -d`): output through a file.
pbg() {
  local out=$PTMP/bg.out
  status=0
  "$@" </dev/null >"$out" 2>&1 || status=$?
  output=$(cat "$out")
}

# Keep the last result as RT's: record RT.
record() {
  printf -v "st_$1" '%s' "$status"
  printf -v "out_$1" '%s' "$output"
}

# The recorded results of runc and minirt are identical; leaves minirt's in
# $status/$output for the test's own assertions.
assert_same() {
  local what=${1:-result}
  if [ "$st_minirt" != "$st_runc" ] || [ "$out_minirt" != "$out_runc" ]; then
    fail "$what differs: minirt ($st_minirt): $out_minirt
runc ($st_runc): $out_runc"
  fi
  status=$st_minirt
  output=$out_minirt
  # as bats' run splits them (empty lines dropped)
  IFS=$'\n' read -d '' -r -a lines <<<"$output" || true
}

# Skip (visibly) while a minirt command the scenario needs is still missing.
require_command() {
  local out
  out=$("$MINIRT" "$1" --help 2>&1) || true
  out+=$("$MINIRT" "$1" minirt-podman-probe-nonexistent 2>&1) || true
  case $out in
    *"not implemented"*) skip "minirt $1 is not implemented yet" ;;
  esac
}

@test "podman: run --rm echo hi" {
  local rt
  for rt in runc minirt; do
    run prun "$rt" --rm "$IMAGE" echo hi
    record "$rt"
  done
  assert_same
  [ "$status" -eq 0 ] && [ "$output" = hi ] || fail "$output"
  # --rm removed it, through the runtime's delete.
  run pm minirt ps -a -q
  [ -z "$output" ] || fail "left: $output"
}

@test "podman: --runtime /path/to/minirt, without a containers.conf entry" {
  local rt path
  for rt in runc minirt; do
    path=$MINIRT
    [ "$rt" = runc ] && path=$(command -v runc)
    run prun "$path" --rm "$IMAGE" echo hi
    record "$rt"
  done
  assert_same
  [ "$status" -eq 0 ] && [ "$output" = hi ] || fail "$output"
  # No --log then: podman shows the runtime's stderr.
  run -127 prun "$MINIRT" --rm "$IMAGE" /nonexistent
  [[ "$output" == *'exec: "/nonexistent": stat /nonexistent: No such file or directory: OCI runtime attempted to invoke a command that was not found' ]] ||
    fail "$output"
}

@test "podman: the container sees what it sees under runc (mounts, /dev, caps, limits, env, stdin)" {
  local rt
  # mountinfo sorted: podman orders its bind mounts differently from run to run.
  for rt in runc minirt; do
    status=0
    output=$(prun "$rt" --rm -i --memory 64m --pids-limit 50 --hostname minirt-podman -e A=b -w /tmp \
      "$IMAGE" sh -c 'exec 2>&1; cat; cut -d" " -f4- /proc/self/mountinfo | sort
        stat -c "%A %u %g %t %T %n" /dev/* /dev/pts/* /dev/shm/. /dev/mqueue/.
        grep -E "^(NoNewPrivs|Seccomp|Cap)" /proc/self/status
        cat /sys/fs/cgroup/memory/memory.limit_in_bytes /sys/fs/cgroup/pids/pids.max /proc/self/cgroup
        hostname; pwd; echo "$A"; ulimit -n; ulimit -u; id' <<<piped) || status=$?
    # podman's container ids
    output=$(sed -E 's/[0-9a-f]{64}/ID/g' <<<"$output")
    record "$rt"
  done
  assert_same
  [ "$status" -eq 0 ] && [ "${lines[0]}" = piped ] || fail "$output"
  grep -qx '67108864' <<<"$output" && grep -qx 50 <<<"$output" && grep -qx minirt-podman <<<"$output" ||
    fail "limits or hostname: $output"
  grep -qE "^[0-9]+:memory:.*/$PCGROUP/libpod-ID\$" <<<"$output" || fail "cgroup: $output"
}

@test "podman: the container's exit status is podman's" {
  local rt
  for rt in runc minirt; do
    run prun "$rt" --rm "$IMAGE" sh -c 'echo out; exit 3'
    record "$rt"
  done
  assert_same
  [ "$status" -eq 3 ] && [ "$output" = out ] || fail "$output"
  # Killed by a signal (from outside: pid 1 ignores it from inside).
  local name
  for rt in runc minirt; do
    name=minirt-podman-$rt-$BATS_TEST_NUMBER
    pbg prun "$rt" -d --name "$name" "$IMAGE" sleep 1000
    [ "$status" -eq 0 ] || fail "$rt run -d: $output"
    run pm "$rt" kill --signal KILL "$name"
    [ "$status" -eq 0 ] || fail "$rt kill: $output"
    run pm "$rt" wait "$name"
    record "$rt"
  done
  assert_same "killed by SIGKILL"
  [ "$status" -eq 0 ] && [ "$output" = 137 ] || fail "$status: $output"
}

@test "podman: a failing create reaches the user with the runtime's error" {
  local rt
  # podman maps the runtime's error text to 127 (not found) and 126.
  for rt in runc minirt; do
    run -127 prun "$rt" --rm "$IMAGE" /nonexistent
    record "$rt"
    printf -v "st_$rt" '%s' "$status $(grep -c 'OCI runtime attempted to invoke a command that was not found' <<<"$output")"
  done
  # The last error of minirt's --log-format json log, as podman shows it.
  grep -qx 'Error: minirt: exec: "/nonexistent": stat /nonexistent: No such file or directory: OCI runtime attempted to invoke a command that was not found' <<<"$out_minirt" ||
    fail "minirt's error is not shown: $out_minirt"
  out_minirt='' out_runc=''
  assert_same "command not found"
  [ "$status" = "127 1" ] || fail "$out_minirt"

  for rt in runc minirt; do
    run prun "$rt" --rm "$IMAGE" /etc
    record "$rt"
    printf -v "st_$rt" '%s' "$status $(grep -c 'OCI permission denied' <<<"$output")"
  done
  out_minirt='' out_runc=''
  assert_same "not executable"
  [ "$status" = "126 1" ] || fail "$status"

  # An rlimit above our hard limit: minirt names it (runc says "type 7").
  run prun minirt --rm --ulimit nofile=1048577:1048577 "$IMAGE" true
  [ "$status" -eq 126 ] || fail "$status: $output"
  [[ "$output" == *RLIMIT_NOFILE* ]] || fail "the refused rlimit is not named: $output"
}

@test "podman: run -d, stop, rm" {
  local rt name
  for rt in runc minirt; do
    name=minirt-podman-$rt-$BATS_TEST_NUMBER
    # pid 1 exits 7 on SIGTERM: the exit status shows the runtime's kill arrived.
    pbg prun "$rt" -d --name "$name" "$IMAGE" sh -c 'trap "exit 7" TERM; sleep 1000 & wait'
    [ "$status" -eq 0 ] || fail "$rt run -d: $output"
    # --sync asks the runtime for the state.
    run pm "$rt" ps -a --sync --filter "name=$name" --format '{{.Names}}'
    [ "$output" = "$name" ] || fail "$rt ps: $output"
    run pm "$rt" inspect -f '{{.State.Status}} {{.State.Running}}' "$name"
    [ "$output" = "running true" ] || fail "$rt inspect: $output"
    run pm "$rt" stop "$name"
    [ "$status" -eq 0 ] || fail "$rt stop: $output"
    run pm "$rt" inspect -f '{{.State.Status}} {{.State.ExitCode}}' "$name"
    [ "$status" -eq 0 ] || fail "$rt inspect: $output"
    local after_stop=$output
    run pm "$rt" rm "$name"
    [ "$status" -eq 0 ] || fail "$rt rm: $output"
    run pm "$rt" ps -a -q --filter "name=$name"
    output="$after_stop, left: $output"
    record "$rt"
  done
  assert_same
  [ "$output" = "exited 7, left: " ] || fail "$output"
}

@test "podman: exec in a running container" {
  require_command exec
  local rt name
  for rt in runc minirt; do
    name=minirt-podman-$rt-$BATS_TEST_NUMBER
    pbg prun "$rt" -d --name "$name" --user 0:0 "$IMAGE" sleep 1000
    [ "$status" -eq 0 ] || fail "$rt run -d: $output"
    local all=""
    run pm "$rt" exec "$name" sh -c 'echo from-exec; cat /proc/1/cmdline | tr "\0" " "; echo; grep CapEff /proc/self/status'
    all+="[$status] $output
"
    run pm "$rt" exec "$name" sh -c 'exit 4'
    all+="[$status] $output
"
    run pm "$rt" exec --user 1000:1000 --workdir /tmp --env FOO=bar "$name" sh -c 'id; pwd; echo $FOO'
    all+="[$status] $output
"
    run -127 pm "$rt" exec "$name" /nonexistent
    all+="[$status]
"
    all+="$(pm "$rt" exec -i "$name" cat <<<typed-in 2>&1)
"
    run pm "$rt" exec "$name" sh -c 'kill -KILL $$'
    all+="[$status] $output
"
    run pm "$rt" rm --force --time 0 "$name"
    [ "$status" -eq 0 ] || fail "$rt rm: $output"
    output=$all
    status=0
    record "$rt"
  done
  assert_same
  [ "${lines[0]}" = "[0] from-exec" ] || fail "$output"
  [ "${lines[1]}" = "sleep 1000 " ] || fail "$output"
  [[ "${lines[2]}" == CapEff:* ]] || fail "$output"
  [ "${lines[3]}" = "[4] " ] || fail "$output"
  # no passwd entry for 1000 (podman adds one for the run user only)
  [ "${lines[4]}" = "[0] uid=1000 gid=1000" ] || fail "$output"
  [ "${lines[5]}" = /tmp ] && [ "${lines[6]}" = bar ] || fail "$output"
  [ "${lines[7]}" = "[127]" ] || fail "$output"
  [ "${lines[8]}" = typed-in ] && [ "${lines[9]}" = "[137] " ] || fail "$output"
}

@test "podman: --security-opt seccomp with a seed profile refuses mkdir" {
  local rt
  for rt in runc minirt; do
    run prun "$rt" --rm --security-opt "seccomp=$REPO_ROOT/specs/seccomp/block-mkdir-errno.json" \
      "$IMAGE" sh -c 'mkdir /tmp/d 2>&1; echo "status $?"'
    record "$rt"
  done
  assert_same
  [ "${lines[0]}" = "mkdir: can't create directory '/tmp/d': Operation not permitted" ] || fail "$output"
  [ "${lines[1]}" = "status 1" ] || fail "$output"
  # Not refused without it (podman's default profile).
  run prun minirt --rm "$IMAGE" sh -c 'mkdir /tmp/d && echo made'
  [ "$output" = made ] || fail "$output"
}

@test "podman: --read-only" {
  local rt
  for rt in runc minirt; do
    run prun "$rt" --rm --read-only "$IMAGE" sh -c 'touch /x 2>&1; echo "root $?"; touch /tmp/x && echo tmp-ok; grep " / " /proc/mounts | cut -d" " -f4 | cut -d, -f1'
    record "$rt"
  done
  assert_same
  [ "$output" = "touch: /x: Read-only file system
root 1
tmp-ok
ro" ] || fail "$output"
}

@test "podman: --user" {
  local rt
  for rt in runc minirt; do
    run prun "$rt" --rm --user 1000:1000 "$IMAGE" sh -c 'id; touch /root/x 2>&1; grep CapEff /proc/self/status'
    output+="
$(prun "$rt" --rm --user nobody "$IMAGE" id 2>&1 || echo "[status $?]")"
    record "$rt"
  done
  assert_same
  [ "${lines[0]}" = "uid=1000(1000) gid=1000(1000) groups=1000(1000)" ] || fail "$output"
  [ "${lines[1]}" = "touch: /root/x: Permission denied" ] || fail "$output"
  [ "${lines[2]}" = "CapEff:	0000000000000000" ] || fail "$output"
  [ "${lines[3]}" = "uid=65534(nobody) gid=65534(nogroup) groups=65534(nogroup)" ] || fail "$output"
}

@test "podman: --cap-drop" {
  local rt
  for rt in runc minirt; do
    run prun "$rt" --rm --cap-drop CAP_CHOWN "$IMAGE" sh -c 'grep -E "Cap(Eff|Bnd)" /proc/self/status; chown 1 /tmp 2>&1; echo "chown $?"'
    output+="
$(prun "$rt" --rm --cap-drop ALL "$IMAGE" grep -E 'Cap(Eff|Prm|Bnd)' /proc/self/status 2>&1 || echo "[status $?]")"
    record "$rt"
  done
  assert_same
  local eff=${lines[0]#CapEff:	}
  [ $((0x$eff & 1)) -eq 0 ] && [ $((0x$eff & 2)) -eq 2 ] || fail "CAP_CHOWN not the only one dropped: $output"
  [ "${lines[1]}" = "CapBnd:	$eff" ] || fail "$output"
  [ "${lines[2]}" = "chown: /tmp: Operation not permitted" ] && [ "${lines[3]}" = "chown 1" ] || fail "$output"
  [ "${lines[4]}" = "CapPrm:	0000000000000000" ] && [ "${lines[5]}" = "CapEff:	0000000000000000" ] &&
    [ "${lines[6]}" = "CapBnd:	0000000000000000" ] || fail "$output"
}

@test "podman: --device and --privileged (podman's fileMode carries the file type bits)" {
  local rt
  for rt in runc minirt; do
    run prun "$rt" --rm --device /dev/zero:/dev/minirt-zero "$IMAGE" sh -c \
      'stat -c "%A %t %T" /dev/minirt-zero; head -c 3 /dev/minirt-zero | od -An -tx1 2>&1'
    output+="
$(prun "$rt" --rm --privileged "$IMAGE" sh -c 'grep CapEff /proc/self/status; ls /dev | wc -l; grep " ro," /proc/self/mountinfo | wc -l' 2>&1 || echo "[status $?]")"
    record "$rt"
  done
  assert_same
  [ "${lines[0]}" = "crw-rw-rw- 1 5" ] && [ "${lines[1]}" = " 00 00 00" ] || fail "$output"
  [ "${lines[2]}" = "CapEff:	$(grep CapBnd /proc/self/status | cut -f2)" ] || fail "privileged caps: $output"
  [ "${lines[3]}" -gt 20 ] && [ "${lines[4]}" -eq 0 ] || fail "privileged /dev or read-only mounts: $output"
}

@test "podman: pause and unpause" {
  require_command pause
  local rt name pid fr
  for rt in runc minirt; do
    name=minirt-podman-$rt-$BATS_TEST_NUMBER
    pbg prun "$rt" -d --name "$name" "$IMAGE" sleep 1000
    [ "$status" -eq 0 ] || fail "$rt run -d: $output"
    pid=$(pm "$rt" inspect -f '{{.State.Pid}}' "$name")
    fr=$(grep -E '^[0-9]+:freezer:' "/proc/$pid/cgroup" | cut -d: -f3)
    [ -n "$fr" ] || fail "no freezer cgroup for $pid"
    local all=""
    run pm "$rt" pause "$name"
    all+="pause [$status] $(pm "$rt" inspect -f '{{.State.Status}}' "$name") $(cat "/sys/fs/cgroup/freezer$fr/freezer.state")
"
    run pm "$rt" unpause "$name"
    all+="unpause [$status] $(pm "$rt" inspect -f '{{.State.Status}}' "$name") $(cat "/sys/fs/cgroup/freezer$fr/freezer.state")"
    run pm "$rt" rm --force --time 0 "$name"
    [ "$status" -eq 0 ] || fail "$rt rm: $output"
    output=$all
    status=0
    record "$rt"
  done
  assert_same
  [ "$output" = "pause [0] paused FROZEN
unpause [0] running THAWED" ] || fail "$output"
}

@test "podman: top" {
  local rt name
  for rt in runc minirt; do
    name=minirt-podman-$rt-$BATS_TEST_NUMBER
    pbg prun "$rt" -d --name "$name" --user 1000:1000 "$IMAGE" sleep 1000
    [ "$status" -eq 0 ] || fail "$rt run -d: $output"
    run pm "$rt" top "$name" pid user args
    local top=$output top_status=$status
    run pm "$rt" rm --force --time 0 "$name"
    [ "$status" -eq 0 ] || fail "$rt rm: $output"
    status=$top_status output=$top
    record "$rt"
  done
  assert_same
  [ "$status" -eq 0 ] || fail "$output"
  [[ "${lines[1]}" =~ ^1\ +1000\ +sleep\ 1000\ *$ ]] || fail "$output"
}

@test "podman: run -t under script (conmon's console socket)" {
  command -v script >/dev/null || skip "script (bsdutils) is not installed"
  local rt cmd
  for rt in runc minirt; do
    # script runs podman on a pty, so podman asks conmon for a terminal.
    cmd="$PTMP/prun $rt --rm -t $IMAGE sh -c 'tty; for fd in 0 1 2; do test -t \$fd && echo \$fd-tty; done; exit 5'"
    run script -qec "$cmd" /dev/null </dev/null
    output=$(tr -d '\r' <<<"$output")
    record "$rt"
  done
  assert_same
  [ "$status" -eq 5 ] || fail "$status: $output"
  [ "$output" = "/dev/pts/0
0-tty
1-tty
2-tty" ] || fail "$output"
}

@test "podman: run -it under script: what is typed reaches the container" {
  command -v script >/dev/null || skip "script (bsdutils) is not installed"
  local rt cmd
  printf 'echo "got $((6 * 7))"\nexit 9\n' >"$PTMP/typed"
  for rt in runc minirt; do
    cmd="$PTMP/prun $rt --rm -it $IMAGE sh"
    run script -qec "$cmd" /dev/null <"$PTMP/typed"
    # The echo of the typed lines depends on when they arrive; the answer does not.
    output=$(tr -d '\r' <<<"$output" | grep -x 'got 42' || true)
    record "$rt"
  done
  assert_same
  [ "$status" -eq 9 ] && [ "$output" = "got 42" ] || fail "$status: $output"
}

@test "podman: exec -t under script" {
  require_command exec
  command -v script >/dev/null || skip "script (bsdutils) is not installed"
  local rt name cmd
  for rt in runc minirt; do
    name=minirt-podman-$rt-$BATS_TEST_NUMBER
    pbg prun "$rt" -d --name "$name" "$IMAGE" sleep 1000
    [ "$status" -eq 0 ] || fail "$rt run -d: $output"
    cmd="$PTMP/pm $rt exec -t $name sh -c 'tty; test -t 1 && echo 1-tty; exit 6'"
    run script -qec "$cmd" /dev/null </dev/null
    output=$(tr -d '\r' <<<"$output")
    local st=$status out=$output
    run pm "$rt" rm --force --time 0 "$name"
    status=$st output=$out
    record "$rt"
  done
  assert_same
  [ "$status" -eq 6 ] || fail "$status: $output"
  [[ "$output" =~ ^/dev/pts/[0-9]+$'\n'1-tty$ ]] || fail "$output"
}

@test "podman: --cgroups=disabled runs minirt without cgroups (podman refuses it for runc)" {
  # podman passes crun's `--cgroup-manager disabled` to runtimes listed in
  # runtime_supports_nocgroup; the container stays in conmon's cgroups,
  # which are ours.
  run pm minirt run --rm --pull never --network none --cgroups=disabled --ulimit nofile=1024:1024 \
    --ulimit nproc=1024:1024 "$IMAGE" cat /proc/self/cgroup
  [ "$status" -eq 0 ] || fail "$output"
  [ "$output" = "$(cat /proc/self/cgroup)" ] || fail "container cgroups: $output
ours: $(cat /proc/self/cgroup)"
  # exec, stop and rm of such a container (podman itself refuses pause and top).
  pbg pm minirt run -d --name minirt-podman-nocg --pull never --network none --cgroups=disabled \
    --ulimit nofile=1024:1024 --ulimit nproc=1024:1024 "$IMAGE" sleep 1000
  [ "$status" -eq 0 ] || fail "run -d: $output"
  run pm minirt exec minirt-podman-nocg cat /proc/self/cgroup
  [ "$status" -eq 0 ] && [ "$output" = "$(cat /proc/self/cgroup)" ] || fail "exec: $output"
  run pm minirt stop --time 0 minirt-podman-nocg
  [ "$status" -eq 0 ] || fail "stop: $output"
  run pm minirt rm minirt-podman-nocg
  [ "$status" -eq 0 ] || fail "rm: $output"
  # runc has no such flag, so podman does not offer it for runc.
  run pm runc run --rm --pull never --network none --cgroups=disabled --ulimit nofile=1024:1024 \
    --ulimit nproc=1024:1024 "$IMAGE" true
  [ "$status" -eq 125 ] && [[ "$output" == *"runc is not compatible with NoCgroups"* ]] || fail "$output"
}
