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
  # The workload: files, a name lookup, one HTTP request served by busybox
  # httpd and fetched by busybox wget over lo (up in a new netns, as runc).
  cat > "$BUNDLE/rootfs/workload.sh" <<'EOF'
set -e
mkdir -p /data/dir
echo secret > /data/dir/file
chmod 600 /data/dir/file
[ "$(stat -c %a /data/dir/file)" = 600 ]
# httpd listens before it daemonizes: no retry loop, no wait for a killed
# server, whose syscalls would depend on timing and so differ between the
# recorded run and the enforced one.  The container's end stops it.
httpd -p 127.0.0.1:8080 -h /www
wget -q -O /data/got http://web.record.test:8080/index.html
cat /data/got
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
  teardown_bundle
}

record() {
  run_bg "$MINIRT" --root "$STATE_ROOT" seccomp record --bundle "$BUNDLE" "$@"
}

names() {
  jq -r '.syscalls[0].names[]' "$PROFILE"
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

@test "record a busybox workload; the profile runs it and refuses what it never did" {
  record --output "$PROFILE" "$CTR_ID"
  echo "$output"
  [ "$status" -eq 0 ]
  [[ "$output" == *"hello from httpd"* ]]
  [[ "$output" == *"workload-ok"* ]]
  [[ "$output" == *"minirt: seccomp record: recorded "*" syscalls"* ]]
  assert_no_leftovers "$CTR_ID"

  # A minimal allowlist: ERRNO default, only the native architecture, one
  # ALLOW rule with the names sorted and unique.
  [ "$(jq -r .defaultAction "$PROFILE")" = SCMP_ACT_ERRNO ]
  [ "$(jq -c .architectures "$PROFILE")" = "[\"$(native_arch)\"]" ]
  [ "$(jq '.syscalls | length' "$PROFILE")" -eq 1 ]
  [ "$(jq -r '.syscalls[0].action' "$PROFILE")" = SCMP_ACT_ALLOW ]
  [ "$(jq -c '.syscalls[0].names' "$PROFILE")" = "$(jq -c '.syscalls[0].names | unique' "$PROFILE")" ]
  [ "$(jq 'keys' -c "$PROFILE")" = '["architectures","defaultAction","syscalls"]' ]
  # What the workload did: exec, files, a server and a client.
  for s in execve chmod bind listen connect; do
    names | grep -qx "$s" || fail "$s not recorded"
  done
  names | grep -qxE 'mkdir|mkdirat' || fail "mkdir not recorded"
  names | grep -qxE 'accept|accept4' || fail "accept not recorded"
  # What only the runtime's set-up did (before the filter) is not there.
  for s in pivot_root mount umount2 sethostname unshare chroot; do
    ! names | grep -qx "$s" || fail "$s recorded"
  done

  # The same workload under the recorded profile works.
  rm -rf "$BUNDLE/rootfs/data/"*
  enforce
  run_bg minirt run "$CTR_ID"
  echo "$output"
  [ "$status" -eq 0 ]
  [[ "$output" == *"hello from httpd"* ]]
  [[ "$output" == *"workload-ok"* ]]

  # Something it never did is refused with EPERM, the filter is on.
  set_args sh -c 'grep "^Seccomp:" /proc/self/status; chroot / true; unshare -m true; echo done'
  run_bg minirt run "$CTR_ID"
  echo "$output"
  [[ "$output" == *"Seccomp:"*"2"* ]]
  [[ "$output" == *"chroot: can't change root directory to '/': Operation not permitted"* ]]
  [[ "$output" == *"unshare: unshare(0x20000): Operation not permitted"* ]]
  [[ "$output" == *done* ]]
  assert_no_leftovers "$CTR_ID"
}

@test "with noNewPrivileges false the runtime's own calls after the filter load are allowed and reported" {
  update_config '.process.noNewPrivileges = false'
  set_args sh -c 'mkdir /data/x'
  record --output "$PROFILE"
  echo "$output"
  [ "$status" -eq 0 ]
  # capset and setgroups are minirt's (dropping capabilities, switching
  # user after the load), not the workload's: said separately.
  [[ "$output" == *"also allowed: "*capset*"(made by minirt under the filter"* ]]
  names | grep -qx capset
  # The listener hand-over's own recv is not: a run without a listener
  # (the enforced profile) never makes it.
  [[ "$(grep "also allowed" <<<"$output")" != *recvfrom* ]]
  rm -rf "$BUNDLE/rootfs/data/x"
  enforce
  run_bg minirt run "$CTR_ID"
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
  [ "$(jq -c '[.syscalls[] | keys]' "$PROFILE")" = '[["action","names"]]' ]
  [ "$(jq -r '.syscalls[0].action' "$PROFILE")" = SCMP_ACT_ALLOW ]
  [ "$(jq '[.syscalls[0].names[] | strings] | length > 3' "$PROFILE")" = true ]
  jq -e '.syscalls[0].names | index("execve")' "$PROFILE" >/dev/null
  # The same allowlist as the OCI form of the same run: for a recorded
  # profile the two forms differ in nothing (no listener, no flags).
  cp "$PROFILE" "$BUNDLE/k8s.json"
  record --format oci --output "$PROFILE" "$CTR_ID"
  [ "$status" -eq 0 ]
  [ "$(jq -S -c . "$BUNDLE/k8s.json")" = "$(jq -S -c . "$PROFILE")" ]
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
