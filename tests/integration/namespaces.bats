#!/usr/bin/env bats
# Namespaces as the container sees them: created ones, joined ones, user
# namespace mappings, cgroup and time namespaces, hostname/domainname.

load helpers

bats_require_minimum_version 1.5.0

setup() {
  setup_bundle
}

teardown() {
  teardown_bundle
}

create_ctr() {
  minirt create --bundle "$BUNDLE" "$@" </dev/null >"$BUNDLE/create.out" 2>"$BUNDLE/create.err"
}

# A second container of the same bundle gets its own cgroup (deleting it
# kills everything in its cgroup).
own_cgroup() {
  update_config --arg c "minirt-test/$1" '.linux.cgroupsPath = $c'
}

add_ns() {
  update_config --arg t "$1" '.linux.namespaces += [{"type": $t}]'
}

@test "pid namespace: the container's process is pid 1" {
  set_args sh -c 'echo $$; ps -o pid= | head -1 2>/dev/null; true'
  run --separate-stderr minirt run "$CTR_ID"
  [ "$status" -eq 0 ]
  [ "${lines[0]}" = 1 ]
}

@test "uts namespace: hostname and domainname are the config's, the host's stay" {
  local host_name
  host_name=$(hostname)
  update_config '.hostname = "box-one" | .domainname = "example.test"'
  set_args sh -c 'hostname; cat /proc/sys/kernel/domainname'
  run --separate-stderr minirt run "$CTR_ID"
  [ "$status" -eq 0 ]
  [ "${lines[0]}" = box-one ]
  [ "${lines[1]}" = example.test ]
  [ "$(hostname)" = "$host_name" ]
}

@test "created namespaces differ from the host's" {
  add_ns cgroup
  set_args sh -c 'for n in pid net ipc uts mnt cgroup; do echo "$n $(readlink /proc/self/ns/$n)"; done'
  run --separate-stderr minirt run "$CTR_ID"
  [ "$status" -eq 0 ]
  [ "${#lines[@]}" -eq 6 ]
  local n inode
  while read -r n inode; do
    [ -n "$inode" ]
    [ "$inode" != "$(readlink /proc/self/ns/"$n")" ] || fail "$n namespace is the host's: $inode"
  done <<<"$output"
}

@test "without a namespace entry the container shares the host's" {
  # (no cgroup mount: /sys comes from the host without a net namespace)
  update_config '.linux.namespaces |= map(select(.type != "network" and .type != "ipc"))
    | .mounts |= map(select(.type != "cgroup"))'
  set_args sh -c 'readlink /proc/self/ns/net; readlink /proc/self/ns/ipc'
  run --separate-stderr minirt run "$CTR_ID"
  [ "$status" -eq 0 ]
  [ "${lines[0]}" = "$(readlink /proc/self/ns/net)" ]
  [ "${lines[1]}" = "$(readlink /proc/self/ns/ipc)" ]
}

@test "network namespace: only a loopback interface" {
  set_args sh -c 'ls /sys/class/net'
  run --separate-stderr minirt run "$CTR_ID"
  [ "$status" -eq 0 ]
  [ "$output" = lo ]
}

@test "joining namespaces by path: a second container shares the first one's net, ipc and uts" {
  update_config '.hostname = "first"'
  set_args sleep 100
  create_ctr "$CTR_ID-a"
  local pid
  pid=$(minirt state "$CTR_ID-a" | jq -r .pid)
  local want_net want_ipc want_uts
  want_net=$(readlink "/proc/$pid/ns/net")
  want_ipc=$(readlink "/proc/$pid/ns/ipc")
  want_uts=$(readlink "/proc/$pid/ns/uts")

  update_config --arg p "/proc/$pid/ns" 'del(.hostname) | .linux.namespaces |= map(
      if .type == "network" then .path = ($p + "/net")
      elif .type == "ipc" then .path = ($p + "/ipc")
      elif .type == "uts" then .path = ($p + "/uts") else . end)'
  set_args sh -c 'readlink /proc/self/ns/net; readlink /proc/self/ns/ipc; readlink /proc/self/ns/uts; hostname'
  own_cgroup "$CTR_ID-b"
  run --separate-stderr minirt run "$CTR_ID-b"
  [ "$status" -eq 0 ]
  [ "${lines[0]}" = "$want_net" ]
  [ "${lines[1]}" = "$want_ipc" ]
  [ "${lines[2]}" = "$want_uts" ]
  [ "${lines[3]}" = first ]
}

@test "joining a pid namespace by path: the second container sees the first one's init" {
  set_args sleep 100
  create_ctr "$CTR_ID-a"
  minirt start "$CTR_ID-a"
  local pid
  pid=$(minirt state "$CTR_ID-a" | jq -r .pid)
  update_config --arg p "/proc/$pid/ns/pid" '.linux.namespaces |= map(if .type == "pid" then .path = $p else . end)'
  set_args sh -c 'echo $$; cat /proc/1/cmdline | tr "\0" " "'
  own_cgroup "$CTR_ID-b"
  run --separate-stderr minirt run "$CTR_ID-b"
  [ "$status" -eq 0 ]
  [ "${lines[0]}" != 1 ]
  [ "${lines[1]}" = "sleep 100 " ]
  # minirt itself stays in its own pid namespace
  [ "$(readlink /proc/self/ns/pid)" != "$(readlink "/proc/$pid/ns/pid")" ]
}

@test "user namespace: uid 0 inside is the mapped uid outside" {
  update_config '.linux.namespaces += [{"type": "user"}]
    | .linux.uidMappings = [{"containerID": 0, "hostID": 100000, "size": 65536}]
    | .linux.gidMappings = [{"containerID": 0, "hostID": 100000, "size": 65536}]'
  set_args sh -c 'id -u; id -g; cat /proc/self/uid_map; sleep 100'
  # the mapped root must be able to reach the rootfs (mktemp -d is 0700)
  chmod 755 "$BUNDLE"
  minirt run --detach "$CTR_ID" </dev/null >"$BUNDLE/out" 2>"$BUNDLE/err" || { cat "$BUNDLE/err"; false; }
  local pid
  pid=$(minirt state "$CTR_ID" | jq -r .pid)
  for _ in $(seq 50); do
    [ "$(wc -l <"$BUNDLE/out")" -ge 3 ] && break
    sleep 0.05
  done
  run cat "$BUNDLE/out"
  [ "${lines[0]}" = 0 ]
  [ "${lines[1]}" = 0 ]
  [[ "${lines[2]}" =~ ^\ *0\ +100000\ +65536$ ]]
  # the host sees the mapped ids
  grep -E '^Uid:\s+100000\s+100000' "/proc/$pid/status"
  grep -E '^Gid:\s+100000\s+100000' "/proc/$pid/status"
  [ "$(readlink "/proc/$pid/ns/user")" != "$(readlink /proc/self/ns/user)" ]
}

@test "joining a user namespace by path: the new namespaces belong to it (pod-style)" {
  chmod 755 "$BUNDLE"
  update_config '.linux.namespaces += [{"type": "user"}]
    | .linux.uidMappings = [{"containerID": 0, "hostID": 200000, "size": 65536}]
    | .linux.gidMappings = [{"containerID": 0, "hostID": 200000, "size": 65536}]'
  set_args sleep 100
  create_ctr "$CTR_ID-a"
  local pid
  pid=$(minirt state "$CTR_ID-a" | jq -r .pid)
  # b joins a's user and network namespaces and makes its own mount, pid,
  # ipc and uts namespaces inside that user namespace (mounting proc and
  # sysfs there needs them to be owned by it).
  update_config --arg p "/proc/$pid/ns" 'del(.linux.uidMappings, .linux.gidMappings)
    | .linux.namespaces |= map(
        if .type == "user" then .path = ($p + "/user")
        elif .type == "network" then .path = ($p + "/net") else . end)'
  set_args sh -c 'id -u; readlink /proc/self/ns/user; readlink /proc/self/ns/net; cat /proc/self/uid_map; echo $$'
  own_cgroup "$CTR_ID-b"
  run --separate-stderr minirt run "$CTR_ID-b"
  [ "$status" -eq 0 ] || fail "$stderr"
  [ "${lines[0]}" = 0 ]
  [ "${lines[1]}" = "$(readlink "/proc/$pid/ns/user")" ]
  [ "${lines[2]}" = "$(readlink "/proc/$pid/ns/net")" ]
  [[ "${lines[3]}" =~ ^\ *0\ +200000\ +65536$ ]]
  [ "${lines[4]}" = 1 ]
}

@test "a new user namespace next to a joined host-owned network namespace" {
  chmod 755 "$BUNDLE"
  set_args sleep 100
  create_ctr "$CTR_ID-a"
  local pid
  pid=$(minirt state "$CTR_ID-a" | jq -r .pid)
  update_config --arg p "/proc/$pid/ns/net" '.linux.namespaces |= map(if .type == "network" then .path = $p else . end)
    | .linux.namespaces += [{"type": "user"}]
    | .linux.uidMappings = [{"containerID": 0, "hostID": 300000, "size": 65536}]
    | .linux.gidMappings = [{"containerID": 0, "hostID": 300000, "size": 65536}]
    | .mounts |= map(select(.type != "sysfs" and .type != "cgroup"))'
  set_args sh -c 'id -u; readlink /proc/self/ns/net; readlink /proc/self/ns/user'
  own_cgroup "$CTR_ID-b"
  run --separate-stderr minirt run "$CTR_ID-b"
  [ "$status" -eq 0 ] || fail "$stderr"
  [ "${lines[0]}" = 0 ]
  [ "${lines[1]}" = "$(readlink "/proc/$pid/ns/net")" ] || fail "got ${lines[1]} want $(readlink /proc/$pid/ns/net) pid=$pid"
  [ "${lines[2]}" != "$(readlink /proc/self/ns/user)" ]
}

@test "user namespace without mappings is refused and leaves nothing" {
  add_ns user
  run minirt run "$CTR_ID"
  [ "$status" -ne 0 ]
  [[ "$output" == *"Mappings"* ]]
  [ ! -e "$STATE_ROOT/$CTR_ID" ]
}

@test "cgroup namespace: the container's cgroup is its root" {
  add_ns cgroup
  set_args cat /proc/self/cgroup
  run --separate-stderr minirt run "$CTR_ID"
  [ "$status" -eq 0 ]
  # every hierarchy the container is in appears as "/"
  echo "$output" | grep -q .
  ! echo "$output" | grep -v -E ':/$'
}

@test "time namespace: timeOffsets move the container's boottime and monotonic clocks" {
  [ -e /proc/self/ns/time ] || skip "no time namespaces"
  add_ns time
  update_config '.linux.timeOffsets = {"boottime": {"secs": 864000, "nanosecs": 0}, "monotonic": {"secs": 432000}}'
  set_args sh -c 'cut -d. -f1 /proc/uptime; readlink /proc/self/ns/time'
  run --separate-stderr minirt run "$CTR_ID"
  [ "$status" -eq 0 ]
  local host_up
  host_up=$(cut -d. -f1 /proc/uptime)
  [ "${lines[0]}" -ge $((host_up + 864000 - 5)) ]
  [ "${lines[0]}" -le $((host_up + 864000 + 60)) ]
  [ "${lines[1]}" != "$(readlink /proc/self/ns/time)" ]
}

@test "timeOffsets without a time namespace are refused" {
  update_config '.linux.timeOffsets = {"boottime": {"secs": 10}}'
  run minirt run "$CTR_ID"
  [ "$status" -ne 0 ]
  [[ "$output" == *"timeOffsets"* ]]
  [ ! -e "$STATE_ROOT/$CTR_ID" ]
}

@test "hostname without a uts namespace is refused" {
  update_config '.linux.namespaces |= map(select(.type != "uts")) | .hostname = "nope"'
  run minirt run "$CTR_ID"
  [ "$status" -ne 0 ]
  [[ "$output" == *"hostname"* ]]
  [ ! -e "$STATE_ROOT/$CTR_ID" ]
}

@test "a mapping the kernel refuses fails naming linux.uidMappings and leaves nothing" {
  update_config '.linux.namespaces += [{"type": "user"}]
    | .linux.uidMappings = [{"containerID": 0, "hostID": 100000, "size": 1000}, {"containerID": 500, "hostID": 200000, "size": 1000}]
    | .linux.gidMappings = [{"containerID": 0, "hostID": 100000, "size": 65536}]'
  run minirt run "$CTR_ID"
  [ "$status" -ne 0 ]
  [[ "$output" == *"linux.uidMappings"* ]]
  [ "${#lines[@]}" -eq 1 ]
  [ ! -e "$STATE_ROOT/$CTR_ID" ]
  [ -z "$(find /sys/fs/cgroup -path "*minirt-test/$CTR_ID" -type d 2>/dev/null)" ]
}

@test "a new network namespace has lo up with 127.0.0.1, as under runc" {
  set_args sh -c 'ip -o addr show lo; ip -o link show lo'
  run minirt run "$CTR_ID"
  echo "$output"
  [ "$status" -eq 0 ]
  [[ "$output" == *"inet 127.0.0.1/8"* ]]
  [[ "$output" == *"<LOOPBACK,UP,LOWER_UP>"* ]]
}
