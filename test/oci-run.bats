#!/usr/bin/env bats
# oci-run: create + start + wait; exit status; signals; --detach; --keep.

load helpers
load container-helpers
bats_require_minimum_version 1.5.0

setup() { container_setup; }

@test "run: output and exit status are the container's; it is deleted afterwards" {
	set_cmd 'echo "pid $$"; hostname; exit 42'
	run -42 ob run -b "$BUNDLE" r1
	assert_output "pid 1
ocibox"
	assert_nothing_left r1
}

@test "run: killed by signal N exits 128+N" {
	set_cmd 'sleep 100'
	"$OCIBOX" --root "$OB_ROOT" run -b "$BUNDLE" r2 </dev/null >/dev/null 2>&1 &
	rpid=$!
	wait_for_status r2 running
	ob kill r2 KILL
	st=0
	wait "$rpid" || st=$?
	[ "$st" = 137 ]
	assert_nothing_left r2
}

@test "run: args[0] not found 127, not executable 126" {
	update_config '.process.args = ["/nope"]'
	run -127 ob run -b "$BUNDLE" r3
	assert_output "oci-run: exec \`/nope\`: no such file or directory"
	assert_nothing_left r3
	update_config '.process.args = ["/etc"]'
	run -126 ob run -b "$BUNDLE" r3
	assert_output --partial "exec \`/etc\`"
	assert_nothing_left r3
}

@test "run: signals sent to oci-run reach the container" {
	update_config '.root.readonly = false'
	set_cmd 'trap "echo term > /got; exit 3" TERM; touch /ready; while :; do sleep 0.05; done'
	"$OCIBOX" --root "$OB_ROOT" run -b "$BUNDLE" r4 </dev/null >/dev/null 2>&1 &
	rpid=$!
	retry 50 0.1 test -e "$BUNDLE/rootfs/ready"
	kill -TERM "$rpid"
	st=0
	wait "$rpid" || st=$?
	[ "$st" = 3 ]
	[ "$(cat "$BUNDLE/rootfs/got")" = term ]
	assert_nothing_left r4
}

@test "run --detach: returns once running, pid-file; --keep keeps a stopped container" {
	set_cmd 'sleep 100'
	run obq run -d -b "$BUNDLE" --pid-file "$BATS_TEST_TMPDIR/pid" r5
	assert_success
	assert_output ""
	[ "$(ob state r5 | jq -r .status)" = running ]
	[ "$(ob state r5 | jq -r .pid)" = "$(cat "$BATS_TEST_TMPDIR/pid")" ]
	ob delete -f r5
	set_cmd 'exit 0'
	run ob run --keep -b "$BUNDLE" r6
	assert_success
	[ "$(ob state r6 | jq -r .status)" = stopped ]
	ob delete r6
	assert_nothing_left r6
}

@test "run: a terminal process in the foreground gets a pty, copied to the caller's terminal" {
	requires tool script
	update_config '.process.terminal = true'
	set_cmd 'test -t 0 && test -t 1 && echo tty-ok'
	run script -qec "$OCIBOX --root $OB_ROOT run -b $BUNDLE r7" /dev/null
	assert_success
	assert_output --partial tty-ok
}

@test "run: a new cgroup namespace is rooted at the container's own cgroup in every hierarchy" {
	requires root cgroup1
	set_cmd 'cat /proc/self/cgroup'
	run ob run -b "$BUNDLE" r8
	assert_success
	# "N:controllers:/" for each hierarchy: not the runtime's cgroup, not /../ocibox/r8
	refute_output --partial ':/.'
	refute_output --partial 'ocibox/r8'
	[ "$(grep -c ':/$' <<<"$output")" -ge 2 ]
	assert_nothing_left r8
}

@test "run: a process that exits at once after exec is a success, every time" {
	# /bin/true may be gone before start looks: start must not mistake that for a failure
	for i in $(seq 30); do
		run obq run -b "$BUNDLE" t$i
		[ "$status" -eq 0 ] || { echo "run $i: status $status: $output"; false; }
		assert_output ""
	done
	assert_nothing_left t30
}

@test "run: a failing execve is reported once, by oci-run, with its status" {
	printf '\x7fELF\x02junk' >"$BUNDLE/rootfs/bin/bad"
	chmod 755 "$BUNDLE/rootfs/bin/bad"
	update_config '.process.args = ["/bin/bad"]'
	run -126 obq run -b "$BUNDLE" xb
	assert_output "oci-run: exec \`/bin/bad\`: Exec format error"
	assert_nothing_left xb
}
