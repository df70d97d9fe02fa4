#!/usr/bin/env bats
# oci-kill: signals by name or number, default TERM, --all.

load helpers
load container-helpers

setup() {
	common_setup
	requires root
	make_bundle
	update_config '.root.readonly = false'
}

# The shell is pid 1 of its namespace: it only dies of signals it handles.
trap_cmd='for s in TERM HUP USR1; do trap "echo $s > /sig; exit 0" $s; done; touch /ready; while :; do sleep 0.05; done'

start_trap() {
	set_cmd "$trap_cmd"
	rm -f "$BUNDLE/rootfs/sig" "$BUNDLE/rootfs/ready"
	obq create -b "$BUNDLE" "$1"
	ob start "$1"
	retry 50 0.1 test -e "$BUNDLE/rootfs/ready"
}

@test "kill: default TERM; names with and without SIG; numbers" {
	start_trap k1
	run ob kill k1
	assert_success
	wait_for_status k1 stopped
	[ "$(cat "$BUNDLE/rootfs/sig")" = TERM ]
	ob delete k1
	for spec in "HUP HUP" "SIGUSR1 USR1" "10 USR1" "sighup HUP"; do
		set -- $spec
		start_trap k2
		ob kill k2 "$1"
		wait_for_status k2 stopped
		[ "$(cat "$BUNDLE/rootfs/sig")" = "$2" ]
		ob delete k2
	done
}

@test "kill: KILL on a created container; unknown signals; stopped containers" {
	obq create -b "$BUNDLE" k3
	run ob kill k3 NOSUCH
	assert_failure 2
	assert_output --partial "unknown signal \`NOSUCH\`"
	run ob kill k3 KILL
	assert_success
	wait_for_status k3 stopped
	run ob kill k3 KILL
	assert_failure 1
	assert_output "oci-kill: container \`k3\` is not running"
	run ob kill nosuch
	assert_failure 1
	assert_output "oci-kill: container \`nosuch\` does not exist"
}

@test "kill --all: every process of the container's pid namespace" {
	set_cmd 'trap "echo got > /got" USR1; sleep 100 & sleep 100 & touch /ready; while :; do sleep 0.1; done'
	obq create -b "$BUNDLE" k4
	ob start k4
	retry 50 0.1 test -e "$BUNDLE/rootfs/ready"
	long() { for p in $(rootfs_pids); do tr '\0' ' ' </proc/$p/cmdline 2>/dev/null; echo; done | grep -c '^sleep 100 $'; }
	[ "$(long)" = 2 ]
	ob kill --all k4 USR1
	retry_until 50 0.1 '[ "$(long)" = 0 ]'
	# the init handled it and lives on
	[ "$(cat "$BUNDLE/rootfs/got")" = got ]
	[ "$(ob state k4 | jq -r .status)" = running ]
}

@test "kill --all on a stopped container: what its cgroup still holds; none is no error (runc)" {
	# no pid namespace: the init's child outlives it, in the container's cgroup
	update_config '.linux.namespaces |= map(select(.type != "pid"))'
	set_cmd 'sleep 100 >/dev/null 2>&1 </dev/null & echo $! > /child; exit 0'
	obq create -b "$BUNDLE" k5
	ob start k5
	wait_for_status k5 stopped
	child=$(cat "$BUNDLE/rootfs/child")
	# in the container's pid namespace = the host's: the same pid
	grep -qx "$child" /sys/fs/cgroup/pids/ocibox/k5/cgroup.procs
	run ob kill --all k5 KILL
	assert_success
	assert_output ""
	retry 50 0.1 test ! -e /proc/$child
	# an empty cgroup: nothing to signal, still no error
	run ob kill --all k5 KILL
	assert_success
	# without --all a stopped container is refused, as runc does
	run ob kill k5 KILL
	assert_failure 1
	assert_output "oci-kill: container \`k5\` is not running"
	ob delete k5
	assert_nothing_left k5
}
