#!/usr/bin/env bats
# The whole lifecycle (runtime.md "Lifecycle"): states, transitions, hooks in order.

load helpers
load container-helpers

setup() { container_setup; }

@test "lifecycle: create -> start -> kill -> delete, each state seen, each wrong step refused" {
	set_cmd 'sleep 100'
	obq create -b "$BUNDLE" life
	[ "$(ob state life | jq -r .status)" = created ]
	[ "$(ob list -q)" = life ]
	ob start life
	[ "$(ob state life | jq -r .status)" = running ]
	run ob start life
	assert_failure 1
	run ob delete life
	assert_failure 1
	ob kill life KILL
	wait_for_status life stopped
	run ob start life
	assert_failure 1
	run ob kill life
	assert_failure 1
	ob delete life
	run ob state life
	assert_failure 1
	[ -z "$(ob list -q)" ]
	assert_nothing_left life
	# the id is free again
	obq create -b "$BUNDLE" life
	run ob delete life
	assert_failure 1
	ob delete --force life
	assert_nothing_left life
}

@test "lifecycle: hooks run in order, in their namespaces, with the state on stdin, args and env" {
	update_config '.root.readonly = false'
	dir="$BATS_TEST_TMPDIR/hooks"
	mkdir -p "$dir"
	set_cmd 'echo process > /hooks/process'
	hook() { # NAME LOGPATH: append "NAME HOOKVAR=... <state json>" to LOGPATH
		jq -cn --arg n "$1" --arg l "$2" '{path: "/bin/sh", args: ["sh", "-c", "printf \"%s %s \" \"$0\" \"$HOOKVAR\" >> \($l); cat >> \($l); echo >> \($l)", $n], env: ["HOOKVAR=v-\($n)"]}'
	}
	update_config ".mounts += [{\"destination\": \"/hooks\", \"type\": \"bind\", \"source\": \"$dir\", \"options\": [\"bind\"]}]
		| .hooks = {
			\"prestart\": [$(hook prestart "$dir/log")],
			\"createRuntime\": [$(hook createRuntime "$dir/log")],
			\"createContainer\": [$(hook createContainer "$dir/log")],
			\"startContainer\": [$(hook startContainer /hooks/log)],
			\"poststart\": [$(hook poststart "$dir/log")],
			\"poststop\": [$(hook poststop "$dir/log")]}"
	obq create -b "$BUNDLE" hk
	pid=$(ob state hk | jq -r .pid)
	ob start hk
	wait_for_status hk stopped
	ob delete hk
	run cut -d' ' -f1,2 "$dir/log"
	assert_output "prestart v-prestart
createRuntime v-createRuntime
createContainer v-createContainer
startContainer v-startContainer
poststart v-poststart
poststop v-poststop"
	[ "$(cat "$dir/process")" = process ]
	state() { grep "^$1 " "$dir/log" | cut -d' ' -f3-; }
	for h in prestart createRuntime createContainer startContainer poststart poststop; do
		[ "$(state $h | jq -r .id)" = hk ]
		[ "$(state $h | jq -r .bundle)" = "$BUNDLE" ]
	done
	# runtime.md: `created` is "after step 2 in the lifecycle": the hooks of steps 3 to 7
	for h in prestart createRuntime createContainer startContainer; do
		[ "$(state $h | jq -r .status)" = created ]
		[ "$(state $h | jq -r .pid)" = "$pid" ]
	done
	[ "$(state poststart | jq -r .status)" = running ]
	[ "$(state poststop | jq -r .status)" = stopped ]
	assert_nothing_left hk
}
