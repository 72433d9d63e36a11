#!/bin/sh
# Turn a sample config into a runnable OCI bundle with a busybox-static rootfs.
#   specs/make-bundle.sh [-c CONFIG] DIR
# CONFIG defaults to specs/hello.json; DIR/config.json and DIR/rootfs are created.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
config="$here/hello.json"
while getopts c: opt; do
  case $opt in
    c) config=$OPTARG ;;
    *) echo "usage: $0 [-c CONFIG] DIR" >&2; exit 2 ;;
  esac
done
shift $((OPTIND - 1))
[ $# -eq 1 ] || { echo "usage: $0 [-c CONFIG] DIR" >&2; exit 2; }
dir=$1
busybox=$(command -v busybox 2>/dev/null || true)
[ -x /bin/busybox ] && busybox=/bin/busybox
if [ -z "$busybox" ] || ! "$busybox" --list >/dev/null 2>&1 || ldd "$busybox" >/dev/null 2>&1; then
  echo "$0: a static busybox is needed: apt-get install -y busybox-static" >&2
  exit 1
fi
mkdir -p "$dir/rootfs"
rootfs=$(cd "$dir/rootfs" && pwd)
mkdir -p "$rootfs/bin" "$rootfs/sbin" "$rootfs/usr/bin" "$rootfs/usr/sbin" "$rootfs/etc" \
  "$rootfs/proc" "$rootfs/sys" "$rootfs/dev" "$rootfs/tmp" "$rootfs/root" "$rootfs/var/www"
cp "$busybox" "$rootfs/bin/busybox"
for applet in $("$busybox" --list); do
  [ -e "$rootfs/bin/$applet" ] || ln -s busybox "$rootfs/bin/$applet"
done
chmod 1777 "$rootfs/tmp"
cat > "$rootfs/etc/passwd" <<'PW'
root:x:0:0:root:/root:/bin/sh
daemon:x:1:1:daemon:/usr/sbin:/bin/false
nobody:x:65534:65534:nobody:/nonexistent:/bin/false
PW
cat > "$rootfs/etc/group" <<'GR'
root:x:0:
daemon:x:1:
nogroup:x:65534:
GR
echo "hello from minirt" > "$rootfs/var/www/index.html"
cp "$config" "$dir/config.json"
echo "$dir"
