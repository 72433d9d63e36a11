#!/usr/bin/env bats
# runc parity: the same bundle run by `runc run` and by `minirt run` shows
# the container exactly the same thing.  Each test makes one bundle from
# specs/hello.json, runs one observation script under both runtimes and
# compares the outputs byte for byte.

load helpers
load leak_helpers

setup() {
  command -v runc >/dev/null || skip "runc not installed (apt-get install -y runc)"
  setup_bundle
  require_lifecycle
}

teardown() {
  teardown_bundle
}

# What the container sees.  Only one normalization: the mount list is
# sorted.  The order in which a runtime makes mounts that do not cover each
# other is not something the container can observe except through
# mountinfo's line order, and runc's order is an implementation detail
# (runc mounts /dev/pts, /dev/shm... in its own order around the devices);
# the set of mount points with their per-mount flags is what matters.
# stderr joins stdout inside the container so the interleaving is fixed.
# Mount IDs, device numbers and sources (host paths) are left out for the
# same reason: they name host objects, not what the container gets.
OBSERVE='exec 2>&1
echo "== status"; grep -E "Cap|NoNewPrivs|Seccomp" /proc/self/status
echo "== id"; id
echo "== hostname"; hostname; cat /proc/sys/kernel/domainname
echo "== ulimit"; ulimit -n; ulimit -Hn; ulimit -u; ulimit -c
echo "== umask"; umask
echo "== cwd"; pwd
echo "== env"; env | sort
echo "== oom"; cat /proc/self/oom_score_adj
echo "== mounts"; awk "{print \$5, \$6}" /proc/self/mountinfo | sort
echo "== dev"; ls -l /dev | awk "{print \$1, \$3, \$4, \$NF}"
echo "== dev/pts"; ls /dev/pts
echo "== root write"; touch /parity-write-test 2>&1 && echo writable
echo "== readonly path"; (echo x > /proc/sys/kernel/domainname) 2>&1
echo "== masked"; wc -c < /proc/kcore; ls /proc/acpi /sys/firmware 2>&1
'

# Run the bundle under one runtime; stdout+stderr of the container (the
# runtimes themselves print nothing on success).
observe_with() {
  local runtime=$1 id="$CTR_ID-$1"
  update_config ".linux.cgroupsPath = \"minirt-test/$id\""
  if [ "$runtime" = runc ]; then
    runc_ run --bundle "$BUNDLE" "$id" 2>&1
  else
    minirt run --bundle "$BUNDLE" "$id" 2>&1
  fi
  echo "== exit $?"
}

# Compare runc and minirt on the current bundle.
check_parity() {
  # (set_args splits on newlines: the script is one argument)
  update_config --arg s "$OBSERVE" '.process.args = ["/bin/sh", "-c", $s]'
  local out_runc out_minirt
  out_runc=$(observe_with runc)
  out_minirt=$(observe_with minirt)
  if [ "$out_runc" != "$out_minirt" ]; then
    diff -u <(echo "$out_runc") <(echo "$out_minirt") | sed 's/^/  /' >&2
    fail "minirt differs from runc (- runc, + minirt)"
  fi
  # And the observation really happened (not two identical errors).
  [[ "$out_minirt" == *"CapEff:"*"== mounts"*"/proc "*"== masked"*"== exit 0" ]] || fail "$out_minirt"
  assert_no_leftovers "$CTR_ID-minirt"
}

@test "parity: hello" {
  check_parity
}

@test "parity: capabilities" {
  update_config '.process.capabilities = {
    "bounding": ["CAP_CHOWN", "CAP_KILL", "CAP_NET_RAW", "CAP_SYS_ADMIN", "CAP_SETUID"],
    "effective": ["CAP_CHOWN", "CAP_KILL"],
    "permitted": ["CAP_CHOWN", "CAP_KILL", "CAP_NET_RAW"],
    "inheritable": ["CAP_KILL", "CAP_NET_RAW"],
    "ambient": ["CAP_KILL"]}'
  check_parity
}

@test "parity: no capabilities, noNewPrivileges off" {
  update_config 'del(.process.capabilities) | .process.noNewPrivileges = false'
  check_parity
}

@test "parity: user, groups, umask" {
  update_config '.process.user = {"uid": 1000, "gid": 1000, "additionalGids": [10, 20, 1000], "umask": 63}'
  check_parity
}

@test "parity: writable root" {
  update_config '.root.readonly = false'
  check_parity
}

@test "parity: hostname" {
  # Not domainname: Debian's runc 1.1.5 ignores it (the container shows
  # "(none)"), where the spec, crun and minirt set it.
  update_config '.hostname = "parity-host"'
  check_parity
}

@test "parity: rlimits" {
  update_config '.process.rlimits = [
    {"type": "RLIMIT_NOFILE", "soft": 123, "hard": 456},
    {"type": "RLIMIT_NPROC", "soft": 77, "hard": 88},
    {"type": "RLIMIT_CORE", "soft": 0, "hard": 4096}]'
  check_parity
}

@test "parity: env and cwd" {
  update_config '.process.env += ["FOO=bar baz", "EMPTY=", "MULTI=a=b"] | .process.cwd = "/var/www"'
  check_parity
}

@test "parity: env without PATH or HOME, cwd created on demand" {
  update_config '.process.env = ["ONLY=1"] | .process.cwd = "/does/not/exist/yet"'
  check_parity
}

@test "parity: masked and readonly paths" {
  update_config '.linux.maskedPaths += ["/etc/group", "/var/www", "/proc/does-not-exist"] |
                 .linux.readonlyPaths += ["/tmp", "/etc"]'
  check_parity
}

@test "parity: oom score adj" {
  update_config '.process.oomScoreAdj = 123'
  check_parity
}
