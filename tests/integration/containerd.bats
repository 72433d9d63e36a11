#!/usr/bin/env bats
# minirt under containerd: a private containerd (its own config, root, state
# and socket in a temp dir) runs a locally built busybox image through
# containerd-shim-runc-v2 with `--runc-binary` pointing at minirt, and at
# runc for reference.  Each scenario runs once per runtime; the test checks
# minirt's result and that runc's is the same.
#
# Everything lives in one $TEST_TMP_BASE/minirt-test.ctrd.* directory and
# every container's cgroup is minirt-test/<id> (relative, so it nests under
# our own cgroup), the marks zz-leaks-final looks for.

load helpers
load leak_helpers

IMAGE=localhost/minirt-busybox:test
NS=minirt-test

# ctr against our containerd only; every ctr call is bounded so that a hung
# shim or runtime fails the test instead of hanging the suite (KILL after
# TERM: ctr run passes TERM on to the task).
ctr_() {
  CONTAINERD_SNAPSHOTTER=native timeout -k 10 120 ctr --address "$CTRD_DIR/containerd.sock" --namespace "$NS" "$@"
}

# The runtime binary the shim is told to call.
runtime_bin() {
  case $1 in
    minirt) echo "$MINIRT" ;;
    runc) command -v runc ;;
    *) echo "$1" ;;
  esac
}

# ctr run with our runtime, runtime root, fifo dir and a relative cgroup:
# ctr_run RUNTIME ID [ctr run flags...] -- [COMMAND...]
ctr_run() {
  local rt=$1 id=$2 flags=()
  shift 2
  while [ $# -gt 0 ] && [ "$1" != -- ]; do
    flags+=("$1")
    shift
  done
  [ "${1:-}" = -- ] && shift
  ctr_ run --runc-binary "$(runtime_bin "$rt")" --runc-root "$CTRD_DIR/runc-root" \
    --fifo-dir "$CTRD_DIR/fifo" --cgroup "minirt-test/$id" "${flags[@]}" "$IMAGE" "$id" "$@"
}

# A unique container id for this test and runtime.
cid() {
  echo "containerd-$1-$$-${BATS_TEST_NUMBER:-0}"
}

task_field() { # task_field ID COLUMN(2=pid,3=status)
  ctr_ task ls | awk -v id="$1" -v c="$2" '$1 == id { print $c }'
}

# Wait (bounded) until task ID has status STATUS.
wait_task_status() {
  local id=$1 want=$2
  for _ in $(seq 300); do
    [ "$(task_field "$id" 3)" = "$want" ] && return 0
    sleep 0.1
  done
  fail "task $id never reached $want: $(ctr_ task ls 2>&1)"
}

# The host PIDs `ctr task ps` lists (the runtime's `ps --format json`).
task_pids() {
  ctr_ task ps "$1" | awk 'NR > 1 { print $1 }' | sort -n
}

# Wait (bounded) until task ID has N processes.
wait_task_nprocs() {
  local id=$1 n=$2
  for _ in $(seq 300); do
    [ "$(task_pids "$id" | wc -l)" -eq "$n" ] && return 0
    sleep 0.1
  done
  fail "task $id never had $n processes: $(ctr_ task ps "$id" 2>&1)"
}

# Wait (bounded) until task ID's init has a child: seen from the host, so
# that it does not depend on the runtime's ps.
wait_for_child() {
  local id=$1 pid
  for _ in $(seq 300); do
    pid=$(task_field "$id" 2)
    [ -n "$pid" ] && [ "$pid" != 0 ] && [ -n "$(cat "/proc/$pid/task/$pid/children" 2>/dev/null)" ] && return 0
    sleep 0.1
  done
  fail "task $id never started a child"
}

# Wait (bounded) until task ID's init runs CMDLINE (args joined by spaces).
wait_for_cmdline() {
  local id=$1 want=$2 pid
  for _ in $(seq 300); do
    pid=$(task_field "$id" 2)
    [ "$(tr '\0' ' ' < "/proc/$pid/cmdline" 2>/dev/null)" = "$want" ] && return 0
    sleep 0.1
  done
  fail "task $id never ran $want"
}

# The freezer state of a process's cgroup: FROZEN or THAWED (v1), or the
# same words for v2's cgroup.events "frozen 1|0".
freezer_state() {
  local pid=$1 path
  path=$(awk -F: '$2 ~ /(^|,)freezer(,|$)/ { print $3 }' "/proc/$pid/cgroup")
  if [ -n "$path" ] && [ -e "/sys/fs/cgroup/freezer$path/freezer.state" ]; then
    cat "/sys/fs/cgroup/freezer$path/freezer.state"
    return
  fi
  path=$(awk -F: '$1 == 0 { print $3 }' "/proc/$pid/cgroup")
  case $(awk '$1 == "frozen" { print $2 }' "/sys/fs/cgroup$path/cgroup.events" 2>/dev/null) in
    1) echo FROZEN ;;
    0) echo THAWED ;;
    *) echo "no freezer for $pid" ;;
  esac
}

# A runtime wrapper that logs its argv (one line per call) to
# $CTRD_DIR/argv.RUNTIME and keeps a copy of the --log file of a failing
# call as $CTRD_DIR/failed-log.RUNTIME (the shim removes the bundle that
# holds log.json when create fails).
make_wrapper() {
  local rt=$1 w="$CTRD_DIR/wrap-$1"
  cat > "$w" <<EOF
#!/bin/sh
printf '%s\n' "\$*" >> "$CTRD_DIR/argv.$rt"
log=
prev=
for a in "\$@"; do
  [ "\$prev" = --log ] && log=\$a
  prev=\$a
done
"$(runtime_bin "$rt")" "\$@"
status=\$?
[ \$status -ne 0 ] && [ -n "\$log" ] && cp "\$log" "$CTRD_DIR/failed-log.$rt"
exit \$status
EOF
  chmod 755 "$w"
  echo "$w"
}

# A busybox-static rootfs as an OCI image layout tarball, written by hand
# (no registry, no image tool): one uncompressed layer, its config, a
# manifest and an index naming the image for `ctr image import`.
build_image() {
  local dir=$1 blobs layer cfg man arch
  "$REPO_ROOT/specs/make-bundle.sh" "$dir/rootfs-src" >/dev/null || return 1
  blobs=$dir/oci/blobs/sha256
  mkdir -p "$blobs"
  tar --sort=name --numeric-owner --owner=0 --group=0 --mtime=@0 \
    -C "$dir/rootfs-src/rootfs" -cf "$dir/layer.tar" . || return 1
  layer=$(sha256sum < "$dir/layer.tar" | cut -d' ' -f1)
  mv "$dir/layer.tar" "$blobs/$layer"
  case $(uname -m) in
    x86_64) arch=amd64 ;;
    aarch64) arch=arm64 ;;
    *) arch=$(dpkg --print-architecture) ;;
  esac
  jq -cn --arg d "sha256:$layer" --arg arch "$arch" '{architecture: $arch, os: "linux",
      config: {Env: ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"], Cmd: ["sh"]},
      rootfs: {type: "layers", diff_ids: [$d]}}' > "$dir/blob"
  cfg=$(sha256sum < "$dir/blob" | cut -d' ' -f1)
  local cfg_size layer_size man_size
  cfg_size=$(stat -c %s "$dir/blob")
  layer_size=$(stat -c %s "$blobs/$layer")
  mv "$dir/blob" "$blobs/$cfg"
  jq -cn --arg c "sha256:$cfg" --argjson cs "$cfg_size" --arg l "sha256:$layer" --argjson ls "$layer_size" \
    '{schemaVersion: 2, mediaType: "application/vnd.oci.image.manifest.v1+json",
      config: {mediaType: "application/vnd.oci.image.config.v1+json", digest: $c, size: $cs},
      layers: [{mediaType: "application/vnd.oci.image.layer.v1.tar", digest: $l, size: $ls}]}' > "$dir/blob"
  man=$(sha256sum < "$dir/blob" | cut -d' ' -f1)
  man_size=$(stat -c %s "$dir/blob")
  mv "$dir/blob" "$blobs/$man"
  jq -cn --arg m "sha256:$man" --argjson ms "$man_size" --arg name "$IMAGE" \
    '{schemaVersion: 2, manifests: [{mediaType: "application/vnd.oci.image.manifest.v1+json",
      digest: $m, size: $ms, annotations: {"io.containerd.image.name": $name,
      "org.opencontainers.image.ref.name": ($name | sub(".*:"; ""))}}]}' > "$dir/oci/index.json"
  echo '{"imageLayoutVersion":"1.0.0"}' > "$dir/oci/oci-layout"
  tar -C "$dir/oci" -cf "$dir/image.tar" . || return 1
  rm -rf "$dir/oci" "$dir/rootfs-src"
}

setup_file() {
  local bin
  for bin in containerd ctr containerd-shim-runc-v2 runc; do
    command -v "$bin" >/dev/null ||
      { echo "$bin not installed (tests/run-all.sh installs containerd and runc)" >&2; return 1; }
  done
  CTRD_DIR=$(mktemp -d "$TEST_TMP_BASE/minirt-test.ctrd.XXXXXX")
  export CTRD_DIR
  mkdir -p "$CTRD_DIR/fifo" "$CTRD_DIR/runc-root"
  # The contrib snippet, pointed at the minirt under test, is imported so
  # that a broken snippet breaks this suite (the CRI plugin that reads it
  # is disabled: it needs networking; the test checks what it parsed).
  sed "s|/usr/local/bin/minirt|$MINIRT|" "$REPO_ROOT/contrib/containerd/config.toml" > "$CTRD_DIR/minirt.toml"
  cat > "$CTRD_DIR/config.toml" <<EOF
version = 2
root = "$CTRD_DIR/root"
state = "$CTRD_DIR/state"
imports = ["$CTRD_DIR/minirt.toml"]
# Nothing that needs a network, another filesystem or a machine-wide path.
disabled_plugins = [
  "io.containerd.grpc.v1.cri",
  "io.containerd.internal.v1.opt",
  "io.containerd.internal.v1.tracing",
  "io.containerd.tracing.processor.v1.otlp",
  "io.containerd.snapshotter.v1.aufs",
  "io.containerd.snapshotter.v1.btrfs",
  "io.containerd.snapshotter.v1.devmapper",
  "io.containerd.snapshotter.v1.overlayfs",
  "io.containerd.snapshotter.v1.zfs",
]

[grpc]
  address = "$CTRD_DIR/containerd.sock"

[ttrpc]
  address = "$CTRD_DIR/containerd.sock.ttrpc"

[debug]
  address = ""

[metrics]
  address = ""
EOF
  # cwd in the temp dir: a containerd left running shows up in the leak
  # check.  No fd of bats may reach it: containerd passes the fds it
  # inherited on to every shim, and bats waits for its pipes to close.
  (
    cd "$CTRD_DIR" || exit 1
    for fd in "/proc/$BASHPID/fd/"*; do
      fd=${fd##*/}
      [ "$fd" -gt 2 ] && eval "exec $fd>&-"
    done
    exec containerd --config "$CTRD_DIR/config.toml" < /dev/null > "$CTRD_DIR/containerd.log" 2>&1
  ) &
  echo $! > "$CTRD_DIR/containerd.pid"
  for _ in $(seq 300); do
    ctr_ version >/dev/null 2>&1 && break
    kill -0 "$(cat "$CTRD_DIR/containerd.pid")" 2>/dev/null ||
      { echo "containerd died:" >&2; tail -n 20 "$CTRD_DIR/containerd.log" >&2; return 1; }
    sleep 0.1
  done
  ctr_ version >/dev/null || { echo "containerd never answered" >&2; return 1; }
  build_image "$CTRD_DIR/image" || { echo "cannot build the image" >&2; return 1; }
  ctr_ image import "$CTRD_DIR/image/image.tar" >/dev/null || { echo "ctr image import failed" >&2; return 1; }
}

# Remove this namespace's tasks and containers through containerd.
remove_all_containers() {
  local id
  for id in $(ctr_ task ls -q 2>/dev/null); do
    ctr_ task kill -s KILL "$id" >/dev/null 2>&1 || true
    ctr_ task delete --force "$id" >/dev/null 2>&1 || true
  done
  for id in $(ctr_ container ls -q 2>/dev/null); do
    ctr_ container delete "$id" >/dev/null 2>&1 || true
  done
}

teardown() {
  local pid
  for pid in ${BG_PIDS:-}; do
    kill -KILL "$pid" 2>/dev/null
  done
  [ -n "${CTRD_DIR:-}" ] && [ -S "$CTRD_DIR/containerd.sock" ] && remove_all_containers
  return 0
}

# Stop what we started, by PID, whatever state the tests left it in.
teardown_file() {
  [ -n "${CTRD_DIR:-}" ] && [ -d "$CTRD_DIR" ] || return 0
  local pid f id rt sockets=""
  [ -S "$CTRD_DIR/containerd.sock" ] && remove_all_containers
  pid=$(cat "$CTRD_DIR/containerd.pid" 2>/dev/null)
  if [ -n "$pid" ]; then
    kill -TERM "$pid" 2>/dev/null
    wait_for_exit "$pid" 10 || kill -KILL "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null
  fi
  # Shims outlive containerd by design; ours are those serving our
  # containerd's address.  Their sockets are in /run/containerd/s whatever
  # the state dir is; each bundle's `address` file names one.
  for f in "$CTRD_DIR"/state/io.containerd.runtime.v2.task/*/*/address; do
    [ -f "$f" ] && sockets="$sockets $(sed 's|^unix://||' "$f")"
  done
  for f in /proc/[0-9]*/cmdline; do
    case $(tr '\0' ' ' < "$f" 2>/dev/null) in
      *containerd-shim-runc-v2*" -address $CTRD_DIR/containerd.sock"*)
        pid=${f#/proc/}
        kill -KILL "${pid%/cmdline}" 2>/dev/null ;;
    esac
  done
  # Containers still known to a runtime: delete --force kills them and
  # removes their cgroups.  runc's state.json has its own keys.
  for f in "$CTRD_DIR"/runc-root/*/*; do
    [ -d "$f" ] || continue
    id=$(basename "$f")
    rt=$MINIRT
    grep -qs '"init_process_pid"' "$f/state.json" && rt=runc
    "$rt" --root "$(dirname "$f")" delete --force "$id" >/dev/null 2>&1
  done
  grep -F " $CTRD_DIR/" /proc/self/mountinfo | awk '{print $5}' | sort -r | while read -r m; do
    umount -l "$m" 2>/dev/null
  done
  for f in $sockets; do
    case $f in /run/containerd/s/*) rm -f "$f" ;; esac
  done
  rm -rf "$CTRD_DIR"
}

# --- scenarios: each prints what a ctr user observes ----------------------

scenario_echo() {
  local rt=$1 id d
  id=$(cid "$rt")
  ctr_run "$rt" "$id" --rm -- echo hi 2>&1
  echo "exit $?"
  echo "containers: $(ctr_ container ls -q)"
  for d in $(cgroup_dirs_of "minirt-test/$id"); do
    [ -d "$d" ] && echo "cgroup left: $d"
  done
  return 0
}

# stdout and stderr apart: ctr copies them through two fifos, so their
# interleaving is not fixed.
scenario_exit_status() {
  local rt=$1 status=0
  ctr_run "$rt" "$(cid "$rt")" --rm -- sh -c 'echo out; echo err >&2; exit 7' \
    > "$CTRD_DIR/stdout" 2> "$CTRD_DIR/stderr" || status=$?
  echo "stdout: $(cat "$CTRD_DIR/stdout")"
  echo "stderr: $(cat "$CTRD_DIR/stderr")"
  echo "exit $status"
}

# ctr's stdin reaches the task (ctr never closes it: read one line only).
scenario_stdin() {
  local rt=$1
  echo "some input" | ctr_run "$rt" "$(cid "$rt")" --rm -- sh -c 'read -r line; echo "got: $line"' 2>&1
  echo "exit ${PIPESTATUS[1]}"
}

# Short tasks one after another: the exit of a task that ends at once
# (before, during or after the shim reads the pid file) is never lost.
scenario_short_tasks() {
  local rt=$1 n status
  for n in $(seq 10); do
    status=0
    ctr_run "$rt" "$(cid "$rt")-$n" --rm -- sh -c "exit $n" 2>&1 || status=$?
    echo "run $n: exit $status"
  done
}

# What the container sees when containerd wrote its config.json.
scenario_view() {
  local rt=$1
  ctr_run "$rt" "$(cid "$rt")" --rm -- sh -c 'exec 2>&1
    grep -E "^(Cap|NoNewPrivs|Seccomp)" /proc/self/status; id; pwd; env | sort
    awk "{print \$5, \$6}" /proc/self/mountinfo | sort
    ls -l /dev | awk "{print \$1, \$3, \$4, \$NF}"
    echo x > /proc/sys/kernel/domainname'
  echo "exit $?"
}

# Options ctr turns into config.json fields.
scenario_options() {
  local rt=$1
  mkdir -p "$CTRD_DIR/bind-src"
  echo "from the host" > "$CTRD_DIR/bind-src/file"
  ctr_run "$rt" "$(cid "$rt")" --rm --read-only --env FOO=bar --cwd /tmp \
    --cap-drop CAP_CHOWN --cap-add CAP_SYS_ADMIN \
    --mount "type=bind,src=$CTRD_DIR/bind-src,dst=/mnt,options=rbind:ro" -- sh -c 'exec 2>&1
    echo "FOO=$FOO"; pwd; grep "^CapEff" /proc/self/status
    touch /x || echo "root is read-only"
    cat /mnt/file; touch /mnt/y || echo "bind is read-only"'
  echo "exit $?"
}

# Resource limits, seen from the host in the task's cgroup (ctr's
# containers do not mount /sys/fs/cgroup).
scenario_resources() {
  local rt=$1 id pid path
  id=$(cid "$rt")
  ctr_run "$rt" "$id" -d --memory-limit 33554432 --cpus 0.5 --cpu-shares 512 -- sleep 1000 || return 1
  pid=$(task_field "$id" 2)
  path=$(awk -F: '$2 ~ /(^|,)memory(,|$)/ { print $3 }' "/proc/$pid/cgroup")
  echo "memory.limit_in_bytes $(cat "/sys/fs/cgroup/memory$path/memory.limit_in_bytes")"
  path=$(awk -F: '$2 ~ /(^|,)cpu(,|$)/ { print $3 }' "/proc/$pid/cgroup")
  for f in cpu.cfs_quota_us cpu.cfs_period_us cpu.shares; do
    echo "$f $(cat "/sys/fs/cgroup/cpu$path/$f" 2>/dev/null || cat "/sys/fs/cgroup/cpu,cpuacct$path/$f")"
  done
  ctr_ task metrics "$id" | awk '$1 == "memory.limit_in_bytes" { print "metrics", $1, $2 }'
  # Over the limit: the OOM killer ends the task.
  id=$id-oom
  ctr_run "$rt" "$id" --rm --memory-limit 16777216 -- dd if=/dev/zero of=/dev/null bs=64M count=1 > /dev/null 2>&1
  echo "oom exit $?"
}

# ctr's --seccomp: containerd's default profile, applied by the runtime.
scenario_seccomp() {
  local rt=$1
  ctr_run "$rt" "$(cid "$rt")" --rm --seccomp -- sh -c '
    grep "^Seccomp:" /proc/self/status
    unshare -U true 2>/dev/null && echo "unshare allowed" || echo "unshare refused"' 2>&1
  echo "exit $?"
}

# scenario_failing_create RUNTIME COMMAND [ctr run flags...]
scenario_failing_create() {
  local rt=$1 cmd=$2 id wrap cgroup
  shift 2
  id=$(cid "$rt")
  cgroup="minirt-test/$id"
  [ "${1:-}" = --runc-systemd-cgroup ] && cgroup="minirt-test.slice:containerd:$id"
  wrap=$(make_wrapper "$rt")
  rm -f "$CTRD_DIR/failed-log.$rt"
  ctr_ run --runc-binary "$wrap" --runc-root "$CTRD_DIR/runc-root" --fifo-dir "$CTRD_DIR/fifo" \
    --cgroup "$cgroup" "$@" --rm "$IMAGE" "$id" "$cmd" 2>&1
  echo "exit $?"
  echo "containers: $(ctr_ container ls -q)"
}

scenario_exec() {
  local rt=$1 id
  id=$(cid "$rt")
  ctr_run "$rt" "$id" -d -- sleep 1000 || return 1
  ctr_ task exec --fifo-dir "$CTRD_DIR/fifo" --exec-id ex1 "$id" sh -c 'echo in-exec; tr "\0" " " < /proc/1/cmdline; echo
    grep -c "/minirt-test/'"$id"'$" /proc/self/cgroup >/dev/null && echo "same cgroup"; exit 3' 2>&1
  echo "exit $?"
  echo "task: $(task_field "$id" 3)"
}

# exec with --user, --cwd and a tty (script(1) gives ctr its terminal).
scenario_exec_options() {
  local rt=$1 id cmd
  id=$(cid "$rt")
  ctr_run "$rt" "$id" -d -- sleep 1000 || return 1
  ctr_ task exec --fifo-dir "$CTRD_DIR/fifo" --exec-id ex-user --user 65534 --cwd /tmp "$id" \
    sh -c 'id; pwd; grep -E "^(CapEff|NoNewPrivs)" /proc/self/status' 2>&1
  echo "exit $?"
  cmd="timeout --foreground -k 10 120 ctr --address $CTRD_DIR/containerd.sock --namespace $NS task exec -t --fifo-dir $CTRD_DIR/fifo --exec-id ex-tty $id sh -c 'tty; [ -t 0 ] && [ -t 1 ] && echo stdin and stdout are ttys; exit 4'"
  script -qec "$cmd" /dev/null < /dev/null 2>&1 | tty_clean
  echo "exit ${PIPESTATUS[0]}"
}

# An exec the runtime refuses: its error text reaches the ctr user.
scenario_failing_exec() {
  local rt=$1 id wrap
  id=$(cid "$rt")
  wrap=$(make_wrapper "$rt")
  rm -f "$CTRD_DIR/failed-log.$rt"
  ctr_ run --runc-binary "$wrap" --runc-root "$CTRD_DIR/runc-root" --fifo-dir "$CTRD_DIR/fifo" \
    --cgroup "minirt-test/$id" -d "$IMAGE" "$id" sleep 1000 || return 1
  ctr_ task exec --fifo-dir "$CTRD_DIR/fifo" --exec-id ex-bad "$id" /nonexistent-minirt-test 2>&1
  echo "exit $?"
  echo "task: $(task_field "$id" 3)"
}

scenario_ps() {
  local rt=$1 id pid p
  id=$(cid "$rt")
  ctr_run "$rt" "$id" -d -- sh -c 'sleep 1000 & sleep 1001 & wait' || return 1
  wait_task_nprocs "$id" 3 || return 1
  pid=$(task_field "$id" 2)
  for p in $(task_pids "$id"); do
    if [ "$p" = "$pid" ]; then
      echo "init: $(tr '\0' ' ' < "/proc/$p/cmdline")"
    else
      echo "other: $(tr '\0' ' ' < "/proc/$p/cmdline")"
    fi
  done | sort
}

scenario_pause_resume() {
  local rt=$1 id pid
  id=$(cid "$rt")
  ctr_run "$rt" "$id" -d -- sleep 1000 || return 1
  pid=$(task_field "$id" 2)
  ctr_ task pause "$id" 2>&1
  echo "pause exit $?: $(task_field "$id" 3) $(freezer_state "$pid")"
  ctr_ task resume "$id" 2>&1
  echo "resume exit $?: $(task_field "$id" 3) $(freezer_state "$pid")"
}

# ctr run in the foreground, killed by ctr task kill: ctr exits with the
# task's status.  The shell traps TERM (pid 1 ignores signals it has no
# handler for); its child sleep shows the trap is set.
scenario_kill() {
  local rt=$1 signal=$2 id pid
  id=$(cid "$rt")
  ctr_run "$rt" "$id" --rm -- sh -c 'trap "echo got TERM; exit 42" TERM; sleep 1000 & wait' \
    < /dev/null > "$CTRD_DIR/kill-$rt.out" 2>&1 3>&- &
  pid=$!
  BG_PIDS="${BG_PIDS:-} $pid"
  wait_for_child "$id" || return 1
  ctr_ task kill ${signal:+-s "$signal"} "$id" 2>&1
  echo "kill exit $?"
  wait "$pid"
  echo "ctr run exit $?"
  cat "$CTRD_DIR/kill-$rt.out"
}

# ctr's side of a tty session, minus what depends on timing only: the
# terminal's echo of a NUL, and ctr's own complaint when it resizes a
# process that has already exited (with runc as with minirt).
tty_clean() {
  tr -d '\r' | sed -e 's/\^@//g' | grep -v 'resize pty.*cannot resize a stopped container'
}

# tty: ctr run -t needs a terminal, given by script(1).  script runs the
# command with $SHELL, or /bin/sh when SHELL is unset (as under CI); dash
# forks, and a plain `timeout` then moves ctr into a process group of its
# own, in the background of the pty: ctr's switch to raw mode stops it
# with SIGTTOU and it hangs.  --foreground keeps ctr in the foreground.
scenario_tty() {
  local rt=$1 id cmd
  id=$(cid "$rt")
  cmd="CONTAINERD_SNAPSHOTTER=native timeout --foreground -k 10 120 ctr --address $CTRD_DIR/containerd.sock --namespace $NS run -t --runc-binary $(runtime_bin "$rt") --runc-root $CTRD_DIR/runc-root --fifo-dir $CTRD_DIR/fifo --cgroup minirt-test/$id --rm $IMAGE $id sh -c 'tty; [ -t 0 ] && [ -t 1 ] && echo stdin and stdout are ttys; exit 5'"
  script -qec "$cmd" /dev/null < /dev/null 2>&1 | tty_clean
  echo "exit ${PIPESTATUS[0]}"
}

# kill --all signals every process of the container: the init (pid 1,
# no handler, so TERM does nothing to it) stays, its child sleep dies.
scenario_kill_all() {
  local rt=$1 id p
  id=$(cid "$rt")
  ctr_run "$rt" "$id" -d -- sh -c 'sleep 1001 & exec sleep 1000' || return 1
  wait_task_nprocs "$id" 2 || return 1
  ctr_ task kill --all "$id" 2>&1
  echo "kill exit $?"
  wait_task_nprocs "$id" 1 || return 1
  for p in $(task_pids "$id"); do
    echo "left: $(tr '\0' ' ' < "/proc/$p/cmdline")"
  done
  echo "task: $(task_field "$id" 3)"
}

scenario_metrics() {
  local rt=$1 id
  id=$(cid "$rt")
  ctr_run "$rt" "$id" -d -- sleep 1000 || return 1
  # runc's start returns before its (multi-threaded) init has exec'd.
  wait_for_cmdline "$id" "sleep 1000 " || return 1
  # The metric names, and the figures that do not vary between runs.
  ctr_ task metrics "$id" | awk '/^METRIC/ { p = 1; next } p && NF { print $1, ($1 ~ /pids.current|limit/ ? $2 : "") }'
  echo "exit ${PIPESTATUS[0]}"
}

# Run scenario NAME under minirt and runc; $output is minirt's, $runc_output
# runc's.
both() {
  local name=$1
  shift
  runc_output=$("scenario_$name" runc "$@" 2>&1) || runc_output="$runc_output
(scenario failed)"
  remove_all_containers
  output=$("scenario_$name" minirt "$@" 2>&1) || output="$output
(scenario failed)"
}

same_as_runc() {
  [ "$output" = "$runc_output" ] || fail "minirt and runc differ:
--- runc
$runc_output
--- minirt
$output"
}

# --- tests -----------------------------------------------------------------

@test "containerd: ctr run --rm echo hi" {
  both echo
  echo "$output"
  [ "$output" = "hi
exit 0
containers: " ]
  same_as_runc
}

@test "containerd: exit status and stderr of the task reach ctr run" {
  both exit_status
  echo "$output"
  [ "$output" = "stdout: out
stderr: err
exit 7" ]
  same_as_runc
}

@test "containerd: ctr run passes its stdin to the task" {
  both stdin
  echo "$output"
  [ "$output" = "got: some input
exit 0" ]
  same_as_runc
}

@test "containerd: short tasks in a row all report their exit status" {
  both short_tasks
  echo "$output"
  [ "$output" = "$(for n in $(seq 10); do echo "run $n: exit $n"; done)" ]
  same_as_runc
}

@test "containerd: the container sees the same under minirt as under runc" {
  both view
  echo "$output"
  [[ "$output" == *"uid=0(root)"* ]]
  [[ "$output" == *"exit 1" ]]
  same_as_runc
}

@test "containerd: ctr run --read-only --env --cwd --cap-drop/--cap-add --mount" {
  both options
  echo "$output"
  # containerd's default capabilities (0xa80425fb) less CHOWN plus SYS_ADMIN.
  [ "$output" = "FOO=bar
/tmp
CapEff:	00000000a82425fa
touch: /x: Read-only file system
root is read-only
from the host
touch: /mnt/y: Read-only file system
bind is read-only
exit 0" ]
  same_as_runc
}

@test "containerd: ctr run --memory-limit --cpus --cpu-shares set the task's cgroup limits" {
  [ -d /sys/fs/cgroup/memory ] || skip "cgroup v1 layout only"
  both resources
  echo "$output"
  [[ "$output" == "memory.limit_in_bytes 33554432
cpu.cfs_quota_us 50000
cpu.cfs_period_us 100000
cpu.shares 512
metrics memory.limit_in_bytes 33554432
oom exit 137" ]]
  same_as_runc
}

@test "containerd: ctr run --seccomp applies containerd's default profile" {
  both seccomp
  echo "$output"
  [ "$output" = "Seccomp:	2
unshare refused
exit 0" ]
  same_as_runc
}

# Both runtimes fail `create` for COMMAND (and ctr run flags); each one's
# own error text (the last error line of its log.json, which the shim
# reads) reaches the user.  The error must mention NAME (default COMMAND).
check_failing_create() {
  local cmd=$1 name=${NAME:-$1} rt msg out
  shift
  both failing_create "$cmd" "$@"
  echo "$output"
  for rt in minirt runc; do
    out=$output
    [ "$rt" = runc ] && out=$runc_output
    [ -f "$CTRD_DIR/failed-log.$rt" ] || fail "$rt did not fail"
    msg=$(jq -r 'select(.level == "error") | .msg' "$CTRD_DIR/failed-log.$rt" | tail -n 1)
    echo "$rt's log.json: $msg"
    [[ "$msg" == *"$name"* ]] || fail "$rt's error does not name $name"
    [[ "$out" == *"OCI runtime create failed: $msg"* ]] || fail "$rt's error did not reach ctr"
    [[ "$out" == *"exit 1
containers: " ]] || fail "ctr run did not fail, or left the container"
  done
}

@test "containerd: a failing create (missing command) shows minirt's error to the ctr user" {
  check_failing_create /nonexistent-minirt-test
  [[ "$output" == *"No such file or directory"* ]]
}

@test "containerd: a failing create (command not executable) shows minirt's error to the ctr user" {
  check_failing_create /etc/passwd
  [[ "$output" == *"Permission denied"* ]]
}

@test "containerd: --runc-systemd-cgroup without systemd: minirt's clear error reaches the ctr user" {
  # With systemd running the slice would be made at the hierarchy root.
  [ ! -d /run/systemd/system ] || skip "systemd is running here"
  NAME=systemd check_failing_create true --runc-systemd-cgroup
  [[ "$output" == *"systemd is not running"* ]]
  grep -q -- '--log-format json --systemd-cgroup create' "$CTRD_DIR/argv.minirt"
}

@test "containerd: ctr task exec runs in the container and returns its status" {
  both exec
  echo "$output"
  [ "$output" = "in-exec
sleep 1000 
same cgroup
exit 3
task: RUNNING" ]
  same_as_runc
}

@test "containerd: ctr task exec --user --cwd, and exec -t through the console socket" {
  command -v script >/dev/null || skip "script not installed (bsdutils)"
  both exec_options
  echo "$output"
  [[ "$output" == "uid=65534(nobody) gid=65534(nogroup) groups=65534(nogroup)
/tmp
CapEff:	0000000000000000
NoNewPrivs:	1
exit 0
/dev/pts/"*"
stdin and stdout are ttys
exit 4" ]]
  same_as_runc
}

@test "containerd: a failing exec shows minirt's error to the ctr user" {
  local rt out msg
  both failing_exec
  echo "$output"
  for rt in minirt runc; do
    out=$output
    [ "$rt" = runc ] && out=$runc_output
    [ -f "$CTRD_DIR/failed-log.$rt" ] || fail "$rt did not fail"
    msg=$(jq -r 'select(.level == "error") | .msg' "$CTRD_DIR/failed-log.$rt" | tail -n 1)
    echo "$rt's log.json: $msg"
    [[ "$msg" == *nonexistent-minirt-test* ]] || fail "$rt's error does not name the command"
    [[ "$out" == *"OCI runtime exec failed: $msg"* ]] || fail "$rt's error did not reach ctr"
    [[ "$out" == *"task: RUNNING" ]] || fail "the task did not survive the failed exec"
  done
}

@test "containerd: ctr task ps lists the task's processes" {
  both ps
  echo "$output"
  [ "$output" = "init: sh -c sleep 1000 & sleep 1001 & wait 
other: sleep 1000 
other: sleep 1001 " ]
  same_as_runc
}

@test "containerd: ctr task pause and resume freeze and thaw the task" {
  both pause_resume
  echo "$output"
  [ "$output" = "pause exit 0: PAUSED FROZEN
resume exit 0: RUNNING THAWED" ]
  same_as_runc
}

@test "containerd: ctr task kill (TERM) ends ctr run with the task's status" {
  both kill ""
  echo "$output"
  [ "$output" = "kill exit 0
ctr run exit 42
got TERM" ]
  same_as_runc
}

@test "containerd: ctr task kill -s KILL ends ctr run with 137" {
  both kill KILL
  echo "$output"
  [ "$output" = "kill exit 0
ctr run exit 137" ]
  same_as_runc
}

@test "containerd: ctr run -t gets a terminal through the console socket" {
  command -v script >/dev/null || skip "script not installed (bsdutils)"
  both tty
  echo "$output"
  [ "$output" = "/dev/pts/0
stdin and stdout are ttys
exit 5" ]
  same_as_runc
}

@test "containerd: ctr task kill --all signals every process of the task" {
  both kill_all
  echo "$output"
  [ "$output" = "kill exit 0
left: sleep 1000 
task: RUNNING" ]
  same_as_runc
}

@test "containerd: ctr task metrics reads the task's cgroup" {
  both metrics
  echo "$output"
  [[ "$output" == *"memory.usage_in_bytes"* ]]
  [[ "$output" == *"pids.current 1"* ]]
  [[ "$output" == *"exit 0" ]]
  same_as_runc
}

@test "containerd: the shim calls minirt with the same arguments as runc" {
  local rt id wrap
  rm -f "$CTRD_DIR/argv.runc" "$CTRD_DIR/argv.minirt"
  for rt in runc minirt; do
    id=$(cid "$rt")
    wrap=$(make_wrapper "$rt")
    ctr_ run --runc-binary "$wrap" --runc-root "$CTRD_DIR/runc-root" --fifo-dir "$CTRD_DIR/fifo" \
      --cgroup "minirt-test/$id" -d "$IMAGE" "$id" sleep 1000
    ctr_ task exec --fifo-dir "$CTRD_DIR/fifo" --exec-id e1 "$id" true
    ctr_ task ps "$id" >/dev/null
    ctr_ task pause "$id"
    ctr_ task resume "$id"
    ctr_ task kill -s KILL "$id"
    wait_task_status "$id" STOPPED
    ctr_ task delete "$id"
    ctr_ container delete "$id"
  done
  # Same calls once the id and the temp file names are taken out.
  norm() {
    sed -e "s/$(cid "$1")/ID/g" -e 's|/tmp/runc-process[0-9]*|PROCESS|' "$CTRD_DIR/argv.$1"
  }
  cat "$CTRD_DIR/argv.minirt"
  [ "$(norm minirt)" = "$(norm runc)" ] || fail "different calls:
$(diff <(norm runc) <(norm minirt))"
  grep -q -- '--log-format json create --bundle' "$CTRD_DIR/argv.minirt"
}

@test "containerd: contrib/containerd/config.toml is parsed into a runc-shim runtime named minirt" {
  # The suite's containerd imports it too but has the CRI plugin disabled,
  # and `config dump` leaves out the sections of disabled plugins.
  cat > "$CTRD_DIR/dump.toml" <<EOF
version = 2
root = "$CTRD_DIR/dump-root"
state = "$CTRD_DIR/dump-state"
imports = ["$CTRD_DIR/minirt.toml"]
EOF
  run containerd --config "$CTRD_DIR/dump.toml" config dump
  [ "$status" -eq 0 ]
  # containerd re-renders only the keys it knows.
  echo "$output" | grep -A 20 -F '[plugins."io.containerd.grpc.v1.cri".containerd.runtimes.minirt]' > "$CTRD_DIR/dump"
  cat "$CTRD_DIR/dump"
  grep -q 'runtime_type = "io.containerd.runc.v2"' "$CTRD_DIR/dump"
  grep -q 'pod_annotations = \[.*run.oci.minirt.seccomp-report' "$CTRD_DIR/dump"
  grep -q "BinaryName = \"$MINIRT\"" "$CTRD_DIR/dump"
}

@test "contrib: the CRI-O drop-in and the RuntimeClass name the same minirt handler" {
  command -v python3 >/dev/null || skip "python3 not installed"
  run python3 - "$REPO_ROOT/contrib" <<'EOF'
import sys, tomllib, yaml
contrib = sys.argv[1]
with open(contrib + "/crio/10-minirt.conf", "rb") as f:
    rt = tomllib.load(f)["crio"]["runtime"]["runtimes"]["minirt"]
assert rt["runtime_type"] == "oci", rt
assert rt["runtime_path"].endswith("/minirt"), rt
assert rt["runtime_root"], rt
for a in ("io.kubernetes.cri-o.seccompNotifierAction", "run.oci.minirt.seccomp-report"):
    assert a in rt["allowed_annotations"], a
with open(contrib + "/kubernetes/runtimeclass.yaml") as f:
    docs = [d for d in yaml.safe_load_all(f) if d]
rc = [d for d in docs if d["kind"] == "RuntimeClass"][0]
assert rc["apiVersion"] == "node.k8s.io/v1" and rc["handler"] == "minirt", rc
pods = [d for d in docs if d["kind"] == "Pod"]
assert all(p["spec"]["runtimeClassName"] == rc["metadata"]["name"] for p in pods), pods
with open(contrib + "/containerd/config.toml", "rb") as f:
    ctrd = tomllib.load(f)
assert "minirt" in ctrd["plugins"]["io.containerd.grpc.v1.cri"]["containerd"]["runtimes"]
print("ok")
EOF
  echo "$output"
  [ "$status" -eq 0 ]
  [ "$output" = ok ]
}

