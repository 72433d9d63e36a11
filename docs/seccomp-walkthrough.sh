#!/bin/bash
# Runs the docs/seccomp.md walkthrough in order and prints each section's
# commands with their real output, as markdown blocks headed "#### N": the
# blocks of the page come from this script.  Needs root, a build in build/,
# busybox-static and jq; works in /tmp/seccomp-demo (its own directories
# there are removed first).
#   docs/seccomp-walkthrough.sh > /tmp/walkthrough.md
top=$(cd "$(dirname "$0")/.." && pwd)
rm -rf /tmp/seccomp-demo/state /tmp/seccomp-demo/runc /tmp/seccomp-demo/crun /tmp/seccomp-demo/bundle /tmp/seccomp-demo/rd /tmp/seccomp-demo/recorded-kubelet.json
mkdir -p /tmp/seccomp-demo/state
cd "$top" || exit 1
echo "\$ top=\$PWD; alias minirt=\"\$top/build/src/minirt --root /tmp/seccomp-demo/state\""
shopt -s expand_aliases
alias minirt="$top/build/src/minirt --root /tmp/seccomp-demo/state"
open() { echo; echo "#### $1"; echo '```console'; }
close() { echo '```'; }
step() {
  echo "\$ $*"
  eval "$@" 2>&1
  local rc=$?
  [ $rc -eq 0 ] || echo "[exit status $rc]"
}
quiet() { eval "$@" >/dev/null 2>&1; }

open 0
step 'specs/make-bundle.sh /tmp/seccomp-demo/bundle'
step 'cd /tmp/seccomp-demo/bundle'
echo "\$ cat > rootfs/workload.sh <<'EOF'"
cat > rootfs/workload.sh <<'EOF'
rm -rf /data && mkdir -p /data/dir
echo secret > /data/dir/file
chmod 600 /data/dir/file
stat -c '%a %n' /data/dir/file
hostname
echo workload-ok
EOF
cat rootfs/workload.sh; echo EOF
step "jq '.root.readonly = false | .linux.cgroupsPath = \"seccomp-demo\" | .process.args = [\"sh\", \"/workload.sh\"]' config.json > c.json && mv c.json config.json"
close

open 1
step 'minirt seccomp convert --into . "$top/specs/seccomp/audit.json"' 
step "t=\$(cut -d' ' -f1 /proc/uptime); minirt run demo-audit"
sleep 1
step "dmesg | awk -v t=\"\$t\" -F'[][]' '\$2 + 0 >= t' | grep type=1326 | tail -n 2"
step "dmesg | awk -v t=\"\$t\" -F'[][]' '\$2 + 0 >= t' | grep type=1326 | grep -o ' syscall=[0-9]*' | cut -d= -f2 | sort -un | paste -sd' '"
step "dmesg | awk -v t=\"\$t\" -F'[][]' '\$2 + 0 >= t' | grep -c type=1326"
step "cat /proc/sys/kernel/printk_ratelimit_burst"
close

open 2
step 'minirt seccomp record --bundle . --output recorded.json demo-record'
step 'jq -c .syscalls[0].names recorded.json'
step 'jq -c .syscalls[1].names recorded.json'
close

open 3
step 'minirt seccomp check recorded.json'
step 'minirt seccomp explain recorded.json'
echo "\$ cat >> rootfs/workload.sh <<'EOF'"
printf 'sleep 0.1\nln -s file /data/dir/link\nEOF\n'
printf 'sleep 0.1\nln -s file /data/dir/link\n' >> rootfs/workload.sh
step 'minirt seccomp record --bundle . --output recorded-v2.json demo-record-v2 2>/dev/null'
step 'minirt seccomp diff recorded.json recorded-v2.json'
quiet "head -n 6 rootfs/workload.sh > w && mv w rootfs/workload.sh"
step 'cd "$top"' 
step 'minirt seccomp check tests/data/seccomp/prevent-chmod-seed003.json'
step 'minirt seccomp check tests/data/seccomp/block-mkdirat-seed004.json'
step 'minirt seccomp check tests/data/seccomp/allowlist-seed002.json'
step 'minirt seccomp check specs/seccomp/violation.json'
step 'cd /tmp/seccomp-demo/bundle'
close

open 4
step 'minirt seccomp convert --into . recorded.json'
step 'minirt run demo-enforce'
step 'runc --root /tmp/seccomp-demo/runc run demo-enforce-runc'
step "unshare --mount --propagation private sh -c 'mount --bind /dev/null /sys/fs/cgroup/unified/cgroup.controllers && crun --cgroup-manager=disabled --root /tmp/seccomp-demo/crun run demo-enforce-crun'"
step "jq '.process.args = [\"sh\", \"-c\", \"sh /workload.sh; unshare -U true; chroot /data true\"]' config.json > c.json && mv c.json config.json"
step 'minirt run demo-enforce2'
close

open 5a
step "jq '.annotations[\"run.oci.minirt.seccomp-report\"] = \"log\" | .process.args = [\"sh\", \"-c\", \"sh /workload.sh; chroot /data true; chroot /data true; swapoff /data/dir/file; swapoff /data/dir/file; unshare -U true\"]' config.json > c.json && mv c.json config.json"
step 'minirt run --keep demo-report'
step "minirt state demo-report | jq -r '.annotations[\"run.oci.minirt.seccomp-report.result\"]'"
step 'minirt delete demo-report'
close

open 5b
step 'mkdir /tmp/seccomp-demo/rd && minirt spec --seccomp default -b /tmp/seccomp-demo/rd'
step "minirt seccomp convert --into . /tmp/seccomp-demo/rd/config.json"
step "jq '.annotations[\"run.oci.minirt.seccomp-report\"] = \"stop\" | .process.args = [\"sh\", \"-c\", \"sh /workload.sh; chroot /data true; chroot /data true; swapoff /data/dir/file; swapoff /data/dir/file; unshare -U true; sleep 600\"]' config.json > c.json && mv c.json config.json"
step 'minirt run --keep demo-stop'
step "minirt state demo-stop | jq '{status, annotations}'"
step 'minirt delete demo-stop'
close

open 6
step 'minirt seccomp convert --to kubernetes recorded.json > /tmp/seccomp-demo/recorded-kubelet.json'
step 'minirt seccomp diff recorded.json /tmp/seccomp-demo/recorded-kubelet.json'
step 'cd "$top"' 
step 'minirt seccomp convert --to kubernetes tests/data/seccomp/prevent-chmod-seed003.json'
step 'minirt seccomp explain --arch amd64 --kernel 6.1 --cap CAP_SYS_CHROOT tests/data/seccomp/docker-style.json | head -n 2'
step "minirt seccomp convert --arch amd64 --kernel 6.1 --cap CAP_SYS_CHROOT tests/data/seccomp/docker-style.json | jq -c '.syscalls[] | [.names, .action]'"
step "minirt seccomp convert --arch amd64 --kernel 6.1 --cap CAP_SYS_ADMIN tests/data/seccomp/docker-style.json | jq -c '.syscalls[] | [.names, .action]'"
close

open 7
step 'minirt seccomp explain /tmp/seccomp-demo/rd/config.json | head -n 4'
step "minirt seccomp explain /tmp/seccomp-demo/rd/config.json | sed -n '/^Refused with ENOSYS/,\$p'"
step 'minirt seccomp diff specs/seccomp/docker-default.json specs/seccomp/personality.json'
close
