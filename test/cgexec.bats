#!/usr/bin/env bats
# cgexec: libcgroup-compatible -g CONTROLLERS:PATH, plus --create and --limit, on this
# machine's v1 hierarchies, on the real cgroup2 mount (/sys/fs/cgroup/unified, hugetlb
# only) and on a prepared fake v2 tree for what that mount does not hold.

load helpers
bats_require_minimum_version 1.5.0

V1=$(cgroup_v1_root)
V2=$(cgroup_mount 2)

setup() {
	common_setup
	CG="ocibox-$(uniq_name cgx)"
}

# Every cgroup directory named $1 in every hierarchy (v1 ones and the unified one).
cg_dirs() {
	local d
	for d in "$V1"/*/"$1" "$V1"/*/ocibox/"$1"; do
		[ -d "$d" ] && echo "$d"
	done
	return 0
}

# Remove a cgroup in every hierarchy at teardown (a failed test may leave one).
cleanup_cg() {
	defer "find $V1/*/$1 -depth -type d -exec rmdir {} +"
}

# A process gone or a zombie (killed; its reaper has not collected it yet).
assert_dead() {
	local st
	st=$(awk '{print $3}' "/proc/$1/stat" 2>/dev/null || true)
	[ -z "$st" ] || [ "$st" = Z ]
}

assert_no_cgroup() {
	run cg_dirs "$1"
	assert_output ""
}

@test "cgexec --create on v1: --limit values read back in the v1 files, v2 names mapped" {
	requires root cgroup1
	cleanup_cg "$CG"
	run cgexec -g "*:/$CG" --create --limit memory.max=64M --limit pids.max=20 \
		--limit cpu.max="50000 100000" --limit cpu.weight=100 \
		sh -c "cat /proc/self/cgroup; cd $V1; cat memory/$CG/memory.limit_in_bytes pids/$CG/pids.max cpu/$CG/cpu.cfs_quota_us cpu/$CG/cpu.cfs_period_us cpu/$CG/cpu.shares"
	assert_success
	assert_line "4:memory:/$CG"
	assert_line "8:pids:/$CG"
	assert_line "0::/$CG"
	assert_line --index 10 "$((64 * 1024 * 1024))"
	assert_line --index 11 "20"
	assert_line --index 12 "50000"
	assert_line --index 13 "100000"
	# runc's shares<->weight conversion, inverted: 2 + (weight-1)*262142/9999
	assert_line --index 14 "$((2 + 99 * 262142 / 9999))"
	assert_no_cgroup "$CG"
}

@test "cgexec: exit status is the command's; 126 cannot run, 127 not found, 128+N signal" {
	requires root cgroup1
	cleanup_cg "$CG"
	run cgexec -g "memory:/$CG" --create sh -c 'exit 3'
	assert_failure 3
	run cgexec -g "memory:/$CG" --create sh -c 'kill -USR1 $$'
	assert_failure $((128 + 10))
	run -127 cgexec -g "memory:/$CG" --create /nonexistent/prog
	assert_failure 127
	assert_output "cgexec: failed to execute /nonexistent/prog: No such file or directory"
	run cgexec -g "memory:/$CG" --create /etc/passwd
	assert_failure 126
	assert_output "cgexec: failed to execute /etc/passwd: Permission denied"
	assert_no_cgroup "$CG"
}

@test "cgexec: an allocation beyond memory.max is OOM-killed inside the cgroup" {
	requires root cgroup1
	cleanup_cg "$CG"
	# tail holds the whole 200M line it reads: the 32M limit must kill it.
	run cgexec -g "memory:/$CG" --create --limit memory.max=32M \
		sh -c "head -c 200M /dev/zero | tail >/dev/null; echo tail=\$?; grep oom_kill $V1/memory/$CG/memory.oom_control"
	assert_success
	assert_line "tail=137"
	assert_line --regexp '^oom_kill [1-9][0-9]*$'
	assert_no_cgroup "$CG"
}

@test "cgexec: a fork bomb is stopped by pids.max (bounded at 50 forks)" {
	requires root cgroup1
	cleanup_cg "$CG"
	count="$BATS_TEST_TMPDIR/count"
	slp=$((5000 + RANDOM % 4000))
	run cgexec -g "pids:/$CG" --create --limit pids.max=10 \
		"$BUSYBOX" sh -c "i=0; while [ \$i -lt 50 ]; do sleep $slp & i=\$((i+1)); echo \$i >$count; done"
	assert_failure
	assert_output --partial "can't fork: Resource temporarily unavailable"
	# the shell itself is one of the 10: at most 9 sleeps started
	[ "$(cat "$count")" -lt 10 ]
	# the sleeps left behind were killed with the cgroup
	run pgrep -f "^sleep $slp$"
	refute_output
	assert_no_cgroup "$CG"
}

@test "cgexec joins an existing cgroup and leaves it; --sticky accepted; several -g" {
	requires root cgroup1
	cleanup_cg "$CG"
	cleanup_cg "$CG-b"
	mkdir "$V1/memory/$CG"
	run cgexec --sticky -g "memory:/$CG" -g "cpu,cpuacct:/$CG-b" --create cat /proc/self/cgroup
	assert_success
	assert_line "4:memory:/$CG"
	assert_line "1:cpu:/$CG-b"
	assert_line "2:cpuacct:/$CG-b"
	assert_line "8:pids:/"
	# not made by cgexec: still there (and empty); the one it made is gone
	[ -d "$V1/memory/$CG" ]
	[ "$(cat "$V1/memory/$CG/cgroup.procs")" = "" ]
	assert_no_cgroup "$CG-b"
	# without --create (exec in place)
	run cgexec -g "memory:$CG" sh -c 'grep memory /proc/self/cgroup'
	assert_success
	assert_output "4:memory:/$CG"
	rmdir "$V1/memory/$CG"
}

@test "cgexec: missing cgroup without --create, unknown controller, usage errors" {
	requires root cgroup1
	cleanup_cg "$CG"
	run cgexec -g "memory:/$CG" true
	assert_failure 1
	assert_output "cgexec: cgroup \`/$CG\` does not exist for controllers memory (use --create)"
	run cgexec -g "nosuch:/$CG" --create true
	assert_failure 1
	assert_output "cgexec: cgroup controller \`nosuch\` is not available (hybrid host)"
	run cgexec -g "memory:/$CG" --limit pids.max=3 true
	assert_failure 2
	assert_output "cgexec: --limit needs --create (see 'cgexec --help')"
	run cgexec -g "memory" true
	assert_failure 2
	assert_output "cgexec: -g \`memory\`: expected CONTROLLERS:PATH (see 'cgexec --help')"
	run cgexec true
	assert_failure 2
	assert_no_cgroup "$CG"
}

@test "cgexec --create: a rejected or unknown limit is one error and leaves no cgroup" {
	requires root cgroup1
	cleanup_cg "$CG"
	run cgexec -g "*:/$CG" --create --limit memory.max=lots true
	assert_failure 1
	assert_output "cgexec: --limit memory.max=lots: memory.max: invalid size \`lots\`"
	assert_no_cgroup "$CG"
	run cgexec -g "*:/$CG" --create --limit memory.high=10M true
	assert_failure 1
	assert_output "cgexec: --limit memory.high=10M: memory.high has no cgroup v1 equivalent"
	assert_no_cgroup "$CG"
	run cgexec -g "*:/$CG" --create --limit cpu.nosuch=1 true
	assert_failure 1
	assert_output "cgexec: --limit cpu.nosuch=1: unknown limit \`cpu.nosuch\` (no such file in $V1/cpu/$CG)"
	assert_no_cgroup "$CG"
	run cgexec -g "memory:/$CG" --create --limit pids.max=5 true
	assert_failure 1
	assert_output "cgexec: --limit pids.max: no -g group holds the pids controller"
	assert_no_cgroup "$CG"
	# the kernel refuses: the error names file, value and cgroup
	run cgexec -g "cpuset:/$CG" --create --limit cpuset.cpus=4096 true
	assert_failure 1
	assert_output "cgexec: --limit cpuset.cpus=4096: set cpuset.cpus to \`4096\` in \`$V1/cpuset/$CG\`: Numerical result out of range"
	assert_no_cgroup "$CG"
}

@test "cgexec: a path escaping the hierarchy with .. is refused, nothing created" {
	requires root cgroup1
	run cgexec -g "memory:/$CG/../../x" --create true
	assert_failure 1
	assert_output "cgexec: cgroup path \`/$CG/../../x\` escapes the cgroup hierarchy"
	assert_no_cgroup "$CG"
	[ ! -d "$V1/memory/x" ] || [ -n "$(ls -A $V1/memory/x 2>/dev/null)" ]
}

@test "cgexec --create: processes left behind are killed and the cgroup removed (v1)" {
	requires root cgroup1
	cleanup_cg "$CG"
	pidf="$BATS_TEST_TMPDIR/pid"
	run cgexec -g "*:/$CG" --create sh -c "sleep 300 </dev/null >/dev/null 2>&1 & echo \$! >$pidf"
	assert_success
	assert_dead "$(cat "$pidf")"
	assert_no_cgroup "$CG"
}

@test "cgexec --create forwards SIGTERM to the command and still removes the cgroup" {
	requires root cgroup1
	cleanup_cg "$CG"
	ready="$BATS_TEST_TMPDIR/ready"
	cgexec -g "memory:/$CG" --create sh -c "trap 'exit 7' TERM; touch $ready; while :; do sleep 0.1; done" &
	pid=$!
	retry 100 0.1 test -e "$ready"
	[ -e "$ready" ]
	kill -TERM "$pid"
	status=0
	wait "$pid" || status=$?
	[ "$status" -eq 7 ]
	assert_no_cgroup "$CG"
}

@test "cgexec on the real cgroup2 mount: hybrid '*' joins v1 and unified; v2 mode hugetlb and kill" {
	requires root cgroup2
	requires_hugepages
	cleanup_cg "$CG"
	run cgexec -g "*:/$CG" --create sh -c "grep -E '^(0|4):' /proc/self/cgroup"
	assert_success
	assert_output "4:memory:/$CG
0::/$CG"
	assert_no_cgroup "$CG"

	# The unified mount alone as the cgroup root: pure v2 logic on a real cgroup2.
	pidf="$BATS_TEST_TMPDIR/pid"
	OCIBOX_CGROUP_ROOT=$V2 run "$TOOLS/ocibox-cgroot" cgexec -g "memory,pids:/$CG" --create --limit hugetlb.$HP_SMALL.max=4M \
		sh -c "grep '^0::' /proc/self/cgroup; cat $V2/$CG/hugetlb.$HP_SMALL.max; sleep 300 </dev/null >/dev/null 2>&1 & echo \$! >$pidf"
	assert_success
	assert_line --index 0 "0::/$CG"
	assert_line --index 1 "$((4 * 1024 * 1024))"
	# the leftover sleep went with cgroup.kill
	assert_dead "$(cat "$pidf")"
	[ ! -d "$V2/$CG" ]

	# a v2 name for a controller the unified mount does not hold
	OCIBOX_CGROUP_ROOT=$V2 run "$TOOLS/ocibox-cgroot" cgexec -g "*:/$CG" --create --limit memory.max=4M true
	assert_failure 1
	assert_output "cgexec: --limit memory.max: no -g group holds the memory controller"
	[ ! -d "$V2/$CG" ]
}

@test "cgexec on a fake v2 tree: v2 file names and values, controllers enabled, tree removed" {
	requires root
	make_fake_v2
	out="$BATS_TEST_TMPDIR/out"
	OCIBOX_CGROUP_ROOT=$FAKE run "$TOOLS/ocibox-cgroot" cgexec -g "cpu,memory:/a/$CG" --create \
		--limit memory.max=64M --limit memory.high=48M --limit memory.swap.max=0 \
		--limit pids.max=20 --limit cpu.max="50000 100000" --limit cpu.weight=100 \
		--limit io.weight=300 --limit io.max="8:0 rbps=1048576" --limit hugetlb.2MB.max=2M \
		--limit cpu.max.burst=1000 \
		sh -c "cd $FAKE/a/$CG && grep -r . --include='*.*' . | sort >$out; cat $FAKE/cgroup.subtree_control $FAKE/a/cgroup.subtree_control"
	assert_success
	assert_line --index 0 "cpuset cpu io memory hugetlb pids rdma misc"
	assert_line --index 1 "cpuset cpu io memory hugetlb pids rdma misc"
	run cat "$out"
	assert_line "./memory.max:$((64 << 20))"
	assert_line "./memory.high:$((48 << 20))"
	assert_line "./memory.swap.max:0"
	assert_line "./pids.max:20"
	assert_line "./cpu.max:50000 100000"
	assert_line "./cpu.weight:100"
	assert_line "./cpu.max.burst:1000"
	assert_line "./io.weight:default 300"
	assert_line "./io.max:8:0 rbps=1048576"
	assert_line "./hugetlb.2MB.max:$((2 << 20))"
	assert_line --regexp '^\./cgroup\.procs:[0-9]+$'
	# the fake tree is back to what it was
	[ ! -e "$FAKE/a" ]
	run ls "$FAKE"
	assert_output "cgroup.controllers
cgroup.procs
cgroup.subtree_control"
}

@test "cgexec --resources: a linux.resources object applied (v1 files, devices felt), bad JSON leaves nothing" {
	requires root cgroup1
	cleanup_cg "$CG"
	res='{"memory": {"limit": 67108864, "swap": 134217728}, "pids": {"limit": 9},
	      "devices": [{"allow": false, "access": "rwm"}, {"allow": true, "type": "c", "major": 1, "minor": 3, "access": "rwm"}]}'
	echo "$res" >"$BATS_TEST_TMPDIR/res.json"
	run cgexec -g "*:/$CG" --create --resources "$BATS_TEST_TMPDIR/res.json" \
		sh -c "cd $V1; cat memory/$CG/memory.memsw.limit_in_bytes pids/$CG/pids.max devices/$CG/devices.list; echo >/dev/null && echo null-ok; head -c 1 /dev/zero || echo zero-denied"
	assert_success
	assert_line --index 0 $((128 << 20))
	assert_line --index 1 9
	assert_line --index 2 "c 1:3 rwm"
	assert_line null-ok
	assert_line "head: cannot open '/dev/zero' for reading: Operation not permitted"
	assert_line zero-denied
	assert_no_cgroup "$CG"
	run cgexec -g "*:/$CG" --create --resources - true <<<'{"pids": {"limit": "x"}}'
	assert_failure 1
	assert_output "cgexec: <stdin>: pids.limit: expected integer, got string"
	assert_no_cgroup "$CG"
	run cgexec -g "*:/$CG" --resources - true <<<'{}'
	assert_failure 2
}

@test "cgexec --resources on the cgroup2 mount alone: the v2 device program is felt inside" {
	requires root cgroup2
	cleanup_cg "$CG"
	OCIBOX_CGROUP_ROOT=$V2 run "$TOOLS/ocibox-cgroot" cgexec -g "*:/$CG" --create --resources - \
		sh -c "echo >/dev/null && echo null-ok; head -c 1 /dev/zero || echo zero-denied" \
		<<<'{"devices": [{"allow": false, "access": "rwm"}, {"allow": true, "type": "c", "major": 1, "minor": 3, "access": "rw"}]}'
	assert_success
	assert_line null-ok
	assert_line zero-denied
	[ ! -d "$V2/$CG" ]
}
