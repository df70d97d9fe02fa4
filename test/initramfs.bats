#!/usr/bin/env bats
# packaging/initramfs: the static ocibox and busybox-static in a cpio, booted with QEMU and
# Debian's kernel; /init runs a container with oci-run, then pivot-helper --move-mounts into
# an ext4 root on a virtio disk, whose /sbin/init prints a line and powers off.

load helpers

@test "initramfs boots under QEMU: a container runs on the bare kernel, then the switch to the disk root" {
	requires root
	requires tool qemu-system-x86_64
	ls /boot/vmlinuz-*-amd64 >/dev/null 2>&1 || skip "needs a Debian kernel in /boot (linux-image-amd64)"
	run make -s -C "$TOP" --no-print-directory initramfs
	assert_success
	d="$TOP/build/initramfs"
	log="$BATS_TEST_TMPDIR/console"
	boot() { # ACCEL SECONDS: boot once, the serial console in $log
		: >"$log"
		cp "$d/root.ext4" "$BATS_TEST_TMPDIR/root.ext4" # a fresh copy: a boot writes to it
		timeout "$2" qemu-system-x86_64 -accel "$1" -m 512 -smp 1 -nodefaults -display none \
			-no-reboot -serial "file:$log" -kernel "$d/vmlinuz" -initrd "$d/initramfs.cpio.gz" \
			-append "console=ttyS0 panic=-1 quiet" \
			-drive "file=$BATS_TEST_TMPDIR/root.ext4,if=virtio,format=raw"
	}
	# KVM when /dev/kvm works: a guest boots in seconds there. Nested KVM (as on these VMs)
	# can start a guest that never runs, so a KVM boot has 15 s, then TCG has its turn.
	accel=tcg
	if [ -w /dev/kvm ] && boot kvm 15 && grep -q "reboot: Power down" "$log"; then
		accel=kvm
		status=0
	else
		[ ! -w /dev/kvm ] || echo "KVM did not boot the guest in 15 s: TCG"
		run boot tcg 150
	fi
	echo "qemu ($accel) exited $status; console:"
	cat "$log"
	assert_success
	run tr -d '\r' <"$log"
	assert_line --regexp '^initramfs: ocibox version [0-9.]+, kernel '
	assert_line --regexp '^container: hello from boxed, pid 1, 0:0, cgroup 0::/$'
	assert_line "initramfs: oci-run exited with status 0, containers left: 0"
	assert_line "initramfs: switching to /dev/vda"
	assert_line "second root: secondroot is / (/dev/vda), pid 1"
	assert_line --partial "reboot: Power down"
	refute_line --partial "insmod"
}
