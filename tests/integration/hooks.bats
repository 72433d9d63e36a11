#!/usr/bin/env bats
# OCI hooks: each kind runs at its moment, in the namespaces the spec names,
# with the state on stdin; a failing hook before start fails the command
# and leaves nothing behind.

load helpers
load leak_helpers

setup() {
  setup_bundle
  require_lifecycle
  mkdir -p "$BUNDLE/shared" "$BUNDLE/rootfs/shared"
  update_config '.mounts += [{"destination": "/shared", "type": "bind", "source": "'"$BUNDLE/shared"'", "options": ["rbind", "rw"]}]'
  HOST_MNT=$(readlink /proc/self/ns/mnt)
  LOG=$BUNDLE/shared/hooks.log
}

teardown() {
  teardown_bundle
}

# A host hook that records its kind, its mount namespace and its stdin.
host_hook() {
  local kind=$1
  make_hook "$kind" "cat > '$BUNDLE/shared/state.$kind'
echo \"$kind \$(readlink /proc/self/ns/mnt)\" >> '$LOG'"
}

# Wait until the container has exited (status stopped).
wait_stopped() {
  local i
  for i in $(seq 50); do
    [ "$(minirt state "$CTR_ID" | jq -r .status)" = stopped ] && return 0
    sleep 0.2
  done
  fail "container $CTR_ID did not stop"
}

@test "hooks: every kind runs at its moment, in its namespaces, with the state on stdin" {
  local kind
  for kind in createRuntime prestart createContainer poststart poststop; do
    add_hook "$kind" "$(host_hook "$kind")"
  done
  # startContainer's path resolves in the container: a script in the rootfs.
  printf '#!/bin/sh\ncat > /shared/state.startContainer\necho "startContainer $(readlink /proc/self/ns/mnt) $(hostname)" >> /shared/hooks.log\n' \
    > "$BUNDLE/rootfs/bin/start-hook"
  chmod 755 "$BUNDLE/rootfs/bin/start-hook"
  add_hook startContainer /bin/start-hook
  set_args sh -c 'echo "process $(readlink /proc/self/ns/mnt)" >> /shared/hooks.log'

  run_bg minirt create --bundle "$BUNDLE" "$CTR_ID"
  [ "$status" -eq 0 ] || fail "create: $output"
  local pid ctr_mnt
  pid=$(minirt state "$CTR_ID" | jq -r .pid)
  ctr_mnt=$(readlink "/proc/$pid/ns/mnt")
  [ "$ctr_mnt" != "$HOST_MNT" ]

  # create ran createRuntime and prestart in the runtime's mount namespace,
  # then createContainer in the container's; nothing else yet.
  run cat "$LOG"
  [ "${#lines[@]}" -eq 3 ] || fail "after create: $output"
  [[ "${lines[0]} ${lines[1]}" == *"createRuntime $HOST_MNT"* ]] || fail "$output"
  [[ "${lines[0]} ${lines[1]}" == *"prestart $HOST_MNT"* ]] || fail "$output"
  [ "${lines[2]}" = "createContainer $ctr_mnt" ] || fail "$output"

  for kind in createRuntime prestart createContainer; do
    run jq -r '[.id, .pid, .bundle, .status, .ociVersion != null] | map(tostring) | join(" ")' "$BUNDLE/shared/state.$kind"
    [ "$output" = "$CTR_ID $pid $BUNDLE creating true" ] || fail "$kind state: $output"
  done

  run minirt start "$CTR_ID"
  [ "$status" -eq 0 ] || fail "start: $output"
  wait_stopped

  # startContainer ran inside the container (its mount ns, its hostname)
  # before the user process; poststart after start.
  run cat "$LOG"
  [ "${lines[3]}" = "startContainer $ctr_mnt minirt" ] || fail "$output"
  [[ "$output" == *"process $ctr_mnt"* ]] || fail "$output"
  [[ "$output" == *"poststart $HOST_MNT"* ]] || fail "$output"
  [[ "$output" != *poststop* ]] || fail "poststop before delete: $output"
  run jq -r '[.id, .pid, .status] | map(tostring) | join(" ")' "$BUNDLE/shared/state.poststart"
  [ "$output" = "$CTR_ID $pid running" ] || fail "poststart state: $output"
  run jq -r .id "$BUNDLE/shared/state.startContainer"
  [ "$output" = "$CTR_ID" ] || fail "startContainer state: $output"

  run minirt delete "$CTR_ID"
  [ "$status" -eq 0 ] || fail "delete: $output"
  run tail -n 1 "$LOG"
  [ "$output" = "poststop $HOST_MNT" ] || fail "$output"
  run jq -r '[.id, .status, .bundle] | join(" ")' "$BUNDLE/shared/state.poststop"
  [ "$output" = "$CTR_ID stopped $BUNDLE" ] || fail "poststop state: $output"
  assert_no_leftovers "$CTR_ID" "$pid"
}

@test "hooks: args and env are passed exactly, without a shell" {
  # busybox picks its applet from argv[0], so "sh" here proves args[0] is
  # used as given; $0/$1 are the next args.  busybox sh itself exports PWD,
  # SHLVL and its default PATH into an empty environment: those are dropped
  # from the listing, anything else would come from the runtime.
  update_config --arg out "$BUNDLE/shared/args" \
    '.hooks.prestart = [{"path": "/bin/busybox", "args": ["sh", "-c", "echo \"$0|$1|$(env | grep -v -e ^PWD= -e ^SHLVL= -e ^PATH=/sbin:/usr/sbin:/bin:/usr/bin$ | sort | tr \"\\n\" \" \")\" > \($out)", "zero", "one"], "env": ["HOOK_X=x y", "HOOK_Y=2"]}]'
  run minirt run --bundle "$BUNDLE" "$CTR_ID"
  [ "$status" -eq 0 ] || fail "run: $output"
  run cat "$BUNDLE/shared/args"
  [ "$output" = "zero|one|HOOK_X=x y HOOK_Y=2 " ] || fail "$output"
}

@test "hooks: a failing createRuntime hook fails create and leaves nothing" {
  add_hook createRuntime "$(make_hook fail "cat > '$BUNDLE/shared/state'; echo 'hook says no' >&2; exit 7")"
  run_bg minirt create --bundle "$BUNDLE" "$CTR_ID"
  [ "$status" -ne 0 ]
  [[ "$output" == *"hooks.createRuntime[0]"*"exited with status 7"* ]] || fail "$output"
  [[ "$output" == *"hook says no"* ]] || fail "$output"
  local pid
  pid=$(jq -r .pid "$BUNDLE/shared/state")
  wait_for_exit "$pid" 5 || true
  assert_no_leftovers "$CTR_ID" "$pid"
  # The ID is free again.
  run minirt state "$CTR_ID"
  [ "$status" -ne 0 ]
}

@test "hooks: a failing prestart hook fails create and leaves nothing" {
  add_hook prestart "$(make_hook fail "cat > '$BUNDLE/shared/state'; exit 1")"
  run_bg minirt create --bundle "$BUNDLE" "$CTR_ID"
  [ "$status" -ne 0 ]
  [[ "$output" == *"hooks.prestart[0]"* ]] || fail "$output"
  local pid
  pid=$(jq -r .pid "$BUNDLE/shared/state")
  wait_for_exit "$pid" 5 || true
  assert_no_leftovers "$CTR_ID" "$pid"
}

@test "hooks: a failing createContainer hook fails create and leaves nothing" {
  add_hook createContainer "$(make_hook fail "cat > '$BUNDLE/shared/state'; exit 3")"
  run_bg minirt create --bundle "$BUNDLE" "$CTR_ID"
  [ "$status" -ne 0 ]
  [[ "$output" == *"hooks.createContainer[0]"*"exited with status 3"* ]] || fail "$output"
  local pid
  pid=$(jq -r .pid "$BUNDLE/shared/state")
  wait_for_exit "$pid" 5 || true
  assert_no_leftovers "$CTR_ID" "$pid"
}

@test "hooks: a missing hook binary is named in the error" {
  add_hook createRuntime "$BUNDLE/no-such-hook"
  run_bg minirt create --bundle "$BUNDLE" "$CTR_ID"
  [ "$status" -ne 0 ]
  [[ "$output" == *"hooks.createRuntime[0]"*"$BUNDLE/no-such-hook"*"No such file or directory"* ]] || fail "$output"
  assert_no_leftovers "$CTR_ID"
}

@test "hooks: a hook that outlives its timeout is killed and fails create" {
  add_hook createRuntime "$(make_hook slow "echo \$\$ > '$BUNDLE/shared/hook.pid'; exec sleep 30")" 1
  local t0=$SECONDS
  run_bg minirt create --bundle "$BUNDLE" "$CTR_ID"
  [ "$status" -ne 0 ]
  [ $((SECONDS - t0)) -lt 10 ] || fail "create took $((SECONDS - t0))s"
  [[ "$output" == *"hooks.createRuntime[0]: \"$BUNDLE/hooks/slow\" timed out after 1s"* ]] || fail "$output"
  # The hook itself was killed.
  ! kill -0 "$(cat "$BUNDLE/shared/hook.pid")" 2>/dev/null
  assert_no_leftovers "$CTR_ID"
}

@test "hooks: a failing startContainer hook fails start, delete leaves nothing" {
  printf '#!/bin/sh\nexit 4\n' > "$BUNDLE/rootfs/bin/start-hook"
  chmod 755 "$BUNDLE/rootfs/bin/start-hook"
  add_hook startContainer /bin/start-hook
  set_args sh -c 'echo should not run > /shared/ran'
  run_bg minirt create --bundle "$BUNDLE" "$CTR_ID"
  [ "$status" -eq 0 ] || fail "create: $output"
  local pid
  pid=$(minirt state "$CTR_ID" | jq -r .pid)
  run minirt start "$CTR_ID"
  [ "$status" -ne 0 ]
  [[ "$output" == *"hooks.startContainer[0]"*"exited with status 4"* ]] || fail "$output"
  [ ! -e "$BUNDLE/shared/ran" ]
  run minirt delete --force "$CTR_ID"
  [ "$status" -eq 0 ] || fail "delete: $output"
  assert_no_leftovers "$CTR_ID" "$pid"
}

@test "hooks: failing poststart and poststop hooks are warnings" {
  add_hook poststart "$(make_hook ps-fail "exit 5")"
  add_hook poststop "$(make_hook pstop-fail "exit 6")"
  add_hook poststop "$(make_hook pstop-ok "touch '$BUNDLE/shared/second-poststop'")"
  run_bg minirt create --bundle "$BUNDLE" "$CTR_ID"
  [ "$status" -eq 0 ] || fail "create: $output"
  run minirt start "$CTR_ID"
  [ "$status" -eq 0 ] || fail "start: $output"
  [[ "$output" == *"hooks.poststart[0]"* ]] || fail "no warning: $output"
  wait_stopped
  run minirt delete "$CTR_ID"
  [ "$status" -eq 0 ] || fail "delete: $output"
  [[ "$output" == *"hooks.poststop[0]"* ]] || fail "no warning: $output"
  # The spec: the remaining poststop hooks still run.
  [ -e "$BUNDLE/shared/second-poststop" ]
  assert_no_leftovers "$CTR_ID"
}

@test "hooks: with the runtime's stdout and stderr closed, a hook still has an open stdout" {
  # The hook's stdout is the runtime's stderr, or /dev/null when that is
  # closed; with fd 1 closed as well the /dev/null open lands on fd 1
  # itself and must not stay close-on-exec.
  add_hook prestart "$(make_hook check-stdout "if echo probe; then echo open > '$BUNDLE/shared/stdout'; else echo closed > '$BUNDLE/shared/stdout'; fi")"
  set_args true
  minirt run "$CTR_ID" </dev/null >&- 2>&-
  [ "$(cat "$BUNDLE/shared/stdout")" = open ]
  assert_no_leftovers "$CTR_ID"
}
