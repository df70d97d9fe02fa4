#!/bin/sh
# test/hosts/systemd-scenario.sh - runs inside the systemd + cgroup v2 guest (as /mnt/t/run,
# from ocibox-hosttest.service) and prints what the system shows, section by section:
# "=== NAME" starts one, "=== end NAME rc=N" closes it with the status of its last command.
# test/host-systemd.bats asserts on these sections; nothing here decides pass or fail.
T=/mnt/t
OB="$T/ocibox"
R=/run/ocibox-test
export PATH=/usr/sbin:/usr/bin:/sbin:/bin
cd /tmp || exit 1
ob() { "$OB" --root "$R" "$@"; }
obs() { "$OB" --root "$R" --systemd-cgroup "$@"; }
sec() { echo "=== $1"; }
end() { echo "=== end $1 rc=$2"; }

# A busybox bundle: BUNDLE DIR, cgroupsPath, args...
bundle() {
	d=$1 cp=$2
	shift 2
	mkdir -p "$d/rootfs/bin" "$d/rootfs/proc" "$d/rootfs/sys" "$d/rootfs/dev" "$d/rootfs/tmp"
	cp "$T/busybox" "$d/rootfs/bin/busybox"
	for a in sh sleep cat echo true; do ln -sf busybox "$d/rootfs/bin/$a"; done
	args=$(printf '%s\n' "$@" | jq -R . | jq -cs .)
	"$OB" spec -b "$d"
	jq --arg cp "$cp" --argjson args "$args" '.process.terminal = false | .process.args = $args
		| .linux.cgroupsPath = $cp
		| .linux.resources.memory = {"limit": 67108864, "swap": 134217728, "reservation": 33554432}
		| .linux.resources.pids = {"limit": 42}
		| .linux.resources.cpu = {"shares": 512, "quota": 50000, "period": 100000, "cpus": "0"}' \
		"$d/config.json" >"$d/c.json" && mv "$d/c.json" "$d/config.json"
}
props() {
	systemctl show -p ActiveState,Delegate,Slice,MemoryMax,MemorySwapMax,MemoryLow,TasksMax \
		-p CPUWeight,CPUQuotaPerSecUSec,AllowedCPUs,DevicePolicy,ControlGroup "$1"
}
files() {
	for f in memory.max memory.swap.max memory.low pids.max cpu.weight cpu.max cpuset.cpus; do
		printf '%s=%s\n' "$f" "$(cat "/sys/fs/cgroup$1/$f" 2>&1)"
	done
}

sec host
cat /proc/1/comm
stat -fc %T /sys/fs/cgroup
end host $?

sec features
"$OB" features | jq -M -c '.linux.cgroup'
end features $?

# The systemd driver: create (the scope made by systemd), start, state, update, pause,
# resume, kill, delete.
bundle /tmp/b1 "system.slice:ocibox:sd1" sleep 1000
sec create
obs create -b /tmp/b1 sd1 </dev/null >/dev/null 2>&1
rc=$?
ob state sd1 | jq -M -r .status
end create $rc

sec created-props
props ocibox-sd1.scope
end created-props $?
pid=$(ob state sd1 | jq -M -r .pid)
sec init-cgroup
cat "/proc/$pid/cgroup"
end init-cgroup $?
sec created-files
files /system.slice/ocibox-sd1.scope
end created-files $?

sec start
obs start sd1 && ob state sd1 | jq -M -r .status
end start $?

sec update
obs update --pids-limit 50 --memory 134217728 --memory-swap 268435456 sd1
end update $?
sec updated-props
props ocibox-sd1.scope
end updated-props $?
sec updated-files
files /system.slice/ocibox-sd1.scope
end updated-files $?

sec pause
obs pause sd1 && ob state sd1 | jq -M -r .status && cat /sys/fs/cgroup/system.slice/ocibox-sd1.scope/cgroup.freeze
end pause $?
sec resume
obs resume sd1 && ob state sd1 | jq -M -r .status && cat /sys/fs/cgroup/system.slice/ocibox-sd1.scope/cgroup.freeze
end resume $?

# A second container in its own slice, beside the first.
bundle /tmp/b2 "ocibox_test.slice:ocibox:sd2" sleep 1000
sec two
obs run -d -b /tmp/b2 sd2 </dev/null >/dev/null 2>&1
systemctl show -p ActiveState ocibox-sd1.scope ocibox-sd2.scope
systemctl show -p ControlGroup ocibox-sd2.scope
end two $?

sec kill-delete
obs kill sd1 KILL
i=0
while [ "$(ob state sd1 | jq -M -r .status)" != stopped ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
ob state sd1 | jq -M -r .status
obs delete sd1
obs delete --force sd2
echo "left: $(systemctl list-units --all --no-legend 'ocibox-sd*' | wc -l)"
systemctl show -p LoadState ocibox-sd1.scope ocibox-sd2.scope
echo "dir: $(ls -d /sys/fs/cgroup/system.slice/ocibox-sd1.scope 2>&1)"
end kill-delete $?

# A create that fails after the scope was made leaves no unit.
bundle /tmp/b3 "system.slice:ocibox:sd3" /nonexistent
sec failed-create
obs create -b /tmp/b3 sd3 </dev/null >/dev/null 2>/tmp/err3
echo "rc=$?"
cat /tmp/err3
echo "left: $(systemctl list-units --all --no-legend 'ocibox-sd3*' | wc -l)"
echo "state: $(ls $R 2>&1 | grep -c sd3)"
end failed-create 0

# runc's slice rules: an empty slice is system.slice, "-.slice" the root slice, a nested
# slice "a-b.slice" lives in a.slice.
sec paths
for cp in ":ocibox:sd5" "-.slice:ocibox:sd6" "ocibox_a-b.slice:ocibox:sd7"; do
	id=${cp##*:}
	bundle "/tmp/$id" "$cp" sleep 1000
	obs run -d -b "/tmp/$id" "$id" </dev/null >/dev/null 2>&1
	echo "$cp $(systemctl show -p ControlGroup --value "ocibox-$id.scope") $(cut -d: -f3 "/proc/$(ob state "$id" | jq -M -r .pid)/cgroup")"
	obs delete --force "$id"
done
end paths $?

# A runtime killed in the middle of create (here: while its createRuntime hook runs, the
# init already in its scope) leaves what delete --force removes, the unit included.
bundle /tmp/b8 "system.slice:ocibox:sd8" sleep 1000
mkfifo /tmp/hook8.fifo
jq '.hooks.createRuntime = [{"path": "/bin/sh", "args": ["sh", "-c", "echo $PPID > /tmp/hook8.pid; cat /tmp/hook8.fifo"]}]' \
	/tmp/b8/config.json >/tmp/b8/c.json && mv /tmp/b8/c.json /tmp/b8/config.json
sec killed-create
obs create -b /tmp/b8 sd8 </dev/null >/dev/null 2>&1 &
i=0
while [ ! -s /tmp/hook8.pid ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
echo "unit while creating: $(systemctl show -p ActiveState --value ocibox-sd8.scope)"
kill -9 "$(cat /tmp/hook8.pid)"
wait
echo x >/tmp/hook8.fifo &
obs delete --force sd8
echo "delete rc=$?"
echo "unit after: $(systemctl show -p LoadState --value ocibox-sd8.scope)"
echo "dir: $(ls -d /sys/fs/cgroup/system.slice/ocibox-sd8.scope 2>&1)"
echo "state: $(ls $R | grep -c sd8)"
end killed-create 0

# Rootless: the user's own systemd manager (a lingering user, uid 1000). The caller runs
# inside that manager's tree (systemd-run --user --scope, as rootless podman moves itself),
# so the init may be placed in a scope of it.
asuser() { runuser -u tester -- env -i PATH=/usr/bin:/bin HOME=/home/tester XDG_RUNTIME_DIR=/run/user/1000 DBUS_SESSION_BUS_ADDRESS=unix:path=/run/user/1000/bus "$@"; }
# everything the user touches is its own (as test/rootless.bats does)
mkdir -p /tmp/rl/rootfs/bin /tmp/rl/rootfs/proc /tmp/rl/rootfs/sys /tmp/rl/rootfs/dev /tmp/rl/rootfs/tmp
cp "$T/busybox" /tmp/rl/rootfs/bin/busybox
for a in sh sleep; do ln -sf busybox "/tmp/rl/rootfs/bin/$a"; done
chown -R tester: /tmp/rl
asuser "$OB" spec --rootless -b /tmp/rl
jq '.process.terminal = false | .process.args = ["sleep", "1000"]
	| .linux.cgroupsPath = ":ocibox:rl1" | .linux.resources = {"pids": {"limit": 42}}' \
	/tmp/rl/config.json >/tmp/rl/c.json && mv /tmp/rl/c.json /tmp/rl/config.json
chown tester: /tmp/rl/config.json
i=0
while [ ! -S /run/user/1000/bus ] && [ $i -lt 300 ]; do sleep 0.1; i=$((i + 1)); done
sec rootless
asuser "$OB" features | jq -M -c '.linux.cgroup | [.systemd, .systemdUser]'
asuser systemd-run --user --scope -q "$OB" --systemd-cgroup run -d -b /tmp/rl rl1 </dev/null
echo "run rc=$?"
asuser systemctl --user show -p ActiveState,TasksMax ocibox-rl1.scope
cg=$(asuser systemctl --user show -p ControlGroup --value ocibox-rl1.scope)
echo "cgroup: $cg"
echo "pids.max=$(cat "/sys/fs/cgroup$cg/pids.max")"
rpid=$(asuser "$OB" state rl1 | jq -M -r .pid)
echo "init: $(cut -d: -f3 "/proc/$rpid/cgroup")"
asuser "$OB" --systemd-cgroup delete --force rl1
echo "after: $(asuser systemctl --user show -p LoadState --value ocibox-rl1.scope)"
end rootless $?

# The static build has no driver: it says so, and refuses --systemd-cgroup before it makes
# anything.
bundle /tmp/b9 "system.slice:ocibox:st1" sleep 1000
sec static
if [ -x "$T/ocibox-static" ]; then
	"$T/ocibox-static" features | jq -M -c '.linux.cgroup | [.systemd, .systemdUser]'
	"$T/ocibox-static" --root "$R" --systemd-cgroup create -b /tmp/b9 st1 </dev/null
	echo "rc=$?"
	echo "left: $(systemctl list-units --all --no-legend 'ocibox-st1*' | wc -l) units, $(ls $R | grep -c st1) state"
else
	echo "no static build"
fi
end static 0

# The cgroupfs driver on the same systemd host (runc allows it).
bundle /tmp/b4 "/ocibox-test/cg1" sleep 1000
sec cgroupfs
ob run -d -b /tmp/b4 cg1 </dev/null >/dev/null 2>&1
files /ocibox-test/cg1
ob delete --force cg1
echo "dir: $(ls -d /sys/fs/cgroup/ocibox-test/cg1 2>&1)"
end cgroupfs $?

# podman with ocibox as its runtime and its default cgroup manager here (systemd).
mkdir -p /tmp/prootfs/bin /etc/containers
cp "$T/busybox" /tmp/prootfs/bin/busybox
for a in sh sleep echo; do ln -sf busybox "/tmp/prootfs/bin/$a"; done
cat >/etc/containers/containers.conf <<CONF
[engine]
runtime = "ocibox"
events_logger = "file"
[engine.runtimes]
ocibox = ["$OB"]
CONF
sec podman
podman info --format '{{.Host.CgroupManager}} {{.Host.OCIRuntime.Name}}'
podman run --rm --network none --rootfs /tmp/prootfs /bin/echo hello-from-podman
podman run -d --name p1 --network none --rootfs /tmp/prootfs /bin/sleep 1000 >/dev/null
echo "scope: $(systemctl list-units --no-legend 'libpod-*.scope' | grep -c running)"
podman stop -t 1 p1 >/dev/null && podman rm p1 >/dev/null
echo "after: $(podman ps -a --format '{{.Names}}' | grep -c p1)"
end podman $?
sec done
