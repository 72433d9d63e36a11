#!/bin/sh
# The README's first command: install the build dependencies when missing,
# build minirt, turn specs/hello.json into a busybox bundle in a temporary
# directory and run it (it prints "hello from minirt"), then clean up.
#   Usage: sudo specs/run-sample.sh
set -eu
cd "$(dirname "$0")/.."
repo=$(pwd)

packages="meson ninja-build pkg-config gcc libseccomp-dev libyajl-dev libcap-dev busybox-static"
missing=""
for p in $packages; do
  dpkg -s "$p" >/dev/null 2>&1 || missing="$missing $p"
done
if [ -n "$missing" ]; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "run-sample.sh: missing packages:$missing; run as root (sudo) to install them" >&2
    exit 1
  fi
  echo "== installing:$missing"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  # shellcheck disable=SC2086
  apt-get install -y -qq $missing
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "run-sample.sh: running a container needs root: sudo $0" >&2
  exit 1
fi

echo "== building"
log=$(mktemp /tmp/minirt-build.XXXXXX)
if ! { [ -f build/build.ninja ] || meson setup build; } >"$log" 2>&1 || ! ninja -C build >>"$log" 2>&1; then
  tail -n 40 "$log" >&2
  rm -f "$log"
  echo "run-sample.sh: the build failed" >&2
  exit 1
fi
rm -f "$log"
minirt="$repo/build/src/minirt"

tmp=$(mktemp -d /tmp/minirt-sample.XXXXXX)
id="minirt-sample-$$"
cleanup() {
  "$minirt" --root "$tmp/state" delete --force "$id" >/dev/null 2>&1 || true
  rm -rf "$tmp"
}
trap cleanup EXIT INT TERM

echo "== bundle: specs/hello.json -> $tmp/bundle"
specs/make-bundle.sh -c specs/hello.json "$tmp/bundle" >/dev/null
echo "== minirt run $id"
set +e
"$minirt" --root "$tmp/state" run --bundle "$tmp/bundle" "$id" 2>"$tmp/err"
status=$?
set -e
if [ "$status" -eq 0 ]; then
  echo "== the container ran and exited 0"
  exit 0
fi
cat "$tmp/err" >&2
echo "== minirt run failed with status $status" >&2
exit "$status"
