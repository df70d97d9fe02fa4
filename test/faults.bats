#!/usr/bin/env bats
# faults: a runtime SIGKILLed at each named step (core/fault.h: OCIBOX_FAULT=STEP:FIFO
# stops it there and says so through the fifo) of create, start, run, exec and delete;
# then `delete --force` leaves no state dir, cgroup, mount, process or veth, and a new
# create with the same id works. Hostile inputs are refused with one line naming the
# place and leave nothing.

load helpers
load container-helpers

setup() {
	common_setup
	requires root
	make_bundle
	set_cmd 'sleep 1000'
	ID=$(uniq_name f)
}

# Every step ocibox's sources name, one per line.
source_steps() {
	grep -ho 'ob_fault_point("[a-z-]*")' "$TOP"/core/*.c "$TOP"/core/*/*.c "$TOP"/applets/*.c 2>/dev/null |
		sed 's/.*("\(.*\)")/\1/' | sort -u
}

CREATE_STEPS="create-dir create-cgroup create-clone create-pid create-hooks create-ready create-saved"

# kill_at STEP ARGS...: `ob ARGS...` in the background, stopped at STEP (the fifo names
# its pid: a positive signal, no timing), then SIGKILLed. Fails when STEP is not reached.
kill_at() {
	local step=$1 fifo="$BATS_TEST_TMPDIR/fault.fifo" fd line
	shift
	rm -f "$fifo"
	mkfifo "$fifo"
	exec {fd}<>"$fifo" # read-write: the open does not block, the read below is bounded
	OCIBOX_FAULT="$step:$fifo" "$OCIBOX" --root "$OB_ROOT" "$@" \
		>"$BATS_TEST_TMPDIR/fault.out" 2>&1 </dev/null &
	local bg=$!
	if ! read -r -t 30 -u "$fd" line; then
		exec {fd}>&-
		kill -9 "$bg" 2>/dev/null
		echo "step $step never reached: $(cat "$BATS_TEST_TMPDIR/fault.out")"
		return 1
	fi
	exec {fd}>&-
	# while a create is stopped before its end it holds the lock: list says it is at work
	local listed=ok
	case $step in
	create-saved) ;;
	create-*) ob list | grep -F " (being created" >/dev/null || listed=$(ob list) ;;
	esac
	kill -9 "$bg"
	wait "$bg" 2>/dev/null || true
	[ "$line" = "$bg $step" ] || { echo "fifo said \`$line\`, want \`$bg $step\`"; return 1; }
	[ "$listed" = ok ] || { echo "list does not show $ID being created: $listed"; return 1; }
}

# cleanup_and_reuse: delete --force finishes what the killed runtime left, then the id
# is free for a new container.
cleanup_and_reuse() {
	run ob delete --force "$ID"
	assert_success
	assert_output ""
	assert_nothing_left "$ID"
	run ls -A "$OB_ROOT"
	assert_output ""
	obq create -b "$BUNDLE" "$ID"
	[ "$(ob state "$ID" | jq -r .status)" = created ]
	ob delete --force "$ID"
	assert_nothing_left "$ID"
}

@test "faults: every step in the sources is exercised by this file" {
	local steps
	steps=$(source_steps)
	[ -n "$steps" ]
	for s in $steps; do
		sed '/^source_steps/,/^}/d' "$BATS_TEST_FILENAME" | grep -qw -- "$s" || {
			echo "step $s is not tested"
			return 1
		}
	done
}

@test "faults: create killed at each step" {
	for step in $CREATE_STEPS; do
		kill_at "$step" create -b "$BUNDLE" "$ID"
		if [ "$step" != create-saved ]; then
			# half made: list gives the reason
			run ob list
			assert_line --regexp "^$ID .* creating .*\(create interrupted at step \`(dir|init)\`: delete --force removes it\)$"
			run ob list --format json
			[ "$(jq -r '.[0].reason' <<<"$output")" != null ]
		fi
		cleanup_and_reuse
	done
}

@test "faults: create with a createRuntime hook and a veth moved in, killed at each step" {
	requires netns
	local host=ob${$}h guest=ob${$}g
	defer ip link del "$host"
	ip link add "$host" type veth peer name "$guest"
	update_config ".linux.netDevices = {\"$guest\": {\"name\": \"eth9\"}} |
		.hooks.createRuntime = [{\"path\": \"/bin/true\"}]"
	for step in create-cgroup create-pid create-netdevices create-hooks create-ready; do
		kill_at "$step" create -b "$BUNDLE" "$ID"
		run ob delete --force "$ID"
		assert_success
		assert_nothing_left "$ID"
		case $step in
		create-cgroup | create-pid)
			# killed before the move: the veth is the host's as it was
			ip link show "$guest"
			ip link show "$host"
			;;
		*)
			# moved in: gone with the container's netns, and its peer with it
			run ip link show "$guest"
			assert_failure
			run ip link show "$host"
			assert_failure
			ip link add "$host" type veth peer name "$guest"
			;;
		esac
	done
	cleanup_and_reuse
}

@test "faults: start killed at each step" {
	for step in start-opened start-written; do
		obq create -b "$BUNDLE" "$ID"
		kill_at "$step" start "$ID"
		cleanup_and_reuse
	done
}

@test "faults: run killed at each step" {
	for step in $CREATE_STEPS run-created run-started; do
		kill_at "$step" run -b "$BUNDLE" "$ID"
		cleanup_and_reuse
	done
}

@test "faults: exec killed at each step" {
	for step in exec-forked exec-joined exec-started; do
		obq create -b "$BUNDLE" "$ID"
		ob start "$ID"
		kill_at "$step" exec "$ID" sleep 999
		# the exec'd process is no host orphan: it dies with the container
		cleanup_and_reuse
		run pgrep -f 'sleep 999'
		assert_failure
	done
}

@test "faults: delete killed at each step" {
	for step in delete-killed delete-cgroup delete-state; do
		obq create -b "$BUNDLE" "$ID"
		ob start "$ID"
		kill_at "$step" delete --force "$ID"
		cleanup_and_reuse
	done
}

@test "faults: a state dir without its lock (a hand-made one) is removed by delete --force" {
	mkdir -p "$OB_ROOT/$ID"
	run ob list
	assert_line --regexp "^$ID .* creating .*\(no state recorded: delete --force removes it\)$"
	run ob delete --force "$ID"
	assert_success
	[ ! -e "$OB_ROOT/$ID" ]
	obq create -b "$BUNDLE" "$ID"
	ob delete --force "$ID"
	assert_nothing_left "$ID"
}

@test "faults: a temporary dir of a killed create is swept; a live one is left alone" {
	# one whose lock nobody holds (its create was killed before the rename)
	mkdir -p "$OB_ROOT/.new-dead01"
	: >"$OB_ROOT/.new-dead01/lock"
	# one held by a live process (a create at work): this shell holds its lock
	mkdir -p "$OB_ROOT/.new-live01"
	local lfd
	exec {lfd}>"$OB_ROOT/.new-live01/lock"
	flock -n "$lfd"
	obq create -b "$BUNDLE" "$ID"
	[ ! -e "$OB_ROOT/.new-dead01" ]
	[ -d "$OB_ROOT/.new-live01" ]
	run ob list -q
	assert_output "$ID"
	ob delete --force "$ID"
	exec {lfd}>&-
}

@test "faults: delete waits for the lock a live create holds" {
	local fifo="$BATS_TEST_TMPDIR/fault.fifo" fd line
	mkfifo "$fifo"
	exec {fd}<>"$fifo"
	OCIBOX_FAULT="create-pid:$fifo" "$OCIBOX" --root "$OB_ROOT" create -b "$BUNDLE" "$ID" \
		>/dev/null 2>&1 </dev/null &
	local bg=$!
	read -r -t 30 -u "$fd" line
	# the stopped create holds the lock: a delete --force blocks rather than remove it
	"$OCIBOX" --root "$OB_ROOT" delete --force "$ID" &
	local del=$!
	# positive signal that the delete is waiting: it holds the lock file open, blocked
	retry_until 100 0.05 'ls -l /proc/$del/fd 2>/dev/null | grep -qF "$OB_ROOT/$ID/lock"'
	# (it cannot pass flock(2) while the create lives): the entry is still there
	[ -d "$OB_ROOT/$ID" ]
	[ -f "$OB_ROOT/$ID/state.json" ]
	kill -9 "$bg"
	wait "$bg" || true
	wait "$del"
	assert_nothing_left "$ID"
	exec {fd}>&-
}

@test "faults: a create refused because the id exists leaves the existing container alone" {
	obq create -b "$BUNDLE" "$ID"
	pid=$(ob state "$ID" | jq -r .pid)
	run ob create -b "$BUNDLE" "$ID"
	assert_failure 1
	assert_output "oci-create: container \`$ID\` already exists"
	[ "$(ob state "$ID" | jq -r '.status + " " + (.pid|tostring)')" = "created $pid" ]
	for d in $(cgroup_dirs_of "$ID"); do
		[ ! -d "$d" ] || grep -qx "$pid" "$d/cgroup.procs"
	done
	ob delete --force "$ID"
	assert_nothing_left "$ID"
}

# ---- hostile inputs: one line naming the place, nothing left ----

# refused ERROR [rootfs-is-host]: create fails with exactly "oci-create: ERROR" and leaves nothing.
refused() {
	run timeout 20 "$OCIBOX" --root "$OB_ROOT" create -b "$BUNDLE" "$ID" </dev/null
	assert_failure 1
	assert_output "oci-create: $1"
	[ "${2:-}" = rootfs-is-host ] || assert_nothing_left "$ID"
	[ ! -e "$OB_ROOT" ] || [ -z "$(ls -A "$OB_ROOT")" ]
}

@test "inputs: config.json only from a regular file of at most 16 MiB" {
	local c="$BUNDLE/config.json"
	mv "$c" "$c.real"
	ln -s /dev/zero "$c"
	refused "\`$c\` is not a regular file"
	rm "$c"
	mkfifo "$c"
	refused "\`$c\` is not a regular file"
	rm "$c"
	# 16 MiB + 1 (sparse): refused by its size, before a byte is read
	cp "$c.real" "$c"
	truncate -s $((16 * 1024 * 1024 + 1)) "$c"
	refused "\`$c\` is larger than 16 MiB"
	# 16 MiB exactly is read (and then judged as JSON: trailing NULs are not)
	truncate -s $((16 * 1024 * 1024)) "$c"
	run ob create -b "$BUNDLE" "$ID"
	assert_failure 1
	refute_output --partial "larger than"
	assert_output --partial "$c:"
	mv "$c.real" "$c"
	grep -F '16 MiB' "$TOP/README.md"
}

@test "inputs: --process, --resources, a seccomp profile and oci-spec --validate: the same limits" {
	mkfifo "$BATS_TEST_TMPDIR/fifo"
	for f in /dev/zero "$BATS_TEST_TMPDIR/fifo"; do
		run timeout 20 "$OCIBOX" oci-spec --validate="$f"
		assert_failure 1
		assert_output "oci-spec: \`$f\` is not a regular file"
		run timeout 20 "$OCIBOX" oci-spec -b "$BUNDLE" --seccomp "$f"
		assert_failure 1
		assert_output "oci-spec: --seccomp: \`$f\` is not a regular file"
	done
	obq create -b "$BUNDLE" "$ID"
	ob start "$ID"
	run timeout 20 "$OCIBOX" --root "$OB_ROOT" update --resources /dev/zero "$ID"
	assert_failure 1
	assert_output "oci-update: \`/dev/zero\` is not a regular file"
	run timeout 20 "$OCIBOX" --root "$OB_ROOT" exec --process /dev/zero "$ID"
	assert_failure 1
	assert_output "oci-exec: \`/dev/zero\` is not a regular file"
	ob delete --force "$ID"
	assert_nothing_left "$ID"
}

@test "inputs: additionalGids up to the kernel's NGROUPS_MAX, all applied; more refused" {
	update_config '.process.user.additionalGids = [range(1000; 1300)] |
		.process.args = ["/bin/sh", "-c", "grep ^Groups: /proc/self/status | wc -w"]'
	run ob run -b "$BUNDLE" "$ID"
	assert_success
	assert_output 301 # "Groups:" and the 300 gids
	update_config '.process.user.additionalGids = [range(0; 65537)]'
	refused "$BUNDLE/config.json: process.user.additionalGids: 65537 groups: more than the kernel's limit (65536)"
}

@test "inputs: resource values out of range are refused with their path" {
	local r=linux.resources
	for c in "memory.limit = -2|$r.memory.limit: -2 is not a limit (-1 is unlimited)" \
		"memory.swap = -5|$r.memory.swap: -5 is not a limit (-1 is unlimited)" \
		"memory.reservation = -3|$r.memory.reservation: -3 is not a limit (-1 is unlimited)" \
		"cpu.quota = -7|$r.cpu.quota: -7 is not a limit (-1 is unlimited)" \
		"cpu.idle = 2|$r.cpu.idle: 2 is not 0 or 1" \
		"pids.limit = -2|$r.pids.limit: -2 is not a limit (-1 is unlimited)" \
		"blockIO.weight = 5|$r.blockIO.weight: 5 is out of range [10, 1000]"; do
		cp "$BUNDLE/config.json" "$BUNDLE/config.json.orig"
		update_config ".$r.${c%%|*}"
		refused "$BUNDLE/config.json: ${c#*|}"
		# --validate says the same
		run ob spec --validate="$BUNDLE/config.json"
		assert_failure 1
		assert_output --partial "${c#*|}"
		mv "$BUNDLE/config.json.orig" "$BUNDLE/config.json"
	done
	# oci-update reads its --resources with the same parser
	obq create -b "$BUNDLE" "$ID"
	echo '{"memory": {"limit": -2}}' >"$BATS_TEST_TMPDIR/res.json"
	run ob update --resources "$BATS_TEST_TMPDIR/res.json" "$ID"
	assert_failure 1
	assert_output "oci-update: $BATS_TEST_TMPDIR/res.json: memory.limit: -2 is not a limit (-1 is unlimited)"
	ob delete --force "$ID"
	# -1 stays unlimited; 0 shares, quota, period and blockIO weight are "not set", as
	# Docker sends them
	update_config ".$r.memory.limit = -1 | .$r.pids.limit = -1 | .process.args = [\"/bin/true\"]
		| .$r.cpu = {\"shares\": 0, \"quota\": 0, \"period\": 0} | .$r.blockIO = {\"weight\": 0}"
	run ob run -b "$BUNDLE" "$ID"
	assert_success
}

@test "inputs: an env entry without = is refused with its path" {
	update_config '.process.env = ["PATH=/bin", "FOO"]'
	refused "$BUNDLE/config.json: process.env[1]: \`FOO\` is not KEY=VALUE"
	update_config '.process.env = ["PATH=/bin"] | .hooks.prestart = [{"path": "/bin/true", "env": ["=x"]}]'
	refused "$BUNDLE/config.json: hooks.prestart[0].env[0]: \`=x\` is not KEY=VALUE"
}

@test "inputs: a rootfs that is the host's / is refused" {
	rm -rf "$BUNDLE/rootfs"
	ln -s / "$BUNDLE/rootfs"
	# (no process or mount check: every host process has / as its root)
	refused "config.json: root.path: invalid rootfs: \`rootfs\` is the host's /" rootfs-is-host
	update_config '.root.path = "/"'
	refused "config.json: root.path: invalid rootfs: \`/\` is the host's /" rootfs-is-host
}
