#!/bin/bash
# THE test command of minirt (README, .ci/run): install what is missing,
# build `build` (debugoptimized) and `build-asan` (ASan+UBSan), then run the
# Criterion unit tests (ASan build), every tests/integration/*.bats against
# build/src/minirt, a few of them again against build-asan/src/minirt
# (failing on any sanitizer report), and the parser fuzz target for 60 s.
# Ends with one line `N passed, N failed, N skipped` and exits non-zero if
# anything failed or a suite could not run.   Usage: sudo tests/run-all.sh
set -u
cd "$(dirname "$0")/.." || exit 1
REPO=$(pwd)

PACKAGES=(meson ninja-build pkg-config gcc clang libclang-rt-14-dev libseccomp-dev libyajl-dev libcap-dev
  libcriterion-dev busybox-static runc crun jq bats iproute2 util-linux
  podman conmon uidmap bsdutils containerd python3-yaml strace curl procps
  debhelper dpkg-dev groff-base git cppcheck)

passed=0 failed=0 skipped=0
LOGDIR=$(mktemp -d /tmp/minirt-tests.XXXXXX)
trap 'rm -rf "$LOGDIR"' EXIT

say() { printf '%s\n' "$*"; }

# isolated SECONDS OUTFILE CMD...: run CMD in a session of its own with a time
# limit, then kill whatever it left behind in that session (a test's forked
# worker that never exits must not outlive its suite).
isolated() {
  local limit=$1 out=$2 pid status
  shift 2
  setsid timeout "$limit" "$@" >"$out" 2>&1 &
  pid=$!
  wait "$pid"
  status=$?
  kill -KILL -- "-$pid" 2>/dev/null
  return "$status"
}

install_missing() {
  local missing=() p
  for p in "${PACKAGES[@]}"; do
    dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  say "== installing: ${missing[*]}"
  if [ "$(id -u)" -ne 0 ]; then
    say "run-all.sh: missing packages and not root: sudo apt-get install -y ${missing[*]}" >&2
    return 1
  fi
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >"$LOGDIR/apt.log" 2>&1 &&
    apt-get install -y -qq "${missing[@]}" >>"$LOGDIR/apt.log" 2>&1 ||
    { tail -n 30 "$LOGDIR/apt.log"; return 1; }
}

# build DIR [meson options...]: set up once, then ninja; output only on failure.
build() {
  local dir=$1
  shift
  local log="$LOGDIR/build-$dir.log"
  if [ ! -f "$dir/build.ninja" ]; then
    meson setup "$dir" "$@" >"$log" 2>&1 || { tail -n 40 "$log"; return 1; }
  else
    meson configure "$dir" "$@" >"$log" 2>&1 || { tail -n 40 "$log"; return 1; }
  fi
  ninja -C "$dir" >>"$log" 2>&1 || { grep -E 'error|warning|FAILED' "$log" | head -n 40; return 1; }
  if grep -q 'warning:' "$log"; then
    say "== $dir: compiler warnings:"
    grep 'warning:' "$log" | head -n 20
  fi
  say "== built $dir"
}

# tally NAME TAPFILE STATUS: count a TAP report; print failures in full and
# one summary line per suite.  A suite that failed without reporting a single
# failing test, or reported nothing, is counted as one failure.
tally() {
  local name=$1 tap=$2 status=$3 ok nok skip
  ok=$(grep -cE '^ok ' "$tap")
  skip=$(grep -ciE '^ok .*# skip' "$tap")
  nok=$(grep -cE '^not ok ' "$tap")
  ok=$((ok - skip))
  if [ "$nok" -gt 0 ]; then
    # the failing test lines and the diagnostics that follow them
    awk '/^not ok /{p=1; print; next} /^(ok |not ok )/{p=0} p && /^#/{print}' "$tap" | head -n 200
  fi
  if [ "$status" -ne 0 ] && [ "$nok" -eq 0 ]; then
    say "$name: exited with status $status without a failing test:"
    grep -vE '^(ok |1\.\.)' "$tap" | tail -n 30
    nok=1
  elif [ $((ok + nok + skip)) -eq 0 ]; then
    say "$name: no test ran"
    nok=1
  fi
  say "-- $name: $ok passed, $nok failed, $skip skipped"
  passed=$((passed + ok)) failed=$((failed + nok)) skipped=$((skipped + skip))
}

run_unit_tests() {
  local tests name cmd workdir tap status
  tests=$(meson introspect build-asan --tests) || { say "unit: cannot list the tests"; failed=$((failed + 1)); return; }
  if [ "$(jq length <<<"$tests")" -eq 0 ]; then
    say "unit: no unit tests registered (is libcriterion-dev installed?)"
    failed=$((failed + 1))
    return
  fi
  # No abort_on_error: a sanitizer report inside a seccomp-filtered test
  # child must end that child, not leave it spinning in abort().
  export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1}
  export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
  while read -r name; do
    mapfile -t cmd < <(jq -r --arg n "$name" '.[] | select(.name == $n) | .cmd[]' <<<"$tests")
    workdir=$(jq -r --arg n "$name" '.[] | select(.name == $n) | .workdir // empty' <<<"$tests")
    tap="$LOGDIR/unit-$name.tap"
    (cd "${workdir:-$REPO}" && isolated 600 "$LOGDIR/unit-$name.out" "${cmd[@]}" --timeout 120 --tap="$tap")
    status=$?
    [ -f "$tap" ] || : >"$tap"
    # Criterion's own stderr (ASan reports, asserts) is the diagnostic.
    if [ "$status" -ne 0 ]; then
      tail -n 40 "$LOGDIR/unit-$name.out" | sed 's/^/# /' >>"$tap"
    fi
    tally "unit/$name" "$tap" "$status"
  done < <(jq -r '.[].name' <<<"$tests")
}

# run_integration_tests [final]: every tests/integration/*.bats but the
# zz-* ones (the leak checks over the whole run), or with `final` only those,
# run last, after the ASan suites too.
run_integration_tests() {
  export MINIRT="$REPO/build/src/minirt"
  local f name tap status
  for f in tests/integration/*.bats; do
    [ -e "$f" ] || continue
    name=$(basename "$f" .bats)
    if [ "${1:-}" = final ]; then
      [[ $name == zz-* ]] || continue
    else
      [[ $name != zz-* ]] || continue
    fi
    tap="$LOGDIR/bats-$name.tap"
    isolated 1200 "$tap" bats --tap "$f"
    status=$?
    tally "integration/$name" "$tap" "$status"
  done
}

# The suites that drive the most runtime code (create/start/run/delete,
# exec, the seccomp listener and report monitor, the pty proxy), once more
# against the ASan+UBSan build (~3 min).  Every sanitizer report goes to a
# file of its own under $LOGDIR/sanitizer (the tests compare the runtime's
# output, which must stay as it is); any report fails its suite.  A child
# that cannot open that file (it is past pivot_root) dies, which fails the
# test instead.
ASAN_SUITES=(lifecycle exec seccomp seccomp_report terminal)

run_asan_integration_tests() {
  local name f tap status dir="$LOGDIR/sanitizer" reports r
  for name in "${ASAN_SUITES[@]}"; do
    f=tests/integration/$name.bats
    tap="$LOGDIR/asan-$name.tap"
    if [ ! -e "$f" ]; then
      say "asan/$name: $f does not exist"
      failed=$((failed + 1))
      continue
    fi
    rm -rf "$dir"
    mkdir -p "$dir"
    (
      export MINIRT="$REPO/build-asan/src/minirt" AGENT="$REPO/build-asan/contrib/minirt-seccomp-agent"
      # halt_on_error=0: UBSan goes on after a report (ASan stops anyway),
      # so one finding does not hide the rest of the suite's.
      export ASAN_OPTIONS="log_path=$dir/report:detect_leaks=1:print_stacktrace=1:halt_on_error=0"
      export UBSAN_OPTIONS="log_path=$dir/report:print_stacktrace=1:halt_on_error=0"
      isolated 1200 "$tap" bats --tap "$f"
    )
    status=$?
    reports=$(find "$dir" -type f -size +0c | sort)
    if [ -n "$reports" ]; then
      say "asan/$name: sanitizer reports:"
      for r in $reports; do
        say "# $r"
        head -n 40 "$r" | sed 's/^/# /'
      done
      # One failure per report, whatever the tests said.
      printf 'not ok sanitizer report %s\n' $reports >>"$tap"
    fi
    tally "asan/$name" "$tap" "$status"
  done
}

# cppcheck over the runtime's own code (about 10 s, deterministic for the
# Debian 12 version); it had no finding left once the real ones were fixed,
# so any finding now is new and fails the suite.
run_cppcheck() {
  local log="$LOGDIR/cppcheck.log"
  if cppcheck --enable=warning,performance,portability --inconclusive --error-exitcode=1 -q \
    --project=build/compile_commands.json --file-filter='libcontainer/*' --file-filter='src/*' \
    --file-filter='contrib/seccomp-agent/*' >"$log" 2>&1; then
    say "-- cppcheck: 1 passed, 0 failed, 0 skipped"
    passed=$((passed + 1))
  else
    head -n 40 "$log"
    say "-- cppcheck: 0 passed, 1 failed, 0 skipped"
    failed=$((failed + 1))
  fi
}

run_fuzz() {
  if [ ! -x tests/fuzz/run.sh ]; then
    say "-- fuzz: tests/fuzz/run.sh not present, skipped"
    skipped=$((skipped + 1))
    return
  fi
  local log="$LOGDIR/fuzz.log"
  if isolated 900 "$log" tests/fuzz/run.sh 60; then
    tail -n 3 "$log"
    say "-- fuzz: 1 passed, 0 failed, 0 skipped"
    passed=$((passed + 1))
  else
    tail -n 40 "$log"
    say "-- fuzz: 0 passed, 1 failed, 0 skipped"
    failed=$((failed + 1))
  fi
}

start=$(date +%s)
if ! install_missing; then
  say "0 passed, 1 failed, 0 skipped"
  exit 1
fi
build_ok=1
build build -Dbuildtype=debugoptimized || build_ok=0
build build-asan -Dbuildtype=debug -Db_sanitize=address,undefined || build_ok=0
if [ "$build_ok" -eq 0 ]; then
  say "build failed"
  say "$passed passed, 1 failed, $skipped skipped"
  exit 1
fi

say "== cppcheck"
run_cppcheck
say "== unit tests (build-asan)"
run_unit_tests
say "== integration tests (build/src/minirt)"
run_integration_tests
say "== integration tests under ASan+UBSan (build-asan/src/minirt): ${ASAN_SUITES[*]}"
run_asan_integration_tests
say "== leak checks over the whole run"
run_integration_tests final
say "== fuzz"
run_fuzz

say "== $(($(date +%s) - start)) s"
say "$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
