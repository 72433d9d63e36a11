#!/usr/bin/env bats
# The container's root filesystem as the container sees it: mounts and
# their flags, root.readonly, readonly and masked paths, /dev, linux.devices,
# symlink escapes, sysctl, --no-pivot, propagation; parity with runc.

load helpers

bats_require_minimum_version 1.5.0

setup() {
  setup_bundle "$REPO_ROOT/specs/default.json"
  update_config '.process.terminal = false'
  HOSTDIR=
}

teardown() {
  teardown_bundle
  if [ -n "$HOSTDIR" ]; then
    grep -F " $HOSTDIR" /proc/self/mountinfo | awk '{print $5}' | sort -r | while read -r m; do umount -l "$m"; done
    rm -rf "$HOSTDIR"
  fi
}

# Run the container with `sh -c SCRIPT`; status/output/stderr as bats `run`.
run_sh() {
  set_args sh -c "$1"
  run --separate-stderr minirt run "$CTR_ID"
}

# The mountinfo line of mount point $1 in $output.
mnt_line() {
  awk -v m="$1" '$5 == m' <<<"$output"
}

@test "mountinfo shows the mounts of config.json with their flags and data" {
  run_sh 'cat /proc/self/mountinfo'
  [ "$status" -eq 0 ] || { echo "status=$status out=$output err=$stderr"; false; }
  [[ "$(mnt_line /proc)" == *" - proc proc "* ]]
  local dev
  dev=$(mnt_line /dev)
  [[ "$dev" == *" rw,nosuid "* && "$dev" == *" - tmpfs tmpfs "* && "$dev" == *size=65536k* && "$dev" == *mode=755* ]]
  local pts
  pts=$(mnt_line /dev/pts)
  [[ "$pts" == *" rw,nosuid,noexec,"* && "$pts" == *" - devpts devpts "* && "$pts" == *ptmxmode=666* && "$pts" == *gid=5* ]]
  [[ "$(mnt_line /dev/shm)" == *" rw,nosuid,nodev,noexec,"* ]]
  [[ "$(mnt_line /dev/mqueue)" == *" - mqueue mqueue "* ]]
  [[ "$(mnt_line /sys)" == *" ro,nosuid,nodev,noexec,"*" - sysfs "* ]]
  [[ "$(mnt_line /sys/fs/cgroup)" == *" - tmpfs "* ]]
  # Every v1 hierarchy of the host is bound read-only.
  if ! grep -q ' /sys/fs/cgroup cgroup2 ' /proc/mounts; then
    [[ "$(mnt_line /sys/fs/cgroup/memory)" == *" ro,nosuid,nodev,noexec,"*" - cgroup cgroup "*memory* ]]
  fi
  # The root is the bundle's rootfs.
  [[ "$(mnt_line /)" == *" $BUNDLE/rootfs / "* ]]
}

@test "root.readonly: the root is read-only, tmpfs mounts stay writable" {
  run_sh 'touch /x; echo rc=$?; touch /dev/shm/ok && echo shm-ok'
  [ "$status" -eq 0 ] || { echo "status=$status out=$output err=$stderr"; false; }
  [[ "$stderr" == *"/x: Read-only file system"* ]]
  [[ "$output" == *"rc=1"* && "$output" == *shm-ok* ]]
  [ ! -e "$BUNDLE/rootfs/x" ]
  update_config '.root.readonly = false'
  run_sh 'touch /x && echo root-rw'
  [ "$status" -eq 0 ] || { echo "status=$status out=$output err=$stderr"; false; }
  [ "$output" = root-rw ]
  [ -e "$BUNDLE/rootfs/x" ]
}

@test "readonlyPaths: writes fail, the source's nosuid/nodev/noexec are kept" {
  update_config '.root.readonly = false | .linux.readonlyPaths += ["/var/www", "/dev/shm", "/does/not/exist"]'
  run_sh 'echo 1 > /proc/sys/kernel/ns_last_pid; echo rc=$?; touch /var/www/x; echo rc=$?; touch /tmp/x && echo tmp-ok; cat /proc/self/mountinfo'
  [ "$status" -eq 0 ] || { echo "status=$status out=$output err=$stderr"; false; }
  [[ "$stderr" == *"/proc/sys/kernel/ns_last_pid: Read-only file system"* ]]
  [[ "$stderr" == *"/var/www/x: Read-only file system"* ]]
  [ "${lines[0]}" = rc=1 ]
  [ "${lines[1]}" = rc=1 ]
  [ "${lines[2]}" = tmp-ok ]
  [[ "$(mnt_line /proc/sys)" == *" ro,"* ]]
  [[ "$(mnt_line /dev/shm | tail -n1)" == *" ro,nosuid,nodev,noexec,"* ]]
}

@test "maskedPaths: files read empty, directories are empty read-only tmpfs" {
  mkdir -p "$BUNDLE/rootfs/secret-dir"
  echo secret > "$BUNDLE/rootfs/secret-dir/file"
  echo secret > "$BUNDLE/rootfs/secret-file"
  update_config '.linux.maskedPaths += ["/secret-dir", "/secret-file", "/not/there"]'
  run_sh 'echo "[$(cat /secret-file)]"; ls -A /secret-dir | wc -l; touch /secret-dir/x; echo rc=$?; echo "[$(cat /proc/keys)]"; ls -A /sys/firmware | wc -l'
  [ "$status" -eq 0 ] || { echo "status=$status out=$output err=$stderr"; false; }
  [ "${lines[0]}" = "[]" ]
  [ "${lines[1]}" = 0 ]
  [ "${lines[2]}" = rc=1 ]
  [ "${lines[3]}" = "[]" ]
  [ "${lines[4]}" = 0 ]
  [[ "$stderr" == *"Read-only file system"* ]]
}

@test "/dev has the default devices with their major:minor, links, pts and shm" {
  run_sh 'for d in null zero full random urandom tty; do stat -c "%n %F %t:%T %a" /dev/$d; done; for l in ptmx fd stdin stdout stderr; do readlink /dev/$l; done; test -c /dev/pts/ptmx && echo pts-ok; test -d /dev/shm && echo shm-ok'
  [ "$status" -eq 0 ] || { echo "status=$status out=$output err=$stderr"; false; }
  [ "${lines[0]}" = "/dev/null character special file 1:3 666" ]
  [ "${lines[1]}" = "/dev/zero character special file 1:5 666" ]
  [ "${lines[2]}" = "/dev/full character special file 1:7 666" ]
  [ "${lines[3]}" = "/dev/random character special file 1:8 666" ]
  [ "${lines[4]}" = "/dev/urandom character special file 1:9 666" ]
  [ "${lines[5]}" = "/dev/tty character special file 5:0 666" ]
  [ "${lines[6]}" = pts/ptmx ]
  [ "${lines[7]}" = /proc/self/fd ]
  [ "${lines[8]}" = /proc/self/fd/0 ]
  [ "${lines[9]}" = /proc/self/fd/1 ]
  [ "${lines[10]}" = /proc/self/fd/2 ]
  [ "${lines[11]}" = pts-ok ]
  [ "${lines[12]}" = shm-ok ]
}

@test "/dev/pts and /dev/shm are mounted even when mounts has none" {
  update_config 'del(.mounts[] | select(.destination == "/dev/pts" or .destination == "/dev/shm"))'
  run_sh 'cat /proc/self/mountinfo'
  [ "$status" -eq 0 ] || { echo "status=$status out=$output err=$stderr"; false; }
  [[ "$(mnt_line /dev/pts)" == *" - devpts devpts "*newinstance* || "$(mnt_line /dev/pts)" == *" - devpts devpts "*ptmxmode=666* ]]
  [[ "$(mnt_line /dev/shm)" == *" rw,nosuid,nodev,noexec,"*" - tmpfs "* ]]
}

@test "linux.devices: mknod with type, major:minor, mode, uid and gid" {
  update_config '.linux.devices = [
    {"path": "/dev/fuse", "type": "c", "major": 10, "minor": 229, "fileMode": 432, "uid": 1, "gid": 2},
    {"path": "/dev/sub/dir/loop7", "type": "b", "major": 7, "minor": 7},
    {"path": "/dev/myfifo", "type": "p", "fileMode": 384}]'
  run_sh 'stat -c "%n %F %t:%T %a %u %g" /dev/fuse /dev/sub/dir/loop7; stat -c "%n %F %a" /dev/myfifo'
  [ "$status" -eq 0 ] || { echo "status=$status out=$output err=$stderr"; false; }
  [ "${lines[0]}" = "/dev/fuse character special file a:e5 660 1 2" ]
  [ "${lines[1]}" = "/dev/sub/dir/loop7 block special file 7:7 666 0 0" ]
  [ "${lines[2]}" = "/dev/myfifo fifo 600" ]
}

@test "a symlink in the rootfs cannot send a mount destination to the host" {
  HOSTDIR=$(mktemp -d "$TEST_TMP_BASE/minirt-hostdir.XXXXXX")
  ln -s "$HOSTDIR" "$BUNDLE/rootfs/evil"
  ln -s ../../../../../.. "$BUNDLE/rootfs/up"
  update_config --arg h "$HOSTDIR" '.mounts += [
    {"destination": "/evil/x", "type": "tmpfs", "source": "tmpfs", "options": ["size=1m"]},
    {"destination": "/up\($h)/y", "type": "tmpfs", "source": "tmpfs"},
    {"destination": "/../../../../..\($h)/z", "type": "tmpfs", "source": "tmpfs"}]'
  run_sh 'cat /proc/self/mountinfo'
  [ "$status" -eq 0 ] || { echo "status=$status out=$output err=$stderr"; false; }
  # Inside, the mounts exist at the symlinks' targets resolved in the rootfs...
  [[ "$(mnt_line "$HOSTDIR/x")" == *" - tmpfs "* ]]
  [[ "$(mnt_line "$HOSTDIR/y")" == *" - tmpfs "* ]]
  [[ "$(mnt_line "$HOSTDIR/z")" == *" - tmpfs "* ]]
  # ...which are below the rootfs on the host, never the host's directory.
  [ -d "$BUNDLE/rootfs$HOSTDIR/x" ]
  [ -z "$(ls -A "$HOSTDIR")" ]
  ! grep -F " $HOSTDIR" /proc/self/mountinfo
}

@test "tmpfs size and mode options reach the kernel" {
  update_config '.mounts += [{"destination": "/run/small", "type": "tmpfs", "source": "tmpfs", "options": ["nosuid", "nodev", "size=1m", "mode=700"]}]'
  run_sh 'cat /proc/self/mountinfo; stat -c %a /run/small; dd if=/dev/zero of=/run/small/f bs=1024 count=2048; echo dd=$?'
  [ "$status" -eq 0 ] || { echo "status=$status out=$output err=$stderr"; false; }
  local l
  l=$(mnt_line /run/small)
  [[ "$l" == *" rw,nosuid,nodev,"* && "$l" == *size=1024k* && "$l" == *mode=700* ]]
  [[ "$output" == *$'\n'700$'\n'* ]]
  [[ "$output" == *dd=1* ]]
  [[ "$stderr" == *"No space left on device"* ]]
}

@test "bind mounts: ro/nosuid/noexec flags, files and directories, missing targets created" {
  HOSTDIR=$(mktemp -d "$TEST_TMP_BASE/minirt-hostdir.XXXXXX")
  echo hello > "$HOSTDIR/file"
  update_config --arg h "$HOSTDIR" '.mounts += [
    {"destination": "/data/dir", "type": "bind", "source": $h, "options": ["ro", "nosuid", "noexec"]},
    {"destination": "/data/one/file", "source": "\($h)/file", "options": ["rbind", "rw"]}]'
  run_sh 'cat /data/dir/file; cat /data/one/file; touch /data/dir/x; echo rc=$?; cat /proc/self/mountinfo'
  [ "$status" -eq 0 ] || { echo "status=$status out=$output err=$stderr"; false; }
  [ "${lines[0]}" = hello ]
  [ "${lines[1]}" = hello ]
  [ "${lines[2]}" = rc=1 ]
  [[ "$(mnt_line /data/dir)" == *" ro,nosuid,noexec,"* ]]
  [[ "$(mnt_line /data/one/file)" == *" rw,"* ]]
  [ -f "$BUNDLE/rootfs/data/one/file" ]
}

@test "propagation and recursive attributes of mounts entries" {
  HOSTDIR=$(mktemp -d "$TEST_TMP_BASE/minirt-hostdir.XXXXXX")
  mkdir -p "$HOSTDIR/sub"
  mount -t tmpfs -o size=1m tmpfs "$HOSTDIR/sub"
  update_config --arg h "$HOSTDIR" '.mounts += [
    {"destination": "/shared", "type": "tmpfs", "source": "tmpfs", "options": ["rshared"]},
    {"destination": "/private", "type": "tmpfs", "source": "tmpfs", "options": ["private"]},
    {"destination": "/rro", "type": "bind", "source": $h, "options": ["rbind", "rro", "rnosuid"]}]'
  run_sh 'cat /proc/self/mountinfo; touch /rro/sub/x; echo rc=$?'
  [ "$status" -eq 0 ] || { echo "status=$status out=$output err=$stderr"; false; }
  [[ "$(mnt_line /shared)" == *" shared:"* ]]
  [[ "$(mnt_line /private)" != *" shared:"* && "$(mnt_line /private)" != *" master:"* ]]
  [[ "$(mnt_line /rro)" == *" ro,nosuid,"* ]]
  [[ "$(mnt_line /rro/sub)" == *" ro,nosuid,"* ]]
  [[ "$output" == *rc=1* ]]
}

@test "linux.sysctl is written in the container's network namespace" {
  update_config '.linux.sysctl = {"net.ipv4.ip_forward": "1", "net.ipv4.tcp_syncookies": "0"}'
  local host_before
  host_before=$(cat /proc/sys/net/ipv4/ip_forward)
  run_sh 'cat /proc/sys/net/ipv4/ip_forward /proc/sys/net/ipv4/tcp_syncookies'
  [ "$status" -eq 0 ] || { echo "status=$status out=$output err=$stderr"; false; }
  [ "${lines[0]}" = 1 ]
  [ "${lines[1]}" = 0 ]
  [ "$(cat /proc/sys/net/ipv4/ip_forward)" = "$host_before" ]
}

@test "--no-pivot: MS_MOVE + chroot gives the same root" {
  run_sh 'grep -E "^[0-9]+ [0-9]+ [0-9:]+ [^ ]+ / " /proc/self/mountinfo; ls /bin/busybox'
  [ "$status" -eq 0 ] || { echo "status=$status out=$output err=$stderr"; false; }
  local pivot=$output
  run --separate-stderr minirt run --no-pivot "$CTR_ID-np"
  [ "$status" -eq 0 ] || { echo "status=$status out=$output err=$stderr"; false; }
  [[ "$output" == *" $BUNDLE/rootfs / ro,"* ]]
  [[ "$output" == */bin/busybox* ]]
  [[ "$pivot" == *" $BUNDLE/rootfs / ro,"* ]]
}

@test "linux.rootfsPropagation shared and private" {
  update_config '.linux.rootfsPropagation = "rshared"'
  run_sh 'grep -E "^[0-9]+ [0-9]+ [0-9:]+ [^ ]+ / " /proc/self/mountinfo'
  [ "$status" -eq 0 ] || { echo "status=$status out=$output err=$stderr"; false; }
  [[ "$output" == *" shared:"* ]]
  update_config '.linux.rootfsPropagation = "private"'
  run_sh 'grep -E "^[0-9]+ [0-9]+ [0-9:]+ [^ ]+ / " /proc/self/mountinfo'
  [ "$status" -eq 0 ] || { echo "status=$status out=$output err=$stderr"; false; }
  [[ "$output" != *" shared:"* && "$output" != *" master:"* ]]
  # The default is rslave: host mounts would propagate in, never out.
  update_config 'del(.linux.rootfsPropagation)'
  run_sh 'grep -E "^[0-9]+ [0-9]+ [0-9:]+ [^ ]+ / " /proc/self/mountinfo'
  [ "$status" -eq 0 ] || { echo "status=$status out=$output err=$stderr"; false; }
  [[ "$output" != *" shared:"* ]]
}

@test "a failing mount is one line naming the mounts entry, and nothing is left" {
  update_config '.mounts += [{"destination": "/run", "type": "tmpfs", "source": "tmpfs", "options": ["size=bogus"]}]'
  local n
  n=$(jq '.mounts | length - 1' config.json)
  run_sh true
  [ "$status" -ne 0 ]
  [[ "$stderr" == *"mounts[$n]: mount \"tmpfs\" on \"/run\": Invalid argument"* ]]
  [ "$(grep -c . <<<"$stderr")" -eq 1 ]
  ! grep -F " $BUNDLE" /proc/self/mountinfo
  [ -z "$(ls -A "$STATE_ROOT")" ]
}

@test "a missing bind source names the mounts entry" {
  update_config '.mounts += [{"destination": "/data", "type": "bind", "source": "/nonexistent/minirt-src", "options": ["rbind"]}]'
  local n
  n=$(jq '.mounts | length - 1' config.json)
  run_sh true
  [ "$status" -ne 0 ]
  [[ "$stderr" == *"mounts[$n]: "*"\"/nonexistent/minirt-src\": No such file or directory"* ]]
}

# ls -l without dates, mountinfo without ids and host-specific roots.
normalize_observation() {
  sed -E -e 's/^[0-9]+ [0-9]+ [0-9]+:[0-9]+ //' -e 's/[A-Z][a-z]{2} +[0-9]+ +[0-9:]+ //' -e 's/(master|shared):[0-9]+//g'
}

@test "parity with runc: mountinfo, ls -l /dev, capabilities, id" {
  command -v runc >/dev/null || skip "runc is not installed"
  set_args sh -c 'cat /proc/self/mountinfo | grep -v " /sys/fs/cgroup/"; ls -l /dev; grep -E "^(Cap|NoNewPrivs)" /proc/self/status; id; ulimit -n; umask'
  run --separate-stderr minirt run "$CTR_ID"
  [ "$status" -eq 0 ] || { echo "status=$status out=$output err=$stderr"; false; }
  local ours
  ours=$(normalize_observation <<<"$output")
  run --separate-stderr runc_ run "$CTR_ID-runc"
  [ "$status" -eq 0 ] || { echo "status=$status out=$output err=$stderr"; false; }
  local theirs
  theirs=$(normalize_observation <<<"$output")
  diff <(echo "$ours") <(echo "$theirs")
}

@test "user namespace: devices are bind mounts of the host's nodes, root inside" {
  # The container's root (host uid 100000) must reach the rootfs, as with runc.
  chmod 755 "$BUNDLE"
  update_config '.linux.namespaces += [{"type": "user"}]
    | .linux.uidMappings = [{"containerID": 0, "hostID": 100000, "size": 65536}]
    | .linux.gidMappings = [{"containerID": 0, "hostID": 100000, "size": 65536}]'
  run_sh 'id -u; cat /proc/self/mountinfo; stat -c "%n %t:%T" /dev/null /dev/tty; echo x > /dev/null && echo null-ok; touch /dev/shm/f && echo shm-ok'
  [ "$status" -eq 0 ] || { echo "status=$status out=$output err=$stderr"; false; }
  [ "${lines[0]}" = 0 ]
  [[ "$(mnt_line /dev/null)" == *" /null /dev/null "* ]]
  [[ "$(mnt_line /dev/tty)" == *" /tty /dev/tty "* ]]
  [[ "$output" == *"/dev/null 1:3"* && "$output" == *"/dev/tty 5:0"* ]]
  [[ "$output" == *null-ok* && "$output" == *shm-ok* ]]
  [[ "$(mnt_line /)" == *" ro,"* ]]
  [[ "$(mnt_line /proc/sys)" == *" ro,"* ]]
}

@test "tmpcopyup: the tmpfs starts with a copy of the directory it covers" {
  mkdir -p "$BUNDLE/rootfs/etc/conf.d/sub"
  echo original > "$BUNDLE/rootfs/etc/conf.d/sub/file"
  chmod 604 "$BUNDLE/rootfs/etc/conf.d/sub/file"
  chown 12:34 "$BUNDLE/rootfs/etc/conf.d/sub/file"
  ln -s sub/file "$BUNDLE/rootfs/etc/conf.d/link"
  update_config '.mounts += [{"destination": "/etc/conf.d", "type": "tmpfs", "source": "tmpfs", "options": ["tmpcopyup", "size=1m"]}]'
  run_sh 'cat /etc/conf.d/link; stat -c "%a %u %g" /etc/conf.d/sub/file; echo new > /etc/conf.d/new && echo write-ok; cat /proc/self/mountinfo'
  [ "$status" -eq 0 ] || { echo "status=$status out=$output err=$stderr"; false; }
  [ "${lines[0]}" = original ] || { echo "out=$output err=$stderr"; false; }
  [ "${lines[1]}" = "604 12 34" ]
  [ "${lines[2]}" = write-ok ]
  [[ "$(mnt_line /etc/conf.d)" == *" - tmpfs "*size=1024k* ]]
  # The copy is in the tmpfs: the rootfs is untouched.
  [ ! -e "$BUNDLE/rootfs/etc/conf.d/new" ]
}

@test "mounts over or inside /proc are refused like runc, except the lxcfs files" {
  ln -s /proc "$BUNDLE/rootfs/sneaky"
  update_config '.mounts += [{"destination": "/sneaky/sys", "type": "tmpfs", "source": "tmpfs"}]'
  local n
  n=$(jq '.mounts | length - 1' config.json)
  run_sh true
  [ "$status" -ne 0 ]
  [[ "$stderr" == *"mounts[$n]: \"/sneaky/sys\" cannot be mounted because it is inside /proc"* ]]
  update_config '.mounts[-1] = {"destination": "/proc", "type": "tmpfs", "source": "tmpfs"}'
  run_sh true
  [ "$status" -ne 0 ]
  [[ "$stderr" == *"mounts[$n]: \"/proc\" cannot be mounted because it is not of type proc"* ]]
  echo "MemTotal: 42 kB" > "$BUNDLE/meminfo"
  update_config --arg s "$BUNDLE/meminfo" '.mounts[-1] = {"destination": "/proc/meminfo", "type": "bind", "source": $s, "options": ["bind", "ro"]}'
  run_sh 'cat /proc/meminfo'
  [ "$status" -eq 0 ] || { echo "status=$status out=$output err=$stderr"; false; }
  [ "$output" = "MemTotal: 42 kB" ]
}

@test "a dangling symlink as a file bind target is created inside the rootfs" {
  HOSTDIR=$(mktemp -d "$TEST_TMP_BASE/minirt-hostdir.XXXXXX")
  echo "nameserver 192.0.2.1" > "$BUNDLE/resolv.conf"
  ln -s "$HOSTDIR/resolv.conf" "$BUNDLE/rootfs/etc/resolv.conf"
  update_config --arg s "$BUNDLE/resolv.conf" '.mounts += [{"destination": "/etc/resolv.conf", "type": "bind", "source": $s, "options": ["rbind", "ro"]}]'
  run_sh 'cat /etc/resolv.conf'
  [ "$status" -eq 0 ] || { echo "status=$status out=$output err=$stderr"; false; }
  [ "$output" = "nameserver 192.0.2.1" ]
  [ ! -e "$HOSTDIR/resolv.conf" ]
  [ -f "$BUNDLE/rootfs$HOSTDIR/resolv.conf" ]
}

@test "user namespace: a ro bind of a nosuid,nodev,noexec source keeps its locked flags" {
  HOSTDIR=$(mktemp -d "$TEST_TMP_BASE/minirt-hostdir.XXXXXX")
  mount -t tmpfs -o nosuid,nodev,noexec,size=1m tmpfs "$HOSTDIR"
  echo hi > "$HOSTDIR/f"
  chmod 755 "$BUNDLE"
  mkdir "$BUNDLE/rootfs/data"
  update_config --arg h "$HOSTDIR" '.linux.namespaces += [{"type": "user"}]
    | .linux.uidMappings = [{"containerID": 0, "hostID": 100000, "size": 65536}]
    | .linux.gidMappings = [{"containerID": 0, "hostID": 100000, "size": 65536}]
    | .mounts += [{"destination": "/data", "source": $h, "options": ["bind", "ro"]}]'
  run_sh 'cat /data/f; touch /data/x; echo rc=$?; cat /proc/self/mountinfo'
  [ "$status" -eq 0 ] || { echo "status=$status out=$output err=$stderr"; false; }
  [ "${lines[0]}" = hi ]
  [ "${lines[1]}" = rc=1 ]
  [[ "$(mnt_line /data)" == *" ro,nosuid,nodev,noexec,"* ]]
}

@test "a sysctl the kernel refuses is one line naming the key" {
  update_config '.linux.sysctl = {"net.ipv4.ip_forward": "1", "net.ipv4.no_such_knob": "1"}'
  run_sh true
  [ "$status" -ne 0 ]
  [[ "$stderr" == *'linux.sysctl["net.ipv4.no_such_knob"]: open /proc/sys/net/ipv4/no_such_knob: No such file or directory'* ]]
  [ "$(grep -c . <<<"$stderr")" -eq 1 ]
}

@test "linux.devices paths are resolved inside the rootfs" {
  HOSTDIR=$(mktemp -d "$TEST_TMP_BASE/minirt-hostdir.XXXXXX")
  ln -s "$HOSTDIR" "$BUNDLE/rootfs/devlink"
  update_config '.mounts |= map(select(.destination != "/dev/shm")) | .linux.devices = [
    {"path": "/devlink/null2", "type": "c", "major": 1, "minor": 3},
    {"path": "/dev/../../../dev/zero2", "type": "c", "major": 1, "minor": 5}]'
  run_sh 'stat -c "%n %t:%T" /devlink/null2 /dev/zero2'
  [ "$status" -eq 0 ] || { echo "status=$status out=$output err=$stderr"; false; }
  [ "${lines[0]}" = "/devlink/null2 1:3" ]
  [ "${lines[1]}" = "/dev/zero2 1:5" ]
  [ -z "$(ls -A "$HOSTDIR")" ]
  [ -c "$BUNDLE/rootfs$HOSTDIR/null2" ]
}
