#!/usr/bin/env bats
# oci-pause / oci-resume: the cgroup freezer seen in oci-state, in the cgroup files and in
# the state of the container's processes.

load helpers

V1=$(cgroup_v1_root)

setup() {
	common_setup
	ID=$(uniq_name pause)
	make_bundle
	update_config '.root.readonly = false'
	update_config '.process.args = ["sleep", "300"]'
}

proc_state() {
	awk '{print $3}' "/proc/$1/stat"
}

@test "oci-pause freezes a running container, oci-resume thaws it" {
	requires root cgroup1
	ob create --bundle "$BUNDLE" "$ID"
	ob start "$ID"
	pid=$(ob state "$ID" | jq -r .pid)
	run ob pause "$ID"
	assert_success
	assert_output ""
	[ "$(ob state "$ID" | jq -r .status)" = paused ]
	[ "$(cat $V1/freezer/ocibox/$ID/freezer.state)" = FROZEN ]
	# a frozen task sleeps uninterruptibly in the freezer
	[ "$(proc_state $pid)" = D ]
	run ob pause "$ID"
	assert_failure
	assert_output "oci-pause: container \`$ID\` is already paused"
	run ob resume "$ID"
	assert_success
	[ "$(ob state "$ID" | jq -r .status)" = running ]
	[ "$(cat $V1/freezer/ocibox/$ID/freezer.state)" = THAWED ]
	[ "$(proc_state $pid)" = S ]
	run ob resume "$ID"
	assert_failure
	assert_output "oci-resume: container \`$ID\` is not paused (running)"
}

@test "a paused container's pending signal acts once resumed" {
	requires root cgroup1
	update_config '.process.args = ["sh", "-c", "trap \"exit 3\" TERM; while :; do sleep 0.1; done"]'
	ob create --bundle "$BUNDLE" "$ID"
	ob start "$ID"
	pid=$(ob state "$ID" | jq -r .pid)
	ob pause "$ID"
	ob kill "$ID" TERM
	# still there, frozen, the signal pending
	[ "$(proc_state $pid)" = D ]
	grep -q "^ShdPnd:.*[1-9a-f]" /proc/$pid/status || grep -q "^SigPnd:.*[1-9a-f]" /proc/$pid/status
	ob resume "$ID"
	wait_for_status "$ID" stopped
	[ "$(ob state "$ID" | jq -r .status)" = stopped ]
}

@test "oci-pause refuses a stopped or unknown container; delete --force removes a paused one" {
	requires root cgroup1
	ob create --bundle "$BUNDLE" "$ID"
	ob start "$ID"
	ob kill "$ID" KILL
	wait_for_status "$ID" stopped
	run ob pause "$ID"
	assert_failure
	assert_output "oci-pause: container \`$ID\` is not running (stopped)"
	ob delete "$ID"
	run ob pause nosuch-$ID
	assert_failure
	assert_output "oci-pause: container \`nosuch-$ID\` does not exist"
	run ob pause
	assert_failure 2

	ob create --bundle "$BUNDLE" "$ID"
	ob start "$ID"
	ob pause "$ID"
	run ob delete "$ID"
	assert_failure
	assert_output "oci-delete: cannot delete container \`$ID\` that is not stopped: paused"
	run ob delete --force "$ID"
	assert_success
	for d in $V1/*/ocibox/$ID; do [ ! -d "$d" ] || fail "$d left"; done
}

@test "oci-pause on the cgroup2 mount alone (v2 cgroup.freeze)" {
	requires root cgroup2
	cgroup_root "$V1/unified"
	ob create --bundle "$BUNDLE" "$ID"
	ob start "$ID"
	pid=$(ob state "$ID" | jq -r .pid)
	grep -qx "0::/ocibox/$ID" /proc/$pid/cgroup
	ob pause "$ID"
	[ "$(ob state "$ID" | jq -r .status)" = paused ]
	grep -qx "frozen 1" $V1/unified/ocibox/$ID/cgroup.events
	ob resume "$ID"
	grep -qx "frozen 0" $V1/unified/ocibox/$ID/cgroup.events
	[ "$(ob state "$ID" | jq -r .status)" = running ]
	ob delete --force "$ID"
	[ ! -d $V1/unified/ocibox/$ID ]
}
