#!/usr/bin/env bats
# oci-events: runc's JSON events (stats, oom), parsed with jq.

load helpers

V1=$(cgroup_v1_root)

setup() {
	common_setup
	ID=$(uniq_name ev)
	make_bundle
	update_config '.root.readonly = false'
	update_config '.process.args = ["sleep", "300"] | .linux.resources.memory = {"limit": 67108864} | .linux.resources.pids = {"limit": 40}'
}

@test "oci-events --stats: one stats event with the cgroup's numbers" {
	requires root cgroup1
	requires_hugepages
	ob create --bundle "$BUNDLE" "$ID"
	ob start "$ID"
	run ob events --stats "$ID"
	assert_success
	[ "${#lines[@]}" -eq 1 ]
	echo "$output" | jq -e --arg id "$ID" '.type == "stats" and .id == $id'
	[ "$(echo "$output" | jq .data.memory.usage.limit)" = "$(cat $V1/memory/ocibox/$ID/memory.limit_in_bytes)" ]
	[ "$(echo "$output" | jq .data.memory.usage.limit)" = 67108864 ]
	[ "$(echo "$output" | jq .data.pids.limit)" = 40 ]
	[ "$(echo "$output" | jq .data.pids.current)" = "$(cat $V1/pids/ocibox/$ID/pids.current)" ]
	echo "$output" | jq -e '.data.cpu.usage.total >= 0 and (.data.cpu.usage.percpu | length) > 0'
	echo "$output" | jq -e '.data.memory.raw | has("rss") and has("cache")'
	echo "$output" | jq -e --arg hp "$HP_SMALL" '.data.hugetlb | has($hp)'
	echo "$output" | jq -e '.data.blkio | has("ioServiceBytesRecursive")'
}

@test "oci-events --interval: stats lines until the container stops" {
	requires root cgroup1
	ob create --bundle "$BUNDLE" "$ID"
	ob start "$ID"
	out="$BATS_TEST_TMPDIR/events"
	timeout 20 "$OCIBOX" --root "$OB_ROOT" events --interval 200ms "$ID" >"$out" &
	ev=$!
	retry_until 100 0.1 '[ "$(wc -l <"$out")" -ge 2 ]'
	ob kill "$ID" KILL
	status=0
	wait $ev || status=$?
	[ "$status" -eq 0 ]
	[ "$(wc -l <"$out")" -ge 2 ]
	jq -se 'all(.type == "stats")' "$out"
}

@test "oci-events reports an OOM kill in the container" {
	requires root cgroup1
	update_config '.process.args = ["sh", "-c", "while [ ! -e /tmp/go ]; do sleep 0.1; done; head -c 209715200 /dev/zero | tail; sleep 300"] | .linux.resources.memory = {"limit": 33554432}'
	ob create --bundle "$BUNDLE" "$ID"
	ob start "$ID"
	out="$BATS_TEST_TMPDIR/events"
	timeout 30 "$OCIBOX" --root "$OB_ROOT" events --interval 1s "$ID" >"$out" &
	ev=$!
	defer "kill $ev"
	retry 100 0.1 test -s "$out"
	touch "$BUNDLE/rootfs/tmp/go"
	retry 100 0.1 grep -q '"oom"' "$out"
	run jq -c 'select(.type == "oom")' "$out"
	assert_output "{\"type\":\"oom\",\"id\":\"$ID\"}"
	ob delete --force "$ID"
}

@test "oci-events: bad interval, unknown or stopped container" {
	requires root cgroup1
	run ob events --interval 5x "$ID"
	assert_failure 2
	run ob events --stats "nosuch-$ID"
	assert_failure 1
	assert_output "oci-events: container \`nosuch-$ID\` does not exist"
	update_config '.process.args = ["sleep", "300"]'
	ob create --bundle "$BUNDLE" "$ID"
	ob start "$ID"
	ob kill "$ID" KILL
	wait_for_status "$ID" stopped
	run ob events --stats "$ID"
	assert_failure 1
	assert_output "oci-events: container \`$ID\` is stopped"
}
