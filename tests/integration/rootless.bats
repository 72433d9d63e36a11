#!/usr/bin/env bats
# Rootless: minirt run by an unprivileged user (nobody, through setpriv) on
# a bundle from `minirt spec --rootless`, next to runc 1.1.5 on the same
# bundle: what the container sees, the cgroups it gets (none without
# permission, limits refused, a delegated subtree used), the default state
# root under $XDG_RUNTIME_DIR, the lifecycle commands, what runc refuses,
# and other users' containers left alone.  Everything lives in one temp
# dir owned by the test user; teardown removes containers, cgroups and it.

load helpers
load leak_helpers

PATH_MIN=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin

setup() {
  require_lifecycle
  command -v setpriv >/dev/null || skip "setpriv (util-linux) is needed to run as another user"
  # nobody exists on every Debian system; no user is added to the machine.
  RUSER=nobody
  RUID=$(id -u "$RUSER" 2>/dev/null) || skip "no unprivileged user: nobody is missing"
  RGID=$(id -g "$RUSER")
  [ "$(id -u)" = 0 ] || skip "the test switches users: run it as root"
  [ "$RUID" != 0 ] || skip "nobody is uid 0 here"
  WORK=$(mktemp -d "${TEST_TMP_BASE:-/tmp}/minirt-rootless.XXXXXX")
  BUNDLE=$WORK/bundle
  "$REPO_ROOT/specs/make-bundle.sh" "$BUNDLE" >/dev/null
  rm -f "$BUNDLE/config.json"
  mkdir -p "$WORK/state" "$WORK/rstate" "$WORK/xdg"
  chown -R "$RUID:$RGID" "$WORK"
  chmod 0700 "$WORK/xdg"
  chmod 0755 "$WORK"
  # A build dir under a 0700 home (/root in CI) is out of the user's
  # reach: then the user runs a copy (the binary has no build-dir libs).
  if ! as_user test -x "$MINIRT"; then
    cp "$MINIRT" "$WORK/minirt"
    chmod 0755 "$WORK/minirt"
    MINIRT=$WORK/minirt
  fi
  as_user test -x "$MINIRT" || skip "$MINIRT is not executable by $RUSER"
  CTR_ID="rootless$$-${BATS_TEST_NUMBER:-0}"
  cd "$BUNDLE" || return 1
  as_user "$MINIRT" spec --rootless || return 1
  DELEG=
  ROOT_STATE=
  SUBLINE=
}

teardown() {
  cd / || true
  local id root
  for root in "$WORK/state" "$WORK/xdg/minirt"; do
    for id in $(ls "$root" 2>/dev/null); do
      as_user "$MINIRT" --root "$root" delete --force "$id" >/dev/null 2>&1
    done
  done
  for root in "$WORK/rstate" "$WORK/xdg/runc"; do
    for id in $(ls "$root" 2>/dev/null); do
      as_user runc --root "$root" delete --force "$id" >/dev/null 2>&1
    done
  done
  if [ -n "$ROOT_STATE" ]; then
    for id in $(ls "$ROOT_STATE" 2>/dev/null); do
      "$MINIRT" --root "$ROOT_STATE" delete --force "$id" >/dev/null 2>&1
    done
  fi
  # Delegated cgroups: the leaves first (a container's, if one is left).
  local d
  for d in $DELEG; do
    find "$d" -mindepth 1 -depth -type d -exec rmdir {} \; 2>/dev/null
    rmdir "$d" 2>/dev/null
  done
  if [ -n "$SUBLINE" ]; then
    sed -i "\|^$SUBLINE\$|d" /etc/subuid /etc/subgid
  fi
  grep -F " $WORK" /proc/self/mountinfo | awk '{print $5}' | sort -r | while read -r m; do
    umount -l "$m" 2>/dev/null
  done
  [ -n "${WORK:-}" ] && rm -rf "$WORK"
}

# Run as the test user with a minimal environment ($HOME is unset in CI).
as_user() {
  setpriv --reuid="$RUID" --regid="$RGID" --clear-groups \
    env -i PATH="$PATH_MIN" XDG_RUNTIME_DIR="$WORK/xdg" "$@"
}

m() { as_user "$MINIRT" --root "$WORK/state" "$@"; }
r() { as_user runc --root "$WORK/rstate" "$@"; }

need_runc() {
  command -v runc >/dev/null || skip "runc not installed (apt-get install -y runc)"
}

# Edit config.json with jq as root; the user keeps owning it.
cfg() {
  jq "$@" "$BUNDLE/config.json" > "$BUNDLE/config.tmp" && mv "$BUNDLE/config.tmp" "$BUNDLE/config.json"
  chown "$RUID:$RGID" "$BUNDLE/config.json"
}

args() {
  local json='[]' a
  for a in "$@"; do
    json=$(jq -c --arg a "$a" '. + [$a]' <<<"$json")
  done
  cfg --argjson a "$json" '.process.args = $a | .process.terminal = false'
}

# `run` in the foreground under both runtimes; $mout/$rout and $mst/$rst.
both() {
  mst=0 rst=0
  mout=$(m run "$CTR_ID-m" < /dev/null 2>&1) || mst=$?
  rout=$(r run "$CTR_ID-r" < /dev/null 2>&1) || rst=$?
}

# What the container sees; dates and host device numbers left out.
OBSERVE='exec 2>&1
echo "== id"; id
echo "== maps"; cat /proc/self/uid_map /proc/self/gid_map /proc/self/setgroups
echo "== status"; grep -E "^(Cap|NoNewPrivs|Groups|Seccomp:)" /proc/self/status
echo "== cgroup"; cat /proc/self/cgroup
echo "== oom"; cat /proc/self/oom_score_adj
echo "== ulimit"; ulimit -n; ulimit -Hn
echo "== mounts"; awk "{print \$5, \$6}" /proc/self/mountinfo | sort
echo "== mount"; mount | sort
echo "== dev"; ls -l /dev | awk "{print \$1, \$3, \$4, \$NF}"
echo "== write"; touch /root/x && echo rootfs-writable; echo 1 > /proc/sys/kernel/shmmax || echo sysctl-refused
echo "== hostname"; hostname'

@test "rootless: spec --rootless as a user is runc's, with that user's ids as hostID" {
  need_runc
  local got want
  got=$(jq -S 'del(.hostname)' config.json)
  [ "$(jq '.linux.uidMappings[0].hostID' config.json)" = "$RUID" ] || fail "uid hostID: $(jq -c .linux.uidMappings config.json)"
  [ "$(jq '.linux.gidMappings[0].hostID' config.json)" = "$RGID" ] || fail "gid hostID: $(jq -c .linux.gidMappings config.json)"
  mkdir "$WORK/runc-spec"
  chown "$RUID:$RGID" "$WORK/runc-spec"
  (cd "$WORK/runc-spec" && as_user runc spec --rootless)
  want=$(jq -S 'del(.hostname)' "$WORK/runc-spec/config.json")
  [ "$got" = "$want" ] || fail "$(diff <(echo "$want") <(echo "$got"))"
}

@test "rootless: run as a user; the container sees what it sees under runc" {
  need_runc
  args sh -c "$OBSERVE"
  both
  [ "$rst" -eq 0 ] || fail "runc: $rout"
  [ "$mst" -eq 0 ] || fail "minirt: $mout"
  [[ "$mout" == *"uid=0(root) gid=0(root)"* ]] || fail "$mout"
  [[ "$mout" == *"         0      $(printf '%5d' "$RUID")          1"* ]] || fail "uid_map: $mout"
  [[ "$mout" == *"deny"* ]] || fail "setgroups: $mout"
  [ "$(sed -n '/== hostname/,$p' <<<"$mout" | tail -1)" = minirt ] || fail "$mout"
  # The hostname is each runtime's own name (spec --rootless writes it).
  [ "$(sed '/== hostname/,$d' <<<"$mout")" = "$(sed '/== hostname/,$d' <<<"$rout")" ] ||
    fail "$(diff <(sed '/== hostname/,$d' <<<"$rout") <(sed '/== hostname/,$d' <<<"$mout"))"
  # Nothing is left: no state, no cgroup named after the container.
  [ -z "$(ls "$WORK/state")" ] || fail "state left: $(ls "$WORK/state")"
}

@test "rootless: without cgroup permission the container runs in the caller's cgroups" {
  need_runc
  args cat /proc/self/cgroup
  both
  [ "$mst" -eq 0 ] && [ "$rst" -eq 0 ] || fail "minirt $mst: $mout / runc $rst: $rout"
  [ "$mout" = "$(cat /proc/self/cgroup)" ] || fail "minirt: $mout"
  [ "$mout" = "$rout" ] || fail "runc: $rout"
}

@test "rootless: a limit without a cgroup, a cgroupsPath, or --rootless false fail as in runc" {
  need_runc
  args true
  cfg '.linux.resources.memory.limit = 33554432'
  both
  [ "$mst" -ne 0 ] && [ "$rst" -ne 0 ] || fail "minirt $mst / runc $rst"
  [[ "$rout" == *"cannot set memory limit: container could not join or create cgroup"* ]] || fail "runc: $rout"
  [ "$mout" = "minirt: linux.resources.memory: cannot set memory limit: container could not join or create cgroup" ] ||
    fail "minirt: $mout"
  [ -z "$(ls "$WORK/state")" ] || fail "state left: $(ls "$WORK/state")"

  cfg 'del(.linux.resources) | .linux.cgroupsPath = "rootless-denied/c"'
  both
  [ "$mst" -ne 0 ] && [ "$rst" -ne 0 ] || fail "minirt $mst / runc $rst"
  [[ "$rout" == *"mkdir /sys/fs/cgroup/"*"/rootless-denied: permission denied"* ]] || fail "runc: $rout"
  [[ "$mout" == "minirt: create cgroup \`/sys/fs/cgroup/"*"/rootless-denied\`: Permission denied" ]] || fail "minirt: $mout"

  cfg 'del(.linux.cgroupsPath)'
  mst=0 rst=0
  mout=$(as_user "$MINIRT" --rootless false --root "$WORK/state" run "$CTR_ID-m" < /dev/null 2>&1) || mst=$?
  rout=$(as_user runc --rootless false --root "$WORK/rstate" run "$CTR_ID-r" < /dev/null 2>&1) || rst=$?
  [ "$mst" -ne 0 ] && [ "$rst" -ne 0 ] || fail "minirt $mst / runc $rst"
  [[ "$rout" == *"permission denied"* ]] || fail "runc: $rout"
  [[ "$mout" == *"/$CTR_ID-m\`: Permission denied" ]] || fail "minirt: $mout"
  [ -z "$(ls "$WORK/state")" ] || fail "state left: $(ls "$WORK/state")"
}

@test "rootless: device rules are skipped as runc skips them" {
  need_runc
  args true
  cfg '.linux.resources.devices = [{"allow": false, "access": "rwm"}]'
  both
  [ "$mst" -eq 0 ] || fail "minirt: $mout"
  [ "$rst" -eq 0 ] || fail "runc: $rout"
}

@test "rootless: a cgroup subtree the user owns is used, with its limits" {
  need_runc
  is_v2 && skip "the delegation below is made for cgroup v1 hierarchies"
  local name=rootless-deleg-$$ line ctrl path c dir
  # Below our own cgroup in each hierarchy, as a delegating manager would.
  while IFS=: read -r _ ctrl path; do
    c=${ctrl#name=}
    [ -n "$c" ] && [ -d "/sys/fs/cgroup/$c" ] || continue
    dir=/sys/fs/cgroup/$c${path%/}/$name
    mkdir "$dir" || continue
    DELEG="$DELEG $dir"
    if [ -f "$dir/cpuset.cpus" ]; then
      cat "$(dirname "$dir")/cpuset.cpus" > "$dir/cpuset.cpus"
      cat "$(dirname "$dir")/cpuset.mems" > "$dir/cpuset.mems"
    fi
    chown -R "$RUID:$RGID" "$dir"
  done < /proc/self/cgroup
  [ -n "$DELEG" ] || skip "no cgroup v1 hierarchy to delegate"
  args sh -c 'cat /proc/self/cgroup; cat /sys/fs/cgroup/pids/pids.max'
  cfg ".linux.cgroupsPath = \"$name/c\" | .linux.resources.pids.limit = 77"
  both
  [ "$mst" -eq 0 ] || fail "minirt: $mout"
  [ "$rst" -eq 0 ] || fail "runc: $rout"
  [[ "$mout" == *"pids:"*"/$name/c"* ]] || fail "minirt: $mout"
  [ "$(tail -1 <<<"$mout")" = 77 ] || fail "minirt: $mout"
  [ "$mout" = "$rout" ] || fail "$(diff <(echo "$rout") <(echo "$mout"))"
  # delete removed the container's cgroups, not the delegated parents.
  for dir in $DELEG; do
    [ -d "$dir" ] || fail "$dir removed"
    [ ! -d "$dir/c" ] || fail "$dir/c left behind"
  done
}

@test "rootless: the default state root is \$XDG_RUNTIME_DIR/minirt, private and sticky as runc's" {
  need_runc
  args sleep 1000
  run_bg as_user "$MINIRT" create "$CTR_ID"
  [ "$status" -eq 0 ] || fail "create: $output"
  [ -f "$WORK/xdg/minirt/$CTR_ID/state.json" ] || fail "$(ls -laR "$WORK/xdg")"
  run_bg as_user runc create "$CTR_ID"
  [ "$status" -eq 0 ] || fail "runc create: $output"
  [ "$(stat -c '%A %U' "$WORK/xdg/minirt")" = "$(stat -c '%A %U' "$WORK/xdg/runc")" ] ||
    fail "$(ls -la "$WORK/xdg")"
  [ "$(stat -c '%a' "$WORK/xdg/minirt")" = 1700 ] || fail "$(ls -la "$WORK/xdg")"
  run as_user "$MINIRT" list -q
  [ "$status" -eq 0 ] && [ "$output" = "$CTR_ID" ] || fail "list: $output"
  run as_user "$MINIRT" delete --force "$CTR_ID"
  [ "$status" -eq 0 ] || fail "delete: $output"
  run as_user runc delete --force "$CTR_ID"
  # Without XDG_RUNTIME_DIR both fall back to the system root, the user's
  # access to which fails.
  run setpriv --reuid="$RUID" --regid="$RGID" --clear-groups env -i PATH="$PATH_MIN" "$MINIRT" state "$CTR_ID"
  [ "$status" -ne 0 ] || fail "state without XDG_RUNTIME_DIR: $output"
  [[ "$output" == *"/run/minirt"* ]] || fail "$output"
}

@test "rootless: create, start, state, list, ps, exec, kill, delete by the same user" {
  args sleep 1000
  run_bg m create "$CTR_ID"
  [ "$status" -eq 0 ] || fail "create: $output"
  run m start "$CTR_ID"
  [ "$status" -eq 0 ] || fail "start: $output"
  run m state "$CTR_ID"
  [ "$status" -eq 0 ] || fail "state: $output"
  [ "$(jq -r .status <<<"$output")" = running ] || fail "$output"
  local pid
  pid=$(jq -r .pid <<<"$output")
  [ "$(stat -c %u "/proc/$pid")" = "$RUID" ] || fail "init owned by $(stat -c %u "/proc/$pid")"
  run m list
  [ "$status" -eq 0 ] && [[ "$output" == *"$CTR_ID"*running*"$RUSER"* ]] || fail "list: $output"
  run m ps "$CTR_ID"
  [ "$status" -eq 0 ] && [[ "$output" == *"$pid"*sleep* ]] || fail "ps: $output"
  run m exec "$CTR_ID" id
  [ "$status" -eq 0 ] && [ "$output" = "uid=0(root) gid=0(root)" ] || fail "exec: $output"
  # runc's setupUser refusals hold for exec too.
  run m exec --additional-gids 0 "$CTR_ID" id
  [ "$status" -ne 0 ] && [[ "$output" == *"cannot set any additional groups in a rootless container" ]] ||
    fail "exec --additional-gids: $output"
  run m exec --user 5 "$CTR_ID" id
  [ "$status" -ne 0 ] && [[ "$output" == *"cannot set uid to unmapped user in user namespace" ]] ||
    fail "exec --user 5: $output"
  run m pause "$CTR_ID"
  [ "$status" -ne 0 ] && [[ "$output" == *"has no cgroup"* ]] || fail "pause: $output"
  run m kill "$CTR_ID" KILL
  [ "$status" -eq 0 ] || fail "kill: $output"
  wait_for_exit "$pid"
  run m state "$CTR_ID"
  [ "$(jq -r .status <<<"$output")" = stopped ] || fail "$output"
  run m delete "$CTR_ID"
  [ "$status" -eq 0 ] || fail "delete: $output"
  [ -z "$(ls "$WORK/state")" ] || fail "state left: $(ls "$WORK/state")"
}

@test "rootless: another user's containers are not touched" {
  # A container of root's, in a state root of root's.
  ROOT_STATE=$WORK/root-state
  mkdir "$ROOT_STATE"
  mkdir "$WORK/root-bundle"
  cp -a "$BUNDLE/rootfs" "$WORK/root-bundle/"
  jq '.process.args = ["sleep", "1000"] | .process.terminal = false | del(.linux.uidMappings, .linux.gidMappings)
      | .linux.namespaces -= [{"type": "user"}] | .linux.cgroupsPath = "minirt-test/'"$CTR_ID"'-root"' \
    "$BUNDLE/config.json" > "$WORK/root-bundle/config.json"
  run_bg "$MINIRT" --root "$ROOT_STATE" create --bundle "$WORK/root-bundle" "$CTR_ID"
  [ "$status" -eq 0 ] || fail "root create: $output"
  # list leaves out (with runc's warning) what it cannot read.
  run as_user "$MINIRT" --root "$ROOT_STATE" list -q
  [ "$status" -eq 0 ] || fail "list: $output"
  [[ "$output" == *"load container $CTR_ID: "*"Permission denied"* ]] || fail "list: $output"
  [ "$(grep -c -v warning <<<"$output")" -eq 0 ] || fail "list shows it: $output"
  local cmd
  for cmd in "state $CTR_ID" "kill $CTR_ID KILL" "delete --force $CTR_ID" "exec $CTR_ID true" "ps $CTR_ID"; do
    # shellcheck disable=SC2086
    run as_user "$MINIRT" --root "$ROOT_STATE" $cmd
    [ "$status" -ne 0 ] || fail "$cmd by $RUSER succeeded: $output"
    [[ "$output" == *"Permission denied"* ]] || fail "$cmd: $output"
  done
  run "$MINIRT" --root "$ROOT_STATE" state "$CTR_ID"
  [ "$status" -eq 0 ] && [ "$(jq -r .status <<<"$output")" = created ] || fail "root's container: $output"
}

@test "rootless: what runc refuses rootless is refused with runc's words, nothing left behind" {
  need_runc
  args true
  local edit
  for edit in '.process.user.additionalGids = [0]|cannot set any additional groups in a rootless container' \
    '.process.user.uid = 5|cannot set uid to unmapped user in user namespace' \
    '.mounts += [{"destination": "/mnt", "type": "tmpfs", "source": "tmpfs", "options": ["uid=5"]}]|cannot specify uid= mount options for unmapped uid in rootless containers' \
    '.linux.namespaces -= [{"type": "user"}]|requires user namespaces' \
    '.process.oomScoreAdj = -500|oom_score_adj' \
    '.process.rlimits = [{"type": "RLIMIT_NOFILE", "hard": 1073741816, "soft": 1024}]|RLIMIT_NOFILE'; do
    cp "$BUNDLE/config.json" "$WORK/config.orig"
    cfg "${edit%%|*}"
    both
    mv "$WORK/config.orig" "$BUNDLE/config.json"
    [ "$mst" -ne 0 ] || fail "minirt accepted ${edit%%|*}: $mout"
    [ "$rst" -ne 0 ] || fail "runc accepted ${edit%%|*}: $rout"
    [[ "$mout" == *"${edit#*|}"* ]] || fail "minirt: $mout"
    [ "$(wc -l <<<"$mout")" -eq 1 ] || fail "not one line: $mout"
    [ -z "$(ls "$WORK/state")" ] || fail "state left: $(ls "$WORK/state")"
  done
  chown "$RUID:$RGID" "$BUNDLE/config.json"
}

@test "rootless: oomScoreAdj raised, rlimits lowered, sysctls in its namespaces and linux.devices as in runc" {
  need_runc
  args sh -c 'cat /proc/self/oom_score_adj; ulimit -n; ulimit -Hn; cat /proc/sys/kernel/shmmax; ls -l /dev/kmsg | awk "{print \$1, \$3, \$4, \$5, \$6}"'
  cfg '.process.oomScoreAdj = 500 | .process.rlimits = [{"type": "RLIMIT_NOFILE", "hard": 512, "soft": 256}]
       | .linux.sysctl = {"kernel.shmmax": "123456"}
       | .linux.devices = [{"path": "/dev/kmsg", "type": "c", "major": 1, "minor": 11}]'
  [ -c /dev/kmsg ] || cfg 'del(.linux.devices)'
  both
  [ "$mst" -eq 0 ] || fail "minirt: $mout"
  [ "$rst" -eq 0 ] || fail "runc: $rout"
  [ "$(head -4 <<<"$mout" | tr '\n' ' ')" = "500 256 512 123456 " ] || fail "$mout"
  [ "$mout" = "$rout" ] || fail "$(diff <(echo "$rout") <(echo "$mout"))"
}

@test "rootless: root of a user namespace (as rootless podman runs the runtime) gets runc's defaults" {
  need_runc
  command -v unshare >/dev/null || skip "unshare (util-linux) is needed"
  as_user unshare --user --map-root-user true 2>/dev/null || skip "unprivileged user namespaces are disabled"
  local rt out
  for rt in runc "$MINIRT"; do
    # spec --rootless maps the namespace's root; the state goes under
    # $XDG_RUNTIME_DIR ($USER is unset); no cgroup can be made there.
    out=$(cd "$BUNDLE" && as_user unshare --user --map-root-user --mount sh -c "
      rm -f config.json && $rt spec --rootless && jq -c '.linux.uidMappings' config.json &&
      jq '.process.terminal = false | .process.args = [\"sh\", \"-c\", \"id; cat /proc/self/uid_map /proc/self/cgroup\"]' \
        config.json > c.json && mv c.json config.json && $rt run '$CTR_ID' < /dev/null" 2>&1) ||
      fail "$rt: $out"
    eval "out_$(basename "$rt")=\$out"
  done
  # shellcheck disable=SC2154
  [ "$out_minirt" = "$out_runc" ] || fail "$(diff <(echo "$out_runc") <(echo "$out_minirt"))"
  [[ "$out_minirt" == '[{"containerID":0,"hostID":0,"size":1}]'* ]] || fail "$out_minirt"
  [[ "$out_minirt" == *"$(cat /proc/self/cgroup)" ]] || fail "$out_minirt"
  [ "$(stat -c '%a' "$WORK/xdg/minirt")" = 1700 ] || fail "$(ls -la "$WORK/xdg")"
  [ -z "$(ls "$WORK/xdg/minirt")" ] || fail "state left: $(ls "$WORK/xdg/minirt")"
}

@test "rootless: ids beyond the user's own are mapped by newuidmap/newgidmap from /etc/subuid, as by runc" {
  need_runc
  command -v newuidmap >/dev/null && command -v newgidmap >/dev/null || skip "newuidmap/newgidmap (uidmap) not installed"
  local base=$((2000000000 + ($$ % 1000) * 65536))
  SUBLINE="$RUSER:$base:65536"
  echo "$SUBLINE" >> /etc/subuid
  echo "$SUBLINE" >> /etc/subgid
  args sh -c 'cat /proc/self/uid_map /proc/self/gid_map /proc/self/setgroups; id; grep Groups /proc/self/status'
  cfg ".linux.uidMappings += [{\"containerID\": 1, \"hostID\": $base, \"size\": 10}]
       | .linux.gidMappings += [{\"containerID\": 1, \"hostID\": $base, \"size\": 10}]"
  both
  [ "$mst" -eq 0 ] || fail "minirt: $mout"
  [ "$rst" -eq 0 ] || fail "runc: $rout"
  [[ "$mout" == *"         1 $(printf '%10d' "$base")         10"* ]] || fail "$mout"
  # A gid map beyond one's own gid leaves setgroups allowed (runc's rule).
  [[ "$mout" == *allow* ]] || fail "$mout"
  [ "$mout" = "$rout" ] || fail "$(diff <(echo "$rout") <(echo "$mout"))"
  # A range /etc/subuid does not grant: refused by newuidmap, under both.
  cfg ".linux.uidMappings[1].hostID = $((base + 100000))"
  both
  [ "$mst" -ne 0 ] && [ "$rst" -ne 0 ] || fail "minirt $mst: $mout / runc $rst: $rout"
  [[ "$mout" == "minirt: linux.uidMappings: "*newuidmap*"not allowed"* ]] || fail "minirt: $mout"
  [ -z "$(ls "$WORK/state")" ] || fail "state left: $(ls "$WORK/state")"
}
