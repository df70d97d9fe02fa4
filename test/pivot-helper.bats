#!/usr/bin/env bats
# pivot-helper: switch root into a tmpfs NEWROOT inside `unshare -m`.

load helpers
load container-helpers
bats_require_minimum_version 1.5.0

setup() {
	common_setup
	requires root
	NEWROOT="$BATS_TEST_TMPDIR/newroot"
	mkdir -p "$NEWROOT"
}

# in_ns SCRIPT: run SCRIPT in a private mount namespace with a busybox tmpfs at $NEWROOT
in_ns() {
	unshare -m --propagation private sh -c "
		mount -t tmpfs -o size=16m newroot '$NEWROOT' &&
		mkdir -p '$NEWROOT/bin' '$NEWROOT/proc' '$NEWROOT/dev' '$NEWROOT/sys' '$NEWROOT/run' '$NEWROOT/sbin' &&
		cp '$BUSYBOX' '$NEWROOT/bin/busybox' && ln -s busybox '$NEWROOT/bin/sh' && ln -s ../bin/busybox '$NEWROOT/sbin/init' &&
		echo marker > '$NEWROOT/marker' && $1"
}

@test "pivot-helper: pivot_root into NEWROOT, the old root detached, CMD runs there" {
	run in_ns "$OCIBOX pivot-helper --move-mounts '$NEWROOT' /bin/busybox sh -c 'cat /marker; /bin/busybox cat /proc/self/mountinfo'"
	assert_success
	assert_line --index 0 marker
	# the root is the tmpfs; /proc was moved along; nothing of the old root is mounted
	assert_line --regexp '^[0-9]+ [0-9]+ [0-9:]+ / / rw.* - tmpfs newroot '
	assert_line --regexp ' / /proc .* - proc '
	refute_output --partial ' - ext4 '
	echo "$output"
	# the host saw nothing
	! grep -q "$NEWROOT" /proc/self/mountinfo
}

@test "pivot-helper --no-pivot: MS_MOVE + chroot" {
	run in_ns "$OCIBOX pivot-helper --no-pivot '$NEWROOT' /bin/busybox sh -c '/bin/busybox cat /marker; /bin/busybox ls /'"
	assert_success
	assert_line --index 0 marker
	assert_output --partial bin
}

@test "pivot-helper: default CMD is /sbin/init; errors" {
	run in_ns "$OCIBOX pivot-helper '$NEWROOT'"
	# busybox init as pid != 1 says so and fails: it did run
	assert_output --partial "init"
	run -127 in_ns "$OCIBOX pivot-helper '$NEWROOT' /nope"
	assert_output "pivot-helper: exec \`/nope\`: No such file or directory"
	run pivot-helper "$BATS_TEST_TMPDIR/missing" /bin/true
	assert_failure 1
	assert_output --partial "missing"
	run pivot-helper
	assert_failure 2
}
