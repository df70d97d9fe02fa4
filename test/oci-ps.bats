#!/usr/bin/env bats
# oci-ps: the container's processes (its cgroup), as a ps table or a JSON list of pids.

load helpers

V1=$(cgroup_v1_root)

setup() {
	common_setup
	ID=$(uniq_name ps)
	make_bundle
	update_config '.root.readonly = false'
	update_config '.process.args = ["sh", "-c", "sleep 301 & sleep 302 & touch /tmp/ready; wait"]'
}

start_ready() {
	ob create --bundle "$BUNDLE" "$ID"
	ob start "$ID"
	retry 100 0.1 test -e "$BUNDLE/rootfs/tmp/ready"
	[ -e "$BUNDLE/rootfs/tmp/ready" ]
}

@test "oci-ps --format json lists every pid of the container's cgroup" {
	requires root cgroup1
	start_ready
	run ob ps --format json "$ID"
	assert_success
	[ "$(echo "$output" | jq length)" = 3 ]
	[ "$(echo "$output" | jq -r '.[]' | sort -n)" = "$(sort -n $V1/pids/ocibox/$ID/cgroup.procs)" ]
	init=$(ob state "$ID" | jq -r .pid)
	echo "$output" | jq -e --argjson p "$init" 'index($p) != null'
}

@test "oci-ps table: ps -ef lines of the container only; PS_ARGS after --" {
	requires root cgroup1
	start_ready
	run ob ps "$ID"
	assert_success
	assert_line --index 0 --regexp '^UID +PID +PPID'
	[ "${#lines[@]}" -eq 4 ]
	assert_line --regexp ' sleep 301$'
	assert_line --regexp ' sleep 302$'
	run ob ps "$ID" -- -o pid,args
	assert_success
	assert_line --index 0 --regexp '^ *PID +(COMMAND|ARGS)'
	[ "${#lines[@]}" -eq 4 ]
	for p in $(cat $V1/pids/ocibox/$ID/cgroup.procs); do
		assert_line --regexp "^ *$p "
	done
	run ob ps "$ID" -- -o comm
	assert_failure
	assert_output "oci-ps: couldn't find PID field in ps output"
}

@test "oci-ps: bad format, unknown container, a stopped one lists nothing" {
	requires root cgroup1
	run ob ps --format yaml "$ID"
	assert_failure 2
	run ob ps --format json "nosuch-$ID"
	assert_failure 1
	assert_output "oci-ps: container \`nosuch-$ID\` does not exist"
	update_config '.process.args = ["sleep", "300"]'
	ob create --bundle "$BUNDLE" "$ID"
	ob start "$ID"
	ob kill "$ID" KILL
	wait_for_status "$ID" stopped
	run ob ps --format json "$ID"
	assert_success
	assert_output "[]"
}
