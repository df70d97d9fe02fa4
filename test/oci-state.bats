#!/usr/bin/env bats
# oci-state: the OCI state JSON, with the status read from the live system.

load helpers
load container-helpers

setup() { container_setup; }

@test "state: the fields of runtime.md plus created and owner" {
	update_config '.annotations = {"org.example.key": "value"}'
	set_cmd 'sleep 100'
	obq create -b "$BUNDLE" --pid-file "$BATS_TEST_TMPDIR/pid" st1
	run ob state st1
	assert_success
	[ "$(jq -r .ociVersion <<<"$output")" = 1.3.0 ]
	[ "$(jq -r .id <<<"$output")" = st1 ]
	[ "$(jq -r .status <<<"$output")" = created ]
	[ "$(jq -r .pid <<<"$output")" = "$(cat "$BATS_TEST_TMPDIR/pid")" ]
	[ "$(jq -r .bundle <<<"$output")" = "$BUNDLE" ]
	[ "$(jq -r '.annotations["org.example.key"]' <<<"$output")" = value ]
	[ "$(jq -r .owner <<<"$output")" = "$(id -un)" ]
	created=$(jq -r .created <<<"$output")
	[[ "$created" =~ ^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]{8}\.[0-9]+Z$ ]]
	ob start st1
	[ "$(ob state st1 | jq -r .status)" = running ]
	ob kill st1 KILL
	wait_for_status st1 stopped
	[ "$(ob state st1 | jq -r .pid)" = 0 ]
}

@test "state: a reused pid is not mistaken for the container (start time differs)" {
	set_cmd 'sleep 100'
	obq create -b "$BUNDLE" st2
	ob start st2
	# /proc start times count clock ticks: a real reuse of the pid comes much later; the
	# other process starts in a later tick than the init
	local t0
	t0=$(awk '{print $22}' "/proc/$(ob state st2 | jq -r .pid)/stat")
	later_tick() { [ "$(awk -v hz="$(getconf CLK_TCK)" '{printf "%d", $1 * hz}' /proc/uptime)" -gt "$t0" ]; }
	retry 50 0.02 later_tick
	sleep 100 &
	other=$!
	defer "kill $other"
	# point the state at another live process: its start time is not the init's
	jq -c ".pid = $other" "$OB_ROOT/st2/state.json" >"$OB_ROOT/st2/s" && mv "$OB_ROOT/st2/s" "$OB_ROOT/st2/state.json"
	run ob state st2
	[ "$(jq -r .status <<<"$output")" = stopped ]
}

@test "state: an unknown container" {
	run ob state nosuch
	assert_failure 1
	assert_output "oci-state: container \`nosuch\` does not exist"
	run ob state 'bad/id'
	assert_failure 1
	assert_output "oci-state: invalid container id \`bad/id\`"
}
