#!/usr/bin/env bats
# The minirt command line: flags, help, errors, --version, spec, features, --log.

load helpers

bats_require_minimum_version 1.5.0

COMMANDS="checkpoint create delete events exec features kill list pause ps restore resume run spec start state update"
PENDING="exec ps pause resume update events checkpoint restore"

setup() {
  TMP=$(mktemp -d "$TEST_TMP_BASE/minirt-cli.XXXXXX")
  STATE_ROOT=$TMP/state
}

teardown() {
  teardown_bundle
  rm -rf "$TMP"
}

# Skip when the lifecycle library does not implement a command yet.
skip_if_not_implemented() {
  if [[ "$output$stderr" == *"not implemented"* ]]; then
    skip "$1 is not implemented in the library yet"
  fi
}

@test "--version and -v print version, spec, features and the libseccomp version" {
  run --separate-stderr "$MINIRT" --version
  [ "$status" -eq 0 ]
  [ "${#lines[@]}" -eq 4 ]
  [[ "${lines[0]}" =~ ^minirt\ version\ [0-9]+\.[0-9]+\.[0-9]+$ ]]
  [ "${lines[1]}" = "spec: 1.2.0" ]
  [[ "${lines[2]}" == *+SECCOMP* && "${lines[2]}" == *+CAP* && "${lines[2]}" == *+YAJL* ]]
  [ "${lines[3]}" = "libseccomp: $(pkg-config --modversion libseccomp)" ]
  local long=$output
  run "$MINIRT" -v
  [ "$status" -eq 0 ]
  [ "$output" = "$long" ]
}

@test "--help and -h list every command and global flag on stdout" {
  for h in --help -h help; do
    run --separate-stderr "$MINIRT" $h
    [ "$status" -eq 0 ]
    [ -z "$stderr" ]
    [[ "${lines[0]}" == "Usage: minirt"* ]]
    for c in $COMMANDS; do
      [[ "$output" == *"  $c "* ]] || fail "$h: command $c missing"
    done
    for f in --root --log --log-format --debug --systemd-cgroup --cgroup-manager --rootless --version --help; do
      [[ "$output" == *"$f"* ]] || fail "$h: global flag $f missing"
    done
  done
}

@test "every command has --help, -h and help CMD" {
  for c in $COMMANDS; do
    for form in "$c --help" "$c -h" "help $c" "$c -help"; do
      run --separate-stderr "$MINIRT" $form
      [ "$status" -eq 0 ] || fail "minirt $form: status $status"
      [[ "${lines[0]}" == "Usage: minirt $c"* ]] || fail "minirt $form: ${lines[0]}"
    done
  done
}

# The flags of docs/runtime-cli.md (and runc's), long and short.
@test "command help lists the flags of the runtime CLI contract" {
  check() {
    local c=$1
    shift
    run "$MINIRT" "$c" --help
    for f in "$@"; do
      [[ "$output" == *"$f"* ]] || fail "$c --help: $f missing"
    done
  }
  check create "-b, --bundle" --pid-file --console-socket --no-pivot --no-new-keyring --preserve-fds
  check run "-b, --bundle" --pid-file --console-socket --no-pivot --no-new-keyring --preserve-fds "-d, --detach" --keep
  check kill "-a, --all"
  check delete "-f, --force"
  check exec "-p, --process" "-t, --tty" --cwd "-e, --env" "-u, --user" "-c, --cap" --no-new-privs "-d, --detach" \
    --pid-file --console-socket --preserve-fds
  check list "-f, --format" "-q, --quiet"
  check ps "-f, --format"
  check update "-r, --resources" --memory --cpu-share --cpu-quota --cpu-period --cpuset-cpus --pids-limit
  check events --stats --interval
  check spec "-b, --bundle" --rootless
}

@test "unknown command: usage on stderr, exit 3 as runc" {
  run --separate-stderr runc --root "$TMP" frobnicate
  [ "$status" -eq 3 ]
  run --separate-stderr "$MINIRT" frobnicate
  [ "$status" -eq 3 ]
  [ -z "$output" ]
  [[ "$stderr" == *'minirt: unknown command "frobnicate"'* ]]
  [[ "$stderr" == *"Usage: minirt"* ]]
}

@test "no command: usage on stdout, exit 0 as runc" {
  run --separate-stderr runc --root "$TMP"
  [ "$status" -eq 0 ]
  [[ "$output" == *"USAGE:"* ]]
  run --separate-stderr "$MINIRT" --root "$STATE_ROOT"
  [ "$status" -eq 0 ]
  [[ "$output" == *"Usage: minirt"* ]]
  [ -z "$stderr" ]
}

@test "help of an unknown command: error on stderr, exit 3 as runc; help CMD exit 0" {
  run --separate-stderr runc --root "$TMP" help frobnicate
  [ "$status" -eq 3 ]
  run --separate-stderr "$MINIRT" help frobnicate
  [ "$status" -eq 3 ]
  [ -z "$output" ]
  [[ "$stderr" == *'unknown command "frobnicate"'* ]]
  run --separate-stderr runc --root "$TMP" help state
  [ "$status" -eq 0 ]
  run --separate-stderr "$MINIRT" help state
  [ "$status" -eq 0 ]
  [[ "$output" == *"Usage: minirt state"* ]]
}

@test "--log-format json without --log: the error is a JSON line on stderr, as runc" {
  run --separate-stderr runc --root "$TMP" --log-format json state nosuch-cliparity
  [ "$status" -eq 1 ]
  jq -e '.level == "error" and (.msg | test("does not exist")) and (.time | test("^[0-9]{4}-"))' <<<"$stderr"
  run --separate-stderr "$MINIRT" --root "$STATE_ROOT" --log-format json state nosuch-cliparity
  [ "$status" -eq 1 ]
  [ "$(wc -l <<<"$stderr")" -eq 1 ]
  jq -e '.level == "error" and (.msg | test("does not exist")) and (.time | test("^[0-9]{4}-"))' <<<"$stderr"
  # text (the default) stays a plain line
  run --separate-stderr "$MINIRT" --root "$STATE_ROOT" state nosuch-cliparity
  [ "$status" -eq 1 ]
  [[ "$stderr" == "minirt: container"*"does not exist" ]]
}

@test "unknown global and command flags: usage on stderr, exit 1" {
  run --separate-stderr "$MINIRT" --bogus list
  [ "$status" -eq 1 ]
  [ -z "$output" ]
  [[ "$stderr" == *"flag provided but not defined: --bogus"* ]]
  [[ "$stderr" == *"Usage: minirt"* ]]

  for c in $COMMANDS; do
    run --separate-stderr "$MINIRT" --root "$STATE_ROOT" "$c" --no-such-flag some-id
    [ "$status" -eq 1 ] || fail "$c: status $status"
    [ -z "$output" ]
    [[ "$stderr" == *"minirt: $c: flag provided but not defined: --no-such-flag"* ]] || fail "$c: $stderr"
    [[ "$stderr" == *"Usage: minirt $c"* ]] || fail "$c: no usage"
  done
}

@test "flags that need a value and missing arguments are usage errors" {
  run --separate-stderr "$MINIRT" spec --bundle
  [ "$status" -eq 1 ]
  [[ "$stderr" == *"flag needs an argument: --bundle"* ]]
  for c in start state delete pause resume; do
    run --separate-stderr "$MINIRT" --root "$STATE_ROOT" "$c"
    [ "$status" -eq 1 ]
    [[ "$stderr" == *"minirt: $c: requires exactly 1 argument"* ]] || fail "$c: $stderr"
  done
  run --separate-stderr "$MINIRT" --root "$STATE_ROOT" state a b
  [ "$status" -eq 1 ]
  run --separate-stderr "$MINIRT" --root "$STATE_ROOT" run --preserve-fds=-1 x
  [ "$status" -eq 1 ]
  [[ "$stderr" == *'invalid value "-1" for flag --preserve-fds'* ]]
}

@test "invalid global flag values are rejected" {
  run --separate-stderr "$MINIRT" --log-format yaml list
  [ "$status" -eq 1 ]
  [[ "$stderr" == *'invalid --log-format "yaml"'* ]]
  run --separate-stderr "$MINIRT" --cgroup-manager foo list
  [ "$status" -eq 1 ]
  [[ "$stderr" == *'invalid --cgroup-manager "foo"'* ]]
  run --separate-stderr "$MINIRT" --rootless maybe list
  [ "$status" -eq 1 ]
  [[ "$stderr" == *'invalid --rootless "maybe"'* ]]
}

@test "every global flag runc, crun and their clients send is accepted" {
  mkdir "$TMP/b"
  run --separate-stderr "$MINIRT" --root "$STATE_ROOT" --log "$TMP/log" --log-format=json --debug --systemd-cgroup \
    --cgroup-manager=disabled --rootless=auto --log-level=info --criu /usr/sbin/criu spec -b "$TMP/b"
  [ "$status" -eq 0 ]
  [ -f "$TMP/b/config.json" ]
  # --criu is ignored, with a debug line
  [[ "$stderr" == *"--criu ignored"* ]]
  grep -q '"level":"debug"' "$TMP/log"
}

@test "flag forms: --flag value, --flag=value, -flag, -flag=value, -b" {
  local i=0
  for form in "--bundle D" "--bundle=D" "-bundle D" "-bundle=D" "-b D" "-b=D" "--b D"; do
    i=$((i + 1))
    mkdir "$TMP/$i"
    run "$MINIRT" spec ${form//D/$TMP/$i}
    [ "$status" -eq 0 ] || fail "$form: $output"
    [ -f "$TMP/$i/config.json" ] || fail "$form: no config"
  done
  mkdir "$TMP/r"
  run "$MINIRT" spec -rootless=true -b "$TMP/r"
  [ "$status" -eq 0 ]
  jq -e '.linux.namespaces | map(.type) | index("user")' "$TMP/r/config.json"
  mkdir "$TMP/nr"
  run "$MINIRT" spec --rootless=false -b "$TMP/nr"
  [ "$status" -eq 0 ]
  jq -e '.linux.namespaces | map(.type) | index("user") == null' "$TMP/nr/config.json"
}

@test "commands of issue 6 parse their flags and say they are not implemented" {
  run_pending() {
    local c=$1
    shift
    run --separate-stderr "$MINIRT" --root "$STATE_ROOT" "$c" "$@"
    [ "$status" -eq 1 ] || fail "$c $*: status $status"
    [ "$stderr" = "minirt: $c: not implemented" ] || fail "$c $*: $stderr"
  }
  # Implemented (exec.bats, ops.bats): the flags parse, then the container
  # is looked up.
  # exec exits 255 when it fails before the process runs, as runc's exec
  # (measured: runc exec of a missing container, 255); the others 1.
  run_parsed() {
    local want=1
    [ "$1" = exec ] && want=255
    run --separate-stderr "$MINIRT" --root "$STATE_ROOT" "$@" <<<'{}'
    [ "$status" -eq "$want" ] || fail "$*: status $status"
    [ "$stderr" = 'minirt: container `id` does not exist' ] || fail "$*: $stderr"
  }
  run_parsed exec -t --cwd / -e A=1 --env=B=2 -u 0:0 -c CAP_KILL --no-new-privs -d --pid-file p --console-socket s \
    --preserve-fds 2 id sh -c 'echo -n'
  run_parsed exec -p process.json id
  run_parsed ps --format json id
  run_parsed ps id -ef
  run_parsed pause id
  run_parsed resume id
  run_parsed update -r - id
  run_parsed update --memory 1000 --cpu-shares 2 --cpu-quota 1 --cpu-period 2 --cpuset-cpus 0 --pids-limit 3 id
  run_parsed events --stats --interval 1s id
  run_pending checkpoint --image-path /x --leave-running id
  run_pending restore -b . -d --image-path /x id
}

@test "spec writes runc's default config and refuses to overwrite it" {
  cd "$TMP"
  run "$MINIRT" spec
  [ "$status" -eq 0 ]
  jq -e '.process.terminal == true and .process.args == ["sh"] and .root.path == "rootfs"' config.json
  jq -e '[.mounts[].destination] == ["/proc","/dev","/dev/pts","/dev/shm","/dev/mqueue","/sys","/sys/fs/cgroup"]' config.json
  jq -e '.process.capabilities.bounding == ["CAP_AUDIT_WRITE","CAP_KILL","CAP_NET_BIND_SERVICE"]' config.json
  jq -e '(.linux.maskedPaths | index("/proc/kcore")) and (.linux.readonlyPaths | index("/proc/sys"))' config.json

  # Same content as runc's, but for the hostname.
  mkdir runc-spec
  (cd runc-spec && runc spec)
  diff <(jq -S 'del(.hostname)' config.json) <(jq -S 'del(.hostname)' runc-spec/config.json)
  # specs/default.json documents it
  diff <(jq -S . config.json) <(jq -S . "$REPO_ROOT/specs/default.json")

  echo '{"mine":true}' > config.json
  run --separate-stderr "$MINIRT" spec
  [ "$status" -eq 1 ]
  [[ "$stderr" == *"config.json already exists"* ]]
  [ "$(cat config.json)" = '{"mine":true}' ]
}

@test "spec --rootless maps the caller to root in a user namespace, like runc" {
  cd "$TMP"
  run "$MINIRT" spec --rootless
  [ "$status" -eq 0 ]
  jq -e --argjson u "$(id -u)" '.linux.uidMappings == [{"containerID":0,"hostID":$u,"size":1}]' config.json
  jq -e --argjson g "$(id -g)" '.linux.gidMappings == [{"containerID":0,"hostID":$g,"size":1}]' config.json
  mkdir runc-spec
  (cd runc-spec && runc spec --rootless)
  diff <(jq -S 'del(.hostname)' config.json) <(jq -S 'del(.hostname)' runc-spec/config.json)
}

# A minirt-spec'd bundle, made non-interactive, printing a marker.
spec_bundle() {
  setup_bundle
  rm "$BUNDLE/config.json"
  (cd "$BUNDLE" && "$MINIRT" spec)
  update_config '.process.terminal = false'
  update_config ".linux.cgroupsPath = \"minirt-test/$CTR_ID\""
  set_args sh -c 'echo "spec-ok $(hostname)"'
}

@test "spec output runs under runc" {
  spec_bundle
  run runc_ run "$CTR_ID"
  [ "$status" -eq 0 ]
  [ "$output" = "spec-ok minirt" ]
}

@test "spec output runs under crun" {
  spec_bundle
  # crun 1.8 refuses cgroup v1 hybrid hosts; hide the v2 hierarchy from it in
  # a private mount namespace and let it run without cgroups.
  touch "$TMP/EMPTY"
  run unshare --mount --propagation private sh -c \
    "mount --bind '$TMP/EMPTY' /sys/fs/cgroup/unified/cgroup.controllers &&
     crun --cgroup-manager=disabled --root '$TMP/crun' run '$CTR_ID'"
  [ "$status" -eq 0 ]
  [ "$output" = "spec-ok minirt" ]
}

@test "spec output runs under minirt" {
  spec_bundle
  run --separate-stderr minirt run "$CTR_ID"
  skip_if_not_implemented run
  [ "$status" -eq 0 ]
  [ "$output" = "spec-ok minirt" ]
}

@test "features: the JSON of the contract, true to this machine" {
  run --separate-stderr "$MINIRT" features
  [ "$status" -eq 0 ]
  echo "$output" > "$TMP/f.json"
  jq -e '.ociVersionMin and .ociVersionMax == "1.2.0" and (.hooks | length == 6) and (.mountOptions | index("bind"))' "$TMP/f.json"
  jq -e '.linux.namespaces | (index("pid") and index("user") and index("mount") and index("network"))' "$TMP/f.json"
  jq -e '.linux.cgroup | has("v1") and has("v2") and has("systemd") and has("systemdUser")' "$TMP/f.json"
  jq -e '.linux.seccomp | .enabled == true and (.operators | length == 7) and (.archs | index("SCMP_ARCH_X86_64"))' "$TMP/f.json"
  jq -e '.linux.seccomp | (.knownFlags | index("SECCOMP_FILTER_FLAG_TSYNC")) and (.supportedFlags | type == "array")' "$TMP/f.json"
  jq -e '.annotations | type == "object"' "$TMP/f.json"
  # libseccomp 2.5 (API level >= 5) on a 6.x kernel has user notification
  jq -e '.linux.seccomp.actions | index("SCMP_ACT_NOTIFY") and index("SCMP_ACT_KILL_PROCESS") and index("SCMP_ACT_ERRNO")' "$TMP/f.json"
  # every capability of the running kernel, by name
  local last
  last=$(cat /proc/sys/kernel/cap_last_cap)
  jq -e --argjson n $((last + 1)) '.linux.capabilities | length == $n and index("CAP_SYS_ADMIN") and index("CAP_CHOWN")' "$TMP/f.json"
  jq -e --arg v "$(pkg-config --modversion libseccomp)" '.annotations["io.github.seccomp.libseccomp.version"] == $v' "$TMP/f.json"
}

@test "--log --log-format json: one error line per failure, also once on stderr" {
  mkdir "$TMP/b"
  echo '{}' > "$TMP/b/config.json"
  run --separate-stderr "$MINIRT" --log "$TMP/log.json" --log-format json spec -b "$TMP/b"
  [ "$status" -eq 1 ]
  [ "$(grep -c 'already exists' <<<"$stderr")" -eq 1 ]
  [ "$(wc -l < "$TMP/log.json")" -eq 1 ]
  jq -e 'select(.level == "error") | (.msg | test("config.json already exists")) and (.time | test("^[0-9]{4}-[0-9]{2}-[0-9]{2}T"))' "$TMP/log.json"
  # appended, not truncated
  run "$MINIRT" --log "$TMP/log.json" --log-format=json frobnicate
  [ "$status" -eq 3 ]
  [ "$(wc -l < "$TMP/log.json")" -eq 2 ]
  tail -n 1 "$TMP/log.json" | jq -e '.level == "error" and .msg == "unknown command \"frobnicate\""'
}

@test "--log with text format writes a text line" {
  run "$MINIRT" --log "$TMP/log.txt" pause some-id
  [ "$status" -eq 1 ]
  grep -q 'error: container `some-id` does not exist' "$TMP/log.txt"
}

@test "list prints what runc prints for an empty root" {
  mkdir -p "$STATE_ROOT" "$TMP/runc"
  run --separate-stderr "$MINIRT" --root "$STATE_ROOT" list
  skip_if_not_implemented list
  [ "$status" -eq 0 ]
  [ "$output" = "$(runc --root "$TMP/runc" list)" ]
  run "$MINIRT" --root "$STATE_ROOT" list --format json
  [ "$status" -eq 0 ]
  [ "$output" = "$(runc --root "$TMP/runc" list --format json)" ]
  run "$MINIRT" --root "$STATE_ROOT" list -q
  [ "$status" -eq 0 ]
  [ -z "$output" ]
}

@test "run exits with the container's status; state and list show the container" {
  setup_bundle
  set_args sh -c 'exit 7'
  run --separate-stderr minirt run "$CTR_ID"
  skip_if_not_implemented run
  [ "$status" -eq 7 ]
  minirt delete "$CTR_ID" 2>/dev/null || true

  set_args sleep 60
  # A detached container keeps the runtime's stdio: not bats' output pipe.
  minirt run -d "$CTR_ID" </dev/null >/dev/null 2>"$TMP/err" || fail "run -d: $(cat "$TMP/err")"
  run --separate-stderr minirt state "$CTR_ID"
  [ "$status" -eq 0 ]
  jq -e --arg id "$CTR_ID" --arg b "$BUNDLE" '.id == $id and .status == "running" and .pid > 0 and .bundle == $b' <<<"$output"
  run minirt list --format json
  [ "$status" -eq 0 ]
  jq -e --arg id "$CTR_ID" 'length == 1 and .[0].id == $id and .[0].status == "running"' <<<"$output"
  run minirt list -q
  [ "$output" = "$CTR_ID" ]
  run minirt list
  [[ "${lines[0]}" =~ ^ID\ +PID\ +STATUS\ +BUNDLE\ +CREATED\ +OWNER$ ]]
  [[ "${lines[1]}" == "$CTR_ID "*running* ]]
  run minirt kill "$CTR_ID" KILL
  [ "$status" -eq 0 ]
  run minirt delete --force "$CTR_ID"
  [ "$status" -eq 0 ]
}
