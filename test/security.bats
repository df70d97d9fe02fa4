#!/usr/bin/env bats
# The runtime's defences, each with a reproduction that succeeds against a runtime without
# the defence: CVE-2019-5736 (/proc/PID/exe of our code), CVE-2024-21626 (leaked fds,
# cwd through /proc/self/fd), CVE-2021-30465 (mount destinations through symlinks),
# masked and readonly paths on real procfs, no_new_privs, the five capability sets, and
# LSM requests on a host without the LSM.

load helpers

# in_container PID CMD...: run CMD (from the container's rootfs) in the mount and pid
# namespaces of the container whose init is PID, as root but WITHOUT CAP_SYS_PTRACE:
# what a process inside a default container has (its capabilities are a superset of the
# init's, same uid), so only the init's dumpable flag decides /proc/PID/exe access.
in_container() {
	local pid=$1
	shift
	setpriv --bounding-set=-sys_ptrace nsenter -t "$pid" -m -p -- "$@"
}

@test "CVE-2019-5736: /proc/1/exe of the waiting init (our binary) cannot be opened from the container" {
	requires root
	make_bundle
	update_config '.process.args = ["/bin/sleep", "100"]'
	local id pid
	id=$(uniq_name)
	ob create -b "$BUNDLE" "$id"
	pid=$(ob state "$id" | jq .pid)
	# Our code waits on exec.fifo: its exe is the host's ocibox binary.
	[ "$(readlink "/proc/$pid/exe")" = "$(readlink -f "$OCIBOX")" ]
	run in_container "$pid" /bin/cat /proc/1/exe
	assert_failure
	assert_output "cat: can't open '/proc/1/exe': Permission denied"
	run in_container "$pid" /bin/ls -l /proc/1/exe
	assert_failure
	assert_output --partial "Permission denied"

	# The control: after start the user process (dumpable again) is readable the same way.
	ob start "$id"
	run in_container "$pid" /bin/ls -l /proc/1/exe
	assert_success
	assert_output --partial "/proc/1/exe -> /bin/busybox"
}

@test "CVE-2024-21626: no host fd reaches the container, even one the caller passed" {
	requires root
	make_bundle
	update_config '.process.args = ["/bin/ls", "-l", "/proc/self/fd"]'
	# fd 7: a host directory open in the runtime's caller, as in the CVE's leaked fd.
	run ob run -b "$BUNDLE" "$(uniq_name)" 7<"$BATS_TEST_TMPDIR"
	assert_success
	# ls's own fds: stdio and the directory it is listing (3), nothing else.
	run awk '/ -> / {print $(NF-2)}' <<<"$output"
	assert_output $'0\n1\n2\n3'
}

@test "CVE-2024-21626: process.cwd through /proc/self/fd/N is refused, never a host directory" {
	requires root
	make_bundle
	update_config '.process.args = ["/bin/sh", "-c", "echo RAN in $(pwd)"]'
	local n
	for n in 3 4 5 6 7 8 9; do
		update_config ".process.cwd = \"/proc/self/fd/$n\""
		run ob run -b "$BUNDLE" "$(uniq_name)$n" 7<"$BATS_TEST_TMPDIR"
		assert_failure
		refute_output --partial "RAN"
		assert_output --regexp "cwd|/proc/self/fd/$n"
	done
	[ -z "$(ls "$OB_ROOT")" ]
}

@test "CVE-2021-30465: a mount destination through an absolute symlink stays inside the rootfs" {
	requires root
	make_bundle
	local outside=$BATS_TEST_TMPDIR/outside
	mkdir "$outside"
	ln -s "$outside" "$BUNDLE/rootfs/evil"
	update_config '.mounts += [{"destination": "/evil/sub", "type": "tmpfs", "source": "tmpfs"}]'
	update_config '.process.args = ["/bin/sh", "-c", "awk \"\\$5 ~ /outside\\/sub/ {print \\$5}\" /proc/self/mountinfo"]'
	run ob run -b "$BUNDLE" "$(uniq_name)"
	assert_success
	# Inside, the symlink was followed within the rootfs: the tmpfs is there.
	assert_output "$outside/sub"
	# The host's directory was never touched.
	[ ! -e "$outside/sub" ]
	[ -d "$BUNDLE/rootfs$outside/sub" ]
	run awk -v d="$outside/sub" '$5 == d' /proc/self/mountinfo
	assert_output ""
}

@test "CVE-2021-30465: a mount destination through a ../.. symlink stays inside the rootfs" {
	requires root
	make_bundle
	ln -s ../../../../../../../../../.. "$BUNDLE/rootfs/up"
	local target=$BATS_TEST_TMPDIR/escaped
	update_config ".mounts += [{\"destination\": \"/up$target\", \"type\": \"tmpfs\", \"source\": \"tmpfs\"}]"
	update_config '.process.args = ["/bin/true"]'
	run ob run -b "$BUNDLE" "$(uniq_name)"
	assert_success
	[ ! -e "$target" ]
	[ -d "$BUNDLE/rootfs$target" ]
}

@test "masked paths are masked on a real procfs; readonly paths are read-only" {
	requires root
	make_bundle
	update_config '.process.args = ["/bin/sh", "-c",
		"echo kcore=$(wc -c < /proc/kcore) keys=$(wc -c < /proc/keys) acpi=$(ls /proc/acpi | wc -l);
		 stat -f -c %T /proc;
		 cat /proc/sys/kernel/domainname > /proc/sys/kernel/domainname"]'
	run ob run -b "$BUNDLE" "$(uniq_name)"
	assert_failure 1
	assert_line "kcore=0 keys=0 acpi=0"
	assert_line "proc"
	assert_line --partial "/proc/sys/kernel/domainname: Read-only file system"
	# Without the masks the same files have content (the control).
	update_config '.linux.maskedPaths = [] | .linux.readonlyPaths = []'
	update_config '.process.args = ["/bin/sh", "-c", "wc -c < /proc/keys"]'
	run ob run -b "$BUNDLE" "$(uniq_name)b"
	assert_success
	[ "$output" -gt 0 ]
}

@test "/proc that is not procfs is refused before masking, nothing left" {
	requires root
	make_bundle
	local id
	id=$(uniq_name)
	update_config '(.mounts[] | select(.destination == "/proc")) |= {"destination": "/proc", "type": "tmpfs", "source": "tmpfs"}'
	run ob create -b "$BUNDLE" "$id"
	assert_failure 1
	assert_output --partial "/proc"
	assert_output --partial "not procfs"
	[ ! -e "$OB_ROOT/$id" ]
}

@test "/sys that is not sysfs is refused before masking, nothing left" {
	requires root
	make_bundle
	local id
	id=$(uniq_name)
	update_config '(.mounts[] | select(.destination == "/sys")) |= {"destination": "/sys", "type": "tmpfs", "source": "tmpfs"}
		| .linux.maskedPaths += ["/sys/firmware"]'
	run ob create -b "$BUNDLE" "$id"
	assert_failure 1
	assert_output --partial "/sys"
	assert_output --partial "not sysfs"
	[ ! -e "$OB_ROOT/$id" ]
}

@test "noNewPrivileges: NoNewPrivs 1 when set, 0 when not" {
	requires root
	make_bundle
	update_config '.process.noNewPrivileges = true | .process.args = ["/bin/grep", "^NoNewPrivs:", "/proc/self/status"]'
	run ob run -b "$BUNDLE" "$(uniq_name)"
	assert_success
	assert_output --regexp '^NoNewPrivs:[[:space:]]+1$'
	update_config '.process.noNewPrivileges = false'
	run ob run -b "$BUNDLE" "$(uniq_name)b"
	assert_success
	assert_output --regexp '^NoNewPrivs:[[:space:]]+0$'
}

@test "capabilities: all five sets exactly as configured (uid 1000, ambient carried over exec)" {
	requires root
	make_bundle
	# CAP_CHOWN 0, CAP_KILL 5, CAP_NET_RAW 13.
	update_config '.process.user = {"uid": 1000, "gid": 1000}
		| .process.capabilities = {
			"bounding": ["CAP_CHOWN", "CAP_KILL", "CAP_NET_RAW"],
			"permitted": ["CAP_KILL", "CAP_NET_RAW"],
			"effective": ["CAP_KILL", "CAP_NET_RAW"],
			"inheritable": ["CAP_KILL", "CAP_NET_RAW"],
			"ambient": ["CAP_KILL", "CAP_NET_RAW"]}
		| .process.args = ["/bin/grep", "^Cap", "/proc/self/status"]'
	run ob run -b "$BUNDLE" "$(uniq_name)"
	assert_success
	assert_output "CapInh:	0000000000002020
CapPrm:	0000000000002020
CapEff:	0000000000002020
CapBnd:	0000000000002021
CapAmb:	0000000000002020"
}

@test "capabilities: root gets the bounding set, nothing more" {
	requires root
	make_bundle
	update_config '.process.capabilities = {"bounding": ["CAP_KILL"], "permitted": ["CAP_KILL"], "effective": ["CAP_KILL"]}
		| .process.args = ["/bin/grep", "^Cap", "/proc/self/status"]'
	run ob run -b "$BUNDLE" "$(uniq_name)"
	assert_success
	assert_output "CapInh:	0000000000000000
CapPrm:	0000000000000020
CapEff:	0000000000000020
CapBnd:	0000000000000020
CapAmb:	0000000000000000"
}

@test "capabilities: an unknown name (CAP_TEST) is refused at create, nothing left" {
	requires root
	make_bundle
	local id
	id=$(uniq_name)
	update_config '.process.capabilities.bounding += ["CAP_TEST"]'
	run ob create -b "$BUNDLE" "$id"
	assert_failure 1
	assert_output --partial "CAP_TEST"
	assert_output --partial "process.capabilities.bounding"
	[ ! -e "$OB_ROOT/$id" ]
}

@test "apparmorProfile, selinuxLabel, mountLabel on a host without the LSM: a clear error, nothing left" {
	requires root
	[ -e /sys/kernel/security/apparmor ] && skip "AppArmor is enabled here"
	[ -e /sys/fs/selinux/enforce ] && skip "SELinux is enabled here"
	make_bundle
	local id
	id=$(uniq_name)
	update_config '.process.apparmorProfile = "ocibox-test"'
	run ob create -b "$BUNDLE" "$id"
	assert_failure 1
	assert_output --partial 'process.apparmorProfile: AppArmor is not enabled on this host (profile "ocibox-test" requested)'
	[ ! -e "$OB_ROOT/$id" ]

	update_config 'del(.process.apparmorProfile) | .process.selinuxLabel = "system_u:system_r:container_t:s0"'
	run ob create -b "$BUNDLE" "$id"
	assert_failure 1
	assert_output --partial 'process.selinuxLabel: SELinux is not enabled on this host'
	[ ! -e "$OB_ROOT/$id" ]

	update_config 'del(.process.selinuxLabel) | .linux.mountLabel = "system_u:object_r:container_file_t:s0"'
	run ob create -b "$BUNDLE" "$id"
	assert_failure 1
	assert_output --partial 'linux.mountLabel: SELinux is not enabled on this host'
	[ ! -e "$OB_ROOT/$id" ]
}
