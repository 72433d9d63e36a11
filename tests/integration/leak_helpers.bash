# Checks that a container left nothing behind: state dir, cgroup dirs,
# host mounts, processes.  Used by hooks, leaks and zz-leaks-final.
# shellcheck shell=bash

RECVTTY=${RECVTTY:-$REPO_ROOT/build/tests/tools/recvtty}

# Skip (visibly) while the lifecycle is still a placeholder, so the suite
# on main stays green until `minirt run` exists; any other failure counts.
require_lifecycle() {
  local out
  out=$("$MINIRT" --root "${STATE_ROOT:-/tmp}" state minirt-probe-nonexistent 2>&1) || true
  case $out in
    *"not implemented"*) skip "container lifecycle not implemented yet" ;;
  esac
}

# Every directory the cgroup `minirt-test/<id>` can have: one per mounted
# v1 hierarchy (and the unified one), nested under our own cgroup there,
# as a relative cgroupsPath is.
cgroup_dirs_of() {
  local rel=$1 line hier ctrls path mnt
  while IFS= read -r line; do
    hier=${line%%:*}
    ctrls=${line#*:}
    ctrls=${ctrls%%:*}
    path=${line#*:*:}
    if [ "$hier" = 0 ] && [ -z "$ctrls" ]; then
      mnt=/sys/fs/cgroup/unified
      [ -e /sys/fs/cgroup/cgroup.controllers ] && mnt=/sys/fs/cgroup
    else
      ctrls=${ctrls#name=}
      mnt=/sys/fs/cgroup/${ctrls%%,*}
    fi
    [ -d "$mnt" ] && echo "$mnt${path%/}/$rel"
  done < /proc/self/cgroup
}

# Fails listing what the container `id` (cgroupsPath minirt-test/<id>) left.
assert_no_leftovers() {
  local id=$1 pid=${2:-} left="" d
  [ -e "$STATE_ROOT/$id" ] && left="$left state dir $STATE_ROOT/$id (holding: $(ls -A "$STATE_ROOT/$id" 2>/dev/null | tr "\n" " "));"
  for d in $(cgroup_dirs_of "minirt-test/$id"); do
    [ -d "$d" ] && left="$left cgroup $d;"
  done
  if grep -qF "$BUNDLE" /proc/self/mountinfo; then
    left="$left mounts: $(grep -F "$BUNDLE" /proc/self/mountinfo | awk '{print $5}' | tr '\n' ' ');"
  fi
  # pids are not recycled within the seconds a test lasts.  A dead init
  # is reaped by whoever inherited it, which may take a moment.
  [ -n "$pid" ] && [ "$pid" -gt 0 ] 2>/dev/null && wait_for_exit "$pid" 5
  if [ -n "$pid" ] && [ "$pid" -gt 0 ] 2>/dev/null && [ -e "/proc/$pid" ]; then
    left="$left process $pid ($(tr '\0' ' ' < "/proc/$pid/cmdline" 2>/dev/null));"
  fi
  [ -z "$left" ] || fail "left behind by $id:$left"
}

# Wait up to $2 seconds (default 10) for a file to exist.
wait_for_file() {
  local f=$1 i=0 max=$(( ${2:-10} * 10 ))
  while [ ! -e "$f" ]; do
    i=$((i + 1))
    [ "$i" -le "$max" ] || return 1
    sleep 0.1
  done
}

# Wait up to $2 seconds for a process to be gone.
wait_for_exit() {
  local pid=$1 i=0 max=$(( ${2:-10} * 10 ))
  while kill -0 "$pid" 2>/dev/null; do
    i=$((i + 1))
    [ "$i" -le "$max" ] || return 1
    sleep 0.1
  done
}

# A host hook script at $BUNDLE/hooks/<name> running /bin/sh with `body`.
make_hook() {
  local name=$1 body=$2
  mkdir -p "$BUNDLE/hooks"
  printf '#!/bin/sh\n%s\n' "$body" > "$BUNDLE/hooks/$name"
  chmod 755 "$BUNDLE/hooks/$name"
  echo "$BUNDLE/hooks/$name"
}

# Append a hook to hooks.<kind>: add_hook KIND PATH [TIMEOUT]
add_hook() {
  local kind=$1 path=$2 timeout=${3:-}
  if [ -n "$timeout" ]; then
    update_config --arg k "$kind" --arg p "$path" --argjson t "$timeout" \
      '.hooks[$k] += [{"path": $p, "env": ["PATH=/usr/sbin:/usr/bin:/sbin:/bin"], "timeout": $t}]'
  else
    update_config --arg k "$kind" --arg p "$path" \
      '.hooks[$k] += [{"path": $p, "env": ["PATH=/usr/sbin:/usr/bin:/sbin:/bin"]}]'
  fi
}

# Like bats' `run` for commands that leave a container behind holding their
# stdio (create, run -d without a terminal): a `run` would wait for the
# container to close its output pipe.  Output goes through a file instead;
# sets $status and $output (the container's own output lands there too).
run_bg() {
  local out
  out=$(mktemp "$BUNDLE/.run_bg.XXXXXX")
  status=0
  "$@" < /dev/null > "$out" 2>&1 || status=$?
  output=$(cat "$out")
  rm -f "$out"
}
