#!/bin/sh
# Build minirt's Debian binary package from this checkout, offline, in a
# temporary copy (the checkout is left as it is).
#   Usage: contrib/packaging/build-deb.sh OUTDIR [dpkg-buildpackage options]
# Needs: apt-get install -y debhelper dpkg-dev fakeroot and the Build-Depends
# of debian/control (dpkg-checkbuilddeps lists what is missing).
# Writes OUTDIR/minirt_VERSION_ARCH.deb (and the .buildinfo/.changes).
set -eu
[ $# -ge 1 ] || { echo "usage: $0 OUTDIR [dpkg-buildpackage options]" >&2; exit 2; }
out=$1
shift
top=$(cd "$(dirname "$0")/../.." && pwd)
mkdir -p "$out"
out=$(cd "$out" && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/minirt-deb.XXXXXX")
trap 'rm -rf "$work"' EXIT INT TERM

# The sources only: tracked and new files of a git checkout (no build
# directories), else the tree without build*/.
mkdir "$work/minirt"
if git -C "$top" rev-parse --is-inside-work-tree >/dev/null 2>&1; then
  (cd "$top" && git ls-files -z --cached --others --exclude-standard |
    xargs -0 cp -a --parents -t "$work/minirt")
else
  (cd "$top" && tar -cf - --exclude='./build*' --exclude=./.git .) | tar -xf - -C "$work/minirt"
fi
cp -a "$top/contrib/packaging/debian" "$work/minirt/debian"

cd "$work/minirt"
dpkg-checkbuilddeps
dpkg-buildpackage -us -uc -b "$@"
cp ../*.deb ../*.buildinfo ../*.changes "$out"/
