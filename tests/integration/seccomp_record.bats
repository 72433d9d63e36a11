#!/usr/bin/env bats
# minirt seccomp record (issue 8, part 1): record a busybox workload, then
# enforce the recorded profile on the same workload; interruption, the
# kubelet form, the bundle's own profile, errors.  Nothing may be left.

load helpers
load leak_helpers

bats_require_minimum_version 1.5.0

setup() {
  setup_bundle
  update_config '.root.readonly = false'
  REC_PID=
  # A name that only the container's hosts file knows.
  printf '127.0.0.1 localhost web.record.test\n' > "$BUNDLE/rootfs/etc/hosts"
  mkdir -p "$BUNDLE/rootfs/www" "$BUNDLE/rootfs/data"
  echo "hello from httpd" > "$BUNDLE/rootfs/www/index.html"
  # The request, from a regular file: nc's stdin is always readable, its
  # EOF comes right after the request in the same order every run.
  printf 'GET /index.html HTTP/1.0\r\nHost: web.record.test\r\n\r\n' > "$BUNDLE/rootfs/www/request"
  # The workload: files, a name lookup, one HTTP request served by busybox
  # httpd and sent by busybox nc over lo (up in a new netns, as runc).
  cat > "$BUNDLE/rootfs/workload.sh" <<'EOF'
set -e
mkdir -p /data/dir
echo secret > /data/dir/file
chmod 600 /data/dir/file
[ "$(stat -c %a /data/dir/file)" = 600 ]
# httpd listens before it daemonizes: no retry loop, no wait for a killed
# server, whose syscalls would depend on timing and so differ between the
# recorded run and the enforced one.  The container's end stops it.
# Likewise nc, not wget: busybox wget reads the body non-blocking and
# polls only when it is not there yet, which about one run in four of
# this workload did (poll refused, wget looping on "poll: Operation not
# permitted"); nc always polls, reads and writes the same way.
httpd -p 127.0.0.1:8080 -h /www
nc web.record.test 8080 < /www/request > /data/got
grep '^hello' /data/got
echo workload-ok
EOF
  set_args sh /workload.sh
  PROFILE=$BUNDLE/profile.json
}

teardown() {
  if [ -n "$REC_PID" ]; then
    kill -KILL "$REC_PID" 2>/dev/null
    wait "$REC_PID" 2>/dev/null
  fi
  local id
  for id in $(ls "$BUNDLE/.state-crun" 2>/dev/null); do
    crun --cgroup-manager=disabled --root "$BUNDLE/.state-crun" delete --force "$id" >/dev/null 2>&1
  done
  teardown_bundle
}

# crun_ ARGS...: Debian's crun 1.8.1 takes this machine's v1-hybrid layout
# (an empty cgroup2 at /sys/fs/cgroup/unified) for cgroup v2 and fails, so
# it runs without cgroups, in a mount namespace of its own where that
# hierarchy's cgroup.controllers is shadowed by an empty file.
crun_() {
  : > "$BUNDLE/.empty"
  unshare --mount --propagation private sh -c '
    f=/sys/fs/cgroup/unified/cgroup.controllers
    if [ -e "$f" ]; then mount --bind "$1/.empty" "$f" || exit 125; fi
    root=$1/.state-crun
    shift
    exec crun --cgroup-manager=disabled --root "$root" "$@"' sh "$BUNDLE" "$@"
}

crun_run() {
  crun_ run "$1"
}

# Wait until a detached container of runc_ or crun_ has stopped.
wait_stopped() {
  local i=0
  until [ "$("$@" | jq -r .status)" = stopped ]; do
    i=$((i + 1))
    [ "$i" -le 300 ] || fail "still running: $("$@")"
    sleep 0.1
  done
}

record() {
  run_bg "$MINIRT" --root "$STATE_ROOT" seccomp record --bundle "$BUNDLE" "$@"
}

names() {
  jq -r '.syscalls[0].names[]' "$PROFILE"
}

# The second rule: what the runtimes need between loading the filter and
# the workload's execve.
runtime_names() {
  jq -r '.syscalls[1].names[]' "$PROFILE"
}

# The bundle's config.json with the recorded profile as linux.seccomp.
enforce() {
  update_config --slurpfile p "$PROFILE" '.linux.seccomp = $p[0]'
}

wait_for_line() {
  local file=$1 pattern=$2 i=0
  until grep -q "$pattern" "$file" 2>/dev/null; do
    i=$((i + 1))
    [ "$i" -le 300 ] || fail "no line \"$pattern\" in $file: $(cat "$file")"
    sleep 0.1
  done
}

native_arch() {
  case $(uname -m) in
    x86_64) echo SCMP_ARCH_X86_64 ;;
    aarch64) echo SCMP_ARCH_AARCH64 ;;
    *) skip "no expectation for $(uname -m)" ;;
  esac
}

@test "record a busybox workload; the profile runs it under minirt, runc and crun and refuses what it never did" {
  record --output "$PROFILE" "$CTR_ID"
  echo "$output"
  [ "$status" -eq 0 ]
  [[ "$output" == *"hello from httpd"* ]]
  [[ "$output" == *"workload-ok"* ]]
  [[ "$output" == *"minirt: seccomp record: recorded "*" syscalls"* ]]
  [[ "$output" == *"also allowed, in a rule of their own (syscalls[1]): "*"(made by minirt, runc, crun after loading the filter and before execve)"* ]]
  assert_no_leftovers "$CTR_ID"

  # A minimal allowlist: ERRNO default, only the native architecture, an
  # ALLOW rule for the workload and one for the runtimes, names sorted and
  # unique, none in both.
  [ "$(jq -r .defaultAction "$PROFILE")" = SCMP_ACT_ERRNO ]
  [ "$(jq -c .architectures "$PROFILE")" = "[\"$(native_arch)\"]" ]
  [ "$(jq '.syscalls | length' "$PROFILE")" -eq 2 ]
  [ "$(jq -c '[.syscalls[].action]' "$PROFILE")" = '["SCMP_ACT_ALLOW","SCMP_ACT_ALLOW"]' ]
  [ "$(jq -c '.syscalls[0].names' "$PROFILE")" = "$(jq -c '.syscalls[0].names | unique' "$PROFILE")" ]
  [ "$(jq -c '.syscalls[1].names' "$PROFILE")" = "$(jq -c '.syscalls[1].names | unique' "$PROFILE")" ]
  [ -z "$(comm -12 <(names | sort) <(runtime_names | sort))" ]
  [ "$(jq 'keys' -c "$PROFILE")" = '["architectures","defaultAction","syscalls"]' ]
  # What the workload did: exec, files, a server and a client.
  for s in execve chmod bind listen connect poll shutdown; do
    names | grep -qx "$s" || fail "$s not recorded"
  done
  names | grep -qxE 'mkdir|mkdirat' || fail "mkdir not recorded"
  names | grep -qxE 'accept|accept4' || fail "accept not recorded"
  # What runc 1.1.5's init does after the load and busybox never does: its
  # /proc/self/fd clean-up checks the directory is procfs.
  runtime_names | grep -qx fstatfs || fail "runc's fstatfs missing"
  # What only the runtime's set-up did (before the filter) is not there.
  for s in pivot_root mount umount2 sethostname unshare chroot; do
    ! names | grep -qx "$s" || fail "$s recorded"
    ! runtime_names | grep -qx "$s" || fail "$s in the runtime rule"
  done

  # The same workload under the recorded profile works, with the same
  # output, under each runtime: the profile is what kubelet would hand to
  # containerd or CRI-O, which run runc or crun.
  enforce
  rm -rf "$BUNDLE/rootfs/data/"*
  run_bg minirt run "$CTR_ID"
  echo "minirt: $output"
  [ "$status" -eq 0 ]
  [[ "$output" == *"hello from httpd"* ]]
  [[ "$output" == *"workload-ok"* ]]
  local want=$output
  rm -rf "$BUNDLE/rootfs/data/"*
  run_bg runc_ run "$CTR_ID-runc"
  echo "runc: $output"
  [ "$status" -eq 0 ]
  [ "$output" = "$want" ]
  rm -rf "$BUNDLE/rootfs/data/"*
  run_bg crun_run "$CTR_ID-crun"
  echo "crun: $output"
  [ "$status" -eq 0 ]
  [ "$output" = "$want" ]

  # Something it never did is refused with EPERM, the filter is on, under
  # each runtime alike (one stream: runc copies stdout and stderr apart).
  set_args sh -c 'grep "^Seccomp:" /proc/self/status; chroot / true 2>&1; unshare -m true 2>&1; echo done'
  run_bg minirt run "$CTR_ID"
  echo "minirt: $output"
  [[ "$output" == *"Seccomp:"*"2"* ]]
  [[ "$output" == *"chroot: can't change root directory to '/': Operation not permitted"* ]]
  [[ "$output" == *"unshare: unshare(0x20000): Operation not permitted"* ]]
  [[ "$output" == *done* ]]
  want=$output
  run_bg runc_ run "$CTR_ID-runc2"
  echo "runc: $output"
  [ "$output" = "$want" ]
  run_bg crun_run "$CTR_ID-crun2"
  echo "crun: $output"
  [ "$output" = "$want" ]
  assert_no_leftovers "$CTR_ID"
}

@test "--for-runtime: only that runtime's calls; a profile for minirt alone does not start under runc" {
  set_args sh -c 'mkdir /data/x; echo made'
  record --for-runtime runc --output "$PROFILE" "$CTR_ID"
  echo "$output"
  [ "$status" -eq 0 ]
  [[ "$output" == *"(made by runc after loading the filter and before execve)"* ]]
  runtime_names | grep -qx fstatfs
  runtime_names | grep -qx getdents64
  # crun's and minirt's own, which runc never makes there (and busybox mkdir never does).
  ! runtime_names | grep -qx setresuid
  enforce
  rm -rf "$BUNDLE/rootfs/data/x"
  run_bg runc_ run "$CTR_ID-runc"
  echo "$output"
  [ "$status" -eq 0 ]
  [ "$output" = made ]

  record --for-runtime crun --output "$PROFILE" "$CTR_ID"
  [ "$status" -eq 0 ]
  [[ "$output" == *"(made by crun after loading the filter and before execve)"* ]]
  ! runtime_names | grep -qx fstatfs
  enforce
  rm -rf "$BUNDLE/rootfs/data/x"
  run_bg crun_run "$CTR_ID-crun"
  echo "$output"
  [ "$status" -eq 0 ]
  [ "$output" = made ]

  # For minirt alone: minirt's calls only (with noNewPrivileges true it
  # makes nothing but the execve after the load; the rule is for false),
  # and runc's init then fails before the workload runs.
  record --for-runtime minirt --output "$PROFILE" "$CTR_ID"
  [ "$status" -eq 0 ]
  [[ "$output" == *"(made by minirt after loading the filter and before execve)"* ]]
  ! runtime_names | grep -qx fstatfs
  ! runtime_names | grep -qx getdents64
  enforce
  rm -rf "$BUNDLE/rootfs/data/x"
  run_bg minirt run "$CTR_ID"
  [ "$status" -eq 0 ]
  [ "$output" = made ]
  rm -rf "$BUNDLE/rootfs/data/x"
  run_bg runc_ run "$CTR_ID-runc2"
  echo "$output"
  [ "$status" -ne 0 ]
  [ ! -e "$BUNDLE/rootfs/data/x" ]
  assert_no_leftovers "$CTR_ID"
}

@test "with noNewPrivileges false the runtime's own calls after the filter load are allowed and reported" {
  update_config '.process.noNewPrivileges = false'
  set_args sh -c 'mkdir /data/x'
  record --output "$PROFILE"
  echo "$output"
  [ "$status" -eq 0 ]
  # capset and setgroups are the runtimes' (dropping capabilities,
  # switching user after the load), not the workload's: a rule of their own.
  [[ "$output" == *"also allowed, in a rule of their own (syscalls[1]): "*capset*"(made by minirt, runc, crun"* ]]
  runtime_names | grep -qx capset
  ! names | grep -qx capset
  # The listener hand-over's own recv is not: a run without a listener
  # (the enforced profile) never makes it.
  [[ "$(grep "also allowed" <<<"$output")" != *recvfrom* ]]
  rm -rf "$BUNDLE/rootfs/data/x"
  enforce
  run_bg minirt run "$CTR_ID"
  echo "$output"
  [ "$status" -eq 0 ]
  [ -d "$BUNDLE/rootfs/data/x" ]
  # runc and crun load the filter before switching user too, and do so
  # with their own calls (runc: setuid, setgid; crun: setresuid).
  rm -rf "$BUNDLE/rootfs/data/x"
  run_bg runc_ run "$CTR_ID-runc"
  echo "$output"
  [ "$status" -eq 0 ]
  [ -d "$BUNDLE/rootfs/data/x" ]
  rm -rf "$BUNDLE/rootfs/data/x"
  run_bg crun_run "$CTR_ID-crun"
  echo "$output"
  [ "$status" -eq 0 ]
  [ -d "$BUNDLE/rootfs/data/x" ]
}

@test "--format kubernetes writes a kubelet Localhost profile (seed 000's shape)" {
  set_args true
  record --format kubernetes --output "$PROFILE" "$CTR_ID"
  echo "$output"
  [ "$status" -eq 0 ]
  [ "$(jq -c 'keys' "$PROFILE")" = '["architectures","defaultAction","syscalls"]' ]
  [ "$(jq -r .defaultAction "$PROFILE")" = SCMP_ACT_ERRNO ]
  # The runtimes' rule says what it is, in the field this form has for it.
  [ "$(jq -c '[.syscalls[] | keys]' "$PROFILE")" = '[["action","names"],["action","comment","names"]]' ]
  [[ "$(jq -r '.syscalls[1].comment' "$PROFILE")" == "not the workload's: what the runtimes (minirt, runc, crun) call between loading the filter and the workload's execve"* ]]
  [ "$(jq -r '.syscalls[0].action' "$PROFILE")" = SCMP_ACT_ALLOW ]
  [ "$(jq '[.syscalls[0].names[] | strings] | length > 3' "$PROFILE")" = true ]
  jq -e '.syscalls[0].names | index("execve")' "$PROFILE" >/dev/null
  run_bg "$MINIRT" seccomp check "$PROFILE"
  [ "$status" -eq 0 ]
  [ "$output" = "$PROFILE: ok (Docker/Kubernetes profile, 2 rules)" ]
  # containerd reads such a file into the OCI struct as it is (unknown keys
  # ignored): runc and minirt run it so.
  enforce
  run_bg runc_ run "$CTR_ID-runc"
  [ "$status" -eq 0 ]
  run_bg minirt run "$CTR_ID"
  [ "$status" -eq 0 ]
  # The same allowlist as the OCI form of the same run: the two forms
  # differ only in the comment, which config.json has no key for (no
  # listener, no flags in a recorded profile).
  cp "$PROFILE" "$BUNDLE/k8s.json"
  record --format oci --output "$PROFILE" "$CTR_ID"
  [ "$status" -eq 0 ]
  [ "$(jq -S -c 'del(.syscalls[].comment)' "$BUNDLE/k8s.json")" = "$(jq -S -c . "$PROFILE")" ]
  [ "$(jq -c '[.syscalls[] | keys]' "$PROFILE")" = '[["action","names"],["action","names"]]' ]
  assert_no_leftovers "$CTR_ID"
}

@test "the bundle's own linux.seccomp is replaced while recording, and left in config.json" {
  # Seed 000's violation.json: the container could not even start.  The
  # violation-report annotation does not take the listener away either.
  update_config '.linux.seccomp = {"defaultAction": "SCMP_ACT_ERRNO"}
    | .annotations = {"run.oci.minirt.seccomp-report": "stop"}'
  set_args sh -c 'mkdir /data/y'
  cp "$BUNDLE/config.json" "$BUNDLE/config.before"
  record --output "$PROFILE" "$CTR_ID"
  echo "$output"
  [ "$status" -eq 0 ]
  [[ "$output" == *"the bundle's linux.seccomp is replaced by the recording filter while recording"* ]]
  [ -d "$BUNDLE/rootfs/data/y" ]
  cmp "$BUNDLE/config.json" "$BUNDLE/config.before"
  names | grep -qxE 'mkdir|mkdirat'
  assert_no_leftovers "$CTR_ID"
}

@test "a process started with minirt exec is recorded too" {
  # The init never makes a directory; only the exec'd process does.
  set_args sh -c 'touch /data/started; while [ ! -e /data/stop ]; do sleep 0.1; done; echo init-done'
  "$MINIRT" --root "$STATE_ROOT" seccomp record --bundle "$BUNDLE" --output "$PROFILE" "$CTR_ID" \
    < /dev/null > "$BUNDLE/rec.out" 2> "$BUNDLE/rec.err" 3>&- &
  REC_PID=$!
  wait_for_file "$BUNDLE/rootfs/data/started" 30
  run_bg minirt exec "$CTR_ID" sh -c 'mkdir /data/fromexec && echo exec-ok && touch /data/stop'
  echo "$output"
  [ "$status" -eq 0 ]
  [[ "$output" == *exec-ok* ]]
  local status=0
  wait "$REC_PID" || status=$?
  REC_PID=
  cat "$BUNDLE/rec.out" "$BUNDLE/rec.err"
  [ "$status" -eq 0 ]
  grep -qx init-done "$BUNDLE/rec.out"
  names | grep -qxE 'mkdir|mkdirat'
  assert_no_leftovers "$CTR_ID"
}

@test "the recorded profile lets runc exec and crun exec start a process too (their exec inits load the filter earlier)" {
  set_args sh -c 'touch /data/started; while [ ! -e /data/stop ]; do sleep 0.1; done; echo init-done'
  "$MINIRT" --root "$STATE_ROOT" seccomp record --bundle "$BUNDLE" --output "$PROFILE" "$CTR_ID" \
    < /dev/null > "$BUNDLE/rec.out" 2> "$BUNDLE/rec.err" 3>&- &
  REC_PID=$!
  wait_for_file "$BUNDLE/rootfs/data/started" 30
  run_bg minirt exec "$CTR_ID" sh -c 'mkdir /data/fromexec && echo exec-ok && touch /data/stop'
  [ "$status" -eq 0 ]
  local status=0
  wait "$REC_PID" || status=$?
  REC_PID=
  cat "$BUNDLE/rec.err"
  [ "$status" -eq 0 ]
  enforce

  rm -rf "$BUNDLE/rootfs/data/"*
  run_bg runc_ run -d "$CTR_ID-runc"
  [ "$status" -eq 0 ]
  wait_for_file "$BUNDLE/rootfs/data/started" 30
  run_bg runc_ exec "$CTR_ID-runc" sh -c 'mkdir /data/fromexec && echo exec-ok && touch /data/stop'
  echo "runc exec: $output"
  [ "$status" -eq 0 ]
  [ "$output" = exec-ok ]
  wait_stopped runc_ state "$CTR_ID-runc"
  runc_ delete "$CTR_ID-runc"

  rm -rf "$BUNDLE/rootfs/data/"*
  run_bg crun_ run -d "$CTR_ID-crun"
  [ "$status" -eq 0 ]
  wait_for_file "$BUNDLE/rootfs/data/started" 30
  run_bg crun_ exec "$CTR_ID-crun" sh -c 'mkdir /data/fromexec && echo exec-ok && touch /data/stop'
  echo "crun exec: $output"
  [ "$status" -eq 0 ]
  [ "$output" = exec-ok ]
  wait_stopped crun_ state "$CTR_ID-crun"
  crun_ delete "$CTR_ID-crun"
  assert_no_leftovers "$CTR_ID"
}

@test "SIGTERM stops the container, what it did meanwhile is recorded, the profile is written" {
  # The shell's TERM trap makes a directory: only the stop makes it do so.
  set_args sh -c 'trap "mkdir /data/trapped; exit 3" TERM; touch /data/started; sleep 1000 & wait'
  "$MINIRT" --root "$STATE_ROOT" seccomp record --bundle "$BUNDLE" --output "$PROFILE" "$CTR_ID" \
    < /dev/null > "$BUNDLE/rec.out" 2> "$BUNDLE/rec.err" 3>&- &
  REC_PID=$!
  wait_for_file "$BUNDLE/rootfs/data/started" 30
  kill -TERM "$REC_PID"
  local status=0
  wait "$REC_PID" || status=$?
  REC_PID=
  cat "$BUNDLE/rec.err"
  [ "$status" -eq 3 ]
  grep -q "stopping the container: SIGTERM to its init" "$BUNDLE/rec.err"
  [ -d "$BUNDLE/rootfs/data/trapped" ]
  names | grep -qxE 'mkdir|mkdirat'
  assert_no_leftovers "$CTR_ID"
}

@test "a second interrupt kills a container that ignores SIGTERM; the profile is still written" {
  # sleep as the pid namespace's init has no handler: SIGTERM is ignored.
  set_args sleep 1000
  "$MINIRT" --root "$STATE_ROOT" seccomp record --bundle "$BUNDLE" --output "$PROFILE" "$CTR_ID" \
    < /dev/null > "$BUNDLE/rec.out" 2> "$BUNDLE/rec.err" 3>&- &
  REC_PID=$!
  wait_for_line "$BUNDLE/rec.err" "recording container"
  kill -INT "$REC_PID"
  wait_for_line "$BUNDLE/rec.err" "stopping the container"
  kill -INT "$REC_PID"
  local status=0
  wait "$REC_PID" || status=$?
  REC_PID=
  cat "$BUNDLE/rec.err"
  [ "$status" -eq 137 ]
  grep -q "killing the container" "$BUNDLE/rec.err"
  names | grep -qx execve
  names | grep -qx nanosleep || names | grep -qx clock_nanosleep
  assert_no_leftovers "$CTR_ID"
}

@test "record errors: missing --output, unknown --format, unwritable output, terminal, bad config; nothing left" {
  record "$CTR_ID"
  [ "$status" -ne 0 ]
  [[ "$output" == *"--output"*"required"* ]]

  record --format yaml --output "$PROFILE" "$CTR_ID"
  [ "$status" -ne 0 ]
  [[ "$output" == *"--format: unknown format \"yaml\""* ]]

  record --for-runtime youki --output "$PROFILE" "$CTR_ID"
  [ "$status" -ne 0 ]
  [[ "$output" == *"--for-runtime: unknown runtime \"youki\" (any, minirt, runc or crun)"* ]]

  # Found before the workload runs, not after.
  record --output "$BUNDLE/no/such/dir/p.json" "$CTR_ID"
  [ "$status" -ne 0 ]
  [[ "$output" == *"--output: directory \`$BUNDLE/no/such/dir\`"* ]]
  [ ! -e "$BUNDLE/rootfs/data/dir" ]

  update_config '.process.terminal = true'
  record --output "$PROFILE" "$CTR_ID"
  [ "$status" -ne 0 ]
  [[ "$output" == *"config.json: process.terminal: seccomp record runs the workload without a terminal"* ]]

  update_config '.process.terminal = false | .process.rlimits[0].type = "RLIMIT_BOGUS"'
  record --output "$PROFILE" "$CTR_ID"
  [ "$status" -ne 0 ]
  [[ "$output" == *"config.json: process.rlimits[0].type"* ]]
  [ ! -e "$PROFILE" ]
  assert_no_leftovers "$CTR_ID"
}
