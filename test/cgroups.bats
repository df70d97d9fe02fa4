#!/usr/bin/env bats
# core/cgroup: layout detection, cgroupsPath resolution, every linux.resources field written
# where its controller lives (this machine's v1 hierarchies, the real cgroup2 mount at
# /sys/fs/cgroup/unified, a prepared fake v2 tree), freezer, pids, kill, stats, removal.
# Driven through test/tools/cgtool (one core call per command).

load helpers
bats_require_minimum_version 1.5.0

V1=$(cgroup_v1_root)
V2=$(cgroup_mount 2)

setup() {
	common_setup
	CG="/ocibox-$(uniq_name cg)"
	CGT="$TOOLS/cgtool"
	[ -x "$CGT" ] || skip "test/tools/cgtool not built (make check builds it)"
}

# Remove a cgroup (and what is under it) in every hierarchy at teardown.
cleanup_cg() {
	defer "find $V1/*$1 -depth -type d -exec rmdir {} +"
}

assert_no_cgroup() {
	local d
	for d in "$V1"/*"$1" "$V1"/unified"$1"; do
		[ ! -d "$d" ] || fail "cgroup $d left behind"
	done
}

@test "layout: this host is hybrid from mountinfo; v2, v1 and hybrid from a cgroup root" {
	requires root cgroup1 cgroup2
	run "$CGT" mode
	assert_success
	assert_output hybrid
	OCIBOX_CGROUP_ROOT=$V2 run "$CGT" mode
	assert_output v2
	make_fake_v2
	OCIBOX_CGROUP_ROOT=$FAKE run "$CGT" mode
	assert_output v2
	f1="$BATS_TEST_TMPDIR/v1"
	mkdir -p "$f1/memory" "$f1/cpu,cpuacct"
	touch "$f1/memory/cgroup.procs" "$f1/cpu,cpuacct/cgroup.procs"
	OCIBOX_CGROUP_ROOT=$f1 run "$CGT" mode
	assert_output v1
	mkdir "$f1/unified"
	echo hugetlb >"$f1/unified/cgroup.controllers"
	OCIBOX_CGROUP_ROOT=$f1 run "$CGT" mode
	assert_output hybrid
	OCIBOX_CGROUP_ROOT="$BATS_TEST_TMPDIR/nothing-here" run "$CGT" mode
	assert_failure
	assert_output "cgtool: cgroup root \`$BATS_TEST_TMPDIR/nothing-here\`: No such file or directory"
}

@test "cgroupsPath: default, relative, absolute; escapes and systemd forms refused" {
	run "$CGT" path "" c1
	assert_output /ocibox/c1
	run "$CGT" path a/./b c1
	assert_output /ocibox/a/b
	run "$CGT" path //libpod_parent//libpod-x/ c1
	assert_output /libpod_parent/libpod-x
	run "$CGT" path /a/b/../c c1
	assert_output /a/c
	run "$CGT" path ../../etc c1
	assert_failure
	assert_output "cgtool: cgroup path \`../../etc\` escapes its parent cgroup /ocibox"
	run "$CGT" path /x/../../y c1
	assert_failure
	assert_output "cgtool: cgroup path \`/x/../../y\` escapes the cgroup hierarchy"
	run "$CGT" path / c1
	assert_failure
	assert_output "cgtool: cgroupsPath \`/\` is the root cgroup"
	run "$CGT" path system.slice:ocibox:c1 c1
	assert_failure
	assert_output "cgtool: cgroupsPath \`system.slice:ocibox:c1\` has the systemd form slice:prefix:name; it needs --systemd-cgroup"
	if [ ! -d /run/systemd/system ]; then
		run "$CGT" path system.slice:ocibox:c1 c1 systemd
		assert_failure
		assert_output "cgtool: --systemd-cgroup: systemd is not running on this host (no /run/systemd/system); use cgroupfs paths"
	fi
}

@test "v1: memory, cpu, cpuset, pids, blkio, devices read back from the cgroup files" {
	requires root cgroup1
	cleanup_cg "$CG"
	run "$CGT" create "$CG"
	assert_success
	run "$CGT" apply "$CG" memory.limit=$((64 << 20)) memory.swap=$((128 << 20)) \
		memory.reservation=$((32 << 20)) memory.swappiness=10 memory.disableOOMKiller=true \
		memory.useHierarchy=true memory.kernel=4096 memory.kernelTCP=4096 \
		cpu.shares=512 cpu.quota=20000 cpu.period=50000 cpu.burst=1000 cpu.idle=0 \
		cpu.cpus=0 cpu.mems=0 pids.limit=33 blockIO.weight=500 \
		blockIO.throttleReadBpsDevice=254:0:1048576 blockIO.throttleWriteIOPSDevice=254:0:100 \
		devices=deny:a:*:*:rwm devices=allow:c:1:3:rwm devices=allow:c:*:5:r
	assert_success
	m=$V1/memory$CG
	[ "$(cat $m/memory.limit_in_bytes)" = $((64 << 20)) ]
	[ "$(cat $m/memory.memsw.limit_in_bytes)" = $((128 << 20)) ]
	[ "$(cat $m/memory.soft_limit_in_bytes)" = $((32 << 20)) ]
	[ "$(cat $m/memory.swappiness)" = 10 ]
	grep -qx "oom_kill_disable 1" $m/memory.oom_control
	[ "$(cat $m/memory.use_hierarchy)" = 1 ]
	# kernelTCP set (as crun 1.8.1), kernel ignored: kernels >= 6.1 accept and drop it
	[ "$(cat $m/memory.kmem.tcp.limit_in_bytes)" = 4096 ]
	c=$V1/cpu$CG
	[ "$(cat $c/cpu.shares)" = 512 ]
	[ "$(cat $c/cpu.cfs_quota_us)" = 20000 ]
	[ "$(cat $c/cpu.cfs_period_us)" = 50000 ]
	[ "$(cat $c/cpu.cfs_burst_us)" = 1000 ]
	[ "$(cat $V1/cpuset$CG/cpuset.cpus)" = 0 ]
	[ "$(cat $V1/cpuset$CG/cpuset.mems)" = 0 ]
	[ "$(cat $V1/pids$CG/pids.max)" = 33 ]
	b=$V1/blkio$CG
	w=$b/blkio.weight
	[ -e "$w" ] || w=$b/blkio.bfq.weight
	grep -Eqx "(default )?500" "$w"
	[ "$(cat $b/blkio.throttle.read_bps_device)" = "254:0 1048576" ]
	[ "$(cat $b/blkio.throttle.write_iops_device)" = "254:0 100" ]
	run cat $V1/devices$CG/devices.list
	assert_output "c 1:3 rwm
c *:5 r"
	run "$CGT" destroy "$CG"
	assert_success
	assert_no_cgroup "$CG"
}

@test "v1: memory and swap in either order (raise above memsw, then lower below limit)" {
	requires root cgroup1
	cleanup_cg "$CG"
	"$CGT" create "$CG"
	m=$V1/memory$CG
	"$CGT" apply "$CG" memory.limit=$((32 << 20)) memory.swap=$((64 << 20))
	run "$CGT" apply "$CG" memory.limit=$((256 << 20)) memory.swap=$((512 << 20))
	assert_success
	[ "$(cat $m/memory.limit_in_bytes)" = $((256 << 20)) ]
	[ "$(cat $m/memory.memsw.limit_in_bytes)" = $((512 << 20)) ]
	run "$CGT" apply "$CG" memory.limit=$((16 << 20)) memory.swap=$((24 << 20))
	assert_success
	[ "$(cat $m/memory.limit_in_bytes)" = $((16 << 20)) ]
	[ "$(cat $m/memory.memsw.limit_in_bytes)" = $((24 << 20)) ]
	# -1 with no swap given: both unlimited
	run "$CGT" apply "$CG" memory.limit=-1
	assert_success
	[ "$(cat $m/memory.limit_in_bytes)" = "$(cat $V1/memory/memory.limit_in_bytes)" ]
	[ "$(cat $m/memory.memsw.limit_in_bytes)" = "$(cat $V1/memory/memory.memsw.limit_in_bytes)" ]
	"$CGT" destroy "$CG"
}

@test "v1/hybrid: what the host lacks and what the kernel rejects are named" {
	requires root cgroup1
	cleanup_cg "$CG"
	"$CGT" create "$CG"
	run "$CGT" apply "$CG" network.classID=1048577
	assert_failure
	assert_output "cgtool: linux.resources.network.classID: cgroup v1 controller net_cls is not mounted"
	run "$CGT" apply "$CG" network.priorities=eth0:5
	assert_output "cgtool: linux.resources.network.priorities: cgroup v1 controller net_prio is not mounted"
	run "$CGT" apply "$CG" rdma=mlx5_0:1:2
	assert_output "cgtool: linux.resources.rdma: cgroup v1 controller rdma is not mounted"
	run "$CGT" apply "$CG" unified=memory.max:1
	assert_output "cgtool: linux.resources.unified: \`memory.max\`: controller memory is not available in the cgroup v2 hierarchy $V2"
	run "$CGT" apply "$CG" hugepageLimits=3MB:1
	assert_output "cgtool: hugepageLimits: page size 3MB is not supported here (no hugetlb.3MB.max in $V2$CG)"
	run "$CGT" apply "$CG" cpu.cpus=9999
	assert_output "cgtool: set cpuset.cpus to \`9999\` in \`$V1/cpuset$CG\`: Numerical result out of range"
	run "$CGT" apply "$CG" memory.swappiness=1000
	assert_output "cgtool: set memory.swappiness to \`1000\` in \`$V1/memory$CG\`: Invalid argument"
	run "$CGT" apply "$CG" devices=allow:x:1:1:rwm
	assert_output "cgtool: linux.resources.devices[0].type: \`x\`"
	# CFQ's leaf weights: gone with CFQ (blkio.bfq.* has none)
	if [ ! -e "$V1/blkio/blkio.leaf_weight" ]; then
		run "$CGT" apply "$CG" blockIO.leafWeight=300
		assert_failure
		assert_output "cgtool: blockIO.leafWeight: $V1/blkio$CG has no blkio.leaf_weight (CFQ's; the kernel has no CFQ I/O scheduler)"
		run "$CGT" apply "$CG" blockIO.weightDevice=7:0:300:200
		assert_failure
		assert_output "cgtool: blockIO.weightDevice[0].leafWeight: $V1/blkio$CG has no blkio.leaf_weight_device (CFQ's; the kernel has no CFQ I/O scheduler)"
	fi
	"$CGT" destroy "$CG"
	assert_no_cgroup "$CG"
}

@test "hybrid: hugepageLimits and unified go to the cgroup2 mount (hugetlb.<size>.max)" {
	requires root cgroup1 cgroup2
	requires_hugepages
	cleanup_cg "$CG"
	"$CGT" create "$CG"
	run "$CGT" apply "$CG" hugepageLimits=$HP_SMALL:$((4 << 20))
	assert_success
	[ "$(cat $V2$CG/hugetlb.$HP_SMALL.max)" = $((4 << 20)) ]
	[ "$(cat $V2$CG/hugetlb.$HP_SMALL.rsvd.max)" = $((4 << 20)) ]
	run "$CGT" apply "$CG" unified=hugetlb.$HP_BIG.max:0
	assert_success
	[ "$(cat $V2$CG/hugetlb.$HP_BIG.max)" = 0 ]
	run "$CGT" stats "$CG"
	assert_line "hugetlb.$HP_SMALL.usage 0"
	assert_line "memory.limit $(cat $V1/memory$CG/memory.limit_in_bytes)"
	"$CGT" destroy "$CG"
	assert_no_cgroup "$CG"
}

@test "memory.checkBeforeUpdate: a limit below the current usage is refused" {
	requires root cgroup1
	cleanup_cg "$CG"
	"$CGT" create "$CG"
	# 20M of shmem charged to the cgroup (it stays charged after the writer exits)
	shm="/dev/shm/$(uniq_name shm)"
	defer "rm -f $shm"
	sh -c "echo \$\$ >$V1/memory$CG/cgroup.procs; head -c 20M /dev/zero >$shm"
	usage=$(cat $V1/memory$CG/memory.usage_in_bytes)
	[ "$usage" -gt $((16 << 20)) ]
	run "$CGT" apply "$CG" memory.limit=$((4 << 20)) memory.checkBeforeUpdate=true
	assert_failure
	assert_output --regexp "^cgtool: memory limit 4194304 is below the current usage [0-9]+ of $V1/memory$CG \\(checkBeforeUpdate\\)$"
	[ "$(cat $V1/memory$CG/memory.limit_in_bytes)" != 4194304 ]
	rm -f "$shm"
	"$CGT" destroy "$CG"
}

@test "fake v2 tree: every resource in v2 files, runc's conversions, v1-only fields refused" {
	requires root
	make_fake_v2
	export OCIBOX_CGROUP_ROOT=$FAKE
	run "$CGT" create "$CG"
	assert_success
	[ "$(cat $FAKE/cgroup.subtree_control)" = "cpuset cpu io memory hugetlb pids rdma misc" ]
	run "$CGT" apply "$CG" memory.limit=$((64 << 20)) memory.swap=$((96 << 20)) \
		memory.reservation=$((16 << 20)) memory.swappiness=10 cpu.shares=1024 cpu.quota=20000 \
		cpu.period=100000 cpu.burst=500 cpu.idle=1 cpu.cpus=0-1 cpu.mems=0 pids.limit=-1 \
		blockIO.weight=500 blockIO.weightDevice=8:0:100 blockIO.throttleReadBpsDevice=8:0:1048576 \
		blockIO.throttleWriteIOPSDevice=8:16:0 hugepageLimits=2MB:$((2 << 20)) rdma=mlx5_0:10:20 \
		unified=memory.high:$((50 << 20)) unified=memory.oom.group:1
	assert_success
	d=$FAKE$CG
	[ "$(cat $d/memory.max)" = $((64 << 20)) ]
	# v1's memory+swap 96M with memory 64M: 32M of swap
	[ "$(cat $d/memory.swap.max)" = $((32 << 20)) ]
	[ "$(cat $d/memory.low)" = $((16 << 20)) ]
	# shares 1024 -> weight 1 + (1024-2)*9999/262142
	[ "$(cat $d/cpu.weight)" = $((1 + (1024 - 2) * 9999 / 262142)) ]
	[ "$(cat $d/cpu.max)" = "20000 100000" ]
	[ "$(cat $d/cpu.max.burst)" = 500 ]
	[ "$(cat $d/cpu.idle)" = 1 ]
	[ "$(cat $d/cpuset.cpus)" = 0-1 ]
	[ "$(cat $d/pids.max)" = max ]
	# blkio weight 500 -> io.weight 1 + (500-10)*9999/990
	run cat $d/io.weight
	assert_output "default $((1 + (500 - 10) * 9999 / 990))
8:0 $((1 + (100 - 10) * 9999 / 990))"
	run cat $d/io.max
	assert_output "8:0 rbps=1048576
8:16 wiops=max"
	[ "$(cat $d/hugetlb.2MB.max)" = $((2 << 20)) ]
	[ "$(cat $d/rdma.max)" = "mlx5_0 hca_handle=10 hca_object=20" ]
	[ "$(cat $d/memory.high)" = $((50 << 20)) ]
	[ "$(cat $d/memory.oom.group)" = 1 ]
	[ ! -e $d/memory.swappiness ]

	run "$CGT" apply "$CG" memory.limit=$((64 << 20)) memory.swap=$((32 << 20))
	assert_failure
	assert_output "cgtool: memory.swap 33554432 (memory+swap) is below memory.limit 67108864"
	run "$CGT" apply "$CG" memory.swap=$((32 << 20))
	assert_output "cgtool: memory.swap 33554432 needs a memory.limit"
	run "$CGT" apply "$CG" memory.limit=-1
	assert_success
	[ "$(cat $d/memory.max)" = max ]
	[ "$(cat $d/memory.swap.max)" = max ]
	run "$CGT" apply "$CG" memory.disableOOMKiller=true
	assert_output "cgtool: memory.disableOOMKiller: cgroup v2 has no OOM killer switch"
	run "$CGT" apply "$CG" cpu.realtimeRuntime=1000 cpu.realtimePeriod=10000
	assert_output "cgtool: cpu.realtimeRuntime/realtimePeriod: cgroup v2 has no realtime scheduler limits"
	run "$CGT" apply "$CG" network.classID=1
	assert_output "cgtool: linux.resources.network.classID: cgroup v2 has no net_cls controller"
	run "$CGT" apply "$CG" unified=../x:1
	assert_output "cgtool: linux.resources.unified: invalid key \`../x\`"
	run "$CGT" apply "$CG" unified=nosuch.file:1
	assert_output "cgtool: linux.resources.unified: \`nosuch.file\`: controller nosuch is not available in the cgroup v2 hierarchy $FAKE"
	run "$CGT" destroy "$CG"
	assert_success
	run ls "$FAKE"
	assert_output "cgroup.controllers
cgroup.procs
cgroup.subtree_control"
}

# term_pending PID: SIGTERM is pending for PID (bit 15 of SigPnd or ShdPnd), not acted on.
term_pending() {
	local v
	for v in $(awk '/^(ShdPnd|SigPnd):/ {print $2}' "/proc/$1/status"); do
		((0x$v & 0x4000)) && return 0
	done
	return 1
}

@test "v1 freezer: freeze waits for FROZEN, the task is stopped, thaw resumes it" {
	requires root cgroup1
	cleanup_cg "$CG"
	"$CGT" create "$CG"
	sleep 60 &
	pid=$!
	defer "kill -9 $pid"
	"$CGT" enter "$CG" $pid
	run "$CGT" freeze "$CG"
	assert_success
	[ "$(cat $V1/freezer$CG/freezer.state)" = FROZEN ]
	run "$CGT" state "$CG"
	assert_output frozen
	# a frozen task does not run: a signal stays pending
	kill -TERM $pid
	retry 50 0.1 term_pending "$pid"
	[ "$(awk '{print $3}' /proc/$pid/stat)" != Z ]
	run "$CGT" thaw "$CG"
	assert_success
	run "$CGT" state "$CG"
	assert_output thawed
	# thawed: the pending TERM ends it
	status=0
	wait $pid || status=$?
	[ "$status" -eq 143 ]
	"$CGT" destroy "$CG"
	assert_no_cgroup "$CG"
}

@test "v2 freezer on the real cgroup2 mount: cgroup.freeze and cgroup.events" {
	requires root cgroup2
	export OCIBOX_CGROUP_ROOT=$V2
	cleanup_cg "$CG"
	"$CGT" create "$CG"
	# a TERM handler: a fatal signal (default action) ends even a frozen task on v2
	local ready=$BATS_TEST_TMPDIR/ready
	bash -c "trap 'exit 7' TERM; touch $ready; while :; do sleep 0.1; done" &
	pid=$!
	retry 50 0.1 test -e "$ready"
	defer "kill -9 $pid"
	"$CGT" enter "$CG" $pid
	grep -qx "0::$CG" /proc/$pid/cgroup
	run "$CGT" freeze "$CG"
	assert_success
	grep -qx "frozen 1" $V2$CG/cgroup.events
	run "$CGT" state "$CG"
	assert_output frozen
	# a frozen task does not run: the signal is there (pending: bit 15 of SigPnd/ShdPnd)
	# and nothing acts on it
	kill -TERM $pid
	retry 50 0.1 term_pending "$pid"
	[ "$(awk '{print $3}' /proc/$pid/stat)" != Z ]
	"$CGT" thaw "$CG"
	grep -qx "frozen 0" $V2$CG/cgroup.events
	status=0
	wait $pid || status=$?
	[ "$status" -eq 7 ]
	"$CGT" destroy "$CG"
	[ ! -d $V2$CG ]
}

@test "pids lists the cgroup and its sub-cgroups; kill reaches them all (v1 and v2)" {
	requires root cgroup1 cgroup2
	for root in "" "$V2"; do
		export OCIBOX_CGROUP_ROOT=$root
		cleanup_cg "$CG"
		# v2 (and hybrid's unified part): no processes in a cgroup whose children have
		# controllers enabled (EBUSY): processes only in leaves
		first=$CG/s1
		"$CGT" create "$first"
		"$CGT" create "$CG/sub/deeper"
		sleep 60 &
		p1=$!
		sleep 60 &
		p2=$!
		"$CGT" enter "$first" $p1
		"$CGT" enter "$CG/sub/deeper" $p2
		run "$CGT" pids "$CG"
		assert_success
		assert_output "$(printf '%s\n' $p1 $p2 | sort -n)"
		run "$CGT" kill "$CG" KILL
		assert_success
		status=0
		wait $p1 || status=$?
		[ "$status" -eq 137 ]
		status=0
		wait $p2 || status=$?
		[ "$status" -eq 137 ]
		# destroy removes the sub-cgroup too
		run "$CGT" destroy "$CG"
		assert_success
		assert_no_cgroup "$CG"
	done
}

@test "kill with another signal freezes, signals every pid, thaws (v1)" {
	requires root cgroup1
	cleanup_cg "$CG"
	"$CGT" create "$CG"
	sleep 60 &
	p1=$!
	"$CGT" enter "$CG" $p1
	run "$CGT" kill "$CG" TERM
	assert_success
	status=0
	wait $p1 || status=$?
	[ "$status" -eq 143 ]
	[ "$(cat $V1/freezer$CG/freezer.state)" = THAWED ]
	"$CGT" destroy "$CG"
}

@test "create refuses a cgroup holding processes (another container's); destroy of a busy one fails and keeps it" {
	requires root cgroup1
	cleanup_cg "$CG"
	"$CGT" create "$CG"
	sleep 60 &
	pid=$!
	defer "kill -9 $pid"
	"$CGT" enter "$CG" $pid
	run "$CGT" create "$CG" empty
	assert_failure
	assert_output --regexp "^cgtool: cgroup \`$CG\` already holds processes \\(pid $pid in $V1/[a-z,=]+$CG\\): another container\\?$"
	run "$CGT" destroy "$CG"
	assert_failure
	assert_output --regexp "^cgtool: remove cgroup \`$V1/[a-z,=]+$CG\` \\(still holds pid $pid\\): Device or resource busy$"
	[ -d "$V1/memory$CG" ]
	kill -9 $pid
	wait $pid || true
	run "$CGT" destroy "$CG"
	assert_success
	assert_no_cgroup "$CG"
}

@test "destroy removes the empty default parent /ocibox, not one still in use" {
	requires root cgroup1
	[ ! -d $V1/memory/ocibox ] || skip "another /ocibox cgroup exists on this host"
	a="/ocibox/$(uniq_name a)"
	b="/ocibox/$(uniq_name b)"
	cleanup_cg "$a"
	cleanup_cg "$b"
	defer "rmdir $V1/*/ocibox"
	"$CGT" create "$a"
	"$CGT" create "$b"
	"$CGT" destroy "$a"
	[ -d $V1/memory/ocibox ]
	[ ! -d $V1/memory$a ]
	"$CGT" destroy "$b"
	assert_no_cgroup /ocibox
}

@test "v2 devices: the eBPF program is felt from inside, and an update replaces it" {
	requires root cgroup2
	export OCIBOX_CGROUP_ROOT=$V2
	cleanup_cg "$CG"
	"$CGT" create "$CG"
	run "$CGT" apply "$CG" devices=deny:a:*:*:rwm devices=allow:c:1:3:rwm devices=allow:c:1:5:r
	assert_success
	run sh -c "echo \$\$ >$V2$CG/cgroup.procs; echo x >/dev/null && echo null-ok; head -c 3 /dev/zero | wc -c; echo x >/dev/zero || echo zero-write-denied; head -c 1 /dev/urandom || echo urandom-denied"
	assert_line null-ok
	assert_line 3
	assert_line zero-write-denied
	assert_line urandom-denied
	assert_line "head: cannot open '/dev/urandom' for reading: Operation not permitted"
	run "$CGT" apply "$CG" devices=deny:c:1:9:w
	assert_success
	run sh -c "echo \$\$ >$V2$CG/cgroup.procs; head -c 1 /dev/urandom | wc -c; echo x >/dev/urandom || echo urandom-write-denied"
	assert_line 1
	assert_line urandom-write-denied
	"$CGT" destroy "$CG"
	[ ! -d $V2$CG ]
}

@test "stats: pids, memory, cpu from v1 with a process running" {
	requires root cgroup1
	cleanup_cg "$CG"
	"$CGT" create "$CG"
	"$CGT" apply "$CG" pids.limit=50 memory.limit=$((100 << 20))
	sleep 60 &
	pid=$!
	defer "kill -9 $pid"
	"$CGT" enter "$CG" $pid
	run "$CGT" stats "$CG"
	assert_success
	assert_line "pids.current 1"
	assert_line "pids.limit 50"
	assert_line "memory.limit $((100 << 20))"
	assert_line "cpu.percpu $(nproc)"
	kill -9 $pid
	wait $pid || true
	"$CGT" destroy "$CG"
}

# ---- containers (oci-create / oci-kill / oci-delete with cgroups) ----

ctr_setup() {
	ID=$(uniq_name ctr)
	make_bundle
	update_config '.root.readonly = false | .process.args = ["sleep", "300"]'
}

cgroup_gone() {
	local d
	for d in "$V1"/*"$1"; do
		[ ! -d "$d" ] || fail "cgroup $d left behind"
	done
}

@test "container: limits from config.json read back; the init is in its cgroup everywhere" {
	requires root cgroup1 cgroup2
	requires_hugepages
	ctr_setup
	update_config ".linux.resources.memory = {\"limit\": 67108864, \"reservation\": 33554432}
		| .linux.resources.pids = {\"limit\": 25}
		| .linux.resources.cpu = {\"shares\": 512, \"quota\": 25000, \"period\": 100000, \"cpus\": \"0\"}
		| .linux.resources.hugepageLimits = [{\"pageSize\": \"$HP_SMALL\", \"limit\": 4194304}]"
	ob create --bundle "$BUNDLE" "$ID"
	pid=$(ob state "$ID" | jq -r .pid)
	c=/ocibox/$ID
	[ "$(cat $V1/memory$c/memory.limit_in_bytes)" = 67108864 ]
	[ "$(cat $V1/memory$c/memory.soft_limit_in_bytes)" = 33554432 ]
	[ "$(cat $V1/pids$c/pids.max)" = 25 ]
	[ "$(cat $V1/cpu$c/cpu.shares)" = 512 ]
	[ "$(cat $V1/cpu$c/cpu.cfs_quota_us)" = 25000 ]
	[ "$(cat $V1/cpuset$c/cpuset.cpus)" = 0 ]
	[ "$(cat $V2$c/hugetlb.$HP_SMALL.max)" = 4194304 ]
	# created (before any user code): already in every hierarchy
	run cat /proc/$pid/cgroup
	for l in "${lines[@]}"; do [[ "$l" == *":$c" ]] || fail "$l"; done
	# default device rules: deny all but the standard devices
	grep -qx "c 1:3 rwm" $V1/devices$c/devices.list
	ob start "$ID"
	jq -e --arg c "$c" '.ocibox_cgroup_path == $c' "$OB_ROOT/$ID/state.json"
	ob delete --force "$ID"
	cgroup_gone "$c"
}

@test "container: an OOM-killed init is reported stopped and its cgroup removed on delete" {
	requires root cgroup1
	ctr_setup
	# tail keeps the endless line of /dev/zero: only the 32M limit stops it, so check
	# the limit is in place before it starts
	update_config '.process.args = ["tail", "/dev/zero"] | .linux.resources.memory = {"limit": 33554432}'
	ob create --bundle "$BUNDLE" "$ID"
	[ "$(cat $V1/memory/ocibox/$ID/memory.limit_in_bytes)" = 33554432 ]
	ob start "$ID" >/dev/null
	wait_for_status "$ID" stopped
	[ "$(ob state "$ID" | jq -r .status)" = stopped ]
	grep -Eqx "oom_kill [1-9][0-9]*" $V1/memory/ocibox/$ID/memory.oom_control
	run ob delete "$ID"
	assert_success
	cgroup_gone /ocibox/$ID
	[ ! -d "$OB_ROOT/$ID" ]
}

@test "container: a cgroupsPath escaping with ../../ is refused, nothing left" {
	requires root cgroup1
	ctr_setup
	slp=$((5000 + RANDOM % 4000))
	update_config '.linux.cgroupsPath = "../../escape-'$ID'" | .process.args = ["sleep", "'$slp'"]'
	run ob create --bundle "$BUNDLE" "$ID"
	assert_failure
	assert_output "oci-create: linux.cgroupsPath: cgroup path \`../../escape-$ID\` escapes its parent cgroup /ocibox"
	[ ! -d "$OB_ROOT/$ID" ]
	cgroup_gone "/escape-$ID"
	cgroup_gone "/ocibox/$ID"
	run pgrep -f "^sleep $slp$"
	refute_output
}

@test "container: an absolute cgroupsPath is used and removed with its made parents" {
	requires root cgroup1
	ctr_setup
	p="/ocibox-$ID/sub"
	update_config ".linux.cgroupsPath = \"$p\""
	ob create --bundle "$BUNDLE" "$ID"
	pid=$(ob state "$ID" | jq -r .pid)
	grep -qx "4:memory:$p" /proc/$pid/cgroup
	ob delete --force "$ID"
	cgroup_gone "$p"
	cgroup_gone "/ocibox-$ID"
}

@test "container: a parent shared by two containers goes with the last one, whichever made it" {
	requires root cgroup1
	ctr_setup
	top="/ocibox-$ID"
	cleanup_cg "$top"
	update_config ".linux.cgroupsPath = \"$top/a/b1\""
	ob create --bundle "$BUNDLE" "$ID-1"
	update_config ".linux.cgroupsPath = \"$top/a/b2\""
	ob create --bundle "$BUNDLE" "$ID-2"
	# the one that made $top/a is deleted first: the shared parent stays in use
	ob delete --force "$ID-1"
	cgroup_gone "$top/a/b1"
	[ -d "$V1/pids$top/a/b2" ]
	ob delete --force "$ID-2"
	cgroup_gone "$top/a/b2"
	cgroup_gone "$top/a"
	cgroup_gone "$top"
}

@test "container: a cgroup holding another container's processes is refused, nothing left" {
	requires root cgroup1
	ctr_setup
	update_config '.linux.cgroupsPath = "/ocibox/shared-'$ID'"'
	ob create --bundle "$BUNDLE" "$ID"
	run ob create --bundle "$BUNDLE" "$ID-2"
	assert_failure
	assert_output --regexp "^oci-create: .*cgroup \`/ocibox/shared-$ID\` already holds processes \\(pid [0-9]+ in "
	[ ! -d "$OB_ROOT/$ID-2" ]
	[ "$(ob state "$ID" | jq -r .status)" = created ]
	[ -d "$V1/memory/ocibox/shared-$ID" ]
	ob delete --force "$ID"
	cgroup_gone "/ocibox/shared-$ID"
}

@test "container without a pid namespace: kill --all and delete --force reach every process of the cgroup" {
	requires root cgroup1
	ctr_setup
	slp=$((5000 + RANDOM % 4000))
	update_config '.linux.namespaces |= map(select(.type != "pid"))
		| .process.args = ["sh", "-c", "sleep '$slp' & sleep '$slp' & touch /tmp/ready; wait"]'
	ob create --bundle "$BUNDLE" "$ID"
	ob start "$ID"
	retry 100 0.1 test -e "$BUNDLE/rootfs/tmp/ready"
	pids=$(cat $V1/pids/ocibox/$ID/cgroup.procs)
	[ "$(echo "$pids" | wc -l)" -eq 3 ]
	run ob kill --all "$ID" KILL
	assert_success
	retry_until 50 0.1 '[ -z "$(cat $V1/pids/ocibox/$ID/cgroup.procs)" ]'
	ob delete "$ID"
	cgroup_gone /ocibox/$ID

	update_config '.process.args = ["sh", "-c", "sleep '$slp' & touch /tmp/ready2; wait"]'
	ob create --bundle "$BUNDLE" "$ID"
	ob start "$ID"
	retry 100 0.1 test -e "$BUNDLE/rootfs/tmp/ready2"
	run ob delete --force "$ID"
	assert_success
	run pgrep -f "^sleep $slp$"
	refute_output
	cgroup_gone /ocibox/$ID
}

@test "container on a fake v2 tree: config.json resources in v2 files, tree removed on delete" {
	requires root
	ctr_setup
	make_fake_v2
	cgroup_root "$FAKE"
	update_config '.linux.resources.memory = {"limit": 67108864, "swap": 100663296}
		| .linux.resources.cpu = {"shares": 2048, "quota": 50000, "period": 100000}
		| .linux.resources.pids = {"limit": 10}
		| .linux.resources.unified = {"memory.high": "50000000"}'
	ob create --bundle "$BUNDLE" "$ID"
	d=$FAKE/ocibox/$ID
	[ "$(cat $d/memory.max)" = 67108864 ]
	[ "$(cat $d/memory.swap.max)" = $((100663296 - 67108864)) ]
	[ "$(cat $d/cpu.weight)" = $((1 + (2048 - 2) * 9999 / 262142)) ]
	[ "$(cat $d/cpu.max)" = "50000 100000" ]
	[ "$(cat $d/pids.max)" = 10 ]
	[ "$(cat $d/memory.high)" = 50000000 ]
	pid=$(ob state "$ID" | jq -r .pid)
	grep -qx "$pid" $d/cgroup.procs
	ob delete --force "$ID"
	[ ! -e $FAKE/ocibox ]
}

@test "container: a limit the kernel rejects or the host lacks is one error, nothing left" {
	requires root cgroup1
	ctr_setup
	slp=$((5000 + RANDOM % 4000))
	update_config '.linux.resources.cpu = {"cpus": "9999"} | .process.args = ["sleep", "'$slp'"]'
	run ob create --bundle "$BUNDLE" "$ID"
	assert_failure
	assert_output "oci-create: set cpuset.cpus to \`9999\` in \`$V1/cpuset/ocibox/$ID\`: Numerical result out of range"
	[ ! -d "$OB_ROOT/$ID" ]
	cgroup_gone "/ocibox/$ID"
	update_config 'del(.linux.resources.cpu) | .linux.resources.network = {"classID": 1048577}'
	run ob create --bundle "$BUNDLE" "$ID"
	assert_failure
	assert_output "oci-create: linux.resources.network.classID: cgroup v1 controller net_cls is not mounted"
	[ ! -d "$OB_ROOT/$ID" ]
	cgroup_gone "/ocibox/$ID"
	run pgrep -f "^sleep $slp$"
	refute_output
}
