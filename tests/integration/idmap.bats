#!/usr/bin/env bats
# Idmapped bind mounts (runtime-spec 1.2: mounts[].uidMappings/gidMappings,
# options idmap/ridmap): what the container sees through them, what its
# writes become on the host, and the errors.
#
# No runc parity here: Debian's runc 1.1.5 has no idmapped mounts (they
# came with runc 1.2), so these tests check the spec's and runc 1.2's
# behaviour directly.

load helpers
load leak_helpers

bats_require_minimum_version 1.5.0

setup() {
  setup_bundle
  require_lifecycle
  [ "$(minirt features | jq -r .linux.mountExtensions.idmap.enabled)" = true ] || skip "kernel without idmapped mounts"
  # The container's root (host uid 100000) must reach the rootfs, and
  # cannot create mount points in it (the rootfs belongs to host root).
  chmod 755 "$BUNDLE"
  mkdir -p "$BUNDLE/rootfs/vol"
  # The volume: a file of host uid/gid 1000, one of root, a directory of 1000.
  VOL=$BUNDLE/vol
  mkdir -p "$VOL/sub"
  touch "$VOL/f1000" "$VOL/froot"
  chown 1000:1000 "$VOL/f1000" "$VOL/sub"
  NMOUNTS=$(jq '.mounts | length' "$BUNDLE/config.json")
}

teardown() {
  teardown_bundle
}

userns() {
  update_config '.linux.namespaces += [{"type": "user"}]
    | .linux.uidMappings = [{"containerID": 0, "hostID": 100000, "size": 65536}]
    | .linux.gidMappings = [{"containerID": 0, "hostID": 100000, "size": 65536}]'
}

# add_vol OPTIONS_JSON [MAPPINGS_JSON]: VOL at /vol; MAPPINGS_JSON is the
# same list for uidMappings and gidMappings ("" for none).
add_vol() {
  local opts=$1 maps=${2:-}
  if [ -n "$maps" ]; then
    update_config --arg s "$VOL" --argjson o "$opts" --argjson m "$maps" \
      '.mounts += [{"destination": "/vol", "type": "bind", "source": $s, "options": $o, "uidMappings": $m, "gidMappings": $m}]'
  else
    update_config --arg s "$VOL" --argjson o "$opts" \
      '.mounts += [{"destination": "/vol", "type": "bind", "source": $s, "options": $o}]'
  fi
}

# Host uid 1000 (as the volume stores it) is the container's root.
MAP1000='[{"containerID": 1000, "hostID": 100000, "size": 1}]'

# No state dir, cgroup, mount under the bundle, nor any process of this
# test's minirt (the user namespace helper is a fork of it).
assert_clean() {
  assert_no_leftovers "$CTR_ID"
  local left
  left=$(pgrep -f -- "--root $STATE_ROOT" || true)
  [ -z "$left" ] || fail "processes left: $left"
}

@test "idmap: host uid 1000 is root inside, files root makes there belong to host uid 1000" {
  userns
  add_vol '["bind", "idmap"]' "$MAP1000"
  # (the kernel refuses writes to an inode whose owner the mount does not
  # map, such as the root-owned /vol itself: the writes go to /vol/sub)
  set_args sh -c 'stat -c %u:%g /vol/f1000 /vol/froot /vol/sub; touch /vol/sub/new; mkdir /vol/sub/d; grep " /vol " /proc/self/mountinfo'
  run --separate-stderr minirt run "$CTR_ID"
  [ "$status" -eq 0 ] || fail "$stderr"
  [ "${lines[0]}" = 0:0 ]
  # host root is outside the mount's mapping
  [ "${lines[1]}" = 65534:65534 ]
  [ "${lines[2]}" = 0:0 ]
  [[ "${lines[3]}" == *" idmapped "* ]] || [[ "${lines[3]}" == *",idmapped"* ]] || fail "not idmapped: ${lines[3]}"
  [ "$(stat -c %u:%g "$VOL/sub/new")" = 1000:1000 ]
  [ "$(stat -c %u:%g "$VOL/sub/d")" = 1000:1000 ]
  assert_clean
}

@test "idmap on a file: the bind target is a file, its owner mapped" {
  userns
  touch "$BUNDLE/rootfs/onefile"
  update_config --arg s "$VOL/f1000" --argjson m "$MAP1000" \
    '.mounts += [{"destination": "/onefile", "type": "bind", "source": $s, "options": ["bind", "idmap"], "uidMappings": $m, "gidMappings": $m}]'
  set_args sh -c 'stat -c %u:%g:%F /onefile; echo data > /onefile'
  run --separate-stderr minirt run "$CTR_ID"
  [ "$status" -eq 0 ] || fail "$stderr"
  [ "$output" = "0:0:regular empty file" ]
  [ "$(cat "$VOL/f1000")" = data ]
  [ "$(stat -c %u:%g "$VOL/f1000")" = 1000:1000 ]
}

@test "idmap without mappings takes the container's user namespace mappings" {
  userns
  add_vol '["bind", "idmap"]'
  set_args sh -c 'stat -c %u:%g /vol/froot /vol/f1000; touch /vol/new; id -u'
  run --separate-stderr minirt run "$CTR_ID"
  [ "$status" -eq 0 ] || fail "$stderr"
  # the container's own ids are the volume's: no chown needed
  [ "${lines[0]}" = 0:0 ]
  [ "${lines[1]}" = 1000:1000 ]
  [ "${lines[2]}" = 0 ]
  [ "$(stat -c %u:%g "$VOL/new")" = 0:0 ]
}

@test "idmapped mount keeps its options: ro refuses writes, the source is unchanged" {
  userns
  add_vol '["bind", "idmap", "ro", "nosuid"]' "$MAP1000"
  set_args sh -c 'stat -c %u /vol/f1000; touch /vol/x 2>/dev/null && echo written; grep " /vol " /proc/self/mountinfo'
  run --separate-stderr minirt run "$CTR_ID"
  [ "$status" -eq 0 ] || fail "$stderr"
  [ "${lines[0]}" = 0 ]
  [ "${lines[1]}" != written ]
  [[ "${lines[1]}" == *" ro,nosuid"* ]] || fail "options: ${lines[1]}"
  [ ! -e "$VOL/x" ]
}

@test "ridmap: the submounts of an rbind are idmapped too; idmap leaves them as they are" {
  userns
  mount -t tmpfs -o size=1m,mode=755 minirt-idmap-test "$VOL/sub"
  touch "$VOL/sub/inner"
  chown 1000:1000 "$VOL/sub/inner"
  add_vol '["rbind", "ridmap"]' "$MAP1000"
  set_args sh -c 'stat -c %u /vol/f1000 /vol/sub/inner; grep -c "idmapped" /proc/self/mountinfo'
  run --separate-stderr minirt run "$CTR_ID"
  [ "$status" -eq 0 ] || fail "$stderr"
  [ "${lines[0]}" = 0 ]
  [ "${lines[1]}" = 0 ]
  [ "${lines[2]}" = 2 ]

  # Only the top is idmapped: the tmpfs shows host uid 1000, unmapped in
  # the container's user namespace.
  update_config '.mounts[-1].options = ["rbind", "idmap"]'
  run --separate-stderr minirt run "$CTR_ID"
  [ "$status" -eq 0 ] || fail "$stderr"
  [ "${lines[0]}" = 0 ]
  [ "${lines[1]}" = 65534 ]
  [ "${lines[2]}" = 1 ]
}

@test "idmapped mount in a container without a user namespace (runc 1.2 allows it)" {
  add_vol '["bind", "idmap"]' '[{"containerID": 1000, "hostID": 2000, "size": 1}]'
  set_args stat -c %u:%g /vol/f1000
  run --separate-stderr minirt run "$CTR_ID"
  [ "$status" -eq 0 ] || fail "$stderr"
  [ "$output" = 2000:2000 ]
}

@test "idmapped mounts: bad configs are refused naming the field, leaving nothing" {
  userns
  local n=$NMOUNTS base
  base=$(cat "$BUNDLE/config.json")
  check() {
    local want=$1
    run_bg minirt run "$CTR_ID"
    [ "$status" -ne 0 ] || fail "accepted, wanted: $want"
    [ "$output" = "minirt: $want" ] || [[ "$output" == *"$want"* ]] || fail "got: $output; wanted: $want"
    [ "$(printf '%s\n' "$output" | wc -l)" -eq 1 ] || fail "not one line: $output"
    assert_clean
    printf '%s\n' "$base" > "$BUNDLE/config.json"
  }

  update_config --argjson m "$MAP1000" '.mounts += [{"destination": "/t", "type": "tmpfs", "source": "tmpfs", "uidMappings": $m, "gidMappings": $m}]'
  check "config.json: mounts[$n].uidMappings: idmapped mounts are only supported for bind mounts"

  update_config --arg s "$VOL" --argjson m "$MAP1000" '.mounts += [{"destination": "/vol", "type": "bind", "source": $s, "options": ["idmap"], "uidMappings": $m}]'
  check "config.json: mounts[$n].gidMappings: required along with uidMappings"

  add_vol '["bind", "idmap"]' '[{"containerID": 0, "hostID": 1000, "size": 10}, {"containerID": 5, "hostID": 5000, "size": 1}]'
  check "config.json: mounts[$n].uidMappings[1]: containerID range overlaps entry 0"

  add_vol '["bind", "idmap"]' '[{"containerID": 0, "hostID": 1000, "size": 0}]'
  check "config.json: mounts[$n].uidMappings[0].size"

  # The helper user namespace exists by the time the source is missing.
  update_config --argjson m "$MAP1000" '.mounts += [{"destination": "/vol", "type": "bind", "source": "/nonexistent-minirt-idmap", "options": ["idmap"], "uidMappings": $m, "gidMappings": $m}]'
  check "config.json: mounts[$n].source: open_tree \"/nonexistent-minirt-idmap\": No such file or directory"

  # procfs has no idmapped mounts.
  update_config --argjson m "$MAP1000" '.mounts += [{"destination": "/vol", "type": "bind", "source": "/proc/self/fdinfo", "options": ["rbind", "ridmap"], "uidMappings": $m, "gidMappings": $m}]'
  check "config.json: mounts[$n].uidMappings: \"/proc/self/fdinfo\" cannot be idmapped (a filesystem without support?): Invalid argument"

  # Without a user namespace, "idmap" alone has no mappings to take.
  update_config 'del(.linux.uidMappings, .linux.gidMappings) | .linux.namespaces |= map(select(.type != "user"))'
  base=$(cat "$BUNDLE/config.json")
  add_vol '["bind", "idmap"]'
  check "config.json: mounts[$n].options: \"idmap\" without uidMappings/gidMappings uses the container's user namespace, and linux.namespaces has none"
}

@test "idmapped mount: a failure after the mount leaves nothing on the host" {
  userns
  add_vol '["bind", "idmap"]' "$MAP1000"
  set_args /nonexistent-binary
  run_bg minirt run "$CTR_ID"
  [ "$status" -ne 0 ]
  [[ "$output" == *nonexistent-binary* ]] || fail "$output"
  assert_clean
  ! grep idmapped /proc/self/mountinfo | grep -F "$VOL" || fail "idmapped mount left on the host"
}

@test "idmapped mount with create / start / delete: the mount lives and dies with the container" {
  userns
  add_vol '["bind", "idmap"]' "$MAP1000"
  set_args sh -c 'stat -c %u /vol/f1000; sleep 100'
  run_bg minirt create "$CTR_ID"
  [ "$status" -eq 0 ] || fail "$output"
  local pid
  pid=$(minirt state "$CTR_ID" | jq -r .pid)
  grep " /vol " "/proc/$pid/mountinfo" | grep -q idmapped
  ! grep idmapped /proc/self/mountinfo | grep -F "$VOL"
  run -0 minirt delete --force "$CTR_ID"
  assert_clean
}

@test "idmap without mappings in a container joining a user namespace by path takes that namespace's mappings" {
  update_config '.linux.namespaces += [{"type": "user"}]
    | .linux.uidMappings = [{"containerID": 0, "hostID": 200000, "size": 65536}]
    | .linux.gidMappings = [{"containerID": 0, "hostID": 200000, "size": 65536}]'
  set_args sleep 100
  run_bg minirt create "$CTR_ID-a"
  [ "$status" -eq 0 ] || fail "$output"
  local pid
  pid=$(minirt state "$CTR_ID-a" | jq -r .pid)
  update_config --arg p "/proc/$pid/ns/user" --arg c "minirt-test/$CTR_ID-b" 'del(.linux.uidMappings, .linux.gidMappings)
    | .linux.cgroupsPath = $c
    | .linux.namespaces |= map(if .type == "user" then .path = $p else . end)'
  add_vol '["bind", "idmap"]'
  set_args sh -c 'stat -c %u:%g /vol/froot /vol/f1000; touch /vol/new'
  run --separate-stderr minirt run "$CTR_ID-b"
  [ "$status" -eq 0 ] || fail "$stderr"
  [ "${lines[0]}" = 0:0 ]
  [ "${lines[1]}" = 1000:1000 ]
  [ "$(stat -c %u:%g "$VOL/new")" = 0:0 ]
  run -0 minirt delete --force "$CTR_ID-a"
}
