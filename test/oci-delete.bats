#!/usr/bin/env bats
# oci-delete: stopped or created containers; --force; poststop; nothing left.

load helpers
load container-helpers

setup() { container_setup; }

@test "delete: a stopped container leaves nothing" {
	obq create -b "$BUNDLE" d1
	ob start d1
	wait_for_status d1 stopped
	run ob delete d1
	assert_success
	assert_output ""
	assert_nothing_left d1
	run ob delete d1
	assert_failure 1
	assert_output "oci-delete: container \`d1\` does not exist"
}

# runtime.md: "Attempting to delete a container that is not stopped MUST generate an
# error" and it "MUST have no effect on the container"; runc and crun destroy a created one.
@test "delete: a created container needs --force (runtime.md), which kills its init" {
	obq create -b "$BUNDLE" d2
	pid=$(ob state d2 | jq -r .pid)
	run ob delete d2
	assert_failure 1
	assert_output "oci-delete: cannot delete container \`d2\` that is not stopped: created"
	[ "$(ob state d2 | jq -r .status)" = created ]
	[ "$(cut -d' ' -f3 /proc/$pid/stat)" != Z ]
	run ob delete --force d2
	assert_success
	# gone, or a zombie not reaped yet (it is not our child)
	st=$(cut -d' ' -f3 /proc/$pid/stat 2>/dev/null || echo gone)
	[ "$st" = gone ] || [ "$st" = Z ]
	assert_nothing_left d2
}

@test "delete: a running container needs --force" {
	set_cmd 'sleep 100'
	obq create -b "$BUNDLE" d3
	ob start d3
	run ob delete d3
	assert_failure 1
	assert_output "oci-delete: cannot delete container \`d3\` that is not stopped: running"
	[ "$(ob state d3 | jq -r .status)" = running ]
	run ob delete -f d3
	assert_success
	assert_nothing_left d3
	run ob delete --force d3
	assert_success
}

@test "delete: poststop hooks run with the state on stdin; a failing one is a warning" {
	log="$BATS_TEST_TMPDIR/poststop.log"
	update_config ".hooks = {\"poststop\": [{\"path\": \"/bin/sh\", \"args\": [\"sh\", \"-c\", \"exit 7\"]}, {\"path\": \"/bin/sh\", \"args\": [\"sh\", \"-c\", \"cat > $log\"]}]}"
	obq create -b "$BUNDLE" d4
	ob start d4
	wait_for_status d4 stopped
	run ob delete d4
	assert_success
	assert_output --partial "poststop hook \`/bin/sh\`: exited with status 7"
	[ "$(jq -r .id "$log")" = d4 ]
	[ "$(jq -r .status "$log")" = stopped ]
	assert_nothing_left d4
}

@test "delete: the cgroup of the container goes (assert_nothing_left checks it)" {
	set_cmd 'sleep 100'
	obq create -b "$BUNDLE" d5
	# while it exists, its cgroup directories do: the check in assert_nothing_left can fail
	run assert_nothing_left d5
	assert_failure
	n=0
	for d in $(cgroup_dirs_of d5); do [ -d "$d" ] && n=$((n + 1)); done
	[ "$n" -gt 0 ]
	ob delete -f d5
	assert_nothing_left d5
}
