#!/usr/bin/env bats
# Packaging: `meson install --destdir` of the build $MINIRT belongs to
# installs the expected files, the man pages cover every command and flag of
# --help, the installed minirt runs a container; the Debian package of
# contrib/packaging/debian builds offline and installs into a throwaway root.

load helpers

bats_require_minimum_version 1.5.0

BUILD_DIR=${MINIRT_BUILD_DIR:-$(cd "$(dirname "$MINIRT")/.." && pwd)}

setup_file() {
  [ -f "$BUILD_DIR/meson-private/coredata.dat" ] ||
    { echo "install.bats: $BUILD_DIR (from MINIRT) is not a meson build directory" >&2; return 1; }
  DEST=$(mktemp -d "$TEST_TMP_BASE/minirt-install.XXXXXX")
  export DEST
  meson install -C "$BUILD_DIR" --no-rebuild --quiet --destdir "$DEST" >"$DEST.log" 2>&1 ||
    { cat "$DEST.log" >&2; rm -rf "$DEST" "$DEST.log"; return 1; }
  rm -f "$DEST.log"
}

teardown_file() {
  rm -rf "$DEST"
}

setup() {
  local opts
  opts=$(meson introspect --buildoptions "$BUILD_DIR")
  opt() { jq -r --arg n "$1" '.[] | select(.name == $n) | .value' <<<"$opts"; }
  PREFIX=$(opt prefix)
  BINDIR=$PREFIX/$(opt bindir)
  MANDIR=$PREFIX/$(opt mandir)
  DATADIR=$PREFIX/$(opt datadir)
  DOCDIR=$(opt docdir)
  [ -n "$DOCDIR" ] || DOCDIR=$(opt datadir)/doc/minirt
  DOCDIR=$PREFIX/$DOCDIR
  AGENT_ON=$(opt seccomp_agent)
  IMINIRT=$DEST$BINDIR/minirt
  TMP=$(mktemp -d "$TEST_TMP_BASE/minirt-install-t.XXXXXX")
}

teardown() {
  teardown_bundle
  rm -rf "$TMP"
}

# The commands `minirt [seccomp] help` lists.
commands_of() {
  "$MINIRT" "$@" help | sed -n '/^Commands:/,/^$/s/^  \([a-z][a-z-]*\) .*/\1/p'
}

# The flags of `minirt ARGS... --help`, one per line (-b and --bundle apart).
flags_of() {
  "$MINIRT" "$@" --help | sed -n 's/^ \{2,\}\(-[^ ].*\)$/\1/p' | sed 's/  .*//' |
    tr ',' '\n' | awk '{ print $1 }' | grep '^-'
}

# A man page's roff source as plain text (\- -> -, no font changes).
man_text() {
  sed -e 's/\\-/-/g' -e 's/\\f[BIRP]//g' -e 's/\\&//g' -e 's/\\e/\\/g' "$1"
}

# The lines of a man page between ".SS NAME" (or ".SH NAME") and the next
# heading.
man_section() {
  awk -v h="$2" '/^\.S[SH] / { name = $0; sub(/^\.S[SH] "?/, "", name); sub(/"$/, "", name); on = (name == h); next } on' "$1"
}

# has_flag FLAG: FLAG as a whole word on stdin.
has_flag() {
  grep -qE -- "(^|[^-[:alnum:]])$1([^-[:alnum:]]|$)"
}

@test "meson install puts binaries, man pages, docs, profiles, examples and completion in place" {
  local expected=$TMP/expected actual=$TMP/actual f
  {
    echo "$BINDIR/minirt"
    echo "$MANDIR/man8/minirt.8"
    echo "$MANDIR/man8/minirt-seccomp.8"
    if [ "$AGENT_ON" = true ]; then
      echo "$BINDIR/minirt-seccomp-agent"
      echo "$MANDIR/man8/minirt-seccomp-agent.8"
    fi
    echo "$DATADIR/bash-completion/completions/minirt"
    for f in README.md seccomp.md COPYING; do echo "$DOCDIR/$f"; done
    for f in containerd/README.md containerd/config.toml crio/10-minirt.conf \
      kubernetes/runtimeclass.yaml podman/README.md podman/containers.conf seccomp-agent/README.md; do
      echo "$DOCDIR/examples/$f"
    done
    # Every profile of specs/seccomp/, so a new one cannot be forgotten.
    (cd "$REPO_ROOT/specs/seccomp" && ls) | sed "s|^|$DATADIR/minirt/seccomp/|"
  } | sort >"$expected"
  (cd "$DEST" && find . ! -type d | sed 's|^\.||' | sort) >"$actual"
  diff -u "$expected" "$actual"

  [ -x "$IMINIRT" ]
  [ "$(stat -c %a "$IMINIRT")" = 755 ]
  [ "$(stat -c %a "$DEST$MANDIR/man8/minirt.8")" = 644 ]
  cmp "$REPO_ROOT/specs/seccomp/docker-default.json" "$DEST$DATADIR/minirt/seccomp/docker-default.json"
  cmp "$REPO_ROOT/docs/seccomp.md" "$DEST$DOCDIR/seccomp.md"
}

@test "installed client snippets name the installed binary" {
  grep -qxF "    BinaryName = \"$BINDIR/minirt\"" "$DEST$DOCDIR/examples/containerd/config.toml"
  grep -qxF "runtime_path = \"$BINDIR/minirt\"" "$DEST$DOCDIR/examples/crio/10-minirt.conf"
  # Nothing else of them changed.
  diff <(sed "s|$BINDIR/minirt|/usr/local/bin/minirt|" "$DEST$DOCDIR/examples/crio/10-minirt.conf") \
    "$REPO_ROOT/contrib/crio/10-minirt.conf"
  cmp "$REPO_ROOT/contrib/podman/containers.conf" "$DEST$DOCDIR/examples/podman/containers.conf"
}

@test "the man pages are valid roff with nothing left to substitute" {
  local page out
  for page in "$DEST$MANDIR"/man8/*.8; do
    out=$(groff -man -Tascii -ww -z "$page" 2>&1)
    [ -z "$out" ] || fail "$page: $out"
    if grep -nE '@[A-Z_]+@' "$page"; then fail "$page: unsubstituted placeholder"; fi
    grep -qE '^\.TH [^ ]+ 8 "[0-9]{4}-[0-9]{2}-[0-9]{2}" "minirt [0-9.]+"' "$page" || fail "$page: .TH line"
  done
  # The files the pages point to are where they were installed.
  man_text "$DEST$MANDIR/man8/minirt.8" | grep -qxF ".I $DATADIR/minirt/seccomp"
  man_text "$DEST$MANDIR/man8/minirt.8" | grep -qxF ".I $DOCDIR/examples"
  # And the page renders with man(1)'s formatter into a readable NAME line.
  groff -man -Tascii -rLL=200n -P-cbou "$DEST$MANDIR/man8/minirt.8" |
    grep -qxF '       minirt - a small OCI container runtime, command-line compatible with runc'
}

@test "minirt(8) has every command and every flag of minirt --help and <command> --help" {
  local page=$TMP/minirt.txt cmd flag n=0
  man_text "$DEST$MANDIR/man8/minirt.8" >"$page"
  for flag in $(flags_of); do
    man_section "$page" "GLOBAL OPTIONS" | has_flag "$flag" || fail "GLOBAL OPTIONS lacks $flag"
    n=$((n + 1))
  done
  [ "$n" -ge 12 ]
  n=0
  for cmd in $(commands_of); do
    man_section "$page" "$cmd" | grep -q . || fail "minirt.8 has no section for $cmd"
    man_section "$page" "$cmd" | grep -qF "$("$MINIRT" "$cmd" --help | sed -n 3p)" ||
      fail "$cmd: description missing"
    for flag in $(flags_of "$cmd"); do
      man_section "$page" "$cmd" | has_flag "$flag" || fail "minirt.8: $cmd lacks $flag"
    done
    n=$((n + 1))
  done
  [ "$n" -ge 19 ]
  # Spot checks of the parsing: a flag with two long names, a wrapped spec.
  man_section "$page" update | grep -qF -- '--cpu-share, --cpu-shares N'
  man_section "$page" "GLOBAL OPTIONS" | grep -qF -- '--cgroup-manager cgroupfs|systemd|disabled'
}

@test "minirt-seccomp(8) has every seccomp command and flag; the agent's page every agent flag" {
  local page=$TMP/seccomp.txt cmd flag n=0
  man_text "$DEST$MANDIR/man8/minirt-seccomp.8" >"$page"
  for cmd in $(commands_of seccomp); do
    man_section "$page" "$cmd" | grep -q . || fail "minirt-seccomp.8 has no section for $cmd"
    for flag in $(flags_of seccomp "$cmd"); do
      man_section "$page" "$cmd" | has_flag "$flag" || fail "minirt-seccomp.8: $cmd lacks $flag"
    done
    n=$((n + 1))
  done
  [ "$n" -eq 5 ]
  [ "$AGENT_ON" = true ] || skip "built with -Dseccomp_agent=false"
  local flags
  flags=$("$DEST$BINDIR/minirt-seccomp-agent" --help | grep -oE -- '--[a-z-]+' | sort -u)
  [ "$(wc -l <<<"$flags")" -ge 7 ]
  man_text "$DEST$MANDIR/man8/minirt-seccomp-agent.8" >"$TMP/agent.txt"
  for flag in $flags; do
    man_section "$TMP/agent.txt" OPTIONS | has_flag "$flag" || fail "minirt-seccomp-agent.8 OPTIONS lacks $flag"
  done
}

@test "the installed minirt prints its version and runs a busybox container" {
  run --separate-stderr "$IMINIRT" --version
  [ "$status" -eq 0 ]
  [ "${lines[0]}" = "minirt version $(meson introspect --projectinfo "$BUILD_DIR" | jq -r .version)" ]
  setup_bundle
  run --separate-stderr "$IMINIRT" --root "$STATE_ROOT" run "$CTR_ID-install"
  [ "$status" -eq 0 ] || fail "$stderr"
  [ "$output" = "hello from minirt" ]
  # The installed profiles are usable by the installed binary.
  run "$IMINIRT" seccomp check -q "$DEST$DATADIR/minirt/seccomp/docker-default.json"
  [ "$status" -eq 0 ]
}

@test "the installed bash completion completes commands, flags and values from --help" {
  run bash -c '
    source "$1"
    c() { COMP_WORDS=("$@"); COMP_CWORD=$((${#COMP_WORDS[@]} - 1)); _minirt; echo "${COMPREPLY[*]}"; }
    c "$2" cr
    c "$2" run --bun
    c "$2" seccomp ex
    c "$2" --log-format j
    c "$2" update --cpu-sh' _ "$DEST$DATADIR/bash-completion/completions/minirt" "$IMINIRT"
  [ "$status" -eq 0 ]
  [ "${lines[0]}" = create ]
  [ "${lines[1]}" = --bundle ]
  [ "${lines[2]}" = explain ]
  [ "${lines[3]}" = json ]
  [ "${lines[4]}" = "--cpu-share --cpu-shares" ]
}

@test "the Debian package builds offline and installs into a throwaway root" {
  command -v dpkg-buildpackage >/dev/null && command -v dh >/dev/null ||
    fail "dpkg-dev and debhelper are needed (tests/run-all.sh installs them)"
  # The package's version is meson's.
  local version
  version=$(meson introspect --projectinfo "$BUILD_DIR" | jq -r .version)
  head -n 1 "$REPO_ROOT/contrib/packaging/debian/changelog" | grep -qF "minirt ($version-"

  run "$REPO_ROOT/contrib/packaging/build-deb.sh" "$TMP/out"
  [ "$status" -eq 0 ] || fail "$(tail -n 30 <<<"$output")"
  local deb
  deb=$(ls "$TMP"/out/minirt_"$version"-*_"$(dpkg --print-architecture)".deb)
  dpkg-deb -c "$deb" | awk '{ print $6 }' >"$TMP/contents"
  for f in ./usr/bin/minirt ./usr/bin/minirt-seccomp-agent ./usr/share/man/man8/minirt.8.gz \
    ./usr/share/man/man8/minirt-seccomp.8.gz ./usr/share/man/man8/minirt-seccomp-agent.8.gz \
    ./usr/share/minirt/seccomp/docker-default.json ./usr/share/doc/minirt/copyright \
    ./usr/share/doc/minirt/examples/containerd/config.toml ./usr/share/bash-completion/completions/minirt; do
    grep -qxF "$f" "$TMP/contents" || fail "$deb lacks $f"
  done
  if grep COPYING "$TMP/contents"; then fail "COPYING is in the package (debian/copyright covers it)"; fi
  dpkg-deb -f "$deb" Depends | grep -q 'libseccomp2'

  # dpkg -i into an empty root of its own (the machine's dpkg database is
  # never touched), run it from there, remove it again.
  local root=$TMP/root
  mkdir -p "$root/var/lib/dpkg/info" "$root/var/lib/dpkg/updates"
  : >"$root/var/lib/dpkg/status"
  dpkg --root="$root" --log=/dev/null --force-depends --force-not-root -i "$deb"
  dpkg --root="$root" -s minirt | grep -qx 'Status: install ok installed'
  run "$root/usr/bin/minirt" --version
  [ "$status" -eq 0 ]
  [ "${lines[0]}" = "minirt version $version" ]
  grep -qF 'BinaryName = "/usr/bin/minirt"' "$root/usr/share/doc/minirt/examples/containerd/config.toml"
  dpkg --root="$root" --log=/dev/null -r minirt
  [ ! -e "$root/usr/bin/minirt" ]
  # Every dependency the package declares is met on this machine.
  local p
  for p in $(dpkg-deb -f "$deb" Depends | tr ',' '\n' | awk '{ print $1 }'); do
    dpkg -s "$p" >/dev/null 2>&1 || fail "dependency $p is not installed"
  done
}
