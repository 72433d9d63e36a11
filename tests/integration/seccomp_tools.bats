#!/usr/bin/env bats
# minirt seccomp check|explain|diff|convert and minirt spec --seccomp: on the
# seed articles' profiles (specs/seccomp, tests/data/seccomp), golden outputs
# for explain and diff, conversions that round-trip, and profiles put into
# bundles that real busybox containers then run under.

load helpers

bats_require_minimum_version 1.5.0

DATA=tests/data/seccomp

setup() {
  TMP=$(mktemp -d "$TEST_TMP_BASE/minirt-tools.XXXXXX")
  BUNDLE=
  cd "$REPO_ROOT" || return 1
}

teardown() {
  teardown_bundle
  rm -rf "$TMP"
}

mr() {
  "$MINIRT" "$@"
}

@test "check: exit status per seed profile (0 clean, 2 warnings)" {
  local f want
  while read -r f want; do
    run mr seccomp check "specs/seccomp/$f"
    [ "$status" -eq "$want" ] || fail "$f: exit $status, expected $want: $output"
  done <<'EOF'
audit.json 0
block-mkdir-errno.json 0
block-mkdir-kill.json 2
clone-no-userns.json 0
docker-default.json 0
fine-grained.json 0
notify-chroot-swapoff.json 0
personality.json 0
prevent-chmod.json 2
violation.json 2
EOF
  run -0 mr seccomp check specs/seccomp/docker-default.json
  [ "$output" = "specs/seccomp/docker-default.json: ok (OCI linux.seccomp, 6 rules)" ]
  run -0 mr seccomp check --quiet specs/seccomp/audit.json
  [ "$output" = "" ]
}

@test "check: seed 003's prevent-chmod as written: legacy name, and fchmodat is not blocked" {
  run -2 mr seccomp check $DATA/prevent-chmod-seed003.json
  [ "${lines[0]}" = "$DATA/prevent-chmod-seed003.json:5: warning: syscalls[0].name: legacy field \"name\": runc, crun and minirt read only \"names\" in config.json (minirt seccomp convert rewrites it)" ]
  [ "${lines[1]}" = "$DATA/prevent-chmod-seed003.json:5: warning: syscalls[0].name: chmod is refused but fchmod, fchmodat, fchmodat2 are allowed: the same operation still works through them" ]
  [ "${#lines[@]}" -eq 2 ]
}

@test "check: seed 004's block-mkdir names mkdirat only: mkdir still works" {
  run -2 mr seccomp check $DATA/block-mkdirat-seed004.json
  [ "$output" = "$DATA/block-mkdirat-seed004.json:5: warning: syscalls[0].names[0]: mkdirat is refused but mkdir is allowed: the same operation still works through it" ]
}

@test "check: the violation profiles cannot start a container, and seed 002's list has a typo" {
  run -2 mr seccomp check specs/seccomp/violation.json
  [[ "$output" == "specs/seccomp/violation.json:2: warning: defaultAction: execve is refused (SCMP_ACT_ERRNO)"* ]]
  run -2 mr seccomp check $DATA/notifier-seed001.json
  [[ "$output" == *":2: warning: defaultAction: execve is refused"* ]]
  run -2 mr seccomp check $DATA/allowlist-seed002.json
  [[ "$output" == *':12: warning: syscalls[0].names[23]: unknown syscall "pread" (did you mean "pread64"?)'* ]]
  [[ "$output" == *"exit_group and exit are refused"* ]]
}

@test "check: invalid profiles are errors (exit 1) with FILE:LINE" {
  run -1 mr seccomp check $DATA/invalid-action.json
  [ "$output" = "minirt: $DATA/invalid-action.json:6: syscalls[0].action: unknown action \"SCMP_ACT_FOO\"" ]
  printf '{\n "defaultAction": "SCMP_ACT_ALLOW",\n "syscalls": [\n  {"names": ["a"] "action": 1}\n ]\n}\n' > "$TMP/bad.json"
  run -1 mr seccomp check "$TMP/bad.json"
  [[ "$output" == "minirt: $TMP/bad.json:4: invalid JSON: "* ]]
  run -1 mr seccomp check "$TMP/missing.json"
  [[ "$output" == "minirt: "*"missing.json"*"No such file or directory" ]]
  # a whole config.json: its linux.seccomp, with lines of the file
  jq '.linux.seccomp = {"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["mkdir"], "action": "SCMP_ACT_NOPE"}]}' \
    tests/data/runc-spec.json > "$TMP/config.json"
  local line
  line=$(grep -n SCMP_ACT_NOPE "$TMP/config.json" | cut -d: -f1)
  run -1 mr seccomp check "$TMP/config.json"
  [ "$output" = "minirt: $TMP/config.json:$line: linux.seccomp.syscalls[0].action: unknown action \"SCMP_ACT_NOPE\"" ]
  line=$(grep -n '^	"linux"' tests/data/runc-spec.json | cut -d: -f1)
  # what minirt create refuses is an error too
  echo '{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["chroot"], "action": "SCMP_ACT_NOTIFY"}]}' > "$TMP/n.json"
  run -1 mr seccomp check "$TMP/n.json"
  [ "$output" = "$TMP/n.json:1: error: minirt would refuse this profile: linux.seccomp.listenerPath: required when SCMP_ACT_NOTIFY is used" ]
  run -1 mr seccomp check tests/data/runc-spec.json
  [ "$output" = "minirt: tests/data/runc-spec.json:$line: linux.seccomp: not set: this config.json has no seccomp profile" ]
}

@test "explain, diff and check: golden outputs" {
  local name args want
  while IFS='|' read -r name args; do
    name=${name// /}
    [[ -z "$name" || "$name" == \#* ]] && continue
    want=$(cat "$DATA/golden/$name.txt")
    # shellcheck disable=SC2086
    run mr seccomp $args
    if [ "$output" != "$want" ]; then
      diff -u "$DATA/golden/$name.txt" <(printf '%s\n' "$output") || true
      fail "golden $name differs (minirt seccomp $args)"
    fi
  done < "$DATA/golden/cases"
}

@test "explain: the summary names the default, groups, conditions and dangers" {
  run -0 mr seccomp explain specs/seccomp/docker-default.json
  [[ "$output" == *'Default action: SCMP_ACT_ERRNO: every syscall not named below is refused with EPERM ("Operation not permitted")'* ]]
  [[ "$output" == *"  personality: allowed only with persona 0x0, 0x8, 0x20000, 0x20008 or 0xffffffff (otherwise: refused with EPERM)"* ]]
  [[ "$output" == *"  clone: allowed only without CLONE_NEWNS, CLONE_NEWCGROUP, CLONE_NEWUTS, CLONE_NEWIPC, CLONE_NEWUSER, CLONE_NEWPID, CLONE_NEWNET in flags"* ]]
  [[ "$output" != *"  mount:"* && "$output" != *"  reboot:"* ]]
  run -0 mr seccomp explain specs/seccomp/prevent-chmod.json
  [[ "$output" == *"  reboot: reboots the host; also gated by CAP_SYS_BOOT"* ]]
  [[ "$output" == *"  mount: mounting; already gated by CAP_SYS_ADMIN"* ]]
}

@test "diff: any mix of formats, and identical profiles" {
  run -0 mr seccomp diff specs/seccomp/prevent-chmod.json $DATA/prevent-chmod-seed003.json
  [[ "$output" == *"no differences" ]]
  mr spec --seccomp default -b "$TMP"
  run -0 mr seccomp diff "$TMP/config.json" specs/seccomp/docker-default.json
  [ "${lines[0]}" = "--- $TMP/config.json (linux.seccomp of a config.json)" ]
  [ "${lines[2]}" = "no differences" ]
}

@test "convert: Docker -> OCI -> Kubernetes -> OCI round trip" {
  local t=(--arch amd64 --kernel 6.1 --cap CAP_SYS_CHROOT)
  run -0 mr seccomp convert "${t[@]}" $DATA/docker-style.json -o "$TMP/oci.json"
  [ "$output" = "" ]
  # only OCI fields are left; chroot came with CAP_SYS_CHROOT, mount did not
  run -0 jq -r '[paths | map(tostring) | join(".")] | map(select(test("includes|excludes|archMap|comment|\\.name$"))) | length' "$TMP/oci.json"
  [ "$output" = 0 ]
  [ "$(jq -c '.architectures' "$TMP/oci.json")" = '["SCMP_ARCH_X86_64","SCMP_ARCH_X86","SCMP_ARCH_X32"]' ]
  jq -e '[.syscalls[].names[]] | index("chroot") and (index("mount") | not) and (index("ptrace") | not)' "$TMP/oci.json"
  run -0 mr seccomp diff "${t[@]}" $DATA/docker-style.json "$TMP/oci.json"
  [[ "$output" == *"no differences" ]]
  mr seccomp convert --to kubernetes "$TMP/oci.json" > "$TMP/k8s.json"
  mr seccomp convert "$TMP/k8s.json" > "$TMP/oci2.json"
  cmp "$TMP/oci.json" "$TMP/oci2.json"
  run -0 mr seccomp check "$TMP/oci.json"
  # the Kubernetes form leaves the node-local listener out
  run -0 mr seccomp convert --to kubernetes specs/seccomp/notify-chroot-swapoff.json
  [[ "$output" != *listenerPath* ]]
  run -1 mr seccomp convert --to yaml specs/seccomp/audit.json
  [ "$output" = 'minirt: convert: invalid --to "yaml": expected oci or kubernetes' ]
}

@test "convert --into: patches config.json atomically, keeps the rest, and the container obeys it" {
  setup_bundle
  update_config '.root.readonly = false'
  chmod 600 "$BUNDLE/config.json"
  cp "$BUNDLE/config.json" "$TMP/before.json"
  run -0 mr seccomp convert --into "$BUNDLE" "$REPO_ROOT/$DATA/prevent-chmod-seed003.json"
  [ "$(stat -c %a "$BUNDLE/config.json")" = 600 ]
  [ "$(ls "$BUNDLE")" = "$(printf 'config.json\nrootfs')" ]
  diff <(jq -S 'del(.linux.seccomp)' "$TMP/before.json") <(jq -S 'del(.linux.seccomp)' "$BUNDLE/config.json")
  [ "$(jq -c .linux.seccomp "$BUNDLE/config.json")" = '{"defaultAction":"SCMP_ACT_ALLOW","syscalls":[{"names":["chmod"],"action":"SCMP_ACT_ERRNO"}]}' ]
  set_args sh -c 'touch /tmp/f && chmod 600 /tmp/f; echo "chmod=$?"'
  run -0 minirt run "$CTR_ID"
  [[ "$output" == *"chmod: /tmp/f: Operation not permitted"*"chmod=1"* ]]
  # the bundle's capabilities resolve Docker includes
  update_config '.process.capabilities.bounding += ["CAP_SYS_ADMIN"]'
  run -0 mr seccomp convert --into "$BUNDLE" --arch amd64 --kernel 6.1 "$REPO_ROOT/$DATA/docker-style.json"
  jq -e '[.linux.seccomp.syscalls[].names[]] | index("mount")' "$BUNDLE/config.json"
  run -1 mr seccomp convert --into "$BUNDLE" --to kubernetes "$REPO_ROOT/$DATA/docker-style.json"
}

@test "spec --seccomp default: our RuntimeDefault, and a container runs under it" {
  run -0 mr spec --seccomp default -b "$TMP"
  diff <(jq -S .linux.seccomp "$TMP/config.json") <(jq -S . specs/seccomp/docker-default.json)
  # everything but linux.seccomp is what plain `spec` writes
  mkdir "$TMP/plain" && mr spec -b "$TMP/plain"
  diff <(jq -S 'del(.linux.seccomp)' "$TMP/config.json") <(jq -S . "$TMP/plain/config.json")

  # make it runnable: the spec's interactive sh becomes a script
  jq '.process.terminal = false | .root.readonly = false' "$TMP/config.json" > "$TMP/run.json"
  setup_bundle "$TMP/run.json"
  set_args sh -c 'mkdir /tmp/d && echo "mkdir=$?"; unshare -U true; echo "unshare=$?"'
  run -0 minirt run "$CTR_ID"
  [[ "$output" == *"mkdir=0"* ]]
  [[ "$output" == *"unshare: unshare(0x10000000): Operation not permitted"*"unshare=1"* ]]
}

@test "spec --seccomp FILE resolves a Docker profile for the spec's capabilities; errors leave no config" {
  run -0 mr spec --seccomp $DATA/docker-style.json -b "$TMP"
  jq -e '[.linux.seccomp.syscalls[].names[]] | (index("mount") | not) and index("read")' "$TMP/config.json"
  mkdir "$TMP/e"
  run -1 mr spec --seccomp "$TMP/nope.json" -b "$TMP/e"
  [[ "$output" == "minirt: spec --seccomp: "*"nope.json"* ]]
  [ ! -e "$TMP/e/config.json" ]
  run -1 mr spec --seccomp $DATA/invalid-action.json -b "$TMP/e"
  [ "$output" = "minirt: spec --seccomp: $DATA/invalid-action.json:6: syscalls[0].action: unknown action \"SCMP_ACT_FOO\"" ]
  [ ! -e "$TMP/e/config.json" ]
}
