#!/usr/bin/env bats
# pivot-helper: switch root into a tmpfs NEWROOT inside `unshare -m`.

load helpers
load container-helpers
bats_require_minimum_version 1.5.0

setup() {
	common_setup
	requires root
	# make check SANITIZE=1: LeakSanitizer stops the world through /proc/PID/task, which a
	# switched root does not have (it spins or fails at exit); ASan and UBSan stay on
	[ "${OB_BUILD:-build}" = build ] || export ASAN_OPTIONS="${ASAN_OPTIONS:-}:detect_leaks=0"
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
	run ! grep -q "$NEWROOT" /proc/self/mountinfo
}

@test "pivot-helper --no-pivot: MS_MOVE + chroot" {
	run in_ns "$OCIBOX pivot-helper --no-pivot '$NEWROOT' /bin/busybox sh -c '/bin/busybox cat /marker; /bin/busybox ls /'"
	assert_success
	assert_line --index 0 marker
	assert_output --partial bin
}

@test "pivot-helper: default CMD is /sbin/init; errors" {
	run in_ns "rm '$NEWROOT/sbin/init' && printf '#!/bin/sh\\necho default init ran\\n' >'$NEWROOT/sbin/init' && chmod 755 '$NEWROOT/sbin/init' && $OCIBOX pivot-helper '$NEWROOT'"
	assert_success
	assert_output "default init ran"
	run -127 in_ns "$OCIBOX pivot-helper '$NEWROOT' /nope"
	assert_output "pivot-helper: exec \`/nope\`: No such file or directory"
	run pivot-helper "$BATS_TEST_TMPDIR/missing" /bin/true
	assert_failure 1
	assert_output "pivot-helper: NEWROOT \`$BATS_TEST_TMPDIR/missing\`: No such file or directory"
	touch "$BATS_TEST_TMPDIR/file"
	run pivot-helper "$BATS_TEST_TMPDIR/file" /bin/true
	assert_failure 1
	assert_output "pivot-helper: NEWROOT \`$BATS_TEST_TMPDIR/file\`: Not a directory"
	run pivot-helper
	assert_failure 2
}

# chroot_tree DIR: ocibox and its libraries in DIR (to run it chrooted there), a busybox
# NEWROOT directory DIR/nr with a marker.
chroot_tree() {
	local d=$1 l
	mkdir -p "$d/nr/bin"
	cp "$OCIBOX" "$d/ocibox"
	for l in $(ldd "$OCIBOX" | grep -o '/[^ ]*'); do cp --parents "$l" "$d/"; done
	cp "$BUSYBOX" "$d/nr/bin/busybox"
	echo marker >"$d/nr/marker"
}

@test "pivot-helper: a rootfs/ramfs root (pivot_root EINVAL) falls back to MS_MOVE + chroot" {
	[ "${OB_BUILD:-build}" = build ] ||
		skip "ocibox runs in a root without /proc: a sanitizer runtime warns on the stderr read here"
	# the root of a chroot into a ramfs directory that is no mount point: pivot_root(2)
	# fails with EINVAL there, as on an initramfs
	R="$BATS_TEST_TMPDIR/ram"
	mkdir -p "$R"
	run unshare -m --propagation private sh -c "
		mount -t ramfs ram '$R' && mkdir '$R/sub' && $(declare -f chroot_tree); OCIBOX='$OCIBOX' BUSYBOX='$BUSYBOX' chroot_tree '$R/sub' &&
		chroot '$R/sub' /ocibox pivot-helper /nr /bin/busybox sh -c '/bin/busybox cat /marker; /bin/busybox stat -f -c %T /'"
	assert_success
	assert_output "marker
ramfs"
}

@test "pivot-helper: a failing pivot_root says so and undoes the bind of NEWROOT on itself" {
	[ "${OB_BUILD:-build}" = build ] ||
		skip "ocibox runs in a root without /proc: a sanitizer runtime warns on the stderr read here"
	# on ext4 (not ramfs) the EINVAL of a chroot root that is no mount point is an error
	C="$BATS_TEST_TMPDIR/ch"
	chroot_tree "$C"
	[ "$(stat -f -c %T "$C")" != ramfs ] && [ "$(stat -f -c %T "$C")" != tmpfs ] || skip "the test dir is on ramfs/tmpfs"
	run unshare -m --propagation private sh -c "
		chroot '$C' /ocibox pivot-helper /nr /bin/busybox true; echo \"status \$?\"; grep -c ' $C/nr ' /proc/self/mountinfo"
	assert_line --index 0 "pivot-helper: pivot_root \`/nr\`: Invalid argument"
	assert_line --index 1 "status 1"
	assert_line --index 2 0
}
