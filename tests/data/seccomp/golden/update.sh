#!/bin/sh
# Regenerate the golden outputs from `cases` with a built minirt:
#   tests/data/seccomp/golden/update.sh [path/to/minirt]
# Review the diff before committing: a golden is only as good as its review.
set -u
top=$(cd "$(dirname "$0")/../../../.." && pwd)
minirt=${1:-$top/build/src/minirt}
cd "$top" || exit 1
grep -v '^#' tests/data/seccomp/golden/cases | while IFS='|' read -r name args; do
  name=$(echo "$name" | tr -d ' ')
  # shellcheck disable=SC2086
  "$minirt" seccomp $args > "tests/data/seccomp/golden/$name.txt" 2>&1
done
