#!/usr/bin/env bats
# Runs last (bats orders files by name): after the whole suite, nothing any
# test made is left on the machine.  Every test bundle is a
# $TEST_TMP_BASE/minirt-test.* directory and every test cgroup is
# minirt-test/<id> under the caller's cgroup, so those names are the marks.
#
# Another suite running at the same time on the same machine names its
# bundles and cgroups the same way; its teardowns remove them within
# seconds, so only what is still there after a grace period counts.

load helpers
load leak_helpers

# One line per leftover: "<what> <path or pid>: <detail>".
leftovers() {
  local d sub p root cwd exe

  # Bundles (and the state dirs inside them: tests use --root $BUNDLE/...).
  for d in "$TEST_TMP_BASE"/minirt-test.*; do
    [ -e "$d" ] && echo "bundle $d"
  done

  # Mounts on the host side.
  grep 'minirt-test' /proc/self/mountinfo | awk '{print "mount " $5}'

  # Cgroups: minirt-test/ may stay as an empty parent (runc leaves it too);
  # anything under it is a container's.
  for d in $(cgroup_dirs_of minirt-test); do
    [ -d "$d" ] || continue
    find "$d" -mindepth 1 -type d 2>/dev/null | sed 's/^/cgroup /'
  done

  # Processes: a container's root, cwd or binary is inside a test bundle;
  # a runtime's binary is the minirt under test.
  for p in /proc/[0-9]*; do
    root=$(readlink "$p/root" 2>/dev/null) || continue
    cwd=$(readlink "$p/cwd" 2>/dev/null) || true
    exe=$(readlink "$p/exe" 2>/dev/null) || true
    case "$root $cwd $exe" in
      *"$TEST_TMP_BASE/minirt-test."* | *"$MINIRT"*)
        echo "process ${p#/proc/}: $(tr '\0' ' ' < "$p/cmdline" 2>/dev/null)" ;;
    esac
  done
  return 0
}

@test "leaks: nothing from the suite is left behind" {
  local left i
  left=$(leftovers)
  # Keep only what stays: a concurrent suite's items come and go.
  for i in $(seq 15); do
    [ -n "$left" ] || break
    sleep 2
    left=$(comm -12 <(sort <<< "$left") <(leftovers | sort))
  done
  [ -z "$left" ] || fail "left behind by the suite:
$left"
}
