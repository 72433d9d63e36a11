#!/usr/bin/env bats
# Cgroups: linux.resources land in the container's cgroup files, seen from
# the host (through /proc/<pid>/cgroup) and from inside (hello.json's cgroup
# mount); limits are enforced; kill --all; delete removes the cgroup; a
# refused write fails create naming the field and leaves nothing behind.
# Only relative cgroupsPath values (minirt-test/<id>, set by setup_bundle):
# they nest under the test's own cgroup.

load helpers

bats_require_minimum_version 1.5.0

setup() {
  setup_bundle
}

teardown() {
  teardown_bundle
}

# Every cgroup directory of a pid, one per line (v1: one per hierarchy).
cg_dirs() {
  local pid=$1
  if is_v2; then
    cg_dir "$pid" ""
  else
    awk -F: '$2 != "" { split($2, a, ","); c = a[1]; sub(/^name=/, "", c); print "/sys/fs/cgroup/" c $3 }' "/proc/$pid/cgroup"
  fi
}

limits() {
  update_config '.linux.resources = {
    "memory": {"limit": 67108864},
    "pids": {"limit": 33},
    "cpu": {"shares": 512, "quota": 50000, "period": 100000}
  }'
}

start_sleeper() {
  set_args sleep 1000
  minirt run -d "$CTR_ID" </dev/null >/dev/null 2>&1
  PID=$(minirt state "$CTR_ID" | jq -r .pid)
  [ "$PID" -gt 0 ]
}

# No cgroup of $CTR_ID is left in any hierarchy.
assert_no_container_cgroup() {
  local ctrl
  if is_v2; then
    [ ! -e "/sys/fs/cgroup/minirt-test/$CTR_ID" ]
  else
    for ctrl in cpu pids memory devices freezer; do
      [ ! -e "$(awk -F: -v c="$ctrl" '$2 == c { print "/sys/fs/cgroup/" c $3 }' /proc/self/cgroup)/minirt-test/$CTR_ID" ]
    done
  fi
}

@test "cgroups: memory, pids and cpu limits are in the container's cgroup (host view)" {
  limits
  start_sleeper
  # The cgroup nests under ours at minirt-test/<id>.
  [[ "$(cg_dir "$PID" pids)" == */minirt-test/$CTR_ID ]]
  if is_v2; then
    local d
    d=$(cg_dir "$PID" "")
    [ "$(cat "$d/memory.max")" = 67108864 ]
    [ "$(cat "$d/pids.max")" = 33 ]
    [ "$(cat "$d/cpu.max")" = "50000 100000" ]
    [ "$(cat "$d/cpu.weight")" = 20 ]
  else
    [ "$(cat "$(cg_dir "$PID" memory)/memory.limit_in_bytes")" = 67108864 ]
    [ "$(cat "$(cg_dir "$PID" pids)/pids.max")" = 33 ]
    [ "$(cat "$(cg_dir "$PID" cpu)/cpu.cfs_quota_us")" = 50000 ]
    [ "$(cat "$(cg_dir "$PID" cpu)/cpu.cfs_period_us")" = 100000 ]
    [ "$(cat "$(cg_dir "$PID" cpu)/cpu.shares")" = 512 ]
    # The new cpuset got the parent's cpus and mems.
    [ -n "$(cat "$(cg_dir "$PID" cpuset)/cpuset.cpus")" ]
    # Every hierarchy holds the container's init.
    local d
    for d in $(cg_dirs "$PID"); do
      grep -qx "$PID" "$d/cgroup.procs"
    done
  fi
}

@test "cgroups: the container reads its limits through its cgroup mount" {
  is_v2 && skip "v1 layout of the cgroup mount"
  limits
  set_args sh -c 'cat /sys/fs/cgroup/pids/pids.max /sys/fs/cgroup/memory/memory.limit_in_bytes /sys/fs/cgroup/cpu/cpu.cfs_quota_us /sys/fs/cgroup/cpu/cpu.shares'
  run -0 minirt run "$CTR_ID"
  [ "${lines[0]}" = 33 ]
  [ "${lines[1]}" = 67108864 ]
  [ "${lines[2]}" = 50000 ]
  [ "${lines[3]}" = 512 ]
}

@test "cgroups: the same limits as runc sees them" {
  is_v2 && skip "v1 layout of the cgroup mount"
  command -v runc >/dev/null || skip "runc not installed"
  limits
  set_args sh -c 'cat /sys/fs/cgroup/pids/pids.max /sys/fs/cgroup/memory/memory.limit_in_bytes /sys/fs/cgroup/cpu/cpu.cfs_quota_us /sys/fs/cgroup/cpu/cpu.cfs_period_us /sys/fs/cgroup/cpu/cpu.shares; cat /sys/fs/cgroup/devices/devices.list | sort; cat /proc/self/cgroup'
  run -0 minirt run "$CTR_ID"
  local ours=$output
  update_config ".linux.cgroupsPath = \"minirt-test/$CTR_ID-runc\""
  # runc removes only its leaf: remember which minirt-test parents it makes.
  local parents=() p
  for p in $(awk -F: '$2 != "" { split($2, a, ","); c = a[1]; sub(/^name=/, "", c); print "/sys/fs/cgroup/" c $3 "/minirt-test" }' /proc/self/cgroup | sed 's|//*|/|g'); do
    [ -e "$p" ] || parents+=("$p")
  done
  # On a hybrid host runc also nests in the cgroup2 mount.
  for p in $(awk -F: '$1 == 0 { print "/sys/fs/cgroup/unified" $3 "/minirt-test" }' /proc/self/cgroup | sed 's|//*|/|g'); do
    [ -d /sys/fs/cgroup/unified ] || continue
    [ -e "$p" ] || parents+=("$p")
  done
  run -0 runc_ run "$CTR_ID-runc"
  for p in "${parents[@]}"; do rmdir "$p" 2>/dev/null || true; done
  # Same limits, same device list, same cgroup in every hierarchy.
  [ "${output//$CTR_ID-runc/$CTR_ID}" = "$ours" ]
}

@test "cgroups: blockIO, cpuset and the other memory knobs reach their files, as with runc" {
  is_v2 && skip "v1 file names"
  command -v runc >/dev/null || skip "runc not installed"
  local dev
  dev=$(awk 'NR > 2 && $1 != "" { print $1 ":" $2; exit }' /proc/partitions)
  [ -n "$dev" ] || skip "no block device"
  update_config --arg maj "${dev%:*}" --arg min "${dev#*:}" '.linux.resources = {
    "blockIO": {"weight": 300, "throttleReadBpsDevice": [{"major": ($maj | tonumber), "minor": ($min | tonumber), "rate": 1048576}]},
    "cpu": {"cpus": "0", "mems": "0"},
    "memory": {"limit": 33554432, "reservation": 16777216, "swappiness": 10, "kernelTCP": 8388608}
  }'
  local w=blkio.weight
  [ -e /sys/fs/cgroup/blkio/blkio.weight ] || w=blkio.bfq.weight
  set_args sh -c "cd /sys/fs/cgroup && cat blkio/$w blkio/blkio.throttle.read_bps_device cpuset/cpuset.cpus cpuset/cpuset.mems memory/memory.limit_in_bytes memory/memory.soft_limit_in_bytes memory/memory.swappiness memory/memory.kmem.tcp.limit_in_bytes"
  run -0 minirt run "$CTR_ID"
  [ "${lines[0]}" = 300 ]
  [ "${lines[1]}" = "$dev 1048576" ]
  [ "${lines[2]}" = 0 ]
  [ "${lines[4]}" = 33554432 ]
  [ "${lines[5]}" = 16777216 ]
  [ "${lines[6]}" = 10 ]
  # kernelTCP is ignored, as runc 1.1 ignores it.
  [ "${lines[7]}" != 8388608 ]
  local ours=$output
  update_config ".linux.cgroupsPath = \"minirt-test/$CTR_ID-runc\""
  local parents=() p
  for p in $(awk -F: '{ c = "unified"; if ($2 != "") { split($2, a, ","); c = a[1]; sub(/^name=/, "", c) } print "/sys/fs/cgroup/" c $3 "/minirt-test" }' /proc/self/cgroup | sed 's|//*|/|g'); do
    [ -e "$p" ] || parents+=("$p")
  done
  run -0 --separate-stderr runc_ run "$CTR_ID-runc"
  for p in "${parents[@]}"; do rmdir "$p" 2>/dev/null || true; done
  [ "$output" = "$ours" ]
}

@test "cgroups: pids.limit is enforced" {
  update_config '.linux.resources = {"pids": {"limit": 4}}'
  set_args sh -c 'for i in 1 2 3 4 5 6 7 8; do sleep 30 & done; echo started'
  run minirt run "$CTR_ID"
  [[ "$output" == *"can't fork"* || "$output" == *"Resource temporarily unavailable"* ]]
}

@test "cgroups: memory.limit is enforced (the OOM killer stops a hog)" {
  update_config '.linux.resources = {"memory": {"limit": 16777216}}'
  # No swap either (where the kernel accounts it), or the hog just swaps.
  if is_v2 || [ -e /sys/fs/cgroup/memory/memory.memsw.limit_in_bytes ]; then
    update_config '.linux.resources.memory.swap = 16777216'
  fi
  # Twice the limit in a shell variable.
  set_args sh -c 'x=$(head -c 33554432 /dev/zero | tr "\0" a); echo survived ${#x}'
  run minirt run "$CTR_ID"
  [ "$status" -ne 0 ]
  [[ "$output" != *survived* ]]
}

@test "cgroups: devices: the default list denies /dev/kmsg, linux.resources.devices allows it" {
  # Opened write-only, and no byte written: read needs CAP_SYSLOG, write-only
  # opens only pass the device cgroup.
  update_config '.process.capabilities.bounding += ["CAP_MKNOD"] | .process.capabilities.effective += ["CAP_MKNOD"] | .process.capabilities.permitted += ["CAP_MKNOD"]'
  update_config '.linux.resources.devices = [{"allow": false, "access": "rwm"}]'
  set_args sh -c 'mknod /dev/km c 1 11 && echo made; true > /dev/km && echo opened; true < /dev/null && echo null'
  run minirt run "$CTR_ID"
  [[ "$output" == *made* ]]
  [[ "$output" != *opened* ]]
  [[ "$output" == *"Operation not permitted"* ]]
  [[ "$output" == *null* ]]
  update_config '.linux.resources.devices += [{"allow": true, "type": "c", "major": 1, "minor": 11, "access": "w"}]'
  run minirt run "$CTR_ID"
  [[ "$output" == *opened* ]]
}

@test "cgroups: delete removes the cgroup in every hierarchy" {
  limits
  start_sleeper
  local dirs d
  dirs=$(cg_dirs "$PID")
  [ -n "$dirs" ]
  for d in $dirs; do [ -d "$d" ]; done
  run -0 minirt delete --force "$CTR_ID"
  for d in $dirs; do
    [ ! -e "$d" ] || fail "$d left behind"
  done
}

@test "cgroups: delete also removes sub-cgroups made below the container's cgroup" {
  start_sleeper
  local dirs d
  dirs=$(cg_dirs "$PID")
  [ -n "$dirs" ]
  for d in $dirs; do mkdir -p "$d/sub/deeper"; done
  run -0 minirt delete --force "$CTR_ID"
  for d in $dirs; do
    [ ! -e "$d" ] || fail "$d left behind"
  done
}

@test "cgroups: run in the foreground removes its cgroup when the container exits" {
  set_args sh -c 'cat /proc/self/cgroup'
  run -0 minirt run "$CTR_ID"
  local line path
  line=$(echo "$output" | grep -E '^[0-9]+:(pids)?:' | head -1)
  path=${line#*:*:}
  [[ "$path" == */minirt-test/$CTR_ID ]]
  if is_v2; then
    [ ! -e "/sys/fs/cgroup$path" ]
  else
    [ ! -e "/sys/fs/cgroup/pids$path" ]
  fi
}

@test "cgroups: kill --all signals every process in the cgroup" {
  set_args sh -c 'sleep 1000 & sleep 1000 & wait'
  minirt run -d "$CTR_ID" </dev/null >/dev/null 2>&1
  PID=$(minirt state "$CTR_ID" | jq -r .pid)
  local d
  d=$(cg_dir "$PID" pids)
  # init and its two sleeps
  for _ in $(seq 50); do [ "$(wc -l < "$d/cgroup.procs")" -ge 3 ] && break; sleep 0.1; done
  [ "$(wc -l < "$d/cgroup.procs")" -ge 3 ]
  run -0 minirt kill --all "$CTR_ID" KILL
  for _ in $(seq 50); do [ ! -s "$d/cgroup.procs" ] && break; sleep 0.1; done
  [ ! -s "$d/cgroup.procs" ]
  run -0 minirt delete "$CTR_ID"
  [ ! -e "$d" ]
}

@test "cgroups: a refused write fails create, names the field and the file, and leaves nothing" {
  update_config '.linux.resources = {"cpu": {"quota": 500, "period": 100000}}'
  run minirt run "$CTR_ID"
  [ "$status" -ne 0 ]
  [[ "$output" == *"linux.resources.cpu.quota: write cpu."*": Invalid argument"* ]]
  [ ! -e "$STATE_ROOT/$CTR_ID" ]
  assert_no_container_cgroup
}

@test "cgroups: a memory limit too small for set-up: the OOM kill is named, nothing is left" {
  # One page: the init is OOM-killed while it sets up, before it can say
  # why.  runc 1.1.5 refuses the limit itself (its own set-up already uses
  # more); minirt's init joins first, so the cgroup's OOM count tells.
  update_config '.linux.resources = {"memory": {"limit": 4096}}'
  run minirt run "$CTR_ID"
  [ "$status" -eq 1 ]
  [ "$output" = "minirt: linux.resources.memory.limit: the container's init was OOM-killed during set-up (memory limit too low?)" ]
  [ ! -e "$STATE_ROOT/$CTR_ID" ]
  assert_no_container_cgroup
}

@test "cgroups: unified keys are refused on cgroup v1" {
  is_v2 && skip "cgroup v2 host"
  update_config '.linux.resources.unified = {"memory.high": "1000000"}'
  run minirt run "$CTR_ID"
  [ "$status" -ne 0 ]
  [[ "$output" == *"linux.resources.unified"* ]]
  [ ! -e "/sys/fs/cgroup/pids/minirt-test/$CTR_ID" ]
}

@test "cgroups: --cgroup-manager disabled creates no cgroup" {
  set_args sh -c 'cat /proc/self/cgroup'
  run -0 "$MINIRT" --root "$STATE_ROOT" --cgroup-manager disabled run "$CTR_ID"
  [[ "$output" != *minirt-test* ]]
  [ ! -e "/sys/fs/cgroup/pids/minirt-test/$CTR_ID" ]
}

@test "cgroups: --systemd-cgroup without systemd is a clear error" {
  [ -d /run/systemd/system ] && skip "systemd is running here"
  update_config ".linux.cgroupsPath = \"system.slice:minirt:$CTR_ID\""
  run "$MINIRT" --root "$STATE_ROOT" --systemd-cgroup run "$CTR_ID"
  [ "$status" -ne 0 ]
  [[ "$output" == *"systemd cgroup driver: systemd is not running"* ]]
  [ ! -e "$STATE_ROOT/$CTR_ID" ]
}
