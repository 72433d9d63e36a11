#!/usr/bin/env bats
# v1 cpuset: a container still starts when its cpuset directories already
# exist but are empty (cpus and mems unset), as a runtime killed between its
# mkdir and the copy of the parent's values leaves them.  Found by bench/run's
# memory-limit search, where the limit kills runtimes mid-create.

load helpers

setup() {
  [ -d /sys/fs/cgroup/cpuset ] && [ -f /sys/fs/cgroup/cpuset/cpuset.cpus ] || skip "no v1 cpuset hierarchy"
  setup_bundle
  local own
  own=$(awk -F: '{ n = split($2, a, ","); for (i = 1; i <= n; i++) if (a[i] == "cpuset") print $3 }' /proc/self/cgroup)
  CPUSET_TOP=/sys/fs/cgroup/cpuset${own%/}/minirt-test-cpuset-$CTR_ID
  update_config ".linux.cgroupsPath = \"minirt-test-cpuset-$CTR_ID/c\""
}

teardown() {
  teardown_bundle
  [ -n "${CPUSET_TOP:-}" ] && [ -d "$CPUSET_TOP" ] && find "$CPUSET_TOP" -depth -type d -exec rmdir {} + 2>/dev/null
  return 0
}

@test "cgroups: empty cpuset directories left by an earlier runtime are filled" {
  mkdir -p "$CPUSET_TOP/c"
  [ -z "$(cat "$CPUSET_TOP/c/cpuset.cpus")" ]
  set_args cat /sys/fs/cgroup/cpuset/cpuset.cpus
  run minirt run "$CTR_ID"
  [ "$status" -eq 0 ] || fail "run failed: $output"
  # The container's own cpuset got its parent's cpus, which are filled too.
  [ -n "$output" ]
  [ "$output" = "$(cat "$CPUSET_TOP/cpuset.cpus")" ]
}

@test "cgroups: an empty pre-existing cpuset parent is filled before the new leaf" {
  mkdir -p "$CPUSET_TOP"
  [ -z "$(cat "$CPUSET_TOP/cpuset.mems")" ]
  set_args true
  run minirt run "$CTR_ID"
  [ "$status" -eq 0 ] || fail "run failed: $output"
  [ -n "$(cat "$CPUSET_TOP/cpuset.cpus")" ]
  [ -n "$(cat "$CPUSET_TOP/cpuset.mems")" ]
}
