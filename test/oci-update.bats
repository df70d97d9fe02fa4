#!/usr/bin/env bats
# oci-update: live limits of a running container, by options and by a linux.resources
# file (what podman sends), read back from the cgroup files and felt inside.

load helpers

V1=$(cgroup_v1_root)

setup() {
	common_setup
	ID=$(uniq_name upd)
	make_bundle
	update_config '.root.readonly = false'
	update_config '.process.args = ["sleep", "300"]'
}

start() {
	ob create --bundle "$BUNDLE" "$ID"
	ob start "$ID"
}

@test "oci-update options change the live v1 files" {
	requires root cgroup1
	start
	run ob update --memory 64M --memory-swap 128M --memory-reservation 32M --pids-limit 30 \
		--cpu-quota 20000 --cpu-period 100000 --cpu-shares 512 --cpuset-cpus 0 --cpuset-mems 0 \
		--blkio-weight 300 "$ID"
	assert_success
	assert_output ""
	c=ocibox/$ID
	[ "$(cat $V1/memory/$c/memory.limit_in_bytes)" = $((64 << 20)) ]
	[ "$(cat $V1/memory/$c/memory.memsw.limit_in_bytes)" = $((128 << 20)) ]
	[ "$(cat $V1/memory/$c/memory.soft_limit_in_bytes)" = $((32 << 20)) ]
	[ "$(cat $V1/pids/$c/pids.max)" = 30 ]
	[ "$(cat $V1/cpu/$c/cpu.cfs_quota_us)" = 20000 ]
	[ "$(cat $V1/cpu/$c/cpu.cfs_period_us)" = 100000 ]
	[ "$(cat $V1/cpu/$c/cpu.shares)" = 512 ]
	[ "$(cat $V1/cpuset/$c/cpuset.cpus)" = 0 ]
	w=$V1/blkio/$c/blkio.weight
	[ -e $w ] || w=$V1/blkio/$c/blkio.bfq.weight
	grep -Eqx "(default )?300" $w
	# raise memory above the current memory+swap: the writes are ordered
	run ob update --memory 512M --memory-swap 1G "$ID"
	assert_success
	[ "$(cat $V1/memory/$c/memory.limit_in_bytes)" = $((512 << 20)) ]
	[ "$(cat $V1/memory/$c/memory.memsw.limit_in_bytes)" = $((1024 << 20)) ]
	[ "$(ob state "$ID" | jq -r .status)" = running ]
}

@test "oci-update --resources FILE and - (linux.resources JSON, as podman sends)" {
	requires root cgroup1
	start
	cat >"$BATS_TEST_TMPDIR/res.json" <<-JSON
	{"memory": {"limit": 100000000, "swap": 200000000}, "pids": {"limit": 12},
	 "cpu": {"shares": 256, "quota": 30000, "period": 60000}}
	JSON
	run ob update --resources "$BATS_TEST_TMPDIR/res.json" "$ID"
	assert_success
	c=ocibox/$ID
	# the kernel keeps whole pages
	[ "$(cat $V1/memory/$c/memory.limit_in_bytes)" = $((100000000 / 4096 * 4096)) ]
	[ "$(cat $V1/pids/$c/pids.max)" = 12 ]
	[ "$(cat $V1/cpu/$c/cpu.shares)" = 256 ]
	[ "$(cat $V1/cpu/$c/cpu.cfs_period_us)" = 60000 ]
	# devices in the object are left alone (a deny-all would cut /dev/null off)
	echo '{"pids": {"limit": 7}, "devices": [{"allow": false, "access": "rwm"}]}' | ob update -r - --cpu-shares 128 "$ID"
	grep -qx "c 1:3 rwm" $V1/devices/$c/devices.list
	[ "$(cat $V1/pids/$c/pids.max)" = 7 ]
	[ "$(cat $V1/cpu/$c/cpu.shares)" = 128 ]
	echo '{"pids": {"limit": "x"}}' >"$BATS_TEST_TMPDIR/bad.json"
	run ob update --resources "$BATS_TEST_TMPDIR/bad.json" "$ID"
	assert_failure
	assert_output --partial "bad.json"
	assert_output --partial "pids.limit"
	[ "$(cat $V1/pids/$c/pids.max)" = 7 ]
}

@test "oci-update pids limit is felt inside: forks beyond it fail" {
	requires root cgroup1
	update_config '.process.args = ["sh", "-c", "while [ ! -e /tmp/go ]; do sleep 0.1; done; i=0; while [ $i -lt 20 ]; do sleep 30 & i=$((i+1)); echo $i >/tmp/count; done"]'
	start
	ob update --pids-limit 5 "$ID"
	touch "$BUNDLE/rootfs/tmp/go"
	wait_for_status "$ID" stopped
	[ "$(ob state "$ID" | jq -r .status)" = stopped ]
	# sh and its sleeps fit in 5: the 5th fork failed and ended the shell
	[ "$(cat "$BUNDLE/rootfs/tmp/count")" -lt 5 ]
	grep -qx "max [1-9][0-9]*" $V1/pids/ocibox/$ID/pids.events
}

@test "oci-update: bad values, kernel refusals, stopped and unknown containers" {
	requires root cgroup1
	start
	run ob update --memory lots "$ID"
	assert_failure 2
	assert_output "oci-update: --memory: invalid value \`lots\` (see 'oci-update --help')"
	run ob update --blkio-weight 5 "$ID"
	assert_failure 2
	run ob update --cpuset-cpus 9999 "$ID"
	assert_failure 1
	assert_output "oci-update: set cpuset.cpus to \`9999\` in \`$V1/cpuset/ocibox/$ID\`: Numerical result out of range"
	run ob update --pids-limit 3 nosuch-$ID
	assert_failure 1
	assert_output "oci-update: container \`nosuch-$ID\` does not exist"
	ob kill "$ID" KILL
	wait_for_status "$ID" stopped
	run ob update --pids-limit 3 "$ID"
	assert_failure 1
	assert_output "oci-update: container \`$ID\` is stopped"
}

@test "oci-update on a v2 tree: v1 values converted (shares -> cpu.weight, swap)" {
	requires root
	make_fake_v2 "cpuset cpu io memory hugetlb pids"
	cgroup_root "$FAKE"
	start
	ob update --cpu-shares 1024 --memory 64M --memory-swap 96M --cpu-quota 50000 --blkio-weight 500 "$ID"
	d=$FAKE/ocibox/$ID
	[ "$(cat $d/cpu.weight)" = $((1 + (1024 - 2) * 9999 / 262142)) ]
	[ "$(cat $d/memory.max)" = $((64 << 20)) ]
	[ "$(cat $d/memory.swap.max)" = $((32 << 20)) ]
	[ "$(cat $d/cpu.max)" = "50000" ]
	[ "$(cat $d/io.weight)" = "default $((1 + (500 - 10) * 9999 / 990))" ]
	ob delete --force "$ID"
	[ ! -e $FAKE/ocibox ]
}
