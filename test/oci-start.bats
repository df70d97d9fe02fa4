#!/usr/bin/env bats
# oci-start: the user process runs; start is refused on running, stopped, unknown containers.

load helpers
load container-helpers

setup() {
	common_setup
	requires root
	make_bundle
	update_config '.root.readonly = false'
}

@test "start: the process runs only after start" {
	set_cmd 'echo started > /started; sleep 100'
	obq create -b "$BUNDLE" s1
	# the init got as far as it goes before start: blocked on exec.fifo
	retry 50 0.1 waits_on_fifo s1
	[ ! -e "$BUNDLE/rootfs/started" ]
	run ob start s1
	assert_success
	assert_output ""
	# start returns once the process has been exec'd: status is running at once
	[ "$(ob state s1 | jq -r .status)" = running ]
	[ ! -e "$OB_ROOT/s1/exec.fifo" ]
	retry 50 0.1 test -e "$BUNDLE/rootfs/started"
}

@test "start: twice, on a stopped container, on an unknown one" {
	obq create -b "$BUNDLE" s2
	ob start s2
	wait_for_status s2 stopped
	run ob start s2
	assert_failure 1
	assert_output "oci-start: cannot start a container that has stopped"
	set_cmd 'sleep 100'
	obq create -b "$BUNDLE" s3
	ob start s3
	run ob start s3
	assert_failure 1
	assert_output "oci-start: cannot start an already running container"
	run ob start nosuch
	assert_failure 1
	assert_output "oci-start: container \`nosuch\` does not exist"
	run ob start
	assert_failure 2
}

@test "start: a created container whose init was killed reports stopped" {
	obq create -b "$BUNDLE" s4
	pid=$(ob state s4 | jq -r .pid)
	kill -9 "$pid"
	wait_for_status s4 stopped
	run ob start s4
	assert_failure 1
	assert_output "oci-start: cannot start a container that has stopped"
}

@test "start: a failing poststart hook fails start and stops the container" {
	set_cmd 'sleep 100'
	update_config '.hooks = {"poststart": [{"path": "/bin/sh", "args": ["sh", "-c", "exit 5"]}]}'
	obq create -b "$BUNDLE" s5
	run ob start s5
	assert_failure 1
	assert_output "oci-start: poststart hook \`/bin/sh\`: exited with status 5"
	wait_for_status s5 stopped
}

@test "start: a failing execve fails start with the exec error; a quick exit does not" {
	printf '\x7fELF\x02junk' >"$BUNDLE/rootfs/bin/bad"
	chmod 755 "$BUNDLE/rootfs/bin/bad"
	update_config '.process.args = ["/bin/bad"]'
	obq create -b "$BUNDLE" s6
	run obq start s6
	assert_failure 1
	assert_output "oci-start: exec \`/bin/bad\`: Exec format error"
	update_config '.process.args = ["/bin/true"]'
	for i in $(seq 10); do
		obq create -b "$BUNDLE" q$i
		run obq start q$i
		assert_success
		assert_output ""
	done
}
