#!/usr/bin/env bats
# test/host-systemd.bats - ocibox on a host these machines are not: systemd as PID 1 on a
# pure cgroup v2 hierarchy (Debian 12's default), booted under QEMU from an image built by
# test/hosts/build-guest.sh (cached in build/hosts). The guest runs
# test/hosts/systemd-scenario.sh once (setup_file) with this tree's dynamic ocibox and prints
# what systemd and the cgroup tree show; each test reads its section of the serial log.

load helpers

GUEST="$TOP/build/hosts"

setup_file() {
	[ "$(id -u)" -eq 0 ] || return 0
	# the guest has no ASan runtime for a make check SANITIZE=1 binary (section skips)
	[ "${OB_BUILD:-build}" = build ] || return 0
	command -v qemu-system-x86_64 >/dev/null && command -v debootstrap >/dev/null || return 0
	ls /boot/vmlinuz-* >/dev/null 2>&1 || return 0
	"$TOP/test/hosts/build-guest.sh" "$GUEST" >&3
	local stage="$BATS_FILE_TMPDIR/stage"
	mkdir -p "$stage"
	cp "$OCIBOX" "$stage/ocibox"
	# the static build, which has no driver (no static libsystemd), as `make bench` builds it
	make -s -C "$TOP" --no-print-directory B=build/static STATIC=1 build/static/ocibox >&3 2>&1 &&
		cp "$TOP/build/static/ocibox" "$stage/ocibox-static"
	cp "$BUSYBOX" "$stage/busybox"
	cp "$TOP/test/hosts/systemd-scenario.sh" "$stage/run"
	"$TOP/test/hosts/boot" "$GUEST" "$stage" "$BATS_FILE_TMPDIR/serial.log" 600 ||
		echo "# the guest did not power off by itself" >&3
}

# Each test reads the log; without one it skips (here, not in section: `run section` is a
# subshell, where skip would not end the test).
setup() {
	[ "${OB_BUILD:-build}" = build ] ||
		skip "a sanitizer build ($OB_BUILD) does not run in the guest (no ASan runtime there)"
	[ -f "$BATS_FILE_TMPDIR/serial.log" ] ||
		skip "no guest log (needs root, qemu-system-x86_64, debootstrap and a Debian kernel in /boot)"
}

# section NAME: the lines of one section of the guest's serial log, then "rc=N".
section() {
	local log="$BATS_FILE_TMPDIR/serial.log"
	tr -d '\r' <"$log" | awk -v n="$1" '$0 == "=== " n {on = 1; next}
		on && index($0, "=== end " n " ") == 1 {sub(/.* /, ""); print; exit}
		on' | grep -v '^\[ *[0-9.]*\] '
}

@test "host: the guest boots systemd as PID 1 on a pure cgroup v2 hierarchy" {
	run section host
	assert_output $'systemd\ncgroup2fs\nrc=0'
}

@test "host: features says systemd: true where the driver is built and systemd answers" {
	run section features
	assert_line --index 0 --partial '"systemd":true'
	assert_line --index 0 --partial '"systemdUser":false'
	assert_line 'rc=0'
}

@test "systemd driver: create makes the transient scope with the limits as unit properties" {
	run section create
	assert_output $'created\nrc=0'
	run section created-props
	assert_line ActiveState=active
	assert_line Delegate=yes
	assert_line Slice=system.slice
	assert_line ControlGroup=/system.slice/ocibox-sd1.scope
	assert_line MemoryMax=67108864
	assert_line MemorySwapMax=67108864
	assert_line MemoryLow=33554432
	assert_line TasksMax=42
	# cpu.shares 512 -> CPUWeight 1 + (510 * 9999) / 262142 (runc's conversion)
	assert_line CPUWeight=$((1 + 510 * 9999 / 262142))
	assert_line CPUQuotaPerSecUSec=500ms
	assert_line AllowedCPUs=0
	assert_line DevicePolicy=strict
}

@test "systemd driver: the cgroup files agree with the unit, the init is in the scope" {
	run section created-files
	assert_line memory.max=67108864
	assert_line memory.swap.max=67108864
	assert_line memory.low=33554432
	assert_line pids.max=42
	assert_line cpu.weight=$((1 + 510 * 9999 / 262142))
	assert_line 'cpu.max=50000 100000'
	assert_line cpuset.cpus=0
	run section init-cgroup
	assert_line 0::/system.slice/ocibox-sd1.scope
}

@test "systemd driver: start, and update changes the unit's properties and the files" {
	run section start
	assert_output $'running\nrc=0'
	run section update
	assert_output rc=0
	run section updated-props
	assert_line TasksMax=50
	assert_line MemoryMax=134217728
	assert_line MemorySwapMax=134217728
	run section updated-files
	assert_line pids.max=50
	assert_line memory.max=134217728
	assert_line memory.swap.max=134217728
}

@test "systemd driver: pause and resume freeze the scope's cgroup" {
	run section pause
	assert_output $'paused\n1\nrc=0'
	run section resume
	assert_output $'running\n0\nrc=0'
}

@test "systemd driver: two containers in two slices; kill, delete: the units are gone" {
	run section two
	assert_line ActiveState=active
	assert_line ControlGroup=/ocibox_test.slice/ocibox-sd2.scope
	assert_line rc=0
	run section kill-delete
	assert_line --index 0 stopped
	assert_line 'left: 0'
	assert_line LoadState=not-found
	refute_line --partial 'LoadState=loaded'
	assert_line --partial 'dir: ls: '
	assert_line rc=0
}

@test "systemd driver: runc's slice rules (empty slice, -.slice, nested slices)" {
	run section paths
	assert_line ':ocibox:sd5 /system.slice/ocibox-sd5.scope /system.slice/ocibox-sd5.scope'
	assert_line '-.slice:ocibox:sd6 /ocibox-sd6.scope /ocibox-sd6.scope'
	assert_line 'ocibox_a-b.slice:ocibox:sd7 /ocibox_a.slice/ocibox_a-b.slice/ocibox-sd7.scope /ocibox_a.slice/ocibox_a-b.slice/ocibox-sd7.scope'
	assert_line rc=0
}

@test "systemd driver: a create that fails leaves no unit and no state" {
	run section failed-create
	assert_line rc=127
	assert_line --regexp '^oci-create: .*/nonexistent.*[Nn]o such file or directory$'
	assert_line 'left: 0'
	assert_line 'state: 0'
}

@test "systemd driver: a runtime killed mid-create leaves what delete --force removes, the unit included" {
	run section killed-create
	assert_line 'unit while creating: active'
	assert_line 'delete rc=0'
	assert_line 'unit after: not-found'
	assert_line --partial 'dir: ls: '
	assert_line 'state: 0'
}

@test "cgroupfs driver on the systemd host: the limits in the files, removed on delete" {
	run section cgroupfs
	assert_line memory.max=67108864
	assert_line pids.max=42
	assert_line --partial 'dir: ls: '
	assert_line rc=0
}

@test "podman with ocibox as its runtime and its systemd cgroup manager: run, stop, rm" {
	run section podman
	assert_line 'systemd ocibox'
	assert_line hello-from-podman
	assert_line 'scope: 1'
	assert_line 'after: 0'
	assert_line rc=0
}

@test "systemd driver, rootless: the user's own manager makes the scope under user@UID.service" {
	run section rootless
	assert_line '[false,true]'
	assert_line 'run rc=0'
	assert_line ActiveState=active
	assert_line TasksMax=42
	assert_line --regexp '^cgroup: /user\.slice/user-1000\.slice/user@1000\.service/user\.slice/ocibox-rl1\.scope$'
	assert_line pids.max=42
	assert_line --regexp '^init: /user\.slice/user-1000\.slice/user@1000\.service/user\.slice/ocibox-rl1\.scope$'
	assert_line 'after: not-found'
	assert_line rc=0
}

@test "static build: no systemd driver; features says so and --systemd-cgroup is refused in one line" {
	run section static
	assert_line '[false,false]'
	assert_line 'oci-create: linux.cgroupsPath: --systemd-cgroup: this ocibox is built without the systemd cgroup driver (a static build has no libsystemd); use cgroupfs paths'
	assert_line 'rc=1'
	assert_line 'left: 0 units, 0 state'
}
