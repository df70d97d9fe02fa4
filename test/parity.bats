#!/usr/bin/env bats
# Behaviours engines rely on, as runc 1.1 has them (issue 13): each test shows from outside
# (state, mountinfo, /proc, the cgroup file, the exit code) what runc does on the same bundle.

load helpers
load container-helpers
bats_require_minimum_version 1.5.0

setup() {
	common_setup
	requires root
	make_bundle
}

# freezer_dir ID: the container's directory in the freezer hierarchy (v1 freezer, else v2).
freezer_dir() {
	local d
	for d in $(cgroup_dirs_of "$1"); do
		case $d in
		/sys/fs/cgroup/freezer/*) echo "$d"; return 0 ;;
		esac
	done
	grep -q ' /sys/fs/cgroup cgroup2 ' /proc/self/mounts && { echo "/sys/fs/cgroup/ocibox/$1"; return 0; }
	return 1
}

# freezer_state DIR: THAWED or FROZEN, whatever the cgroup version.
freezer_state() {
	if [ -f "$1/freezer.state" ]; then
		cat "$1/freezer.state"
	elif [ "$(cat "$1/cgroup.freeze")" = 1 ]; then
		echo FROZEN
	else
		echo THAWED
	fi
}

freezer_set() { # DIR FROZEN|THAWED
	if [ -f "$1/freezer.state" ]; then
		echo "$2" >"$1/freezer.state"
	else
		[ "$2" = FROZEN ] && echo 1 >"$1/cgroup.freeze" || echo 0 >"$1/cgroup.freeze"
	fi
}

@test "parity 1: kill KILL (no --all) on a paused container thaws it: the init dies, state stopped" {
	fz=$(freezer_dir pk) || skip "needs a freezer (cgroup v1 freezer or cgroup2)"
	set_cmd 'sleep 300'
	obq run -d -b "$BUNDLE" pk
	ob pause pk
	[ "$(ob state pk | jq -r .status)" = paused ]
	[ "$(freezer_state "$fz")" = FROZEN ]
	run ob kill pk KILL
	assert_success
	assert_output ""
	wait_for_status pk stopped
	[ "$(freezer_state "$fz")" = THAWED ]
	ob delete pk
	assert_nothing_left pk
}

@test "parity 2: create into an already frozen cgroup is refused before the init runs" {
	fz=$(freezer_dir fz) || skip "needs a freezer (cgroup v1 freezer or cgroup2)"
	mkdir -p "$fz"
	defer "rmdir '$fz'"
	defer "freezer_set '$fz' THAWED"
	freezer_set "$fz" FROZEN
	[ "$(freezer_state "$fz")" = FROZEN ]
	# bounded: a runtime that waits for a frozen init would be stopped by timeout (124);
	# stdio on a file, which a frozen init would keep open
	rc=0
	timeout 20 "$OCIBOX" --root "$OB_ROOT" create -b "$BUNDLE" fz >"$BATS_TEST_TMPDIR/out" 2>&1 </dev/null || rc=$?
	[ "$rc" = 1 ]
	run cat "$BATS_TEST_TMPDIR/out"
	assert_output "oci-create: linux.cgroupsPath: the container's cgroup \`/ocibox/fz\` is unexpectedly frozen (FROZEN): thaw it (or its parent) first"
	[ ! -e "$OB_ROOT/fz" ]
	[ -z "$(rootfs_pids)" ]
}

@test "parity 3: an init the memory limit kills at create says the memory limit was hit" {
	requires cgroup1
	[ -f /sys/fs/cgroup/memory/memory.oom_control ] || skip "needs the v1 memory controller"
	update_config '.linux.resources.memory = {"limit": 65536}'
	run obq create -b "$BUNDLE" oom
	assert_failure 1
	assert_output --regexp '^oci-create: the container init was OOM-killed: the memory limit of cgroup `/ocibox/oom` was hit \([1-9][0-9]* OOM kills?\): linux.resources.memory.limit is too low$'
	assert_nothing_left oom
}

@test "parity 4: linux.devices adds no device cgroup rule of its own (only resources.devices and the defaults)" {
	update_config '.linux.devices = [{"path": "/dev/kmsg", "type": "c", "major": 1, "minor": 11}]
		| .linux.resources.devices = [{"allow": false, "access": "rwm"}]'
	# opened for writing: only the device cgroup can refuse it (reading needs CAP_SYSLOG)
	set_cmd '(: >/dev/kmsg) && echo kmsg-opened; echo x >/dev/null && echo null-ok'
	"$OCIBOX" --root "$OB_ROOT" create -b "$BUNDLE" dv >"$BATS_TEST_TMPDIR/out" 2>&1 </dev/null
	list=/sys/fs/cgroup/devices/ocibox/dv/devices.list
	if [ -f "$list" ]; then
		cat "$list"
		grep -qx "c 1:3 rwm" "$list"
		if grep "^c 1:11 " "$list"; then false; fi
	fi
	ob start dv
	wait_for_status dv stopped
	run cat "$BATS_TEST_TMPDIR/out"
	assert_line --partial "/dev/kmsg: Operation not permitted"
	refute_line kmsg-opened
	assert_line null-ok
}

@test "parity 5: exec --cgroup runs the process in a sub-cgroup of the container's, never outside it" {
	requires cgroup1
	[ -d /sys/fs/cgroup/memory ] && [ -d /sys/fs/cgroup/pids ] || skip "needs the v1 memory and pids controllers"
	set_cmd 'sleep 300'
	obq run -d -b "$BUNDLE" xc
	M=/sys/fs/cgroup/memory/ocibox/xc P=/sys/fs/cgroup/pids/ocibox/xc
	mkdir "$M/sub" "$P/sub"
	ob exec -d --pid-file "$BATS_TEST_TMPDIR/p1" --cgroup memory,pids:sub xc sleep 300
	p1=$(cat "$BATS_TEST_TMPDIR/p1")
	cat /proc/$p1/cgroup
	grep -qx "[0-9]*:memory:/ocibox/xc/sub" /proc/$p1/cgroup
	grep -qx "[0-9]*:pids:/ocibox/xc/sub" /proc/$p1/cgroup
	grep -qx "[0-9]*:freezer:/ocibox/xc" /proc/$p1/cgroup
	grep -qx "$p1" "$M/sub/cgroup.procs"
	ob exec -d --pid-file "$BATS_TEST_TMPDIR/p2" --cgroup memory:sub xc sleep 300
	p2=$(cat "$BATS_TEST_TMPDIR/p2")
	grep -qx "[0-9]*:memory:/ocibox/xc/sub" /proc/$p2/cgroup
	grep -qx "[0-9]*:pids:/ocibox/xc" /proc/$p2/cgroup
	run ob exec --cgroup ../other xc true
	assert_failure 1
	assert_output "oci-exec: container \`xc\`: --cgroup \`../other\`: \`../other\` leaves the container's cgroup"
	run ob exec --cgroup memory:sub/../../x xc true
	assert_failure 1
	assert_output "oci-exec: container \`xc\`: --cgroup \`memory:sub/../../x\`: \`sub/../../x\` leaves the container's cgroup"
	run ob exec --cgroup memory:nosuch xc true
	assert_failure 1
	assert_output "oci-exec: container \`xc\`: --cgroup \`memory:nosuch\`: cgroup \`/ocibox/xc/nosuch\` does not exist (in every hierarchy of \`memory\`)"
	run ob exec --cgroup sub --cgroup pids:sub xc true
	assert_failure 1
	assert_output "oci-exec: container \`xc\`: --cgroup \`sub\`: missing CONTROLLER: prefix (needed when --cgroup is given more than once)"
	# nothing ran in a refused exec: the container's cgroups hold the init and the two
	[ "$(cat "$M/cgroup.procs" "$M/sub/cgroup.procs" | wc -l)" = 3 ]
}

# propagation_run ROOTFS_PROPAGATION: a container binding a shared host mount $src on /mnt
# (rbind, rshared); after create the host mounts a tmpfs on $src/sub; the process prints
# its /mnt lines of mountinfo.
propagation_run() {
	src=$BATS_TEST_TMPDIR/src
	mkdir -p "$src"
	mount -t tmpfs obsrc "$src"
	mount --make-shared "$src"
	mkdir "$src/sub"
	update_config ".mounts += [{\"destination\": \"/mnt\", \"type\": \"bind\", \"source\": \"$src\", \"options\": [\"rbind\", \"rshared\"]}]"
	[ -z "$1" ] || update_config ".linux.rootfsPropagation = \"$1\""
	set_cmd 'grep " /mnt" /proc/self/mountinfo'
	"$OCIBOX" --root "$OB_ROOT" create -b "$BUNDLE" pr >"$BATS_TEST_TMPDIR/out" 2>&1 </dev/null
	mount -t tmpfs obsub "$src/sub"
	ob start pr
	wait_for_status pr stopped
	ob delete pr
	umount "$src/sub" "$src"
	cat "$BATS_TEST_TMPDIR/out"
	mnt=$(grep " /mnt " "$BATS_TEST_TMPDIR/out")
	sub=$(grep " /mnt/sub " "$BATS_TEST_TMPDIR/out" || true)
}

@test "parity 6: an rshared bind mount stays shared (mountinfo shared:N) with any rootfsPropagation" {
	# unset (rslave root): shared in the container, slave of the host's peer group, so a
	# mount the host makes under the source propagates in
	propagation_run ""
	[[ $mnt =~ " shared:"[0-9]+" master:"[0-9]+" " ]]
	[[ $sub == *" /mnt/sub "* ]]
	# rshared: in the host's peer group itself
	propagation_run rshared
	[[ $mnt =~ " shared:"[0-9]+" - " ]]
	[[ $sub == *" /mnt/sub "* ]]
	# rprivate: the container's own peer group, nothing comes in from the host
	propagation_run rprivate
	[[ $mnt =~ " shared:"[0-9]+" - " ]]
	[ -z "$sub" ]
}

@test "parity 9: in a user namespace a bind source only the host's root may reach (0700) is mounted" {
	requires userns
	local dir secret
	dir=$(mktemp -d /tmp/ocibox-userns.XXXXXX)
	secret=$(mktemp -d /tmp/ocibox-secret.XXXXXX)
	defer "rm -rf $dir $secret"
	chmod 755 "$dir"
	chmod 700 "$secret"
	mkdir "$secret/data"
	echo inside-0700 >"$secret/data/f"
	make_bundle "$dir/bundle"
	mkdir "$BUNDLE/rootfs/data" && touch "$BUNDLE/rootfs/etc/f"
	update_config ".root.readonly = false
		| .linux.namespaces += [{\"type\": \"user\"}]
		| .linux.uidMappings = [{\"containerID\": 0, \"hostID\": 100000, \"size\": 65536}]
		| .linux.gidMappings = [{\"containerID\": 0, \"hostID\": 100000, \"size\": 65536}]
		| .mounts += [{\"destination\": \"/data\", \"type\": \"bind\", \"source\": \"$secret/data\", \"options\": [\"rbind\", \"ro\"]},
			      {\"destination\": \"/etc/f\", \"type\": \"bind\", \"source\": \"$secret/data/f\", \"options\": [\"bind\"]}]"
	set_cmd 'cat /data/f /etc/f; grep " /data " /proc/self/mountinfo | cut -d" " -f6; touch /data/x 2>&1; true'
	run ob run -b "$BUNDLE" u9
	assert_success
	assert_line --index 0 inside-0700
	assert_line --index 1 inside-0700
	assert_line --index 2 --regexp "^ro,"
	assert_line --index 3 "touch: /data/x: Read-only file system"
	# a source that is not there: the same error as without a user namespace
	update_config ".mounts[-1].source = \"$secret/nosuch\""
	run ob run -b "$BUNDLE" u9b
	assert_failure 1
	assert_output "oci-run: mount \`$secret/nosuch\` on \`/etc/f\`: No such file or directory"
	assert_nothing_left u9b
}

@test "parity 7: /dev mounted read-only is populated first and remounted read-only at the end" {
	update_config '(.mounts[] | select(.destination == "/dev") | .options) += ["ro"]'
	set_cmd 'grep " /dev " /proc/self/mountinfo | cut -d" " -f6; ls /dev/null /dev/pts/ptmx; touch /dev/x 2>&1; true'
	run ob run -b "$BUNDLE" dro
	assert_success
	assert_line --index 0 --regexp '^ro,'
	assert_line /dev/null
	assert_line /dev/pts/ptmx
	assert_line "touch: /dev/x: Read-only file system"
}

@test "parity 8: --no-pivot leaves no host procfs that would let the container mount a new one" {
	"$BUSYBOX" unshare --help 2>&1 | grep -qE '^\s+-r\s' || skip "needs busybox unshare -r"
	requires userns
	# as a user that is not root: mapping uid 0 into a user namespace needs CAP_SETFCAP
	update_config '.process.user = {"uid": 1000, "gid": 1000}'
	set_cmd 'unshare -mrpf sh -c "mount -t proc none /proc && echo mounted" 2>&1'
	# the control: a container whose own /proc is fully visible (no masked paths) may
	update_config '.linux.maskedPaths = [] | .linux.readonlyPaths = []'
	run ob run -b "$BUNDLE" np0
	[[ $output != *"unshare("* ]] || skip "the container may not make a user namespace here: $output"
	assert_output mounted
	# with masked paths (runc's default) no procfs is fully visible, pivot or not
	make_bundle "$BATS_TEST_TMPDIR/bundle2"
	update_config '.process.user = {"uid": 1000, "gid": 1000}'
	set_cmd 'unshare -mrpf sh -c "mount -t proc none /proc && echo mounted" 2>&1'
	run ob run -b "$BUNDLE" np1
	assert_output --regexp "[Pp]ermission denied|not permitted"
	refute_output --partial mounted
	run ob run --no-pivot -b "$BUNDLE" np2
	assert_output --regexp "[Pp]ermission denied|not permitted"
	refute_output --partial mounted
}

@test "parity 10: a process.cwd only root may enter is entered before the switch to process.user" {
	mkdir -m 0700 "$BUNDLE/rootfs/secret"
	update_config '.process.user = {"uid": 1000, "gid": 1000} | .process.cwd = "/secret"'
	set_cmd 'id -u; pwd; ls . 2>&1; true'
	run ob run -b "$BUNDLE" cw
	assert_success
	assert_line --index 0 1000
	assert_line --index 1 /secret
	assert_line --index 2 "ls: .: Permission denied"
}

@test "parity 13: createContainer hooks run with the container's root as cwd" {
	out=$BATS_TEST_TMPDIR/hook-cwd
	update_config ".hooks.createContainer = [{\"path\": \"/bin/sh\", \"args\": [\"sh\", \"-c\", \"pwd -P > $out\"]}]"
	cd /
	ob run -b "$BUNDLE" hc
	[ "$(cat "$out")" = "$(cd "$BUNDLE/rootfs" && pwd -P)" ]
}
