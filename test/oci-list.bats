#!/usr/bin/env bats
# oci-list: table, -q, --format json.

load helpers
load container-helpers

setup() { container_setup; }

@test "list: empty root, then two containers in every format" {
	run ob list -q
	assert_success
	assert_output ""
	set_cmd 'sleep 100'
	obq create -b "$BUNDLE" l2
	obq create -b "$BUNDLE" l1
	ob start l1
	run ob list -q
	assert_output "l1
l2"
	run ob list --format json
	assert_success
	[ "$(jq -r 'map(.id + "=" + .status) | join(" ")' <<<"$output")" = "l1=running l2=created" ]
	[ "$(jq -r '.[0].pid' <<<"$output")" = "$(ob state l1 | jq -r .pid)" ]
	run ob list
	assert_line --index 0 --regexp '^ID +PID +STATUS +BUNDLE +CREATED +OWNER$'
	assert_line --index 1 --regexp "^l1 +[0-9]+ +running +$BUNDLE .* $(id -un)$"
	assert_line --index 2 --regexp "^l2 +[0-9]+ +created +$BUNDLE "
	run ob list --format yaml
	assert_failure 2
}
