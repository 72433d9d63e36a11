#!/usr/bin/env bats
# Leaks: `minirt create` killed with SIGKILL at several points, then
# `minirt delete --force`, leaves no mount, cgroup, state dir or process.

load helpers
load leak_helpers

setup() {
  setup_bundle
  require_lifecycle
  mkdir -p "$BUNDLE/shared"
  set_args sleep 60
}

teardown() {
  [ -n "${HOOK_PID:-}" ] && kill -9 "$HOOK_PID" 2>/dev/null
  [ -n "${CREATE_PID:-}" ] && kill -9 "$CREATE_PID" 2>/dev/null
  teardown_bundle
}

# Start `minirt create` in the background; its pid in CREATE_PID.
create_in_background() {
  "$MINIRT" --root "$STATE_ROOT" create --bundle "$BUNDLE" "$CTR_ID" \
    > "$BUNDLE/create.out" 2>&1 < /dev/null &
  CREATE_PID=$!
}

kill_create() {
  # It may have finished already: then there is a created container.
  kill -9 "$CREATE_PID" 2>/dev/null || true
  wait "$CREATE_PID" 2>/dev/null || true
  CREATE_PID=
}

# delete --force succeeds (an unknown ID is no error with --force) and
# nothing is left; $1: the container init's pid, when known.
delete_and_check() {
  run minirt delete --force "$CTR_ID"
  [ "$status" -eq 0 ] || fail "delete --force: $output"
  [ -z "${1:-}" ] || wait_for_exit "$1" 5 || true
  assert_no_leftovers "$CTR_ID" "${1:-}"
}

# A hook that records the state and its own pid, says it is running, sleeps.
sleeping_hook() {
  make_hook "sleep-$1" "cat > '$BUNDLE/shared/state'
echo \$\$ > '$BUNDLE/shared/hook.pid'
touch '$BUNDLE/shared/in-hook'
exec sleep 60"
}

@test "leaks: SIGKILL of create while a createRuntime hook runs" {
  add_hook createRuntime "$(sleeping_hook createRuntime)"
  create_in_background
  wait_for_file "$BUNDLE/shared/in-hook" 10 || fail "hook never ran: $(cat "$BUNDLE/create.out")"
  HOOK_PID=$(cat "$BUNDLE/shared/hook.pid")
  local pid
  pid=$(jq -r .pid "$BUNDLE/shared/state")
  kill_create
  # The hook is the dead runtime's child on the host, not part of the
  # container: nobody is left to kill it but us.
  kill -9 "$HOOK_PID"
  HOOK_PID=
  # The init waiting for the runtime must not outlive it.
  wait_for_exit "$pid" 5 || fail "container init $pid outlived its runtime"
  delete_and_check "$pid"
}

@test "leaks: SIGKILL of create while a createContainer hook runs" {
  add_hook createContainer "$(sleeping_hook createContainer)"
  create_in_background
  wait_for_file "$BUNDLE/shared/in-hook" 10 || fail "hook never ran: $(cat "$BUNDLE/create.out")"
  HOOK_PID=$(cat "$BUNDLE/shared/hook.pid")
  local pid
  pid=$(jq -r .pid "$BUNDLE/shared/state")
  kill_create
  # This hook runs inside the container's namespaces: it goes with the init.
  wait_for_exit "$pid" 5 || fail "container init $pid outlived its runtime"
  delete_and_check "$pid"
  HOOK_PID=
}

@test "leaks: SIGKILL of create at increasing delays" {
  # From before anything exists to after create returned (create takes
  # some 30-70 ms here): wherever the kill lands, delete --force leaves
  # nothing.
  local delay
  for delay in 0 0.002 0.005 0.01 0.015 0.02 0.03 0.04 0.06 0.1 0.3; do
    create_in_background
    sleep "$delay"
    kill_create
    delete_and_check
  done
}

@test "leaks: a create that fails before writing state leaves nothing, without delete" {
  # The ID check fails first: no lock, no state dir, no cgroup.
  update_config '.process.args = ["no-such-binary-anywhere"]'
  run_bg minirt create --bundle "$BUNDLE" "$CTR_ID"
  [ "$status" -ne 0 ]
  [[ "$output" == *'no-such-binary-anywhere'* ]] || fail "$output"
  assert_no_leftovers "$CTR_ID"
}

@test "leaks: delete --force of a created container removes everything" {
  run_bg minirt create --bundle "$BUNDLE" "$CTR_ID"
  [ "$status" -eq 0 ] || fail "create: $output"
  local pid
  pid=$(minirt state "$CTR_ID" | jq -r .pid)
  [ -d "$STATE_ROOT/$CTR_ID" ]
  delete_and_check "$pid"
}

@test "leaks: delete --force of a running container removes everything" {
  run_bg minirt run -d --bundle "$BUNDLE" "$CTR_ID"
  [ "$status" -eq 0 ] || fail "run: $output"
  local pid
  pid=$(minirt state "$CTR_ID" | jq -r .pid)
  [ "$(minirt state "$CTR_ID" | jq -r .status)" = running ]
  delete_and_check "$pid"
}
