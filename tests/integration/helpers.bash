# Shared helpers for the bats integration tests: build busybox-static bundles,
# drive the built minirt binary (and runc for parity), clean up everything.
# shellcheck shell=bash

REPO_ROOT=$(cd "$BATS_TEST_DIRNAME/../.." && pwd)
MINIRT=${MINIRT:-$REPO_ROOT/build/src/minirt}
TEST_TMP_BASE=${TEST_TMP_BASE:-/tmp}

# A fresh bundle in $BUNDLE with its own state roots; CONFIG defaults to hello.json.
setup_bundle() {
  local config=${1:-$REPO_ROOT/specs/hello.json}
  BUNDLE=$(mktemp -d "$TEST_TMP_BASE/minirt-test.XXXXXX")
  STATE_ROOT=$BUNDLE/.state-minirt
  RUNC_ROOT=$BUNDLE/.state-runc
  mkdir -p "$STATE_ROOT" "$RUNC_ROOT"
  "$REPO_ROOT/specs/make-bundle.sh" -c "$config" "$BUNDLE" >/dev/null
  # Tests only ever use relative cgroup paths, so they nest under our own cgroup.
  CTR_ID="t$$-${BATS_TEST_NUMBER:-0}-$RANDOM"
  update_config ".linux.cgroupsPath = \"minirt-test/$CTR_ID\""
  cd "$BUNDLE" || return 1
}

# Apply a jq filter to $BUNDLE/config.json in place.
update_config() {
  local tmp
  tmp=$(mktemp "$BUNDLE/config.XXXXXX")
  jq "$@" "$BUNDLE/config.json" > "$tmp" && mv "$tmp" "$BUNDLE/config.json"
}

# Set the container's command: set_args echo hi
set_args() {
  local json
  json=$(printf '%s\n' "$@" | jq -R . | jq -s .)
  update_config --argjson a "$json" '.process.args = $a'
}

minirt() {
  "$MINIRT" --root "$STATE_ROOT" "$@"
}

runc_() {
  runc --root "$RUNC_ROOT" "$@"
}

# Remove every container of this test (minirt and runc), then the bundle.
teardown_bundle() {
  cd / || true
  [ -n "${BUNDLE:-}" ] || return 0
  local id
  if [ -x "$MINIRT" ] && [ -d "$STATE_ROOT" ]; then
    for id in $(ls "$STATE_ROOT" 2>/dev/null); do
      [ -d "$STATE_ROOT/$id" ] && "$MINIRT" --root "$STATE_ROOT" delete --force "$id" >/dev/null 2>&1
    done
  fi
  if [ -d "$RUNC_ROOT" ]; then
    for id in $(ls "$RUNC_ROOT" 2>/dev/null); do
      runc --root "$RUNC_ROOT" delete --force "$id" >/dev/null 2>&1
    done
  fi
  # Anything still mounted below the bundle is a leak of the runtime, but
  # must not survive the test either.
  grep -F " $BUNDLE" /proc/self/mountinfo | awk '{print $5}' | sort -r | while read -r m; do
    umount -l "$m" 2>/dev/null
  done
  rm -rf "$BUNDLE"
  unset BUNDLE
}

# Fail with a message; for use in tests.
fail() {
  echo "$@" >&2
  return 1
}

# True on a cgroup v2 (unified) host.
is_v2() {
  [ "$(stat -f -c %T /sys/fs/cgroup)" = cgroup2fs ]
}

# The host directory of a pid's cgroup for a controller (v2: the one).
cg_dir() {
  local pid=$1 ctrl=$2 path
  if is_v2; then
    path=$(sed -n 's/^0:://p' "/proc/$pid/cgroup")
    echo "/sys/fs/cgroup$path"
  else
    path=$(awk -F: -v c="$ctrl" '{ n = split($2, a, ","); for (i = 1; i <= n; i++) if (a[i] == c) print $3 }' "/proc/$pid/cgroup")
    [ -n "$path" ] || return 1
    echo "/sys/fs/cgroup/$ctrl$path"
  fi
}
