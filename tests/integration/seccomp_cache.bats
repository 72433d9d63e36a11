#!/usr/bin/env bats
# The cache of compiled seccomp programs (libcontainer/seccomp_cache.c): a
# hit enforces the same profile, a changed profile is a new entry, and a
# corrupt, foreign or planted entry or an unsafe directory is never trusted.
# MINIRT_CACHE_DIR points each test at a private cache.

load helpers

bats_require_minimum_version 1.5.0

PROFILES=$REPO_ROOT/specs/seccomp

setup() {
  setup_bundle
  update_config '.root.readonly = false'
  update_config --slurpfile p "$PROFILES/block-mkdir-errno.json" '.linux.seccomp = $p[0]'
  set_args sh -c 'mkdir /cached-dir && echo made || echo refused'
  export MINIRT_CACHE_DIR=$BUNDLE/cache
}

teardown() {
  unset MINIRT_CACHE_DIR
  teardown_bundle
}

entries() { ls -A "$MINIRT_CACHE_DIR" 2>/dev/null | grep -c '^seccomp-' || true; }
entry() { ls "$MINIRT_CACHE_DIR"/seccomp-* | head -n 1; }

@test "seccomp cache: the first run stores the program, the next one uses it and enforces the profile" {
  run --separate-stderr minirt run "$CTR_ID"
  [ "$status" -eq 0 ]
  [ "$output" = "refused" ]
  [ "$(entries)" -eq 1 ]
  [ "$(stat -c %a "$MINIRT_CACHE_DIR")" = 700 ]
  [ "$(stat -c %a "$(entry)")" = 600 ]
  [ -z "$(ls -A "$STATE_ROOT")" ]
  local ino
  ino=$(stat -c %i "$(entry)")

  run --separate-stderr minirt run "$CTR_ID"
  [ "$status" -eq 0 ]
  [ "$output" = "refused" ]
  [ "$(entries)" -eq 1 ]
  # A hit reads the entry; it does not rewrite it.
  [ "$(stat -c %i "$(entry)")" = "$ino" ]
  [ -z "$(ls -A "$STATE_ROOT")" ]
}

@test "seccomp cache: a changed profile gets its own entry and its own program" {
  run --separate-stderr minirt run "$CTR_ID"
  [ "$output" = "refused" ]
  update_config '.linux.seccomp.syscalls[0].names = ["chmod"]'
  run --separate-stderr minirt run "$CTR_ID"
  [ "$status" -eq 0 ]
  [ "$output" = "made" ]
  [ "$(entries)" -eq 2 ]
}

@test "seccomp cache: a corrupt entry is not trusted and is replaced" {
  run --separate-stderr minirt run "$CTR_ID"
  [ "$output" = "refused" ]
  local e size
  e=$(entry)
  size=$(stat -c %s "$e")
  # Same size, program bytes flipped: only the checksum can tell.
  head -c "$size" /dev/zero > "$e"
  run --separate-stderr minirt run "$CTR_ID"
  [ "$status" -eq 0 ]
  [ "$output" = "refused" ]
  [ "$(stat -c %s "$e")" = "$size" ]
  [ -n "$(tr -d '\0' < "$e" | head -c 8)" ]
  # Truncated.
  head -c 100 "$e" > "$e.tmp" && mv "$e.tmp" "$e"
  run --separate-stderr minirt run "$CTR_ID"
  [ "$output" = "refused" ]
  [ "$(stat -c %s "$e")" = "$size" ]
}

@test "seccomp cache: a symlink planted as the entry is neither followed nor written through" {
  run --separate-stderr minirt run "$CTR_ID"
  local e
  e=$(entry)
  rm -f "$e"
  echo "precious" > "$BUNDLE/target"
  ln -s "$BUNDLE/target" "$e"
  run --separate-stderr minirt run "$CTR_ID"
  [ "$status" -eq 0 ]
  [ "$output" = "refused" ]
  [ "$(cat "$BUNDLE/target")" = "precious" ]
  [ ! -L "$e" ] && [ -f "$e" ]
}

@test "seccomp cache: a directory others can reach is not used" {
  mkdir -m 0755 "$MINIRT_CACHE_DIR"
  run --separate-stderr minirt run "$CTR_ID"
  [ "$status" -eq 0 ]
  [ "$output" = "refused" ]
  [ "$(entries)" -eq 0 ]
}

@test "seccomp cache: an entry owned by another user is not used" {
  run --separate-stderr minirt run "$CTR_ID"
  local e
  e=$(entry)
  chown 65534 "$e"
  run --separate-stderr minirt run "$CTR_ID"
  [ "$status" -eq 0 ]
  [ "$output" = "refused" ]
  # Replaced by our own.
  [ "$(stat -c %u "$e")" = 0 ]
}

@test "seccomp cache: MINIRT_CACHE_DIR empty turns the cache off" {
  MINIRT_CACHE_DIR= run --separate-stderr minirt run "$CTR_ID"
  [ "$status" -eq 0 ]
  [ "$output" = "refused" ]
  [ ! -e "$BUNDLE/cache" ]
}
