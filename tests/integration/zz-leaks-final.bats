#!/usr/bin/env bats
# Runs last (bats orders files by name): after the whole suite, nothing any
# test made is left on the machine.  Every test bundle is a
# $TEST_TMP_BASE/minirt-test.* directory and every test cgroup is
# minirt-test/<id> under the caller's cgroup, so those names are the marks.
#
# Note: run the suite alone; another suite running at the same time on the
# same machine (its bundles and cgroups are named the same way) shows up here.

load helpers
load leak_helpers

@test "leaks: nothing from the suite is left behind" {
  local left=""

  # Bundles (and the state dirs inside them: tests use --root $BUNDLE/...).
  local d
  for d in "$TEST_TMP_BASE"/minirt-test.*; do
    [ -e "$d" ] && left="$left
  bundle or state dir: $d"
  done

  # Mounts on the host side.
  if grep -q 'minirt-test' /proc/self/mountinfo; then
    left="$left
  mounts: $(grep 'minirt-test' /proc/self/mountinfo | awk '{print $5}' | tr '\n' ' ')"
  fi

  # Cgroups: minirt-test/ may stay as an empty parent (runc leaves it too);
  # anything under it is a container's.
  for d in $(cgroup_dirs_of minirt-test); do
    [ -d "$d" ] || continue
    local sub
    sub=$(find "$d" -mindepth 1 -type d 2>/dev/null)
    [ -z "$sub" ] || left="$left
  cgroups: $sub"
  done

  # Processes: a container's root, cwd or binary is inside a test bundle;
  # a runtime's binary is the minirt under test.
  local p root cwd exe
  for p in /proc/[0-9]*; do
    root=$(readlink "$p/root" 2>/dev/null) || continue
    cwd=$(readlink "$p/cwd" 2>/dev/null) || true
    exe=$(readlink "$p/exe" 2>/dev/null) || true
    case "$root $cwd $exe" in
      *"$TEST_TMP_BASE/minirt-test."* | *"$MINIRT"*)
        left="$left
  process ${p#/proc/}: $(tr '\0' ' ' < "$p/cmdline" 2>/dev/null)" ;;
    esac
  done

  [ -z "$left" ] || fail "left behind by the suite:$left"
}
